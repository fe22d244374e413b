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
import { VECTORS, loadVector, runVector, vectorInputs, forgeDraw } from './support.js';

const names = readdirSync(VECTORS).filter((n) => n.endsWith('.json')).sort();

test('the vector folder holds the frozen set', () => {
  assert.ok(names.length >= 22, `only ${names.length} vectors`);
  // The beacon vectors of §7.3 are among them: two draws and three refusals.
  const beacon = names.filter((n) => loadVector(n).inputs.entropy_source.drand !== undefined);
  assert.deepEqual(beacon.map((n) => n.slice(0, 2)), ['18', '19', '20', '21', '22']);
});

for (const name of names) {
  test(`vector ${name}`, async () => {
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
    const report = await verifyDraw({ transcript: want.transcript, loadFrame: () => frame, loadPool: () => pool });
    assert.equal(report.failure, null, JSON.stringify(report.failure));
    const withPublished = await verifyDraw({ transcript: want.transcript, published: want.transcript.commitment,
      loadFrame: () => frame, loadPool: () => pool });
    assert.ok(withPublished.ok, JSON.stringify(withPublished.failure));
  });
}

// The beacon refusals (vectors 20-22) are refused by the committer or the drawer above. A
// transcript made anyway (every hash consistent, only the beacon wrong) must be refused by the
// verifier too, naming the field and code the reference verifier reports (spec §7.3 7c, 7e, 7g).
const FORGED = {
  '20-err-drand-bad-signature.json': ['entropy.drand.signature', 'beacon-signature'],
  '21-err-drand-drawn-too-early.json': ['drawn_at', 'beacon-too-early'],
  '22-err-drand-round-not-after-commit.json': ['commitment.entropy_source.drand.round', 'beacon-round-not-after-commit'],
};
for (const [name, [field, code]] of Object.entries(FORGED)) {
  test(`a transcript made despite ${name} is refused naming ${field}`, async () => {
    const v = loadVector(name);
    assert.equal(v.want_err, code);
    const { frame, pool, transcript } = forgeDraw(v.inputs);
    const report = await verifyDraw({ transcript, loadFrame: () => frame, loadPool: () => pool });
    assert.equal(report.failure?.check, 'drand', JSON.stringify(report.failure));
    assert.equal(report.failure.field, field);
    assert.equal(report.failure.code, code);
    const withPublished = await verifyDraw({ transcript, published: transcript.commitment, loadFrame: () => frame, loadPool: () => pool });
    assert.equal(withPublished.failure?.field, field);
  });
}
