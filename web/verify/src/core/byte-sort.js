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

// Ids longer than this are sorted by sortSlices.
const LSD_MAX_WIDTH = 32;

/**
 * The order of §4.1 identifiers (no byte 0x00, which identifiers cannot hold: they have no
 * control characters) by unsigned bytes, as sortSlices gives it: an LSD radix sort, 16 bits per
 * pass, reading each id's digits where it lies in `bytes`, a shorter id padded with zeros (a
 * shorter id is a prefix, and 0x00 sorts before every byte an id can have, so the padding puts it
 * first). A digit that every id shares (a common prefix, or the zeros in the middle of many
 * credit codes) is read but not sorted on. Falls back to sortSlices for ids over 32 bytes and
 * small inputs. Equal ids end up next to each other.
 */
export function sortIdSlices(bytes, start, len, n) {
  const [shortest, longest] = lengthRange(len, n);
  if (n < 1024 || longest > LSD_MAX_WIDTH) return sortSlices(bytes, start, len, n);
  const width = longest + (longest & 1); // whole 16-bit digits
  let order = identity(n);
  let next = new Int32Array(n);
  const digit = new Uint16Array(n);
  const counts = new Int32Array(65537);
  for (let pos = width - 2; pos >= 0; pos -= 2) {
    const shared = pos + 2 <= shortest ? digitsAt(bytes, start, n, pos, digit) : paddedDigitsAt(bytes, start, len, n, pos, digit);
    if (shared) continue;
    countingPass(n, digit, counts, order, next);
    const t = order;
    order = next;
    next = t;
  }
  return order;
}

// The loops are small functions called many times (per pass, per verification), which the
// browser's optimising compiler compiles once (in the page's warm-up) for all calls rather than
// again, on the stack, in the middle of every sort.

/** [shortest, longest] of len[0 … n). */
function lengthRange(len, n) {
  let shortest = Infinity;
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const l = len[i];
    if (l > longest) longest = l;
    if (l < shortest) shortest = l;
  }
  return [shortest, longest];
}

/** 0, 1, …, n − 1. */
function identity(n) {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** digit[i] = the 16-bit digit at byte `pos` of id i (every id has both bytes); true if all equal. */
function digitsAt(bytes, start, n, pos, digit) {
  const first = (bytes[start[0] + pos] << 8) | bytes[start[0] + pos + 1];
  let differ = 0;
  for (let i = 0; i < n; i++) {
    const o = start[i] + pos;
    const d = (bytes[o] << 8) | bytes[o + 1];
    digit[i] = d;
    differ |= d ^ first;
  }
  return differ === 0;
}

/** digitsAt for a digit some ids end before: their missing bytes are 0x00. */
function paddedDigitsAt(bytes, start, len, n, pos, digit) {
  const at = (i) => {
    const l = len[i];
    const o = start[i] + pos;
    return (pos < l ? bytes[o] << 8 : 0) | (pos + 1 < l ? bytes[o + 1] : 0);
  };
  const first = at(0);
  let differ = 0;
  for (let i = 0; i < n; i++) {
    const d = at(i);
    digit[i] = d;
    differ |= d ^ first;
  }
  return differ === 0;
}

/** One stable counting pass: `next` gets `order` sorted by digit[·]. */
function countingPass(n, digit, counts, order, next) {
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[digit[i] + 1]++;
  for (let d = 1; d <= 65536; d++) counts[d] += counts[d - 1];
  for (let k = 0; k < n; k++) {
    const e = order[k];
    next[counts[digit[e]]++] = e;
  }
}
