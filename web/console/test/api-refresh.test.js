// The console's API calls on AWS (src/api.js with src/auth.js), in Node with the browser's
// sessionStorage and location stood in for: a token about to expire is refreshed before the
// request; a 401 is refreshed once and the request sent again with the same Idempotency-Key; a
// second 401 (or a refused refresh) leads to the sign-in page; 退出登录 revokes the refresh token.
// The API and the issuer's token and revocation endpoints are one server this test runs itself.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

const b64url = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims) => `${b64url({ alg: 'RS256' })}.${b64url(claims)}.sig`;
const inSeconds = (s) => Math.floor(Date.now() / 1000) + s;

class Storage {
  constructor() { this.m = new Map(); }
  getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
  setItem(k, v) { this.m.set(k, String(v)); }
  removeItem(k) { this.m.delete(k); }
}

const seen = [];
const state = { valid: new Set(), revoked: new Set(), refreshes: 0, apiAlways401: false };
let server;
let base;
let api;
let auth;
let tokens;

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      const bearer = (req.headers.authorization || '').replace(/^Bearer /, '');
      seen.push({ path: req.url, bearer, key: req.headers['idempotency-key'], form });
      const reply = (status, json) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(json)); };
      if (req.url === '/oauth2/revoke') { state.revoked.add(form.token); return reply(200, {}); }
      if (req.url === '/oauth2/token') {
        if (form.grant_type !== 'refresh_token' || state.revoked.has(form.refresh_token) || !form.refresh_token) return reply(400, { error: 'invalid_grant' });
        state.refreshes += 1;
        const id = jwt({ sub: 'wang.li', exp: inSeconds(3600), n: state.refreshes });
        state.valid.add(id);
        return reply(200, { id_token: id, access_token: 'at', expires_in: 3600 });
      }
      if (state.apiAlways401 || !state.valid.has(bearer)) return reply(401, { code: 'unauthorized', detail: 'token expired' });
      return reply(200, { ok: true, path: req.url });
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;

  globalThis.sessionStorage = new Storage();
  globalThis.location = { origin: 'https://site.example', pathname: '/console/', replaced: [], replace(u) { this.replaced.push(u); } };
  const config = { mode: 'oidc', api: base, token_url: `${base}/oauth2/token`, client_id: 'console-client', authorize_url: `${base}/oauth2/authorize` };
  const realFetch = globalThis.fetch;
  globalThis.fetch = async () => new Response(JSON.stringify(config));
  await (await import('../src/config.js')).loadConfig();
  globalThis.fetch = realFetch;
  api = await import('../src/api.js');
  auth = await import('../src/auth.js');
  tokens = await import('../src/tokens.js');
});

after(() => server.close());

/** Signed in as after the authorization code: an ID token expiring in `s` seconds and a refresh token. */
function signedIn(s, { valid = true, refresh = 'rt-1' } = {}) {
  for (const k of Object.values(tokens.KEYS)) sessionStorage.removeItem(k);
  const id = jwt({ sub: 'wang.li', exp: inSeconds(s), jti: Math.random() });
  if (valid) state.valid.add(id);
  tokens.keep(sessionStorage, { id_token: id, refresh_token: refresh }, Date.now());
  return id;
}

beforeEach(() => { seen.length = 0; location.replaced.length = 0; state.apiAlways401 = false; });

test('a token an hour from expiry is sent as it is', async () => {
  const id = signedIn(3600);
  assert.deepEqual(await api.get('/api/me'), { ok: true, path: '/api/me' });
  assert.deepEqual(seen.map((s) => [s.path, s.bearer]), [['/api/me', id]]);
});

test('a token expiring within the minute is refreshed before the request', async () => {
  const old = signedIn(30);
  await api.get('/api/me');
  assert.deepEqual(seen.map((s) => s.path), ['/oauth2/token', '/api/me']);
  assert.notEqual(seen[1].bearer, old);
  assert.equal(sessionStorage.getItem(tokens.KEYS.token), seen[1].bearer);
});

test('a 401 is refreshed once and the request sent again with the same Idempotency-Key', async () => {
  signedIn(3600, { valid: false });
  assert.deepEqual(await api.post('/api/plans', { id: 'x' }), { ok: true, path: '/api/plans' });
  assert.deepEqual(seen.map((s) => s.path), ['/api/plans', '/oauth2/token', '/api/plans']);
  assert.ok(seen[0].key && seen[0].key === seen[2].key, 'one user action, one key');
  assert.notEqual(seen[0].bearer, seen[2].bearer);
  assert.deepEqual(location.replaced, []);
});

test('a second 401 leads to the sign-in page, and the refresh token is not revoked then', async () => {
  signedIn(3600);
  state.apiAlways401 = true;
  await assert.rejects(api.get('/api/me'), (e) => e.status === 401);
  assert.deepEqual(seen.map((s) => s.path), ['/api/me', '/oauth2/token', '/api/me']);
  assert.deepEqual(location.replaced, ['https://site.example/console/#/signin?why=expired']);
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(!seen.some((s) => s.path === '/oauth2/revoke'));
  assert.equal(sessionStorage.getItem(tokens.KEYS.token), null);
});

test('a refused refresh after a 401 leads to the sign-in page', async () => {
  signedIn(3600, { valid: false, refresh: 'rt-gone' });
  state.revoked.add('rt-gone');
  await assert.rejects(api.get('/api/me'), (e) => e.status === 401);
  assert.deepEqual(seen.map((s) => s.path), ['/api/me', '/oauth2/token']);
  assert.deepEqual(location.replaced, ['https://site.example/console/#/signin?why=expired']);
});

test('退出登录 revokes the refresh token at the issuer and forgets the tokens', async () => {
  signedIn(3600, { refresh: 'rt-out' });
  auth.signOut();
  assert.equal(sessionStorage.getItem(tokens.KEYS.token), null);
  assert.equal(sessionStorage.getItem(tokens.KEYS.refresh), null);
  assert.deepEqual(location.replaced, ['https://site.example/console/#/signin']);
  for (let i = 0; i < 50 && !state.revoked.has('rt-out'); i += 1) await new Promise((r) => setTimeout(r, 10));
  assert.ok(state.revoked.has('rt-out'), 'the refresh token was revoked');
  assert.deepEqual(seen.map((s) => [s.path, s.form.client_id]), [['/oauth2/revoke', 'console-client']]);
});
