// Web Worker: runs verifications off the page's thread and reports progress.
import { verifyFiles } from '../core/verify.js';
import { warmUp } from './warmup.js';

self.onmessage = (event) => {
  const m = event.data;
  if (m.type === 'warm') {
    try {
      warmUp();
      self.postMessage({ type: 'warm-done' });
    } catch (e) {
      self.postMessage({ type: 'warm-done', error: String(e?.stack ?? e) });
    }
    return;
  }
  const { transcriptText, commitmentText, frameBuffer, poolBuffer } = m;
  try {
    const report = verifyFiles({
      transcriptText,
      commitmentText,
      frameBytes: new Uint8Array(frameBuffer),
      poolBytes: new Uint8Array(poolBuffer),
    }, (p) => self.postMessage({ type: 'progress', ...p }));
    self.postMessage({ type: 'done', report });
  } catch (e) {
    self.postMessage({ type: 'error', message: String(e?.stack ?? e) });
  }
};
