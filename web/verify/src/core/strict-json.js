// A strict JSON reader for the values draw spec v1 uses (§3): integers 0 … 2^53−1 only (a
// fraction, exponent or sign is an error, where JSON.parse would silently accept 1.0 or 1e2),
// no duplicate member names, no unpaired surrogates (which have no UTF-8 form).
// Objects are returned with a null prototype so a member called "__proto__" is just a member.

export class JsonSyntaxError extends Error {
  constructor(message, line, column) {
    super(`JSON 第 ${line} 行第 ${column} 列：${message}`);
    this.name = 'JsonSyntaxError';
    this.line = line;
    this.column = column;
  }
}

/** Parses text (a string; a leading UTF-8 BOM is ignored) into plain values. */
export function parseStrictJson(text) {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (msg) => {
    let line = 1;
    let col = 1;
    for (let j = 0; j < i && j < text.length; j++) {
      if (text.charCodeAt(j) === 10) {
        line++;
        col = 1;
      } else col++;
    }
    throw new JsonSyntaxError(msg, line, col);
  };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else return;
    }
  };
  const value = (depth) => {
    if (depth > 64) fail('嵌套过深');
    ws();
    const c = text[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail(i >= text.length ? '意外结束' : `意外字符 ${JSON.stringify(c)}`);
  };
  const object = (depth) => {
    i++;
    const out = Object.create(null);
    ws();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail('应为成员名');
      const key = string();
      if (Object.prototype.hasOwnProperty.call(out, key)) fail(`成员名重复：${JSON.stringify(key)}`);
      ws();
      if (text[i] !== ':') fail('应为 ":"');
      i++;
      out[key] = value(depth + 1);
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      fail('应为 "," 或 "}"');
    }
  };
  const array = (depth) => {
    i++;
    const out = [];
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(depth + 1));
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail('应为 "," 或 "]"');
    }
  };
  const string = () => {
    i++;
    let out = '';
    let start = i;
    let surrogates = false; // any surrogate, written or escaped: only then is `out` checked
    for (;;) {
      if (i >= text.length) fail('字符串未结束');
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) surrogates = true;
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        break;
      }
      if (c < 0x20) fail('字符串中有未转义的控制字符');
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[e];
        if (simple !== undefined) {
          out += simple;
          i += 2;
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('无效的 \\u 转义');
          const u = parseInt(hex, 16);
          if (u >= 0xd800 && u <= 0xdfff) surrogates = true;
          out += String.fromCharCode(u);
          i += 6;
        } else fail('无效的转义');
        start = i;
        continue;
      }
      i++;
    }
    if (surrogates && /\p{Surrogate}/u.test(out)) fail('字符串含有不成对的代理项（无 UTF-8 形式）');
    return out;
  };
  const number = () => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('无效的数字');
    if (m[0].startsWith('-') || m[2] !== undefined || m[3] !== undefined) {
      fail(`只允许 0 到 2^53−1 的整数（见《抽取规范》第 3 节）：${m[0]}`);
    }
    const n = Number(m[0]);
    if (!Number.isSafeInteger(n)) fail(`整数超出 2^53−1（见《抽取规范》第 3 节）：${m[0]}`);
    i += m[0].length;
    return n;
  };
  const v = value(0);
  ws();
  if (i < text.length) fail('JSON 值之后有多余内容');
  return v;
}
