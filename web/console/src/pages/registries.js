import { useEffect, useState } from 'preact/hooks';
import { html, cnTime } from '../util.js';
import { get, upload } from '../api.js';
import { Field, Notice, PageTitle } from '../components.js';
import { REGISTRY, STATUS, problemText } from '../labels.js';

const csvCell = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

const COLUMN = {
  credit_code: '统一社会信用代码', licence: '许可证号', name: '名称', address: '经营场所', region: '行政区划', credit_class: '信用等级',
  status: '经营状态', card: '导游证号', languages: '语种', level: '等级', agency: '所属旅行社', outbound: '出境旅游业务',
  id: '人员编号', department: '所属部门', specialties: '检查领域', conflicts: '回避对象', code: '事项编码', website: '网址', platform: '平台',
};
const cell = (k, v) => (v == null ? '' : k === 'status' ? STATUS[v] || v : Array.isArray(v) ? v.join('、') : typeof v === 'object' ? JSON.stringify(v) : typeof v === 'boolean' ? (v ? '是' : '否') : String(v));

/** 名录查询: the newest snapshot, searched by name, credit code, licence or card number. */
function Search() {
  const [kind, setKind] = useState('agencies');
  const [q, setQ] = useState('');
  const [found, setFound] = useState(null);
  const [problem, setProblem] = useState(null);
  async function submit(ev) {
    ev.preventDefault();
    setProblem(null);
    try { setFound({ kind, ...(await get(`/api/registries/${kind}?q=${encodeURIComponent(q.trim())}`)) }); } catch (e) { setProblem(e); }
  }
  const cols = found?.hits.length ? Object.keys(found.hits[0]).filter((k) => k !== 'address' && k !== 'legal_basis' && k !== 'content').slice(0, 7) : [];
  return html`<section aria-labelledby="h-search"><h2 id="h-search">名录查询</h2>
    <form class="form row" role="search" onSubmit=${submit}>
      <${Field} label="查询的名录">${(a) => html`<select ...${a} value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>${Object.entries(REGISTRY).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select>`}</${Field}>
      <${Field} label="名称、统一社会信用代码或许可证号">${(a) => html`<input ...${a} type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} />`}</${Field}>
      <p><button type="submit">查询</button></p>
    </form>
    <${Notice} error=${problem} />
    ${found ? (found.snapshot ? html`<p role="status">${REGISTRY[found.kind]}当前为第 ${found.snapshot} 版快照（${cnTime(found.stored_at)} 导入，共 ${found.records} 条），找到 ${found.hits.length}${found.hits.length === 50 ? '（仅显示前50）' : ''} 条。</p>
      ${found.hits.length ? html`<div class="table-wrap"><table><caption class="sr">查询结果</caption>
        <thead><tr>${cols.map((k) => html`<th scope="col">${COLUMN[k] || k}</th>`)}</tr></thead>
        <tbody>${found.hits.map((h) => html`<tr>${cols.map((k) => html`<td>${cell(k, h[k])}</td>`)}</tr>`)}</tbody></table></div>` : null}`
      : html`<p role="status">${REGISTRY[found.kind]}尚未导入。</p>`) : null}
  </section>`;
}

/** 快照历史: every snapshot of a registry, newest first, paged back 20 at a time. */
function History({ version }) {
  const [kind, setKind] = useState('agencies');
  const [pages, setPages] = useState([]);
  const [problem, setProblem] = useState(null);
  async function load(k, before) {
    setProblem(null);
    try {
      const page = await get(`/api/registries/${k}/snapshots?limit=20${before ? `&before=${before}` : ''}`);
      setPages((old) => (before ? [...old, page] : [page]));
    } catch (e) { setProblem(e); }
  }
  useEffect(() => { load(kind); }, [kind, version]);
  const rows = pages.flatMap((p) => p.snapshots);
  const next = pages.length ? pages[pages.length - 1].next_before : null;
  return html`<section aria-labelledby="h-history"><h2 id="h-history">快照历史</h2>
    <form class="form row" onSubmit=${(e) => e.preventDefault()}>
      <${Field} label="查看的名录">${(a) => html`<select ...${a} value=${kind} onChange=${(e) => { setPages([]); setKind(e.currentTarget.value); }}>${Object.entries(REGISTRY).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select>`}</${Field}>
    </form>
    <${Notice} error=${problem} />
    ${rows.length ? html`<div class="table-wrap"><table><caption class="sr">${REGISTRY[kind]}快照历史</caption>
      <thead><tr><th scope="col">版本</th><th scope="col">导入时间</th><th scope="col">记录数</th><th scope="col">导入人</th><th scope="col">内容摘要</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr><td>第 ${r.number} 版</td><td>${cnTime(r.stored_at)}</td><td>${r.records}</td><td>${r.stored_by || '—'}</td><td><code class="hash">${r.hash.slice(0, 16)}…</code></td></tr>`)}</tbody>
    </table></div>
    ${next ? html`<p><button type="button" onClick=${() => load(kind, next)}>显示更早的快照</button></p>` : null}`
    : pages.length ? html`<p class="muted">${REGISTRY[kind]}尚未导入。</p>` : null}
  </section>`;
}

/** 名录管理: upload a registry file (CSV or .xlsx) as the next snapshot, with its error report. */
export function Registries() {
  const [kind, setKind] = useState('agencies');
  const [file, setFile] = useState(null);
  const [progress, setProgress] = useState(null);
  const [result, setResult] = useState(null);
  const [problem, setProblem] = useState(null);
  const [fileError, setFileError] = useState(null);
  async function submit(ev) {
    ev.preventDefault();
    setResult(null); setProblem(null);
    if (!file) { setFileError('请选择要上传的名录文件'); document.getElementById('reg-file')?.focus(); return; }
    if (!/\.(csv|xlsx)$/i.test(file.name)) { setFileError('仅支持 CSV 或 Excel（.xlsx）文件'); return; }
    setFileError(null); setProgress(0);
    try {
      const r = await upload(`/api/registries/${kind}`, file, setProgress);
      setResult(r.body);
    } catch (e) { setProblem(e); } finally { setProgress(null); }
  }
  const errors = problem?.problem?.errors;
  const report = errors ? URL.createObjectURL(new Blob([`\ufeff行号,字段,问题\n${errors.map((e) => [e.row, e.field, e.reason].map(csvCell).join(',')).join('\n')}\n`], { type: 'text/csv' })) : null;
  return html`<${PageTitle}>名录管理</${PageTitle}>
    <p>上传的文件作为该名录的新版本快照保存，抽查计划提交承诺时使用最新快照。文件中任何一行有错误，则整份文件不导入。</p>
    <form class="form" onSubmit=${submit} novalidate>
      <${Field} label="名录类别">${(a) => html`<select ...${a} value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>${Object.entries(REGISTRY).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select>`}</${Field}>
      <${Field} id="reg-file" label="名录文件" required error=${fileError} hint="CSV（UTF-8 或 GB18030 编码）或 Excel .xlsx，不超过 8 MB">${(a) => html`<input ...${a} type="file" accept=".csv,.xlsx,text/csv" onChange=${(e) => setFile(e.currentTarget.files[0] || null)} />`}</${Field}>
      ${progress != null ? html`<p><label for="reg-progress">上传进度</label> <progress id="reg-progress" max="1" value=${progress}>${Math.round(progress * 100)}%</progress> ${Math.round(progress * 100)}%${progress >= 1 ? '，正在校验……' : ''}</p>` : null}
      <p class="actions"><button type="submit" class="primary" disabled=${progress != null}>上传并导入</button></p>
    </form>
    ${result ? html`<${Notice} ok=${result.created ? `导入成功：${REGISTRY[kind]}第 ${result.number} 版快照，共 ${result.records} 条记录。` : `文件内容与第 ${result.number} 版快照相同，未新建快照。`} />` : null}
    ${problem ? html`<div class="alert" role="alert">${problemText(problem)}</div>` : null}
    ${errors ? html`<section aria-labelledby="h-errs"><h2 id="h-errs">错误报告（共 ${problem.problem.total ?? errors.length} 处）</h2>
      <p><a href=${report} download=${`${kind}-错误报告.csv`}>下载错误报告（CSV）</a></p>
      <div class="table-wrap"><table><caption class="sr">错误行</caption>
        <thead><tr><th scope="col">行号</th><th scope="col">字段</th><th scope="col">问题</th></tr></thead>
        <tbody>${errors.map((e) => html`<tr><td>第 ${e.row} 行</td><td>${e.field || '整行'}</td><td>${e.reason}</td></tr>`)}</tbody>
      </table></div></section>` : null}
    <${History} version=${result ? `${result.kind}-${result.number}` : ''} />
    <${Search} />`;
}
