import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);

const CN = 8 * 3600 * 1000;

/** 2026-12-06T09:30:00Z → 2026年12月6日 17:30（北京时间） */
export function cnTime(ts) {
  if (!ts) return '';
  const d = new Date(new Date(ts).getTime() + CN);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/** 2026-12-06 → 2026年12月6日 */
export function cnDate(date) {
  if (!date) return '';
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** Today in China (the bureau's calendar), YYYY-MM-DD. */
export function chinaToday() {
  return new Date(Date.now() + CN).toISOString().slice(0, 10);
}

/** A `datetime-local` value read as Beijing time → the API's UTC timestamp (whole minutes). */
export function fromChinaLocal(v) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(v || '');
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - CN;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A UTC instant → a `datetime-local` value in Beijing time. */
export function toChinaLocal(ms) {
  return new Date(ms + CN).toISOString().slice(0, 16);
}

/** Calendar days from today (China) to `date` (negative when past). */
export function daysUntil(date) {
  const a = Date.parse(`${chinaToday()}T00:00:00Z`);
  const b = Date.parse(`${date}T00:00:00Z`);
  return Math.round((b - a) / 86400000);
}

/** Splits `pub` into runs that also appear in `entered` and runs that do not (redactions). */
export function diffRuns(entered, pub) {
  const a = [...entered];
  const b = [...pub];
  if (a.length * b.length > 4e6) return [{ text: pub, changed: entered !== pub }];
  const n = a.length;
  const m = b.length;
  const L = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) {
    L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  }
  const runs = [];
  const push = (ch, changed) => {
    const last = runs[runs.length - 1];
    if (last && last.changed === changed) last.text += ch; else runs.push({ text: ch, changed });
  };
  let i = 0;
  let j = 0;
  while (j < m) {
    if (i < n && a[i] === b[j]) { push(b[j], false); i++; j++; }
    else if (i < n && L[i + 1][j] >= L[i][j + 1]) i++;
    else { push(b[j], true); j++; }
  }
  return runs;
}

export function hashRoute() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query), parts: path.split('/').filter(Boolean).map(decodeURIComponent) };
}

export const go = (path) => { location.hash = `#${path}`; };
