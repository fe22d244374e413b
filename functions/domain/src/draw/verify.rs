//! Independent re-computation of a draw from its transcript, frame and pool (spec §14).

use super::beacon::{BeaconError, check_draw_beacon};
use super::commitment::{Commitment, check_total, plan_strata};
use super::engine::{assign_teams, draw_key_for, select_targets};
use super::joint::check_parameter_rules;
use super::transcript::Transcript;
use super::{DrawError, SUPPORTED_VERSIONS};
use crate::frame::{Frame, InspectorPool};

/// The first thing that does not check out, naming the transcript field (JSON path) concerned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A field's recorded value differs from the recomputed one.
    #[error("{field}: the transcript says {recorded}, but recomputing gives {recomputed}{}", hint_text(.hint))]
    Mismatch {
        /// JSON path of the field, e.g. `selections[3].inspectors`.
        field: String,
        /// What the transcript (or file) records.
        recorded: String,
        /// What recomputation gives.
        recomputed: String,
        /// What this most likely means.
        hint: &'static str,
    },
    /// A field breaks a rule of the spec (or cannot be checked at all).
    #[error("{field}: {reason} [{code}]")]
    Invalid {
        /// JSON path of the field.
        field: String,
        /// Why.
        reason: String,
        /// The spec's error code (§15), e.g. `invalid-parameters`.
        code: &'static str,
    },
}

fn hint_text(h: &str) -> String {
    if h.is_empty() {
        String::new()
    } else {
        format!(" ({h})")
    }
}

impl VerifyError {
    /// The JSON path of the field that differs.
    pub fn field(&self) -> &str {
        match self {
            VerifyError::Mismatch { field, .. } | VerifyError::Invalid { field, .. } => field,
        }
    }

    /// The spec's error code (§15) of a broken rule; `None` for a recorded value that differs
    /// from the recomputed one.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            VerifyError::Mismatch { .. } => None,
            VerifyError::Invalid { code, .. } => Some(code),
        }
    }
}

fn invalid(field: impl Into<String>, e: &DrawError) -> VerifyError {
    VerifyError::Invalid {
        field: field.into(),
        reason: e.to_string(),
        code: e.code(),
    }
}

/// The checks [`verify`] makes, in order, for display.
pub const CHECKS: &[&str] = &[
    "spec version is spotcheck-draw/1 (or /2, a joint draw of several departments)",
    "frame file matches the committed frame root and size",
    "pool file matches the committed pool root and size",
    "parameters obey the rules of commit (at least 2 inspectors per target, a cap of at least 1, a joint plan's departments, at least one target); per-stratum populations and sample sizes follow from frame and parameters",
    "commitment hash matches the commitment",
    "revealed secret matches the committed secret hash",
    "entropy comes from the committed witnesses, in order",
    "drand beacon round (if promised): known chain, round after the commitment, BLS signature, randomness, drawn after the round",
    "the draw is not dated before its commitment",
    "entropy digest matches the entropy",
    "draw key follows from commitment, secret and entropy",
    "every selected target and every assigned inspector re-computes identically",
    "transcript digest matches its contents",
];

fn mismatch(
    field: impl Into<String>,
    recorded: impl ToString,
    recomputed: impl ToString,
    hint: &'static str,
) -> VerifyError {
    VerifyError::Mismatch {
        field: field.into(),
        recorded: recorded.to_string(),
        recomputed: recomputed.to_string(),
        hint,
    }
}

fn check<T: PartialEq + ToString>(
    field: impl Into<String>,
    recorded: &T,
    recomputed: &T,
    hint: &'static str,
) -> Result<(), VerifyError> {
    if recorded == recomputed {
        Ok(())
    } else {
        Err(mismatch(
            field,
            recorded.to_string(),
            recomputed.to_string(),
            hint,
        ))
    }
}

/// Compares a transcript's embedded commitment with the separately published one, naming the
/// first differing field.
///
/// # Errors
/// [`VerifyError::Mismatch`] with a `commitment.…` path.
pub fn check_published_commitment(
    t: &Transcript,
    published: &Commitment,
) -> Result<(), VerifyError> {
    let a = serde_json::to_value(&t.commitment).unwrap_or_default();
    let b = serde_json::to_value(published).unwrap_or_default();
    if let Some(path) = first_difference(&a, &b, "commitment".to_owned()) {
        return Err(mismatch(
            path,
            "a different value",
            "the published commitment's value",
            "the transcript's commitment is not the one published before the draw",
        ));
    }
    Ok(())
}

fn first_difference(a: &serde_json::Value, b: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(p), Some(q)) => first_difference(p, q, format!("{path}.{k}")),
                _ => Some(format!("{path}.{k}")),
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(path);
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| first_difference(p, q, format!("{path}[{i}]")))
        }
        _ if a == b => None,
        _ => Some(path),
    }
}

/// A beacon check's failure, naming the field (spec §7.3).
fn beacon_failure(e: BeaconError) -> VerifyError {
    let field = e.field();
    match e {
        BeaconError::ChainMismatch {
            committed,
            supplied,
        } => mismatch(
            field,
            supplied,
            committed,
            "the beacon round is from another chain than the committed one",
        ),
        BeaconError::RoundMismatch {
            committed,
            supplied,
        } => mismatch(
            field,
            supplied,
            committed,
            "the beacon round is not the committed one",
        ),
        BeaconError::RandomnessMismatch { recorded, computed } => mismatch(
            field,
            recorded,
            computed,
            "the randomness is not SHA-256 of the signature",
        ),
        other => VerifyError::Invalid {
            field: field.into(),
            reason: other.to_string(),
            code: other.code(),
        },
    }
}

/// Step 1 of spec §14: the transcript and its commitment are of this spec version. A verifier
/// that reads the files itself calls this before it reads the frame file (step 2).
///
/// # Errors
/// [`VerifyError::Invalid`] (`unsupported-version`).
pub fn verify_version(t: &Transcript) -> Result<(), VerifyError> {
    let c = &t.commitment;
    let unsupported = |field: &str, reason: String| VerifyError::Invalid {
        field: field.into(),
        reason,
        code: "unsupported-version",
    };
    for (field, v) in [
        ("spec_version", &t.spec_version),
        ("commitment.spec_version", &c.spec_version),
    ] {
        if !SUPPORTED_VERSIONS.contains(&v.as_str()) {
            return Err(unsupported(
                field,
                format!(
                    "this verifier implements {}, not {v:?}",
                    SUPPORTED_VERSIONS.join(" and ")
                ),
            ));
        }
    }
    // Spec §17.6: a transcript cannot claim a version its commitment does not have.
    if t.spec_version != c.spec_version {
        return Err(unsupported(
            "spec_version",
            format!(
                "the transcript says {:?}, but its commitment is {:?}",
                t.spec_version, c.spec_version
            ),
        ));
    }
    Ok(())
}

/// Steps 1 and 2 of spec §14: the spec version, then the frame's size and root. A verifier that
/// reads the files itself calls this before it reads the pool file, whose refusal belongs to
/// step 3.
///
/// # Errors
/// The first [`VerifyError`] of those steps.
pub fn verify_frame(t: &Transcript, frame: &Frame) -> Result<(), VerifyError> {
    let c = &t.commitment;
    verify_version(t)?;
    const FRAME_HINT: &str = "the frame file is not the committed frame";
    let fs = frame.summary();
    check("commitment.frame.size", &c.frame.size, &fs.size, FRAME_HINT)?;
    check("commitment.frame.root", &c.frame.root, &fs.root, FRAME_HINT)
}

/// Re-runs the draw described by `t` over `frame` and `pool` and checks every recorded value.
///
/// # Errors
/// The first [`VerifyError`] found, in the order of [`CHECKS`].
pub fn verify(t: &Transcript, frame: &Frame, pool: &InspectorPool) -> Result<(), VerifyError> {
    let c = &t.commitment;
    verify_frame(t, frame)?;
    const POOL_HINT: &str = "the pool file is not the committed pool";
    let ps = pool.summary();
    check("commitment.pool.size", &c.pool.size, &ps.size, POOL_HINT)?;
    check("commitment.pool.root", &c.pool.root, &ps.root, POOL_HINT)?;

    // Step 4: the parameters obey the rules commit enforces (§9.2), then the strata follow from
    // frame and parameters (§6.3) and select at least one target.
    check_parameter_rules(&c.parameters, pool)
        .map_err(|(member, e)| invalid(format!("commitment.parameters.{member}"), &e))?;
    let strata =
        plan_strata(frame, &c.parameters).map_err(|e| invalid("commitment.parameters", &e))?;
    check_total(&strata).map_err(|e| invalid("commitment.parameters", &e))?;
    check(
        "commitment.strata.length",
        &c.strata.len(),
        &strata.len(),
        "",
    )?;
    for (i, (rec, re)) in c.strata.iter().zip(&strata).enumerate() {
        check(
            format!("commitment.strata[{i}].key"),
            &rec.key.to_string(),
            &re.key.to_string(),
            "",
        )?;
        check(
            format!("commitment.strata[{i}].population"),
            &rec.population,
            &re.population,
            "",
        )?;
        check(
            format!("commitment.strata[{i}].sample"),
            &rec.sample,
            &re.sample,
            "",
        )?;
    }

    let ch = c.hash().map_err(|e| invalid("commitment", &e))?;
    check(
        "commitment_hash",
        &t.commitment_hash,
        &ch,
        "the commitment or its hash was altered",
    )?;
    check(
        "secret",
        &c.secret_commitment,
        &t.secret.commitment(),
        "the revealed secret is not the committed one (recorded: commitment.secret_commitment; recomputed: hash of secret)",
    )?;

    let names: Vec<&str> = t
        .entropy
        .witnesses
        .iter()
        .map(|w| w.name.as_str())
        .collect();
    let promised: Vec<&str> = c
        .entropy_source
        .witnesses
        .iter()
        .map(|w| w.as_str())
        .collect();
    check(
        "entropy.witnesses.length",
        &names.len(),
        &promised.len(),
        "values must come from exactly the committed witnesses",
    )?;
    for (i, (n, p)) in names.iter().zip(&promised).enumerate() {
        check(
            format!("entropy.witnesses[{i}].name"),
            &n.to_string(),
            &p.to_string(),
            "values must come from the committed witnesses, in order",
        )?;
    }
    if c.entropy_source.witnesses.is_empty() && c.entropy_source.drand.is_none() {
        return Err(VerifyError::Invalid {
            field: "commitment.entropy_source".into(),
            reason: "names neither a witness nor a beacon round".into(),
            code: "invalid-parameters",
        });
    }
    check_draw_beacon(
        c.entropy_source.drand.as_ref(),
        t.entropy.drand.as_ref(),
        c.committed_at,
        t.drawn_at,
    )
    .map_err(beacon_failure)?;
    // 7h: no draw is dated before its commitment (with a beacon round, 7c and 7g imply it).
    if t.drawn_at < c.committed_at {
        return Err(invalid(
            "drawn_at",
            &DrawError::DrawnBeforeCommit {
                committed_at: c.committed_at,
                drawn_at: t.drawn_at,
            },
        ));
    }
    let ed = t.entropy.digest();
    check(
        "entropy_digest",
        &t.entropy_digest,
        &ed,
        "the entropy values or their digest were altered",
    )?;
    let key = draw_key_for(&c.spec_version, &ch, &t.secret, &ed);
    check("draw_key", &t.draw_key, &key, "")?;

    // Recompute selection and assignment as indices and compare in place: no record is
    // materialised, so verifying 50,000 selections allocates almost nothing.
    let selected = select_targets(frame, &c.strata, &key);
    let p = &c.parameters;
    let assignments =
        assign_teams(frame, pool, p, &selected, &key).map_err(|e| invalid("selections", &e))?;
    check(
        "selections.length",
        &t.selections.len(),
        &selected.len(),
        "",
    )?;
    let inspector = |k: u32| pool.entries().get(k as usize).map_or("", |e| e.id.as_str());
    for (i, (rec, (&f, chosen))) in t
        .selections
        .iter()
        .zip(
            selected
                .iter()
                .zip(assignments.chunks(p.inspectors_per_target.max(1) as usize)),
        )
        .enumerate()
    {
        let f = f as usize;
        if rec.frame_index != f as u64 {
            return Err(mismatch(
                format!("selections[{i}].frame_index"),
                rec.frame_index,
                f,
                "",
            ));
        }
        if rec.target.as_str() != frame.id(f) {
            return Err(mismatch(
                format!("selections[{i}].target"),
                &rec.target,
                frame.id(f),
                "",
            ));
        }
        let stratum = frame.stratum(f).map_or("", |s| s.as_str());
        if rec.stratum.as_str() != stratum {
            return Err(mismatch(
                format!("selections[{i}].stratum"),
                &rec.stratum,
                stratum,
                "",
            ));
        }
        let same = rec.inspectors.len() == chosen.len()
            && rec
                .inspectors
                .iter()
                .zip(chosen)
                .all(|(a, &b)| a.as_str() == inspector(b));
        if !same {
            let recorded: Vec<&str> = rec.inspectors.iter().map(|x| x.as_str()).collect();
            let recomputed: Vec<&str> = chosen.iter().map(|&k| inspector(k)).collect();
            return Err(mismatch(
                format!("selections[{i}].inspectors"),
                recorded.join(","),
                recomputed.join(","),
                "",
            ));
        }
    }
    let digest = t.compute_digest().map_err(|e| invalid("digest", &e))?;
    check(
        "digest",
        &t.digest,
        &digest,
        "the transcript was altered after it was made",
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vectors::Vector;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// Vector 18's frozen transcript, with `change` applied to its JSON, verified against its
    /// frame and pool: the field named.
    fn field_after(
        change: impl Fn(&mut serde_json::Value),
    ) -> Result<String, Box<dyn std::error::Error>> {
        let v: Vector = serde_json::from_str(include_str!(
            "../../../../fixtures/vectors/18-drand-quicknet.json"
        ))?;
        let frame = v.inputs.build_frame()?;
        let pool = v.inputs.build_pool()?;
        let exp = v.expected.ok_or("expected")?;
        let mut t = serde_json::to_value(&exp.transcript)?;
        change(&mut t);
        let t: Transcript = serde_json::from_value(t)?;
        Ok(match verify(&t, &frame, &pool) {
            Ok(()) => "ok".into(),
            Err(e) => e.field().to_owned(),
        })
    }

    #[test]
    fn beacon_tampering_is_named_by_field() -> TestResult {
        assert_eq!(field_after(|_| {})?, "ok");
        let sig = "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e38";
        assert_eq!(
            field_after(|t| t["entropy"]["drand"]["signature"] = sig.into())?,
            "entropy.drand.signature"
        );
        assert_eq!(
            field_after(|t| t["entropy"]["drand"]["randomness"] = "00".repeat(32).into())?,
            "entropy.drand.randomness"
        );
        assert_eq!(
            field_after(|t| t["entropy"]["drand"]["round"] = 1001.into())?,
            "entropy.drand.round"
        );
        assert_eq!(
            field_after(|t| t["entropy"]["drand"]["chain_hash"] = "11".repeat(32).into())?,
            "entropy.drand.chain_hash"
        );
        assert_eq!(
            field_after(|t| t["commitment"]["entropy_source"]["drand"]["round"] = 999.into())?,
            "commitment_hash",
            "a changed promise is caught by the commitment hash before the beacon checks"
        );
        assert_eq!(
            field_after(
                |t| t["commitment"]["entropy_source"]["drand"]["chain_hash"] =
                    "11".repeat(32).into()
            )?,
            "commitment_hash"
        );
        assert_eq!(
            field_after(|t| t["drawn_at"] = "2023-08-23T15:59:00Z".into())?,
            "drawn_at"
        );
        assert_eq!(
            field_after(|t| {
                if let Some(e) = t["entropy"].as_object_mut() {
                    e.remove("drand");
                }
            })?,
            "entropy.drand"
        );
        Ok(())
    }
}
