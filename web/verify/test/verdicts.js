// The differential tests' two verifiers side by side: the Rust CLI (`spotcheck verify`, run in a
// temporary folder removed after the file's tests) and this verifier's core, each reduced to one
// comparable verdict.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spotcheckBinary } from './support.js';
import { verifyFiles } from '../src/core/verify.js';

/** A folder for the CLI's files (`dir`), `run(...args)` of the CLI in it, and the two verdicts. */
export function cliRig(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let bin;
  const run = (...args) => spawnSync((bin ??= spotcheckBinary()), args, { cwd: dir });

  /** `spotcheck verify`'s verdict: 'VERIFIED', the field it names, 'malformed', or 'frame' / 'pool' (the file refused). */
  function rustVerdict(transcriptText, frameFile = 'frame.csv', poolFile = 'pool.csv') {
    writeFileSync(join(dir, 'tampered.json'), transcriptText);
    const r = run('verify', 'tampered.json', '--frame', frameFile, '--pool', poolFile);
    const out = r.stdout.toString() + r.stderr.toString();
    if (r.status === 0) return 'VERIFIED';
    if (r.status === 2 && out.includes('tampered.json')) return 'malformed';
    if (r.status === 2 && out.includes(frameFile)) return 'frame';
    if (r.status === 2 && out.includes(poolFile)) return 'pool';
    const m = /FAILED: ([^:\s]+):/.exec(out);
    return m ? m[1] : `(exit ${r.status}) ${out}`;
  }

  /** The core's verdict, in the same terms. */
  async function jsVerdict(transcriptText, frameBytes, poolBytes) {
    const r = await verifyFiles({ transcriptText, frameBytes, poolBytes }, () => {});
    if (r.ok) return 'VERIFIED';
    assert.equal(r.failure.internal, undefined, r.failure.internal);
    if ((r.failure.check === 'frame' || r.failure.check === 'pool') && r.failure.code === r.failure.check) return r.failure.check;
    // A transcript of another version is refused before it is read, naming spec_version as step 1 does.
    return r.failure.check === 'format' && r.failure.field !== 'spec_version' ? 'malformed' : r.failure.field;
  }

  return { dir, run, rustVerdict, jsVerdict };
}
