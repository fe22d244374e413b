// Committing (§9) and drawing (§10–§13) — what the operator runs. The verifier re-runs the same
// steps; the known-answer vectors (§15) are reproduced with these two functions.
import { H } from './hash.js';
import { fromHex, toHex } from './bytes.js';
import { canonicalBytes } from './canonical-json.js';
import { parseParameters, computeStrata, checkFeasible } from './params.js';
import { SPEC_VERSION, secretCommitment, entropyDigest, drawKey } from './keys.js';
import { selectTargets } from './selection.js';
import { assignInspectors } from './assignment.js';

/** The commitment object (writer form) for a request; throws FieldError with a want_err code. */
export function commit({ plan_id, committed_at, parameters, entropy_source }, frame, pool, secretHex) {
  const params = parseParameters(parameters, 'parameters');
  const strata = computeStrata(frame, params);
  checkFeasible(frame, pool, params, strata);
  return {
    spec_version: SPEC_VERSION,
    plan_id,
    committed_at,
    frame: { root: toHex(frame.root), size: frame.size },
    pool: { root: toHex(pool.root), size: pool.size },
    parameters: params.json,
    strata,
    secret_commitment: toHex(secretCommitment(fromHex(secretHex))),
    entropy_source: { witnesses: [...entropy_source.witnesses] },
  };
}

/** Runs the selection and assignment for a commitment; returns the §13 selections. */
export function computeSelections(commitment, params, frame, pool, key) {
  const selected = selectTargets(frame, commitment.strata, key);
  const inspectors = assignInspectors(pool, selected, params.m, params.cap, key);
  return selected.map((s, i) => ({ ...s, inspectors: inspectors[i] }));
}

/** The transcript object (writer form) of a draw. */
export function draw(commitment, secretHex, entropy, drawn_at, frame, pool) {
  const params = parseParameters(commitment.parameters, 'commitment.parameters');
  const commitmentHash = H(canonicalBytes(commitment));
  const secret = fromHex(secretHex);
  const ed = entropyDigest(entropy.witnesses);
  const key = drawKey(commitmentHash, secret, ed);
  const t = {
    spec_version: SPEC_VERSION,
    commitment,
    commitment_hash: toHex(commitmentHash),
    secret: toHex(secret),
    entropy: { witnesses: entropy.witnesses.map((w) => ({ name: w.name, value: w.value })) },
    entropy_digest: toHex(ed),
    draw_key: toHex(key),
    drawn_at,
    selections: computeSelections(commitment, params, frame, pool, key),
  };
  t.digest = toHex(H(canonicalBytes(t)));
  return t;
}
