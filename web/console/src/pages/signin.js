import { html } from '../util.js';
import { config } from '../config.js';
import { startOidc } from '../auth.js';
import { PageTitle } from '../components.js';
import { problemText } from '../labels.js';

const WHY = {
  expired: '登录已失效，请重新登录。',
  oidc: '统一身份认证未能完成登录，请重试。',
  'signin-ticket-missing': '登录链接不完整，请复制完整链接。',
};

export function SignIn({ why }) {
  const c = config();
  const message = why ? (WHY[why] || problemText({ code: why })) : null;
  return html`<section class="signin">
    <${PageTitle}>登录</${PageTitle}>
    ${message ? html`<div class="alert" role="alert">${message}</div>` : null}
    ${c.mode === 'oidc'
      ? html`<p>请使用本单位统一身份认证账号登录（须完成两步验证）。</p>
        <button type="button" class="primary" onClick=${() => startOidc()}>使用统一身份认证登录</button>`
      : html`<p>本机服务：请打开 <code>spotcheck serve</code> 启动时在终端打印的一次性登录链接（每个链接只能使用一次，一小时内有效，仅限本机访问）。</p>
        <p>管理员以 <code>spotcheck serve --signin-link 用户名=角色 --signin-department 单位名称</code> 启动服务，为每位工作人员打印登录链接；演示服务（<code>--demo</code>）为演示用户打印。</p>`}
    <p><a href="#/public/PT-2026-DEMO">查看公开信息（无需登录）</a></p>
  </section>`;
}
