import { useState } from 'preact/hooks';
import { html, chinaToday, cnDate, go } from '../util.js';
import { get, post, put } from '../api.js';
import { Field, Load, Notice, PageTitle } from '../components.js';
import { METHOD, RESULT } from '../labels.js';
import { findPlan } from './plans.js';
import { SchemaField, buildValue, flattenValue } from '../schema-form.js';

const dateError = (v, label, { notBefore } = {}) => {
  if (!v) return `请填写${label}`;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return `${label}格式应为 年-月-日`;
  if (v > chinaToday()) return `${label}不得晚于今天`;
  if (notBefore && v < notBefore) return `${label}不得早于${cnDate(notBefore)}`;
  return null;
};

/** The signed-in user's draft `find` picks (GET /api/drafts), or a 404-like problem. */
async function myDraft(find) {
  const d = (await get('/api/drafts')).find(find);
  if (!d) throw Object.assign(new Error('未找到'), { code: 'not-found', detail: '没有这条待审核的记录（可能已审核通过或已撤回）' });
  return d;
}

const NotDraft = html`<p><a href="#/drafts">返回我的待审记录</a></p>`;

/** The draft's return reason above its amendment form. */
const ReturnedNote = ({ d }) => (d?.returned
  ? html`<div class="alert"><p><strong>已退回</strong>　退回理由：${d.returned.reason}</p></div>` : null);

/**
 * 抽查结果录入 (results: 抽查事项, 对象, 时间, 方式, 结果, 情况); with `edit`, the user's own draft
 * amended (prefilled, sent with PUT).
 */
export function ResultForm({ id, target, edit }) {
  return html`<${PageTitle}>${edit ? '修改抽查结果' : '录入抽查结果'}</${PageTitle}>
  <${Load} fn=${() => Promise.all([findPlan(id), edit ? myDraft((d) => d.result?.plan === id && d.result?.target === target) : null])}>${([plan, draft]) => html`<${ResultFields} id=${id} target=${target} plan=${plan} draft=${draft} />`}</${Load}>
  ${edit ? NotDraft : null}`;
}

function ResultFields({ id, target, plan, draft }) {
  const r = draft?.result;
  const [f, setF] = useState(r
    ? { code: r.code, method: r.method, findings: r.findings, follow_up: r.follow_up || '', completed_on: r.completed_on }
    : { code: '', method: 'on_site', findings: '', follow_up: '', completed_on: chinaToday() });
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const [saved, setSaved] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  {
    const drawnOn = plan.state.drawn_at ? new Date(Date.parse(plan.state.drawn_at) + 8 * 3600e3).toISOString().slice(0, 10) : null;
    async function submit(ev) {
      ev.preventDefault();
      const e = {};
      if (!f.code) e.code = '请选择检查结果';
      if (!f.findings.trim()) e.findings = '请填写检查情况';
      else if (f.findings.length > 2000) e.findings = '检查情况不超过2000字';
      const d = dateError(f.completed_on, '检查完成日期', { notBefore: drawnOn });
      if (d) e.completed_on = d;
      setErrors(e); setProblem(null);
      if (Object.keys(e).length) { setTimeout(() => document.querySelector('[aria-invalid="true"]')?.focus(), 0); return; }
      const fields = {
        code: f.code, method: f.method, findings: f.findings.trim(),
        follow_up: f.follow_up.trim() || null, completed_on: f.completed_on,
      };
      try {
        setSaved(draft
          ? await put(`/api/plans/${encodeURIComponent(id)}/results/${encodeURIComponent(target)}`, fields)
          : await post(`/api/plans/${encodeURIComponent(id)}/results`, { target, ...fields }));
      } catch (err) {
        if (/completed_on/.test(err.detail)) setErrors({ completed_on: `检查完成日期不符合要求：${err.detail}` });
        if (/findings/.test(err.detail)) setErrors({ findings: `检查情况不符合要求：${err.detail}` });
        setProblem(err);
      }
    }
    if (saved && draft) return html`<${Notice} ok="检查结果已修改，已重新提交审核。" />`;
    if (saved) {
      return html`<${Notice} ok="检查结果已保存，待他人审核后公开。" />
        <p class="actions"><a class="button" href=${`#/plans/${encodeURIComponent(id)}`}>返回计划</a>
        <a class="button" href=${`#/penalties/new?plan=${encodeURIComponent(id)}&target=${encodeURIComponent(target)}`}>录入行政处罚决定</a></p>`;
    }
    return html`<form class="form" onSubmit=${submit} novalidate>
      <${ReturnedNote} d=${draft} />
      <${Notice} error=${problem} />
      <dl class="facts"><dt>抽查事项</dt><dd>${plan.spec.item}（${plan.spec.title}）</dd><dt>抽查对象</dt><dd><code>${target}</code></dd></dl>
      <${Field} label="检查完成日期" required error=${errors.completed_on} hint=${drawnOn ? `不早于抽取日 ${cnDate(drawnOn)}，不晚于今天` : null}>${(a) => html`<input ...${a} type="date" value=${f.completed_on} onInput=${set('completed_on')} />`}</${Field}>
      <${Field} label="检查方式" required>${(a) => html`<select ...${a} value=${f.method} onChange=${set('method')}>${Object.entries(METHOD).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select>`}</${Field}>
      <${Field} label="检查结果" required error=${errors.code}>${(a) => html`<select ...${a} value=${f.code} onChange=${set('code')}><option value="">请选择</option>${Object.entries(RESULT).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select>`}</${Field}>
      <${Field} label="检查情况" required error=${errors.findings} hint="将公开发布；自然人姓名将遮蔽，证件号码、电话等将删除">${(a) => html`<textarea ...${a} rows="4" value=${f.findings} onInput=${set('findings')}></textarea>`}</${Field}>
      <${Field} label="后续处理" hint="如责令改正、立案调查；无则留空">${(a) => html`<input ...${a} value=${f.follow_up} onInput=${set('follow_up')} />`}</${Field}>
      <p class="actions"><button type="submit" class="primary">${draft ? '保存修改并重新提交审核' : '保存检查结果'}</button> <a href=${draft ? '#/drafts' : `#/plans/${encodeURIComponent(id)}`}>取消</a></p>
    </form>`;
  }
}

// The labels and widgets of the decision's fields; fields the API's schema adds later are shown
// with their schema description, so the form follows the API.
const PENALTY_FIELDS = {
  number: { label: '行政处罚决定书文号', hint: '例如 莆文旅罚〔2026〕12号' },
  cause: { label: '违法行为类型（案由）' },
  conditions: { label: '违法事实', area: true },
  legal_basis: { label: '处罚依据', area: true, hint: '法律、法规、规章名称及条款' },
  procedure: { label: '处罚程序', options: ['简易程序', '普通程序'] },
  result: { label: '处罚结果', area: true, hint: '处罚种类及内容，如罚款金额' },
  authority: { label: '处罚机关' },
  decided_on: { label: '处罚决定日期' },
  minor: { label: '属于通报批评或较低数额罚款（公示期三个月）' },
  involves_minor: { label: '涉及未成年人（只录入，不公开）' },
};

function schemaOf(openapi, name) {
  const s = openapi.components.schemas[name];
  return { props: s.properties || {}, required: new Set(s.required || []) };
}

/** The form state of a stored decision (its party, its fields, the schema's further fields). */
function formOf(openapi, props, d) {
  const p = d.party || {};
  const f = p.kind === 'natural_person'
    ? { partyKind: 'natural_person', masked_name: p.masked_name || '', guide_card: p.guide_card || '' }
    : { partyKind: 'organisation', party_name: p.name || '', credit_code: p.credit_code || '' };
  for (const [k, v] of Object.entries(d)) {
    if (['party', 'plan', 'target'].includes(k) || !(k in props)) continue;
    if (k in PENALTY_FIELDS) f[k] = typeof v === 'number' ? String(v) : v;
    else flattenValue(openapi, props[k], `x.${k}`, v, f);
  }
  return f;
}

/**
 * 行政处罚决定录入: the fields of the decision's schema in /openapi.json; with `edit` (a decision
 * number), the user's own draft decision amended (prefilled, sent with PUT; its number stays).
 */
export function PenaltyForm({ me, plan, target, edit }) {
  return html`<${PageTitle}>${edit ? '修改行政处罚决定' : '录入行政处罚决定'}</${PageTitle}>
  <${Load} fn=${() => Promise.all([get('/openapi.json'), edit ? myDraft((d) => d.decision?.number === edit) : null])}>${([openapi, draft]) => html`<${PenaltyFields} me=${me} plan=${draft ? draft.decision.plan : plan} target=${draft ? draft.decision.target : target} openapi=${openapi} draft=${draft} />`}</${Load}>
  ${edit ? NotDraft : null}`;
}

function PenaltyFields({ me, plan, target, openapi, draft }) {
  const { props, required } = schemaOf(openapi, 'PenaltyDecision');
  const [f, setF] = useState(() => (draft ? formOf(openapi, props, draft.decision)
    : { partyKind: 'organisation', authority: me.department, decided_on: chinaToday(), procedure: '普通程序', minor: false, involves_minor: false, credit_code: target && target.length === 18 ? target : '' }));
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const [saved, setSaved] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });
  {
    const all = Object.keys(props).filter((k) => !['party', 'plan', 'target'].includes(k));
    // Fields the console knows get their own wording; any other field of the schema (e.g. the
    // credit platform's disclosure fields) is generated from the schema itself.
    const fields = all.filter((k) => k in PENALTY_FIELDS);
    const extra = all.filter((k) => !(k in PENALTY_FIELDS));
    const order = Object.keys(PENALTY_FIELDS);
    fields.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
    const kindOf = (k) => {
      const p = props[k];
      const t = Array.isArray(p.type) ? p.type.find((x) => x !== 'null') : p.type;
      if (t === 'boolean') return 'bool';
      if (p.format === 'date') return 'date';
      if (t === 'integer' || t === 'number') return 'number';
      return 'text';
    };
    async function submit(ev) {
      ev.preventDefault();
      const e = {};
      for (const k of fields) {
        const label = PENALTY_FIELDS[k]?.label || props[k].description || k;
        const kind = kindOf(k);
        if (kind === 'bool') continue;
        const v = (f[k] ?? '').toString().trim();
        if (required.has(k) && !v) e[k] = `请填写${label}`;
        else if (kind === 'date' && v) { const d = dateError(v, label); if (d) e[k] = d; }
        else if (kind === 'number' && v && !/^-?\d+(\.\d+)?$/.test(v)) e[k] = `${label}须为数字`;
      }
      const built = {};
      for (const k of extra) {
        const x = buildValue(openapi, props[k], `x.${k}`, required.has(k), f, e, k);
        if (x !== undefined) built[k] = x;
      }
      if (f.partyKind === 'organisation') {
        if (!(f.party_name || '').trim()) e.party_name = '请填写当事人名称';
        if (f.credit_code && !/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(f.credit_code.trim())) e.credit_code = '统一社会信用代码应为18位，请核对';
      } else {
        if (!(f.masked_name || '').trim()) e.masked_name = '请填写遮蔽后的姓名，如“王某”';
        else if (!/某|\*|＊/.test(f.masked_name)) e.masked_name = '自然人姓名须遮蔽后录入，如“王某”';
      }
      setErrors(e); setProblem(null);
      if (Object.keys(e).length) { setTimeout(() => document.querySelector('[aria-invalid="true"]')?.focus(), 0); return; }
      const body = {};
      for (const k of fields) {
        const kind = kindOf(k);
        const v = f[k];
        if (kind === 'bool') body[k] = Boolean(v);
        else if (v != null && `${v}`.trim() !== '') body[k] = kind === 'number' ? Number(v) : `${v}`.trim();
        else if (!required.has(k)) body[k] = null;
      }
      body.party = f.partyKind === 'organisation'
        ? { kind: 'organisation', name: f.party_name.trim(), credit_code: f.credit_code?.trim() || null }
        : { kind: 'natural_person', masked_name: f.masked_name.trim(), guide_card: f.guide_card?.trim() || null };
      Object.assign(body, built);
      if ('plan' in props) body.plan = plan || null;
      if ('target' in props) body.target = target || null;
      try {
        setSaved(draft ? await put(`/api/penalties/${encodeURIComponent(draft.decision.number)}`, body) : await post('/api/penalties', body));
      } catch (err) {
        const field = fields.find((k) => err.detail && err.detail.includes(k));
        const nested = Object.keys(f).filter((k) => k.startsWith('x.') && !k.endsWith('?')).sort((a, b) => b.length - a.length)
          .find((k) => err.detail && err.detail.includes(k.slice(2)));
        if (nested) setErrors({ [nested]: `不符合要求：${err.detail}` });
        else if (field) setErrors({ [field]: `${PENALTY_FIELDS[field]?.label || field}不符合要求：${err.detail}` });
        setProblem(err);
      }
    }
    if (saved && draft) return html`<${Notice} ok=${`处罚决定 ${draft.decision.number} 已修改，已重新提交审核。`} />`;
    if (saved) return html`<${Notice} ok=${`处罚决定 ${saved.decision?.number || f.number} 已保存，待他人审核后公开。`} /><p><a class="button" href="#/penalties">返回行政处罚</a></p>`;
    const widget = (k) => {
      const meta = PENALTY_FIELDS[k] || {};
      const label = meta.label || props[k].description || k;
      const kind = kindOf(k);
      if (kind === 'bool') return html`<div class="field check"><label><input type="checkbox" checked=${Boolean(f[k])} onChange=${set(k)} /> ${label}</label></div>`;
      return html`<${Field} label=${label} required=${required.has(k)} error=${errors[k]} hint=${draft && k === 'number' ? '修改时文号不变' : meta.hint}>${(a) => (meta.options
        ? html`<select ...${a} value=${f[k] || ''} onChange=${set(k)}>${meta.options.map((o) => html`<option value=${o}>${o}</option>`)}</select>`
        : meta.area ? html`<textarea ...${a} rows="3" value=${f[k] || ''} onInput=${set(k)}></textarea>`
          : html`<input ...${a} type=${kind === 'date' ? 'date' : 'text'} inputmode=${kind === 'number' ? 'decimal' : undefined} readonly=${Boolean(draft && k === 'number')} value=${f[k] ?? ''} onInput=${set(k)} />`)}</${Field}>`;
    };
    return html`<form class="form" onSubmit=${submit} novalidate>
      <${ReturnedNote} d=${draft} />
      <${Notice} error=${problem} />
      ${plan ? html`<dl class="facts"><dt>抽查计划</dt><dd>${plan}</dd><dt>抽查对象</dt><dd><code>${target}</code></dd></dl>` : null}
      <fieldset><legend>当事人</legend>
        <div class="radios" role="radiogroup" aria-label="当事人类型">
          <label><input type="radio" name="pk" value="organisation" checked=${f.partyKind === 'organisation'} onChange=${() => setF({ ...f, partyKind: 'organisation' })} /> 法人或其他组织</label>
          <label><input type="radio" name="pk" value="natural_person" checked=${f.partyKind === 'natural_person'} onChange=${() => setF({ ...f, partyKind: 'natural_person' })} /> 自然人（如导游）</label>
        </div>
        ${f.partyKind === 'organisation' ? html`
          <${Field} label="当事人名称" required error=${errors.party_name}>${(a) => html`<input ...${a} value=${f.party_name || ''} onInput=${set('party_name')} />`}</${Field}>
          <${Field} label="统一社会信用代码" error=${errors.credit_code} hint=${target ? `抽中对象：${target}` : null}>${(a) => html`<input ...${a} value=${f.credit_code} onInput=${set('credit_code')} />`}</${Field}>` : html`
          <${Field} label="姓名（遮蔽后）" required error=${errors.masked_name} hint="如“王某”；不得录入全名">${(a) => html`<input ...${a} value=${f.masked_name || ''} onInput=${set('masked_name')} />`}</${Field}>
          <${Field} label="导游证号">${(a) => html`<input ...${a} value=${f.guide_card || ''} onInput=${set('guide_card')} />`}</${Field}>`}
      </fieldset>
      <fieldset><legend>处罚决定</legend>${fields.map(widget)}</fieldset>
      ${extra.map((k) => html`<${SchemaField} openapi=${openapi} name=${k} schema=${props[k]} path=${`x.${k}`} required=${required.has(k)} values=${f} errors=${errors} onChange=${(path, v) => { setF({ ...f, [path]: v }); if (errors[path]) setErrors({ ...errors, [path]: null }); }} />`)}
      <p class="actions"><button type="submit" class="primary">${draft ? '保存修改并重新提交审核' : '保存处罚决定'}</button> <a href=${draft ? '#/drafts' : '#/penalties'}>取消</a></p>
    </form>`;
  }
}

export function Penalties() {
  return html`<${PageTitle}>行政处罚</${PageTitle}>
    <p><a class="button primary" href="#/penalties/new">录入行政处罚决定</a></p>
    <h2>已公开的行政处罚决定</h2>
    <${Load} fn=${() => get('/api/public/penalties')}>${(list) => (Array.isArray(list) && list.length ? html`<ul class="list">${list.map((p) => html`<li>${p.number || p.decision?.number}：${p.party?.name || p.party?.masked_name || ''} ${p.result || p.decision?.result || ''}</li>`)}</ul>` : html`<p class="muted">暂无已公开的处罚决定。</p>`)}</${Load}>`;
}
