import { html, cnTime, cnDate, daysUntil } from '../util.js';
import { get } from '../api.js';
import { Load, PageTitle, Notice } from '../components.js';
import { STATE, DUTY, DUTY_STATE, APPROVAL_KIND } from '../labels.js';
import { StatisticsCard, newest } from './statistics.js';
import { awaitsApprovalOf } from '../joint.js';

const can = (me, ...roles) => me.roles.some((r) => roles.includes(r) || r === 'admin');
const soft = (p) => p.catch((e) => (e.status === 403 ? null : Promise.reject(e)));

function Countdown({ duty }) {
  if (duty.state !== 'pending') return html`<span>${DUTY_STATE[duty.state] || duty.state}</span>`;
  if (!duty.deadline) return html`<span>待公开（日历未覆盖）</span>`;
  if (duty.overdue) return html`<strong class="overdue">已逾期 ${-daysUntil(duty.deadline)} 天</strong>`;
  const w = duty.working_days_left;
  if (w === 0) return html`<strong>今日到期</strong>`;
  return html`<span>${w != null ? `剩余 ${w} 个工作日` : `剩余 ${daysUntil(duty.deadline)} 个自然日`}</span>`;
}

export function Dashboard({ me }) {
  const load = () => Promise.all([
    can(me, 'inspector') ? get('/api/plans') : null,
    can(me, 'supervisor', 'publisher') ? soft(get('/api/approvals')) : null,
    can(me, 'inspector') ? get('/api/duties') : null,
    can(me, 'inspector') ? get('/api/assignments') : null,
    get(`/api/public/statistics?department=${encodeURIComponent(me.department)}`).then(newest),
  ]);
  return html`<${PageTitle}>工作台</${PageTitle}>
  <${Load} fn=${load}>${([plans, approvals, duties, assignments, stats]) => html`
    <div class="cards">
      ${plans ? html`<section class="card" aria-labelledby="h-plans">
        <h2 id="h-plans">我的抽查计划</h2>
        <ul class="counts">${['draft', 'committed', 'drawn', 'cancelled'].map((s) => html`<li><span>${STATE[s]}</span><strong>${plans.filter((p) => p.state.state === s).length}</strong></li>`)}</ul>
        ${['draft', 'committed', 'drawn'].map((s) => {
          const list = plans.filter((p) => p.state.state === s);
          return list.length ? html`<h3>${STATE[s]}</h3><ul class="list">${list.map((p) => html`<li><a href=${`#/plans/${encodeURIComponent(p.spec.id)}`}>${p.spec.title}</a> <span class="muted">${p.spec.id} · 计划抽取 ${cnTime(p.spec.planned_draw_at)}</span></li>`)}</ul>` : null;
        })}
        <p><a class="button" href="#/plans/new">新建抽查计划</a></p>
      </section>` : null}
      ${plans && can(me, 'supervisor') && plans.some((p) => awaitsApprovalOf(p, me.department)) ? html`<section class="card" aria-labelledby="h-joint-wait">
        <h2 id="h-joint-wait">待本部门确认的联合抽查</h2>
        <ul class="list">${plans.filter((p) => awaitsApprovalOf(p, me.department)).map((p) => html`<li><a href=${`#/plans/${encodeURIComponent(p.spec.id)}`}>${p.spec.title}</a> <span class="muted">牵头部门：${p.spec.department}</span></li>`)}</ul>
      </section>` : null}
      ${approvals ? html`<section class="card" aria-labelledby="h-appr">
        <h2 id="h-appr">待我审核</h2>
        ${approvals.length ? html`<ul class="list">${approvals.map((a) => html`<li>${APPROVAL_KIND[a.kind] || a.kind}：${a.decision || `${a.plan} / ${a.target}`} <span class="muted">${a.entered_by} 录入于 ${cnTime(a.entered_at)}</span></li>`)}</ul>
          <p><a class="button" href="#/approvals">去审核（${approvals.length}）</a></p>` : html`<p class="muted">暂无待审核事项。</p>`}
      </section>` : null}
      ${duties ? html`<section class="card span2" aria-labelledby="h-duties">
        <h2 id="h-duties">信息公开时限</h2>
        ${duties.length ? html`<div class="table-wrap"><table><caption class="sr">公开事项及法定期限</caption>
          <thead><tr><th scope="col">公开事项</th><th scope="col">起算日</th><th scope="col">法定期限</th><th scope="col">状态</th></tr></thead>
          <tbody>${duties.map((d) => html`<tr class=${d.overdue ? 'row-overdue' : ''}><td>${DUTY[d.kind] || d.kind}<br /><span class="muted small">${d.id}</span></td><td>${cnDate(d.event_date)}</td><td>${cnDate(d.deadline)}</td><td><${Countdown} duty=${d} /></td></tr>`)}</tbody>
        </table></div>` : html`<p class="muted">暂无公开事项。</p>`}
      </section>` : null}
      ${assignments ? html`<section class="card span2" aria-labelledby="h-asg">
        <h2 id="h-asg">我的检查任务</h2>
        ${assignments.length ? html`<ul class="list">${assignments.map((a) => html`<li>
          <a href=${`#/plans/${encodeURIComponent(a.plan)}`}>${a.title}</a>：检查对象 <code>${a.target}</code>，同行检查人员 ${a.with.join('、') || '—'}，
          ${a.result_recorded ? html`<span class="tag">结果已录入</span>` : html`<a href=${`#/plans/${encodeURIComponent(a.plan)}/results/${encodeURIComponent(a.target)}`}>录入检查结果</a>`}
        </li>`)}</ul>` : html`<p class="muted">暂无检查任务。</p>`}
      </section>` : null}
      <${StatisticsCard} stats=${stats} />
      ${!plans && !approvals ? html`<${Notice} ok="您的角色在工作台没有待办事项。请从上方导航进入相应功能。" />` : null}
    </div>`}</${Load}>`;
}
