// Verification of a draw (draw spec §14): the checks in order, stopping at the first failure and
// naming its field by the spec's JSON path (e.g. `selections[3].inspectors`).
import { H } from './hash.js';
import { bytesEqual, compareUtf8, fromHex, toHex } from './bytes.js';
import { canonicalBytes } from './canonical-json.js';
import { FieldError } from './errors.js';
import { parseStrictJson } from './strict-json.js';
import { readCommitment, readTranscript } from './model.js';
import { computeStrata, checkAssignmentRules } from './params.js';
import { SUPPORTED_VERSIONS, secretCommitment, entropyDigest, drawKey } from './keys.js';
import { checkJointRules, jointDepartments } from './joint.js';
import { computeSelections, checkDrawnAt } from './draw.js';
import { beaconOf, checkDrawBeacon } from './beacon.js';
import { parseFrameCsv, startFrame } from './frame.js';
import { parsePoolCsv } from './pool.js';

/** The checks, in the order they run. `section` is the draw spec section. */
export const CHECKS = Object.freeze([
  { id: 'format', section: '§13.1' },
  { id: 'published', section: '§14.0' }, // only with the published commitment
  { id: 'spec_version', section: '§14.1' },
  { id: 'frame', section: '§4' },
  { id: 'pool', section: '§5' },
  { id: 'strata', section: '§6' },
  { id: 'commitment_hash', section: '§9.1' },
  { id: 'secret', section: '§7.1' },
  { id: 'witnesses', section: '§7.2' },
  { id: 'drand', section: '§7.3' }, // 7a–7g: the beacon round, if the commitment promised one
  { id: 'drawn_at', section: '§14.7h' }, // the draw is not dated before its commitment
  { id: 'entropy_digest', section: '§7.2' },
  { id: 'draw_key', section: '§10' },
  { id: 'selections', section: '§11–§12' },
  { id: 'digest', section: '§13.2' },
]);

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

const differ = (field, recorded, recomputed, detail = '记录值与重新计算的值不同') =>
  new FieldError(field, detail, { recorded, recomputed });

/** §14 step 1: a transcript or commitment of another version (code unsupported-version). */
const otherVersion = (field, recorded) =>
  new FieldError(field, `本页面只验证 ${SUPPORTED_VERSIONS.join(' 和 ')}`,
    { code: 'unsupported-version', recorded, recomputed: SUPPORTED_VERSIONS.join(' / ') });

function same(field, recorded, recomputed) {
  if (recorded !== recomputed) throw differ(field, recorded, recomputed);
}

/**
 * §14.0: the transcript's commitment equals the published one member by member; throws naming
 * the first differing path (members in §2 byte order; an array of another length is named by
 * its own path, as the reference CLI does).
 */
export function comparePublished(recorded, published, path = 'commitment') {
  if (Array.isArray(published) || Array.isArray(recorded)) {
    if (!Array.isArray(published) || !Array.isArray(recorded) || recorded.length !== published.length) {
      throw differ(path, JSON.stringify(recorded), JSON.stringify(published), '与事先公布的承诺不同');
    }
    published.forEach((x, i) => comparePublished(recorded[i], x, `${path}[${i}]`));
    return;
  }
  if (published !== null && typeof published === 'object') {
    if (recorded === null || typeof recorded !== 'object') throw differ(path, recorded, published);
    const keys = [...new Set([...Object.keys(published), ...Object.keys(recorded)])].sort(compareUtf8);
    for (const k of keys) {
      const p = `${path}.${k}`;
      if (!(k in recorded)) throw differ(p, undefined, JSON.stringify(published[k]), '誊本中缺少此成员');
      if (!(k in published)) throw differ(p, JSON.stringify(recorded[k]), undefined, '公布的承诺中没有此成员');
      comparePublished(recorded[k], published[k], p);
    }
    return;
  }
  if (recorded !== published) throw differ(path, recorded, published, '与事先公布的承诺不同');
}

/**
 * Verifies a draw from already-read inputs.
 * - transcript: the parsed JSON value; published: parsed commitment JSON or null;
 * - loadFrame / loadPool: functions returning a built frame / pool (may throw InputError);
 * - onProgress({ check, phase?, fraction? }) is called as work proceeds.
 * Resolves to { ok, failure, checks: [{ id, section, status: 'pass'|'fail'|'not-run'|'skipped', … }],
 * summary, timings }.
 */
export async function verifyDraw({ transcript, published = null, loadFrame, loadPool }, onProgress = () => {}) {
  const status = new Map(CHECKS.map((c) => [c.id, { ...c, status: 'not-run' }]));
  if (published === null) status.get('published').status = 'skipped';
  const summary = {};
  let t;
  let c;
  let frame;
  let pool;
  let key;
  let commitmentHash;
  let entropyDigestBytes;
  let secret;
  // Work done ahead, while helpers hash the frame's Merkle tree (see whileHashing below): results
  // or errors of pure computations that later checks use. Verdicts are not given ahead: every
  // check still runs in order, throws what it would have thrown, and passes only on its own
  // comparison.
  const early = {};
  // Before the frame's entries are read (the helper is reading them): what needs neither frame
  // nor pool — the pool itself and the transcript digest.
  let readingDone = false;
  const whileReading = () => {
    if (readingDone) return;
    readingDone = true;
    try {
      early.pool = loadPool();
    } catch (e) {
      early.poolError = e;
    }
    try {
      const { digest, ...rest } = t;
      early.digest = toHex(H(canonicalBytes(rest)));
    } catch {
      // recomputed (and reported) by the digest check
    }
  };
  // Once they are sorted, while the tree is hashed: what needs the frame.
  const whileHashing = (entries) => {
    whileReading();
    if (early.poolError) return;
    try {
      early.strata = computeStrata(entries, c.params, 'commitment.parameters');
      early.strataFrame = entries;
    } catch (e) {
      early.strataError = e;
      early.strataFrame = entries;
    }
    try {
      const k = drawKey(H(canonicalBytes(t.commitment)), fromHex(t.secret), entropyDigest(t.entropy.witnesses, beaconOf(t.entropy)),
        t.commitment.spec_version);
      early.selections = { key: k, frame: entries, pool: early.pool,
        value: computeSelections(t.commitment, c.params, entries, early.pool, k) };
    } catch {
      // recomputed (and reported) by the checks in order
    }
  };
  const steps = {
    format() {
      if (transcript?.spec_version !== undefined && !SUPPORTED_VERSIONS.includes(transcript.spec_version)) {
        throw otherVersion('spec_version', transcript.spec_version);
      }
      ({ json: t, commitment: c } = readTranscript(transcript));
      summary.plan_id = t.commitment.plan_id;
      summary.digest = t.digest;
      summary.committed_at = t.commitment.committed_at;
      summary.drawn_at = t.drawn_at;
    },
    published() {
      let pub;
      try {
        pub = readCommitment(published, 'commitment').json;
      } catch (e) {
        if (e instanceof FieldError) {
          throw new FieldError(e.field, `公布的承诺文件格式错误：${e.detail}`);
        }
        throw e;
      }
      comparePublished(t.commitment, pub);
    },
    spec_version() {
      if (!SUPPORTED_VERSIONS.includes(t.spec_version)) throw otherVersion('spec_version', t.spec_version);
      if (!SUPPORTED_VERSIONS.includes(t.commitment.spec_version)) throw otherVersion('commitment.spec_version', t.commitment.spec_version);
      // §17.6: a transcript cannot claim a version its commitment does not have.
      if (t.spec_version !== t.commitment.spec_version) {
        throw new FieldError('spec_version', `誊本版本 ${t.spec_version} 与其承诺的版本 ${t.commitment.spec_version} 不同`,
          { code: 'unsupported-version', recorded: t.spec_version, recomputed: t.commitment.spec_version });
      }
      summary.spec_version = t.spec_version;
    },
    async frame() {
      frame = await loadFrame((p) => onProgress({ check: 'frame', ...p }), whileHashing, whileReading);
      same('commitment.frame.size', t.commitment.frame.size, frame.size);
      same('commitment.frame.root', t.commitment.frame.root, toHex(frame.root));
      summary.frame_size = frame.size;
    },
    pool() {
      if (early.poolError) throw early.poolError;
      pool = early.pool ?? loadPool();
      same('commitment.pool.size', t.commitment.pool.size, pool.size);
      same('commitment.pool.root', t.commitment.pool.root, toHex(pool.root));
      summary.pool_size = pool.size;
    },
    strata() {
      // Step 4: the assignment rules commit enforces (§9.2), then the strata (§6.3, total > 0).
      checkAssignmentRules(c.params, 'commitment.parameters');
      if (c.params.joint) {
        // §17.6: the joint plan's rules, then every inspector is of one of its departments.
        checkJointRules(c.params, 'commitment.parameters');
        jointDepartments(c.params.joint, pool, 'commitment.parameters.joint');
      }
      let strata;
      try {
        if (early.strataFrame === frame && early.strataError) throw early.strataError;
        strata = early.strataFrame === frame ? early.strata : computeStrata(frame, c.params, 'commitment.parameters');
      } catch (e) {
        if (e instanceof FieldError) throw new FieldError('commitment.parameters', e.detail, { code: e.code });
        throw e;
      }
      const rec = t.commitment.strata;
      same('commitment.strata.length', rec.length, strata.length);
      strata.forEach((s, i) => {
        for (const f of ['key', 'population', 'sample']) same(`commitment.strata[${i}].${f}`, rec[i][f], s[f]);
      });
    },
    commitment_hash() {
      commitmentHash = H(canonicalBytes(t.commitment));
      same('commitment_hash', t.commitment_hash, toHex(commitmentHash));
    },
    secret() {
      secret = fromHex(t.secret);
      const sc = toHex(secretCommitment(secret));
      if (sc !== t.commitment.secret_commitment) {
        throw differ('secret', sc, t.commitment.secret_commitment,
          '公开的秘密值的哈希与承诺中的 secret_commitment 不同');
      }
    },
    witnesses() {
      const committed = t.commitment.entropy_source.witnesses;
      const given = t.entropy.witnesses;
      same('entropy.witnesses.length', given.length, committed.length);
      committed.forEach((name, i) => same(`entropy.witnesses[${i}].name`, given[i].name, name));
    },
    drand() {
      const beacon = checkDrawBeacon(t.commitment.entropy_source, t.entropy, t.commitment.committed_at, t.drawn_at);
      status.get('drand').beacon = beacon; // null: none promised, none supplied
      if (beacon) summary.drand = beacon;
    },
    drawn_at() {
      checkDrawnAt(t.commitment.committed_at, t.drawn_at, 'drawn_at');
    },
    entropy_digest() {
      entropyDigestBytes = entropyDigest(t.entropy.witnesses, beaconOf(t.entropy));
      same('entropy_digest', t.entropy_digest, toHex(entropyDigestBytes));
    },
    draw_key() {
      key = drawKey(commitmentHash, secret, entropyDigestBytes, t.commitment.spec_version);
      same('draw_key', t.draw_key, toHex(key));
    },
    selections() {
      onProgress({ check: 'selections' });
      let got;
      try {
        const e = early.selections;
        got = e && e.frame === frame && e.pool === pool && bytesEqual(e.key, key) ? e.value
          : computeSelections(t.commitment, c.params, frame, pool, key);
      } catch (e) {
        // §12 ran out of eligible inspectors: only possible for a commitment §9.2 refuses.
        if (e.code === 'assignment-stuck') throw new FieldError('selections', e.message);
        throw e;
      }
      const rec = t.selections;
      same('selections.length', rec.length, got.length);
      got.forEach((s, i) => {
        same(`selections[${i}].frame_index`, rec[i].frame_index, s.frame_index);
        same(`selections[${i}].target`, rec[i].target, s.target);
        same(`selections[${i}].stratum`, rec[i].stratum, s.stratum);
        const a = rec[i].inspectors;
        const b = s.inspectors;
        if (a.length !== b.length || a.some((x, j) => x !== b[j])) {
          throw differ(`selections[${i}].inspectors`, a.join(', '), b.join(', '));
        }
      });
      summary.selections = got.length;
    },
    digest() {
      const { digest, ...rest } = t;
      same('digest', digest, early.digest ?? toHex(H(canonicalBytes(rest))));
    },
  };
  let failure = null;
  const timings = {};
  for (const { id } of CHECKS) {
    const s = status.get(id);
    if (s.status === 'skipped') continue;
    onProgress({ check: id });
    const started = now();
    try {
      await steps[id]();
      timings[id] = Math.round(now() - started);
      s.status = 'pass';
    } catch (e) {
      s.status = 'fail';
      failure = {
        check: id,
        field: e.field ?? (e.kind ? (id === 'frame' ? 'frame' : 'pool') : id),
        detail: e.detail ?? e.message,
        code: e.code ?? e.kind,
        recorded: e.recorded,
        recomputed: e.recomputed,
      };
      if (e.facts !== undefined) failure.facts = e.facts;
      if (!(e instanceof FieldError) && !e.kind) failure.internal = String(e.stack ?? e);
      Object.assign(s, failure);
      break;
    }
  }
  return { ok: failure === null, failure, checks: CHECKS.map((x) => status.get(x.id)), summary, timings };
}

/**
 * Verifies from file contents: transcript (and optional commitment) as text, frame/pool as bytes.
 * `helpers`: optional hashing workers for the frame (see frame.js frameFromFile and frameInParallel).
 * `frameStarted`: the helper already started on the frame file (frame.js startFrameBlob, startedBytes).
 */
export async function verifyFiles({ transcriptText, commitmentText = null, frameBytes, poolBytes }, onProgress,
  { helpers = null, frameStarted = null } = {}) {
  const started = now();
  // The helper starts reading the frame now (unless the caller has started it: frameStarted, see
  // frame.js startFrameBlob), while this thread parses the transcript.
  const frameJob = frameStarted ?? startFrame(frameBytes, helpers);
  let transcript;
  let published = null;
  try {
    transcript = parseStrictJson(transcriptText);
  } catch (e) {
    return syntaxFailure('format', '（誊本文件）', e);
  }
  if (commitmentText !== null) {
    try {
      published = parseStrictJson(commitmentText);
    } catch (e) {
      return syntaxFailure('published', '（承诺文件）', e);
    }
  }
  const parsed = Math.round(now() - started);
  const report = await verifyDraw({
    transcript,
    published,
    loadFrame: (p, whileHashing, whileReading) => parseFrameCsv(frameBytes, p, helpers, { whileHashing, whileReading, started: frameJob }),
    loadPool: () => parsePoolCsv(poolBytes),
  }, onProgress);
  report.timings = { json: parsed, ...report.timings };
  return report;
}

function syntaxFailure(id, field, e) {
  if (e.name !== 'JsonSyntaxError') throw e;
  const failure = { check: id, field, detail: e.message };
  const checks = CHECKS.map((c) => ({ ...c, status: c.id === id ? 'fail' : 'not-run', ...(c.id === id ? failure : {}) }));
  return { ok: false, failure, checks, summary: {} };
}
