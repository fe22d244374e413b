// The staff console: one page, hash routes (#/plans/…), the same files locally and on AWS.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html, hashRoute } from './util.js';
import { loadConfig } from './config.js';
import { token, signOut, redeemTicket, finishOidc, consoleRoot, schedule } from './auth.js';
import { get } from './api.js';
import { ROLE } from './labels.js';
import { SignIn } from './pages/signin.js';
import { Dashboard } from './pages/dashboard.js';
import { PlanList, PlanNew, PlanDetail } from './pages/plans.js';
import { Notice as PlanNotice } from './pages/notice.js';
import { Ceremony } from './pages/draw.js';
import { ResultForm, PenaltyForm, Penalties } from './pages/records.js';
import { Approvals } from './pages/approvals.js';
import { Drafts } from './pages/drafts.js';
import { Registries } from './pages/registries.js';
import { PublicPlan } from './pages/public.js';
import { Audit } from './pages/audit.js';

const has = (me, ...roles) => me && me.roles.some((r) => roles.includes(r) || r === 'admin');

function Nav({ me, path }) {
  const items = [
    ['/', '工作台', true],
    ['/plans', '抽查计划', has(me, 'inspector')],
    ['/penalties', '行政处罚', has(me, 'inspector')],
    ['/drafts', '我的待审', has(me, 'inspector')],
    ['/approvals', '审核', has(me, 'supervisor', 'publisher')],
    ['/registries', '名录管理', me?.roles.includes('registrar')],
    ['/audit', '审计日志', has(me, 'supervisor')],
  ];
  return html`<nav aria-label="主导航" class="nav"><ul>
    ${items.filter((i) => i[2]).map(([href, label]) => {
      const current = href === '/' ? path === '/' : path.startsWith(href);
      return html`<li><a href=${`#${href}`} aria-current=${current ? 'page' : undefined}>${label}</a></li>`;
    })}
  </ul></nav>`;
}

function Page({ route, me }) {
  const [a, b, c, d] = route.parts;
  if (a === 'signin') return html`<${SignIn} why=${route.query.get('why')} />`;
  if (a === 'public' && b) return html`<${PublicPlan} id=${b} />`;
  if (!a) return html`<${Dashboard} me=${me} />`;
  if (a === 'plans' && !b) return html`<${PlanList} me=${me} />`;
  if (a === 'plans' && b === 'new') return html`<${PlanNew} me=${me} />`;
  if (a === 'plans' && c === 'notice') return html`<${PlanNotice} id=${b} />`;
  if (a === 'plans' && c === 'draw') return html`<${Ceremony} id=${b} me=${me} />`;
  if (a === 'plans' && c === 'results' && d) return html`<${ResultForm} key=${route.path + (route.query.has('edit') ? '?edit' : '')} id=${b} target=${d} edit=${route.query.has('edit')} />`;
  if (a === 'plans' && b) return html`<${PlanDetail} id=${b} me=${me} />`;
  if (a === 'penalties' && b === 'new') return html`<${PenaltyForm} me=${me} plan=${route.query.get('plan')} target=${route.query.get('target')} />`;
  if (a === 'penalties' && b && c === 'edit') return html`<${PenaltyForm} key=${route.path} me=${me} edit=${b} />`;
  if (a === 'penalties') return html`<${Penalties} me=${me} />`;
  if (a === 'drafts') return html`<${Drafts} />`;
  if (a === 'approvals') return html`<${Approvals} me=${me} />`;
  if (a === 'registries') return html`<${Registries} me=${me} />`;
  if (a === 'audit') return html`<${Audit} />`;
  return html`<p>页面不存在。<a href="#/">返回工作台</a></p>`;
}

function App() {
  const [route, setRoute] = useState(hashRoute());
  const [me, setMe] = useState(null);
  const [failed, setFailed] = useState(null);
  useEffect(() => {
    const on = () => { setRoute(hashRoute()); window.scrollTo(0, 0); };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const open = route.parts[0] === 'signin' || route.parts[0] === 'public';
  // Signed out (the sign-in page): forget who was signed in, so the header and navigation go too.
  useEffect(() => { if (route.parts[0] === 'signin') { setMe(null); setFailed(null); } }, [route.parts[0]]);
  useEffect(() => {
    if (open || me) return;
    if (!token()) { signOut(); return; }
    get('/api/me').then(setMe, setFailed);
  }, [open, me]);
  const wide = route.parts[2] === 'draw' || route.parts[2] === 'notice';
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>跳到正文</a>
    <header class="top">
      <div class="brand"><span class="emblem" aria-hidden="true">检</span><span>双随机抽查工作平台</span></div>
      ${me ? html`<div class="who">
        <span>${me.department}</span>
        <span>${me.subject}（${me.roles.map((r) => ROLE[r] || r).join('、')}）</span>
        <button type="button" class="link" onClick=${() => signOut()}>退出登录</button>
      </div>` : null}
    </header>
    ${me ? html`<${Nav} me=${me} path=${route.path} />` : null}
    <main id="main" tabindex="-1" class=${wide ? 'wide' : ''}>
      ${failed ? html`<div class="alert" role="alert">无法读取登录信息（${failed.code}）。<button type="button" onClick=${() => signOut()}>重新登录</button></div>` : null}
      ${open || me ? html`<${Page} route=${route} me=${me} />` : failed ? null : html`<p class="muted" role="status">正在加载……</p>`}
    </main>
    <footer class="foot"><p>本平台依据《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》开展随机抽查工作。</p></footer>`;
}

async function start() {
  await loadConfig();
  const root = document.getElementById('app');
  // A local one-time sign-in link: /console/signin#ticket=…
  if (location.pathname.endsWith('/console/signin')) {
    const ticket = new URLSearchParams(location.hash.slice(1)).get('ticket');
    history.replaceState(null, '', location.pathname);
    try {
      if (!ticket) throw Object.assign(new Error('链接中没有登录凭据'), { code: 'signin-ticket-missing' });
      await redeemTicket(ticket);
      location.replace(`${consoleRoot()}#/`);
    } catch (e) {
      location.replace(`${consoleRoot()}#/signin?why=${encodeURIComponent(e.code || 'failed')}`);
    }
    return;
  }
  // Back from the OIDC issuer: /console/?code=…&state=…
  const params = new URLSearchParams(location.search);
  if (params.has('code')) {
    history.replaceState(null, '', location.pathname);
    try {
      await finishOidc(params);
      location.hash = '#/';
    } catch {
      location.hash = '#/signin?why=oidc';
    }
  }
  schedule();
  root.textContent = '';
  render(html`<${App} />`, root);
}

start();
