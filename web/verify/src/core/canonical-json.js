// Canonical JSON (draw spec §3): RFC 8785 restricted to strings, safe non-negative integers,
// arrays, objects and the literals. Members sorted by UTF-16 code units; no white space.
import { utf8 } from './bytes.js';

function str(s) {
  let out = '"';
  let start = 0;
  let surrogates = false; // any UTF-16 surrogate: only then is the string checked for a lone one
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) surrogates = true;
    let esc;
    if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c < 0x20) {
      esc =
        c === 0x08 ? '\\b' : c === 0x09 ? '\\t' : c === 0x0a ? '\\n' : c === 0x0c ? '\\f' : c === 0x0d ? '\\r'
          : '\\u00' + c.toString(16).padStart(2, '0');
    } else continue;
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  if (surrogates && /\p{Surrogate}/u.test(s)) throw new TypeError('canonical JSON: unpaired surrogate in a string');
  return out + s.slice(start) + '"';
}

/** The canonical JSON text of a value. Throws on a float, negative or unsafe number, or undefined. */
export function canonicalJson(v) {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`canonical JSON: not an integer 0…2^53−1: ${v}`);
    return String(v);
  }
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)); // UTF-16 code units (RFC 8785 §3.2.3)
    return '{' + keys.map((k) => str(k) + ':' + canonicalJson(v[k])).join(',') + '}';
  }
  throw new TypeError(`canonical JSON: unsupported value ${typeof v}`);
}

/** The canonical JSON bytes (UTF-8) of a value. */
export function canonicalBytes(v) {
  return utf8(canonicalJson(v));
}
