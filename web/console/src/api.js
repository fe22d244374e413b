// The JSON API, with the signed-in user's token. Every failure becomes an ApiProblem carrying the
// problem document's stable code (RFC 9457), so pages say in Chinese what went wrong and where.
import { token, signOut } from './auth.js';
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
  const t = token();
  if (t && !path.startsWith('/api/public')) headers.Authorization = `Bearer ${t}`;
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
  let res;
  try {
    res = await fetch(base() + path, { method, headers, body: payload });
  } catch {
    throw new ApiProblem(0, { code: 'network', detail: '无法连接服务器' });
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

/** A registry file upload with progress (fetch reports no upload progress; XHR does). */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', base() + path);
    xhr.setRequestHeader('Authorization', `Bearer ${token()}`);
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
