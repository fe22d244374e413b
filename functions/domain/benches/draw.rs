//! Draw spec v1 at the design upper bound: a 1,000,000-entry frame, a 5 % stratified draw with two
//! inspectors per target from a pool of 5,000, and its verification — with the bare SHA-256 work
//! the frame root needs, measured in the same run as the yardstick.
//!
//! The group `joint_1m` compares a joint draw (spec version 2, §17: three departments of 2,000
//! inspectors each, every department in every team) with a version-1 draw of the same size.
//!
//! `cargo bench -p spotcheck-domain --bench draw` (figures in docs/performance.md);
//! `cargo bench -p spotcheck-domain --bench draw -- joint_1m` for the joint comparison alone.

use criterion::{Criterion, criterion_group, criterion_main};
use sha2::{Digest as _, Sha256};
use spotcheck_domain::draw::{
    CommitRequest, Commitment, DrawRequest, Entropy, EntropySource, Secret, Transcript,
    WitnessContribution, assign_inspectors, assign_joint, compute_selections, draw, draw_key,
    select_targets, verify,
};
use spotcheck_domain::frame::{Frame, FrameBuilder, InspectorPool, PoolBuilder};
use spotcheck_domain::synthetic::{synthetic_frame, synthetic_pool};
use std::hint::black_box;
use std::time::{Duration, Instant};

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

const JOINT_POOL: u64 = 6_000;
const DEPARTMENTS: [&str; 3] = [
    "莆田市文化和旅游局",
    "莆田市市场监督管理局",
    "莆田市应急管理局",
];

/// The synthetic conflicts of a 6,000-inspector pool, its inspectors dealt round the three
/// departments (2,000 each).
fn joint_pool() -> Result<InspectorPool, Box<dyn std::error::Error>> {
    let mut pb = PoolBuilder::new();
    for (i, p) in synthetic_pool(JOINT_POOL, "bench-joint-pool", FRAME, "bench", 3)
        .iter()
        .enumerate()
    {
        pb.push_fields(
            &p.id,
            DEPARTMENTS[i % 3],
            p.conflicts.iter().map(String::as_str),
            i as u64,
        )?;
    }
    Ok(pb.finish()?)
}

/// Commits and draws with these parameters; the commitment and the transcript.
fn commit_and_draw(
    frame: &Frame,
    pool: &InspectorPool,
    parameters: &str,
) -> Result<(Commitment, Transcript), Box<dyn std::error::Error>> {
    let witness = "公证员 王某";
    let secret = Secret::from_bytes([7; 32]);
    let commitment = spotcheck_domain::draw::commit(
        CommitRequest {
            plan_id: "PT-BENCH-JOINT".parse()?,
            committed_at: spotcheck_domain::time::Timestamp::from_unix(1_790_000_000),
            parameters: serde_json::from_str(parameters)?,
            entropy_source: EntropySource {
                witnesses: vec![witness.parse()?],
                drand: None,
            },
        },
        frame,
        pool,
        &secret,
    )?;
    let transcript = draw(
        DrawRequest {
            commitment: commitment.clone(),
            secret,
            entropy: Entropy {
                witnesses: vec![WitnessContribution {
                    name: witness.parse()?,
                    value: "1 2 3".parse()?,
                }],
                drand: None,
            },
            drawn_at: spotcheck_domain::time::Timestamp::from_unix(1_790_100_000),
        },
        frame,
        pool,
    )?;
    Ok((commitment, transcript))
}

/// Runs `v1` and `v2` in `n` alternating pairs (v1 first in even pairs, v2 first in odd ones) and
/// prints the median and quartiles of the ratio v2 / v1.
fn paired(label: &str, n: usize, v1: &mut dyn FnMut() -> bool, v2: &mut dyn FnMut() -> bool) {
    let time = |f: &mut dyn FnMut() -> bool| {
        let start = Instant::now();
        let ok = f();
        (start.elapsed().as_secs_f64(), ok)
    };
    let mut ratios = Vec::with_capacity(n);
    for i in 0..n {
        let ((a, ok1), (b, ok2)) = if i % 2 == 0 {
            let a = time(v1);
            (a, time(v2))
        } else {
            let b = time(v2);
            (time(v1), b)
        };
        if !(ok1 && ok2) {
            eprintln!("{label}: a run failed");
            return;
        }
        ratios.push(b / a);
    }
    ratios.sort_by(f64::total_cmp);
    let at = |q: usize| ratios.get(q * (n - 1) / 4).copied().unwrap_or(f64::NAN);
    eprintln!(
        "joint_1m paired {label}: v2/v1 median {:.3} (quartiles {:.3}-{:.3}) over {n} alternating pairs",
        at(2),
        at(1),
        at(3)
    );
}

/// Version 1 and version 2 on the same 1,000,000-entry frame, the same 6,000 inspectors, a 5 %
/// draw with three inspectors per target: (b) selection and assignment, (c) the whole verification.
fn bench_joint(c: &mut Criterion) {
    let inputs = || -> Result<_, Box<dyn std::error::Error>> {
        let (frame, _) = build()?;
        let pool = joint_pool()?;
        let common = r#""default":{"ratio":"0.05","rounding":"up"},"inspectors_per_target":3"#;
        let v1 = commit_and_draw(&frame, &pool, &format!("{{{common}}}"))?;
        let joint = format!(
            r#"{{{common},"joint":{{"lead":"{}","partners":["{}","{}"],"require":"all"}}}}"#,
            DEPARTMENTS[0], DEPARTMENTS[1], DEPARTMENTS[2]
        );
        let v2 = commit_and_draw(&frame, &pool, &joint)?;
        Ok((frame, pool, v1, v2))
    };
    let (frame, pool, (c1, t1), (c2, t2)) = match inputs() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("could not build the joint benchmark inputs: {e}");
            return;
        }
    };
    eprintln!(
        "joint: {} and {} targets drawn ({} and {})",
        t1.selections.len(),
        t2.selections.len(),
        c1.spec_version,
        c2.spec_version
    );
    // Paired and alternating, so that a change of the machine's load (it is shared) falls on both
    // versions alike: the median ratio of each pair's times.
    paired(
        "select + assign",
        41,
        &mut || {
            let selected = select_targets(&frame, &c1.strata, &t1.draw_key);
            black_box(assign_inspectors(
                &frame,
                &pool,
                3,
                None,
                &selected,
                &t1.draw_key,
            ))
            .is_ok()
        },
        &mut || {
            let selected = select_targets(&frame, &c2.strata, &t2.draw_key);
            black_box(c2.parameters.joint.as_ref().map(|plan| {
                assign_joint(&frame, &pool, &c2.parameters, plan, &selected, &t2.draw_key)
            }))
            .is_some()
        },
    );
    paired(
        "verify",
        15,
        &mut || verify(&t1, &frame, &pool).is_ok(),
        &mut || verify(&t2, &frame, &pool).is_ok(),
    );
    let mut g = c.benchmark_group("joint_1m");
    g.sample_size(10).measurement_time(Duration::from_secs(12));
    g.bench_function("b_v1_select_assign_3_inspectors", |b| {
        b.iter(|| {
            let selected = select_targets(&frame, &c1.strata, &t1.draw_key);
            black_box(assign_inspectors(
                &frame,
                &pool,
                3,
                None,
                &selected,
                &t1.draw_key,
            ))
        })
    });
    g.bench_function("b_v2_select_assign_3_departments", |b| {
        b.iter(|| {
            let selected = select_targets(&frame, &c2.strata, &t2.draw_key);
            black_box(c2.parameters.joint.as_ref().map(|plan| {
                assign_joint(&frame, &pool, &c2.parameters, plan, &selected, &t2.draw_key)
            }))
        })
    });
    g.bench_function("b2_v1_with_transcript_records", |b| {
        b.iter(|| black_box(compute_selections(&frame, &pool, &c1, &t1.draw_key)))
    });
    g.bench_function("b2_v2_with_transcript_records", |b| {
        b.iter(|| black_box(compute_selections(&frame, &pool, &c2, &t2.draw_key)))
    });
    g.bench_function("c_v1_verify", |b| {
        b.iter(|| black_box(verify(&t1, &frame, &pool)))
    });
    g.bench_function("c_v2_verify", |b| {
        b.iter(|| black_box(verify(&t2, &frame, &pool)))
    });
    g.finish();
}

criterion_group!(benches, bench, bench_joint);
criterion_main!(benches);
