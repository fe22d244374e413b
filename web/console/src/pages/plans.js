import { useEffect, useState } from 'preact/hooks';
import { html, cnTime, fromChinaLocal, toChinaLocal, go } from '../util.js';
import { get, post } from '../api.js';
import { config } from '../config.js';
import { Field, Load, Notice, PageTitle, Hash } from '../components.js';
import { STATE, TARGET_KIND, SCHEME, ROUNDING, problemText } from '../labels.js';
import { jointOf, jointSpec, jointErrors, jointFieldError, requiredPerTeam, requireText, partnerStatus, missingPartners, isPartner, awaitsApprovalOf, poolDepartments } from '../joint.js';

const can = (me, ...roles) => me.roles.some((r) => roles.includes(r) || r === 'admin');

export async function findPlan(id) {
  const plans = await get('/api/plans');
  const plan = plans.find((p) => p.spec.id === id);
  if (!plan) throw Object.assign(new Error('not found'), { code: 'not-found', detail: `计划 ${id} 不存在` });
  return plan;
}

/** 联合抽查 under a plan's title: who leads, and this department's part. */
function JointLine({ plan, me }) {
  const j = jointOf(plan);
  if (!j) return null;
  const role = j.lead === me.department ? '本部门牵头' : isPartner(plan, me.department) ? '本部门配合' : '';
  return html`<br /><span class="small">部门联合抽查（${role ? `${role}；` : ''}牵头部门：${j.lead}；配合部门：${j.partners.join('、')}）</span>`;
}

export function PlanList({ me }) {
  return html`<${PageTitle}>抽查计划</${PageTitle}>
    ${can(me, 'inspector') ? html`<p><a class="button primary" href="#/plans/new">新建抽查计划</a></p>` : null}
    <${Load} fn=${() => get('/api/plans')}>${(plans) => {
      const waiting = plans.filter((p) => awaitsApprovalOf(p, me.department));
      return html`
      ${waiting.length ? html`<section class="card" aria-labelledby="h-partner-waiting"><h2 id="h-partner-waiting">待本部门确认的联合抽查</h2>
        <p>以下部门联合抽查计划由其他部门牵头，本部门为配合部门。须由本部门科室负责人核对本部门参与抽取的检查人员并确认后，牵头部门方可提交承诺。</p>
        <ul class="list">${waiting.map((p) => html`<li><a href=${`#/plans/${encodeURIComponent(p.spec.id)}`}>${p.spec.title}</a>（牵头部门：${p.spec.department}；${p.spec.id}）</li>`)}</ul>
      </section>` : null}
      <div class="table-wrap"><table>
      <caption class="sr">本部门牵头或参与的抽查计划</caption>
      <thead><tr><th scope="col">计划</th><th scope="col">计划抽取时间</th><th scope="col">状态</th></tr></thead>
      <tbody>${plans.map((p) => html`<tr>
        <td><a href=${`#/plans/${encodeURIComponent(p.spec.id)}`}>${p.spec.title}</a><br /><span class="muted small">${p.spec.id}</span><${JointLine} plan=${p} me=${me} /></td>
        <td>${cnTime(p.spec.planned_draw_at)}</td><td>${STATE[p.state.state]}${awaitsApprovalOf(p, me.department) ? '（待本部门确认）' : ''}</td></tr>`)}</tbody>
    </table></div>`;
    }}</${Load}>`;
}

const ERR = {
  id: (v) => (!v ? '请填写计划编号' : /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v) ? null : '计划编号只能由字母、数字和“.”“_”“-”组成，以字母或数字开头，不超过64个字符'),
  title: (v) => (!v.trim() ? '请填写计划名称' : null),
  item: (v) => (!v ? '请选择抽查事项' : null),
};

/** 抽查计划 wizard: the item, the frame filter, strata, sample sizes, inspectors, witnesses, time. */
export function PlanNew({ me }) {
  const minNotice = config().min_notice_minutes ?? 1440;
  const earliest = Date.now() + (minNotice + 2) * 60000;
  const [f, setF] = useState({
    id: '', title: '', item: '', target_kind: 'agency', mode: 'untargeted', regions: '', classes: [], outbound: '',
    scheme: 'region', sizeBy: 'ratio', ratio: '0.1', rounding: 'up', count: '2', perTarget: '2', cap: '',
    witnesses: [''], beacon: false, at: toChinaLocal(Math.ceil(earliest / 60000) * 60000),
    joint: false, partners: [''], require: 'all', leadPlus: '1',
  });
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState(null);
  const set = (k) => (e) => {
    setF({ ...f, [k]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });
    if (errors[k]) setErrors({ ...errors, [k]: null });
  };
  useEffect(() => {
    if (!f.item) { setPreview(null); return undefined; }
    let live = true;
    const t = setTimeout(() => {
      post('/api/plans/preview', specOf(f, { draft: true }))
        .then((p) => live && setPreview({ p }), (e) => live && setPreview({ e }));
    }, 400);
    return () => { live = false; clearTimeout(t); };
  }, [f.item, f.target_kind, f.mode, f.regions, f.classes.join(), f.outbound, f.scheme, f.sizeBy, f.ratio, f.rounding, f.count, f.perTarget, f.cap, f.joint, f.partners.join('\n'), f.require, f.leadPlus]);

  function check() {
    const e = {};
    for (const k of Object.keys(ERR)) { const m = ERR[k](f[k]); if (m) e[k] = m; }
    if (f.sizeBy === 'ratio' && !/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/.test(f.ratio)) e.ratio = '抽取比例须为0到1之间的小数，最多6位小数，例如0.05';
    if (f.sizeBy === 'count' && !/^[1-9]\d{0,5}$/.test(f.count)) e.count = '抽取数量须为正整数';
    if (!/^\d+$/.test(f.perTarget) || +f.perTarget < 2) e.perTarget = '每户检查人员不得少于2名（《旅游法》第八十六条、《行政处罚法》第四十二条）';
    if (f.cap && !/^[1-9]\d*$/.test(f.cap)) e.cap = '须为正整数，或留空表示不限';
    if (f.mode === 'targeted' && f.regions && !f.regions.split(/[,，\s]+/).filter(Boolean).every((r) => /^\d{6}$/.test(r))) e.regions = '行政区划代码为6位数字，多个以逗号分隔';
    const names = f.witnesses.map((w) => w.trim()).filter(Boolean);
    if (!names.length && !f.beacon) e.witnesses = '请至少填写一名见证人';
    if (new Set(names).size !== names.length) e.witnesses = '见证人不得重复';
    // The joint part: the wizard checks the names; the team size against the departments is the
    // API's rule (team-too-small), shown beside 每户检查人员数 when it refuses.
    if (f.joint) Object.assign(e, jointErrors(me.department, f.partners, f.require, f.leadPlus));
    const at = fromChinaLocal(f.at);
    if (!at) e.at = '请填写计划抽取时间';
    else if (Date.parse(at) < Date.now() + minNotice * 60000) e.at = `计划抽取时间须在发布后至少${minNotice >= 60 ? `${minNotice / 60}小时` : `${minNotice}分钟`}（最短公示期）`;
    setErrors(e);
    return Object.keys(e).length === 0;
  }

  function specOf(f, { draft } = {}) {
    const rule = f.sizeBy === 'ratio' ? { ratio: f.ratio, rounding: f.rounding } : { count: Number(f.count) };
    const filter = f.mode === 'untargeted' ? { mode: 'untargeted' } : {
      mode: 'targeted', regions: f.regions.split(/[,，\s]+/).filter(Boolean), credit_classes: f.classes,
      outbound: f.target_kind === 'agency' && f.outbound ? f.outbound === 'yes' : null, statuses: [],
    };
    const spec = {
      id: f.id, item: f.item, title: f.title.trim(), department: me.department, target_kind: f.target_kind,
      stratum_scheme: f.scheme, filter,
      parameters: {
        default: rule, inspectors_per_target: Number(f.perTarget), ...(f.cap ? { max_assignments_per_inspector: Number(f.cap) } : {}),
        // The preview only once a partner is named (an empty list is refused as invalid-joint).
        ...(f.joint && (!draft || f.partners.some((p) => p.trim())) ? { joint: jointSpec(me.department, f.partners, f.require, f.leadPlus) } : {}),
      },
      entropy_source: { witnesses: f.witnesses.map((w) => w.trim()).filter(Boolean) },
      planned_draw_at: fromChinaLocal(f.at),
    };
    if (draft) {
      // The preview needs a well-formed spec before the form is finished.
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(spec.id)) spec.id = 'PREVIEW';
      if (!spec.title) spec.title = '预览';
      if (!spec.entropy_source.witnesses.length) spec.entropy_source.witnesses = ['见证人'];
      if (!spec.planned_draw_at) spec.planned_draw_at = new Date(earliest).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    return spec;
  }

  async function submit(ev) {
    ev.preventDefault();
    setProblem(null);
    if (!check()) { setTimeout(() => document.querySelector('[aria-invalid="true"]')?.focus(), 0); return; }
    const spec = specOf(f);
    setBusy(true);
    try {
      await post('/api/plans', spec);
      go(`/plans/${encodeURIComponent(f.id)}`);
    } catch (e) {
      if (e.code === 'notice-too-short') setErrors({ at: `计划抽取时间距现在不足最短公示期：${e.detail}` });
      const jf = f.joint ? jointFieldError(e, requiredPerTeam(jointSpec(me.department, f.partners, f.require, f.leadPlus))) : null;
      if (jf) {
        setErrors({ [jf.field]: jf.message });
        setTimeout(() => document.querySelector('[aria-invalid="true"]')?.focus(), 0);
      }
      setProblem(e);
    } finally { setBusy(false); }
  }

  return html`<${PageTitle}>新建抽查计划</${PageTitle}>
  <${Load} fn=${() => get('/api/public/items')}>${(items) => html`
  <form class="form" onSubmit=${submit} novalidate>
    <${Notice} error=${problem} />
    <fieldset><legend>基本信息</legend>
      <${Field} label="计划编号" required error=${errors.id} hint="例如 PT-2026-002">${(a) => html`<input ...${a} value=${f.id} onInput=${set('id')} autocomplete="off" />`}</${Field}>
      <${Field} label="计划名称" required error=${errors.title} hint="将在抽查公告中公开，例如“2026年第四季度城厢区旅行社双随机抽查”">${(a) => html`<input ...${a} value=${f.title} onInput=${set('title')} />`}</${Field}>
      <${Field} label="抽查事项" required error=${errors.item}>${(a) => html`<select ...${a} value=${f.item} onChange=${(e) => {
        const it = items.find((i) => i.code === e.currentTarget.value);
        setF({ ...f, item: e.currentTarget.value, target_kind: it ? it.target_kind : f.target_kind });
      }}><option value="">请选择</option>${items.map((i) => html`<option value=${i.code}>${i.code} ${i.name}</option>`)}</select>`}</${Field}>
      <${Field} label="抽查对象类型">${(a) => html`<select ...${a} value=${f.target_kind} onChange=${set('target_kind')}>${Object.entries(TARGET_KIND).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select>`}</${Field}>
    </fieldset>
    <fieldset><legend>抽取范围</legend>
      <div class="radios" role="radiogroup" aria-label="抽取方式">
        <label><input type="radio" name="mode" value="untargeted" checked=${f.mode === 'untargeted'} onChange=${set('mode')} /> 不定向抽查（全部存续对象）</label>
        <label><input type="radio" name="mode" value="targeted" checked=${f.mode === 'targeted'} onChange=${set('mode')} /> 定向抽查（按条件筛选）</label>
      </div>
      ${f.mode === 'targeted' ? html`
        <${Field} label="行政区划代码" error=${errors.regions} hint="6位代码，多个以逗号分隔；留空表示不限。例如 350302（城厢区）">${(a) => html`<input ...${a} value=${f.regions} onInput=${set('regions')} inputmode="numeric" />`}</${Field}>
        <fieldset class="inline"><legend>信用等级（不选表示不限）</legend>
          ${['A', 'B', 'C', 'D'].map((c) => html`<label><input type="checkbox" checked=${f.classes.includes(c)} onChange=${(e) => setF({ ...f, classes: e.currentTarget.checked ? [...f.classes, c] : f.classes.filter((x) => x !== c) })} /> ${c}类</label>`)}
        </fieldset>
        ${f.target_kind === 'agency' ? html`<${Field} label="出境旅游业务">${(a) => html`<select ...${a} value=${f.outbound} onChange=${set('outbound')}><option value="">不限</option><option value="yes">经营出境旅游业务</option><option value="no">不经营出境旅游业务</option></select>`}</${Field}>` : null}
      ` : null}
      <${Field} label="分层方式">${(a) => html`<select ...${a} value=${f.scheme} onChange=${set('scheme')}>${Object.entries(SCHEME).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select>`}</${Field}>
    </fieldset>
    <fieldset><legend>抽取数量与检查人员</legend>
      <div class="radios" role="radiogroup" aria-label="确定抽取数量的方式">
        <label><input type="radio" name="sizeBy" value="ratio" checked=${f.sizeBy === 'ratio'} onChange=${set('sizeBy')} /> 按比例（每层）</label>
        <label><input type="radio" name="sizeBy" value="count" checked=${f.sizeBy === 'count'} onChange=${set('sizeBy')} /> 按数量（每层）</label>
      </div>
      ${f.sizeBy === 'ratio' ? html`<div class="row">
        <${Field} label="抽取比例" required error=${errors.ratio} hint="0到1之间，例如 0.05 即5%">${(a) => html`<input ...${a} value=${f.ratio} onInput=${set('ratio')} inputmode="decimal" />`}</${Field}>
        <${Field} label="取整方式">${(a) => html`<select ...${a} value=${f.rounding} onChange=${set('rounding')}>${Object.entries(ROUNDING).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select>`}</${Field}>
      </div>` : html`<${Field} label="每层抽取数量" required error=${errors.count}>${(a) => html`<input ...${a} value=${f.count} onInput=${set('count')} inputmode="numeric" />`}</${Field}>`}
      <div class="row">
        <${Field} label="每户检查人员数" required error=${errors.perTarget}>${(a) => html`<input ...${a} value=${f.perTarget} onInput=${set('perTarget')} inputmode="numeric" />`}</${Field}>
        <${Field} label="每名检查人员最多检查户数" error=${errors.cap} hint="留空表示不限">${(a) => html`<input ...${a} value=${f.cap} onInput=${set('cap')} inputmode="numeric" />`}</${Field}>
      </div>
    </fieldset>
    <fieldset><legend>部门联合抽查</legend>
      <div class="field check"><label><input type="checkbox" checked=${f.joint} onChange=${set('joint')} /> 本计划为部门联合抽查，由本部门牵头</label></div>
      ${f.joint ? html`
        <p>牵头部门：<strong>${me.department}</strong>（本部门）。配合部门的科室负责人须在本平台确认参与及本部门检查人员后，方可提交承诺。</p>
        ${f.partners.map((pd, i) => html`<div class="row witness">
          <${Field} label=${`配合部门${i + 1}`} required error=${i === 0 ? errors.partners : null} hint=${i === 0 ? '部门全称，与执法检查人员名录“所属部门”一致，例如“莆田市市场监督管理局”' : null}>${(a) => html`<input ...${a} value=${pd} autocomplete="off" onInput=${(e) => { const ps = [...f.partners]; ps[i] = e.currentTarget.value; setF({ ...f, partners: ps }); if (errors.partners) setErrors({ ...errors, partners: null }); }} />`}</${Field}>
          ${f.partners.length > 1 ? html`<button type="button" class="small" onClick=${() => setF({ ...f, partners: f.partners.filter((_, j) => j !== i) })}>删除配合部门${i + 1}</button>` : null}
        </div>`)}
        <p><button type="button" onClick=${() => setF({ ...f, partners: [...f.partners, ''] })}>增加配合部门</button></p>
        <div class="radios" role="radiogroup" aria-label="检查组的部门构成">
          <label><input type="radio" name="require" value="all" checked=${f.require === 'all'} onChange=${set('require')} /> 每个检查组包含全部部门的检查人员</label>
          <label><input type="radio" name="require" value="lead_plus" checked=${f.require === 'lead_plus'} onChange=${set('require')} /> 每个检查组包含牵头部门和随机选定的若干配合部门的检查人员</label>
        </div>
        ${f.require === 'lead_plus' ? html`<${Field} label="每组须包含的配合部门数" required error=${errors.leadPlus} hint="1到配合部门数之间，对每户随机选定">${(a) => html`<input ...${a} value=${f.leadPlus} onInput=${set('leadPlus')} inputmode="numeric" />`}</${Field}>` : null}
        <p class="hint">每户检查人员数须不少于每个检查组须包含的部门数。</p>
      ` : null}
    </fieldset>
    <${PreviewBox} preview=${preview} />
    <fieldset><legend>见证与抽取时间</legend>
      ${f.witnesses.map((w, i) => html`<div class="row witness">
        <${Field} label=${`见证人${i + 1}`} error=${i === 0 ? errors.witnesses : null} hint=${i === 0 ? '单位或职务及姓氏，例如“莆田市公证处 王某”；不得含身份证号、电话等个人信息' : null}>${(a) => html`<input ...${a} value=${w} onInput=${(e) => { const ws = [...f.witnesses]; ws[i] = e.currentTarget.value; setF({ ...f, witnesses: ws }); }} />`}</${Field}>
        ${f.witnesses.length > 1 ? html`<button type="button" class="small" onClick=${() => setF({ ...f, witnesses: f.witnesses.filter((_, j) => j !== i) })}>删除见证人${i + 1}</button>` : null}
      </div>`)}
      <p><button type="button" onClick=${() => setF({ ...f, witnesses: [...f.witnesses, ''] })}>增加见证人</button></p>
      <${Field} label="计划抽取时间（北京时间）" required error=${errors.at} hint=${`须在计划发布后至少${minNotice >= 60 ? `${minNotice / 60}小时` : `${minNotice}分钟`}，以便公众在抽取前看到承诺值`}>${(a) => html`<input ...${a} type="datetime-local" value=${f.at} onInput=${set('at')} />`}</${Field}>
    </fieldset>
    <p class="actions"><button type="submit" class="primary" disabled=${busy}>保存为草稿</button> <a href="#/plans">取消</a></p>
  </form>`}</${Load}>`;
}

/** The live preview: what commit would freeze from the current snapshot, and whether it can. */
function PreviewBox({ preview }) {
  if (!preview) return null;
  const { p, e } = preview;
  return html`<section class="card preview" aria-labelledby="h-preview" aria-live="polite">
    <h2 id="h-preview">抽取预览（按当前名录快照）</h2>
    ${e ? html`<p class="error">无法预览：${problemText(e)}</p>` : html`
      <p>候选抽查对象 <strong>${p.candidates}</strong> 户（${p.provenance.registry ? `名录第 ${p.provenance.snapshot_number} 版快照` : ''}），可派检查人员 <strong>${p.inspectors}</strong> 名。</p>
      ${p.infeasible ? html`<p class="error">按当前设置无法抽取：${p.infeasible.message}（${p.infeasible.code}）</p>` : html`<p class="ok-text">抽取可行：提交承诺时将按同样规则核验。</p>`}
      ${p.strata.length ? html`<div class="table-wrap"><table><caption>各层抽取数量</caption>
        <thead><tr><th scope="col">分层</th><th scope="col">候选户数</th><th scope="col">抽取户数</th></tr></thead>
        <tbody>${p.strata.map((s) => html`<tr><td>${s.key}</td><td>${s.population}</td><td>${s.sample}</td></tr>`)}</tbody></table></div>` : null}
      ${p.provenance.exclusions?.length ? html`<details><summary>因不重复抽查期限排除 ${p.provenance.exclusions.length} 户</summary><ul class="list">${p.provenance.exclusions.map((x) => html`<li><code>${x.target}</code>：${x.reason}</li>`)}</ul></details>` : null}`}
  </section>`;
}

function Summary({ plan }) {
  const s = plan.spec;
  const rule = s.parameters.default;
  const j = jointOf(plan);
  return html`<dl class="facts">
    <dt>计划编号</dt><dd>${s.id}</dd>
    ${j ? html`<dt>抽查类型</dt><dd>部门联合双随机抽查</dd>
      <dt>牵头部门</dt><dd>${j.lead}</dd>
      <dt>配合部门</dt><dd>${j.partners.join('、')}</dd>
      <dt>检查组构成</dt><dd>${requireText(j)}</dd>` : html`<dt>实施部门</dt><dd>${s.department}</dd>`}
    <dt>抽查事项</dt><dd>${s.item}</dd>
    <dt>抽查对象</dt><dd>${TARGET_KIND[s.target_kind]}</dd>
    <dt>抽取方式</dt><dd>${s.filter.mode === 'untargeted' ? '不定向抽查' : `定向抽查${s.filter.regions?.length ? `（行政区划 ${s.filter.regions.join('、')}）` : ''}${s.filter.credit_classes?.length ? `（信用等级 ${s.filter.credit_classes.join('、')}类）` : ''}`}</dd>
    <dt>分层方式</dt><dd>${SCHEME[s.stratum_scheme]}</dd>
    <dt>抽取比例或数量</dt><dd>${rule ? (rule.ratio != null ? `每层 ${(Number(rule.ratio) * 100).toFixed(2).replace(/\.?0+$/, '')}%，${ROUNDING[rule.rounding || 'up']}` : `每层 ${rule.count} 户`) : '按分层规则'}</dd>
    <dt>每户检查人员</dt><dd>${s.parameters.inspectors_per_target} 名${s.parameters.max_assignments_per_inspector ? `，每人最多 ${s.parameters.max_assignments_per_inspector} 户` : ''}</dd>
    <dt>见证人</dt><dd>${s.entropy_source.witnesses.join('、') || '—'}${s.entropy_source.drand ? '，并使用 drand 公共随机信标' : ''}</dd>
    <dt>计划抽取时间</dt><dd>${cnTime(s.planned_draw_at)}（北京时间）</dd>
    <dt>状态</dt><dd>${STATE[plan.state.state]}</dd>
    ${plan.state.commitment_hash ? html`<dt>承诺值</dt><dd><${Hash} value=${plan.state.commitment_hash} /></dd>` : null}
    ${plan.frame ? html`<dt>抽查对象名录</dt><dd>${plan.frame.size} 户，默克尔根 <${Hash} value=${plan.frame.root} /></dd>` : null}
    ${plan.pool ? html`<dt>检查人员名录</dt><dd>${plan.pool.size} 名，默克尔根 <${Hash} value=${plan.pool.root} /></dd>` : null}
    ${plan.provenance?.exclusions?.length ? html`<dt>因重复抽查限制排除</dt><dd><ul>${plan.provenance.exclusions.map((x) => html`<li><code>${x.target}</code>：${x.reason}</li>`)}</ul></dd>` : null}
  </dl>`;
}

/** Each partner's approval of a joint plan: 已确认 (when, how many of its inspectors) or 待确认. */
function PartnerApprovals({ plan }) {
  const rows = partnerStatus(plan);
  if (!rows.length) return null;
  return html`<section aria-labelledby="h-partners"><h2 id="h-partners">配合部门确认情况</h2>
    <div class="table-wrap"><table><caption class="sr">各配合部门对本计划的确认情况</caption>
      <thead><tr><th scope="col">配合部门</th><th scope="col">状态</th><th scope="col">说明</th></tr></thead>
      <tbody>${rows.map(({ department, approval }) => html`<tr><td>${department}</td>
        <td class=${approval ? 'ok-text' : 'overdue'}>${approval ? '已确认' : '待确认'}</td>
        <td>${approval ? `${cnTime(approval.approved_at)} 确认参与；本部门检查人员 ${approval.pool.size} 名（执法检查人员名录第 ${approval.inspectors_snapshot} 版快照）` : plan.state.state === 'draft' ? '待该部门科室负责人在本平台确认参与及本部门检查人员' : '—'}</td></tr>`)}</tbody>
    </table></div>
    ${plan.state.state === 'draft' ? html`<p class="hint">牵头部门须待全部配合部门确认后方可提交承诺；计划修改后，各配合部门须重新确认。</p>` : null}
  </section>`;
}

const PARTNER_REFUSAL = {
  'stale-version': '计划在您核对后已被牵头部门修改，页面已刷新，请重新核对后再确认。',
  'not-a-partner': '本部门不是该联合抽查的配合部门，不能确认。',
  'missing-role': '确认参与须由本部门科室负责人进行。',
  'department-pool-empty': '执法检查人员名录中没有本部门可检查此类对象的人员，无法确认。请先由名录管理员导入本部门检查人员。',
  'registry-missing': '尚未导入执法检查人员名录，无法确认。',
  'invalid-transition': '该计划已不是草稿，不能再确认。',
  'already-committed': '该计划已提交承诺，不能再确认。',
  'already-drawn': '该计划已抽取，不能再确认。',
};

/** A partner department's part: its inspectors of the plan's target kind, and its approval. */
function PartnerPart({ plan, me, reload }) {
  const [problem, setProblem] = useState(null);
  const [ok, setOk] = useState(null);
  const [busy, setBusy] = useState(false);
  const mine = partnerStatus(plan).find((p) => p.department === me.department);
  const draft = plan.state.state === 'draft';
  async function approve() {
    setBusy(true); setProblem(null); setOk(null);
    try {
      await post(`/api/plans/${encodeURIComponent(plan.spec.id)}/partner-approval`, { expected_version: plan.version });
      setOk(`已确认本部门参与“${plan.spec.title}”及本部门检查人员。牵头部门可提交承诺。`);
      reload();
    } catch (e) {
      const known = PARTNER_REFUSAL[e.code];
      setProblem(known ? `${known}（${e.code}）` : e);
      if (e.code === 'stale-version') reload();
    } finally { setBusy(false); }
  }
  return html`<section class="card" aria-labelledby="h-my-part"><h2 id="h-my-part">本部门参与确认（配合部门：${me.department}）</h2>
    <${Notice} error=${problem} ok=${ok} />
    <p>本计划由 <strong>${plan.spec.department}</strong> 牵头。${draft ? '请核对下列本部门检查人员：确认后，他们将与其他部门的检查人员一起纳入本次抽取的检查人员名录；提交承诺时本部门人员如有变化，须重新确认。' : ''}</p>
    <p>本部门状态：<strong class=${mine?.approval ? 'ok-text' : 'overdue'}>${mine?.approval ? '已确认' : '待确认'}</strong>${mine?.approval ? `（${cnTime(mine.approval.approved_at)}；${mine.approval.pool.size} 名，执法检查人员名录第 ${mine.approval.inspectors_snapshot} 版快照）` : ''}</p>
    ${draft ? html`<${Load} fn=${() => get(`/api/registries/inspectors?q=${encodeURIComponent(me.department)}`)} deps=${[plan.version]}>${(r) => {
      const kind = plan.spec.target_kind;
      const ours = r.hits.filter((h) => h.department === me.department && (!h.specialties?.length || h.specialties.includes(kind)));
      return html`<div class="table-wrap"><table><caption>本部门参与抽取的检查人员（检查领域含${TARGET_KIND[kind]}，执法检查人员名录第 ${r.snapshot} 版快照）</caption>
        <thead><tr><th scope="col">人员编号</th><th scope="col">姓名</th><th scope="col">执法证号</th></tr></thead>
        <tbody>${ours.length ? ours.map((h) => html`<tr><td><code>${h.id}</code></td><td>${h.name}</td><td>${h.certificate}</td></tr>`) : html`<tr><td colspan="3">名录中没有本部门可检查此类对象的人员。</td></tr>`}</tbody>
      </table></div>
      ${r.hits.length >= 50 ? html`<p class="hint">仅列出名录中前 50 条匹配记录；以确认时名录中的全部本部门人员为准。</p>` : null}`;
    }}</${Load}>` : null}
    ${draft && can(me, 'supervisor') ? html`<p class="actions"><button type="button" class="primary" disabled=${busy} onClick=${approve}>${mine?.approval ? '重新确认本部门参与' : '确认本部门参与及检查人员'}</button></p>
      <p class="hint">确认针对计划的当前版本（第 ${plan.version} 版）；牵头部门修改计划后须重新确认。</p>` : draft ? html`<p class="hint">确认须由本部门科室负责人进行。</p>` : null}
  </section>`;
}

/** The public pool file of a joint plan: inspector id → department, for the teams. */
export async function poolOf(id) {
  const res = await fetch(`${config().api || ''}/api/public/plans/${encodeURIComponent(id)}/pool.csv`);
  if (!res.ok) return new Map();
  return poolDepartments(await res.text());
}

const TSA_STATUS = { pending: '待取得', failed: '未取得', obtained: '已取得' };

/** Each time-stamping authority's token for the commitment (RFC 3161), with a retry for failures. */
function Timestamps({ id, records, me, onRetry }) {
  if (!Array.isArray(records) || !records.length) return null;
  return html`<section aria-labelledby="h-tsa"><h2 id="h-tsa">可信时间戳</h2>
    <div class="table-wrap"><table><caption class="sr">承诺值的可信时间戳</caption>
      <thead><tr><th scope="col">时间戳服务机构</th><th scope="col">状态</th><th scope="col">说明</th></tr></thead>
      <tbody>${records.map((r) => html`<tr><td>${r.authority}</td><td class=${r.status === 'failed' ? 'overdue' : ''}>${TSA_STATUS[r.status] || r.status}</td>
        <td>${r.status === 'obtained' ? html`时间 ${cnTime(r.gen_time)}；签发者 ${r.signer}` : r.status === 'failed' ? `${r.reason}（${r.code}），已尝试 ${r.attempts} 次` : '正在申请'}</td></tr>`)}</tbody>
    </table></div>
    ${records.some((r) => r.status !== 'obtained') && can(me, 'supervisor') ? html`<p><button type="button" onClick=${onRetry}>重新申请时间戳</button></p>` : null}
  </section>`;
}

export function PlanDetail({ id, me }) {
  const [problem, setProblem] = useState(null);
  const [ok, setOk] = useState(null);
  const [busy, setBusy] = useState(false);
  const [stamps, setStamps] = useState(null);
  const load = async () => {
    const [plan, transcript, timestamps] = await Promise.all([findPlan(id), get(`/api/public/plans/${encodeURIComponent(id)}/transcript`).catch(() => null), get(`/api/plans/${encodeURIComponent(id)}/timestamps`).catch(() => null)]);
    const pool = transcript && jointOf(plan) ? await poolOf(id).catch(() => new Map()) : null;
    return [plan, transcript, timestamps, pool];
  };
  return html`<${Load} fn=${load} deps=${[id]}>${([plan, transcript, timestamps, pool], reload) => {
    const lead = plan.spec.department === me.department;
    const partner = isPartner(plan, me.department);
    async function retry() {
      setProblem(null);
      try { setStamps(await post(`/api/plans/${encodeURIComponent(id)}/timestamps`)); } catch (e) { setProblem(e); }
    }
    const st = plan.state.state;
    async function commit() {
      setBusy(true); setProblem(null);
      try {
        const r = await post(`/api/plans/${encodeURIComponent(id)}/commit`);
        setOk(`已提交承诺并公示。承诺值：${r.commitment_hash}`);
        if (Array.isArray(r.timestamps)) setStamps(r.timestamps);
        reload();
      } catch (e) {
        if (e.code === 'partner-approval-missing') {
          // Which partners are still to approve, as the plan now stands.
          const fresh = await findPlan(id).catch(() => plan);
          const missing = missingPartners(fresh);
          setProblem(`不能提交承诺：本计划为部门联合抽查，配合部门${missing.length ? `“${missing.join('”“')}”` : ''}尚未确认参与及本部门检查人员。请联系配合部门的科室负责人登录本平台，在本计划页面确认后，再提交承诺。（${e.code}）`);
          reload();
        } else if (e.code === 'partner-pool-changed') {
          setProblem(`不能提交承诺：配合部门的检查人员名录在其确认后已变更，须由该部门科室负责人重新确认。（${e.code}：${e.detail}）`);
        } else setProblem(e);
      } finally { setBusy(false); }
    }
    return html`<${PageTitle}>${plan.spec.title}</${PageTitle}>
      <${Notice} error=${problem} ok=${ok} />
      <${Summary} plan=${plan} />
      <${PartnerApprovals} plan=${plan} />
      ${partner ? html`<${PartnerPart} plan=${plan} me=${me} reload=${reload} />` : null}
      <${Timestamps} id=${id} records=${stamps || timestamps} me=${me} onRetry=${retry} />
      <div class="actions">
        ${st === 'draft' && lead && can(me, 'supervisor') ? html`<button type="button" class="primary" disabled=${busy} onClick=${commit}>提交承诺并公示</button>
          <p class="hint">提交后将按最新名录快照冻结抽查对象名录和检查人员名录，生成承诺值并对外公示；此后抽取规则不得更改。</p>` : null}
        ${st === 'committed' || st === 'drawn' ? html`<a class="button" href=${`#/plans/${encodeURIComponent(id)}/notice`}>打印抽查公告</a>` : null}
        ${(st === 'committed' && lead) || st === 'drawn' ? html`<a class="button primary" href=${`#/plans/${encodeURIComponent(id)}/draw`}>${st === 'committed' ? '进入抽取现场' : '查看抽取现场'}</a>` : null}
        ${st !== 'draft' ? html`<a class="button" href=${`#/public/${encodeURIComponent(id)}`}>查看公开信息</a>` : null}
      </div>
      ${transcript ? html`<h2>抽取结果与检查结果录入</h2>
        <div class="table-wrap"><table><caption class="sr">抽中对象及检查人员</caption>
          <thead><tr><th scope="col">序号</th><th scope="col">抽中对象</th><th scope="col">分层</th><th scope="col">检查人员</th><th scope="col">操作</th></tr></thead>
          <tbody>${transcript.selections.map((s, i) => html`<tr><td>${i + 1}</td><td><code>${s.target}</code></td><td>${s.stratum}</td><td>${pool ? s.inspectors.map((i) => `${i}（${pool.get(i) || '部门不详'}）`).join('、') : s.inspectors.join('、')}</td>
            <td><a href=${`#/plans/${encodeURIComponent(id)}/results/${encodeURIComponent(s.target)}`} aria-label=${`录入检查结果：${s.target}`}>录入检查结果</a>
            · <a href=${`#/penalties/new?plan=${encodeURIComponent(id)}&target=${encodeURIComponent(s.target)}`} aria-label=${`录入处罚决定：${s.target}`}>录入处罚决定</a></td></tr>`)}</tbody>
        </table></div>` : null}`;
  }}</${Load}>`;
}
