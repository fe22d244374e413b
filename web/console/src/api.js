// The JSON API, with the signed-in user's token. Every failure becomes an ApiProblem carrying the
// problem document's stable code (RFC 9457), so pages say in Chinese what went wrong and where.
import { freshToken, refreshOnce, signOut } from './auth.js';
import { config } from './config.js';

export class ApiProblem extends Error {
  constructor(status, problem) {
    super(problem.detail || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || `http-${status}`;
    this.detail = problem.detail || '';
    this.problem = problem;
  }
}

const base = () => config().api || '';

function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A request to the API; POST and PUT carry a fresh Idempotency-Key per user action. */
export async function api(method, path, body, { key, raw, contentType, fileName } = {}) {
  const headers = { Accept: 'application/json' };
  const open = path.startsWith('/api/public');
  const t = open ? null : await freshToken();
  if (t) headers.Authorization = `Bearer ${t}`;
  // The same key on the retry after a refresh: the API answers a repeat, never does it twice.
  if (method !== 'GET') headers['Idempotency-Key'] = key || newKey();
  let payload;
  if (raw !== undefined) {
    payload = raw;
    headers['Content-Type'] = contentType || 'application/octet-stream';
    if (fileName) headers['X-File-Name'] = encodeURIComponent(fileName);
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const send = () => fetch(base() + path, { method, headers, body: payload }).catch(() => {
    throw new ApiProblem(0, { code: 'network', detail: '无法连接服务器' });
  });
  let res = await send();
  // An expired or revoked token: refresh once and try again; a second 401 signs out.
  if (res.status === 401 && t && await refreshOnce()) {
    headers.Authorization = `Bearer ${await freshToken()}`;
    res = await send();
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) {
    if (res.status === 401 && t) signOut('expired');
    throw new ApiProblem(res.status, json || { detail: text });
  }
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body, opts) => api('POST', path, body, opts);
export const put = (path, body, opts) => api('PUT', path, body, opts);

/** A registry file upload with progress (fetch reports no upload progress; XHR does). */
export async function upload(path, file, onProgress) {
  const t = await freshToken();
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', base() + path);
    xhr.setRequestHeader('Authorization', `Bearer ${t}`);
    xhr.setRequestHeader('Idempotency-Key', newKey());
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name).slice(0, 200));
    xhr.setRequestHeader('Content-Type', file.name.toLowerCase().endsWith('.xlsx')
      ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiProblem(0, { code: 'network', detail: '无法连接服务器' }));
    xhr.onload = () => {
      let json = null;
      try { json = JSON.parse(xhr.responseText); } catch { json = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve({ status: xhr.status, body: json });
      else reject(new ApiProblem(xhr.status, json || { detail: xhr.responseText }));
    };
    xhr.send(file);
  });
}
