// 我的待审记录: the signed-in user's own results and decisions not yet approved (GET /api/drafts),
// returned ones first with the approver's reason; each may be amended (the entry form, prefilled,
// sent with PUT) or withdrawn after a confirmation, until it is approved.
import { useState } from 'preact/hooks';
import { html, cnTime } from '../util.js';
import { get, post } from '../api.js';
import { Load, Notice, PageTitle } from '../components.js';
import { APPROVAL_KIND, RESULT } from '../labels.js';

const enc = encodeURIComponent;

/** The draft's name in headings and labels. */
export function draftTitle(d) {
  return d.kind === 'check_result'
    ? `${APPROVAL_KIND.check_result}：${d.result.plan} / ${d.result.target}`
    : `${APPROVAL_KIND.penalty_decision}：${d.decision.number}`;
}

function editHref(d) {
  return d.kind === 'check_result'
    ? `#/plans/${enc(d.result.plan)}/results/${enc(d.result.target)}?edit=1`
    : `#/penalties/${enc(d.decision.number)}/edit`;
}

function withdrawRoute(d) {
  return d.kind === 'check_result'
    ? `/api/plans/${enc(d.result.plan)}/results/${enc(d.result.target)}/withdraw`
    : `/api/penalties/${enc(d.decision.number)}/withdraw`;
}

function Draft({ d, onGone }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(null);
  const hid = `draft-${d.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const title = draftTitle(d);
  async function withdraw() {
    setBusy(true); setProblem(null);
    try { await post(withdrawRoute(d)); onGone(d); } catch (e) { setProblem(e); setBusy(false); setAsking(false); }
  }
  const ask = () => { setAsking(true); setTimeout(() => document.getElementById(`${hid}-yes`)?.focus(), 0); };
  const cancel = () => { setAsking(false); setTimeout(() => document.getElementById(`${hid}-no`)?.focus(), 0); };
  const back = d.returned;
  return html`<section class="card approval" aria-labelledby=${hid}>
    <h2 id=${hid}>${title}</h2>
    ${back
      ? html`<div class="alert"><p><strong>已退回</strong>　退回理由：${back.reason}</p><p>${back.by} 退回于 ${cnTime(back.at)}。请按理由修改后重新提交审核。</p></div>`
      : html`<p><strong>待审核</strong>　录入于 ${cnTime(d.entered_at)}，由本部门其他人员审核后公开。</p>`}
    <dl class="facts">${d.kind === 'check_result'
      ? html`<dt>检查结果</dt><dd>${RESULT[d.result.code] || d.result.code}</dd><dt>检查情况</dt><dd>${d.result.findings}</dd>`
      : html`<dt>当事人</dt><dd>${d.decision.party?.name || d.decision.party?.masked_name || ''}</dd><dt>处罚结果</dt><dd>${d.decision.result}</dd>`}</dl>
    <${Notice} error=${problem} />
    ${d.has_changes ? html`<p class="muted">该处罚决定已录入变更或撤销，不能再修改或撤回。</p>`
      : asking ? html`<div class="alert" role="group" aria-labelledby=${`${hid}-ask`}>
        <p id=${`${hid}-ask`}>确定撤回“${title}”吗？撤回后该记录删除、不会公开；如需公开须重新录入。</p>
        <p class="actions"><button type="button" id=${`${hid}-yes`} class="primary" disabled=${busy} onClick=${withdraw}>确认撤回</button> <button type="button" disabled=${busy} onClick=${cancel}>取消</button></p>
      </div>`
      : html`<p class="actions"><a class="button primary" href=${editHref(d)} aria-label=${`修改：${title}`}>修改</a> <button type="button" id=${`${hid}-no`} aria-label=${`撤回：${title}`} onClick=${ask}>撤回</button></p>`}
  </section>`;
}

/** 我的待审记录. */
export function Drafts() {
  const [gone, setGone] = useState([]);
  return html`<${PageTitle}>我的待审记录</${PageTitle}>
    <p>以下是您录入、尚未审核通过的抽查结果和行政处罚决定。审核通过前可以修改或撤回；被退回的记录请按退回理由修改，保存后重新提交审核。</p>
    ${gone.length ? html`<div class="ok" role="status"><p>已撤回：</p><ul class="list">${gone.map((d) => html`<li>${draftTitle(d)}</li>`)}</ul></div>` : null}
    <${Load} fn=${() => get('/api/drafts')} deps=${[gone.length]}>${(list) => (list.length
      ? list.map((d) => html`<${Draft} key=${d.id} d=${d} onGone=${(x) => setGone([...gone, x])} />`)
      : html`<p class="muted">暂无待审核的记录。</p>`)}</${Load}>`;
}
