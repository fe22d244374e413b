// Target selection (draw spec §11).
import { WordStream, shufflePrefix } from './stream.js';
import { stratumKey } from './keys.js';

/** Appends each entry i < n to lists[stratumOf[i]] (an array, or undefined: not drawn from). */
function groupByStratum(stratumOf, n, lists) {
  for (let i = 0; i < n; i++) lists[stratumOf[i]]?.push(i);
}

/**
 * Selects targets. frame: see frame.js (canonical order); strata: the commitment's list.
 * Returns [{ target, stratum, frame_index }] in selection order.
 */
export function selectTargets(frame, strata, key) {
  const members = new Map(); // stratum → its frame indices, ascending
  for (const s of strata) if (s.sample > 0) members.set(s.key, []);
  const lists = frame.stratumNames.map((name) => members.get(name));
  groupByStratum(frame.stratumOf, frame.size, lists);
  const out = [];
  for (const s of strata) {
    if (s.sample === 0) continue;
    const M = members.get(s.key);
    const stream = new WordStream(stratumKey(key, s.key));
    for (const p of shufflePrefix(stream, M.length, s.sample)) {
      out.push({ target: frame.id(M[p]), stratum: s.key, frame_index: M[p] });
    }
  }
  return out;
}
