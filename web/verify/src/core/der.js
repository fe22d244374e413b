// Whether bytes are DER in the respects a strict DER decoder (the reference crate's `der`) checks
// before reading a value: tags it knows (the universal types below, and other classes with tag
// numbers up to 30), definite lengths in their shortest form, each constructed value exactly
// filled by its elements, and the universal types' own rules (INTEGER in its shortest form,
// OBJECT IDENTIFIER as `const-oid` reads it, BOOLEAN 00 or FF, BIT STRING's unused bits, UTCTime
// and GeneralizedTime with valid dates from 1970). Character sets are not checked: names are
// only shown. asn1js reads BER and lets an element run past a length that is too short, so the
// time-stamp reader checks this first (draw spec §16.3 step 1: the bytes decode).

/** The universal tag bytes a value may have: the primitive types and SEQUENCE, SET (constructed). */
const UNIVERSAL = new Set([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x09, 0x0a, 0x0c, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x1a,
  0x1e, 0x30, 0x31]);

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Whether year, month … second (numbers) are a time that exists (no leap second). */
function dateOk(y, mo, d, h, mi, s) {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= (mo === 2 && !leap(y) ? 28 : DAYS[mo - 1]) && h < 24 && mi < 60 && s < 60;
}

function timeOk(text, long) {
  const m = long ? /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\.\d*[1-9])?Z$/.exec(text) : /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const year = long ? y : (y < 50 ? 2000 + y : 1900 + y);
  return year >= 1970 && dateOk(year, mo, d, h, mi, s); // der's times start at 1970
}

/** OBJECT IDENTIFIER content as const-oid reads it: 3–39 bytes, a first byte ≤ 119, arcs within 32 bits. */
function oidOk(v) {
  if (v.length < 3 || v.length > 39 || v[0] > 119) return false;
  let arcBytes = 0;
  for (let i = 1; i < v.length; i++) {
    arcBytes++;
    if (arcBytes > 4 && v[i] & 0xf0) return false;
    if (!(v[i] & 0x80)) arcBytes = 0;
  }
  return arcBytes === 0;
}

/** The rules of one universal primitive value `v` with tag byte `tag`. */
function primitiveOk(tag, v) {
  switch (tag) {
    case 0x01: return v.length === 1 && (v[0] === 0 || v[0] === 0xff);
    case 0x02: case 0x0a: // INTEGER, ENUMERATED
      return v.length > 0 && !(v.length > 1 && ((v[0] === 0 && !(v[1] & 0x80)) || (v[0] === 0xff && v[1] & 0x80)));
    case 0x03: return v.length > 0 && v[0] <= 7 && !(v.length === 1 && v[0] !== 0);
    case 0x06: return oidOk(v);
    case 0x17: return timeOk(String.fromCharCode(...v), false);
    case 0x18: return timeOk(String.fromCharCode(...v), true);
    default: return true;
  }
}

function valid(bytes, from, to, depth) {
  if (depth > 64) return false;
  let at = from;
  while (at < to) {
    const tag = bytes[at++];
    if ((tag & 0x1f) === 0x1f) return false; // tag numbers above 30
    if ((tag & 0xc0) === 0 && !UNIVERSAL.has(tag)) return false;
    if (at >= to) return false;
    let len = bytes[at++];
    if (len === 0x80 || len === 0xff) return false; // indefinite, reserved
    if (len > 0x80) {
      const k = len & 0x7f;
      if (k > 4 || at + k > to || bytes[at] === 0) return false;
      len = 0;
      for (let i = 0; i < k; i++) len = len * 256 + bytes[at++];
      if (len < 0x80) return false; // the short form was due
    }
    if (len > to - at) return false;
    // Constructed values are checked inside, except of the application and private classes, which
    // no structure here uses (a DER decoder keeps them as opaque values).
    if (tag & 0x20 && (tag & 0xc0) !== 0x40 && (tag & 0xc0) !== 0xc0) {
      if (!valid(bytes, at, at + len, depth + 1)) return false;
    } else if (!(tag & 0x20) && (tag & 0xc0) === 0 && !primitiveOk(tag, bytes.subarray(at, at + len))) {
      return false;
    }
    at += len;
  }
  return at === to;
}

/** Whether `bytes` is a non-empty sequence of DER values (the caller checks there is one). */
export function isDer(bytes) {
  return bytes.length > 0 && valid(bytes, 0, bytes.length, 0);
}
