// Every known-answer vector of fixtures/vectors/ (draw spec §15) reproduces with this
// independent implementation: roots, commitment hash, entropy digest, draw key, the whole
// transcript's canonical bytes and digest; want_err vectors fail with the same code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { canonicalJson } from '../src/core/canonical-json.js';
import { H } from '../src/core/hash.js';
import { toHex, utf8 } from '../src/core/bytes.js';
import { verifyDraw } from '../src/core/verify.js';
import { VECTORS, loadVector, runVector, vectorInputs } from './support.js';

const names = readdirSync(VECTORS).filter((n) => n.endsWith('.json')).sort();

test('the vector folder holds the frozen set', () => {
  assert.ok(names.length >= 17, `only ${names.length} vectors`);
});

// Beacon (drand) draws (spec §7.3, vectors 18-22) are not implemented here yet (issue 10): until
// they are, this verifier must refuse such a transcript, naming the beacon field — never accept it.
const usesBeacon = (v) => v.inputs.entropy_source.drand !== undefined;

for (const name of names) {
  test(`vector ${name}`, async () => {
    const v = loadVector(name);
    if (usesBeacon(v)) {
      if (v.expected === undefined) return; // a refusal at commit time; nothing to verify here
      const { frame, pool } = vectorInputs(v.inputs);
      const report = await verifyDraw({ transcript: v.expected.transcript, loadFrame: () => frame, loadPool: () => pool });
      assert.notEqual(report.failure, null, `${name}: a beacon transcript must not be accepted yet`);
      assert.equal(report.failure.field, 'commitment.entropy_source.drand', JSON.stringify(report.failure));
      return;
    }
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
    const report = await verifyDraw({ transcript: want.transcript, loadFrame: () => frame, loadPool: () => pool });
    assert.equal(report.failure, null, JSON.stringify(report.failure));
    const withPublished = await verifyDraw({ transcript: want.transcript, published: want.transcript.commitment,
      loadFrame: () => frame, loadPool: () => pool });
    assert.ok(withPublished.ok, JSON.stringify(withPublished.failure));
  });
}
