//! 1,000,000 deadline computations: random start 2018-01-01..2026-12-31, n in 1..=20.
//!
//! Run: `cargo bench -p spotcheck-domain --bench calendar`. Criterion reports the time of one
//! batch of 1,000,000; divide by 10^6 (or read the throughput line) for the time per deadline.

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spotcheck_domain::calendar::Calendar;

const COUNT: usize = 1_000_000;

/// SplitMix64: a fixed, dependency-free sequence so every run measures the same inputs.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn inputs() -> Vec<(NaiveDate, u32)> {
    let first = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap_or(NaiveDate::MIN);
    let days_covered = 3287; // 2018-01-01..=2026-12-31
    let mut rng = SplitMix64(2026);
    (0..COUNT)
        .map(|_| {
            let offset = rng.next() % days_covered;
            let n = (rng.next() % 20) as u32 + 1;
            let start = first.checked_add_days(Days::new(offset)).unwrap_or(first);
            (start, n)
        })
        .collect()
}

fn deadlines(c: &mut Criterion) {
    let calendar = match Calendar::embedded() {
        Ok(calendar) => calendar,
        Err(e) => {
            eprintln!("embedded calendar invalid: {e}");
            return;
        }
    };
    let inputs = inputs();
    let mut group = c.benchmark_group("calendar");
    group.throughput(Throughput::Elements(COUNT as u64));
    group.sample_size(20);
    group.bench_function("add_working_days x 1,000,000", |b| {
        b.iter(|| {
            let mut provisional = 0u32;
            for &(start, n) in &inputs {
                if let Ok(r) = calendar.add_working_days(black_box(start), black_box(n)) {
                    provisional += u32::from(r.provisional);
                    black_box(r.date);
                }
            }
            provisional
        })
    });
    group.finish();
}

criterion_group!(benches, deadlines);
criterion_main!(benches);
