// End to end over the real service: `spotcheck serve --demo` listens on 127.0.0.1, a joint plan of
// 莆田市文化和旅游局 with 莆田市市场监督管理局 (draw spec §17) is made through its HTTP API — created
// by the lead, approved by the partner's supervisor, committed and drawn — and its four published
// inputs are taken as the public takes them: downloaded from /api/public/plans/{id}/…, and from the
// plan page of the site `spotcheck publish` renders from the same data (its 验证 link). The built
// page (dist/verify.html) in headless Chromium verifies them as a spotcheck-draw/2 draw, every
// check passing, and so does `spotcheck verify`; one byte changed in any of the four files makes
// both fail. The demo's own joint check PT-2026-JOINT verifies in the page too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { launch, serve, verifyInPage } from './browser.mjs';
import { spotcheckBinary, ROOT } from '../test/support.js';
import { CHECKS } from '../src/core/verify.js';

const PAGE = fileURLToPath(new URL('../dist/verify.html', import.meta.url));
const SHOTS = join(ROOT, 'target/screenshots');
const LEAD = '莆田市文化和旅游局';
const PARTNER = '莆田市市场监督管理局';
const PLAN = 'PT-2026-LH01';
const FILES = { transcript: 'transcript.json', commitment: 'commitment.json', frame: 'frame.csv', pool: 'pool.csv' };
// Where each file lies under /api/public/plans/{id}/.
const ROUTES = { transcript: 'transcript', commitment: 'commitment', frame: 'frame.csv', pool: 'pool.csv' };

let bin;
let dir;
let server; // { child, url, token }
let browser;
const published = {}; // plan id → { transcript, commitment, frame, pool } paths of the downloaded files

/** Starts `spotcheck serve --demo` on a free port with no minimum notice; resolves once it listens. */
function startServer(cwd) {
  const child = spawn(bin, ['serve', '--demo', '--addr', '127.0.0.1:0', '--min-notice-minutes', '0',
    '--data', join(cwd, 'demo.sqlite')], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`serve --demo did not start in 120 s:\n${out}\n${err}`));
    }, 120_000);
    child.on('exit', (code) => reject(new Error(`serve --demo exited (${code}):\n${out}\n${err}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const lines = out.split('\n');
      const token = lines[lines.findIndex((l) => l.startsWith('token (')) + 1];
      if (url && token) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, url, token: token.trim() });
      }
    });
  });
}

/** Stops the server this test started, and waits for it to exit. */
function stopServer(s) {
  if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    s.child.once('exit', resolve);
    s.child.kill('SIGTERM');
  });
}

/** A JSON request to the API; fails the test on anything but a 2xx, showing the problem. */
async function api(method, path, token, body) {
  const r = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw Object.assign(new Error(`${method} ${path}: ${r.status} ${text}`), { status: r.status, text });
  return JSON.parse(text);
}

/** Downloads a plan's four published files, byte for byte, into `into`. */
async function download(id, into) {
  mkdirSync(into, { recursive: true });
  const paths = {};
  for (const [k, route] of Object.entries(ROUTES)) {
    const r = await fetch(`${server.url}/api/public/plans/${id}/${route}`);
    assert.equal(r.status, 200, `${id}/${route}`);
    paths[k] = join(into, FILES[k]);
    writeFileSync(paths[k], Buffer.from(await r.arrayBuffer()));
  }
  return paths;
}

/** `spotcheck verify` on the files: its exit status and output. */
function cliVerify(f) {
  const r = spawnSync(bin, ['verify', f.transcript, '--frame', f.frame, '--pool', f.pool, '--commitment', f.commitment],
    { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/**
 * A copy of file `k` of `f` with one byte changed: an ASCII digit at a chosen place becomes
 * another digit, so the file still reads (UTF-8, CSV, JSON) and only its content differs.
 */
function oneByteChanged(f, k, where) {
  const bytes = readFileSync(f[k]);
  const i = where(bytes);
  assert.ok(i >= 0 && bytes[i] >= 0x30 && bytes[i] <= 0x39, `${k}: no digit at the chosen place`);
  const copy = Buffer.from(bytes);
  copy[i] = copy[i] === 0x39 ? 0x30 : copy[i] + 1;
  const path = join(dir, `changed-${k}-${FILES[k]}`);
  writeFileSync(path, copy);
  return { ...f, [k]: path };
}

/** The offset of the last digit of the first occurrence of `s` (a string of the file) in `bytes`. */
function lastDigitOf(bytes, s) {
  const at = bytes.indexOf(Buffer.from(s));
  assert.ok(at >= 0, `${s} is not in the file`);
  let i = at + Buffer.byteLength(s) - 1;
  while (i >= at && !(bytes[i] >= 0x30 && bytes[i] <= 0x39)) i -= 1;
  return i;
}

// The field each verifier names for the file changed by changedCopies(): the changed team no longer
// re-computes; the changed commitment is not the transcript's (named where they differ); the changed
// frame and pool do not hash to the committed roots.
const CHANGED_FIELDS = {
  transcript: 'selections[0].inspectors',
  commitment: 'commitment.frame.size',
  frame: 'commitment.frame.root',
  pool: 'commitment.pool.root',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  bin = spotcheckBinary();
  dir = mkdtempSync(join(tmpdir(), 'spotcheck-joint-api-'));
  server = await startServer(dir);
  // The partner's supervisor, signed with the server's own key.
  const partner = execFileSync(bin, ['token', '--sub', 'market-chief', '--department', PARTNER, '--role', 'supervisor',
    '--data', join(dir, 'demo.sqlite')], { encoding: 'utf8' }).trim();
  // Drawn ten seconds from now (the server was started without a minimum notice): time enough to
  // create, approve and commit on a loaded machine before the planned time passes.
  const planned = new Date(Math.ceil(Date.now() / 1000) * 1000 + 10_000);
  const plan = await api('POST', '/api/plans', server.token, {
    id: PLAN, item: 'PT-LY-001', title: '旅行社部门联合“双随机”抽查（浏览器验证测试）', department: LEAD,
    target_kind: 'agency', filter: { mode: 'untargeted' }, stratum_scheme: 'region',
    parameters: { default: { count: 2 }, inspectors_per_target: 2, max_assignments_per_inspector: 4,
      joint: { lead: LEAD, partners: [PARTNER], require: 'all' } },
    entropy_source: { witnesses: ['观察员 李某'] },
    planned_draw_at: planned.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
  await api('POST', `/api/plans/${PLAN}/partner-approval`, partner, { expected_version: plan.version });
  await api('POST', `/api/plans/${PLAN}/commit`, server.token);
  await sleep(Math.max(0, planned.getTime() - Date.now()) + 500);
  for (let attempt = 0; ; attempt += 1) {
    try {
      await api('POST', `/api/plans/${PLAN}/draw`, server.token, { witnesses: [{ name: '观察员 李某', value: '3 1 4 1 5 9' }] });
      break;
    } catch (e) {
      if (attempt > 10 || !/draw-too-early/.test(e.text ?? '')) throw e;
      await sleep(500);
    }
  }
  published[PLAN] = await download(PLAN, join(dir, 'api', PLAN));
  published['PT-2026-JOINT'] = await download('PT-2026-JOINT', join(dir, 'api', 'PT-2026-JOINT'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await stopServer(server);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the joint plan made through the API is published as one spotcheck-draw/2 draw of both departments', () => {
  const f = published[PLAN];
  const commitment = JSON.parse(readFileSync(f.commitment, 'utf8'));
  const transcript = JSON.parse(readFileSync(f.transcript, 'utf8'));
  assert.equal(commitment.spec_version, 'spotcheck-draw/2');
  assert.equal(transcript.spec_version, 'spotcheck-draw/2');
  assert.deepEqual(commitment.parameters.joint, { lead: LEAD, partners: [PARTNER], require: 'all' });
  // One pool of both departments; every team holds an inspector of each, the lead's first.
  const dept = new Map(readFileSync(f.pool, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 2)));
  assert.ok([...dept.values()].includes(LEAD) && [...dept.values()].includes(PARTNER), 'the pool holds both departments');
  assert.ok(transcript.selections.length > 0);
  for (const s of transcript.selections) {
    assert.deepEqual(s.inspectors.map((i) => dept.get(i)), [LEAD, PARTNER], s.target);
  }
});

test('spotcheck verify accepts the published files and refuses each with one byte changed, naming the field', () => {
  for (const [id, f] of Object.entries(published)) {
    const r = cliVerify(f);
    assert.equal(r.status, 0, `${id}: ${r.out}`);
    assert.match(r.out, new RegExp(`VERIFIED: plan ${id}`));
  }
  for (const [k, changed] of Object.entries(changedCopies())) {
    const r = cliVerify(changed);
    assert.notEqual(r.status, 0, `${k} changed: ${r.out}`);
    assert.doesNotMatch(r.out, /VERIFIED/, k);
    assert.ok(r.out.includes(`FAILED: `) && r.out.includes(` ${CHANGED_FIELDS[k]}: `), `${k} changed: ${r.out}`);
  }
});

/** Each of the four published files of the API plan with one byte changed (the others as published). */
function changedCopies() {
  const f = published[PLAN];
  const t = JSON.parse(readFileSync(f.transcript, 'utf8'));
  const c = JSON.parse(readFileSync(f.commitment, 'utf8'));
  const pool = readFileSync(f.pool, 'utf8').trim().split('\n');
  const frame = readFileSync(f.frame, 'utf8').trim().split('\n');
  return {
    // The partner's inspector of the first team: another inspector's number.
    transcript: oneByteChanged(f, 'transcript', (b) => lastDigitOf(b, `"${t.selections[0].inspectors[1]}"`)),
    // The committed frame size.
    commitment: oneByteChanged(f, 'commitment', (b) => lastDigitOf(b, `"size":${c.frame.size}`)),
    // The last candidate's credit code.
    frame: oneByteChanged(f, 'frame', (b) => lastDigitOf(b, `${frame.at(-1).split(',')[0]},`)),
    // The last inspector's number.
    pool: oneByteChanged(f, 'pool', (b) => lastDigitOf(b, pool.at(-1).split(',')[0])),
  };
}

async function openPage(url = pathToFileURL(PAGE).href) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
  return { page, errors };
}

test('the page verifies the downloaded files of both joint plans, every check passing', async () => {
  const { page, errors } = await openPage();
  for (const [id, f] of Object.entries(published)) {
    const r = await verifyInPage(page, f);
    assert.equal(r.state, 'verified', `${id}: ${r.verdict}`);
    assert.deepEqual(r.statuses, CHECKS.map((c) => [c.id, 'pass']), id);
    assert.match(r.verdict, /验证通过/);
    assert.ok(r.verdict.includes(`计划 ${id}`), r.verdict);
    if (id === PLAN) await page.screenshot({ path: join(SHOTS, 'verify-joint-api-pass.png'), fullPage: true });
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page refuses each published file with one byte changed, naming the field', async () => {
  const { page, errors } = await openPage();
  const fields = {};
  for (const [k, changed] of Object.entries(changedCopies())) {
    const r = await verifyInPage(page, changed);
    assert.equal(r.state, 'failed', `${k} changed: ${r.verdict}`);
    assert.match(r.verdict, /验证未通过/, k);
    fields[k] = r.failedField;
  }
  assert.deepEqual(fields, CHANGED_FIELDS);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the site spotcheck publish renders from the same data links the page to the same files, which verify', async () => {
  await stopServer(server);
  const site = join(dir, 'site');
  execFileSync(bin, ['publish', '--due', '--data', join(dir, 'demo.sqlite'), '--site-dir', site],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // The site publishes the same bytes the API does.
  for (const k of Object.keys(FILES)) {
    assert.ok(readFileSync(join(site, 'plans', PLAN, FILES[k])).equals(readFileSync(published[PLAN][k])), k);
  }
  const http = await serve({ '/': site });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${http.url}/plans/${PLAN}/index.html`);
    // The plan page names both departments and states what each team must hold.
    const rules = await page.innerText('#rules');
    assert.ok(rules.includes(`本计划为部门联合抽查：牵头部门为${LEAD}，配合部门为${PARTNER}；`
      + '每个检查对象的检查组至少包含每个参与部门的一名执法检查人员。'), rules);
    await Promise.all([page.waitForURL(/\/verify\.html\?/), page.click('a[href*="verify.html?transcript="]')]);
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    await page.click('#verify-button');
    await page.waitForFunction(() => ['verified', 'failed', 'error'].includes(document.body.dataset.state), null,
      { timeout: 120_000, polling: 20 });
    const state = await page.evaluate(() => document.body.dataset.state);
    assert.equal(state, 'verified', await page.innerText('#verdict'));
    const statuses = await page.evaluate(() =>
      [...document.querySelectorAll('#checks li')].map((li) => [li.dataset.check, li.dataset.status]));
    assert.deepEqual(statuses, CHECKS.map((c) => [c.id, 'pass']));
    await page.screenshot({ path: join(SHOTS, 'verify-joint-site-pass.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await http.close();
  }
});
