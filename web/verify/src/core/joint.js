// Joint draws of several departments (draw spec §17, version 2): reading the joint plan (§17.2),
// its rules, the departments of the pool (§17.3), feasibility (§17.5) and the assignment (§17.4).
// Written from the spec text; the vectors of fixtures/vectors/v2/ check it.
import { FieldError, join } from './errors.js';
import { idProblem } from './text-rules.js';
import { WordStream } from './stream.js';
import { assignKey } from './keys.js';

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isU32 = (x) => Number.isSafeInteger(x) && x >= 0 && x <= 0xffffffff;

function department(v, path, code) {
  if (typeof v !== 'string') throw new FieldError(path, '部门应为字符串', { code });
  const p = idProblem(v, 128);
  if (p) throw new FieldError(path, `部门名称无效：${p}`, { code });
  return v;
}

/**
 * Reads `joint` (§17.2) at `path`: { json (writer form), lead, partners, require: 'all' | n }.
 * A value of the wrong type or spelling throws FieldError with `code` (the reader's); whether the
 * plan obeys its rules is checkJointRules.
 */
export function parseJoint(v, path, code) {
  if (!isObj(v)) throw new FieldError(path, '联合抽查计划应为对象', { code });
  for (const k of Object.keys(v)) {
    if (!['lead', 'partners', 'require'].includes(k)) throw new FieldError(join(path, k), '不允许的成员（见《抽取规范》第 17.2 节）', { code });
  }
  for (const k of ['lead', 'partners', 'require']) {
    if (!(k in v)) throw new FieldError(join(path, k), '缺少此成员（见《抽取规范》第 17.2 节）', { code });
  }
  const lead = department(v.lead, join(path, 'lead'), code);
  if (!Array.isArray(v.partners)) throw new FieldError(join(path, 'partners'), '应为数组', { code });
  const partners = v.partners.map((p, i) => department(p, `${join(path, 'partners')}[${i}]`, code));
  let require;
  let requireJson;
  if (v.require === 'all') {
    require = 'all';
    requireJson = 'all';
  } else if (isObj(v.require) && Object.keys(v.require).length === 1 && 'lead_plus' in v.require) {
    require = v.require.lead_plus;
    if (!isU32(require)) throw new FieldError(join(join(path, 'require'), 'lead_plus'), '应为 0 至 2^32 − 1 的整数', { code });
    requireJson = { lead_plus: require };
  } else {
    throw new FieldError(join(path, 'require'), '应为 "all" 或 {"lead_plus": n}', { code });
  }
  return { json: { lead, partners: [...partners], require: requireJson }, lead, partners, require };
}

/** r: how many departments each team must hold. */
export const requiredPerTeam = (joint) => 1 + (joint.require === 'all' ? joint.partners.length : joint.require);

/**
 * §17.2 rules, in order: invalid-joint at `path`.joint, then team-too-small at
 * `path`.inspectors_per_target. Parameters without a joint plan pass.
 */
export function checkJointRules(params, path = 'parameters') {
  const joint = params.joint;
  if (!joint) return;
  const at = join(path, 'joint');
  const code = 'invalid-joint';
  if (joint.partners.length === 0) throw new FieldError(at, '联合抽查至少要有一个配合部门', { code });
  if (joint.partners.includes(joint.lead)) throw new FieldError(at, `牵头部门 ${joint.lead} 同时列为配合部门`, { code });
  joint.partners.forEach((p, i) => {
    if (joint.partners.indexOf(p) !== i) throw new FieldError(at, `配合部门 ${p} 重复`, { code });
  });
  if (joint.require !== 'all' && (joint.require < 1 || joint.require > joint.partners.length)) {
    throw new FieldError(at, `lead_plus 为 ${joint.require}，应在 1 至 ${joint.partners.length} 之间`, { code });
  }
  const r = requiredPerTeam(joint);
  if (params.m < r) {
    throw new FieldError(join(path, 'inspectors_per_target'), `每个检查组须含 ${r} 个部门的人员，但每个对象只分配 ${params.m} 人`,
      { code: 'team-too-small' });
  }
}

/**
 * §17.3: the plan's departments D = [lead, …partners]; for each inspector (pool index) the
 * number of their department in D, and each department's members (ascending). Throws
 * unknown-department at `path` for the first inspector whose department D does not name.
 */
export function jointDepartments(joint, pool, path = 'parameters.joint') {
  const D = [joint.lead, ...joint.partners];
  const number = new Map(D.map((d, k) => [d, k]));
  const of = new Int32Array(pool.size);
  const members = D.map(() => []);
  for (let i = 0; i < pool.size; i++) {
    const d = number.get(pool.departments[i]);
    if (d === undefined) {
      throw new FieldError(path, `检查人员 ${pool.ids[i]} 属于 ${pool.departments[i]}，不是本计划的部门`, { code: 'unknown-department' });
    }
    of[i] = d;
    members[d].push(i);
  }
  return { D, of, members };
}

/**
 * §17.5, the department bounds: every department can give one inspector to every target that
 * could be drawn (insufficient-department-inspectors). The bound of §9.2 is checked apart.
 */
export function checkJointFeasible(frame, pool, params, strata, deps, path = 'parameters') {
  const K = strata.reduce((a, s) => a + s.sample, 0);
  const capped = params.cap === null ? 0 : Math.floor(((K - 1) * params.m) / params.cap);
  const drawable = new Set(strata.filter((s) => s.sample > 0).map((s) => s.key));
  const perTarget = new Map(); // target id → conflicts per department
  pool.conflicts.forEach((list, i) => {
    for (const t of list) {
      if (!perTarget.has(t)) perTarget.set(t, new Array(deps.D.length).fill(0));
      perTarget.get(t)[deps.of[i]]++;
    }
  });
  const worst = new Array(deps.D.length).fill(0);
  for (const [t, counts] of perTarget) {
    const at = frame.indexOf(t);
    if (at < 0 || !drawable.has(frame.stratum(at))) continue;
    counts.forEach((c, d) => { if (c > worst[d]) worst[d] = c; });
  }
  deps.D.forEach((name, d) => {
    const P = deps.members[d].length;
    if (P - capped - worst[d] < 1) {
      throw new FieldError(path,
        `${name} 的检查人员不足：共 ${P} 人，可能达到上限 ${capped} 人，单个对象最多回避 ${worst[d]} 人，每个检查组需要 1 人（见《抽取规范》第 17.5 节）`,
        { code: 'insufficient-department-inspectors' });
    }
  });
}

/** Draws from `list` the below(e)-th entry whose position is not in the sorted `E` (§12). */
function pick(stream, list, E, target) {
  const e = list.length - E.length;
  if (e < 1) {
    throw Object.assign(new Error(`没有可分配给 ${target} 的检查人员：该承诺不满足《抽取规范》第 17.5 节，抽取无法完成`),
      { code: 'assignment-stuck' });
  }
  let p = stream.below(e);
  for (const q of E) {
    if (q <= p) p++;
    else break;
  }
  return list[p];
}

/** Swap-removes inspector i from list, keeping pos in step (§12); -1 marks removed. */
function swapRemove(list, pos, i) {
  const x = pos[i];
  const last = list.pop();
  if (last !== i) {
    list[x] = last;
    pos[last] = x;
  }
  pos[i] = -1;
}

const ascending = (a, b) => a - b;

/**
 * §17.4: assigns each selected target a team of m holding an inspector of each required
 * department (the lead's first, then the required partners' in order, then the rest). Returns
 * arrays of inspector ids, like assignInspectors.
 */
export function assignJoint(pool, selected, m, cap, joint, deps, key) {
  const P = pool.size;
  const r = requiredPerTeam(joint);
  if (m < r) throw new FieldError('parameters.inspectors_per_target', `每个检查组须含 ${r} 个部门`, { code: 'team-too-small' });
  const conflicted = new Map(); // target id → pool indices that declared a conflict with it
  pool.conflicts.forEach((list, i) => {
    for (const t of list) {
      if (!conflicted.has(t)) conflicted.set(t, []);
      conflicted.get(t).push(i);
    }
  });
  const A = Array.from({ length: P }, (_, i) => i);
  const pos = Int32Array.from(A); // -1: removed
  const byDept = deps.members.map((list) => list.slice());
  const dpos = new Int32Array(P).fill(-1);
  for (const list of byDept) list.forEach((i, k) => { dpos[i] = k; });
  const load = new Uint32Array(P);
  const n = joint.partners.length;
  const stream = new WordStream(assignKey(key));
  return selected.map(({ target }) => {
    const conf = conflicted.get(target) ?? [];
    // 1. The departments this team must hold.
    const R = [0];
    if (joint.require === 'all') {
      for (let d = 1; d <= n; d++) R.push(d);
    } else {
      const a = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < joint.require; i++) {
        const j = i + stream.below(n - i);
        [a[i], a[j]] = [a[j], a[i]];
        R.push(1 + a[i]);
      }
    }
    const chosen = [];
    // 2. One inspector of each required department, from its own list.
    for (const d of R) {
      const E = [];
      for (const i of conf) if (deps.of[i] === d && dpos[i] >= 0) E.push(dpos[i]);
      E.sort(ascending);
      chosen.push(pick(stream, byDept[d], E, target));
    }
    // 3. The rest from every department, as §12.
    while (chosen.length < m) {
      const set = new Set();
      for (const i of conf) if (pos[i] >= 0) set.add(pos[i]);
      for (const i of chosen) set.add(pos[i]);
      chosen.push(pick(stream, A, [...set].sort(ascending), target));
    }
    if (cap !== null) {
      for (const i of chosen) {
        load[i]++;
        if (load[i] === cap) {
          swapRemove(A, pos, i);
          swapRemove(byDept[deps.of[i]], dpos, i);
        }
      }
    }
    return chosen.map((i) => pool.ids[i]);
  });
}
