// The frame's Merkle hashing runs on hash-wasm's WebAssembly SHA-256 where it can start, on
// noble's otherwise: both must give the same roots (leaves of one and two blocks and longer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowWasm, loadWasmSha256, shortHashBackend } from '../src/core/hash.js';
import { buildFrame, parseFrameCsv } from '../src/core/frame.js';
import { merkleRoot } from '../src/core/merkle.js';
import { toHex } from '../src/core/bytes.js';

test('hash-wasm SHA-256 loads in Node, its one-shot entry point is reached, and both pass their self-tests', async () => {
  assert.equal(await loadWasmSha256(), true);
  assert.deepEqual(shortHashBackend(), { backend: 'wasm', entry: 'Hash_Calculate' });
  // The capture put WebAssembly.instantiate back.
  assert.equal(WebAssembly.instantiate.name, 'instantiate');
});

test('frame and Merkle roots are the same on hash-wasm (one-shot and public API) and on noble', async () => {
  await loadWasmSha256();
  const entries = [];
  for (let i = 0; i < 5000; i++) {
    // ids of 1 to 128 bytes (leaves of one, two and three blocks), some non-ASCII
    const id = `T${i.toString(36)}${'x'.repeat((i * 37) % 110)}${i % 7 === 0 ? '企业' : ''}`.slice(0, 128);
    entries.push([id, `S${i % 13}`]);
  }
  const csv = new TextEncoder().encode(['target_id,stratum', ...entries.map(([a, b]) => `${a},${b}`)].join('\n'));
  const roots = [];
  for (const on of ['noble', 'api', 'direct']) {
    allowWasm(on);
    try {
      const f = buildFrame(entries);
      const g = parseFrameCsv(csv);
      assert.equal(toHex(f.root), toHex(g.root));
      const leaves = Array.from({ length: 1000 }, (_, i) => f.leaf(i));
      roots.push([toHex(f.root), toHex(merkleRoot(leaves))]);
    } finally {
      allowWasm(true);
    }
  }
  assert.deepEqual(roots[0], roots[1]);
  assert.deepEqual(roots[0], roots[2]);
});

test('frame hashed by helpers (leaves in file order, then tree chunks) gives the sequential root', async () => {
  const { chunkRoots, fieldLeafHashes, treeRoots } = await import('../src/core/frame.js');
  const packed = {
    hash: async ({ buf, offsets, count, chunk }) => chunkRoots(buf, offsets, count, chunk),
    tree: async ({ hashes, count, chunk }) => treeRoots(hashes, count, chunk),
  };
  const sliced = { ...packed, leaves: async (j) => fieldLeafHashes(j.bytes, j.idStart, j.idLen, j.sStart, j.sLen, j.count) };
  const enc = (s) => new TextEncoder().encode(s);
  for (const n of [4096, 4097, 7000, 33333]) {
    const lines = ['target_id,stratum'];
    for (let i = 0; i < n; i++) lines.push(`T${(i * 7919) % n}${'y'.repeat(i % 90)},S${i % 5}`);
    const bytes = enc(lines.join('\n'));
    const one = parseFrameCsv(bytes);
    for (const helpers of [[packed], [sliced], [sliced, packed], [sliced, sliced, sliced]]) {
      const f = await parseFrameCsv(bytes, null, helpers);
      assert.equal(toHex(f.root), toHex(one.root), `n = ${n}, ${helpers.length} helpers`);
      for (const k of [0, 1, n >> 1, n - 1]) assert.equal(toHex(f.leaf(k)), toHex(one.leaf(k)));
    }
  }
  // A bad id is still named with its line while helpers hash.
  await assert.rejects(parseFrameCsv(enc(`target_id,stratum\n${Array.from({ length: 5000 }, (_, i) => `T${i},S`).join('\n')}\nT 1,S\n`), null, [sliced]),
    (e) => e.kind === 'frame' && e.line === 5002);
});

test('the CSV scan still refuses ids with characters or lengths §4.1 forbids', () => {
  const enc = (s) => new TextEncoder().encode(s);
  for (const bad of ['T;1', 'T\t1', 'T\x7f1', 'T\u30001', 'T\u00a01', '', 'x'.repeat(129)]) {
    assert.throws(() => parseFrameCsv(enc(`target_id,stratum\nA,S\n${bad},S\nB,S\n`)),
      (e) => e.kind === 'frame' && e.line === 3, JSON.stringify(bad));
  }
  assert.throws(() => parseFrameCsv(enc('target_id,stratum\nA,S\nB,S;x\n')), (e) => e.kind === 'frame' && e.line === 3);
  assert.equal(parseFrameCsv(enc(`target_id,stratum\n${'x'.repeat(128)},S\n企业,S\n`)).size, 2);
});
