//! Running a committed draw (spec §10–§12): key derivation, stratified selection, inspector
//! assignment.

use super::beacon::check_draw_beacon;
use super::commitment::{Commitment, check_total, plan_strata};
use super::entropy::Entropy;
use super::joint::{assign_joint, check_parameter_rules, version_for};
use super::params::DrawParameters;
use super::params::StratumPlan;
use super::stream::RandomStream;
use super::transcript::{Selection, Transcript};
use super::{DrawError, SPEC_VERSION, SUPPORTED_VERSIONS, Secret};
use crate::encoding::{put_lp, tagged_hash, tags};
use crate::frame::{Frame, InspectorPool};
use crate::ids::Digest;
use crate::time::Timestamp;

/// `H(lp("spotcheck/v1/draw-key") ‖ lp("spotcheck-draw/1") ‖ commitment_hash ‖ secret ‖ entropy_digest)`
/// (spec §10): the draw key of a version-1 draw.
pub fn draw_key(commitment_hash: &Digest, secret: &Secret, entropy_digest: &Digest) -> Digest {
    draw_key_for(SPEC_VERSION, commitment_hash, secret, entropy_digest)
}

/// The draw key of a draw of `spec_version` (spec §10, §17.1): the version is hashed, so a draw
/// of one version never has the key of another.
pub fn draw_key_for(
    spec_version: &str,
    commitment_hash: &Digest,
    secret: &Secret,
    entropy_digest: &Digest,
) -> Digest {
    let mut version = Vec::new();
    put_lp(&mut version, spec_version.as_bytes());
    tagged_hash(
        tags::DRAW_KEY,
        &[
            &version,
            commitment_hash.as_bytes(),
            secret.as_bytes(),
            entropy_digest.as_bytes(),
        ],
    )
}

/// `H(lp("spotcheck/v1/stratum") ‖ draw_key ‖ lp(stratum))` (spec §10.2).
pub fn stratum_sub_key(draw_key: &Digest, stratum: &str) -> Digest {
    let mut s = Vec::new();
    put_lp(&mut s, stratum.as_bytes());
    tagged_hash(tags::STRATUM, &[draw_key.as_bytes(), &s])
}

/// `H(lp("spotcheck/v1/assign") ‖ draw_key)` (spec §10.2).
pub fn assign_sub_key(draw_key: &Digest) -> Digest {
    tagged_hash(tags::ASSIGN, &[draw_key.as_bytes()])
}

/// Stratified selection (spec §11): strata in order, each a partial Fisher–Yates over its members
/// in canonical order. Returns canonical frame indices in selection order.
///
/// The members array is shuffled in place, which gives exactly `M[p]` for the positions `p` of
/// spec §8.3 without a map of moved positions.
pub fn select_targets(frame: &Frame, strata: &[StratumPlan], draw_key: &Digest) -> Vec<u32> {
    let (mut members, starts) = frame.members_flat();
    let mut out = Vec::with_capacity(strata.iter().map(|s| s.sample as usize).sum());
    for (s, plan) in strata.iter().enumerate() {
        if plan.sample == 0 {
            continue;
        }
        let (Some(&a), Some(&b)) = (starts.get(s), starts.get(s + 1)) else {
            continue;
        };
        let m = &mut members[a as usize..b as usize];
        let n = m.len() as u64;
        let k = plan.sample.min(n);
        let mut stream = RandomStream::new(&stratum_sub_key(draw_key, plan.key.as_str()));
        for i in 0..k {
            let j = i + stream.below(n - i);
            m.swap(i as usize, j as usize);
            out.push(m[i as usize]);
        }
    }
    out
}

const REMOVED: u32 = u32::MAX;

/// Conflicts keyed by frame index: (frame index, pool index), sorted; looked up by binary
/// search, so no string hashing per target.
pub(crate) fn conflict_pairs(frame: &Frame, pool: &InspectorPool) -> Vec<(u32, u32)> {
    // The ids are looked up in sorted order, so consecutive binary searches share cached paths.
    let mut named: Vec<(&str, u32)> = pool
        .entries()
        .iter()
        .enumerate()
        .flat_map(|(k, e)| e.conflicts.iter().map(move |c| (c.as_str(), k as u32)))
        .collect();
    named.sort_unstable();
    let mut conflicts: Vec<(u32, u32)> = named
        .iter()
        .filter_map(|&(id, k)| frame.index_of(id).map(|i| (i as u32, k)))
        .collect();
    conflicts.sort_unstable();
    conflicts
}

/// Inspector assignment (spec §12), returned flat: target `i`'s inspectors (pool indices, in the
/// order drawn) are `out[i * per_target..(i + 1) * per_target]`. For each selected target in selection order, draws
/// `per_target` distinct inspectors uniformly from those still available (under the cap) and not
/// conflicted with it. Cost per target is `O(c log c)` for `c` conflicts, never a scan of the pool.
///
/// # Errors
/// [`DrawError::AssignmentStuck`] if some target has too few eligible inspectors (impossible after
/// [`super::commitment::check_feasible`]).
pub fn assign_inspectors(
    frame: &Frame,
    pool: &InspectorPool,
    per_target: u32,
    cap: Option<u32>,
    selected: &[u32],
    draw_key: &Digest,
) -> Result<Vec<u32>, DrawError> {
    let conflicts = conflict_pairs(frame, pool);
    let mut stream = RandomStream::new(&assign_sub_key(draw_key));
    let mut available: Vec<u32> = (0..pool.len() as u32).collect();
    let mut pos: Vec<u32> = (0..pool.len() as u32).collect();
    let mut load = vec![0u32; pool.len()];
    let m = per_target as usize;
    let mut out: Vec<u32> = Vec::with_capacity(selected.len() * m);
    let mut excluded: Vec<u32> = Vec::new();
    for &t in selected {
        let lo = conflicts.partition_point(|&(f, _)| f < t);
        let hi = conflicts.partition_point(|&(f, _)| f <= t);
        let conflicted = conflicts[lo..hi].iter().map(|&(_, k)| k);
        let first = out.len();
        for _ in 0..per_target {
            excluded.clear();
            excluded.extend(
                conflicted
                    .clone()
                    .map(|i| pos[i as usize])
                    .filter(|&p| p != REMOVED),
            );
            excluded.extend(out[first..].iter().map(|&i| pos[i as usize]));
            excluded.sort_unstable();
            let eligible = available.len() as u64 - excluded.len() as u64;
            if eligible == 0 {
                return Err(DrawError::AssignmentStuck(frame.id(t as usize).to_owned()));
            }
            let mut p = stream.below(eligible);
            for &q in &excluded {
                if u64::from(q) <= p {
                    p += 1;
                } else {
                    break;
                }
            }
            out.push(available[p as usize]);
        }
        if let Some(cap) = cap {
            for &c in &out[first..] {
                load[c as usize] += 1;
                if load[c as usize] == cap {
                    // Swap-remove from `available`, keeping `pos` in step.
                    let at = pos[c as usize] as usize;
                    if let Some(last) = available.pop()
                        && last != c
                    {
                        available[at] = last;
                        pos[last as usize] = at as u32;
                    }
                    pos[c as usize] = REMOVED;
                }
            }
        }
    }
    Ok(out)
}

/// The assignment of the commitment's version: spec §12, or §17.4 for a joint plan.
///
/// # Errors
/// As [`assign_inspectors`] and [`super::assign_joint`].
pub(crate) fn assign_teams(
    frame: &Frame,
    pool: &InspectorPool,
    params: &DrawParameters,
    selected: &[u32],
    key: &Digest,
) -> Result<Vec<u32>, DrawError> {
    match &params.joint {
        Some(plan) => assign_joint(frame, pool, params, plan, selected, key),
        None => assign_inspectors(
            frame,
            pool,
            params.inspectors_per_target,
            params.max_assignments_per_inspector,
            selected,
            key,
        ),
    }
}

/// What the caller supplies at draw time.
#[derive(Debug, Clone)]
pub struct DrawRequest {
    /// The published commitment.
    pub commitment: Commitment,
    /// The secret committed to.
    pub secret: Secret,
    /// The witnesses' values, in the commitment's order, and the promised beacon round (checked
    /// here before use).
    pub entropy: Entropy,
    /// Now, as the caller's clock says.
    pub drawn_at: Timestamp,
}

/// Runs the draw after checking that frame, pool, secret and entropy are the committed ones.
///
/// # Errors
/// [`DrawError::FrameMismatch`], [`DrawError::PoolMismatch`], [`DrawError::SecretMismatch`],
/// [`DrawError::EntropyMismatch`], [`DrawError::UnsupportedVersion`], [`DrawError::Beacon`]
/// (a beacon round that is missing, not the promised one, not signed by the chain, or dated
/// after the draw), [`DrawError::DrawnBeforeCommit`], feasibility errors.
pub fn draw(
    req: DrawRequest,
    frame: &Frame,
    pool: &InspectorPool,
) -> Result<Transcript, DrawError> {
    let c = &req.commitment;
    if !SUPPORTED_VERSIONS.contains(&c.spec_version.as_str()) {
        return Err(DrawError::UnsupportedVersion(c.spec_version.clone()));
    }
    if version_for(&c.parameters) != c.spec_version {
        return Err(DrawError::InvalidParameters(format!(
            "a {} commitment {} a joint plan",
            c.spec_version,
            if c.parameters.joint.is_some() {
                "cannot have"
            } else {
                "needs"
            }
        )));
    }
    let fs = frame.summary();
    if fs != c.frame {
        return Err(DrawError::FrameMismatch {
            committed: c.frame.root,
            actual: fs.root,
        });
    }
    let ps = pool.summary();
    if ps != c.pool {
        return Err(DrawError::PoolMismatch {
            committed: c.pool.root,
            actual: ps.root,
        });
    }
    if req.secret.commitment() != c.secret_commitment {
        return Err(DrawError::SecretMismatch);
    }
    if c.entropy_source.witnesses.is_empty() && c.entropy_source.drand.is_none() {
        return Err(DrawError::InvalidParameters(
            "the commitment names no entropy source (neither a witness nor a beacon round)".into(),
        ));
    }
    let names: Vec<_> = req.entropy.witnesses.iter().map(|w| &w.name).collect();
    let promised: Vec<_> = c.entropy_source.witnesses.iter().collect();
    if names != promised {
        return Err(DrawError::EntropyMismatch(format!(
            "the commitment names witnesses {:?}, values were given for {:?}",
            promised.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
            names.iter().map(|n| n.as_str()).collect::<Vec<_>>()
        )));
    }
    // The beacon round, if promised: checked against the chain's key before it is used, and
    // never before its time (spec §7.3).
    check_draw_beacon(
        c.entropy_source.drand.as_ref(),
        req.entropy.drand.as_ref(),
        c.committed_at,
        req.drawn_at,
    )?;
    if req.drawn_at < c.committed_at {
        return Err(DrawError::DrawnBeforeCommit {
            committed_at: c.committed_at,
            drawn_at: req.drawn_at,
        });
    }
    check_parameter_rules(&c.parameters, pool).map_err(|(_, e)| e)?;
    if plan_strata(frame, &c.parameters)? != c.strata {
        return Err(DrawError::InvalidParameters(
            "the commitment's strata do not follow from its frame and parameters".into(),
        ));
    }
    check_total(&c.strata)?;
    let commitment_hash = c.hash()?;
    let entropy_digest = req.entropy.digest();
    let key = draw_key_for(
        &c.spec_version,
        &commitment_hash,
        &req.secret,
        &entropy_digest,
    );
    let selections = compute_selections(frame, pool, c, &key)?;
    Transcript::new(
        req.commitment,
        commitment_hash,
        req.secret,
        req.entropy,
        entropy_digest,
        key,
        req.drawn_at,
        selections,
    )
}

/// Selection and assignment from a draw key, without re-checking the inputs.
///
/// # Errors
/// [`DrawError::AssignmentStuck`].
pub fn compute_selections(
    frame: &Frame,
    pool: &InspectorPool,
    commitment: &Commitment,
    key: &Digest,
) -> Result<Vec<Selection>, DrawError> {
    let selected = select_targets(frame, &commitment.strata, key);
    let p = &commitment.parameters;
    let assignments = assign_teams(frame, pool, p, &selected, key)?;
    selected
        .iter()
        .zip(assignments.chunks(p.inspectors_per_target.max(1) as usize))
        .map(|(&i, inspectors)| {
            let i = i as usize;
            Ok(Selection {
                target: frame.target_id(i),
                stratum: frame
                    .stratum(i)
                    .cloned()
                    .ok_or_else(|| DrawError::Encoding(format!("entry {i} has no stratum")))?,
                frame_index: i as u64,
                inspectors: inspectors
                    .iter()
                    .filter_map(|&k| pool.entries().get(k as usize).map(|e| e.id.clone()))
                    .collect(),
            })
        })
        .collect()
}
