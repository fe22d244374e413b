//! `spotcheck import`: validate a registry or item-list file and show its snapshot hash.
//!
//! Validation only for now: the local store arrives with the storage issue, so nothing is kept.
//! A failing file prints every problem (file, row, column, value, reason) and exits 2.

use std::path::PathBuf;

use spotcheck_domain::registry::{
    CheckItem, Guide, Inspector, OnlineOperator, Record, References, TravelAgency,
};
use spotcheck_import::{ImportError, Imported, import_path, import_target_ids};

use crate::exit::Failure;

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
    /// The number to give the snapshot (the store assigns it once storage exists).
    #[arg(long, default_value_t = 1)]
    pub snapshot_number: u64,
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
    println!(
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
    println!(
        "snapshot: #{} {} (sha256, canonical encoding v1)",
        s.number(),
        s.hash()
    );
    for n in notes {
        println!("references: {n}");
    }
    if args.dry_run {
        println!("dry run: nothing stored");
    } else {
        println!("validation only: nothing stored (the local store is not available yet)");
    }
}

fn run_kind<T: Record>(args: &Args) -> Result<(), Failure> {
    let (refs, notes) = references(args)?;
    let imported = import_path::<T>(&args.file, &refs, args.snapshot_number).map_err(failure)?;
    report(args, &imported, &notes);
    Ok(())
}

/// Runs `spotcheck import`.
pub fn run(args: Args) -> Result<(), Failure> {
    match args.kind {
        Kind::Agencies => run_kind::<TravelAgency>(&args),
        Kind::Guides => run_kind::<Guide>(&args),
        Kind::Operators => run_kind::<OnlineOperator>(&args),
        Kind::Inspectors => run_kind::<Inspector>(&args),
        Kind::Items => run_kind::<CheckItem>(&args),
    }
}
