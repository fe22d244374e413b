//! `spotcheck import`: validate a registry or item-list file and show its snapshot hash.
//!
//! Without `--dry-run` the file goes through the application core's registry-import use case
//! ([`spotcheck_app::registry`], the one the API and the importer Lambda call) and is stored
//! (SQLite by default, `--store dynamodb` for the table) as the next numbered snapshot of its
//! registry; content identical to the latest snapshot is recognised and stores nothing new. A file
//! without records is refused unless `--allow-empty`; files are read within the import limits. Cross-references (a guide's agency, an inspector's conflicts) are checked
//! against the files given with `--agencies` / `--targets`, or else against the store's latest
//! snapshots. A failing file prints every problem (file, row, column, value, reason), stores
//! nothing, and exits 2.

use std::path::PathBuf;

use spotcheck_app::registry::{self, Format, ImportOptions};
use spotcheck_domain::lifecycle::{Actor, IdempotencyKey, WriteMeta};
use spotcheck_domain::registry::{
    CheckItem, Guide, Inspector, OnlineOperator, Record, References, RegistryKind, TravelAgency,
};
use spotcheck_domain::time::Timestamp;
use spotcheck_import::{ImportError, import_path, import_target_ids};

use crate::exit::Failure;
use crate::store_args::{Store, StoreArgs};

/// Which registry or list the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// 旅行社名录 (travel agencies).
    Agencies,
    /// 导游名录 (guides).
    Guides,
    /// 在线旅游经营者名录 (online travel operators).
    Operators,
    /// 执法检查人员名录 (inspectors).
    Inspectors,
    /// 随机抽查事项清单 (check items).
    Items,
}

/// Arguments of `spotcheck import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which registry or list the file holds.
    #[arg(value_enum)]
    pub kind: Kind,
    /// The file: .csv (UTF-8, UTF-8 with BOM, or GBK/GB18030) or .xlsx (first worksheet).
    pub file: PathBuf,
    /// Validate and show the snapshot without storing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Agency registry to check guides' agency licences against.
    #[arg(long, value_name = "FILE")]
    pub agencies: Option<PathBuf>,
    /// Target registries (agencies, guides, operators; recognised by their headers) to check
    /// inspectors' declared conflicts against. Repeat or separate with commas.
    #[arg(long, value_name = "FILE", value_delimiter = ',', num_args = 1..)]
    pub targets: Vec<PathBuf>,
    /// The number shown for a dry run's snapshot (a stored snapshot gets the next free number).
    #[arg(long, default_value_t = 1)]
    pub snapshot_number: u64,
    /// Accept a file with a header and no records (it replaces the registry with an empty one).
    #[arg(long)]
    pub allow_empty: bool,
    /// Where to store it.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// One problem as `file:row: column: kind "value": reason`, the value left out when the cell was
/// empty or absent (a missing column has none), `-` for a problem of the whole row.
fn problem_line(err: &spotcheck_domain::registry::RowError) -> String {
    let column = if err.column.is_empty() {
        "-"
    } else {
        err.column.as_str()
    };
    if err.value.is_empty() {
        format!(
            "{}:{}: {column}: {}: {}\n",
            err.file, err.row, err.kind, err.reason
        )
    } else {
        format!(
            "{}:{}: {column}: {} {:?}: {}\n",
            err.file, err.row, err.kind, err.value, err.reason
        )
    }
}

fn failure(e: ImportError) -> Failure {
    match e {
        ImportError::Invalid(v) => {
            let mut msg = String::new();
            for err in &v.errors {
                msg.push_str(&problem_line(err));
            }
            msg.push_str(&v.to_string());
            Failure::bad_input(msg)
        }
        io @ ImportError::Io { .. } => Failure::bad_input(io),
    }
}

fn references(args: &Args) -> Result<(References, Vec<String>), Failure> {
    let mut refs = References::none();
    let mut notes = Vec::new();
    if let Some(path) = &args.agencies {
        let agencies =
            import_path::<TravelAgency>(path, &References::none(), 0).map_err(failure)?;
        notes.push(format!(
            "agency licences checked against {} ({} agencies)",
            path.display(),
            agencies.snapshot.len()
        ));
        refs = refs.with_agencies(&agencies.snapshot);
    } else if args.kind == Kind::Guides {
        notes.push("agency licences NOT checked (no --agencies FILE given)".to_owned());
    }
    for path in &args.targets {
        let (kind, ids) = import_target_ids(path).map_err(failure)?;
        notes.push(format!(
            "conflicts checked against {} ({} {kind})",
            path.display(),
            ids.len()
        ));
        refs = refs.with_targets(ids);
    }
    if args.targets.is_empty() && args.kind == Kind::Inspectors {
        notes.push("declared conflicts NOT checked (no --targets FILE given)".to_owned());
    }
    Ok((refs, notes))
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Csv => "CSV",
        Format::Xlsx => "xlsx",
    }
}

/// The file, read whole (at most the import limit; a larger file is refused by name).
fn read_file(args: &Args, options: &ImportOptions) -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    let io =
        |e: std::io::Error| Failure::bad_input(format!("cannot read {}: {e}", args.file.display()));
    let file = std::fs::File::open(&args.file).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let limit = options.limits.max_file_bytes;
    if size > limit {
        return Err(Failure::bad_input(format!(
            "{}: the file is {size} bytes; at most {limit} bytes are imported: split the registry",
            args.file.display()
        )));
    }
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

fn options(args: &Args) -> ImportOptions {
    ImportOptions {
        allow_empty: args.allow_empty,
        ..ImportOptions::default()
    }
}

fn run_kind<T: Record>(args: &Args) -> Result<(), Failure> {
    let (refs, notes) = references(args)?;
    let options = options(args);
    let bytes = read_file(args, &options)?;
    let name = spotcheck_import::display_name(&args.file);
    let checked = registry::check::<T>(&name, &bytes, &refs, args.snapshot_number, &options)
        .map_err(app_failure)?;
    let s = &checked.snapshot;
    say!(
        "ok: {} {} in {} ({}, {})",
        s.len(),
        T::KIND,
        args.file.display(),
        format_name(checked.format),
        checked.encoding
    );
    say!(
        "snapshot: #{} {} (sha256, canonical encoding v1)",
        s.number(),
        s.hash()
    );
    for n in &notes {
        say!("references: {n}");
    }
    say!("dry run: nothing stored");
    Ok(())
}

/// A refusal of the registry-import use case: every listed problem, then the summary.
fn app_failure(e: spotcheck_app::AppError) -> Failure {
    use spotcheck_app::error::ErrorKind as K;
    match e.kind() {
        K::Validation => {
            let mut msg = String::new();
            if let Some(p) = e.problems() {
                for err in &p.errors {
                    msg.push_str(&problem_line(err));
                }
            }
            msg.push_str(e.message());
            Failure::bad_input(msg)
        }
        _ => Failure::Other(anyhow::anyhow!("{} ({})", e.message(), e.code())),
    }
}

async fn store_kind(args: &Args, kind: RegistryKind, store: &Store) -> Result<(), Failure> {
    let mut options = options(args);
    let mut notes = Vec::new();
    // Reference files given on the command line replace the store's latest snapshots.
    let given = match kind {
        RegistryKind::Guides => args.agencies.is_some(),
        RegistryKind::Inspectors => !args.targets.is_empty(),
        _ => false,
    };
    if given {
        let (refs, n) = references(args)?;
        options.references = Some(refs);
        notes = n;
    }
    let bytes = read_file(args, &options)?;
    let name = spotcheck_import::display_name(&args.file);
    let user = std::env::var("USER").unwrap_or_else(|_| "operator".into());
    let actor: Actor = format!("cli:{user}")
        .parse()
        .map_err(|e| Failure::bad_input(format!("actor: {e}")))?;
    // The same file imported again is the same request: a retry after a crash finds its snapshot.
    let digest = spotcheck_domain::encoding::sha256(&bytes).to_hex();
    let key: IdempotencyKey = format!("import:{}:{}", kind.code(), &digest[..32])
        .parse()
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    let meta = WriteMeta::new(key, actor, Timestamp::from_datetime(chrono::Utc::now()));
    let outcome = registry::import_registry(store, &meta, kind, &name, bytes, options)
        .await
        .map_err(app_failure)?;
    let info = &outcome.info;
    say!(
        "ok: {} {} in {} ({}, {})",
        info.records,
        kind,
        args.file.display(),
        format_name(outcome.format),
        outcome.encoding
    );
    say!(
        "snapshot: #{} {} (sha256, canonical encoding v1)",
        info.number,
        info.hash
    );
    for n in notes.iter().chain(&outcome.checked) {
        say!("references: {n}");
    }
    if outcome.created {
        say!(
            "stored: {} snapshot #{} ({} records)",
            info.kind.code(),
            info.number,
            info.records
        );
    } else {
        say!(
            "unchanged: identical to stored snapshot #{}; nothing stored",
            info.number
        );
    }
    Ok(())
}

/// Runs `spotcheck import`.
pub fn run(args: Args) -> Result<(), Failure> {
    if args.dry_run {
        return match args.kind {
            Kind::Agencies => run_kind::<TravelAgency>(&args),
            Kind::Guides => run_kind::<Guide>(&args),
            Kind::Operators => run_kind::<OnlineOperator>(&args),
            Kind::Inspectors => run_kind::<Inspector>(&args),
            Kind::Items => run_kind::<CheckItem>(&args),
        };
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot start the runtime: {e}")))?;
    rt.block_on(async {
        let store = args.store.open(false).await?;
        let kind = match args.kind {
            Kind::Agencies => RegistryKind::Agencies,
            Kind::Guides => RegistryKind::Guides,
            Kind::Operators => RegistryKind::Operators,
            Kind::Inspectors => RegistryKind::Inspectors,
            Kind::Items => RegistryKind::Items,
        };
        store_kind(&args, kind, &store).await
    })
}
