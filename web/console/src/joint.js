// Joint plans (部门联合双随机抽查, docs/draw-spec.md §17) in the words of the documents: the lead
// department (牵头部门) makes the plan, each partner department (配合部门) approves its part
// (POST /api/plans/{id}/partner-approval) before the lead commits. Pure functions, so the unit
// tests (test/joint.test.js) read them without a browser.

/** The plan's `parameters.joint`, or null for a plan of one department. */
export const jointOf = (plan) => plan?.spec?.parameters?.joint ?? null;

/** Every department of a joint plan: the lead first, then the partners in committed order. */
export function departments(plan) {
  const j = jointOf(plan);
  return j ? [j.lead, ...j.partners] : [plan.spec.department];
}

/** How many departments each team must hold (spec §17.2: `r`). */
export function requiredPerTeam(joint) {
  if (!joint) return 1;
  return joint.require === 'all' ? 1 + joint.partners.length : 1 + Number(joint.require?.lead_plus ?? 0);
}

/** The team rule in words. */
export function requireText(joint) {
  if (!joint) return '';
  if (joint.require === 'all') return '每个检查组须包含牵头部门和全部配合部门的检查人员各至少1名';
  return `每个检查组须包含牵头部门和随机选定的${joint.require?.lead_plus}个配合部门的检查人员各至少1名`;
}

/** Each partner with its approval (or null): `[{ department, approval }]`, in committed order. */
export function partnerStatus(plan) {
  const j = jointOf(plan);
  if (!j) return [];
  const given = plan.partner_approvals || [];
  return j.partners.map((department) => ({ department, approval: given.find((a) => a.department === department) || null }));
}

/** The partners that have not approved yet. */
export const missingPartners = (plan) => partnerStatus(plan).filter((p) => !p.approval).map((p) => p.department);

/** Whether `department` takes part in `plan` as a partner. */
export const isPartner = (plan, department) => !!jointOf(plan)?.partners.includes(department);

/** A joint draft awaiting `department`'s approval. */
export const awaitsApprovalOf = (plan, department) => plan.state?.state === 'draft'
  && isPartner(plan, department) && missingPartners(plan).includes(department);

/** The `joint` member the wizard sends: partner names trimmed, empties dropped. */
export function jointSpec(lead, partners, require, leadPlus) {
  return {
    lead,
    partners: partners.map((p) => p.trim()).filter(Boolean),
    require: require === 'all' ? 'all' : { lead_plus: Number(leadPlus) },
  };
}

/** The wizard's own checks of the joint fields: `{ partners?, leadPlus? }` in Chinese. */
export function jointErrors(lead, partners, require, leadPlus) {
  const e = {};
  const names = partners.map((p) => p.trim()).filter(Boolean);
  if (!names.length) e.partners = '请至少填写一个配合部门';
  else if (names.includes(lead)) e.partners = `配合部门不能是本部门（${lead}，即牵头部门）`;
  else if (new Set(names).size !== names.length) e.partners = '配合部门不得重复';
  if (require !== 'all' && !(/^\d+$/.test(String(leadPlus)) && +leadPlus >= 1 && +leadPlus <= Math.max(names.length, 1))) {
    e.leadPlus = `须为1到${Math.max(names.length, 1)}之间的整数（不超过配合部门数）`;
  }
  return e;
}

/**
 * A refusal of the plan by the API, beside the wizard's field it concerns: `{ field, message }`, or
 * null when it names no field of the joint part. `r` is the number of departments a team must hold.
 */
export function jointFieldError(problem, r) {
  const detail = problem?.detail || '';
  switch (problem?.code) {
    case 'team-too-small':
      return { field: 'perTarget', message: `每户检查人员数不得少于每个检查组须包含的部门数（${r}个）：每个部门至少1名` };
    case 'invalid-joint':
      if (/lead_plus|\bn\b/.test(detail)) return { field: 'leadPlus', message: '须包含的配合部门数须在1到配合部门数之间' };
      return { field: 'partners', message: '配合部门设置无效：至少一个，不得与牵头部门相同，也不得重复' };
    case 'joint-lead-mismatch':
      return { field: 'partners', message: '联合抽查须由本部门牵头' };
    default:
      return null;
  }
}

/** Parses the public pool file (`inspector_id,department,conflicts`, RFC 4180) into id → department. */
export function poolDepartments(csv) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && csv[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  const map = new Map();
  const [head, ...body] = rows;
  if (!head) return map;
  const id = head.indexOf('inspector_id');
  const dep = head.indexOf('department');
  if (id < 0 || dep < 0) return map;
  for (const r of body) if (r[id]) map.set(r[id], r[dep] ?? '');
  return map;
}
