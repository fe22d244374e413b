// The wording of the documents: every enum of the API in Chinese, and the API's problem codes as
// messages a member of staff can act on.
export const ROLE = { inspector: '检查人员', supervisor: '科室负责人', publisher: '审核发布人员', admin: '系统管理员', registrar: '名录管理员' };
export const STATE = { draft: '草稿', committed: '已公示待抽取', drawn: '已抽取', cancelled: '已撤销' };
export const TARGET_KIND = { agency: '旅行社', guide: '导游', online_operator: '在线旅游经营者' };
export const SCHEME = { none: '不分层', region: '按行政区划分层', class: '按信用等级分层', region_class: '按行政区划和信用等级分层' };
export const ROUNDING = { up: '向上取整', down: '向下取整', nearest: '四舍五入' };
export const METHOD = { on_site: '现场检查', documentary: '书面检查', online_monitoring: '网络监测', testing: '抽样检测', expert_agency: '委托专业机构检查' };
export const RESULT = {
  no_problem_found: '未发现问题', not_disclosed_as_required: '未按规定公示', false_disclosure: '公示信息弄虚作假',
  unreachable: '通过登记的住所（经营场所）无法联系', corrected_after_order: '发现问题经责令已改正',
  no_relevant_activity: '未发现开展本次抽查涉及的经营活动', suspended_or_liquidating: '已停业/正在清算',
  uncooperative: '不配合检查情节严重', deregistered: '已注销/被吊销/被撤销/已迁出',
};
export const STATUS = { active: '存续', suspended: '停业', liquidating: '清算', cancelled: '注销', revoked: '吊销', withdrawn: '撤销', moved_out: '迁出' };
export const REGISTRY = { agencies: '旅行社名录', guides: '导游名录', operators: '在线旅游经营者名录', inspectors: '执法检查人员名录', items: '随机抽查事项清单' };
export const DUTY = { plan: '抽查计划', draw: '抽取结果', check_result: '抽查结果', penalty_decision: '行政处罚决定', penalty_change: '行政处罚变更或撤销', cancellation: '计划撤销' };
export const DUTY_STATE = { pending: '待公开', published: '已公开', withdrawn: '已撤回', expired: '已到期撤下' };
export const APPROVAL_KIND = { check_result: '抽查结果', penalty_decision: '行政处罚决定', penalty_change: '处罚决定变更或撤销' };
export const FIELD = {
  findings: '检查情况', follow_up: '后续处理', cause: '案由', legal_basis: '处罚依据', conditions: '违法事实',
  procedure: '处罚程序', result: '处罚结果', party: '当事人', reason: '理由', new_result: '变更后的处罚结果',
  name: '名称', masked_name: '姓名（已遮蔽）',
};

const CODES = {
  network: '无法连接服务器，请检查网络后重试。',
  unauthorized: '登录已失效，请重新登录。',
  forbidden: '您的角色或所属部门无权进行此项操作。',
  'missing-role': '您的角色无权进行此项操作。',
  'not-found': '未找到该记录。',
  'notice-too-short': '计划抽取时间距现在不足最短公示期。',
  'draw-too-early': '尚未到计划抽取时间，不能抽取。',
  'already-drawn': '该计划已抽取，不能重复抽取。',
  'own-entry': '不能审核本人录入的记录，须由他人审核。',
  'already-approved': '该记录已审核通过。',
  'not-author': '只有录入人本人可以修改或撤回该记录。',
  'not-a-draft': '该记录不是待审核的草稿，不能修改或撤回。',
  'has-changes': '该处罚决定已录入变更或撤销，不能再修改或撤回。',
  mismatch: '修改时不能改变决定书文号或处罚机关。',
  'returned-to-author': '该记录已退回录入人修改，须待其修改后再审核。',
  'already-returned': '该记录已退回，正等待录入人修改。',
  'invalid-reason': '退回理由不符合要求。',
  'invalid-registry': '文件中有错误行，未导入任何记录。请按下列错误逐行修改后重新上传。',
  'empty-registry': '文件中没有记录。',
  'idempotency-key-reused': '重复提交的内容不一致，请刷新后重试。',
  'rate-limited': '请求过于频繁，请稍后再试。',
  'other-department': '该记录不属于本部门。',
  'not-assigned-department': '本部门没有检查人员在该检查对象的检查组中：部门联合抽查的检查结果由检查组成员所属部门录入和审核。',
  'not-a-partner': '本部门不是该联合抽查的配合部门。',
  'joint-plan-lead-only': '部门联合抽查只能由牵头部门修改、提交承诺、抽取或撤销；配合部门只能确认本部门参与。',
  'partner-approval-missing': '部门联合抽查须待全部配合部门确认参与及本部门检查人员后，才能提交承诺。',
  'partner-pool-changed': '配合部门的检查人员在其确认后已变更，须由该部门重新确认。',
  'department-pool-empty': '执法检查人员名录中没有本部门可检查此类对象的人员。',
  'invalid-joint': '联合抽查的配合部门设置无效：至少一个，不得与牵头部门相同，也不得重复。',
  'team-too-small': '每户检查人员数少于每个检查组须包含的部门数。',
  'unknown-department': '检查人员名录中有不属于本计划任何部门的人员。',
  'insufficient-department-inspectors': '某一部门可派的检查人员不足，无法保证每个检查组都有该部门人员。',
  'stale-version': '该记录已被他人修改，请刷新后重新核对。',
  'signin-ticket-unknown': '此登录链接已使用、已过期或来自服务器的上一次启动。请由管理员重新启动 spotcheck serve 获取新链接。',
};

/** A problem (ApiProblem) as a sentence in Chinese, with the server's own detail for the record. */
export function problemText(e) {
  const known = CODES[e.code];
  const detail = e.detail ? `（${e.code}：${e.detail}）` : `（${e.code || '错误'}）`;
  return known ? `${known}${detail}` : `操作未成功${detail}`;
}
