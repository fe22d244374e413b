// Strict reading of commitments (§9.1), transcripts (§13.1) and inclusion proofs (§4.3).
// Each reader returns the value in its writer form (hex in lower case, ratios shortest), the form
// whose canonical JSON is hashed, and names the JSON path of the first malformed member.
import { FieldError, join } from './errors.js';
import { parseParameters } from './params.js';
import { idProblem, planIdProblem, timestampProblem, witnessTextProblem } from './text-rules.js';
import { SPEC_VERSION, JOINT_SPEC_VERSION } from './keys.js';

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function members(v, path, required, optional = []) {
  if (!isObj(v)) throw new FieldError(path || '（根）', '应为 JSON 对象');
  for (const k of Object.keys(v)) {
    if (!required.includes(k) && !optional.includes(k)) throw new FieldError(join(path, k), '不允许的成员');
  }
  for (const k of required) if (!(k in v)) throw new FieldError(join(path, k), '缺少此成员');
  return v;
}

function hex64(v, path) {
  if (typeof v !== 'string' || !/^[0-9a-fA-F]{64}$/.test(v)) throw new FieldError(path, '应为 64 位十六进制');
  return v.toLowerCase();
}

function uint(v, path) {
  if (!Number.isSafeInteger(v) || v < 0) throw new FieldError(path, '应为非负整数');
  return v;
}

function text(v, path, problem) {
  const p = problem(v);
  if (p) throw new FieldError(path, p);
  return v;
}

function array(v, path) {
  if (!Array.isArray(v)) throw new FieldError(path, '应为数组');
  return v;
}

const str = (v, path) => text(v, path, (x) => (typeof x === 'string' ? null : '应为字符串'));

/** A beacon signature (§7.3): hex of 1 to 96 bytes, either case; returned in lower case. */
function signatureHex(v, path) {
  if (typeof v !== 'string' || !/^([0-9a-fA-F]{2}){1,96}$/.test(v)) {
    throw new FieldError(path, '应为 1–96 字节的十六进制（见《抽取规范》第 7.3 节）');
  }
  return v.toLowerCase();
}

/** `entropy_source.drand` (§7.3): the promised round. Whether it is usable is checked by 7c. */
function drandSource(v, path) {
  members(v, path, ['chain_hash', 'round']);
  return { chain_hash: hex64(v.chain_hash, join(path, 'chain_hash')), round: uint(v.round, join(path, 'round')) };
}

/** `entropy.drand` (§7.3): the round as recorded. Its signature is checked by 7e. */
function drandRound(v, path) {
  members(v, path, ['chain_hash', 'round', 'signature', 'randomness']);
  return {
    chain_hash: hex64(v.chain_hash, join(path, 'chain_hash')),
    round: uint(v.round, join(path, 'round')),
    signature: signatureHex(v.signature, join(path, 'signature')),
    randomness: hex64(v.randomness, join(path, 'randomness')),
  };
}

function rootSize(v, path) {
  members(v, path, ['root', 'size']);
  return { root: hex64(v.root, join(path, 'root')), size: uint(v.size, join(path, 'size')) };
}

/**
 * A commitment (§9.1) at `path`. Returns { json, params } where json is the writer form and
 * params the parsed parameters (§6.1).
 */
export function readCommitment(v, path = 'commitment') {
  members(v, path, ['spec_version', 'plan_id', 'committed_at', 'frame', 'pool', 'parameters', 'strata',
    'secret_commitment', 'entropy_source']);
  const params = parseParameters(v.parameters, join(path, 'parameters'));
  const strataPath = join(path, 'strata');
  const strata = array(v.strata, strataPath).map((s, i) => {
    const p = `${strataPath}[${i}]`;
    members(s, p, ['key', 'population', 'sample']);
    return { key: str(s.key, join(p, 'key')), population: uint(s.population, join(p, 'population')),
      sample: uint(s.sample, join(p, 'sample')) };
  });
  const esPath = join(path, 'entropy_source');
  members(v.entropy_source, esPath, ['witnesses'], ['drand']);
  const wPath = join(esPath, 'witnesses');
  const witnesses = array(v.entropy_source.witnesses, wPath).map((w, i) =>
    text(w, `${wPath}[${i}]`, (x) => witnessTextProblem(x, 200)));
  // No witness is allowed with a beacon round (§7.3); with neither, verification step 7a reports
  // `commitment.entropy_source` (as the reference verifier does), so it is not refused here.
  const entropySource = { witnesses };
  if ('drand' in v.entropy_source) entropySource.drand = drandSource(v.entropy_source.drand, join(esPath, 'drand'));
  witnesses.forEach((w, i) => {
    if (witnesses.indexOf(w) !== i) throw new FieldError(`${wPath}[${i}]`, '见证人名称重复（见《抽取规范》第 7.2 节）');
  });
  const specVersion = str(v.spec_version, join(path, 'spec_version'));
  // §17.1: a version-2 commitment has a joint plan and a version-1 one has none (another version
  // is read as it is, for §14 step 1 to name it).
  const jointPath = join(join(path, 'parameters'), 'joint');
  if (specVersion === SPEC_VERSION && params.joint) throw new FieldError(jointPath, '不允许的成员（spotcheck-draw/1）');
  if (specVersion === JOINT_SPEC_VERSION && !params.joint) throw new FieldError(jointPath, '缺少此成员（spotcheck-draw/2，《抽取规范》第 17.2 节）');
  const json = {
    spec_version: specVersion,
    plan_id: text(v.plan_id, join(path, 'plan_id'), planIdProblem),
    committed_at: text(v.committed_at, join(path, 'committed_at'), timestampProblem),
    frame: rootSize(v.frame, join(path, 'frame')),
    pool: rootSize(v.pool, join(path, 'pool')),
    parameters: params.json,
    strata,
    secret_commitment: hex64(v.secret_commitment, join(path, 'secret_commitment')),
    entropy_source: entropySource,
  };
  return { json, params };
}

/** A transcript (§13.1). Returns { json (writer form), commitment: readCommitment result }. */
export function readTranscript(v) {
  members(v, '', ['spec_version', 'commitment', 'commitment_hash', 'secret', 'entropy', 'entropy_digest',
    'draw_key', 'drawn_at', 'selections', 'digest']);
  const commitment = readCommitment(v.commitment, 'commitment');
  members(v.entropy, 'entropy', ['witnesses'], ['drand']);
  const entropy = {
    witnesses: array(v.entropy.witnesses, 'entropy.witnesses').map((w, i) => {
      const p = `entropy.witnesses[${i}]`;
      members(w, p, ['name', 'value']);
      return {
        name: text(w.name, join(p, 'name'), (x) => witnessTextProblem(x, 200)),
        value: text(w.value, join(p, 'value'), (x) => witnessTextProblem(x, 1000)),
      };
    }),
  };
  if ('drand' in v.entropy) entropy.drand = drandRound(v.entropy.drand, 'entropy.drand');
  const selections = array(v.selections, 'selections').map((s, i) => {
    const p = `selections[${i}]`;
    members(s, p, ['target', 'stratum', 'frame_index', 'inspectors']);
    return {
      target: text(s.target, join(p, 'target'), (x) => idProblem(x, 128)),
      stratum: text(s.stratum, join(p, 'stratum'), (x) => idProblem(x, 128)),
      frame_index: uint(s.frame_index, join(p, 'frame_index')),
      inspectors: array(s.inspectors, join(p, 'inspectors')).map((x, j) =>
        text(x, `${p}.inspectors[${j}]`, (y) => idProblem(y, 64))),
    };
  });
  const json = {
    spec_version: str(v.spec_version, 'spec_version'),
    commitment: commitment.json,
    commitment_hash: hex64(v.commitment_hash, 'commitment_hash'),
    secret: hex64(v.secret, 'secret'),
    entropy,
    entropy_digest: hex64(v.entropy_digest, 'entropy_digest'),
    draw_key: hex64(v.draw_key, 'draw_key'),
    drawn_at: text(v.drawn_at, 'drawn_at', timestampProblem),
    selections,
    digest: hex64(v.digest, 'digest'),
  };
  return { json, commitment };
}

/** An inclusion proof (§4.3). */
export function readProof(v) {
  members(v, '', ['frame_root', 'frame_size', 'index', 'target', 'stratum', 'path']);
  return {
    frame_root: hex64(v.frame_root, 'frame_root'),
    frame_size: uint(v.frame_size, 'frame_size'),
    index: uint(v.index, 'index'),
    target: text(v.target, 'target', (x) => idProblem(x, 128)),
    stratum: text(v.stratum, 'stratum', (x) => idProblem(x, 128)),
    path: array(v.path, 'path').map((h, i) => hex64(h, `path[${i}]`)),
  };
}
