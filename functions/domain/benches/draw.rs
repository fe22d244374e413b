//! Draw spec v1 at the design upper bound: a 1,000,000-entry frame, a 5 % stratified draw with two
//! inspectors per target from a pool of 5,000, and its verification — with the bare SHA-256 work
//! the frame root needs, measured in the same run as the yardstick.
//!
//! `cargo bench -p spotcheck-domain --bench draw` (figures in docs/performance.md).

use criterion::{Criterion, criterion_group, criterion_main};
use sha2::{Digest as _, Sha256};
use spotcheck_domain::draw::{
    CommitRequest, DrawRequest, Entropy, EntropySource, Secret, WitnessContribution,
    assign_inspectors, compute_selections, draw, draw_key, select_targets, verify,
};
use spotcheck_domain::frame::{Frame, FrameBuilder, InspectorPool, PoolBuilder};
use spotcheck_domain::synthetic::{synthetic_frame, synthetic_pool};
use std::hint::black_box;
use std::time::Duration;

const FRAME: u64 = 1_000_000;
const POOL: u64 = 5_000;

fn build() -> Result<(Frame, InspectorPool), Box<dyn std::error::Error>> {
    let mut fb = FrameBuilder::new();
    for (i, (id, s)) in synthetic_frame(FRAME, "bench").enumerate() {
        fb.push(&id, &s, i as u64)?;
    }
    let mut pb = PoolBuilder::new();
    for (i, p) in synthetic_pool(POOL, "bench-pool", FRAME, "bench", 3)
        .iter()
        .enumerate()
    {
        pb.push_fields(
            &p.id,
            &p.department,
            p.conflicts.iter().map(String::as_str),
            i as u64,
        )?;
    }
    Ok((fb.finish()?, pb.finish()?))
}

/// The messages the frame root hashes: one leaf message (0x00 ‖ leaf bytes) per entry and
/// n − 1 interior messages of 65 bytes.
fn bare_messages(frame: &Frame) -> Vec<Vec<u8>> {
    (0..frame.len())
        .map(|i| {
            let mut b = vec![0u8];
            frame.write_leaf(i, &mut b);
            b
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let Ok((frame, pool)) = build() else {
        eprintln!("could not build the benchmark inputs");
        return;
    };
    let witness = "公证员 王某";
    let secret = Secret::from_bytes([7; 32]);
    let Ok(commitment) = spotcheck_domain::draw::commit(
        CommitRequest {
            plan_id: "PT-BENCH".parse().unwrap_or_else(|_| unreachable!()),
            committed_at: spotcheck_domain::time::Timestamp::from_unix(1_790_000_000),
            parameters: serde_json::from_str(
                r#"{"default":{"ratio":"0.05","rounding":"up"},"inspectors_per_target":2}"#,
            )
            .unwrap_or_else(|_| unreachable!()),
            entropy_source: EntropySource {
                witnesses: vec![witness.parse().unwrap_or_else(|_| unreachable!())],
                drand: None,
            },
        },
        &frame,
        &pool,
        &secret,
    ) else {
        eprintln!("commit failed");
        return;
    };
    let entropy = Entropy {
        witnesses: vec![WitnessContribution {
            name: witness.parse().unwrap_or_else(|_| unreachable!()),
            value: "1 2 3".parse().unwrap_or_else(|_| unreachable!()),
        }],
        drand: None,
    };
    let Ok(transcript) = draw(
        DrawRequest {
            commitment: commitment.clone(),
            secret: secret.clone(),
            entropy: entropy.clone(),
            drawn_at: spotcheck_domain::time::Timestamp::from_unix(1_790_100_000),
        },
        &frame,
        &pool,
    ) else {
        eprintln!("draw failed");
        return;
    };
    eprintln!("selected {} targets", transcript.selections.len());
    let key = draw_key(
        &transcript.commitment_hash,
        &secret,
        &transcript.entropy_digest,
    );
    let messages = bare_messages(&frame);

    let mut g = c.benchmark_group("draw_1m");
    g.sample_size(10).measurement_time(Duration::from_secs(12));
    g.bench_function("bare_sha256_same_messages", |b| {
        b.iter(|| {
            let mut acc = [0u8; 32];
            for m in &messages {
                acc = Sha256::digest(m).into();
            }
            let node = [1u8; 65];
            for _ in 1..messages.len() {
                acc = Sha256::digest(node).into();
            }
            black_box(acc)
        })
    });
    g.bench_function("a_frame_root", |b| b.iter(|| black_box(frame.summary())));
    g.bench_function("b_draw_5pct_2_inspectors", |b| {
        b.iter(|| {
            let selected = select_targets(&frame, &commitment.strata, &key);
            black_box(assign_inspectors(&frame, &pool, 2, None, &selected, &key))
        })
    });
    g.bench_function("b2_draw_and_build_transcript_records", |b| {
        b.iter(|| black_box(compute_selections(&frame, &pool, &commitment, &key)))
    });
    g.bench_function("pool_root", |b| b.iter(|| black_box(pool.summary())));
    g.bench_function("c_verify", |b| {
        b.iter(|| black_box(verify(&transcript, &frame, &pool)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
