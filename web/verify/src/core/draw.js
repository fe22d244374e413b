// Committing (§9) and drawing (§10–§13) — what the operator runs. The verifier re-runs the same
// steps; the known-answer vectors (§15) are reproduced with these two functions.
import { H } from './hash.js';
import { fromHex, toHex } from './bytes.js';
import { canonicalBytes } from './canonical-json.js';
import { parseParameters, computeStrata, checkFeasible, checkAssignmentRules } from './params.js';
import { SPEC_VERSION, JOINT_SPEC_VERSION, secretCommitment, entropyDigest, drawKey } from './keys.js';
import { selectTargets } from './selection.js';
import { assignInspectors } from './assignment.js';
import { assignJoint, checkJointFeasible, checkJointRules, jointDepartments } from './joint.js';
import { beaconOf, checkDrawBeacon, checkSource } from './beacon.js';
import { FieldError } from './errors.js';

/** The commitment object (writer form) for a request; throws FieldError with a want_err code. */
export function commit({ plan_id, committed_at, parameters, entropy_source }, frame, pool, secretHex) {
  const params = parseParameters(parameters, 'parameters');
  checkAssignmentRules(params);
  const strata = computeStrata(frame, params);
  if (params.joint) {
    // §17.5: the joint plan's rules, its departments, one inspector of each for every target.
    checkJointRules(params);
    checkJointFeasible(frame, pool, params, strata, jointDepartments(params.joint, pool));
  }
  checkFeasible(frame, pool, params, strata);
  const source = { witnesses: [...entropy_source.witnesses] };
  if (entropy_source.drand !== undefined) {
    source.drand = { chain_hash: entropy_source.drand.chain_hash, round: entropy_source.drand.round };
    checkSource(source.drand, committed_at, 'entropy_source.drand'); // §7.3: known chain, round after commit
  } else if (source.witnesses.length === 0) {
    throw new FieldError('entropy_source', '既没有指定见证人，也没有指定 drand 轮次（见《抽取规范》第 7.3 节）', { code: 'invalid-parameters' });
  }
  return {
    spec_version: params.joint ? JOINT_SPEC_VERSION : SPEC_VERSION,
    plan_id,
    committed_at,
    frame: { root: toHex(frame.root), size: frame.size },
    pool: { root: toHex(pool.root), size: pool.size },
    parameters: params.json,
    strata,
    secret_commitment: toHex(secretCommitment(fromHex(secretHex))),
    entropy_source: source,
  };
}

/** Runs the selection and assignment for a commitment; returns the §13 selections. */
export function computeSelections(commitment, params, frame, pool, key) {
  const selected = selectTargets(frame, commitment.strata, key);
  const inspectors = params.joint
    ? assignJoint(pool, selected, params.m, params.cap, params.joint, jointDepartments(params.joint, pool), key) // §17.4
    : assignInspectors(pool, selected, params.m, params.cap, key);
  return selected.map((s, i) => ({ ...s, inspectors: inspectors[i] }));
}

/**
 * §14 step 7h: a draw is not dated before its commitment (both are §2 timestamps, whose text order
 * is their time order). Throws FieldError (drawn-before-commit) at `path`.
 */
export function checkDrawnAt(committedAt, drawnAt, path = 'drawn_at') {
  if (drawnAt < committedAt) {
    throw new FieldError(path, `抽取时间 ${drawnAt} 早于承诺时间 ${committedAt}`,
      { code: 'drawn-before-commit', recorded: drawnAt, recomputed: `不早于 ${committedAt}`, facts: { drawnAt, committedAt } });
  }
}

/** The transcript object (writer form) of a draw. */
export function draw(commitment, secretHex, entropy, drawn_at, frame, pool) {
  const params = parseParameters(commitment.parameters, 'commitment.parameters');
  const commitmentHash = H(canonicalBytes(commitment));
  const secret = fromHex(secretHex);
  const given = { witnesses: entropy.witnesses.map((w) => ({ name: w.name, value: w.value })) };
  if (entropy.drand !== undefined) {
    const { chain_hash, round, signature, randomness } = entropy.drand;
    given.drand = { chain_hash, round, signature, randomness };
  }
  // §7.3: a draw checks the promised round (signature, randomness, time) before using it.
  checkDrawBeacon(commitment.entropy_source, given, commitment.committed_at, drawn_at);
  checkDrawnAt(commitment.committed_at, drawn_at, 'drawn_at');
  checkAssignmentRules(params, 'commitment.parameters');
  checkJointRules(params, 'commitment.parameters');
  const ed = entropyDigest(given.witnesses, beaconOf(given));
  const key = drawKey(commitmentHash, secret, ed, commitment.spec_version);
  const t = {
    spec_version: commitment.spec_version,
    commitment,
    commitment_hash: toHex(commitmentHash),
    secret: toHex(secret),
    entropy: given,
    entropy_digest: toHex(ed),
    draw_key: toHex(key),
    drawn_at,
    selections: computeSelections(commitment, params, frame, pool, key),
  };
  t.digest = toHex(H(canonicalBytes(t)));
  return t;
}
