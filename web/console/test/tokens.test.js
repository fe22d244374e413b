// The console's token refresh (src/tokens.js) against a token and revocation endpoint this test
// serves itself on 127.0.0.1, speaking as Cognito does: the authorization code's answer carries a
// refresh token, a refresh answers a new ID token only, a revoked refresh token gets invalid_grant.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { KEYS, MARGIN_MS, TokenClient, jwtExpiry, keep, revokeUrlOf } from '../src/tokens.js';

const b64url = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims) => `${b64url({ alg: 'RS256' })}.${b64url(claims)}.sig`;

class Storage {
  constructor() { this.m = new Map(); }
  getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
  setItem(k, v) { this.m.set(k, String(v)); }
  removeItem(k) { this.m.delete(k); }
}

// The fake issuer: what it was asked, and what it answers.
const issuer = { requests: [], revoked: new Set(), serial: 0, now: () => Date.now() };
let server;
let url;

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      issuer.requests.push({ path: req.url, type: req.headers['content-type'], form });
      const reply = (status, json) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(json)); };
      if (req.url === '/oauth2/revoke') { issuer.revoked.add(form.token); return reply(200, {}); }
      if (req.url !== '/oauth2/token' || form.client_id !== 'console-client') return reply(400, { error: 'invalid_client' });
      if (form.grant_type !== 'refresh_token') return reply(400, { error: 'unsupported_grant_type' });
      if (!form.refresh_token?.startsWith('rt-') || issuer.revoked.has(form.refresh_token)) return reply(400, { error: 'invalid_grant' });
      issuer.serial += 1;
      const exp = Math.floor(issuer.now() / 1000) + 3600;
      return reply(200, { id_token: jwt({ sub: 'wang.li', exp, n: issuer.serial }), access_token: 'at', expires_in: 3600, token_type: 'Bearer' });
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${server.address().port}/oauth2/token`;
});

after(() => server.close());

function client(now) {
  const storage = new Storage();
  const c = new TokenClient({ storage, tokenUrl: url, revokeUrl: revokeUrlOf({ token_url: url }), clientId: 'console-client', now });
  return { storage, c };
}

test('the expiry is read from the ID token, else from expires_in', () => {
  assert.equal(jwtExpiry(jwt({ exp: 1_800_000_000 })), 1_800_000_000_000);
  assert.equal(jwtExpiry('not a jwt'), null);
  const s = new Storage();
  keep(s, { id_token: 'opaque', expires_in: 60, refresh_token: 'rt-1' }, 1000);
  assert.equal(s.getItem(KEYS.expires), String(61_000));
  assert.equal(s.getItem(KEYS.refresh), 'rt-1');
  assert.throws(() => keep(s, { access_token: 'x' }, 0), /no ID token/);
});

test('Cognito\'s revocation endpoint is found beside its token endpoint', () => {
  assert.equal(revokeUrlOf({ token_url: 'https://x.auth.cn-north-1.amazoncognito.com/oauth2/token' }), 'https://x.auth.cn-north-1.amazoncognito.com/oauth2/revoke');
  assert.equal(revokeUrlOf({ token_url: 'https://idp.example/token', revoke_url: 'https://idp.example/revoke' }), 'https://idp.example/revoke');
  assert.equal(revokeUrlOf({ token_url: 'https://idp.example/token' }), null);
});

test('a token far from expiry is used as it is; one within a minute of it is refreshed first', async () => {
  let now = Date.now();
  const { storage, c } = client(() => now);
  const first = jwt({ sub: 'wang.li', exp: Math.floor(now / 1000) + 600 });
  keep(storage, { id_token: first, refresh_token: 'rt-a', expires_in: 600 }, now);
  issuer.requests.length = 0;
  assert.equal(await c.fresh(), first);
  assert.equal(issuer.requests.length, 0, 'no refresh ten minutes before expiry');
  assert.equal(c.dueIn(), Math.floor(now / 1000) * 1000 + 600_000 - MARGIN_MS - now, 'due a minute before expiry');

  now += 600_000 - MARGIN_MS + 1;
  assert.equal(c.dueIn(), 0);
  const second = await c.fresh();
  assert.notEqual(second, first);
  assert.equal(issuer.requests.length, 1);
  const r = issuer.requests[0];
  assert.equal(r.path, '/oauth2/token');
  assert.equal(r.type, 'application/x-www-form-urlencoded');
  assert.deepEqual(r.form, { grant_type: 'refresh_token', client_id: 'console-client', refresh_token: 'rt-a' });
  assert.equal(storage.getItem(KEYS.token), second);
  assert.equal(storage.getItem(KEYS.refresh), 'rt-a', 'Cognito sends no new refresh token: the old one is kept');
  assert.ok(c.dueIn() > 0, 'the new token is not due again at once');
});

test('concurrent requests share one refresh', async () => {
  const now = Date.now();
  const { storage, c } = client(() => now);
  keep(storage, { id_token: jwt({ exp: Math.floor(now / 1000) + 10 }), refresh_token: 'rt-b' }, now);
  issuer.requests.length = 0;
  const tokens = await Promise.all([c.fresh(), c.fresh(), c.fresh()]);
  assert.equal(new Set(tokens).size, 1);
  assert.equal(issuer.requests.length, 1);
});

test('a refused refresh forgets the refresh token and leaves the old ID token for the 401 to end', async () => {
  const now = Date.now();
  const { storage, c } = client(() => now);
  const old = jwt({ exp: Math.floor(now / 1000) + 5 });
  keep(storage, { id_token: old, refresh_token: 'rt-revoked' }, now);
  issuer.revoked.add('rt-revoked');
  assert.equal(await c.fresh(), old);
  await assert.rejects(c.refresh(), (e) => e.code === 'no-refresh-token');
  assert.equal(storage.getItem(KEYS.refresh), null);
  assert.equal(c.canRefresh(), false);
  assert.equal(c.dueIn(), null);
});

test('sign-out revokes the refresh token at the issuer and forgets every token', async () => {
  const now = Date.now();
  const { storage, c } = client(() => now);
  keep(storage, { id_token: jwt({ exp: Math.floor(now / 1000) + 600 }), refresh_token: 'rt-c' }, now);
  issuer.requests.length = 0;
  assert.equal(await c.signOut(), true);
  assert.deepEqual(issuer.requests.map((r) => [r.path, r.form.token, r.form.client_id]), [['/oauth2/revoke', 'rt-c', 'console-client']]);
  for (const k of Object.values(KEYS)) assert.equal(storage.getItem(k), null, k);
  await assert.rejects(c.refresh());
  // A revoked refresh token is refused by the issuer too.
  keep(storage, { id_token: jwt({ exp: 1 }), refresh_token: 'rt-c' }, now);
  await assert.rejects(c.refresh(), (e) => e.code === 'refresh-failed');
  // After an expiry (a refused refresh), sign-out only forgets.
  keep(storage, { id_token: jwt({ exp: 1 }), refresh_token: 'rt-d' }, now);
  issuer.requests.length = 0;
  assert.equal(await c.signOut({ revoke: false }), false);
  assert.equal(issuer.requests.length, 0);
  assert.equal(storage.getItem(KEYS.refresh), null);
});
