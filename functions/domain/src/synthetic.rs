//! Deterministic synthetic frames and pools (docs/draw-spec.md Appendix A), for benchmarks and for
//! known-answer vectors too large to list. Another implementation can regenerate them exactly.

use crate::draw::RandomStream;
use crate::encoding::{put_lp, tagged_hash, tags};
use crate::ids::credit_code::{ALPHABET, check_character};

/// Region codes used by the generator, in the order `below(6)` indexes them.
pub const REGIONS: [&str; 6] = ["350300", "350302", "350303", "350304", "350305", "350322"];
/// Credit classes, in the order `below(4)` indexes them.
pub const CLASSES: [&str; 4] = ["A", "B", "C", "D"];
/// Departments used by the pool generator, in the order `below(6)` indexes them.
pub const DEPARTMENTS: [&str; 6] = [
    "莆田市文化和旅游局",
    "城厢区文体旅游局",
    "涵江区文体旅游局",
    "荔城区文体旅游局",
    "秀屿区文体旅游局",
    "仙游县文体旅游局",
];

fn stream_for(tag: &str, seed: &str) -> RandomStream {
    let mut s = Vec::new();
    put_lp(&mut s, seed.as_bytes());
    RandomStream::new(&tagged_hash(tag, &[&s]))
}

/// The id of generated entry `i` in region `region`: `"91" ‖ region ‖ base31(i, 9 digits)` plus
/// the GB 32100 check character: a valid 统一社会信用代码, distinct for every `i < 31^9`.
pub fn synthetic_target_id(i: u64, region: &str) -> String {
    let mut body = [b'0'; 17];
    body[..2].copy_from_slice(b"91");
    let r = region.as_bytes();
    body[2..2 + r.len().min(6)].copy_from_slice(&r[..r.len().min(6)]);
    let mut n = i;
    for slot in body[8..].iter_mut().rev() {
        *slot = ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    let mut s = String::from_utf8_lossy(&body).into_owned();
    s.push(check_character(&body).unwrap_or('0'));
    s
}

/// Generates `size` frame entries `(target id, stratum)` in generation order (Appendix A.1):
/// for each `i`, region = `REGIONS[below(6)]`, then class = `CLASSES[below(4)]`; stratum is
/// `region-class`.
pub fn synthetic_frame(size: u64, seed: &str) -> impl Iterator<Item = (String, String)> {
    let mut stream = stream_for(tags::GEN_FRAME, seed);
    (0..size).map(move |i| {
        let region = REGIONS[stream.below(6) as usize];
        let class = CLASSES[stream.below(4) as usize];
        (synthetic_target_id(i, region), format!("{region}-{class}"))
    })
}

/// One generated inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticInspector {
    /// `ZF` followed by the index, zero-padded to 6 digits.
    pub id: String,
    /// One of [`DEPARTMENTS`].
    pub department: String,
    /// Distinct frame target ids, in the order drawn.
    pub conflicts: Vec<String>,
}

/// Generates a pool (Appendix A.2) whose conflicts point into the synthetic frame
/// `(frame_size, frame_seed)`: for each inspector `j`, department = `DEPARTMENTS[below(6)]`,
/// `k = below(max_conflicts + 1)`, then `k` times `idx = below(frame_size)`, keeping the first
/// occurrence of each. With `frame_size = 0` no conflict words are drawn at all.
pub fn synthetic_pool(
    size: u64,
    seed: &str,
    frame_size: u64,
    frame_seed: &str,
    max_conflicts: u64,
) -> Vec<SyntheticInspector> {
    // Only the region of each frame entry is needed to rebuild its id.
    let regions: Vec<u8> = {
        let mut s = stream_for(tags::GEN_FRAME, frame_seed);
        (0..frame_size)
            .map(|_| {
                let r = s.below(6) as u8;
                s.below(4);
                r
            })
            .collect()
    };
    let mut stream = stream_for(tags::GEN_POOL, seed);
    (0..size)
        .map(|j| {
            let department = DEPARTMENTS[stream.below(6) as usize].to_owned();
            let mut conflicts: Vec<String> = Vec::new();
            if frame_size > 0 {
                let k = stream.below(max_conflicts.saturating_add(1));
                for _ in 0..k {
                    let idx = stream.below(frame_size);
                    let region = REGIONS[regions[idx as usize] as usize];
                    let id = synthetic_target_id(idx, region);
                    if !conflicts.contains(&id) {
                        conflicts.push(id);
                    }
                }
            }
            SyntheticInspector {
                id: format!("ZF{j:06}"),
                department,
                conflicts,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UnifiedCreditCode;

    #[test]
    fn generated_ids_are_valid_distinct_credit_codes() {
        let entries: Vec<_> = synthetic_frame(2_000, "t").collect();
        let mut ids: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
        for id in &ids {
            assert!(id.parse::<UnifiedCreditCode>().is_ok(), "{id}");
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 2_000);
    }

    #[test]
    fn same_seed_same_output_and_pool_conflicts_point_into_the_frame() {
        let a: Vec<_> = synthetic_frame(100, "s").collect();
        let b: Vec<_> = synthetic_frame(100, "s").collect();
        assert_eq!(a, b);
        assert_ne!(a, synthetic_frame(100, "s2").collect::<Vec<_>>());
        let pool = synthetic_pool(50, "p", 100, "s", 3);
        assert!(pool.iter().any(|p| !p.conflicts.is_empty()));
        for p in &pool {
            for c in &p.conflicts {
                assert!(a.iter().any(|(id, _)| id == c), "{c}");
            }
        }
    }
}
