// A small RFC 4180 CSV reader for the frame and pool files: quoted fields (with "" for a quote,
// and separators or line breaks inside quotes), LF, CRLF or CR line ends, a leading UTF-8 BOM,
// blank lines skipped, a header row required, every record as long as the header.
import { trimWhiteSpace } from './text-rules.js';

export class CsvError extends Error {
  constructor(message, line) {
    super(line ? `第 ${line} 行：${message}` : message);
    this.name = 'CsvError';
    this.line = line;
  }
}

/**
 * Calls onRecord(fields, line) for each data record of text (a string), after locating the
 * `columns` by name in the header (names trimmed; any column order; extra columns ignored).
 * fields are reordered to match `columns`. onProgress(fraction) is called now and then.
 */
export function readCsv(text, columns, onRecord, onProgress) {
  if (text.indexOf('"') < 0) {
    readUnquoted(text, columns, onRecord, onProgress);
    return;
  }
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  let header = null;
  let map = null;
  let nextProgress = 1 << 18;
  while (i < n) {
    const recordLine = line;
    const fields = [];
    let field = '';
    let atRecordEnd = false;
    // One record.
    while (!atRecordEnd) {
      if (text.charCodeAt(i) === 0x22) {
        // Quoted field.
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new CsvError('引号未闭合', recordLine);
          const chunk = text.slice(i, q);
          for (let k = 0; k < chunk.length; k++) if (chunk.charCodeAt(k) === 10) line++;
          field += chunk;
          if (text.charCodeAt(q + 1) === 0x22) {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        const c = i < n ? text.charCodeAt(i) : 10;
        if (c !== 0x2c && c !== 10 && c !== 13) throw new CsvError('引号字段之后应为逗号或换行', line);
      }
      // Unquoted (rest of) field.
      let j = i;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (c === 0x2c || c === 10 || c === 13) break;
        if (c === 0x22) throw new CsvError('未加引号的字段中有引号', line);
      }
      field += text.slice(i, j);
      fields.push(field);
      field = '';
      if (j >= n) {
        i = n;
        atRecordEnd = true;
      } else if (text.charCodeAt(j) === 0x2c) {
        i = j + 1;
        if (i >= n) {
          fields.push('');
          atRecordEnd = true;
        }
      } else {
        i = j + (text.charCodeAt(j) === 13 && text.charCodeAt(j + 1) === 10 ? 2 : 1);
        line++;
        atRecordEnd = true;
      }
    }
    if (fields.length === 1 && fields[0] === '') continue; // blank line
    if (header === null) {
      header = fields.map(headerName);
      map = locate(header, columns, recordLine);
      continue;
    }
    if (fields.length !== header.length) {
      throw new CsvError(`有 ${fields.length} 个字段，表头有 ${header.length} 个`, recordLine);
    }
    onRecord(map.map((at) => fields[at]), recordLine);
    if (onProgress && i >= nextProgress) {
      onProgress(i / n);
      nextProgress = i + (1 << 18);
    }
  }
  if (header === null) throw new CsvError('文件为空（需要表头行）', 1);
  if (onProgress) onProgress(1);
}

/** Decodes file bytes as UTF-8, refusing invalid sequences (a GBK file, for example). */
export function decodeUtf8(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CsvError('文件不是有效的 UTF-8 编码（请另存为 UTF-8）', 0);
  }
}

/** §14: a header field names its column after removing leading U+FEFF, then edge white space. */
const headerName = (h) => trimWhiteSpace(h.replace(/^\uFEFF+/, ''));

function locate(header, columns, line) {
  return columns.map((name) => {
    const at = header.indexOf(name);
    if (at < 0) throw new CsvError(`缺少列 ${JSON.stringify(name)}（表头为 ${header.join(', ')}）`, line);
    return at;
  });
}

/** The fast path for a file without any quote: same results as the general reader, by splitting. */
function readUnquoted(text, columns, onRecord, onProgress) {
  const lines = text.split(text.indexOf('\r') < 0 ? '\n' : /\r\n|\r|\n/);
  let header = null;
  let map = null;
  const step = Math.max(1, lines.length >> 4);
  for (let k = 0; k < lines.length; k++) {
    const row = lines[k];
    if (row === '' || (k === 0 && row === '\uFEFF')) continue;
    const fields = row.split(',');
    if (header === null) {
      header = fields.map(headerName);
      map = locate(header, columns, k + 1);
      continue;
    }
    if (fields.length !== header.length) {
      throw new CsvError(`有 ${fields.length} 个字段，表头有 ${header.length} 个`, k + 1);
    }
    if (columns.length === 2) onRecord([fields[map[0]], fields[map[1]]], k + 1);
    else onRecord(map.map((at) => fields[at]), k + 1);
    if (onProgress && k % step === 0) onProgress(k / lines.length);
  }
  if (header === null) throw new CsvError('文件为空（需要表头行）', 1);
  if (onProgress) onProgress(1);
}
