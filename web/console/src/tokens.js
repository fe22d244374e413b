// The OpenID Connect tokens of the signed-in user (on AWS), kept in sessionStorage so that they end
// with the tab: the ID token the API checks, when it expires, and the refresh token the issuer
// returned with it (Cognito returns one with every authorization code; other issuers when the
// scope asks for offline_access). The ID token is refreshed MARGIN_MS before it expires, and once
// more on a 401; sign-out revokes the refresh token at the issuer and forgets all three.
// No DOM here: web/console/test/tokens.test.js runs it in Node against a token endpoint of its own.

export const KEYS = {
  token: 'spotcheck.console.token',
  refresh: 'spotcheck.console.refresh',
  expires: 'spotcheck.console.expires',
};

/** Refresh this long before the ID token expires. */
export const MARGIN_MS = 60_000;

/** The `exp` of a JWT, in milliseconds since the epoch; null if it has none or is not a JWT. */
export function jwtExpiry(jwt) {
  try {
    const part = String(jwt).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const exp = JSON.parse(atob(part.padEnd(Math.ceil(part.length / 4) * 4, '='))).exp;
    return Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Keeps a token endpoint's answer: the ID token, its expiry, the refresh token if a new one came. */
export function keep(storage, body, now) {
  if (!body || typeof body.id_token !== 'string' || !body.id_token) throw new Error('the issuer returned no ID token');
  storage.setItem(KEYS.token, body.id_token);
  if (typeof body.refresh_token === 'string' && body.refresh_token) storage.setItem(KEYS.refresh, body.refresh_token);
  const expires = jwtExpiry(body.id_token) ?? (Number(body.expires_in) > 0 ? now + Number(body.expires_in) * 1000 : null);
  if (expires) storage.setItem(KEYS.expires, String(expires));
  else storage.removeItem(KEYS.expires);
}

/** The revocation endpoint: configured, or Cognito's beside its token endpoint (…/oauth2/revoke). */
export function revokeUrlOf(config) {
  if (config.revoke_url) return config.revoke_url;
  return /\/oauth2\/token$/.test(config.token_url || '') ? config.token_url.replace(/\/token$/, '/revoke') : null;
}

const form = (fields) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

export class TokenClient {
  /** storage: sessionStorage (or a stand-in); tokenUrl, revokeUrl, clientId: the issuer's. */
  constructor({ storage, tokenUrl, revokeUrl = null, clientId, fetch = (...a) => globalThis.fetch(...a), now = () => Date.now() }) {
    Object.assign(this, { storage, tokenUrl, revokeUrl, clientId, fetch, now });
    this.pending = null;
  }

  token() { return this.storage.getItem(KEYS.token); }

  canRefresh() { return Boolean(this.tokenUrl && this.storage.getItem(KEYS.refresh)); }

  /** Milliseconds until the next refresh is due (0: now); null when there is nothing to refresh. */
  dueIn() {
    const expires = Number(this.storage.getItem(KEYS.expires));
    if (!this.canRefresh() || !(expires > 0)) return null;
    return Math.max(0, expires - MARGIN_MS - this.now());
  }

  /** A new ID token from the refresh token; concurrent callers share one request. */
  refresh() {
    this.pending ??= this.#refresh().finally(() => { this.pending = null; });
    return this.pending;
  }

  async #refresh() {
    const refresh = this.storage.getItem(KEYS.refresh);
    if (!refresh || !this.tokenUrl) throw Object.assign(new Error('no refresh token'), { code: 'no-refresh-token' });
    const res = await this.fetch(this.tokenUrl, form({ grant_type: 'refresh_token', client_id: this.clientId, refresh_token: refresh }));
    const body = await res.json().catch(() => ({}));
    if (!res.ok || typeof body.id_token !== 'string') {
      // invalid_grant: revoked or expired; the user must sign in again.
      if (res.status === 400 || res.status === 401) this.storage.removeItem(KEYS.refresh);
      throw Object.assign(new Error(body.error_description || body.error || `HTTP ${res.status}`), { code: 'refresh-failed' });
    }
    keep(this.storage, body, this.now());
    return body.id_token;
  }

  /** The ID token, refreshed first if it expires within MARGIN_MS (if refreshing fails, the old one). */
  async fresh() {
    if (this.dueIn() === 0) {
      try { await this.refresh(); } catch { /* the API's 401 then leads to sign-in */ }
    }
    return this.token();
  }

  /** Forgets the tokens; revokes the refresh token at the issuer (best effort, survives navigation). */
  async signOut({ revoke = true } = {}) {
    const refresh = this.storage.getItem(KEYS.refresh);
    for (const k of Object.values(KEYS)) this.storage.removeItem(k);
    if (!revoke || !refresh || !this.revokeUrl) return false;
    try {
      const res = await this.fetch(this.revokeUrl, { ...form({ token: refresh, client_id: this.clientId }), keepalive: true });
      return res.ok;
    } catch {
      return false;
    }
  }
}
