// Reading an input the user gave: a chosen file, or a URL fetched by the browser.
//
// URLs are fetched from this page's own origin only. A link to the official page can carry URLs in
// its query string (?transcript=…); were files from any site fetched silently, the official page
// would show ✔ for files an attacker hosts. So a URL on another origin is fetched only after the
// user confirms that origin, shown in full; a redirect to another origin is refused.

export class SourceError extends Error {}

/** Origins the user confirmed on this page. */
const confirmedOrigins = new Set();

/** The page's own origin, or null when it has none (opened from file://). */
function pageOrigin() {
  const o = typeof location !== 'undefined' ? location.origin : 'null';
  return o && o !== 'null' ? o : null;
}

/** Asks the user, with the origin in full, whether to read `label` from it. */
function askOrigin(target, label) {
  const here = pageOrigin();
  return window.confirm(
    `${label}的网址不在本页所在的网站${here ? `（${here}）` : ''}：\n\n${target.origin}\n\n` +
      `完整网址：${target.href}\n\n` +
      '只有确认该网站是您信任的发布机构时，才从它读取文件。是否从这个网站读取？',
  );
}

/**
 * Whether `target` may be fetched: same origin as the page, or an http(s) origin the user has
 * confirmed (`confirm(target, label)` is asked once per origin). Throws SourceError otherwise.
 */
export function allowOrigin(target, label, confirm = askOrigin) {
  const here = pageOrigin();
  if (here && target.origin === here) return;
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new SourceError(`无法获取${label}（${target.href}）：只能读取 http 或 https 网址。请下载该文件后用“选择文件”打开。`);
  }
  if (confirmedOrigins.has(target.origin)) return;
  if (!confirm(target, label)) {
    throw new SourceError(`未读取${label}：${target.origin} 不是本页所在的网站，且未经您确认。请下载该文件后用“选择文件”打开。`);
  }
  confirmedOrigins.add(target.origin);
}

/**
 * The bytes of one input. `label` names it in messages. Returns { bytes: ArrayBuffer, name } or
 * null when neither a file nor a URL was given; with `asBlob`, a chosen file is not read here but
 * returned as { blob: File, name } (a worker reads it).
 */
export async function readSource({ fileInput, urlInput, label }, { asBlob = false } = {}) {
  const file = fileInput.files && fileInput.files[0];
  if (file && asBlob) return { blob: file, name: file.name };
  if (file) return { bytes: await file.arrayBuffer(), name: file.name };
  const url = urlInput.value.trim();
  if (!url) return null;
  let target;
  try {
    target = new URL(url, document.baseURI);
  } catch {
    throw new SourceError(`${label}的网址无效：${url}`);
  }
  allowOrigin(target, label);
  let response;
  try {
    response = await fetch(target, { cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new SourceError(`无法获取${label}（${url}）：网络错误，或该网站不允许跨域读取。请下载该文件后用“选择文件”打开。`);
  }
  if (response.url && new URL(response.url).origin !== target.origin) {
    throw new SourceError(`未读取${label}：${target.origin} 将请求转到了另一个网站（${new URL(response.url).origin}）。请下载该文件后用“选择文件”打开。`);
  }
  if (!response.ok) throw new SourceError(`无法获取${label}（${url}）：服务器返回 ${response.status} ${response.statusText}`);
  const name = decodeURIComponent(new URL(response.url || url, document.baseURI).pathname.split('/').pop() || url);
  return { bytes: await response.arrayBuffer(), name };
}

/** Decodes JSON file bytes as UTF-8 text, refusing invalid UTF-8. */
export function decodeText(bytes, label) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SourceError(`${label}不是有效的 UTF-8 文本`);
  }
}
