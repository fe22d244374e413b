// The frame's Merkle hashing runs on hash-wasm's WebAssembly SHA-256 where it can start, on
// noble's otherwise: both must give the same roots (leaves of one and two blocks and longer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { H, allowWasm, loadWasmSha256, shortHashBackend } from '../src/core/hash.js';
import { buildFrame, parseFrameCsv } from '../src/core/frame.js';
import { merkleRoot } from '../src/core/merkle.js';
import { toHex } from '../src/core/bytes.js';

test('hash-wasm SHA-256 loads in Node, its one-shot entry point is reached, and both pass their self-tests', async () => {
  assert.equal(await loadWasmSha256(), true);
  assert.deepEqual(shortHashBackend(), { backend: 'wasm', entry: 'Hash_Calculate' });
  // The capture put WebAssembly.instantiate back.
  assert.equal(WebAssembly.instantiate.name, 'instantiate');
});

test('H() of long messages (hash-wasm once loaded) is noble\'s SHA-256, also between Merkle hashing', async () => {
  await loadWasmSha256();
  const { sha256 } = await import('@noble/hashes/sha2.js');
  const f = buildFrame(Array.from({ length: 300 }, (_, i) => [`T${i}`, 'S']));
  for (const len of [1023, 1024, 1025, 16384, 65537, 113_199]) {
    const msg = Uint8Array.from({ length: len }, (_, i) => (i * 31 + (i >> 10)) & 0xff);
    const want = toHex(sha256(msg));
    assert.equal(toHex(H(msg)), want, `${len} bytes`);
    // The one-shot Merkle hashing shares hash-wasm's memory: it must not disturb the next H().
    merkleRoot(Array.from({ length: 33 }, (_, i) => f.leaf(i)));
    assert.equal(toHex(H(msg)), want, `${len} bytes, after Merkle hashing`);
    allowWasm(false);
    try {
      assert.equal(toHex(H(msg)), want, `${len} bytes on noble`);
    } finally {
      allowWasm(true);
    }
  }
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

test('a frame file scanned as it arrives in parts gives the fields and errors of one scan', async () => {
  const { UnquotedScanner, scanUnquoted } = await import('../src/core/frame.js');
  const enc = (s) => new TextEncoder().encode(s);
  const lines = Array.from({ length: 300 }, (_, i) => (i % 37 === 5 ? '' : `T${i}${'x'.repeat(i % 13)},S${i % 4}`));
  const files = [
    `target_id,stratum\r\n${lines.join('\r\n')}\r\n`, // CR LF: a part may end between CR and LF
    `\ufeff\n\ntarget_id,stratum\n${lines.join('\n')}`, // BOM, blank lines before the header, no last line end
    `stratum,target_id\r${lines.map((l) => l.split(',').reverse().join(',')).join('\r')}\r`, // CR only
    `target_id,stratum\n${lines.slice(0, 100).join('\n')}\nT9,S,extra\n${lines.slice(100).join('\n')}`, // a bad line
    '', 'target_id,stratum', 'a,b\n1,2\n', // empty, header only, no such columns
  ];
  const fields = (f) => f && { n: f.n, special: f.special, idStart: [...f.idStart.slice(0, f.n)], idLen: [...f.idLen.slice(0, f.n)],
    sStart: [...f.sStart.slice(0, f.n)], sLen: [...f.sLen.slice(0, f.n)], line: [...f.line.slice(0, f.n)] };
  const outcome = (fn) => {
    try {
      return { fields: fields(fn()) };
    } catch (e) {
      return { error: e.message, line: e.line };
    }
  };
  for (const text of files) {
    const bytes = enc(text);
    const whole = outcome(() => scanUnquoted(bytes));
    for (const part of [1, 2, 3, 7, 64, 1000]) {
      const parted = outcome(() => {
        const into = new Uint8Array(bytes.length);
        const sc = new UnquotedScanner(into);
        for (let at = 0; at < bytes.length; at += part) {
          const end = Math.min(bytes.length, at + part);
          into.set(bytes.subarray(at, end), at);
          sc.feed(end);
        }
        return sc.finish();
      });
      assert.deepEqual(parted, whole, `${JSON.stringify(text.slice(0, 30))}, parts of ${part} bytes`);
    }
  }
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

/** In-process stand-ins for the hashing workers (src/ui/hash-worker.js) of the frame pipeline. */
async function pipelineHelpers() {
  const { FrameHelper, TreeFeed, helperTree, macrotask, treeRoots } = await import('../src/core/frame.js');
  // `share`: how much of the file the helper has hashed in file order when the order reaches it
  // (the rest of the leaves are shared: each thread hashes those of its own chunks).
  // `pace`: ticks the helper waits before each chunk (a slow helper: this thread does more chunks).
  const fileHelper = (share = 1, pace = 1, deaf = false) => {
    const h = new FrameHelper();
    const seen = { chunks: 0 };
    return {
      seen,
      file: ({ bytes }) => {
        const fields = (async () => h.read({ bytes }))();
        return { fields: fields.then((r) => {
          while (h.done < share * r.n && h.leafStep());
          return r;
        }) };
      },
      orderedTree: (job) => {
        let claimed = Infinity;
        const feed = new TreeFeed((k) => {
          claimed = Math.min(claimed, k);
        });
        const tick = async () => {
          for (let i = 0; i < pace; i++) await macrotask();
        };
        const post = (m) => {
          if (m.root) seen.chunks++;
          if (m.end !== undefined) seen.ended = true;
          feed.deliver(m);
        };
        // deaf: the helper never hears a claim and hashes every chunk (both threads hash some twice).
        helperTree(h, job, { post, tick, claimedFrom: () => (deaf ? Infinity : claimed) })
          .catch((e) => feed.deliver({ error: String(e) }));
        return feed;
      },
      tree: async ({ hashes, count, chunk }) => treeRoots(hashes, count, chunk),
    };
  };
  const treeHelper = { tree: async ({ hashes, count, chunk }) => treeRoots(hashes, count, chunk) };
  return { fileHelper, treeHelper };
}

test('the frame pipeline (helper reads the file and hashes leaves and part of the tree) gives the sequential frame', async () => {
  const { fileHelper, treeHelper } = await pipelineHelpers();
  const { macrotask } = await import('../src/core/frame.js');
  const enc = (s) => new TextEncoder().encode(s);
  for (const n of [3000, 4097, 9000, 33333]) {
    const lines = ['target_id,stratum'];
    for (let i = 0; i < n; i++) lines.push(`T${(i * 7919) % n}${'y'.repeat(i % 40)},S${i % 5}`);
    const bytes = enc(lines.join('\r\n'));
    assert.ok(bytes.length >= 64 * 1024, `n = ${n}: the pipeline needs 64 KiB`);
    const one = parseFrameCsv(bytes);
    for (const helpers of [[fileHelper()], [fileHelper(0)], [fileHelper(0.3)], [fileHelper(0.7), treeHelper],
      [fileHelper(), treeHelper, treeHelper], [fileHelper(0.5, 0)], [fileHelper(0.5, 40)], [fileHelper(0.2, 1000)]]) {
      let early = null;
      const f = await parseFrameCsv(bytes, null, helpers, {
        whileHashing: (g) => {
          // Everything but the root is there while the tree is hashed.
          early = { size: g.size, first: g.id(0), last: g.id(n - 1), root: g.root };
        },
      });
      assert.deepEqual(early, { size: n, first: one.id(0), last: one.id(n - 1), root: null });
      assert.equal(toHex(f.root), toHex(one.root), `n = ${n}, ${helpers.length} helpers`);
      for (const k of [0, 1, n >> 1, n - 1]) assert.equal(toHex(f.leaf(k)), toHex(one.leaf(k)));
    }
  }
  // A bad line is named by this thread's own reading, whatever the helper does.
  const bad = enc(`target_id,stratum\n${Array.from({ length: 9000 }, (_, i) => `T${i},S`).join('\n')}\nT 1,S\n`);
  await assert.rejects(parseFrameCsv(bad, null, [fileHelper()]), (e) => e.kind === 'frame' && e.line === 9002);
  const dup = enc(`target_id,stratum\n${Array.from({ length: 9000 }, (_, i) => `T${i % 8999},S`).join('\n')}\n`);
  await assert.rejects(parseFrameCsv(dup, null, [fileHelper()]), (e) => e.kind === 'frame' && /重复/.test(e.message));
  // A helper that cannot read the file: this thread reads and hashes it alone.
  const gone = Promise.reject(new Error('helper gone'));
  gone.catch(() => {});
  const broken = { ...fileHelper(), file: () => ({ fields: gone }) };
  const ok = enc(`target_id,stratum\n${Array.from({ length: 9000 }, (_, i) => `T${i},S`).join('\n')}\n`);
  assert.equal(toHex((await parseFrameCsv(ok, null, [broken])).root), toHex(parseFrameCsv(ok).root));
  // A helper that fails later is an error, not a wrong root.
  const failing = { ...fileHelper(), orderedTree: () => {
    const feed = new (class extends Object {})();
    return Object.assign(feed, { tail: gone, started: () => -1, claim: () => {}, root: () => gone });
  } };
  await assert.rejects(parseFrameCsv(ok, null, [failing]), /helper gone/);
  const honest = fileHelper();
  const lying = { ...honest, orderedTree: (j) => Object.assign(honest.orderedTree(j),
    { tail: Promise.resolve({ hashes: new Uint8Array(32), done: 1, count: 1 }) }) };
  await assert.rejects(parseFrameCsv(ok, null, [lying]), /helper read 1 entries/);
  // Who hashes what: a fast helper does most chunks, a slow one few (this thread does the rest).
  const big = enc(`target_id,stratum\n${Array.from({ length: 40000 }, (_, i) => `T${(i * 7919) % 40000},S${i % 3}`).join('\n')}\n`);
  const want = toHex(parseFrameCsv(big).root);
  const fast = fileHelper(1, 0);
  const slow = fileHelper(1, 200);
  assert.equal(toHex((await parseFrameCsv(big, null, [fast])).root), want);
  assert.equal(toHex((await parseFrameCsv(big, null, [slow])).root), want);
  assert.ok(fast.seen.chunks > slow.seen.chunks, `fast helper ${fast.seen.chunks} chunks, slow ${slow.seen.chunks}`);
  // A helper that never hears the claims: every chunk is hashed by it, some by both; same root.
  const deaf = fileHelper(0.5, 1, true);
  assert.equal(toHex((await parseFrameCsv(big, null, [deaf])).root), want);
  while (!deaf.seen.ended) await macrotask(); // it goes on after this thread has every root
  assert.equal(deaf.seen.chunks, Math.ceil(40000 / 2048));
});

test('a draw verified with the pipeline (work done while the tree is hashed) reports exactly what one thread reports', async () => {
  const { fileHelper, treeHelper } = await pipelineHelpers();
  const { buildPool } = await import('../src/core/pool.js');
  const { commit, draw } = await import('../src/core/draw.js');
  const { canonicalJson } = await import('../src/core/canonical-json.js');
  const { verifyFiles } = await import('../src/core/verify.js');
  const enc = (s) => new TextEncoder().encode(s);
  const n = 8000;
  const entries = Array.from({ length: n }, (_, i) => [`B${((i * 7919) % n).toString(36).padStart(6, '0')}`, `S${i % 3}`]);
  const poolEntries = Array.from({ length: 30 }, (_, j) => [`Z${j}`, 'D', j % 4 === 0 ? [entries[j][0]] : []]);
  const frame = buildFrame(entries);
  const pool = buildPool(poolEntries);
  const secret = '5a'.repeat(32);
  const commitment = commit({
    plan_id: 'PIPE', committed_at: '2026-01-01T00:00:00Z',
    parameters: { strata: {}, default: { ratio: '0.02', rounding: 'up' }, inspectors_per_target: 2, max_assignments_per_inspector: 20 },
    entropy_source: { witnesses: ['W'] },
  }, frame, pool, secret);
  const t = draw(commitment, secret, { witnesses: [{ name: 'W', value: '3 1 2' }] }, '2026-01-02T00:00:00Z', frame, pool);
  const frameText = ['target_id,stratum', ...entries.map(([a, b]) => `${a},${b}`)].join('\n');
  const poolText = ['inspector_id,department,conflicts', ...poolEntries.map(([a, b, c]) => `${a},${b},${c.join(';')}`)].join('\n');
  const strataChanged = { ...commitment, strata: commitment.strata.map((s, i) => (i === 1 ? { ...s, population: s.population + 1 } : s)) };
  const cases = {
    honest: { t, frameText, poolText },
    'frame changed': { t, frameText: frameText.replace(`\n${entries[7][0]},S`, `\n${entries[7][0]},X`), poolText },
    'pool changed': { t, frameText, poolText: poolText.replace('Z3,D,', 'Z3,E,') },
    'selection changed': { t: { ...t, selections: t.selections.map((s, i) => (i === 5 ? { ...s, inspectors: [...s.inspectors].reverse() } : s)) }, frameText, poolText },
    'digest changed': { t: { ...t, digest: '00'.repeat(32) }, frameText, poolText },
    'strata changed': { t: { ...t, commitment: strataChanged }, frameText, poolText },
    'frame and selection changed': { t: { ...t, selections: t.selections.slice(1) }, frameText: frameText.replace(`\n${entries[9][0]},S`, `\n${entries[9][0]}x,S`), poolText },
  };
  for (const [name, c] of Object.entries(cases)) {
    const input = () => ({ transcriptText: canonicalJson(c.t), commitmentText: canonicalJson(c.t.commitment),
      frameBytes: enc(c.frameText), poolBytes: enc(c.poolText) });
    const alone = await verifyFiles(input(), () => {});
    for (const helpers of [[fileHelper()], [fileHelper(), treeHelper]]) {
      const piped = await verifyFiles(input(), () => {}, { helpers });
      assert.deepEqual(piped.failure, alone.failure, name);
      assert.deepEqual(piped.checks, alone.checks, name);
      assert.deepEqual(piped.summary, alone.summary, name);
    }
    if (name === 'honest') assert.equal(alone.ok, true);
    else assert.equal(alone.ok, false, name);
    if (name === 'strata changed') assert.equal(alone.failure.field, 'commitment.strata[1].population');
  }
});
