// End to end in headless Chromium: the built page (dist/verify.html) verifies a demo draw made by
// the Rust CLI, rejects a tampered copy naming the field, fetches inputs by URL, and checks an
// inclusion proof. Screenshots go to target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { launch, serve, verifyInPage } from './browser.mjs';
import { makeBeaconDraw, makeDemoDraw, spotcheckBinary, ROOT } from '../test/support.js';
import { CHECKS } from '../src/core/verify.js';

const PAGE = fileURLToPath(new URL('../dist/verify.html', import.meta.url));
const SHOTS = join(ROOT, 'target/screenshots');

let browser;
let dir;
let files;
let bin;
let beaconFiles;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  bin = spotcheckBinary();
  dir = mkdtempSync(join(tmpdir(), 'spotcheck-e2e-'));
  files = makeDemoDraw(bin, dir, { size: 5000, poolSize: 40, seed: 'e2e-demo' });
  const t = JSON.parse(readFileSync(files.transcript, 'utf8'));
  const ids = t.selections[3].inspectors;
  ids[0] = ids[0] === 'ZF000001' ? 'ZF000002' : 'ZF000001';
  files.tampered = join(dir, 'transcript-tampered.json');
  writeFileSync(files.tampered, JSON.stringify(t));
  beaconFiles = makeBeaconDraw(bin, join(dir, 'beacon'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openPage(url = pathToFileURL(PAGE).href) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
  return { page, errors };
}

test('the page is labelled and in Chinese', async () => {
  const { page, errors } = await openPage();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, textarea')].filter((i) => i.labels.length === 0).map((i) => i.id));
  assert.deepEqual(unlabelled, []);
  // Keyboard: the skip link first, then the link back to the site, then the first file input.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'site-home');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'transcript-file');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a demo draw verifies in the page from file://, every check passing, in a worker', async () => {
  const { page, errors } = await openPage();
  const r = await verifyInPage(page, files);
  await page.screenshot({ path: join(SHOTS, 'verify-pass.png'), fullPage: true });
  assert.equal(r.state, 'verified', r.verdict);
  assert.equal(r.mode, 'worker');
  // The frame's tree was hashed by hash-wasm's one-shot entry point (the fast path), not a fallback.
  assert.deepEqual(r.sha256, { backend: 'wasm', entry: 'Hash_Calculate' });
  assert.equal(r.frameHanded, true, 'the frame file was handed to the worker at the click');
  assert.deepEqual(r.statuses, CHECKS.map((c) => [c.id, 'pass']));
  assert.match(r.verdict, /验证通过/);
  // Times in 北京时间, labelled: committed 2026-11-26T08:00:00Z, drawn 2026-11-27T09:30:00Z.
  assert.match(r.verdict, /承诺时间 2026-11-26 16:00:00（北京时间），抽取时间 2026-11-27 17:30:00（北京时间）。/);
  assert.doesNotMatch(r.verdict, /T08:00:00Z|T09:30:00Z/);
  assert.match(r.verdict, /从 5000 个检查对象中抽取/);
  // Spec sections are cited in words, each a link to the spec; no bare § anywhere on the page.
  assert.equal(await page.innerText('#checks li[data-check=format] a.sec'), '见《抽取规范》第 13.1 节');
  assert.equal(await page.getAttribute('#checks li[data-check=format] a.sec', 'href'), 'draw-spec.txt');
  assert.doesNotMatch(await page.innerText('body'), /§/);
  assert.match(await page.textContent('#cli-verify'), /spotcheck verify transcript\.json --frame frame\.csv --pool pool\.csv --commitment commitment\.json/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a verification started while the page is still warming up verifies (both use the hashing helper)', async (t) => {
  for (let round = 0; round < 3; round++) {
    const { page, errors } = await openPage();
    const warming = await page.evaluate(() => document.body.dataset.warm !== 'done');
    if (!warming) t.diagnostic(`round ${round}: the warm-up had already ended`);
    const r = await verifyInPage(page, files);
    assert.equal(r.state, 'verified', r.verdict);
    assert.equal(r.mode, 'worker');
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('without workers (the fallback) the page verifies on its own thread', async () => {
  const { page, errors } = await openPage(`${pathToFileURL(PAGE).href}?worker=0`);
  const r = await verifyInPage(page, files);
  assert.equal(r.state, 'verified', r.verdict);
  assert.equal(r.mode, 'page');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a tampered transcript is rejected, naming selections[3].inspectors', async () => {
  const { page } = await openPage();
  const r = await verifyInPage(page, { ...files, transcript: files.tampered });
  await page.screenshot({ path: join(SHOTS, 'verify-tampered.png'), fullPage: true });
  assert.equal(r.state, 'failed');
  assert.equal(r.failedField, 'selections[3].inspectors');
  assert.match(r.verdict, /selections\[3\]\.inspectors/);
  const failed = r.statuses.filter(([, s]) => s === 'fail').map(([id]) => id);
  assert.deepEqual(failed, ['selections']);
  assert.equal(await page.textContent('#checks li[data-status=fail] .failed-field'), 'selections[3].inspectors');
  await page.close();
});

test('a frame file with quoted fields verifies too (the helper leaves such a file to the worker)', async () => {
  const lines = readFileSync(files.frame, 'utf8').trimEnd().split(/\r?\n/);
  const quoted = join(dir, 'frame-quoted.csv');
  writeFileSync(quoted, `${lines.map((l) => l.split(',').map((f) => `"${f}"`).join(',')).join('\r\n')}\r\n`);
  const { page, errors } = await openPage();
  const r = await verifyInPage(page, { ...files, frame: quoted });
  assert.equal(r.state, 'verified', r.verdict);
  assert.equal(r.mode, 'worker');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the wrong frame file is named as commitment.frame.size', async () => {
  const other = join(dir, 'other-frame.csv');
  execFileSync(bin, ['gen-frame', '--size', '4999', '--seed', 'e2e-demo', '--out', other]);
  const { page } = await openPage();
  const r = await verifyInPage(page, { ...files, frame: other });
  assert.equal(r.failedField, 'commitment.frame.size');
  await page.close();
});

test('inputs given by URL (query parameters) are fetched and verified; a missing one is reported', async () => {
  const server = await serve({ '/verify/': fileURLToPath(new URL('../dist/', import.meta.url)), '/draw/': dir });
  try {
    const q = 'transcript=/draw/transcript.json&frame=/draw/frame.csv&pool=/draw/pool.csv&commitment=/draw/commitment.json';
    const { page, errors } = await openPage(`${server.url}/verify/verify.html?${q}`);
    await page.click('#verify-button');
    await page.waitForFunction(() => ['verified', 'failed', 'error'].includes(document.body.dataset.state));
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'verified', await page.innerText('#verdict'));
    await page.fill('#transcript-url', '/draw/missing.json');
    await page.click('#verify-button');
    await page.waitForFunction(() => document.body.dataset.state === 'error');
    assert.match(await page.innerText('#verdict'), /无法获取誊本.*404/);
    assert.deepEqual(errors.filter((e) => !/404/.test(e)), []);
    await page.close();
  } finally {
    await server.close();
  }
});

/** A file server on its own port (another origin) that allows cross-origin reads, counting requests. */
function otherOrigin(root) {
  const state = { hits: [] };
  const server = createServer((req, res) => {
    state.hits.push(req.url);
    const file = join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, ''));
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'access-control-allow-origin': '*' });
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    state,
    close: () => new Promise((r) => server.close(r)),
  })));
}

test('a URL on another origin is read only after the user confirms that origin, shown in full', async () => {
  const server = await serve({ '/verify/': fileURLToPath(new URL('../dist/', import.meta.url)), '/draw/': dir });
  const other = await otherOrigin(dir);
  try {
    // A link to the official page naming an attacker's transcript.
    const q = `transcript=${other.url}/transcript.json&frame=/draw/frame.csv&pool=/draw/pool.csv&commitment=/draw/commitment.json`;
    const { page, errors } = await openPage(`${server.url}/verify/verify.html?${q}`);
    const asked = [];
    const answer = (accept) => page.once('dialog', async (d) => {
      asked.push(d.message());
      if (accept) await d.accept(); else await d.dismiss();
    });
    answer(false);
    await page.click('#verify-button');
    await page.waitForFunction(() => ['verified', 'failed', 'error'].includes(document.body.dataset.state));
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'error');
    const refused = await page.innerText('#verdict');
    assert.match(refused, /未读取誊本/);
    assert.ok(refused.includes(other.url), refused);
    assert.equal(asked.length, 1);
    assert.ok(asked[0].includes(`\n${other.url}\n`), `the origin in full on its own line: ${asked[0]}`);
    assert.ok(asked[0].includes(`${other.url}/transcript.json`), asked[0]);
    assert.deepEqual(other.state.hits, [], 'nothing was fetched from the other origin');

    answer(true);
    await page.click('#verify-button');
    await page.waitForFunction(() => ['verified', 'failed', 'error'].includes(document.body.dataset.state));
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'verified', await page.innerText('#verdict'));
    assert.equal(asked.length, 2);
    assert.deepEqual(other.state.hits, ['/transcript.json']);
    // Same-origin files were never asked about; the confirmed origin is not asked about again.
    await page.click('#verify-button');
    await page.waitForFunction(() => document.body.dataset.state === 'verified');
    assert.equal(asked.length, 2);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await other.close();
    await server.close();
  }
});

test('an inclusion proof from the CLI is checked against the loaded transcript', async () => {
  const t = JSON.parse(readFileSync(files.transcript, 'utf8'));
  const target = t.selections[0].target;
  const proofPath = join(dir, 'proof.json');
  execFileSync(bin, ['prove', files.frame, target, '--out', proofPath]);
  const { page } = await openPage();
  await verifyInPage(page, files);
  await page.setInputFiles('#proof-file', proofPath);
  await page.click('#proof-button');
  await page.waitForSelector('#proof-result .verdict');
  const text = await page.innerText('#proof-result');
  assert.match(text, new RegExp(`${target} 在检查对象名录中`));
  assert.match(text, /被抽中/);
  assert.match(text, /PT-2026-900/);
  await page.locator('section[aria-labelledby=proof-h]').screenshot({ path: join(SHOTS, 'proof-pass.png') });
  // A proof whose stratum was changed does not lead to the root.
  const bad = JSON.parse(readFileSync(proofPath, 'utf8'));
  bad.stratum = '350300-Z';
  await page.setInputFiles('#proof-file', []);
  await page.fill('#proof-text', JSON.stringify(bad));
  await page.click('#proof-button');
  await page.waitForSelector('#proof-result .verdict.bad');
  assert.match(await page.innerText('#proof-result'), /证明无效/);
  // A proof that is not JSON: the reader's Chinese message, after a full-width colon.
  await page.fill('#proof-text', '{"target_id": ');
  await page.click('#proof-button');
  await page.waitForSelector('#proof-result .verdict.bad');
  assert.match(await page.innerText('#proof-result'), /无法检查证明\s*证明文件：JSON 第 1 行第 \d+ 列：/);
  await page.close();
});

test('a drand draw verifies offline in the page: the drand line names round 1000 of quicknet', async () => {
  const { page, errors } = await openPage();
  // Nothing is fetched: the round's signature is in the transcript, the chain's key in the page.
  const requests = [];
  page.on('request', (r) => !/^(file|blob|data):/.test(r.url()) && requests.push(r.url()));
  const r = await verifyInPage(page, beaconFiles);
  await page.screenshot({ path: join(SHOTS, 'verify-drand-pass.png'), fullPage: true });
  assert.equal(r.state, 'verified', r.verdict);
  assert.deepEqual(r.statuses, CHECKS.map((c) => [c.id, 'pass']));
  const line = await page.innerText('#checks li[data-check=drand]');
  assert.match(line, /drand 公共随机信标/);
  assert.match(line, /drand quicknet 链（链哈希 52db9ba7…0c84e971）第 1000 轮，发布于 2023-08-23 23:59:24（北京时间）：BLS 签名有效/);
  assert.match(r.verdict, /drand quicknet 链第 1000 轮，发布于 2023-08-23 23:59:24（北京时间），其签名已离线验证/);
  assert.deepEqual(requests, []);
  assert.deepEqual(errors, []);
  // One flipped bit of the signature: the page names entropy.drand.signature, as the CLI does.
  const t = JSON.parse(readFileSync(beaconFiles.transcript, 'utf8'));
  const last = parseInt(t.entropy.drand.signature.slice(-2), 16) ^ 1;
  t.entropy.drand.signature = t.entropy.drand.signature.slice(0, -2) + last.toString(16).padStart(2, '0');
  const tampered = join(dir, 'beacon', 'transcript-bad-signature.json');
  writeFileSync(tampered, JSON.stringify(t));
  const bad = await verifyInPage(page, { ...beaconFiles, transcript: tampered });
  await page.screenshot({ path: join(SHOTS, 'verify-drand-bad-signature.png'), fullPage: true });
  assert.equal(bad.state, 'failed');
  assert.equal(bad.failedField, 'entropy.drand.signature');
  assert.deepEqual(bad.statuses.filter(([, s]) => s === 'fail').map(([id]) => id), ['drand']);
  assert.equal(await page.textContent('#checks li[data-status=fail] .failed-field'), 'entropy.drand.signature');
  await page.close();
});

test('a witness-only draw shows that no drand round was promised', async () => {
  const { page } = await openPage();
  const r = await verifyInPage(page, files);
  assert.equal(r.state, 'verified', r.verdict);
  assert.match(await page.innerText('#checks li[data-check=drand]'), /承诺没有指定 drand 轮次/);
  assert.doesNotMatch(r.verdict, /drand/);
  await page.close();
});

test('the page links back to the site home it is served under', async () => {
  const server = await serve({ '/sjgk/': join(PAGE, '..') });
  try {
    const { page, errors } = await openPage(`${server.url}/sjgk/verify.html`);
    const home = await page.$eval('#site-home', (a) => ({ href: a.href, text: a.textContent }));
    assert.equal(home.href, `${server.url}/sjgk/index.html`);
    assert.match(home.text, /返回网站首页/);
    assert.equal(await page.$eval('footer a[href="index.html"]', (a) => a.href), `${server.url}/sjgk/index.html`);
    assert.equal(await page.$eval('footer a[href="draw-spec.txt"]', (a) => a.href), `${server.url}/sjgk/draw-spec.txt`);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await server.close();
  }
});

test('for a guide plan (?kind=guide) the page says 导游, never 企业', async () => {
  const t = JSON.parse(readFileSync(files.transcript, 'utf8'));
  const target = t.selections[0].target;
  const proofPath = join(dir, 'proof-guide.json');
  execFileSync(bin, ['prove', files.frame, target, '--out', proofPath]);
  const { page, errors } = await openPage(`${pathToFileURL(PAGE).href}?kind=guide`);
  assert.equal(await page.innerText('#proof-h'), '二、某名导游是否在抽查名录中？');
  const r = await verifyInPage(page, files);
  assert.equal(r.state, 'verified', r.verdict);
  assert.match(r.verdict, /从 5000 名导游中抽取 \d+ 名，每名都分配了检查人员/);
  await page.setInputFiles('#proof-file', proofPath);
  await page.click('#proof-button');
  await page.waitForSelector('#proof-result .verdict');
  const text = await page.innerText('#proof-result');
  assert.match(text, /该导游在本次抽取中被抽中/);
  assert.match(text, /共 5000 名导游/);
  assert.doesNotMatch(await page.innerText('body'), /企业/);
  await page.locator('section[aria-labelledby=proof-h]').screenshot({ path: join(SHOTS, 'proof-guide.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('without a kind the page says 检查对象, not 企业', async () => {
  const { page } = await openPage();
  assert.equal(await page.innerText('#proof-h'), '二、某个检查对象是否在抽查名录中？');
  assert.doesNotMatch(await page.innerText('body'), /企业/);
  await page.close();
});
