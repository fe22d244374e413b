// Synthetic frames and pools (draw spec Appendix A), for the large known-answer vector and
// benchmarks. Not used by the page.
import { lp, taggedHash, TAGS } from './encoding.js';
import { WordStream } from './stream.js';

const REGIONS = ['350300', '350302', '350303', '350304', '350305', '350322'];
const CLASSES = ['A', 'B', 'C', 'D'];
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const DEPARTMENTS = ['莆田市文化和旅游局', '城厢区文体旅游局', '涵江区文体旅游局', '荔城区文体旅游局',
  '秀屿区文体旅游局', '仙游县文体旅游局'];

function base31(i, width) {
  let s = '';
  for (let k = 0; k < width; k++) {
    s = ALPHABET[i % 31] + s;
    i = Math.floor(i / 31);
  }
  return s;
}

/** GB 32100-2015 check character of a 17-character body. */
export function checkCharacter(body) {
  let sum = 0;
  for (let j = 0; j < 17; j++) sum += ALPHABET.indexOf(body[j]) * WEIGHTS[j];
  return ALPHABET[(31 - (sum % 31)) % 31];
}

/** A.1: [[target_id, stratum]] in generation order. */
export function syntheticFrame(size, seed) {
  const s = new WordStream(taggedHash(TAGS.genFrame, lp(seed)));
  const out = [];
  for (let i = 0; i < size; i++) {
    const region = REGIONS[s.below(6)];
    const klass = CLASSES[s.below(4)];
    const body = '91' + region + base31(i, 9);
    out.push([body + checkCharacter(body), `${region}-${klass}`]);
  }
  return out;
}

/** A.2: [[inspector_id, department, conflicts]] in generation order. */
export function syntheticPool(size, seed, frameSize, frameSeed, maxConflicts) {
  const frame = frameSize > 0 ? syntheticFrame(frameSize, frameSeed) : [];
  const s = new WordStream(taggedHash(TAGS.genPool, lp(seed)));
  const out = [];
  for (let j = 0; j < size; j++) {
    const department = DEPARTMENTS[s.below(6)];
    const conflicts = [];
    if (frameSize > 0) {
      const k = s.below(maxConflicts + 1);
      for (let r = 0; r < k; r++) {
        const t = frame[s.below(frameSize)][0];
        if (!conflicts.includes(t)) conflicts.push(t);
      }
    }
    out.push([`ZF${String(j).padStart(6, '0')}`, department, conflicts]);
  }
  return out;
}
