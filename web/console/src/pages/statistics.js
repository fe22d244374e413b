// 本年度统计 on the 工作台: the department's newest yearly statistics from the public API
// (GET /api/public/statistics, the same figures as the site's 统计 pages, computed once in the
// application core). Each figure is in a table; the results by code and the inspectors' load are
// also drawn as bar charts (inline SVG named and described for screen readers, the table beside
// them carrying the same numbers). A joint plan (部门联合抽查) is marked with its lead.
import { html } from '../util.js';

const pct = (r) => (r == null ? '—' : `${(r * 100).toFixed(1)}%`);

/** The newest year's document of `docs` (one department's), or null. */
export const newest = (docs) => (docs && docs.length ? docs.reduce((a, b) => (b.year > a.year ? b : a)) : null);

/** A plan's cell: a joint plan is marked, with its lead when that is another department. */
export function planCell(plan, jointLead, department) {
  if (!jointLead) return plan;
  return jointLead === department ? `${plan}（联合抽查，本部门牵头）` : `${plan}（联合抽查，${jointLead}牵头）`;
}

/**
 * The bars of a horizontal bar chart of `items` ([label, value]): each bar's width in `width`
 * units, proportional to the largest value (a zero value has no bar), and the chart's description
 * in words.
 */
export function barGeometry(items, width) {
  const max = Math.max(0, ...items.map(([, v]) => v));
  const bars = items.map(([label, value], i) => ({
    label, value, y: i * 44, w: max > 0 ? Math.round((value / max) * width) : 0,
  }));
  return { bars, height: items.length * 44, desc: items.map(([l, v]) => `${l} ${v}`).join('；') };
}

function Bars({ id, title, items, unit }) {
  if (!items.length) return null;
  const { bars, height, desc } = barGeometry(items, 400);
  return html`<svg class="chart" viewBox=${`0 0 480 ${height}`}
      role="img" aria-labelledby=${`${id}-t ${id}-d`}>
    <title id=${`${id}-t`}>${title}</title><desc id=${`${id}-d`}>${desc}${unit}</desc>
    ${bars.map((b) => html`<g>
      <text x="0" y=${b.y + 14} font-size="13">${b.label}</text>
      <rect x="0" y=${b.y + 20} width=${b.w} height="16" fill="#1f5f8b"></rect>
      <text x=${b.w + 6} y=${b.y + 33} font-size="13">${b.value}</text></g>`)}
  </svg>`;
}

export function StatisticsCard({ stats }) {
  if (!stats) {
    return html`<section class="card span2" aria-labelledby="h-stats">
      <h2 id="h-stats">本年度统计</h2><p class="muted">本部门尚无公开的抽查或处罚信息。</p></section>`;
  }
  const s = stats;
  const l = s.inspectors;
  const verdict = l.p_value == null ? '无可检验的抽取'
    : `χ² = ${l.chi_square.toFixed(4)}，自由度 ${l.degrees_of_freedom}，p = ${l.p_value.toFixed(4)}：${l.uniform ? '未见分派不均匀' : '分派可能不均匀，请核查'}${l.small_expected ? '（期望分派数小于 5，仅供参考）' : ''}`;
  const rows = [
    ['抽查计划', `${s.plans.total} 个（已抽取 ${s.plans.drawn}，待抽取 ${s.plans.committed}，已取消 ${s.plans.cancelled}）${s.plans.joint ? `，其中部门联合抽查 ${s.plans.joint} 个（计入每个参与部门的统计）` : ''}`],
    ['抽中 / 候选', `${s.coverage.drawn} / ${s.coverage.candidates}（覆盖率 ${pct(s.coverage.coverage)}）`],
    ['问题发现率', `${pct(s.results.problem_rate)}（${s.results.problems} / ${s.results.total}，另有 ${s.results.outstanding} 个对象未公开结果）`],
    ['行政处罚决定', `${s.penalties.decisions} 件${s.penalties.by_category.filter((c) => c.count).map((c) => `；${c.label} ${c.count}`).join('')}`],
    ['按时公开率', `${pct(s.publication.on_time_rate)}（按时 ${s.publication.on_time}，逾期公开 ${s.publication.late}，逾期未公开 ${s.publication.overdue}）`],
    ['执法人员分派', l.max == null ? '—' : `${l.assignments} 人次，单次抽取中最多 ${l.max}、最少 ${l.min}；${verdict}`],
  ];
  return html`<section class="card span2" aria-labelledby="h-stats">
    <h2 id="h-stats">本年度统计（${s.year} 年）</h2>
    <div class="table-wrap"><table><caption class="sr">${s.year} 年${s.department}统计</caption>
      <tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody>
    </table></div>
    ${s.strata.length ? html`<div class="table-wrap"><table><caption>各层候选与抽中</caption>
      <thead><tr><th scope="col">计划</th><th scope="col">分层</th><th scope="col">候选</th><th scope="col">抽中</th><th scope="col">覆盖率</th></tr></thead>
      <tbody>${s.strata.map((r) => html`<tr><td>${planCell(r.plan, r.joint_lead, s.department)}</td><td>${r.stratum}</td><td>${r.candidates}</td><td>${r.drawn}</td><td>${pct(r.coverage)}</td></tr>`)}</tbody>
    </table></div>` : null}
    <${Bars} id="chart-results" title="抽查结果（条）" unit=" 条"
      items=${s.results.by_code.filter((c) => c.count).map((c) => [c.label, c.count])} />
    <${Bars} id="chart-load" title="执法人员分派数分布（人次）" unit=" 人次"
      items=${l.distribution.map((b) => [`分派 ${b.load} 个对象`, b.inspectors])} />
    ${l.distribution.length ? html`<div class="table-wrap"><table><caption>执法人员分派数分布（人次）</caption>
      <thead><tr><th scope="col">分派对象数</th>${l.distribution.map((b) => html`<th scope="col">${b.load}</th>`)}</tr></thead>
      <tbody><tr><th scope="row">人次</th>${l.distribution.map((b) => html`<td>${b.inspectors}</td>`)}</tr></tbody>
    </table></div>` : null}
  </section>`;
}
