// Sorting byte strings in UTF-8 byte order (draw spec §2) without making JavaScript strings:
// an MSD radix sort over (start, length) slices of one byte array.

const SMALL = 24;

function compareSlices(bytes, start, len, a, b, depth) {
  const la = len[a];
  const lb = len[b];
  const sa = start[a];
  const sb = start[b];
  const n = la < lb ? la : lb;
  for (let d = depth; d < n; d++) {
    const x = bytes[sa + d];
    const y = bytes[sb + d];
    if (x !== y) return x - y;
  }
  return la - lb;
}

/**
 * The order (an Int32Array of slice numbers) that sorts slices i = 0 … n−1, each
 * bytes[start[i] … start[i] + len[i]), by unsigned bytes, a prefix first. Equal slices end up
 * next to each other.
 */
export function sortSlices(bytes, start, len, n) {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const tmp = new Int32Array(n);
  const counts = new Int32Array(258);
  const stack = [0, n, 0];
  while (stack.length) {
    let depth = stack.pop();
    const hi = stack.pop();
    const lo = stack.pop();
    if (hi - lo < 2) continue;
    if (hi - lo <= SMALL) {
      for (let i = lo + 1; i < hi; i++) {
        const v = order[i];
        let j = i - 1;
        while (j >= lo && compareSlices(bytes, start, len, order[j], v, depth) > 0) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = v;
      }
      continue;
    }
    for (;;) {
      counts.fill(0);
      for (let i = lo; i < hi; i++) {
        const e = order[i];
        counts[(depth < len[e] ? bytes[start[e] + depth] + 1 : 0) + 1]++;
      }
      // All in one bucket (a common prefix byte): look at the next byte, nothing to move.
      let single = -1;
      for (let b = 1; b < 258; b++) {
        if (counts[b] === hi - lo) single = b;
      }
      if (single === -1) break;
      if (single === 1) break; // every slice ended: all equal
      depth++;
    }
    if (counts[1] === hi - lo) continue;
    for (let b = 1; b < 258; b++) counts[b] += counts[b - 1];
    // counts[b] is now the start of bucket b (bucket k stored at index k + 1 before the sums).
    for (let i = lo; i < hi; i++) {
      const e = order[i];
      const k = depth < len[e] ? bytes[start[e] + depth] + 1 : 0;
      tmp[lo + counts[k]++] = e;
    }
    order.set(tmp.subarray(lo, hi), lo);
    // Buckets: after distribution counts[k] is the end of bucket k.
    let begin = lo;
    for (let k = 0; k < 257; k++) {
      const end = lo + counts[k];
      if (end - begin > 1 && k > 0) stack.push(begin, end, depth + 1);
      begin = end;
    }
  }
  return order;
}
