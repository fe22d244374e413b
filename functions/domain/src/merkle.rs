//! RFC 6962 / RFC 9162 §2.1 Merkle tree hashes and inclusion proofs over SHA-256.
//!
//! Leaves are hashed as `SHA-256(0x00 ‖ leaf)`, interior nodes as `SHA-256(0x01 ‖ left ‖ right)`,
//! and a tree of `n` leaves splits at the largest power of two below `n`. The root is computed in
//! one streaming pass with `O(log n)` memory.

use sha2::{Digest as _, Sha256};

use crate::ids::Digest;

/// SHA-256's initial hash value (FIPS 180-4 §5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The longest message [`sha256_in_place`] takes: three blocks less the 9 bytes of padding.
pub(crate) const MAX_IN_PLACE: usize = 3 * 64 - 9;

/// SHA-256 of `buf[..len]` for a message already laid out in a buffer that has room for its
/// padding: the message is padded in place (FIPS 180-4 §5.1.1) and run through `sha2`'s
/// compression function directly. This is the same SHA-256 `Sha256::digest` computes, without its
/// incremental-update buffering, which is most of the cost of hashing a 40-byte Merkle leaf.
/// `None` if `len` exceeds [`MAX_IN_PLACE`].
pub(crate) fn sha256_in_place(buf: &mut [u8; 3 * 64], len: usize) -> Option<Digest> {
    if len > MAX_IN_PLACE {
        return None;
    }
    let blocks = (len + 9).div_ceil(64);
    let end = blocks * 64;
    buf[len] = 0x80;
    buf[len + 1..end - 8].fill(0);
    buf[end - 8..end].copy_from_slice(&((len as u64) * 8).to_be_bytes());
    let (chunks, _) = buf.as_chunks::<64>();
    let mut state = SHA256_IV;
    sha2::block_api::compress256(&mut state, &chunks[..blocks]);
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    Some(Digest::from_bytes(out))
}

/// `SHA-256(0x00 ‖ data)`.
pub fn leaf_hash(data: &[u8]) -> Digest {
    let mut buf = [0u8; 3 * 64];
    if let Some(dst) = buf.get_mut(1..=data.len()) {
        dst.copy_from_slice(data);
        if let Some(d) = sha256_in_place(&mut buf, 1 + data.len()) {
            return d;
        }
    }
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    Digest::from_bytes(h.finalize().into())
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Digest, right: &Digest) -> Digest {
    let mut buf = [0u8; 3 * 64];
    buf[0] = 1;
    buf[1..33].copy_from_slice(left.as_bytes());
    buf[33..65].copy_from_slice(right.as_bytes());
    sha256_in_place(&mut buf, 65)
        .unwrap_or_else(|| Digest::from_bytes(Sha256::digest(&buf[..65]).into()))
}

/// The root of the empty tree, `SHA-256("")` (RFC 9162 §2.1.1).
pub fn empty_root() -> Digest {
    Digest::from_bytes(Sha256::digest([]).into())
}

/// Streaming Merkle tree hash: push leaf hashes in order, then [`MerkleBuilder::root`].
///
/// Complete subtrees are merged as soon as two of equal size sit on the stack; at the end the stack
/// is folded right to left, which yields exactly the RFC 6962 tree.
#[derive(Debug, Default, Clone)]
pub struct MerkleBuilder {
    stack: Vec<(Digest, u64)>,
    count: u64,
}

impl MerkleBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next leaf hash.
    pub fn push_leaf_hash(&mut self, leaf: Digest) {
        self.count += 1;
        let mut node = (leaf, 1u64);
        while let Some(&(top, size)) = self.stack.last() {
            if size != node.1 {
                break;
            }
            self.stack.pop();
            node = (node_hash(&top, &node.0), size * 2);
        }
        self.stack.push(node);
    }

    /// Number of leaves pushed.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether no leaf was pushed.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The tree hash of all leaves pushed so far.
    pub fn root(&self) -> Digest {
        let mut iter = self.stack.iter().rev();
        let Some(&(mut acc, _)) = iter.next() else {
            return empty_root();
        };
        for (left, _) in iter {
            acc = node_hash(left, &acc);
        }
        acc
    }
}

/// Tree hash of a slice of leaf hashes (`MTH` in RFC 9162).
pub fn root_of(leaves: &[Digest]) -> Digest {
    let mut b = MerkleBuilder::new();
    for l in leaves {
        b.push_leaf_hash(*l);
    }
    b.root()
}

/// The largest power of two strictly below `n` (n ≥ 2).
fn split_point(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The audit path for leaf `index` (RFC 9162 §2.1.3.1), from the leaf upwards. `None` if `index`
/// is out of range.
pub fn audit_path(leaves: &[Digest], index: usize) -> Option<Vec<Digest>> {
    if index >= leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    path_rec(leaves, index, &mut path);
    Some(path)
}

fn path_rec(leaves: &[Digest], m: usize, out: &mut Vec<Digest>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split_point(n);
    if m < k {
        path_rec(&leaves[..k], m, out);
        out.push(root_of(&leaves[k..]));
    } else {
        path_rec(&leaves[k..], m - k, out);
        out.push(root_of(&leaves[..k]));
    }
}

/// Why an inclusion proof does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not below the tree size.
    #[error("leaf index {index} is not below the tree size {size}")]
    IndexOutOfRange {
        /// The claimed index.
        index: u64,
        /// The claimed tree size.
        size: u64,
    },
    /// The path has the wrong number of hashes for this index and size.
    #[error("the audit path has the wrong length for leaf {index} of {size}")]
    WrongPathLength {
        /// The claimed index.
        index: u64,
        /// The claimed tree size.
        size: u64,
    },
    /// The recomputed root differs from the expected one.
    #[error("the proof leads to root {computed}, not {expected}")]
    RootMismatch {
        /// Root the proof leads to.
        computed: Digest,
        /// Root it should lead to.
        expected: Digest,
    },
}

/// Checks an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf: &Digest,
    index: u64,
    size: u64,
    path: &[Digest],
    root: &Digest,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if s == 0 {
            return Err(ProofError::WrongPathLength { index, size });
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongPathLength { index, size });
    }
    if r != *root {
        return Err(ProofError::RootMismatch {
            computed: r,
            expected: *root,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The in-place padding path is SHA-256: for every message length it handles (and past it,
    /// where the general path takes over), leaf and node hashes equal `sha2`'s own digest of the
    /// prefixed message.
    #[test]
    fn in_place_hashing_equals_sha2_for_every_length() {
        for len in 0..=MAX_IN_PLACE + 70 {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 + len) as u8).collect();
            let mut prefixed = vec![0u8];
            prefixed.extend_from_slice(&data);
            let want = Digest::from_bytes(Sha256::digest(&prefixed).into());
            assert_eq!(leaf_hash(&data), want, "leaf of {len} bytes");
        }
        let (l, r) = (leaf_hash(b"left"), leaf_hash(b"right"));
        let mut m = vec![1u8];
        m.extend_from_slice(l.as_bytes());
        m.extend_from_slice(r.as_bytes());
        assert_eq!(
            node_hash(&l, &r),
            Digest::from_bytes(Sha256::digest(&m).into())
        );
        assert_eq!(
            leaf_hash(b"").to_string(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    proptest! {
        #[test]
        fn in_place_hashing_equals_sha2(data in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut prefixed = vec![0u8];
            prefixed.extend_from_slice(&data);
            prop_assert_eq!(leaf_hash(&data), Digest::from_bytes(Sha256::digest(&prefixed).into()));
        }
    }

    /// The recursive definition straight from RFC 9162 §2.1.1, as an oracle.
    fn mth(leaves: &[Digest]) -> Digest {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split_point(n);
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    fn leaves(n: usize) -> Vec<Digest> {
        (0..n)
            .map(|i| leaf_hash(&(i as u64).to_be_bytes()))
            .collect()
    }

    #[test]
    fn empty_and_single_leaf() {
        assert_eq!(
            root_of(&[]).to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let l = leaf_hash(b"");
        assert_eq!(root_of(&[l]), l);
        // RFC 6962 test vector: the leaf hash of the empty string.
        assert_eq!(
            l.to_hex(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    proptest! {
        #[test]
        fn streaming_root_matches_recursive_definition(n in 0usize..200) {
            let l = leaves(n);
            prop_assert_eq!(root_of(&l), mth(&l));
        }

        #[test]
        fn every_audit_path_verifies_and_a_wrong_leaf_does_not(n in 1usize..130, seed in 0usize..1000) {
            let l = leaves(n);
            let root = root_of(&l);
            let i = seed % n;
            let path = audit_path(&l, i).ok_or_else(|| TestCaseError::fail("no path"))?;
            prop_assert!(verify_inclusion(&l[i], i as u64, n as u64, &path, &root).is_ok());
            let wrong = leaf_hash(b"not in the tree");
            prop_assert!(verify_inclusion(&wrong, i as u64, n as u64, &path, &root).is_err());
            if n > 1 {
                let j = (i + 1) % n;
                prop_assert!(verify_inclusion(&l[i], j as u64, n as u64, &path, &root).is_err());
            }
        }
    }

    #[test]
    fn out_of_range_index_is_rejected() {
        let l = leaves(3);
        assert!(audit_path(&l, 3).is_none());
        assert_eq!(
            verify_inclusion(&l[0], 3, 3, &[], &root_of(&l)),
            Err(ProofError::IndexOutOfRange { index: 3, size: 3 })
        );
    }
}
