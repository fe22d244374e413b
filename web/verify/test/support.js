// Shared helpers for the tests: reading vectors and building their inputs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseStrictJson } from '../src/core/strict-json.js';
import { buildFrame } from '../src/core/frame.js';
import { buildPool } from '../src/core/pool.js';
import { commit, draw } from '../src/core/draw.js';
import { syntheticFrame, syntheticPool } from '../src/core/synthetic.js';

export const VECTORS = fileURLToPath(new URL('../../../fixtures/vectors/', import.meta.url));

export function loadVector(name) {
  return parseStrictJson(readFileSync(join(VECTORS, name), 'utf8'));
}

/** Frame and pool of a vector's inputs (file order, or Appendix A); throws InputError. */
export function vectorInputs(inputs) {
  const f = inputs.frame;
  const frameEntries = f.synthetic
    ? syntheticFrame(f.synthetic.size, f.synthetic.seed)
    : f.entries.map((e) => [e.target_id, e.stratum]);
  const frame = buildFrame(frameEntries);
  const p = inputs.pool;
  const poolEntries = p.synthetic
    ? syntheticPool(p.synthetic.size, p.synthetic.seed, f.synthetic?.size ?? 0, f.synthetic?.seed ?? '',
      p.synthetic.max_conflicts)
    : p.entries.map((e) => [e.inspector_id, e.department, e.conflicts]);
  const pool = buildPool(poolEntries);
  return { frame, pool };
}

/** Commit and draw a vector's inputs; returns { frame, pool, commitment, transcript }. */
export function runVector(inputs) {
  const { frame, pool } = vectorInputs(inputs);
  const commitment = commit(inputs, frame, pool, inputs.secret);
  const transcript = draw(commitment, inputs.secret, inputs.entropy, inputs.drawn_at, frame, pool);
  return { frame, pool, commitment, transcript };
}
