import { useState } from 'preact/hooks';
import { html, cnTime, diffRuns } from '../util.js';
import { get, post } from '../api.js';
import { Field, Load, Notice, PageTitle } from '../components.js';
import { APPROVAL_KIND, FIELD } from '../labels.js';

function route(a) {
  if (a.kind === 'check_result') return `/api/plans/${encodeURIComponent(a.plan)}/results/${encodeURIComponent(a.target)}/approval`;
  if (a.kind === 'penalty_change') return `/api/penalties/${encodeURIComponent(a.decision)}/changes/${a.change}/approval`;
  return `/api/penalties/${encodeURIComponent(a.decision)}/approval`;
}

/** Where a record is returned to its author (results and decisions; a change has no draft to amend). */
function returnRoute(a) {
  if (a.kind === 'check_result') return `/api/plans/${encodeURIComponent(a.plan)}/results/${encodeURIComponent(a.target)}/return`;
  if (a.kind === 'penalty_change') return null;
  return `/api/penalties/${encodeURIComponent(a.decision)}/return`;
}

const REASON_MAX = 500;

function PublicText({ entered, pub }) {
  return html`${diffRuns(entered, pub).map((r) => (r.changed ? html`<mark title="公开时改写或删除的内容">${r.text}</mark>` : r.text))}`;
}

function Item({ a, onDone }) {
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);
  const hid = `appr-${a.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState(null);
  const [returned, setReturned] = useState(null);
  async function approve() {
    setBusy(true); setProblem(null);
    try { await post(route(a)); onDone(a); } catch (e) { setProblem(e); setBusy(false); }
  }
  async function sendBack(ev) {
    ev.preventDefault();
    const r = reason.trim();
    const err = !r ? '请填写退回理由' : r.length > REASON_MAX ? `退回理由不超过${REASON_MAX}字（现为${r.length}字）` : null;
    setReasonError(err); setProblem(null);
    if (err) { setTimeout(() => document.getElementById(`${hid}-reason`)?.focus(), 0); return; }
    setBusy(true);
    try { setReturned(await post(returnRoute(a), { reason: r })); } catch (e) {
      if (e.problem?.code === 'invalid-reason') setReasonError(`退回理由不符合要求：${e.detail}`);
      setProblem(e);
    } finally { setBusy(false); }
  }
  const back = returned?.returned || a.returned;
  return html`<section class="card approval" aria-labelledby=${hid}>
    <h2 id=${hid}>${APPROVAL_KIND[a.kind] || a.kind}：${a.decision || html`${a.plan} / <code>${a.target}</code>`}${a.change ? `（第${a.change}次变更）` : ''}</h2>
    <p class="muted">${a.entered_by} 录入于 ${cnTime(a.entered_at)}</p>
    <div class="table-wrap"><table class="compare"><caption class="sr">录入内容与公开内容对照</caption>
      <thead><tr><th scope="col">字段</th><th scope="col">录入内容</th><th scope="col">公开后显示（<mark>标记</mark>为公开时改写的部分）</th></tr></thead>
      <tbody>${a.texts.map((t) => html`<tr><th scope="row">${FIELD[t.field] || t.field}</th><td>${t.entered}</td><td><${PublicText} entered=${t.entered} pub=${t.public} /></td></tr>`)}</tbody>
    </table></div>
    <${Notice} error=${problem} />
    ${back ? html`<div class="ok" role="status"><p><strong>已退回</strong>录入人修改：${back.reason}</p><p class="muted">${back.by} 退回于 ${cnTime(back.at)}；录入人修改后重新提交审核。</p></div>`
    : html`<p class="actions"><button type="button" class="primary" disabled=${busy} onClick=${approve}>同意公开</button></p>
    ${returnRoute(a) ? html`<form class="form" onSubmit=${sendBack} novalidate>
      <${Field} id=${`${hid}-reason`} label="退回理由" required error=${reasonError} hint=${`退回录入人修改，不超过${REASON_MAX}字`}>${(f) => html`<textarea ...${f} rows="2" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)}></textarea>`}</${Field}>
      <p class="actions"><button type="submit" disabled=${busy}>退回修改</button></p>
    </form>` : null}`}
  </section>`;
}

/** 审核: each record as entered beside its public rendering, approved by someone else. */
export function Approvals() {
  const [done, setDone] = useState([]);
  return html`<${PageTitle}>审核</${PageTitle}>
    <p>以下记录由本部门其他人员录入，经您审核同意后对外公开。请核对公开后显示的内容，确认已删除证件号码、电话等个人信息。</p>
    ${done.length ? html`<div class="ok" role="status"><p>已同意公开：</p><ul class="list">${done.map((a) => html`<li>${APPROVAL_KIND[a.kind] || a.kind} ${a.decision || a.target}${a.plan ? html` · <a href=${`#/public/${encodeURIComponent(a.plan)}`} aria-label=${`查看公开页面：${a.plan}`}>查看公开页面</a>` : null}</li>`)}</ul></div>` : null}
    <${Load} fn=${() => get('/api/approvals')} deps=${[done.length]}>${(list) => (list.length
      ? list.map((a) => html`<${Item} key=${a.id} a=${a} onDone=${(x) => setDone([...done, x])} />`)
      : html`<p class="muted">暂无待审核事项。</p>`)}</${Load}>`;
}
