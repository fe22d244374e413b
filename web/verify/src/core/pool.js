// Inspector pools (draw spec §5): entries, canonical order, leaf encoding, Merkle root.
import { H } from './hash.js';
import { compareUtf8 } from './bytes.js';
import { merkleRoot } from './merkle.js';
import { idProblem, trimWhiteSpace } from './text-rules.js';
import { readCsv, decodeUtf8 } from './csv.js';
import { InputError, writeLp } from './frame.js';
import { utf8Length } from './bytes.js';

/**
 * A pool from entries [inspector_id, department, conflicts[], line?]. Validates §5.1 and sorts.
 * Returns { ids, departments, conflicts (each sorted by byte order), size, root }.
 */
export function buildPool(entries) {
  const raw = [];
  for (const [id, department, conflicts, line] of entries) {
    const p1 = idProblem(id, 64);
    if (p1) throw new InputError('pool', `inspector_id ${JSON.stringify(id)}: ${p1}`, line);
    const p2 = idProblem(department, 128);
    if (p2) throw new InputError('pool', `department ${JSON.stringify(department)}: ${p2}`, line);
    const seen = new Set();
    for (const c of conflicts) {
      const p3 = idProblem(c, 128);
      if (p3) throw new InputError('pool', `conflicts ${JSON.stringify(c)}: ${p3}`, line);
      if (seen.has(c)) throw new InputError('pool', `${id}：回避对象 ${JSON.stringify(c)} 重复（见《抽取规范》第 5.1 节）`, line);
      seen.add(c);
    }
    raw.push({ id, department, conflicts: [...conflicts].sort(compareUtf8), line });
  }
  const sorted = raw.slice().sort((a, b) => compareUtf8(a.id, b.id));
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k].id === sorted[k - 1].id) {
      throw new InputError('pool', `inspector_id ${JSON.stringify(sorted[k].id)} 重复（见《抽取规范》第 5.1 节）`, sorted[k].line);
    }
  }
  const leaves = sorted.map((r) => {
    let len = 1 + 4 + utf8Length(r.id) + 4 + utf8Length(r.department) + 4;
    for (const c of r.conflicts) len += 4 + utf8Length(c);
    const buf = new Uint8Array(len); // 0x00 ‖ lp(id) ‖ lp(department) ‖ u32be(c) ‖ lp(conflict)…
    let off = writeLp(buf, writeLp(buf, 1, r.id), r.department);
    new DataView(buf.buffer).setUint32(off, r.conflicts.length, false);
    off += 4;
    for (const c of r.conflicts) off = writeLp(buf, off, c);
    return H(buf);
  });
  return {
    ids: sorted.map((r) => r.id),
    departments: sorted.map((r) => r.department),
    conflicts: sorted.map((r) => r.conflicts),
    size: sorted.length,
    root: merkleRoot(leaves),
  };
}

/** Reads a pool CSV file (bytes): `inspector_id,department,conflicts` with `;`-separated conflicts. */
export function parsePoolCsv(bytes) {
  const entries = [];
  try {
    readCsv(decodeUtf8(bytes), ['inspector_id', 'department', 'conflicts'], (f, line) => {
      const conflicts = f[2].split(';').map(trimWhiteSpace).filter((c) => c !== '');
      entries.push([f[0], f[1], conflicts, line]);
    });
  } catch (e) {
    if (e.name === 'CsvError') throw new InputError('pool', e.message);
    throw e;
  }
  return buildPool(entries);
}
