//! The frame and pool files as published (`frame.csv`, `pool.csv`): one writer for the public API
//! and the site.
//!
//! Their cells are not neutralised against spreadsheet formulas (OWASP's CSV-injection rule of
//! prefixing `=`, `+`, `-`, `@`, tab and CR with `'`): a verifier reads the cells back as the
//! target, stratum, inspector, department and conflict ids whose leaves make up the committed
//! Merkle roots (docs/draw-spec.md §4–§5, §14), so a prefixed cell would be a different id and
//! the draw would no longer verify. What keeps formula-like ids out of these files is the registry
//! import, which refuses them (`docs/publication.md`). No other CSV is published.

use spotcheck_domain::frame::{Frame, InspectorPool};

/// The frame file as published: `target_id,stratum` in canonical order (the format
/// `spotcheck verify` and the browser verifier read).
pub fn frame_csv(frame: &Frame) -> Vec<u8> {
    let mut out = Vec::with_capacity(frame.len() * 32 + 20);
    out.extend_from_slice(b"target_id,stratum\n");
    for (id, s) in frame.iter() {
        out.extend_from_slice(id.as_bytes());
        out.push(b',');
        out.extend_from_slice(s.as_str().as_bytes());
        out.push(b'\n');
    }
    out
}

/// The pool file as published: `inspector_id,department,conflicts`.
pub fn pool_csv(pool: &InspectorPool) -> Vec<u8> {
    let mut out = Vec::from(&b"inspector_id,department,conflicts\n"[..]);
    for e in pool.entries() {
        out.extend_from_slice(e.id.as_str().as_bytes());
        out.push(b',');
        out.extend_from_slice(e.department.as_str().as_bytes());
        out.push(b',');
        let c: Vec<&str> = e.conflicts.iter().map(|c| c.as_str()).collect();
        out.extend_from_slice(c.join(";").as_bytes());
        out.push(b'\n');
    }
    out
}
