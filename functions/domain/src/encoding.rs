//! Byte-level building blocks of draw spec v1 (docs/draw-spec.md §2): length-prefixed strings and
//! domain-separated SHA-256.

use sha2::{Digest as _, Sha256};

use crate::ids::Digest;

/// Appends `u32_be(len(bytes)) ‖ bytes` to `out` (spec §2.1). Strings longer than `u32::MAX` bytes
/// cannot occur: every identifier is capped far below that.
pub fn put_lp(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> Digest {
    Digest::from_bytes(Sha256::digest(bytes).into())
}

/// Domain-separated hash (spec §2.2): `SHA-256(lp(tag) ‖ parts[0] ‖ parts[1] ‖ …)`.
pub fn tagged_hash(tag: &str, parts: &[&[u8]]) -> Digest {
    let mut h = Sha256::new();
    h.update((tag.len() as u32).to_be_bytes());
    h.update(tag.as_bytes());
    for p in parts {
        h.update(p);
    }
    Digest::from_bytes(h.finalize().into())
}

/// The tags of spec v1, one per purpose, so no hash of one kind can be replayed as another.
pub mod tags {
    /// Secret commitment: `H(lp(tag) ‖ secret)`.
    pub const SECRET: &str = "spotcheck/v1/secret";
    /// Entropy digest.
    pub const ENTROPY: &str = "spotcheck/v1/entropy";
    /// Draw key.
    pub const DRAW_KEY: &str = "spotcheck/v1/draw-key";
    /// Per-stratum sampling sub-key.
    pub const STRATUM: &str = "spotcheck/v1/stratum";
    /// Inspector assignment sub-key.
    pub const ASSIGN: &str = "spotcheck/v1/assign";
    /// Synthetic frame generator key.
    pub const GEN_FRAME: &str = "spotcheck/v1/gen-frame";
    /// Synthetic pool generator key.
    pub const GEN_POOL: &str = "spotcheck/v1/gen-pool";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_known_answer() {
        // FIPS 180-2 example "abc".
        assert_eq!(
            sha256(b"abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn tagged_hash_is_sha256_of_length_prefixed_tag_then_parts() {
        let mut buf = Vec::new();
        put_lp(&mut buf, b"t");
        buf.extend_from_slice(b"ab");
        assert_eq!(tagged_hash("t", &[b"a", b"b"]), sha256(&buf));
        assert_eq!(buf[..5], [0, 0, 0, 1, b't']);
    }
}
