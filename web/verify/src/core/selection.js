// Target selection (draw spec §11).
import { WordStream, shufflePrefix } from './stream.js';
import { stratumKey } from './keys.js';

/**
 * The frame indices (ascending, in an Int32Array) of each stratum c with drawn[c], by stratum
 * number; null for the others. Typed arrays counted first: no growing lists (100,000 entries).
 */
function groupByStratum(stratumOf, n, drawn) {
  const k = drawn.length;
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) counts[stratumOf[i]]++;
  const lists = [];
  for (let c = 0; c < k; c++) lists.push(drawn[c] ? new Int32Array(counts[c]) : null);
  fillGroups(stratumOf, n, lists, new Int32Array(k));
  return lists;
}

function fillGroups(stratumOf, n, lists, filled) {
  for (let i = 0; i < n; i++) {
    const c = stratumOf[i];
    const list = lists[c];
    if (list !== null) list[filled[c]++] = i;
  }
}

const NONE = new Int32Array(0);

/**
 * Selects targets. frame: see frame.js (canonical order); strata: the commitment's list.
 * Returns [{ target, stratum, frame_index }] in selection order.
 */
export function selectTargets(frame, strata, key) {
  const drawn = new Set(strata.filter((s) => s.sample > 0).map((s) => s.key));
  const lists = groupByStratum(frame.stratumOf, frame.size, frame.stratumNames.map((name) => drawn.has(name)));
  const members = new Map(frame.stratumNames.map((name, c) => [name, lists[c]])); // stratum → its frame indices
  const out = [];
  for (const s of strata) {
    if (s.sample === 0) continue;
    const M = members.get(s.key) ?? NONE;
    const stream = new WordStream(stratumKey(key, s.key));
    for (const p of shufflePrefix(stream, M.length, s.sample)) {
      out.push({ target: frame.id(M[p]), stratum: s.key, frame_index: M[p] });
    }
  }
  return out;
}
