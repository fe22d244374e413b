//! Test helper for the crash tests (`tests/crash.rs`): starts a long write against an SQLite
//! store and pauses inside its transaction, printing `PAUSED`, so the test can SIGKILL it there.
//!
//! Usage: `spotcheck-store-crash-helper frame DB` or `spotcheck-store-crash-helper draw DB`.

use std::io::Write;
use std::sync::Arc;

use spotcheck_domain::store::{DrawWriter, FrameWriter, PlanWriter};
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::{self, BoxError, meta};

fn pause_at(point: &'static str, at: u64) -> spotcheck_store::sqlite::FaultHook {
    Arc::new(move |p, n| {
        if p == point && n == at {
            println!("PAUSED");
            let _ = std::io::stdout().flush();
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    })
}

async fn run(mode: &str, db: &str) -> Result<(), BoxError> {
    match mode {
        "frame" => {
            let store = SqliteStore::open(db)?.with_fault_hook(pause_at("tree-chunk", 3));
            let frame = testkit::frame(200_000)?;
            store.put_frame(&meta("import")?, &frame).await?;
        }
        "draw" => {
            let store = SqliteStore::open(db)?;
            let (frame, pool) = (testkit::frame(40)?, testkit::pool(6)?);
            store.put_frame(&meta("f")?, &frame).await?;
            store.put_pool(&meta("p")?, &pool).await?;
            let plan = store
                .create_plan(&meta("c")?, testkit::plan_spec("PT-CRASH")?)
                .await?;
            let plan = store
                .change_plan(
                    &meta("af")?,
                    plan.id(),
                    plan.version,
                    testkit::attach_frame(&frame),
                )
                .await?;
            store
                .change_plan(
                    &meta("ap")?,
                    plan.id(),
                    plan.version,
                    testkit::attach_pool(&pool),
                )
                .await?;
            let c = testkit::commitment("PT-CRASH", &frame, &pool)?;
            store.record_commitment(&meta("commit")?, &c).await?;
            let t = testkit::transcript(c, &frame, &pool, "6 6 6")?;
            let store = store.with_fault_hook(pause_at("draw-transcript-written", 0));
            store.record_draw(&meta("draw")?, &t).await?;
        }
        other => return Err(format!("unknown mode {other:?}").into()),
    }
    println!("DONE");
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(db)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: spotcheck-store-crash-helper frame|draw DB");
        return std::process::ExitCode::from(2);
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    match rt.block_on(run(mode, db)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::from(1)
        }
    }
}
