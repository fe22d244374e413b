// The joint plan's rules as the console reads them (src/joint.js): departments, approvals, the
// wizard's checks, the API's refusals beside their fields, and the public pool file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  departments, requiredPerTeam, requireText, partnerStatus, missingPartners, awaitsApprovalOf,
  jointSpec, jointErrors, jointFieldError, poolDepartments,
} from '../src/joint.js';

const LEAD = '莆田市文化和旅游局';
const SJ = '莆田市市场监督管理局';
const GA = '莆田市公安局';
const plan = (approvals = [], state = 'draft', require = 'all') => ({
  spec: { id: 'PT-J', department: LEAD, parameters: { joint: { lead: LEAD, partners: [SJ, GA], require } } },
  partner_approvals: approvals,
  state: { state },
  version: 3,
});
const approval = (department) => ({ department, inspectors_snapshot: 2, pool: { root: 'ab', size: 6 }, approved_at: '2026-12-07T01:00:00Z' });

test('departments are the lead first, then the partners in committed order', () => {
  assert.deepEqual(departments(plan()), [LEAD, SJ, GA]);
  assert.deepEqual(departments({ spec: { department: LEAD, parameters: {} } }), [LEAD]);
});

test('a team holds every department, or the lead plus n', () => {
  assert.equal(requiredPerTeam(plan().spec.parameters.joint), 3);
  assert.equal(requiredPerTeam({ lead: LEAD, partners: [SJ, GA], require: { lead_plus: 1 } }), 2);
  assert.match(requireText({ lead: LEAD, partners: [SJ, GA], require: { lead_plus: 1 } }), /随机选定的1个配合部门/);
  assert.match(requireText(plan().spec.parameters.joint), /全部配合部门/);
});

test('each partner is approved or awaited, and a draft awaits only the partners still to approve', () => {
  const p = plan([approval(GA)]);
  assert.deepEqual(partnerStatus(p).map((x) => [x.department, !!x.approval]), [[SJ, false], [GA, true]]);
  assert.deepEqual(missingPartners(p), [SJ]);
  assert.equal(awaitsApprovalOf(p, SJ), true);
  assert.equal(awaitsApprovalOf(p, GA), false, 'approved already');
  assert.equal(awaitsApprovalOf(p, LEAD), false, 'the lead approves nothing');
  assert.equal(awaitsApprovalOf(plan([], 'committed'), SJ), false, 'only drafts are approved');
});

test('the wizard sends the names trimmed and the rule in its two spellings', () => {
  assert.deepEqual(jointSpec(LEAD, [` ${SJ} `, ''], 'all', '1'), { lead: LEAD, partners: [SJ], require: 'all' });
  assert.deepEqual(jointSpec(LEAD, [SJ, GA], 'lead_plus', '1'), { lead: LEAD, partners: [SJ, GA], require: { lead_plus: 1 } });
});

test('the wizard names what is wrong with the partners beside their field', () => {
  assert.deepEqual(jointErrors(LEAD, [SJ], 'all', '1'), {});
  assert.equal(jointErrors(LEAD, ['  '], 'all', '1').partners, '请至少填写一个配合部门');
  assert.match(jointErrors(LEAD, [LEAD], 'all', '1').partners, /不能是本部门/);
  assert.equal(jointErrors(LEAD, [SJ, SJ], 'all', '1').partners, '配合部门不得重复');
  assert.match(jointErrors(LEAD, [SJ, GA], 'lead_plus', '3').leadPlus, /1到2之间/);
  assert.match(jointErrors(LEAD, [SJ, GA], 'lead_plus', '0').leadPlus, /1到2之间/);
  assert.deepEqual(jointErrors(LEAD, [SJ, GA], 'lead_plus', '2'), {});
});

test("the API's refusals of a joint plan stand beside the field they concern, in Chinese", () => {
  const small = jointFieldError({ code: 'team-too-small', detail: 'parameters.inspectors_per_target: …' }, 3);
  assert.equal(small.field, 'perTarget');
  assert.match(small.message, /3个/);
  assert.equal(jointFieldError({ code: 'invalid-joint', detail: 'parameters.joint: lead_plus 3 is outside 1..2' }, 2).field, 'leadPlus');
  assert.equal(jointFieldError({ code: 'invalid-joint', detail: 'parameters.joint: a partner equal to the lead' }, 2).field, 'partners');
  assert.equal(jointFieldError({ code: 'notice-too-short', detail: '' }, 2), null);
});

test('the public pool file gives each inspector its department, quoted cells included', () => {
  const csv = 'inspector_id,department,conflicts\r\nPT-INS-001,莆田市文化和旅游局,D-3503-000006\r\nPT-SJ-001,"莆田市市场监督管理局",""\r\nPT-X,"部门, ""甲""","a;b"\r\n';
  const m = poolDepartments(csv);
  assert.equal(m.get('PT-INS-001'), LEAD);
  assert.equal(m.get('PT-SJ-001'), SJ);
  assert.equal(m.get('PT-X'), '部门, "甲"');
  assert.equal(m.size, 3);
  assert.equal(poolDepartments('').size, 0);
  assert.equal(poolDepartments('a,b\n1,2\n').size, 0, 'not a pool file: nothing');
});
