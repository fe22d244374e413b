// Every known-answer vector of fixtures/vectors/ (draw spec §15) reproduces with this
// independent implementation: roots, commitment hash, entropy digest, draw key, the whole
// transcript's canonical bytes and digest; want_err vectors fail with the same code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseStrictJson } from '../src/core/strict-json.js';
import { canonicalJson } from '../src/core/canonical-json.js';
import { H } from '../src/core/hash.js';
import { toHex, utf8 } from '../src/core/bytes.js';
import { buildFrame } from '../src/core/frame.js';
import { buildPool } from '../src/core/pool.js';
import { commit, draw } from '../src/core/draw.js';
import { verifyDraw } from '../src/core/verify.js';
import { syntheticFrame, syntheticPool } from '../src/core/synthetic.js';

export const VECTORS = fileURLToPath(new URL('../../../fixtures/vectors/', import.meta.url));

export function loadVector(name) {
  return parseStrictJson(readFileSync(join(VECTORS, name), 'utf8'));
}

/** Frame and pool of a vector's inputs (file order, or Appendix A); throws InputError. */
export function vectorInputs(inputs) {
  const f = inputs.frame;
  const frameEntries = f.synthetic
    ? syntheticFrame(f.synthetic.size, f.synthetic.seed)
    : f.entries.map((e) => [e.target_id, e.stratum]);
  const frame = buildFrame(frameEntries);
  const p = inputs.pool;
  const poolEntries = p.synthetic
    ? syntheticPool(p.synthetic.size, p.synthetic.seed, f.synthetic?.size ?? 0, f.synthetic?.seed ?? '',
      p.synthetic.max_conflicts)
    : p.entries.map((e) => [e.inspector_id, e.department, e.conflicts]);
  const pool = buildPool(poolEntries);
  return { frame, pool };
}

/** Commit and draw a vector's inputs; returns { frame, pool, commitment, transcript }. */
export function runVector(inputs) {
  const { frame, pool } = vectorInputs(inputs);
  const commitment = commit(inputs, frame, pool, inputs.secret);
  const transcript = draw(commitment, inputs.secret, inputs.entropy, inputs.drawn_at, frame, pool);
  return { frame, pool, commitment, transcript };
}

const names = readdirSync(VECTORS).filter((n) => n.endsWith('.json')).sort();

test('the vector folder holds the frozen set', () => {
  assert.ok(names.length >= 17, `only ${names.length} vectors`);
});

for (const name of names) {
  test(`vector ${name}`, () => {
    const v = loadVector(name);
    if (v.want_err !== undefined) {
      let code;
      try {
        runVector(v.inputs);
      } catch (e) {
        code = e.code ?? e.kind;
        if (code === undefined) throw e;
      }
      assert.equal(code, v.want_err, `${name}: ${v.desc}`);
      return;
    }
    const want = v.expected;
    const { frame, pool, commitment, transcript } = runVector(v.inputs);
    assert.deepEqual({ root: toHex(frame.root), size: frame.size }, { ...want.frame });
    assert.deepEqual({ root: toHex(pool.root), size: pool.size }, { ...want.pool });
    assert.equal(toHex(H(utf8(canonicalJson(commitment)))), want.commitment_hash);
    assert.equal(transcript.entropy_digest, want.entropy_digest);
    assert.equal(transcript.draw_key, want.draw_key);
    assert.equal(transcript.digest, want.transcript_digest);
    // Byte for byte, the canonical transcript is the expected one.
    assert.equal(canonicalJson(transcript), canonicalJson(want.transcript));
    // And the verifier accepts the expected transcript with these inputs.
    const report = verifyDraw({ transcript: want.transcript, loadFrame: () => frame, loadPool: () => pool });
    assert.equal(report.failure, null, JSON.stringify(report.failure));
    const withPublished = verifyDraw({ transcript: want.transcript, published: want.transcript.commitment,
      loadFrame: () => frame, loadPool: () => pool });
    assert.ok(withPublished.ok, JSON.stringify(withPublished.failure));
  });
}
