// The page: reads the inputs, runs the verification, shows every check of draw spec §14.
import { CHECKS } from '../core/verify.js';
import { checkInclusion } from '../core/proof.js';
import { parseStrictJson } from '../core/strict-json.js';
import { CHECK_TEXT, PHASE_TEXT, SPEC_URL, STATUS_TEXT, beijingTime, drandText, failureText, kindWord, sectionText, valueText } from './texts.js';
import { readSource, decodeText, SourceError } from './sources.js';
import { prestartWorker, runVerification, startFrameFile } from './run.js';
import { prefillTimestamps, showTimestamps } from './timestamps.js';

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
};

const SOURCES = {
  transcript: { label: '誊本' },
  frame: { label: '检查对象名录' },
  pool: { label: '检查人员名录' },
  commitment: { label: '承诺文件' },
};
for (const [key, s] of Object.entries(SOURCES)) {
  s.fileInput = $(`${key}-file`);
  s.urlInput = $(`${key}-url`);
}

/** What the plan's targets are called (?kind=guide: 导游), for the proof panel and the verdict. */
const KIND = kindWord(new URLSearchParams(location.search).get('kind'));

/** The transcript loaded by the last verification, for the proof panel. */
let lastTranscript = null;

/** Query parameters pre-fill the URL fields: ?transcript=…&frame=…&pool=…&commitment=… */
function prefillFromQuery() {
  const q = new URLSearchParams(location.search);
  for (const node of document.querySelectorAll('.kind-noun')) node.textContent = KIND.noun;
  for (const node of document.querySelectorAll('.kind-measure')) node.textContent = KIND.measure;
  for (const key of Object.keys(SOURCES)) if (q.get(key)) SOURCES[key].urlInput.value = q.get(key);
  prefillTimestamps(q);
}

function checkItem(c, status) {
  const [title, explain] = CHECK_TEXT[c.id];
  const li = el('li', { 'data-check': c.id, 'data-status': status },
    el('span', { class: `badge ${status}` }, badgeText(status)),
    el('span', { class: 'check-title' }, title, ' ',
      el('a', { class: 'sec', href: SPEC_URL, 'data-section': c.section }, `见《抽取规范》${sectionText(c.section)}`)),
    el('p', { class: 'check-explain' }, explain));
  if (c.id === 'drand' && status === 'pass') li.append(el('p', { class: 'check-explain check-beacon' }, drandText(c.beacon ?? null)));
  if (status === 'fail') li.append(failureBox(c));
  return li;
}

const badgeText = (status) => `${status === 'pass' ? '✔' : status === 'fail' ? '✘' : '·'} ${STATUS_TEXT[status]}`;

/** Whether the list shows a report (details, failures) rather than plain statuses. */
let checksShowReport = false;

/** The whole list, e.g. a report's checks with their details. */
function renderChecks(checks) {
  $('checks').replaceChildren(...checks.map((c) => checkItem(c, c.status)));
}

/**
 * While a verification runs: only the badges that change are touched. Rebuilding the list (16
 * items of Chinese text) on each progress message cost a full layout and repaint of the page each
 * time, on the CPU the verification needs (draw spec work runs in workers, not on this thread).
 */
function markChecks(runningId) {
  const running = CHECKS.findIndex((c) => c.id === runningId);
  CHECKS.forEach((c, i) => {
    const li = $('checks').querySelector(`li[data-check="${c.id}"]`);
    const status = i < running ? 'pass' : i === running ? 'running' : 'not-run';
    if (!li || li.dataset.status === status) return;
    li.dataset.status = status;
    const badge = li.querySelector('.badge');
    badge.className = `badge ${status}`;
    badge.textContent = badgeText(status);
  });
}

function failureBox(f) {
  const dl = el('dl', {}, el('dt', {}, '字段'), el('dd', {}, el('code', { class: 'failed-field' }, f.field)),
    el('dt', {}, '原因'), el('dd', {}, failureText(f)));
  if (f.recorded !== undefined) dl.append(el('dt', {}, '誊本记录的值'), el('dd', {}, el('code', {}, valueText(f.recorded))));
  if (f.recomputed !== undefined) dl.append(el('dt', {}, '重新计算的值'), el('dd', {}, el('code', {}, valueText(f.recomputed))));
  if (f.internal) dl.append(el('dt', {}, '内部错误'), el('dd', {}, el('code', {}, f.internal)));
  return el('div', { class: 'failure' }, dl);
}

function verdict(target, ok, headline, ...lines) {
  target.replaceChildren(el('div', { class: `verdict ${ok ? 'ok' : 'bad'}`, 'data-ok': String(ok) },
    el('strong', {}, headline), ...lines.filter(Boolean).map((l) => el('p', {}, l))));
}

function setCommand(names) {
  const q = (s) => (/^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
  let cmd = `spotcheck verify ${q(names.transcript ?? 'transcript.json')} --frame ${q(names.frame ?? 'frame.csv')} --pool ${q(names.pool ?? 'pool.csv')}`;
  if (names.commitment) cmd += ` --commitment ${q(names.commitment)}`;
  $('cli-verify').textContent = cmd;
}

/**
 * The progress bar and its label. Updates are drawn at most every PROGRESS_MS (the first at
 * once): a verification of 100,000 entries sends about fifty, and drawing each (label, badges)
 * took CPU from the verification on a two-core machine. The bar itself is a transform, which
 * the compositor draws without painting (style.css).
 */
const PROGRESS_MS = 40;
const progressView = {
  value: 0,
  text: '',
  check: null,
  timer: null,
  drawnAt: -Infinity,
  /** Shows `value` (0…1), `text` and the running check, now or at the next drawing time. */
  set(value, text, check) {
    Object.assign(this, { value, text, check });
    if (this.timer !== null) return;
    const wait = this.drawnAt + PROGRESS_MS - performance.now();
    if (wait <= 0) this.draw();
    else this.timer = setTimeout(() => this.draw(), wait);
  },
  draw() {
    clearTimeout(this.timer);
    this.timer = null;
    this.drawnAt = performance.now();
    const percent = Math.round(Math.min(this.value, 1) * 100);
    $('progress').firstElementChild.style.transform = `scaleX(${percent / 100})`;
    $('progress').setAttribute('aria-valuenow', String(percent));
    $('progress-label').textContent = this.text;
    if (this.check !== null) markChecks(this.check);
  },
  /** Stops drawing (the verification is over). */
  stop() {
    clearTimeout(this.timer);
    this.timer = null;
    this.drawnAt = -Infinity;
  },
};

async function onVerify(event) {
  event.preventDefault();
  const button = $('verify-button');
  const out = $('verdict');
  button.disabled = true;
  out.replaceChildren();
  $('timestamps').replaceChildren();
  document.body.dataset.timestamps = 'pending';
  if (checksShowReport) renderChecks(CHECKS.map((c) => ({ ...c, status: 'not-run' })));
  checksShowReport = false;
  const started = performance.now();
  document.body.dataset.state = 'running';
  // A chosen frame file (megabytes) goes to the workers first: they read it while this thread
  // reads the other files.
  const frameFile = SOURCES.frame.fileInput.files?.[0];
  if (frameFile) startFrameFile(frameFile);
  try {
    // All four read at once; a failure is reported for the first input in form order.
    const entries = Object.entries(SOURCES);
    // The frame file (megabytes) is read by the workers themselves (run.js), not here.
    const read = await Promise.allSettled(entries.map(([key, s]) => readSource(s, { asBlob: key === 'frame' })));
    const loaded = {};
    entries.forEach(([key], i) => {
      if (read[i].status === 'rejected') throw read[i].reason;
      loaded[key] = read[i].value;
    });
    const readMs = Math.round(performance.now() - started);
    for (const key of ['transcript', 'frame', 'pool']) {
      if (!loaded[key]) throw new SourceError(`请选择${SOURCES[key].label}文件（或输入其网址）。`);
    }
    const names = Object.fromEntries(Object.entries(loaded).filter(([, v]) => v).map(([k, v]) => [k, v.name]));
    setCommand(names);
    const transcriptText = decodeText(loaded.transcript.bytes, '誊本');
    const commitmentText = loaded.commitment ? decodeText(loaded.commitment.bytes, '承诺文件') : null;
    $('progress-area').hidden = false;
    progressView.set(0, '正在验证…', 'format');
    const report = await runVerification(
      { transcriptText, commitmentText, frame: loaded.frame.blob ?? loaded.frame.bytes, poolBuffer: loaded.pool.bytes },
      (p) => {
        const i = CHECKS.findIndex((c) => c.id === p.check);
        const base = i / CHECKS.length;
        let value = base;
        let text = `正在检查：${CHECK_TEXT[p.check][0]}`;
        if (p.check === 'frame' && p.phase) {
          value = base + (p.fraction * (p.phase === 'parse' ? 0.3 : 0.7) + (p.phase === 'hash' ? 0.3 : 0)) / CHECKS.length * 4;
          text = `${PHASE_TEXT[p.phase]}… ${Math.round(p.fraction * 100)}%`;
        } else if (i > CHECKS.findIndex((c) => c.id === 'frame')) {
          value = base + 3 / CHECKS.length;
        }
        progressView.set(value, text, p.check);
      });
    const ms = performance.now() - started;
    progressView.stop();
    renderChecks(report.checks);
    checksShowReport = true;
    try {
      lastTranscript = parseStrictJson(transcriptText);
    } catch {
      lastTranscript = null;
    }
    const s = report.summary;
    if (report.ok) {
      verdict(out, true, '✔ 验证通过：这次抽取可以由公开的数据完整重现。',
        `计划 ${s.plan_id}：从 ${s.frame_size} ${KIND.measure}${KIND.noun}中抽取 ${s.selections} ${KIND.measure}，每${KIND.measure}都分配了检查人员。`,
        `承诺时间 ${beijingTime(s.committed_at)}，抽取时间 ${beijingTime(s.drawn_at)}。誊本摘要 ${s.digest}。`,
        s.drand ? `外部随机数包括 drand ${s.drand.chain} 链第 ${s.drand.round} 轮，发布于 ${beijingTime(s.drand.time)}，其签名已离线验证。` : null,
        `用时 ${(ms / 1000).toFixed(2)} 秒。`);
    } else {
      const f = report.failure;
      verdict(out, false, `✘ 验证未通过：字段 ${f.field} 不一致。`,
        `${CHECK_TEXT[f.check][0]}：${failureText(f)}`,
        '这说明誊本、名录或人员名录中至少有一个与抽取时使用的不同（被改动，或选错了文件）。');
    }
    // The commitment's time-stamp tokens (§16), after the draw: they never change its verdict.
    await showTimestamps(lastTranscript);
    document.body.dataset.verifyMs = String(Math.round(ms));
    document.body.dataset.state = report.ok ? 'verified' : 'failed';
    document.body.dataset.mode = report.mode;
    document.body.dataset.timings = JSON.stringify({ read: readMs, ...report.timings });
    document.body.dataset.sha256 = JSON.stringify(report.sha256 ?? null);
    document.body.dataset.frameHanded = String(report.frameHanded ?? false);
    if (!report.ok) document.body.dataset.failedField = report.failure.field;
  } catch (e) {
    verdict(out, false, '✘ 无法完成验证', e instanceof SourceError ? e.message : `出错：${e.message ?? e}`);
    document.body.dataset.state = 'error';
  } finally {
    progressView.stop();
    $('progress-area').hidden = true;
    button.disabled = false;
  }
}

async function onProof(event) {
  event.preventDefault();
  const out = $('proof-result');
  out.replaceChildren();
  try {
    const file = $('proof-file').files[0];
    const text = file ? decodeText(await file.arrayBuffer(), '证明文件') : $('proof-text').value.trim();
    if (!text) throw new SourceError('请选择证明文件，或粘贴证明内容。');
    const proof = parseJson(text, '证明文件');
    const againstFile = $('against-file').files[0];
    const against = againstFile ? parseJson(decodeText(await againstFile.arrayBuffer(), '承诺或誊本'), '承诺或誊本') : lastTranscript;
    $('cli-proof').textContent = `spotcheck check-proof ${file ? file.name : 'proof.json'}${against ? ` --commitment ${againstFile ? againstFile.name : 'commitment.json'}` : ''}`;
    const r = checkInclusion(proof, against);
    if (!r.ok) {
      verdict(out, false, `✘ 证明无效（字段 ${r.failure.field}）`, r.failure.detail,
        r.failure.recorded !== undefined ? `证明中：${r.failure.recorded}；承诺中：${r.failure.recomputed}` : null);
      return;
    }
    const p = r.proof;
    const drawn = r.drawn === undefined ? null
      : r.drawn ? `该${KIND.noun}在本次抽取中被抽中，检查人员：${r.drawn.inspectors.join('、')}。` : `该${KIND.noun}在本次抽取中未被抽中。`;
    verdict(out, true, `✔ ${p.target} 在检查对象名录中`,
      `所属分层 ${p.stratum}，是名录（共 ${p.frame_size} ${KIND.measure}${KIND.noun}）中第 ${p.index + 1} ${KIND.measure}（序号 ${p.index}）。`,
      r.plan_id ? `该名录正是计划 ${r.plan_id} 的承诺中固定的名录。` : `名录根哈希 ${p.frame_root}。提供承诺或誊本可确认它属于哪一次抽取。`,
      drawn);
  } catch (e) {
    verdict(out, false, '✘ 无法检查证明', e.message ?? String(e));
  }
}

function parseJson(text, label) {
  try {
    return parseStrictJson(text);
  } catch (e) {
    throw new SourceError(`${label}：${e.message}`);
  }
}

prefillFromQuery();
// What will be checked, shown before any verification (and laid out now, not during one).
renderChecks(CHECKS.map((c) => ({ ...c, status: 'not-run' })));
prestartWorker((error) => {
  document.body.dataset.warm = error ? 'failed' : 'done';
  if (error) console.warn('warm-up failed', error);
});
$('verify-form').addEventListener('submit', onVerify);
$('proof-form').addEventListener('submit', onProof);
document.body.dataset.state = 'ready';
