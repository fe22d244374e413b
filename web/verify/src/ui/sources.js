// Reading an input the user gave: a chosen file, or a URL fetched by the browser.

export class SourceError extends Error {}

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
  let response;
  try {
    response = await fetch(new URL(url, document.baseURI), { cache: 'no-store' });
  } catch (e) {
    throw new SourceError(`无法获取${label} (${url}): 网络错误, 或该网站不允许跨域读取。请下载该文件后用“选择文件”打开。`);
  }
  if (!response.ok) throw new SourceError(`无法获取${label} (${url}): 服务器返回 ${response.status} ${response.statusText}`);
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
