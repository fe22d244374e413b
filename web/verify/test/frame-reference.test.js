// The readable reference path of the frame (src/core/frame-reference.js, one function per spec
// step) and the fast path the page uses (src/core/frame.js) agree: on every vector's frame, on the
// CSV frames of the verification vectors, and on random frame files — the same size, root and
// canonical entries, or both refuse the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { referenceFrame, compareBytes } from '../src/core/frame-reference.js';
import { parseFrameCsv } from '../src/core/frame.js';
import { syntheticFrame } from '../src/core/synthetic.js';
import { compareUtf8, toHex } from '../src/core/bytes.js';
import { VECTORS, loadVector, loadVerifyVector } from './support.js';

const encoder = new TextEncoder();

/** Both paths on the same file bytes: the frame as { size, root, entries } or { refused }. */
async function both(bytes) {
  let ref;
  try {
    const r = referenceFrame(bytes);
    ref = { size: r.size, root: toHex(r.root), entries: r.entries };
  } catch (e) {
    if (e.kind !== 'frame') throw e;
    ref = { refused: 'frame' };
  }
  let fast;
  try {
    const f = await parseFrameCsv(bytes);
    const entries = [];
    for (let i = 0; i < f.size; i++) entries.push([f.id(i), f.stratum(i)]);
    fast = { size: f.size, root: toHex(f.root), entries };
  } catch (e) {
    if (e.kind !== 'frame') throw e;
    fast = { refused: 'frame' };
  }
  return { ref, fast };
}

const csv = (rows) => encoder.encode(`target_id,stratum\n${rows.map(([t, s]) => `${t},${s}\n`).join('')}`);

test('§2 byte order of the reference path is the fast path\'s', () => {
  const ids = ['Z', 'a', 'é', '\uFF71', '\u{1F600}', '中', 'A10', 'A9', 'A', ''];
  for (const a of ids) for (const b of ids) assert.equal(Math.sign(compareBytes(a, b)), Math.sign(compareUtf8(a, b)), `${a} ${b}`);
});

for (const name of readdirSync(VECTORS).filter((n) => n.endsWith('.json')).sort()) {
  test(`vector ${name}: the reference frame is the fast one`, async () => {
    const v = loadVector(name);
    const f = v.inputs.frame;
    const rows = f.synthetic ? [...syntheticFrame(f.synthetic.size, f.synthetic.seed)]
      : f.entries.map((e) => [e.target_id, e.stratum]);
    const { ref, fast } = await both(csv(rows));
    assert.deepEqual(ref, fast);
    if (v.expected) assert.deepEqual({ root: ref.root, size: ref.size }, { ...v.expected.frame });
    else if (v.want_err === 'frame') assert.deepEqual(ref, { refused: 'frame' });
  });
}

test('the CSV frames of the verification vectors: the same frame or the same refusal', async () => {
  const dir = join(VECTORS, 'verify');
  let n = 0;
  for (const name of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const v = loadVerifyVector(name);
    if (v.frame.csv === undefined) continue;
    const { ref, fast } = await both(encoder.encode(v.frame.csv));
    assert.deepEqual(ref, fast, name);
    n++;
  }
  assert.ok(n >= 2);
});

test('random frame files: the same frame or the same refusal', async () => {
  let x = 0x2545f491;
  const int = (n) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
  const pick = (a) => a[int(a.length)];
  const parts = ['T', 'a', '9', 'é', '中', '\u{1F600}', '-', 'ｱ', 'Z', '_'];
  const bad = [' ', ';', '\u3000', '\u0085', '\uFEFF', '\t'];
  let refused = 0;
  for (let k = 0; k < 300; k++) {
    const n = int(40);
    const eol = pick(['\n', '\r\n']);
    const rows = [];
    for (let i = 0; i < n; i++) {
      let id = '';
      for (let j = 1 + int(6); j > 0; j--) id += pick(parts);
      if (int(100) === 0) id += pick(bad); // sometimes an id §4.1 refuses (U+FEFF is allowed)
      const q = (s) => (int(6) === 0 ? `"${s}"` : s);
      rows.push(`${int(12) === 0 ? eol : ''}${q(id)},${q(pick(['S', 'A-1', '城厢区-A']))}`);
    }
    if (n > 2 && int(20) === 0) rows.push(rows[0].trim()); // a repeated target (or a blank-led copy)
    if (int(30) === 0) rows.push(' '); // a white-space line: a record of one field
    const header = `${int(4) === 0 ? '\uFEFF' : ''}${pick(['target_id,stratum', 'stratum,target_id', ' target_id ,stratum,extra'])}`;
    const text = [header, ...rows.map((r) => (header.includes('extra') ? `${r},x` : header.startsWith('stratum') || header.startsWith('\uFEFFstratum') ? r.split(',').reverse().join(',') : r))].join(eol) + (int(2) ? eol : '');
    const { ref, fast } = await both(encoder.encode(text));
    assert.deepEqual(ref, fast, JSON.stringify(text));
    if (ref.refused) refused++;
  }
  assert.ok(refused > 0 && refused < 300, `${refused} of 300 random files refused`);
});
