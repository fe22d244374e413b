// 时间戳 in headless Chromium (draw spec §16): the known-answer tokens of fixtures/timestamps/ run
// through the built page with the draw they stamp (vector 01-minimal, drawn at each vector's
// deadline, so the page's deadline is the vector's), as chosen files and as same-origin URLs of
// the verification link. The page must give each the outcome vectors.json records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { launch, serve, verifyInPage } from './browser.mjs';
import { ROOT, loadVector, runVector } from '../test/support.js';

const PAGE = fileURLToPath(new URL('../dist/verify.html', import.meta.url));
const SHOTS = join(ROOT, 'target/screenshots');
const TSR = join(ROOT, 'fixtures/timestamps');
const VECTORS = JSON.parse(readFileSync(join(TSR, 'vectors.json'), 'utf8'));

let browser;
let dir;
/** vector name → the draw files of 01-minimal drawn at that vector's deadline. */
const draws = {};

/** Writes vector 01-minimal's frame, pool, commitment and a transcript drawn at `drawnAt` into `to`. */
function writeDraw(to, drawnAt) {
  mkdirSync(to, { recursive: true });
  const v = loadVector('01-minimal.json');
  const { commitment, transcript } = runVector({ ...v.inputs, drawn_at: drawnAt });
  assert.equal(transcript.commitment_hash, VECTORS.vectors[0].commitment_hash);
  const frame = `target_id,stratum\n${v.inputs.frame.entries.map((e) => `${e.target_id},${e.stratum}`).join('\n')}\n`;
  const pool = `inspector_id,department,conflicts\n${v.inputs.pool.entries.map((e) => `${e.inspector_id},${e.department},${e.conflicts.join(';')}`).join('\n')}\n`;
  const files = { transcript: join(to, 'transcript.json'), frame: join(to, 'frame.csv'), pool: join(to, 'pool.csv'),
    commitment: join(to, 'commitment.json') };
  writeFileSync(files.transcript, JSON.stringify(transcript));
  writeFileSync(files.commitment, JSON.stringify(commitment));
  writeFileSync(files.frame, frame);
  writeFileSync(files.pool, pool);
  return files;
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'spotcheck-e2e-tsr-'));
  for (const v of VECTORS.vectors) {
    draws[v.name] = writeDraw(join(dir, v.name), v.deadline);
    // Published as the service names them: commitment.<authority>.tsr beside the commitment.
    copyFileSync(join(TSR, v.file), join(dir, v.name, 'commitment.test-tsa.tsr'));
    copyFileSync(join(TSR, VECTORS.anchor), join(dir, v.name, 'anchors.pem'));
  }
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

const timestampResult = (page) => page.evaluate(() => ({
  state: document.body.dataset.timestamps,
  result: JSON.parse(document.body.dataset.timestampResult ?? 'null'),
  text: document.getElementById('timestamps').innerText,
  details: [...document.querySelectorAll('#timestamps .timestamp-detail')].map((d) => d.innerText),
}));

for (const v of VECTORS.vectors) {
  test(`known-answer token ${v.name} in the page: ${v.want_err ?? 'proves the commitment existed before the round'}`, async () => {
    const { page, errors } = await openPage();
    await page.setInputFiles('#timestamps-file', join(TSR, v.file));
    await page.setInputFiles('#anchors-file', join(TSR, VECTORS.anchor));
    const r = await verifyInPage(page, draws[v.name]);
    assert.equal(r.state, 'verified', r.verdict);
    const ts = await timestampResult(page);
    assert.equal(ts.state, 'done');
    assert.deepEqual(ts.result.outcomes, [{ label: v.file, code: v.want_err ?? null }]);
    assert.equal(ts.result.proven, v.want_err === undefined);
    if (v.want_err) {
      assert.match(ts.text, /✘ 时间戳：没有有效的时间戳/);
      assert.match(ts.text, /只有抽查机关自己的说法为凭/);
      assert.ok(ts.text.includes(v.want_err), ts.text);
      // The detail line is the page's Chinese, not the core's English, and states times in 北京时间.
      assert.equal(ts.details.length, 1, ts.text);
      const detail = ts.details[0].replace(/(?:CN|O|C)=[^，；（）]*/g, '');
      assert.match(detail, /[\u4e00-\u9fff]/, detail);
      assert.doesNotMatch(detail, /[A-Za-z]*[a-z][A-Za-z]*[ ,:]+[A-Za-z]*[a-z][A-Za-z]*|\dZ\b/, detail);
      if (v.want_err === 'timestamp-too-late') {
        // genTime 2026-12-06T16:43:5xZ, deadline 2026-12-06T16:42:54Z: the next day in Beijing.
        assert.match(ts.details[0], /^时间戳时间为 2026-12-07 00:43:\d\d（北京时间）.*，不早于截止时间 2026-12-07 00:42:54（北京时间）。$/);
      }
    } else {
      // genTime 2026-12-06T16:43:56Z is 2026-12-07 00:43:56 in Beijing.
      assert.match(ts.text, /✔ 时间戳/);
      assert.match(ts.text, /时间戳机构 CN=spotcheck test TSA,O=spotcheck test,C=CN，时间 2026-12-07 00:43:56（北京时间）/);
      assert.match(ts.text, /截止时间是誊本记录的抽取时间 2026-12-07 00:44:57（北京时间）：时间戳必须早于它（见《抽取规范》第 16.4 节）/);
    }
    await page.screenshot({ path: join(SHOTS, `timestamp-${v.name}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('without a token the page says the publication time rests on the bureau\'s word alone', async () => {
  const { page, errors } = await openPage();
  const r = await verifyInPage(page, draws.valid);
  assert.equal(r.state, 'verified', r.verdict);
  const ts = await timestampResult(page);
  assert.deepEqual(ts.result.outcomes, []);
  assert.equal(ts.result.proven, false);
  assert.match(ts.text, /没有时间戳：承诺的公布时间只有抽查机关自己的说法为凭/);
  // A token without the anchors cannot be judged, and the page says why.
  await page.setInputFiles('#timestamps-file', join(TSR, 'valid.tsr'));
  await verifyInPage(page, draws.valid);
  assert.match((await timestampResult(page)).text, /没有提供时间戳机构的信任根证书/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a verification link names the tokens and anchors beside the commitment; the page fetches them same-origin', async () => {
  const server = await serve({ '/verify/': fileURLToPath(new URL('../dist/', import.meta.url)), '/draw/': join(dir, 'valid') });
  try {
    const q = ['transcript=/draw/transcript.json', 'frame=/draw/frame.csv', 'pool=/draw/pool.csv', 'commitment=/draw/commitment.json',
      'timestamp=/draw/commitment.test-tsa.tsr', 'anchors=/draw/anchors.pem'].join('&');
    const { page, errors } = await openPage(`${server.url}/verify/verify.html?${q}`);
    assert.equal(await page.inputValue('#timestamps-url'), '/draw/commitment.test-tsa.tsr');
    await page.click('#verify-button');
    await page.waitForFunction(() => ['verified', 'failed', 'error'].includes(document.body.dataset.state));
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'verified', await page.innerText('#verdict'));
    const ts = await timestampResult(page);
    assert.deepEqual(ts.result.outcomes, [{ label: 'commitment.test-tsa.tsr', code: null }]);
    assert.equal(ts.result.proven, true);
    await page.screenshot({ path: join(SHOTS, 'timestamp-by-url.png'), fullPage: true });
    // A missing token is reported in the 时间戳 box; the draw itself still verifies.
    await page.fill('#timestamps-url', '/draw/commitment.other.tsr');
    await page.click('#verify-button');
    await page.waitForFunction(() => document.body.dataset.timestamps === 'done' && document.body.dataset.state !== 'running');
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'verified');
    assert.match((await timestampResult(page)).text, /无法检查时间戳[\s\S]*404/);
    assert.deepEqual(errors.filter((e) => !/404/.test(e)), []);
    await page.close();
  } finally {
    await server.close();
  }
});

test("a link naming the plan's list of tokens (?timestamps=…/verification) fetches each token and the anchors it lists", async () => {
  // As the public API lays them out: /plans/{id}/verification, and /plans/{id}/timestamps/<file>.
  const plan = join(dir, 'plan');
  mkdirSync(join(plan, 'timestamps'), { recursive: true });
  for (const f of ['transcript.json', 'frame.csv', 'pool.csv', 'commitment.json']) copyFileSync(join(dir, 'valid', f), join(plan, f));
  copyFileSync(join(TSR, 'valid.tsr'), join(plan, 'timestamps', 'commitment.test-tsa.tsr'));
  copyFileSync(join(TSR, 'wrong-imprint.tsr'), join(plan, 'timestamps', 'commitment.other-tsa.tsr'));
  copyFileSync(join(TSR, VECTORS.anchor), join(plan, 'timestamps', 'tsa-anchors.pem'));
  const answer = (files, anchors = 'tsa-anchors.pem') => JSON.stringify({ plan: 'PT-2026-001', verified: true,
    timestamps: { proven: true, tokens: files.map((file) => ({ file, ok: true })), trust_anchors: anchors } });
  writeFileSync(join(plan, 'verification'), answer(['commitment.test-tsa.tsr', 'commitment.other-tsa.tsr']));
  writeFileSync(join(plan, 'verification-bad'), answer(['../transcript.json']));
  const server = await serve({ '/verify/': fileURLToPath(new URL('../dist/', import.meta.url)), '/plan/': plan });
  try {
    const files = 'transcript=/plan/transcript.json&frame=/plan/frame.csv&pool=/plan/pool.csv&commitment=/plan/commitment.json';
    const { page, errors } = await openPage(`${server.url}/verify/verify.html?${files}&timestamps=/plan/verification`);
    await page.click('#verify-button');
    await page.waitForFunction(() => document.body.dataset.timestamps === 'done' && document.body.dataset.state !== 'running');
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'verified', await page.innerText('#verdict'));
    const ts = await timestampResult(page);
    assert.deepEqual(ts.result.outcomes, [{ label: 'commitment.test-tsa.tsr', code: null },
      { label: 'commitment.other-tsa.tsr', code: 'timestamp-imprint' }]);
    assert.equal(ts.result.proven, true);
    assert.equal(await page.inputValue('#anchors-url'), `${server.url}/plan/timestamps/tsa-anchors.pem`);
    await page.screenshot({ path: join(SHOTS, 'timestamp-listing.png'), fullPage: true });
    await page.close();
    // The plan's own JSON (/plans/{id}) lists them too, under `timestamps`: the files are under /plans/{id}/timestamps/.
    writeFileSync(join(plan, 'PT-2026-001'), JSON.stringify({ id: 'PT-2026-001',
      timestamps: { tokens: [{ file: 'commitment.test-tsa.tsr' }], trust_anchors: 'tsa-anchors.pem', statement: '…' } }));
    const byPlan = await openPage(`${server.url}/verify/verify.html?${files}&timestamps=/plan/PT-2026-001`);
    await byPlan.page.click('#verify-button');
    await byPlan.page.waitForFunction(() => document.body.dataset.timestamps === 'done' && document.body.dataset.state !== 'running');
    assert.equal(await byPlan.page.inputValue('#timestamps-url'), `${server.url}/plan/PT-2026-001/timestamps/commitment.test-tsa.tsr`);
    await byPlan.page.close();
    // A list naming anything but a plain file name beside it is refused, not followed.
    const bad = await openPage(`${server.url}/verify/verify.html?${files}&timestamps=/plan/verification-bad`);
    await bad.page.click('#verify-button');
    await bad.page.waitForFunction(() => document.body.dataset.timestamps === 'done' && document.body.dataset.state !== 'running');
    assert.match((await timestampResult(bad.page)).text, /时间戳清单（.*）的格式不对/);
    await bad.page.close();
    // A list that is not JSON (e.g. an error page) is said to be so in Chinese, not in the browser's English.
    writeFileSync(join(plan, 'verification-html'), '<!doctype html><p>Not Found</p>');
    const html = await openPage(`${server.url}/verify/verify.html?${files}&timestamps=/plan/verification-html`);
    await html.page.click('#verify-button');
    await html.page.waitForFunction(() => document.body.dataset.timestamps === 'done' && document.body.dataset.state !== 'running');
    assert.match((await timestampResult(html.page)).text, /时间戳清单（\/plan\/verification-html）不是 JSON 文件。/);
    assert.doesNotMatch((await timestampResult(html.page)).text, /Unexpected|token|valid JSON/);
    await html.page.close();
    assert.deepEqual([...errors, ...bad.errors], []);
  } finally {
    await server.close();
  }
});
