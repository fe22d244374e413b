//! Import, validate and hash 1,000,000 synthetic guide rows from CSV (issue 4's performance goal:
//! at least 500,000 rows/s on one core).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spotcheck_domain::registry::{Guide, References};

const ROWS: usize = 1_000_000;

fn bench(c: &mut Criterion) {
    let mut csv = Vec::with_capacity(ROWS * 80);
    if spotcheck_import::synth::write_guides(42, ROWS, 150, &mut csv, |_| {}).is_err() {
        return;
    }
    let mut g = c.benchmark_group("registry_import");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("guides_csv_1m", |b| {
        b.iter(|| {
            let imported =
                spotcheck_import::import_bytes::<Guide>("guides.csv", &csv, &References::none(), 1);
            assert!(imported.is_ok_and(|i| i.snapshot.len() == ROWS));
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
