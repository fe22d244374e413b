// Character rules for identifiers and names (draw spec §4.1, §5.1, §7.2, §9.1).
import { utf8Length } from './bytes.js';

const FORBIDDEN_IN_ID = /[\p{White_Space}\p{Cc};,]/u;
const CONTROL = /\p{Cc}/u;
const SURROGATE = /\p{Surrogate}/u;

/**
 * Why s is not an identifier of 1…maxBytes UTF-8 bytes with no white space (Unicode White_Space),
 * no control character (Cc), no `;` and no `,` (§4.1); or null when it is one.
 */
export function idProblem(s, maxBytes) {
  if (typeof s !== 'string') return '应为字符串';
  if (s.length === 0) return '不能为空';
  if (SURROGATE.test(s)) return '含有不成对的代理项';
  const len = utf8Length(s);
  if (len > maxBytes) return `最多 ${maxBytes} 字节 UTF-8，实为 ${len}`;
  const bad = FORBIDDEN_IN_ID.exec(s);
  if (bad) return `含有不允许的字符 U+${bad[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return null;
}

const EDGE_WHITE_SPACE = /^\p{White_Space}+|\p{White_Space}+$/gu;

/**
 * §14 (CSV files): s without the code points of Unicode White_Space at its start and end, and
 * nothing else removed — not U+FEFF (which JavaScript's String.prototype.trim removes) and
 * including U+0085 (which trim keeps).
 */
export const trimWhiteSpace = (s) => s.replace(EDGE_WHITE_SPACE, '');

/** §7.2: a witness name (maxBytes 200) or value (1000): no control character, no edge white space. */
export function witnessTextProblem(s, maxBytes) {
  if (typeof s !== 'string') return '应为字符串';
  if (s.length === 0) return '不能为空';
  if (SURROGATE.test(s)) return '含有不成对的代理项';
  const len = utf8Length(s);
  if (len > maxBytes) return `最多 ${maxBytes} 字节 UTF-8，实为 ${len}`;
  if (CONTROL.test(s)) return '含有控制字符';
  if (/^\p{White_Space}|\p{White_Space}$/u.test(s)) return '首尾不能有空白';
  return null;
}

/** §9.1: plan ids. */
export function planIdProblem(s) {
  if (typeof s !== 'string') return '应为字符串';
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(s) ? null : '应为 1–64 个 A–Z a–z 0–9 . _ - 字符，以字母或数字开头';
}

/** §2: timestamps `YYYY-MM-DDTHH:MM:SSZ`, a real UTC date and time. */
export function timestampProblem(s) {
  if (typeof s !== 'string') return '应为字符串';
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(s);
  if (!m) return '格式应为 YYYY-MM-DDTHH:MM:SSZ';
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  const ok =
    date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d &&
    h < 24 && mi < 60 && se < 60;
  return ok ? null : '不是有效的日期时间';
}
