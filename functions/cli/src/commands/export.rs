//! `spotcheck export penalties|results --layout … --out FILE`: the records in a national
//! platform's upload layout (`docs/publication.md`, *Exports to the national platforms*), as
//! `.csv` or `.xlsx` by the file's extension.

use std::path::PathBuf;

use spotcheck_app::export::{Format, Layout, export};
use spotcheck_domain::time::Timestamp;

use crate::exit::Failure;
use crate::store_args::StoreArgs;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    /// Current penalty decisions (layout credit-china).
    Penalties,
    /// Inspection results of travel agencies and online operators (layout gsxt).
    Results,
}

/// Arguments of `spotcheck export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// `penalties` or `results`.
    #[arg(value_enum)]
    pub what: What,
    /// `credit-china` (信用中国 administrative-penalty template, for penalties) or `gsxt`
    /// (国家企业信用信息公示系统 check results, for results).
    #[arg(long, value_name = "LAYOUT")]
    pub layout: String,
    /// The file to write: `.csv` or `.xlsx`.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Calendar file merged over the embedded years (default: $SPOTCHECK_CALENDAR_FILE).
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let layout: Layout = args
        .layout
        .parse()
        .map_err(|e: spotcheck_app::AppError| Failure::bad_input(format!("--layout: {e}")))?;
    match (args.what, layout) {
        (What::Penalties, Layout::CreditChina) | (What::Results, Layout::Gsxt) => {}
        _ => {
            return Err(Failure::bad_input(
                "--layout: penalties are exported as credit-china, results as gsxt",
            ));
        }
    }
    let format = Format::of_path(&args.out)
        .map_err(|e| Failure::bad_input(format!("--out {}: {e}", args.out.display())))?;
    let calendar = super::calendar::load(args.calendar.as_deref())?;
    let now = Timestamp::from_datetime(chrono::Utc::now());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot start the runtime: {e}")))?;
    // The SQLite store (local mode); on AWS the publisher downloads the same export from the
    // staff API (`GET /api/exports/{layout}`), which reads DynamoDB.
    if args.store.store != crate::store_args::StoreKind::Sqlite {
        return Err(Failure::bad_input(
            "--store: spotcheck export reads the SQLite store (--data FILE); with DynamoDB, download the export from the staff API (GET /api/exports/{layout})",
        ));
    }
    if !args.store.data.exists() {
        return Err(Failure::bad_input(format!(
            "{}: no such database (give --data FILE)",
            args.store.data.display()
        )));
    }
    let table = rt.block_on(async {
        let store = spotcheck_store::SqliteStore::open(&args.store.data)
            .map_err(|e| Failure::bad_input(format!("{}: {e}", args.store.data.display())))?;
        export(&store, layout, &calendar, now)
            .await
            .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))
    })?;
    let bytes = table
        .bytes(format)
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    std::fs::write(&args.out, bytes)
        .map_err(|e| Failure::bad_input(format!("{}: {e}", args.out.display())))?;
    for number in &table.incomplete {
        eprintln!(
            "INCOMPLETE {number}: recorded without the credit-platform fields; complete its row before uploading"
        );
    }
    eprintln!(
        "{} rows written to {}",
        table.rows.len(),
        args.out.display()
    );
    Ok(())
}
