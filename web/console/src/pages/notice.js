import qrcode from 'qrcode-generator';
import { html, cnTime, cnDate, chinaToday } from '../util.js';
import { get } from '../api.js';
import { config } from '../config.js';
import { consoleRoot } from '../auth.js';
import { Load, PageTitle } from '../components.js';
import { TARGET_KIND, SCHEME, ROUNDING } from '../labels.js';
import { findPlan } from './plans.js';

/** Where the public reads the plan: the public site's plan page on AWS, this console's public view locally. */
export function publicPlanUrl(id) {
  const site = config().public_site;
  return site ? `${site.replace(/\/$/, '')}/plans/${encodeURIComponent(id)}/index.html` : `${consoleRoot()}#/public/${encodeURIComponent(id)}`;
}

function Qr({ text, label }) {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  let d = '';
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + 4},${r + 4}h1v1h-1z`;
  return html`<svg class="qr" viewBox=${`0 0 ${n + 8} ${n + 8}`} role="img" aria-label=${label} shape-rendering="crispEdges">
    <rect width="100%" height="100%" fill="#fff" /><path d=${d} fill="#000" /></svg>`;
}

/** 抽查公告: the printable notice for the notice board, with a QR code to the public plan page. */
export function Notice({ id }) {
  return html`<${Load} fn=${() => Promise.all([findPlan(id), get('/api/public/items'), get(`/api/public/plans/${encodeURIComponent(id)}/commitment`)])}>${([plan, items, commitment]) => {
    const s = plan.spec;
    const item = items.find((i) => i.code === s.item);
    const rule = s.parameters.default;
    const url = publicPlanUrl(id);
    return html`<div class="no-print actions"><button type="button" class="primary" onClick=${() => print()}>打印公告</button> <a href=${`#/plans/${encodeURIComponent(id)}`}>返回计划</a></div>
    <article class="notice-doc" aria-labelledby="notice-title">
      <p class="doc-org">${s.department}</p>
      <${PageTitle}><span id="notice-title">关于开展${s.title}的公告</span></${PageTitle}>
      <p>根据${item ? item.legal_basis.split(/[;；]/).slice(0, 2).join('、') : '有关法律法规'}和“双随机、一公开”监管工作要求，本局定于<strong>${cnTime(s.planned_draw_at)}（北京时间）</strong>公开随机抽取检查对象和执法检查人员。现将有关事项公告如下：</p>
      <ol class="doc-list">
        <li>抽查事项：${item ? `${item.name}（${item.code}）` : s.item}。</li>
        <li>抽查对象：${TARGET_KIND[s.target_kind]}，${s.filter.mode === 'untargeted' ? '不定向抽查' : '定向抽查'}，${SCHEME[s.stratum_scheme]}，共 ${plan.frame?.size ?? commitment.frame?.size ?? '—'} 户。</li>
        <li>抽取比例：${rule ? (rule.ratio != null ? `每层 ${(Number(rule.ratio) * 100).toFixed(2).replace(/\.?0+$/, '')}%（${ROUNDING[rule.rounding || 'up']}）` : `每层 ${rule.count} 户`) : '按分层规则'}；每户随机匹配执法检查人员 ${s.parameters.inspectors_per_target} 名。</li>
        <li>见证人：${s.entropy_source.witnesses.join('、') || '无'}。抽取时由见证人现场提供随机数${s.entropy_source.drand ? '，并使用 drand 公共随机信标' : ''}。</li>
        <li>承诺值（SHA-256）：<code class="hash">${plan.state.commitment_hash}</code>。抽查对象名录、检查人员名录和抽取规则已于 ${cnTime(plan.state.committed_at || plan.updated_at)} 固定，抽取结果可由任何人依据公开文件复核。</li>
      </ol>
      <div class="doc-qr"><${Qr} text=${url} label="扫码查看公开信息的二维码" /><p>扫码查看计划公开信息及抽取结果复核<br /><span class="small">${url}</span></p></div>
      <p class="doc-sign">${s.department}<br />${cnDate(chinaToday())}</p>
    </article>`;
  }}</${Load}>`;
}
