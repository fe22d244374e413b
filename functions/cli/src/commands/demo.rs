//! `spotcheck demo`: a complete, verifiable draw over the synthetic Putian registries, for a
//! newcomer to see the whole protocol in one command.

use std::path::{Path, PathBuf};

use spotcheck_domain::draw::{
    CommitRequest, DrawParameters, DrawRequest, Entropy, EntropySource, Secret,
    WitnessContribution, commit, draw, verify,
};
use spotcheck_domain::frame::{FrameBuilder, PoolBuilder};
use spotcheck_domain::registry::{
    ExclusionRules, FrameFilter, Guide, Inspector, References, StratumScheme, TravelAgency,
    build_frame, region_name,
};
use spotcheck_domain::time::Timestamp;

use crate::exit::Failure;
use crate::files::{canonical, write_atomic};

/// Run a whole draw over the synthetic Putian demo data and verify it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the published files (frame, pool, commitment, transcript) and the secret.
    #[arg(long, default_value = "spotcheck-demo")]
    pub out_dir: PathBuf,
    /// Folder holding the registry fixtures.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/registries"))]
    pub fixtures: PathBuf,
    /// A joint check (draw spec version 2) of 莆田市文化和旅游局 with 莆田市市场监督管理局: the
    /// pool holds the bureau's inspectors and ten of market regulation (ids `PT-SJ-001` …), and
    /// every team one of each.
    #[arg(long)]
    pub joint: bool,
}

const WITNESS: &str = "莆田市公证处（演示）";
const PARAMS: &str = r#"{"default": {"ratio": "0.1", "rounding": "up"}, "inspectors_per_target": 2, "max_assignments_per_inspector": 3}"#;
const LEAD: &str = "莆田市文化和旅游局";
const PARTNER: &str = "莆田市市场监督管理局";
const JOINT_PARAMS: &str = r#"{"default": {"ratio": "0.1", "rounding": "up"}, "inspectors_per_target": 2, "max_assignments_per_inspector": 4, "joint": {"lead": "莆田市文化和旅游局", "partners": ["莆田市市场监督管理局"], "require": "all"}}"#;

fn import<T: spotcheck_domain::registry::Record>(
    path: &Path,
    refs: &References,
) -> Result<spotcheck_domain::registry::RegistrySnapshot<T>, Failure> {
    spotcheck_import::import_path::<T>(path, refs, 1)
        .map(|i| i.snapshot)
        .map_err(|e| Failure::bad_input(format!("{}: {e}", path.display())))
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let agencies: spotcheck_domain::registry::RegistrySnapshot<TravelAgency> = import(
        &args.fixtures.join("agencies.synthetic.csv"),
        &References::none(),
    )?;
    let guides: spotcheck_domain::registry::RegistrySnapshot<Guide> = import(
        &args.fixtures.join("guides.synthetic.csv"),
        &References::none().with_agencies(&agencies),
    )?;
    let ids = agencies
        .records()
        .iter()
        .map(|a| a.credit_code.to_string())
        .chain(guides.records().iter().map(|g| g.card.to_string()));
    let inspectors: spotcheck_domain::registry::RegistrySnapshot<Inspector> = import(
        &args.fixtures.join("inspectors.synthetic.csv"),
        &References::none().with_targets(ids),
    )?;
    let today = chrono::Utc::now();
    let selection = build_frame(
        &agencies,
        &FrameFilter::Untargeted,
        StratumScheme::Region,
        &ExclusionRules {
            plan_date: today.date_naive(),
            repeat_limit: None,
            history: Vec::new(),
        },
    )
    .map_err(|e| Failure::bad_input(format!("frame: {e}")))?;

    let mut fb = FrameBuilder::new();
    let mut frame_csv = String::from("target_id,stratum\n");
    for (i, (id, s)) in selection.entries.iter().enumerate() {
        fb.push(id.as_str(), s.as_str(), i as u64 + 2)
            .map_err(|e| Failure::bad_input(format!("frame: {e}")))?;
        frame_csv.push_str(&format!("{id},{s}\n"));
    }
    let frame = fb
        .finish()
        .map_err(|e| Failure::bad_input(format!("frame: {e}")))?;
    let mut pb = PoolBuilder::new();
    let mut pool_csv = String::from("inspector_id,department,conflicts\n");
    for (i, ins) in inspectors.records().iter().enumerate() {
        // A joint check draws from the two bureaus that take part, the lead's from the roster.
        if args.joint && ins.department.as_str() != LEAD {
            continue;
        }
        let conflicts: Vec<&str> = ins.conflicts.iter().map(|c| c.as_str()).collect();
        pb.push_fields(
            ins.id.as_str(),
            ins.department.as_str(),
            conflicts.iter().copied(),
            i as u64 + 2,
        )
        .map_err(|e| Failure::bad_input(format!("pool: {e}")))?;
        pool_csv.push_str(&format!(
            "{},{},{}\n",
            ins.id,
            ins.department,
            conflicts.join(";")
        ));
    }
    if args.joint {
        for k in 1..=10 {
            let id = format!("PT-SJ-{k:03}");
            pb.push_fields(&id, PARTNER, [], 1000 + k)
                .map_err(|e| Failure::bad_input(format!("pool: {e}")))?;
            pool_csv.push_str(&format!("{id},{PARTNER},\n"));
        }
    }
    let pool = pb
        .finish()
        .map_err(|e| Failure::bad_input(format!("pool: {e}")))?;
    let params = if args.joint { JOINT_PARAMS } else { PARAMS };

    std::fs::create_dir_all(&args.out_dir)
        .map_err(|e| Failure::bad_input(format!("{}: {e}", args.out_dir.display())))?;
    let dir = &args.out_dir;
    write_atomic(&dir.join("frame.csv"), frame_csv.as_bytes())?;
    write_atomic(&dir.join("pool.csv"), pool_csv.as_bytes())?;
    write_atomic(&dir.join("params.json"), params.as_bytes())?;

    let parameters: DrawParameters =
        serde_json::from_str(params).map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    let witness = WITNESS
        .parse()
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Failure::Other(anyhow::anyhow!("the OS random generator failed: {e}")))?;
    let secret = Secret::from_bytes(bytes);
    let plan_id = format!("DEMO-{}", today.format("%Y%m%d-%H%M%S"));
    let commitment = commit(
        CommitRequest {
            plan_id: plan_id
                .parse()
                .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?,
            committed_at: Timestamp::from_datetime(today),
            parameters,
            entropy_source: EntropySource {
                witnesses: vec![witness],
                drand: None,
            },
        },
        &frame,
        &pool,
        &secret,
    )
    .map_err(|e| Failure::bad_input(format!("commit: {e}")))?;
    write_atomic(
        &dir.join("commitment.json"),
        &commitment
            .canonical_bytes()
            .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?,
    )?;
    write_atomic(
        &dir.join("secret.hex"),
        format!("{}\n", secret.to_hex()).as_bytes(),
    )?;
    say!("1. 公示承诺 (commitment published before any randomness exists)");
    say!("   plan          {}", commitment.plan_id);
    say!(
        "   frame         {} travel agencies, root {}",
        commitment.frame.size,
        commitment.frame.root
    );
    say!(
        "   pool          {} inspectors, root {}",
        commitment.pool.size,
        commitment.pool.root
    );
    if args.joint {
        say!(
            "   joint         {} ({LEAD} with {PARTNER}): every team one inspector of each",
            commitment.spec_version
        );
    }
    say!(
        "   commitment    {}",
        commitment
            .hash()
            .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?
    );

    // In a real draw the witness supplies this after publication (e.g. dice rolled in public).
    let value = format!("演示骰子 {}", today.format("%H%M%S"));
    say!("2. 见证人取值 (witness value, supplied after publication): {WITNESS} = {value}");
    let transcript = draw(
        DrawRequest {
            commitment,
            secret,
            entropy: Entropy {
                witnesses: vec![WitnessContribution {
                    name: WITNESS
                        .parse()
                        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?,
                    value: value
                        .parse()
                        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?,
                }],
                drand: None,
            },
            drawn_at: Timestamp::from_datetime(chrono::Utc::now()),
        },
        &frame,
        &pool,
    )
    .map_err(|e| Failure::bad_input(format!("draw: {e}")))?;
    write_atomic(&dir.join("transcript.json"), &canonical(&transcript)?)?;
    say!(
        "3. 抽取结果 (draw): {} of {} agencies, 2 inspectors each",
        transcript.selections.len(),
        transcript.commitment.frame.size
    );
    for s in &transcript.selections {
        let name = agencies
            .get(s.target.as_str())
            .map_or("?", |a| a.name.as_str());
        let region = s
            .stratum
            .as_str()
            .parse()
            .ok()
            .and_then(|code| region_name(&code))
            .unwrap_or(s.stratum.as_str());
        let who: Vec<String> = s
            .inspectors
            .iter()
            .map(|i| {
                inspectors.get(i.as_str()).map_or_else(
                    || format!("{i} ({PARTNER})"),
                    |r| format!("{} ({})", r.name, r.department),
                )
            })
            .collect();
        say!("   {region}  {name}  ←  {}", who.join("、"));
    }
    verify(&transcript, &frame, &pool).map_err(|e| Failure::CheckFailed(e.to_string()))?;
    say!("4. 验证 (verify): every field recomputes identically. Re-check it yourself:");
    say!(
        "   spotcheck verify {0}/transcript.json --frame {0}/frame.csv --pool {0}/pool.csv --commitment {0}/commitment.json",
        dir.display()
    );
    Ok(())
}
