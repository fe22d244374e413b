//! Fixtures for the contract tests, the crash helper and the docs: small frames, pools, plans,
//! commitments and draws. Not part of the stable API.

use spotcheck_domain::draw::{
    CommitRequest, Commitment, DrawRequest, Entropy, EntropySource, Secret, Transcript,
    WitnessContribution, commit, draw,
};
use spotcheck_domain::frame::{Frame, FrameBuilder, InspectorPool, PoolBuilder};
use spotcheck_domain::lifecycle::{PlanChange, PlanSpec, WriteMeta};
use spotcheck_domain::time::Timestamp;

/// Any fixture error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A fixed instant for fixtures.
pub const AT: Timestamp = Timestamp::from_unix(1_795_000_000);

/// A write envelope with key `key`, actor `test`, at [`AT`].
///
/// # Errors
/// If `key` is not a valid idempotency key.
pub fn meta(key: &str) -> Result<WriteMeta, BoxError> {
    Ok(WriteMeta::new(key.parse()?, "test".parse()?, AT))
}

/// A frame of `n` entries `T0000000…` in two strata.
///
/// # Errors
/// Never for valid sizes.
pub fn frame(n: usize) -> Result<Frame, BoxError> {
    let mut b = FrameBuilder::new();
    for i in 0..n {
        b.push(
            &format!("T{i:07}"),
            if i % 2 == 0 { "350302-A" } else { "350303-B" },
            i as u64,
        )?;
    }
    Ok(b.finish()?)
}

/// A pool of `n` inspectors `ZF000…`, the first declaring a conflict with `T0000000`.
///
/// # Errors
/// Never.
pub fn pool(n: usize) -> Result<InspectorPool, BoxError> {
    let mut b = PoolBuilder::new();
    for i in 0..n {
        let conflicts: Vec<&str> = if i == 0 { vec!["T0000000"] } else { vec![] };
        b.push_fields(
            &format!("ZF{i:03}"),
            "莆田市文化和旅游局",
            conflicts,
            i as u64,
        )?;
    }
    Ok(b.finish()?)
}

/// A plan spec drawing 2 targets per stratum with 2 inspectors each.
///
/// # Errors
/// If `id` is not a valid plan id.
pub fn plan_spec(id: &str) -> Result<PlanSpec, BoxError> {
    Ok(serde_json::from_value(serde_json::json!({
        "id": id, "item": "PT-LY-001", "title": "2026年旅行社随机抽查",
        "department": "莆田市文化和旅游局", "target_kind": "agency",
        "filter": {"mode": "untargeted"}, "stratum_scheme": "region_class",
        "parameters": {"default": {"count": 2}, "inspectors_per_target": 2},
        "entropy_source": {"witnesses": ["公证员 王某"]},
        "planned_draw_at": "2026-11-27T09:00:00Z"
    }))?)
}

/// The change attaching `frame`.
pub fn attach_frame(frame: &Frame) -> PlanChange {
    PlanChange::AttachFrame {
        frame: frame.summary(),
        provenance: None,
    }
}

/// The change attaching `pool`.
pub fn attach_pool(pool: &InspectorPool) -> PlanChange {
    PlanChange::AttachPool {
        pool: pool.summary(),
    }
}

/// The fixture secret.
pub fn secret() -> Secret {
    Secret::from_bytes([42; 32])
}

/// A commitment for plan `id` over `frame` and `pool`, matching [`plan_spec`].
///
/// # Errors
/// Draw errors (e.g. a frame too small).
pub fn commitment(id: &str, frame: &Frame, pool: &InspectorPool) -> Result<Commitment, BoxError> {
    let spec = plan_spec(id)?;
    Ok(commit(
        CommitRequest {
            plan_id: spec.id,
            committed_at: AT,
            parameters: spec.parameters,
            entropy_source: EntropySource {
                witnesses: vec!["公证员 王某".parse()?],
                drand: None,
            },
        },
        frame,
        pool,
        &secret(),
    )?)
}

/// The draw of `commitment` with witness value `value`.
///
/// # Errors
/// Draw errors.
pub fn transcript(
    commitment: Commitment,
    frame: &Frame,
    pool: &InspectorPool,
    value: &str,
) -> Result<Transcript, BoxError> {
    Ok(draw(
        DrawRequest {
            commitment,
            secret: secret(),
            entropy: Entropy {
                witnesses: vec![WitnessContribution {
                    name: "公证员 王某".parse()?,
                    value: value.parse()?,
                }],
                drand: None,
            },
            drawn_at: Timestamp::from_unix(AT.unix() + 86_400),
        },
        frame,
        pool,
    )?)
}
