import { useEffect, useState } from 'preact/hooks';
import { html, cnTime } from '../util.js';
import { get, post } from '../api.js';
import { Field, Load, Notice, PageTitle, Hash } from '../components.js';
import { findPlan, poolOf } from './plans.js';
import { jointOf } from '../joint.js';

const can = (me, ...roles) => me.roles.some((r) => roles.includes(r) || r === 'admin');

function Countdown({ at }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => { const t = setInterval(() => setNow(Date.now()), 1000); return () => clearInterval(t); }, []);
  const left = Math.max(0, Math.floor((Date.parse(at) - now) / 1000));
  if (!left) return html`<p class="big-status">已到计划抽取时间</p>`;
  const hh = Math.floor(left / 3600); const mm = Math.floor((left % 3600) / 60); const ss = left % 60;
  return html`<p class="big-status">距计划抽取时间还有 <span class="clock">${hh ? `${hh}小时` : ''}${mm}分${String(ss).padStart(2, '0')}秒</span></p>`;
}

/** A team: each inspector with their department when the pool says (joint plans). */
const team = (ids, pool) => (pool ? ids.map((i) => `${i}（${pool.get(i) || '部门不详'}）`) : ids).join('、');

function Selections({ selections, pool }) {
  return html`<div class="table-wrap"><table class="ceremony-table"><caption>抽取结果：抽中对象及随机匹配的执法检查人员</caption>
    <thead><tr><th scope="col">序号</th><th scope="col">抽中对象（统一社会信用代码）</th><th scope="col">分层</th><th scope="col">执法检查人员</th></tr></thead>
    <tbody>${selections.map((s, i) => html`<tr class="appear" style=${`animation-delay:${Math.min(i, 30) * 120}ms`}><td>${i + 1}</td><td><code>${s.target}</code></td><td>${s.stratum}</td><td>${team(s.inspectors, pool)}</td></tr>`)}</tbody>
  </table></div>`;
}

/** 抽取现场: the large-screen view of the public draw. */
export function Ceremony({ id, me }) {
  const [values, setValues] = useState({});
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const [drawn, setDrawn] = useState(null);
  const [busy, setBusy] = useState(false);
  const load = async () => {
    const [plan, transcript] = await Promise.all([findPlan(id), get(`/api/public/plans/${encodeURIComponent(id)}/transcript`).catch(() => null)]);
    // A joint plan's pool file is public from its commitment: each drawn inspector's department.
    const pool = jointOf(plan) && plan.state.state !== 'draft' ? await poolOf(id).catch(() => null) : null;
    return [plan, transcript, pool];
  };
  return html`<${Load} fn=${load} deps=${[id]}>${([plan, transcript, pool]) => {
    const joint = jointOf(plan);
    const names = plan.spec.entropy_source.witnesses;
    const selections = drawn?.selections || transcript?.selections;
    async function draw(ev) {
      ev.preventDefault();
      const e = {};
      names.forEach((n, i) => { if (!(values[i] || '').trim()) e[i] = `请录入${n}提供的随机数`; });
      setErrors(e);
      if (Object.keys(e).length) { document.querySelector('[aria-invalid="true"]')?.focus(); return; }
      setBusy(true); setProblem(null);
      try {
        setDrawn(await post(`/api/plans/${encodeURIComponent(id)}/draw`, { witnesses: names.map((n, i) => ({ name: n, value: values[i].trim() })) }));
      } catch (err) { setProblem(err); } finally { setBusy(false); }
    }
    return html`<section class="ceremony">
      <p class="ceremony-org">${joint ? `${joint.lead}（牵头）、${joint.partners.map((d) => `${d}（配合）`).join('、')}` : plan.spec.department}</p>
      <${PageTitle}>${plan.spec.title} · 公开抽取现场</${PageTitle}>
      <div class="ceremony-hash"><p>承诺值（抽取前已公示）</p><${Hash} value=${plan.state.commitment_hash} /></div>
      <p>计划抽取时间：${cnTime(plan.spec.planned_draw_at)}（北京时间）　抽查对象 ${plan.frame?.size ?? '—'} 户　检查人员 ${plan.pool?.size ?? '—'} 名</p>
      ${selections ? html`
        <p class="big-status" role="status">抽取完成，共抽中 ${selections.length} 户</p>
        <${Selections} selections=${selections} pool=${pool} />
        <p class="actions"><a class="button primary" href=${`#/public/${encodeURIComponent(id)}`}>公开复核抽取结果</a> <a class="button" href=${`#/plans/${encodeURIComponent(id)}`}>返回计划</a></p>` : html`
        <${Countdown} at=${plan.spec.planned_draw_at} />
        ${plan.spec.entropy_source.drand ? html`<p>本次抽取还将使用 drand 公共随机信标第 ${plan.spec.entropy_source.drand.round} 轮的输出。</p>` : null}
        ${can(me, 'supervisor') && plan.spec.department === me.department ? html`<form class="form witness-form" onSubmit=${draw} novalidate>
          <${Notice} error=${problem} />
          <fieldset><legend>见证人现场提供的随机数</legend>
            ${names.map((n, i) => html`<${Field} label=${n} required error=${errors[i]} hint="例如掷骰子所得的数字序列">${(a) => html`<input ...${a} class="big-input" value=${values[i] || ''} onInput=${(e) => setValues({ ...values, [i]: e.currentTarget.value })} autocomplete="off" />`}</${Field}>`)}
          </fieldset>
          <p><button type="submit" class="primary huge" disabled=${busy}>开始抽取</button></p>
        </form>` : html`<p>等待${joint && plan.spec.department !== me.department ? `牵头部门（${plan.spec.department}）` : ''}科室负责人在计划抽取时间后开始抽取。</p>`}`}
    </section>`;
  }}</${Load}>`;
}
