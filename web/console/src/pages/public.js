import { html, cnTime, cnDate } from '../util.js';
import { get } from '../api.js';
import { Load, PageTitle, Hash } from '../components.js';
import { RESULT, METHOD, TARGET_KIND } from '../labels.js';

/** What the public sees of a plan (the public API, no login): the plan, the verification, the results. */
export function PublicPlan({ id }) {
  const p = `/api/public/plans/${encodeURIComponent(id)}`;
  return html`<${Load} fn=${() => Promise.all([get(p), get(`${p}/verification`).catch(() => null), get(`${p}/results`).catch(() => [])])} deps=${[id]}>${([plan, ver, results]) => html`
    <${PageTitle}>公开信息：${plan.spec.title}</${PageTitle}>
    <dl class="facts">
      <dt>计划编号</dt><dd>${plan.spec.id}</dd>
      <dt>抽查主体</dt><dd>${plan.spec.department}</dd>
      <dt>抽查对象</dt><dd>${TARGET_KIND[plan.spec.target_kind]}</dd>
      <dt>计划抽取时间</dt><dd>${cnTime(plan.spec.planned_draw_at)}（北京时间）</dd>
      ${plan.state.commitment_hash ? html`<dt>承诺值</dt><dd><${Hash} value=${plan.state.commitment_hash} /></dd>` : null}
    </dl>
    ${ver ? html`<section aria-labelledby="h-ver"><h2 id="h-ver">抽取结果复核</h2>
      <p class=${ver.verified ? 'ok' : 'alert'}>${ver.verified ? '复核通过：服务器依据公开文件重新抽取，结果与公布的一致。' : '复核未通过。'}</p>
      <p>任何人均可下载 <a href=${`${p}/commitment`}>承诺文件</a>、<a href=${`${p}/transcript`}>抽取记录</a>、<a href=${`${p}/frame.csv`}>抽查对象名录</a>、<a href=${`${p}/pool.csv`}>检查人员名录</a>，自行复核。</p>
    </section>` : null}
    <section aria-labelledby="h-res"><h2 id="h-res">抽查结果</h2>
      ${Array.isArray(results) && results.length ? html`<div class="table-wrap"><table><caption class="sr">已公开的抽查结果</caption>
        <thead><tr><th scope="col">抽查对象</th><th scope="col">检查完成日期</th><th scope="col">检查方式</th><th scope="col">检查结果</th><th scope="col">检查情况</th></tr></thead>
        <tbody>${results.map((r) => html`<tr><td><code>${r.target}</code>${r.name ? html`<br />${r.name}` : null}</td><td>${cnDate(r.completed_on)}</td><td>${METHOD[r.method] || r.method}</td><td>${RESULT[r.code] || r.code}</td><td>${r.findings}</td></tr>`)}</tbody>
      </table></div>` : html`<p class="muted">暂无已公开的抽查结果。</p>`}
    </section>`}</${Load}>`;
}
