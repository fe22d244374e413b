import { useEffect, useState } from 'preact/hooks';
import { html, cnTime } from '../util.js';
import { get } from '../api.js';
import { Field, Notice, PageTitle } from '../components.js';

const ACTION = {
  snapshot_stored: '导入名录快照', frame_stored: '冻结抽查对象名录', pool_stored: '冻结检查人员名录', plan_created: '新建抽查计划',
  plan_changed: '修改抽查计划', plan_cancelled: '撤销抽查计划', committed: '提交承诺并公示', drawn: '抽取', result_recorded: '录入抽查结果',
  penalty_recorded: '录入行政处罚决定', penalty_changed: '变更或撤销处罚决定', publication_scheduled: '排定公开', publication_changed: '公开状态变更',
  approved: '审核同意公开', timestamp_recorded: '记录可信时间戳',
  draft_returned: '审核退回修改', result_amended: '修改抽查结果', result_withdrawn: '撤回抽查结果',
  penalty_amended: '修改行政处罚决定', penalty_withdrawn: '撤回行政处罚决定',
};

/** 审计日志: the hash-chained log of the department's records, newest first (supervisors). */
export function Audit() {
  const [q, setQ] = useState('');
  const [entries, setEntries] = useState(null);
  const [more, setMore] = useState(false);
  const [problem, setProblem] = useState(null);
  async function load(before, query) {
    setProblem(null);
    const params = new URLSearchParams({ limit: '50' });
    if (before) params.set('before', String(before));
    if (query) params.set('q', query);
    try {
      const page = await get(`/api/audit?${params}`);
      setEntries(before ? [...entries, ...page] : page);
      setMore(page.length === 50);
    } catch (e) { setProblem(e); }
  }
  useEffect(() => { load(null, ''); }, []);
  return html`<${PageTitle}>审计日志</${PageTitle}>
    <p>本部门抽查计划、抽查结果、处罚决定、审核及共享名录快照的每一次变更，按时间倒序排列。日志逐条哈希链接，可用 <code>spotcheck audit verify</code> 核验未被篡改。</p>
    <form class="form row" role="search" onSubmit=${(e) => { e.preventDefault(); load(null, q.trim()); }}>
      <${Field} label="按对象、操作人或操作查找">${(a) => html`<input ...${a} type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} />`}</${Field}>
      <p><button type="submit">查找</button></p>
    </form>
    <${Notice} error=${problem} />
    ${entries ? (entries.length ? html`<div class="table-wrap"><table><caption class="sr">审计日志条目</caption>
      <thead><tr><th scope="col">序号</th><th scope="col">时间</th><th scope="col">操作人</th><th scope="col">操作</th><th scope="col">对象</th></tr></thead>
      <tbody>${entries.map((e) => html`<tr><td>${e.seq}</td><td>${cnTime(e.at)}</td><td>${e.actor}</td><td>${ACTION[e.action] || e.action}</td><td><code>${e.subject}</code></td></tr>`)}</tbody>
    </table></div>
    ${more ? html`<p><button type="button" onClick=${() => load(entries[entries.length - 1].seq, q.trim())}>更早的记录</button></p>` : null}` : html`<p class="muted">没有符合条件的记录。</p>`) : null}`;
}
