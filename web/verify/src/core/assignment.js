// Inspector assignment (draw spec §12).
import { WordStream } from './stream.js';
import { assignKey } from './keys.js';

/**
 * Assigns m inspectors to each selected target, in selection order. pool: { ids, conflicts } in
 * canonical order; cap: max assignments per inspector or null. Returns arrays of inspector ids.
 */
export function assignInspectors(pool, selected, m, cap, key) {
  const P = pool.size;
  const conflicted = new Map(); // target id → pool indices that declared a conflict with it
  pool.conflicts.forEach((list, i) => {
    for (const t of list) {
      if (!conflicted.has(t)) conflicted.set(t, []);
      conflicted.get(t).push(i);
    }
  });
  const A = Array.from({ length: P }, (_, i) => i);
  const pos = Int32Array.from(A); // -1: removed
  const load = new Uint32Array(P);
  const stream = new WordStream(assignKey(key));
  return selected.map(({ target }) => {
    const chosen = [];
    const conf = conflicted.get(target) ?? [];
    for (let r = 0; r < m; r++) {
      const set = new Set();
      for (const i of conf) if (pos[i] >= 0) set.add(pos[i]);
      for (const i of chosen) set.add(pos[i]);
      const E = [...set].sort((a, b) => a - b);
      const e = A.length - E.length;
      if (e < 1) {
        throw Object.assign(new Error(`没有可分配给 ${target} 的检查人员：该承诺不满足《抽取规范》第 9.2 节，抽取无法完成`),
          { code: 'assignment-stuck' });
      }
      let p = stream.below(e);
      for (const q of E) {
        if (q <= p) p++;
        else break;
      }
      chosen.push(A[p]);
    }
    if (cap !== null) {
      for (const i of chosen) {
        load[i]++;
        if (load[i] === cap) {
          const x = pos[i];
          const last = A.pop();
          if (last !== i) {
            A[x] = last;
            pos[last] = x;
          }
          pos[i] = -1;
        }
      }
    }
    return chosen.map((i) => pool.ids[i]);
  });
}
