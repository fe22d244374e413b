//! `spotcheck import`: validate a registry or item-list file and show its snapshot hash.
//!
//! Without `--dry-run` the snapshot is stored (SQLite by default, `--store dynamodb` for the table)
//! as the next numbered snapshot of its registry; importing the same file again is recognised and
//! stores nothing new. Cross-references (a guide's agency, an inspector's conflicts) are checked
//! against the files given with `--agencies` / `--targets`, or else against the store's latest
//! snapshots. A failing file prints every problem (file, row, column, value, reason), stores
//! nothing, and exits 2.

use std::path::PathBuf;

use spotcheck_domain::lifecycle::{Actor, IdempotencyKey, WriteMeta};
use spotcheck_domain::registry::{
    CheckItem, Guide, Inspector, OnlineOperator, Record, References, RegistryKind, TravelAgency,
};
use spotcheck_domain::store::{RegistryReader, RegistryWriter};
use spotcheck_domain::time::Timestamp;
use spotcheck_import::{ImportError, Imported, import_path, import_target_ids};
use spotcheck_store::AnyStore;

use crate::exit::Failure;
use crate::store_args::StoreArgs;

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
    /// Where to store it.
    #[command(flatten)]
    pub store: StoreArgs,
}

fn failure(e: ImportError) -> Failure {
    match e {
        ImportError::Invalid(v) => {
            let mut msg = String::new();
            for err in &v.errors {
                let column = if err.column.is_empty() {
                    "-"
                } else {
                    err.column.as_str()
                };
                msg.push_str(&format!(
                    "{}:{}: {}: {} {:?}: {}\n",
                    err.file, err.row, column, err.kind, err.value, err.reason
                ));
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

fn report<T: Record>(args: &Args, imported: &Imported<T>, notes: &[String]) {
    let s = &imported.snapshot;
    say!(
        "ok: {} {} in {} ({}, {})",
        s.len(),
        T::KIND,
        args.file.display(),
        match imported.format {
            spotcheck_import::Format::Csv => "CSV",
            spotcheck_import::Format::Xlsx => "xlsx",
        },
        imported.encoding
    );
    say!(
        "snapshot: #{} {} (sha256, canonical encoding v1)",
        s.number(),
        s.hash()
    );
    for n in notes {
        say!("references: {n}");
    }
}

fn run_kind<T: Record>(args: &Args) -> Result<(), Failure> {
    let (refs, notes) = references(args)?;
    let imported = import_path::<T>(&args.file, &refs, args.snapshot_number).map_err(failure)?;
    report(args, &imported, &notes);
    say!("dry run: nothing stored");
    Ok(())
}

/// Target ids known to the store (latest agency, guide and operator snapshots).
async fn stored_target_ids(store: &AnyStore) -> Result<Vec<String>, Failure> {
    let mut ids = Vec::new();
    if let Some(i) = store
        .latest_snapshot(RegistryKind::Agencies)
        .await
        .map_err(store_failure)?
    {
        let snap = store
            .get_snapshot::<TravelAgency>(i.number)
            .await
            .map_err(store_failure)?;
        ids.extend(snap.records().iter().map(|r| r.id().to_owned()));
    }
    if let Some(i) = store
        .latest_snapshot(RegistryKind::Guides)
        .await
        .map_err(store_failure)?
    {
        let snap = store
            .get_snapshot::<Guide>(i.number)
            .await
            .map_err(store_failure)?;
        ids.extend(snap.records().iter().map(|r| r.id().to_owned()));
    }
    if let Some(i) = store
        .latest_snapshot(RegistryKind::Operators)
        .await
        .map_err(store_failure)?
    {
        let snap = store
            .get_snapshot::<OnlineOperator>(i.number)
            .await
            .map_err(store_failure)?;
        ids.extend(snap.records().iter().map(|r| r.id().to_owned()));
    }
    Ok(ids)
}

fn store_failure(e: spotcheck_domain::store::StoreError) -> Failure {
    Failure::Other(anyhow::anyhow!("store: {e}"))
}

async fn store_kind<T>(args: &Args, store: &AnyStore) -> Result<(), Failure>
where
    T: Record + serde::Serialize + serde::de::DeserializeOwned + Send + Sync,
{
    let (mut refs, mut notes) = references(args)?;
    // Without reference files, check against what the store already holds.
    if args.agencies.is_none()
        && T::KIND == RegistryKind::Guides
        && let Some(i) = store
            .latest_snapshot(RegistryKind::Agencies)
            .await
            .map_err(store_failure)?
    {
        let agencies = store
            .get_snapshot::<TravelAgency>(i.number)
            .await
            .map_err(store_failure)?;
        refs = refs.with_agencies(&agencies);
        notes.retain(|n| !n.contains("NOT checked"));
        notes.push(format!(
            "agency licences checked against stored agency snapshot #{}",
            i.number
        ));
    }
    if args.targets.is_empty() && T::KIND == RegistryKind::Inspectors {
        let ids = stored_target_ids(store).await?;
        if !ids.is_empty() {
            notes.retain(|n| !n.contains("NOT checked"));
            notes.push(format!(
                "conflicts checked against the {} stored targets",
                ids.len()
            ));
            refs = refs.with_targets(ids);
        }
    }
    let latest = store
        .latest_snapshot(T::KIND)
        .await
        .map_err(store_failure)?;
    let number = latest.map_or(1, |i| i.number + 1);
    let imported = import_path::<T>(&args.file, &refs, number).map_err(failure)?;
    report(args, &imported, &notes);
    if let Some(prev) = latest
        && prev.hash == imported.snapshot.hash()
    {
        say!(
            "unchanged: identical to stored snapshot #{}; nothing stored",
            prev.number
        );
        return Ok(());
    }
    let user = std::env::var("USER").unwrap_or_else(|_| "operator".into());
    let actor: Actor = format!("cli:{user}")
        .parse()
        .map_err(|e| Failure::bad_input(format!("actor: {e}")))?;
    let key: IdempotencyKey = format!(
        "import:{}:{}:{number}",
        T::KIND.code(),
        imported.snapshot.hash()
    )
    .parse()
    .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    let meta = WriteMeta::new(key, actor, Timestamp::from_datetime(chrono::Utc::now()));
    let info = store
        .store_snapshot(&meta, &imported.snapshot)
        .await
        .map_err(store_failure)?;
    say!(
        "stored: {} snapshot #{} ({} records)",
        info.kind.code(),
        info.number,
        info.records
    );
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
        match args.kind {
            Kind::Agencies => store_kind::<TravelAgency>(&args, &store).await,
            Kind::Guides => store_kind::<Guide>(&args, &store).await,
            Kind::Operators => store_kind::<OnlineOperator>(&args, &store).await,
            Kind::Inspectors => store_kind::<Inspector>(&args, &store).await,
            Kind::Items => store_kind::<CheckItem>(&args, &store).await,
        }
    })
}
