// Unit tests of the building blocks against the spec's own worked numbers (Appendix B, §8.1)
// and the edge cases of the file formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareUtf8, fromHex, toHex, utf8 } from '../src/core/bytes.js';
import { lp, taggedHash, TAGS } from '../src/core/encoding.js';
import { canonicalJson } from '../src/core/canonical-json.js';
import { parseStrictJson } from '../src/core/strict-json.js';
import { readCsv } from '../src/core/csv.js';
import { auditPath, leafHash, merkleRoot, verifyInclusion } from '../src/core/merkle.js';
import { H } from '../src/core/hash.js';
import { WordStream, shufflePrefix } from '../src/core/stream.js';
import { assignKey, stratumKey } from '../src/core/keys.js';
import { buildFrame, parseFrameCsv } from '../src/core/frame.js';
import { parsePoolCsv } from '../src/core/pool.js';
import { parseRatio, sampleSize } from '../src/core/params.js';
import { checkInclusion, frameLeafHash } from '../src/core/proof.js';
import { idProblem } from '../src/core/text-rules.js';

const enc = (s) => new TextEncoder().encode(s);

test('lp and tagged hashes follow §2', () => {
  assert.equal(toHex(lp('T1')), '000000025431');
  assert.equal(toHex(lp('')), '00000000');
  assert.equal(toHex(taggedHash('t', utf8('x'))), toHex(H(fromHex('0000000174' + '78'))));
});

test('Appendix B: leaf bytes, frame root and secret commitment', () => {
  const frame = buildFrame([['T1', 'S'], ['T2', 'S']]);
  assert.equal(toHex(frame.root), '1c74c0e9e23c508d07058ed97c965aed184da70729078c3092bc2b83d7ede8db');
  assert.ok(toHex(frame.leaf(0)).startsWith('b9c39ada'));
  assert.ok(toHex(frame.leaf(1)).endsWith('0d5f2031'));
  const secret = new Uint8Array(32).fill(1);
  assert.equal(toHex(taggedHash(TAGS.secret, secret)), '34af8ea2ebb7e98c41b1dfb9f67a0d9dc3454b6eb368dd799e42afdcc2f61336');
});

test('Appendix B: stratum and assignment streams', () => {
  const key = fromHex('a093e51fd4c58bcf1db16b744084c002ad9d6d35dfb6c76c481b711df7b77d13');
  const sk = stratumKey(key, 'S');
  assert.equal(toHex(sk), '1e6dbc9c7052de61385f8481408b113fe34a073bc2ca1cb345dbf0cdcde6377f');
  assert.equal(new WordStream(sk).next(), 8424518374824881560n);
  const ak = assignKey(key);
  assert.equal(toHex(ak), '2327d582d64a6566b2145a2992faf5fbe6a1af02742687b53a84ecdac37eab30');
  assert.equal(new WordStream(ak).next(), 9346352980076210719n);
});

test('§8.1: RFC 8439 A.1 test vector #1 gives the first word 0x903df1a0ade0b876', () => {
  const s = new WordStream(new Uint8Array(32));
  assert.equal(s.next(), 0x903df1a0ade0b876n);
});

test('the word stream is continuous across generated chunks', () => {
  const key = H(utf8('chunks'));
  const a = new WordStream(key);
  const words = Array.from({ length: 5000 }, () => a.next());
  // Reference: one long keystream, words read little-endian.
  const b = new WordStream(key);
  b.chunkBlocks = 1024;
  for (let i = 0; i < 5000; i++) assert.equal(b.next(), words[i], `word ${i}`);
});

test('below(n) rejects words at or above 2^64 − (2^64 mod n) and consumes one word for n = 1', () => {
  const s = new WordStream(new Uint8Array(32));
  assert.equal(s.below(1), 0);
  assert.equal(s.words, 1);
  // A fake stream with a word in the rejection zone for n = 3 (2^64 mod 3 = 1).
  const fake = Object.create(WordStream.prototype);
  const words = [(1n << 64n) - 1n, 7n];
  fake.next = () => words.shift();
  assert.equal(fake.below(3), 1);
  assert.equal(words.length, 0);
  assert.throws(() => s.below(0));
});

test('shuffle_prefix emits a permutation prefix and shuffle_prefix(n, n) a permutation', () => {
  const p = shufflePrefix(new WordStream(H(utf8('p'))), 50, 50);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.equal(shufflePrefix(new WordStream(H(utf8('p'))), 50, 7).join(), p.slice(0, 7).join());
});

test('byte order is UTF-8 order, not UTF-16 (§2)', () => {
  // U+FF21 (BMP, above the surrogates) sorts before U+1F600 in UTF-8, after it in UTF-16.
  assert.ok(compareUtf8('\uFF21', '\u{1F600}') < 0);
  assert.ok('\uFF21' > '\u{1F600}');
  assert.ok(compareUtf8('ab', 'abc') < 0);
  assert.equal(compareUtf8('ab', 'ab'), 0);
});

test('canonical JSON: member order, escapes, numbers (§3)', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'] }), '{"a":[true,null,"x"],"b":1}');
  assert.equal(canonicalJson('"\\\b\t\n\f\r\u0001/\u2028é'), '"\\"\\\\\\b\\t\\n\\f\\r\\u0001/\u2028é"');
  // UTF-16 member order: U+1F600 (surrogates D83D…) before U+FF21.
  assert.equal(canonicalJson({ '\uFF21': 1, '\u{1F600}': 2 }), '{"\u{1F600}":2,"\uFF21":1}');
  assert.throws(() => canonicalJson({ a: 1.5 }));
  assert.throws(() => canonicalJson(-1));
  // A lone surrogate (no UTF-8 form) is refused, in a value or a name, alone or next to a pair.
  for (const bad of ['\ud800', 'a\udc00', '\u{1F600}\ud83d', '\ude00\u{1F600}']) {
    assert.throws(() => canonicalJson(bad), /surrogate/, JSON.stringify(bad));
    assert.throws(() => canonicalJson({ [bad]: 1 }), /surrogate/);
  }
  assert.equal(canonicalJson({ a: undefined, b: 0 }), '{"b":0}');
});

test('the strict JSON reader refuses what JSON.parse would let through', () => {
  assert.throws(() => parseStrictJson('{"a":1.0}'), /整数/);
  assert.throws(() => parseStrictJson('{"a":1e2}'), /整数/);
  assert.throws(() => parseStrictJson('{"a":-1}'), /整数/);
  assert.throws(() => parseStrictJson('{"a":9007199254740992}'), /2\^53/);
  assert.throws(() => parseStrictJson('{"a":1,"a":2}'), /重复/);
  assert.throws(() => parseStrictJson('"\\ud800"'), /代理项/);
  assert.throws(() => parseStrictJson('{"a":1} x'), /多余/);
  const v = parseStrictJson('\uFEFF {"__proto__": {"x": 1}, "s": "\\u00e9\\ud83d\\ude00"}');
  assert.deepEqual(Object.keys(v), ['__proto__', 's']);
  assert.equal(v.s, 'é😀');
});

test('CSV: quoted fields, doubled quotes, BOM, CRLF, blank lines, any column order', () => {
  const rows = [];
  readCsv('\uFEFFstratum,"target_id"\r\n"S,1",T1\r\n\r\n"S""2",T2\nS3,"T\n3"', ['target_id', 'stratum'],
    (f, line) => rows.push([...f, line]));
  assert.deepEqual(rows, [['T1', 'S,1', 2], ['T2', 'S"2', 4], ['T\n3', 'S3', 5]]);
  assert.throws(() => readCsv('target_id,stratum\nA,B,C\n', ['target_id', 'stratum'], () => {}), /字段/);
  assert.throws(() => readCsv('target_id\nA\n', ['target_id', 'stratum'], () => {}), /缺少列/);
  assert.throws(() => readCsv('target_id,stratum\n"A,B\n', ['target_id', 'stratum'], () => {}), /引号/);
  assert.throws(() => readCsv('', ['target_id'], () => {}), /表头/);
});

test('frame and pool files: the same entries in any form give the same root', () => {
  const a = parseFrameCsv(enc('target_id,stratum\nT2,S\nT1,S\n'));
  const b = parseFrameCsv(enc('\uFEFF"stratum","target_id"\r\n"S","T1"\r\nS,T2'));
  assert.equal(toHex(a.root), '1c74c0e9e23c508d07058ed97c965aed184da70729078c3092bc2b83d7ede8db');
  assert.equal(toHex(b.root), toHex(a.root));
  const p1 = parsePoolCsv(enc('inspector_id,department,conflicts\nZF1,D,"B;A"\nZF0,D,\n'));
  const p2 = parsePoolCsv(enc('inspector_id,department,conflicts\r\nZF0,D,""\r\nZF1,D,A; B\r\n'));
  assert.equal(toHex(p1.root), toHex(p2.root));
  assert.deepEqual(p1.conflicts, [[], ['A', 'B']]);
  assert.throws(() => parseFrameCsv(enc('target_id,stratum\nT 1,S\n')), (e) => e.kind === 'frame' && /第 2 行/.test(e.message));
  assert.throws(() => parseFrameCsv(new Uint8Array([0x74, 0xff])), (e) => e.kind === 'frame');
  assert.throws(() => parsePoolCsv(enc('inspector_id,department,conflicts\nZF1,D,A;A\n')), (e) => e.kind === 'pool');
});

test('identifier rules (§4.1)', () => {
  assert.equal(idProblem('91350302MA2XYZ1234', 128), null);
  assert.equal(idProblem('莆田', 128), null);
  for (const bad of ['', 'a b', 'a\u3000b', 'a;b', 'a,b', 'a\u0007', 'x'.repeat(129)]) {
    assert.notEqual(idProblem(bad, 128), null, JSON.stringify(bad));
  }
  assert.equal(idProblem('é'.repeat(64), 128), null);
  assert.notEqual(idProblem('é'.repeat(65), 128), null);
});

test('ratios and sample sizes (§6)', () => {
  assert.deepEqual(parseRatio('0.050', 'r'), { ppm: 50000, text: '0.05' });
  assert.deepEqual(parseRatio('1.0', 'r'), { ppm: 1000000, text: '1' });
  assert.deepEqual(parseRatio('0.000001', 'r'), { ppm: 1, text: '0.000001' });
  for (const bad of ['1.000001', '2', '.5', '0.', '0.0000001', '-0.1', 0.5]) assert.throws(() => parseRatio(bad, 'r'));
  assert.equal(sampleSize(101, { ppm: 10000, rounding: 'up' }), 2);
  assert.equal(sampleSize(101, { ppm: 10000, rounding: 'down' }), 1);
  assert.equal(sampleSize(150, { ppm: 10000, rounding: 'nearest' }), 2); // 1.5 rounds up
  assert.equal(sampleSize(149, { ppm: 10000, rounding: 'nearest' }), 1);
  assert.equal(sampleSize(5, { count: 3 }), 3);
  assert.equal(sampleSize(5, null), 0);
});

test('Merkle roots and audit paths agree with the RFC 9162 definition for 0…40 leaves', () => {
  const mth = (d) => {
    if (d.length === 0) return H(new Uint8Array(0));
    if (d.length === 1) return d[0];
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    const buf = new Uint8Array(65);
    buf[0] = 1;
    buf.set(mth(d.slice(0, k)), 1);
    buf.set(mth(d.slice(k)), 33);
    return H(buf);
  };
  for (let n = 0; n <= 40; n++) {
    const leaves = Array.from({ length: n }, (_, i) => leafHash(utf8(`leaf ${i}`)));
    const root = merkleRoot(leaves);
    assert.equal(toHex(root), toHex(mth(leaves)), `n = ${n}`);
    for (let i = 0; i < n; i++) {
      const path = auditPath(leaves, i);
      assert.ok(verifyInclusion(leaves[i], i, n, path, root), `n = ${n}, i = ${i}`);
      // (The size is not authenticated by the path alone, e.g. n = 3 vs 4; §4.3 compares it with
      // the commitment.)
      assert.ok(!verifyInclusion(leaves[i], i, n + 2 * n, path, root) || n === 1);
      if (n > 1) assert.ok(!verifyInclusion(leaves[i], (i + 1) % n, n, path, root));
      if (path.length) assert.ok(!verifyInclusion(leaves[i], i, n, path.slice(1), root));
    }
  }
});

test('inclusion proofs (§4.3) are checked, then matched to the commitment', () => {
  const frame = buildFrame([['A', 'S'], ['B', 'S'], ['C', 'T']]);
  const path = auditPath([0, 1, 2].map(frame.leaf), 2).map(toHex);
  assert.equal(toHex(frameLeafHash('C', 'T')), toHex(frame.leaf(2)));
  const proof = { frame_root: toHex(frame.root), frame_size: 3, index: 2, target: 'C', stratum: 'T', path };
  assert.ok(checkInclusion(proof).ok);
  assert.equal(checkInclusion({ ...proof, stratum: 'S' }).failure.field, 'path');
  assert.equal(checkInclusion({ ...proof, extra: 1 }).failure.field, 'extra');
  const commitment = parseStrictJson(JSON.stringify({
    spec_version: 'spotcheck-draw/1', plan_id: 'P1', committed_at: '2026-11-26T08:00:00Z',
    frame: { root: toHex(frame.root), size: 3 }, pool: { root: '00'.repeat(32), size: 2 },
    parameters: { strata: {}, default: { count: 1 }, inspectors_per_target: 2 },
    strata: [{ key: 'S', population: 2, sample: 1 }, { key: 'T', population: 1, sample: 1 }],
    secret_commitment: '00'.repeat(32), entropy_source: { witnesses: ['W'] },
  }));
  const r = checkInclusion(proof, commitment);
  assert.ok(r.ok);
  assert.equal(r.plan_id, 'P1');
  const other = { ...commitment, frame: { root: '11'.repeat(32), size: 3 } };
  assert.equal(checkInclusion(proof, other).failure.field, 'frame_root');
  const transcript = { commitment, selections: [{ target: 'C', stratum: 'T', frame_index: 2, inspectors: [] }] };
  assert.equal(checkInclusion(proof, transcript).drawn.target, 'C');
});

test('the byte-slice radix sorts (MSD, and LSD for identifiers) agree with sorting by UTF-8 bytes, duplicates adjacent', async () => {
  const { sortSlices, sortIdSlices } = await import('../src/core/byte-sort.js');
  const byBytes = (a, b) => {
    const x = enc(a);
    const y = enc(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  };
  let seed = 1;
  const rnd = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = ['a', 'b', 'ab', 'é', '😀', '\uFF21', 'z', '0'];
  const cases = Array.from({ length: 200 }, () =>
    Array.from({ length: rnd(120) }, () => Array.from({ length: rnd(6) }, () => alphabet[rnd(alphabet.length)]).join('')));
  cases.push(Array.from({ length: 5000 }, () => `9135030${String(rnd(100000)).padStart(6, '0')}`));
  // Large enough for the LSD sort: ids of 1 to 32 bytes (odd and even widths, prefixes of each
  // other, duplicates, bytes up to 0xFF), and ids over 32 bytes (the MSD fallback).
  for (const pieces of [1, 3, 8]) {
    cases.push(Array.from({ length: 3000 }, () => Array.from({ length: 1 + rnd(pieces) }, () => alphabet[rnd(alphabet.length)]).join('')));
  }
  cases.push(Array.from({ length: 2000 }, () => `${'\u{10FFFF}'.repeat(rnd(3))}${'k'.repeat(rnd(40))}`));
  cases.push(Array.from({ length: 2000 }, (_, i) => `91350${i % 3}0${String(rnd(1000)).padStart(11, '0')}${'ABC'[rnd(3)]}`));
  for (const strs of cases) {
    const parts = strs.map(enc);
    const bytes = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    const start = new Int32Array(strs.length);
    const len = new Int32Array(strs.length);
    let off = 0;
    parts.forEach((p, i) => {
      bytes.set(p, off);
      start[i] = off;
      len[i] = p.length;
      off += p.length;
    });
    const want = [...strs].sort(byBytes);
    assert.deepEqual(Array.from(sortSlices(bytes, start, len, strs.length), (i) => strs[i]), want);
    assert.deepEqual(Array.from(sortIdSlices(bytes, start, len, strs.length), (i) => strs[i]), want);
  }
});

test('the fast unquoted frame reader and the general CSV reader agree (LF, CRLF, CR, BOM)', () => {
  const rows = ['T3,S-1', 'T1,莆田', 'T2,S-1', '\u{1F600},S-1', '\uFF21,S-2'];
  const forms = [
    `target_id,stratum\n${rows.join('\n')}\n`,
    `\uFEFFtarget_id,stratum\r\n${rows.join('\r\n')}\r\n\r\n`,
    `target_id,stratum\r${rows.join('\r')}`,
    `"target_id","stratum"\n${rows.map((r) => r.split(',').map((f) => `"${f}"`).join(',')).join('\n')}`,
  ];
  const roots = forms.map((f) => toHex(parseFrameCsv(enc(f)).root));
  assert.equal(new Set(roots).size, 1, roots.join('\n'));
  const f = parseFrameCsv(enc(forms[1]));
  assert.deepEqual([...f.entries()].map(([id]) => id), ['T1', 'T2', 'T3', '\uFF21', '\u{1F600}']);
  assert.equal(f.indexOf('\u{1F600}'), 4);
  assert.equal(f.indexOf('T0'), -1);
  assert.throws(() => parseFrameCsv(enc('target_id,stratum\nT1,S\nT1,S\n')), (e) => e.kind === 'frame' && /重复/.test(e.message) && e.line === 3);
  assert.throws(() => parseFrameCsv(enc('target_id,stratum\nT1,S,x\n')), (e) => e.kind === 'frame' && e.line === 2);
  assert.throws(() => parseFrameCsv(enc('id,stratum\nT1,S\n')), (e) => e.kind === 'frame' && /缺少列/.test(e.message));
});

test('strata are interned exactly however many there are, and duplicates are found across blocks', () => {
  // 700 strata (the table grows three times) including names with equal hashes ("Aa"/"BB").
  const strata = ['Aa', 'BB', 'AaAa', 'BBBB', 'AaBB', 'BBAa', '莆田', ...Array.from({ length: 693 }, (_, k) => `S${k}`)];
  const lines = ['target_id,stratum'];
  const want = new Map();
  for (let i = 0; i < 9000; i++) {
    const id = `T${String((i * 7919) % 9000).padStart(5, '0')}`;
    const s = strata[(i * 13) % strata.length];
    lines.push(`${id},${s}`);
    want.set(id, s);
  }
  const f = parseFrameCsv(enc(lines.join('\n')));
  assert.equal(f.stratumNames.length, strata.length);
  assert.deepEqual([...f.stratumNames].sort(), [...strata].sort());
  for (const [id, s] of f.entries()) assert.equal(s, want.get(id), id);
  // The id at sorted position 4095 twice: the second copy is the first entry of the next block of 4096.
  const dup = 'T04095';
  assert.throws(() => parseFrameCsv(enc(`${lines.join('\n')}\n${dup},Aa\n`)),
    (e) => e.kind === 'frame' && e.message.includes(dup) && /重复/.test(e.message) && e.line === 9002);
});

test('hashing a frame in parallel chunks gives the same root as hashing it in one piece', async () => {
  const { chunkRoots } = await import('../src/core/frame.js');
  const helper = { hash: async ({ buf, offsets, count, chunk }) => chunkRoots(buf, offsets, count, chunk) };
  for (const n of [4096, 4097, 6000, 12345, 40000]) {
    const lines = ['target_id,stratum'];
    for (let i = 0; i < n; i++) lines.push(`T${(i * 7919) % n},S${i % 5}`);
    const bytes = enc(lines.join('\n'));
    const one = toHex(parseFrameCsv(bytes).root);
    for (const helpers of [[helper], [helper, helper], [helper, helper, helper]]) {
      const f = await parseFrameCsv(bytes, null, helpers);
      assert.equal(toHex(f.root), one, `n = ${n}, ${helpers.length} helpers`);
      assert.equal(f.size, n);
    }
  }
});
