// Sign-in. Locally (`spotcheck serve --demo`) a one-time link /console/signin#ticket=… is exchanged
// once at POST /console/signin for the user's access token. On AWS: the OpenID Connect
// authorization-code flow with PKCE (RFC 7636) against the configured issuer (the Cognito hosted
// UI), by hand with WebCrypto: the verifier and state live in sessionStorage only for the round
// trip. The token is kept in sessionStorage: it ends with the tab.
import { config } from './config.js';

const KEY = 'spotcheck.console.token';
const PKCE = 'spotcheck.console.pkce';

export const token = () => sessionStorage.getItem(KEY);

export function signOut(why) {
  sessionStorage.removeItem(KEY);
  location.replace(`${consoleRoot()}#/signin${why ? `?why=${why}` : ''}`);
}

/** The console's own URL (…/console/), whatever page we are on. */
export function consoleRoot() {
  const p = location.pathname;
  const i = p.indexOf('/console/');
  return location.origin + (i >= 0 ? p.slice(0, i + 9) : '/console/');
}

/** A local one-time link: exchange its ticket. */
export async function redeemTicket(ticket) {
  const res = await fetch(`${consoleRoot()}signin`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ticket }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.detail || `HTTP ${res.status}`), { code: body.code });
  sessionStorage.setItem(KEY, body.access_token);
}

const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)));

/** OIDC: go to the issuer's authorization endpoint with a PKCE challenge. */
export async function startOidc() {
  const c = config();
  const verifier = random(48);
  const state = random(24);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state }));
  const u = new URL(c.authorize_url);
  u.search = new URLSearchParams({
    response_type: 'code', client_id: c.client_id, redirect_uri: consoleRoot(),
    scope: c.scope || 'openid email', state, code_challenge: b64url(digest), code_challenge_method: 'S256',
  }).toString();
  location.assign(u.toString());
}

/** OIDC: back from the issuer with ?code=…&state=…; the API checks the ID token. */
export async function finishOidc(params) {
  const saved = JSON.parse(sessionStorage.getItem(PKCE) || 'null');
  sessionStorage.removeItem(PKCE);
  if (!saved || saved.state !== params.get('state')) throw new Error('登录状态不一致，请重新登录');
  const c = config();
  const res = await fetch(c.token_url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', client_id: c.client_id, code: params.get('code'),
      redirect_uri: consoleRoot(), code_verifier: saved.verifier,
    }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || !body.id_token) throw new Error(body.error_description || body.error || `HTTP ${res.status}`);
  sessionStorage.setItem(KEY, body.id_token);
}
