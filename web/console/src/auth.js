// Sign-in. Locally (`spotcheck serve --demo` or `--signin-link`) a one-time link
// /console/signin#ticket=… is exchanged once at POST /console/signin for the user's access token.
// On AWS: the OpenID Connect authorization-code flow with PKCE (RFC 7636) against the configured
// issuer (the Cognito hosted UI), by hand with WebCrypto: the verifier and state live in
// sessionStorage only for the round trip. The tokens are kept in sessionStorage (they end with the
// tab); the ID token is refreshed with the refresh token before it expires (tokens.js).
import { config } from './config.js';
import { KEYS, TokenClient, keep, revokeUrlOf } from './tokens.js';

const KEY = KEYS.token;
const PKCE = 'spotcheck.console.pkce';

export const token = () => sessionStorage.getItem(KEY);

let client = null;
/** The OIDC token client of this configuration (null locally: a local token is not refreshed). */
function oidc() {
  const c = config();
  if (c.mode !== 'oidc') return null;
  client ??= new TokenClient({ storage: sessionStorage, tokenUrl: c.token_url, revokeUrl: revokeUrlOf(c), clientId: c.client_id });
  return client;
}

/** The token for the next request: refreshed first if it is about to expire. */
export const freshToken = async () => (oidc() ? oidc().fresh() : token());

/** After a 401: refresh once; true if a new token came. */
export async function refreshOnce() {
  const o = oidc();
  if (!o?.canRefresh()) return false;
  try { await o.refresh(); schedule(); return true; } catch { return false; }
}

let timer = null;
/** Refreshes the ID token a minute before it expires, while the tab stays open (e.g. at a draw). */
export function schedule() {
  clearTimeout(timer);
  const due = oidc()?.dueIn();
  if (due == null) return;
  timer = setTimeout(() => { oidc().refresh().then(schedule, () => {}); }, Math.min(due, 2 ** 31 - 1));
}

/** Signs out: on AWS the refresh token is revoked at the issuer (not when it already failed). */
export function signOut(why) {
  clearTimeout(timer);
  const o = oidc();
  if (o) o.signOut({ revoke: why !== 'expired' });
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
    // Cognito returns a refresh token for these; another issuer may need offline_access in config.scope.
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
  keep(sessionStorage, body, Date.now());
  schedule();
}
