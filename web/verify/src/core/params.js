// Draw parameters (draw spec §6): strict parsing, sample sizes, the strata list, feasibility (§9.2).
import { FieldError, join } from './errors.js';
import { compareUtf8 } from './bytes.js';
import { idProblem } from './text-rules.js';
import { parseJoint } from './joint.js';

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function onlyMembers(v, path, allowed, code) {
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) throw new FieldError(join(path, k), `不允许的成员（见《抽取规范》第 6.1 节）`, { code });
  }
}

/** Parses a ratio string (§6.1); returns { ppm, text } with text in the shortest (writer) form. */
export function parseRatio(r, path) {
  const code = 'invalid-parameters';
  if (typeof r !== 'string') throw new FieldError(path, '比例应为字符串，如 "0.05"', { code });
  const m = /^([0-9]+)(?:\.([0-9]{1,6}))?$/.exec(r);
  if (!m) throw new FieldError(path, `比例格式无效：${JSON.stringify(r)}`, { code });
  const intDigits = m[1].replace(/^0+/, '');
  if (intDigits.length > 1) throw new FieldError(path, `比例大于 1：${r}`, { code });
  const whole = intDigits === '' ? 0 : Number(intDigits);
  const frac = (m[2] ?? '').padEnd(6, '0');
  const ppm = whole * 1_000_000 + Number(frac);
  if (ppm > 1_000_000) throw new FieldError(path, `比例大于 1：${r}`, { code });
  const f = (m[2] ?? '').replace(/0+$/, '');
  return { ppm, text: f === '' ? String(whole) : `${whole}.${f}` };
}

function parseRule(v, path) {
  const code = 'invalid-parameters';
  if (!isObj(v)) throw new FieldError(path, '规则应为对象', { code });
  if ('count' in v) {
    onlyMembers(v, path, ['count'], code);
    if (!Number.isSafeInteger(v.count) || v.count < 0) throw new FieldError(join(path, 'count'), '应为非负整数', { code });
    return { json: { count: v.count }, count: v.count };
  }
  onlyMembers(v, path, ['ratio', 'rounding'], code);
  if (!('ratio' in v) || !('rounding' in v)) {
    throw new FieldError(path, '规则应为 {"count": k} 或 {"ratio": r, "rounding": m}', { code });
  }
  const { ppm, text } = parseRatio(v.ratio, join(path, 'ratio'));
  if (!['up', 'down', 'nearest'].includes(v.rounding)) {
    throw new FieldError(join(path, 'rounding'), '应为 "up"、"down" 或 "nearest"', { code });
  }
  return { json: { ratio: text, rounding: v.rounding }, ppm, rounding: v.rounding };
}

/**
 * Parses §6.1 parameters at `path`. Returns { json (canonical writer form), strata: Map key→rule,
 * default, m (inspectors_per_target), cap (or null) }.
 */
export function parseParameters(v, path = 'parameters') {
  const code = 'invalid-parameters';
  if (!isObj(v)) throw new FieldError(path, '参数应为对象', { code });
  onlyMembers(v, path, ['strata', 'default', 'inspectors_per_target', 'max_assignments_per_inspector', 'joint'], code);
  if (!isObj(v.strata)) throw new FieldError(join(path, 'strata'), '必须有 strata 对象（可为 {}）', { code });
  const strata = new Map();
  const strataJson = {};
  for (const [key, rule] of Object.entries(v.strata)) {
    const p = idProblem(key, 128);
    if (p) throw new FieldError(join(join(path, 'strata'), key), `层名无效：${p}`, { code });
    const r = parseRule(rule, join(join(path, 'strata'), key));
    strata.set(key, r);
    strataJson[key] = r.json;
  }
  let dflt = null;
  if (v.default !== undefined) dflt = parseRule(v.default, join(path, 'default'));
  // Read as integers of 0 … 2^32 − 1 (§6.1); whether they are usable (m ≥ 2, cap ≥ 1) is a rule
  // that commit enforces and a verifier re-checks at §14 step 4: checkAssignmentRules.
  const m = v.inspectors_per_target;
  if (!isU32(m)) throw new FieldError(join(path, 'inspectors_per_target'), '应为 0 至 2^32 − 1 的整数', { code });
  let cap = null;
  if (v.max_assignments_per_inspector !== undefined) {
    cap = v.max_assignments_per_inspector;
    if (!isU32(cap)) {
      throw new FieldError(join(path, 'max_assignments_per_inspector'), '应为 0 至 2^32 − 1 的整数', { code });
    }
  }
  // The joint plan of a version-2 draw (§17.2); which version may have one is model.js's rule.
  const joint = v.joint === undefined ? null : parseJoint(v.joint, join(path, 'joint'), code);
  const json = { strata: strataJson, inspectors_per_target: m };
  if (dflt) json.default = dflt.json;
  if (cap !== null) json.max_assignments_per_inspector = cap;
  if (joint) json.joint = joint.json;
  return { json, strata, default: dflt, m, cap, joint };
}

const isU32 = (x) => Number.isSafeInteger(x) && x >= 0 && x <= 0xffffffff;

/**
 * §9.2, §14 step 4: at least 2 inspectors per target, and a cap (if any) of at least 1. Throws
 * FieldError (invalid-parameters) naming the member under `path`.
 */
export function checkAssignmentRules(params, path = 'parameters') {
  const code = 'invalid-parameters';
  if (params.m < 2) {
    throw new FieldError(join(path, 'inspectors_per_target'), '每个对象至少 2 名检查人员（《旅游法》第八十六条、《行政处罚法》第四十二条）', { code });
  }
  if (params.cap !== null && params.cap < 1) {
    throw new FieldError(join(path, 'max_assignments_per_inspector'), '应为至少 1 的整数（不设上限时省略此成员）', { code });
  }
}

/** §6.2: the sample size of a stratum of N entries under a rule (null: count 0). */
export function sampleSize(N, rule) {
  if (!rule) return 0;
  if (rule.count !== undefined) return rule.count;
  const x = N * rule.ppm; // N·ppm < 2^53 for any frame below 9·10^9 entries
  if (!Number.isSafeInteger(x)) throw new RangeError('frame too large');
  if (rule.rounding === 'up') return Math.floor((x + 999999) / 1000000);
  if (rule.rounding === 'down') return Math.floor(x / 1000000);
  return Math.floor((x + 500000) / 1000000);
}

/** How many of the n entries are in each of k strata (stratumOf: entry → stratum number). */
function countStrata(stratumOf, n, k) {
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) counts[stratumOf[i]]++;
  return counts;
}

/**
 * §6.3: [{key, population, sample}] for every stratum of the frame, sorted by byte order.
 * Throws FieldError(path) with code unknown-stratum, sample-too-large or invalid-parameters.
 */
export function computeStrata(frame, params, path = 'parameters') {
  const counts = countStrata(frame.stratumOf, frame.size, frame.stratumNames.length);
  const population = new Map(frame.stratumNames.map((name, c) => [name, counts[c]]));
  for (const key of params.strata.keys()) {
    if (!population.has(key)) {
      throw new FieldError(join(join(path, 'strata'), key), `层 ${JSON.stringify(key)} 在名录中没有对象`, { code: 'unknown-stratum' });
    }
  }
  const keys = [...population.keys()].sort(compareUtf8);
  let total = 0;
  const out = keys.map((key) => {
    const N = population.get(key);
    const rule = params.strata.get(key) ?? params.default;
    const sample = sampleSize(N, rule);
    if (sample > N) {
      throw new FieldError(path, `层 ${JSON.stringify(key)} 抽取 ${sample} 个，但只有 ${N} 个对象`, { code: 'sample-too-large' });
    }
    total += sample;
    return { key, population: N, sample };
  });
  if (total === 0) throw new FieldError(path, '总抽取数为 0', { code: 'invalid-parameters' });
  return out;
}

/** §9.2: refuses (insufficient-inspectors) unless every drawable target surely finds m inspectors. */
export function checkFeasible(frame, pool, params, strata, path = 'parameters') {
  const K = strata.reduce((a, s) => a + s.sample, 0);
  const m = params.m;
  const capped = params.cap === null ? 0 : Math.floor(((K - 1) * m) / params.cap);
  const drawable = new Set(strata.filter((s) => s.sample > 0).map((s) => s.key));
  let maxC = 0;
  for (const [t, c] of conflictCounts(pool)) {
    const at = frame.indexOf(t);
    if (at >= 0 && drawable.has(frame.stratum(at)) && c > maxC) maxC = c;
  }
  if (pool.size - capped - maxC < m) {
    throw new FieldError(path,
      `检查人员不足：名单 ${pool.size} 人，可能达到上限 ${capped} 人，单个对象最多回避 ${maxC} 人，每个对象需要 ${m} 人（见《抽取规范》第 9.2 节）`,
      { code: 'insufficient-inspectors' });
  }
}

/** How many inspectors declared a conflict with each target id. */
function conflictCounts(pool) {
  const counts = new Map();
  for (const list of pool.conflicts) for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}
