// Inclusion proofs (draw spec §4.3): "is my business in the frame, and in which stratum?"
import { fromHex } from './bytes.js';
import { FieldError } from './errors.js';
import { leafHash, verifyInclusion } from './merkle.js';
import { readCommitment, readProof } from './model.js';
import { writeLp } from './frame.js';

/** H(0x00 ‖ lp(target) ‖ lp(stratum)). */
export function frameLeafHash(target, stratum) {
  const buf = new Uint8Array(8 + 3 * 256);
  const end = writeLp(buf, writeLp(buf, 0, target), stratum);
  return leafHash(buf.subarray(0, end));
}

/**
 * Checks a proof (parsed JSON). `against` (optional, parsed JSON) is a published commitment or a
 * transcript (whose `commitment` is used, and whose selections tell whether the target was drawn).
 * Returns { ok, failure: { field, detail } | null, proof, plan_id?, drawn?: selection | null }.
 */
export function checkInclusion(proofValue, against = null) {
  let proof;
  try {
    proof = readProof(proofValue);
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, failure: { field: e.field, detail: `证明文件格式错误：${e.detail}` } };
    throw e;
  }
  const ok = verifyInclusion(frameLeafHash(proof.target, proof.stratum), proof.index, proof.frame_size,
    proof.path.map(fromHex), fromHex(proof.frame_root));
  if (!ok) {
    return { ok: false, proof, failure: { field: 'path',
      detail: '审计路径不能从该对象及其分层推导出 frame_root：证明无效（对象编号、分层、位置或路径被改动）' } };
  }
  const out = { ok: true, failure: null, proof };
  if (against !== null) {
    const isTranscript = against !== null && typeof against === 'object' && 'commitment' in against;
    let commitment;
    try {
      commitment = readCommitment(isTranscript ? against.commitment : against, 'commitment').json;
    } catch (e) {
      if (e instanceof FieldError) return { ok: false, proof, failure: { field: e.field, detail: `承诺文件格式错误：${e.detail}` } };
      throw e;
    }
    out.plan_id = commitment.plan_id;
    if (commitment.frame.root !== proof.frame_root) {
      return { ok: false, proof, failure: { field: 'frame_root', detail: '证明所属名录的根哈希与承诺中的 frame.root 不同',
        recorded: proof.frame_root, recomputed: commitment.frame.root } };
    }
    if (commitment.frame.size !== proof.frame_size) {
      return { ok: false, proof, failure: { field: 'frame_size', detail: '证明所属名录的大小与承诺中的 frame.size 不同',
        recorded: proof.frame_size, recomputed: commitment.frame.size } };
    }
    if (isTranscript && Array.isArray(against.selections)) {
      out.drawn = against.selections.find((s) => s && s.target === proof.target) ?? null;
    }
  }
  return out;
}
