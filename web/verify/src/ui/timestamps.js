// 时间戳 on the page (draw spec §16): the RFC 3161 tokens of the commitment and the authorities'
// trust anchors, given as files or same-origin URLs, checked after the draw (a draw verifies by
// §14 with or without tokens), each shown with its authority, its time in 北京时间 and its verdict.
import { H } from '../core/hash.js';
import { canonicalBytes } from '../core/canonical-json.js';
import { AnchorError, assessTokens, assessmentText, deadlineOf, readAnchorsPem } from '../core/timestamp.js';
import { readSource, decodeText, SourceError } from './sources.js';
import { TIMESTAMP_CODE_TEXT, anchorErrorText, beijingNs, timestampDetailText } from './texts.js';

/** What each code means (worded in texts.js, where the detail lines are worded too). */
export { TIMESTAMP_CODE_TEXT };

const $ = (id) => document.getElementById(id);

/** The URL of the plan's list of tokens (?timestamps=…), read when no token is given otherwise. */
let listing = null;

/** A published file name: `commitment.<authority>.tsr`, `tsa-anchors.pem` (no path, no URL). */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The plan's list of tokens, as the public API answers `/plans/{id}/timestamps` ({ tokens:
 * [{ file }], trust_anchors }), or `/plans/{id}` and `/plans/{id}/verification` (the same under
 * `timestamps`): each file is at `/plans/{id}/timestamps/<file>`. Fills the URL fields with what
 * it names.
 */
async function readListing() {
  const r = await readSource({ fileInput: { files: [] }, urlInput: { value: listing }, label: '时间戳清单' });
  let answer;
  try {
    answer = JSON.parse(decodeText(r.bytes, '时间戳清单'));
  } catch {
    throw new SourceError(`时间戳清单（${listing}）不是 JSON 文件。`);
  }
  const list = answer?.timestamps ?? answer;
  const files = Array.isArray(list?.tokens) ? list.tokens.map((t) => t?.file) : null;
  const anchors = list?.trust_anchors ?? null;
  if (!files || !files.every((f) => typeof f === 'string' && PLAIN_NAME.test(f))
    || (anchors !== null && (typeof anchors !== 'string' || !PLAIN_NAME.test(anchors)))) {
    throw new SourceError(`时间戳清单（${listing}）的格式不对：应列出 tokens[].file 和 trust_anchors。`);
  }
  // The plan's JSON (…/plans/{id}), its /timestamps or its /verification: files at …/plans/{id}/timestamps/<file>.
  const base = new URL(listing, document.baseURI);
  base.pathname = `${base.pathname.replace(/\/(timestamps|verification)\/?$/, '').replace(/\/$/, '')}/timestamps/`;
  base.search = '';
  const at = (name) => new URL(name, base).href;
  $('timestamps-url').value = files.map(at).join(' ');
  if (anchors !== null && !$('anchors-url').value.trim()) $('anchors-url').value = at(anchors);
}

/** Chosen files, or the URLs typed (separated by spaces), of the tokens: [{ label, bytes }]. */
async function readTokens() {
  const files = [...($('timestamps-file').files ?? [])];
  if (files.length) return Promise.all(files.map(async (f) => ({ label: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  if (listing && !$('timestamps-url').value.trim()) await readListing();
  const urls = $('timestamps-url').value.trim().split(/\s+/).filter(Boolean);
  return Promise.all(urls.map(async (url) => {
    const r = await readSource({ fileInput: { files: [] }, urlInput: { value: url }, label: '时间戳' });
    return { label: r.name, bytes: new Uint8Array(r.bytes) };
  }));
}

async function readAnchors() {
  const r = await readSource({ fileInput: $('anchors-file'), urlInput: $('anchors-url'), label: '信任根证书' });
  if (!r) return null;
  try {
    return readAnchorsPem(decodeText(r.bytes, '信任根证书'));
  } catch (e) {
    if (e instanceof AnchorError) throw new SourceError(`信任根证书文件 ${r.name} 无法读取：${anchorErrorText(e)}`);
    throw e;
  }
}

/**
 * ?timestamp=URL (repeatable) and ?anchors=URL pre-fill the fields; ?timestamps=URL names the
 * plan's list of tokens (its `/timestamps` or `/verification` answer), read at verification.
 */
export function prefillTimestamps(query) {
  listing = query.get('timestamps') || null;
  const urls = query.getAll('timestamp').filter(Boolean);
  if (urls.length) $('timestamps-url').value = urls.join(' ');
  if (query.get('anchors')) $('anchors-url').value = query.get('anchors');
}

const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
};

function deadlineText(deadline) {
  const when = beijingNs(deadline.ns);
  return deadline.reason === 'drand'
    ? `截止时间是承诺指定的 drand ${deadline.chain} 第 ${deadline.round} 轮的发布时间 ${when}：时间戳必须早于它（见《抽取规范》第 16.4 节）。`
    : `截止时间是誊本记录的抽取时间 ${when}：时间戳必须早于它（见《抽取规范》第 16.4 节）。`;
}

function outcomeItem(o) {
  const ok = o.error === null;
  const li = el('li', { 'data-token': o.label, 'data-status': ok ? 'pass' : 'fail', 'data-code': ok ? '' : o.error.code },
    el('span', { class: `badge ${ok ? 'pass' : 'fail'}` }, ok ? '✔ 有效' : '✘ 无效'),
    el('span', { class: 'check-title' }, o.label));
  if (o.stamp) {
    li.append(el('p', { class: 'check-explain' },
      `时间戳机构 ${o.stamp.authority}，时间 ${beijingNs(o.stamp.genTime)}`,
      o.stamp.latest !== o.stamp.genTime ? `，误差内最晚 ${beijingNs(o.stamp.latest)}` : '',
      `；信任根 ${o.stamp.anchor}；序列号 ${o.stamp.serial}。`));
  }
  if (!ok) {
    li.append(el('div', { class: 'failure' }, el('dl', {},
      el('dt', {}, '代码'), el('dd', {}, el('code', { class: 'failed-field' }, o.error.code)),
      el('dt', {}, '原因'), el('dd', {}, TIMESTAMP_CODE_TEXT[o.error.code] ?? o.error.code),
      el('dt', {}, '详情'), el('dd', { class: 'timestamp-detail', 'data-detail': o.error.detail }, timestampDetailText(o.error)))));
  }
  return li;
}

/**
 * Reads the tokens and anchors, checks them for the draw of `transcript` (the parsed JSON, or
 * null) and shows the outcome in #timestamps. Never throws: a problem is shown there.
 */
export async function showTimestamps(transcript) {
  const out = $('timestamps');
  const body = document.body.dataset;
  body.timestamps = 'running';
  let result = null;
  try {
    const tokens = await readTokens(); // first: a list of tokens may name the anchors
    const anchors = await readAnchors();
    const deadline = deadlineOf(transcript);
    if (tokens.length === 0) {
      result = { proven: false, outcomes: [], text: assessmentText({ proven: null, outcomes: [], deadline: deadline?.ns ?? 0n }) };
      out.replaceChildren(el('div', { class: 'verdict bad', 'data-ok': 'false' }, el('strong', {}, '时间戳：无'), el('p', {}, result.text)));
    } else if (transcript?.commitment === undefined || deadline === null) {
      throw new SourceError('誊本无法读取承诺或截止时间，无法检查时间戳。');
    } else if (anchors === null) {
      throw new SourceError('提供了时间戳，但没有提供时间戳机构的信任根证书（PEM）：无法判断是谁签的名。请一并选择信任根证书文件。');
    } else {
      const hash = H(canonicalBytes(transcript.commitment));
      const a = await assessTokens(tokens, hash, deadline.ns, anchors);
      const text = assessmentText(a);
      result = { proven: a.proven !== null, outcomes: a.outcomes.map((o) => ({ label: o.label, code: o.error?.code ?? null })), text };
      out.replaceChildren(
        el('div', { class: `verdict ${a.proven ? 'ok' : 'bad'}`, 'data-ok': String(a.proven !== null) },
          el('strong', {}, a.proven ? '✔ 时间戳：承诺的存在时间有独立证明' : '✘ 时间戳：没有有效的时间戳'),
          el('p', {}, text), el('p', {}, deadlineText(deadline))),
        el('ol', { class: 'checks', 'aria-label': '各个时间戳' }, ...a.outcomes.map(outcomeItem)));
    }
  } catch (e) {
    const message = e instanceof SourceError ? e.message : `出错：${e?.message ?? e}`;
    result = { proven: false, error: message };
    out.replaceChildren(el('div', { class: 'verdict bad', 'data-ok': 'false' }, el('strong', {}, '✘ 无法检查时间戳'), el('p', {}, message),
      el('p', {}, '承诺的公布时间因此只有抽查机关自己的说法为凭。')));
  }
  body.timestampResult = JSON.stringify(result);
  body.timestamps = 'done';
}
