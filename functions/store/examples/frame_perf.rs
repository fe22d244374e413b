//! Stores and reloads a 1,000,000-entry frame in a fresh SQLite file and prints entries/s each
//! way (the reload rebuilds the frame and re-checks its Merkle root).
//!
//! `cargo run --release -p spotcheck-store --example frame_perf [ENTRIES]`

use std::time::Instant;

use spotcheck_domain::store::{FrameReader, FrameWriter};
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::{self, BoxError};

fn main() -> Result<(), BoxError> {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(Ok(1_000_000), |s| s.parse())?;
    let frame = testkit::frame(n)?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("perf.sqlite");
    let store = SqliteStore::open(&path)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let t = Instant::now();
        let stored = store.put_frame(&testkit::meta("perf")?, &frame).await?;
        let put = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let back = store.get_frame(&stored.summary.root).await?;
        let get = t.elapsed().as_secs_f64();
        if back != frame {
            return Err::<(), BoxError>("the reloaded frame differs".into());
        }
        let size = std::fs::metadata(&path)?.len()
            + std::fs::metadata(path.with_extension("sqlite-wal")).map_or(0, |m| m.len());
        println!(
            "sqlite: {n} entries in {} chunks, file {:.1} MB",
            stored.chunks,
            size as f64 / 1e6
        );
        println!("store:  {put:.2} s  ({:.0} entries/s)", n as f64 / put);
        println!(
            "reload: {get:.2} s  ({:.0} entries/s, Merkle root re-checked)",
            n as f64 / get
        );
        Ok(())
    })
}
