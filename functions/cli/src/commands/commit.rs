//! `spotcheck commit`: fix frame, pool, parameters, a secret and the entropy source, before any
//! randomness exists.

use std::io::Write;
use std::path::PathBuf;

use spotcheck_domain::draw::{
    CommitRequest, DrandSource, DrawParameters, EntropySource, JointPlan, QUICKNET, Requirement,
    Secret, WitnessName, commit,
};
use spotcheck_domain::ids::{Department, PlanId};
use spotcheck_domain::time::Timestamp;

use crate::exit::Failure;
use crate::files::{read_frame, read_json, read_pool, write_atomic};

/// Commit to a draw. Writes the public commitment and, separately, the sealed secret.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Plan id, e.g. PT-2026-001.
    #[arg(long)]
    pub plan_id: String,
    /// Frame CSV (`target_id,stratum`).
    #[arg(long)]
    pub frame: PathBuf,
    /// Pool CSV (`inspector_id,department,conflicts`).
    #[arg(long)]
    pub pool: PathBuf,
    /// Parameters JSON (strata rules, inspectors_per_target, max_assignments_per_inspector).
    #[arg(long)]
    pub params: PathBuf,
    /// A witness who will supply a value after publication (repeat, in order).
    #[arg(long = "witness", required_unless_present = "drand")]
    pub witnesses: Vec<String>,
    /// Also (or only) use a drand quicknet beacon round: the first round published at least
    /// `--drand-margin` after the commitment time is fixed in the commitment.
    #[arg(long)]
    pub drand: bool,
    /// How long after the commitment the beacon round must come (`60s`, `5m`, `1h`).
    #[arg(long, default_value = "60s", requires = "drand", value_parser = parse_margin)]
    pub drand_margin: u32,
    /// Commitment time (UTC, `2026-11-26T08:00:00Z`); defaults to now.
    #[arg(long)]
    pub committed_at: Option<String>,
    /// Where to write the commitment (canonical JSON: its SHA-256 is the commitment hash).
    #[arg(long)]
    pub out: PathBuf,
    /// Where to write the secret (hex). Must not exist; created readable by the owner only.
    #[arg(long)]
    pub secret_out: PathBuf,
    /// A joint draw (draw spec version 2, §17) led by this department, e.g. 莆田市文化和旅游局;
    /// the pool holds the inspectors of the lead and of every `--partner`.
    #[arg(long, value_name = "LEAD", requires = "partners")]
    pub joint: Option<String>,
    /// A partner department of a joint draw (repeat, in the order the plan names them).
    #[arg(long = "partner", requires = "joint")]
    pub partners: Vec<String>,
    /// Which departments each team holds at least one inspector of: `all`, or `lead+N` (the lead
    /// and N partners drawn for each target).
    #[arg(long, default_value = "all", requires = "joint", value_parser = parse_require)]
    pub require: Requirement,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let plan_id: PlanId = args
        .plan_id
        .parse()
        .map_err(|e| Failure::bad_input(format!("--plan-id: {e}")))?;
    let committed_at = match &args.committed_at {
        Some(t) => t
            .parse::<Timestamp>()
            .map_err(|e| Failure::bad_input(format!("--committed-at: {e}")))?,
        None => Timestamp::from_datetime(chrono::Utc::now()),
    };
    let witnesses = args
        .witnesses
        .iter()
        .map(|w| w.parse::<WitnessName>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::bad_input(format!("--witness: {e}")))?;
    // `spotcheck draw --witness-value NAME=VALUE` finds NAME as the committed name the argument
    // starts with; a name that is another's followed by `=` would make that ambiguous.
    for a in &witnesses {
        let prefix = format!("{}=", a.as_str());
        if let Some(b) = witnesses.iter().find(|b| b.as_str().starts_with(&prefix)) {
            return Err(Failure::bad_input(format!(
                "--witness {:?}: begins with witness {:?} and '=', so their values could not be told apart at the draw",
                b.as_str(),
                a.as_str()
            )));
        }
    }
    let mut parameters: DrawParameters = read_json(&args.params)?;
    if let Some(lead) = &args.joint {
        let department = |flag: &str, d: &str| {
            d.parse::<Department>()
                .map_err(|e| Failure::bad_input(format!("{flag} {d:?}: {e}")))
        };
        let plan = JointPlan {
            lead: department("--joint", lead)?,
            partners: args
                .partners
                .iter()
                .map(|p| department("--partner", p))
                .collect::<Result<_, _>>()?,
            require: args.require,
        };
        if parameters.joint.as_ref().is_some_and(|j| *j != plan) {
            return Err(Failure::bad_input(format!(
                "--joint: {} already names another joint plan",
                args.params.display()
            )));
        }
        parameters.joint = Some(plan);
    }
    let frame = read_frame(&args.frame)?;
    let pool = read_pool(&args.pool)?;

    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Failure::Other(anyhow::anyhow!("the OS random generator failed: {e}")))?;
    let secret = Secret::from_bytes(bytes);
    let commitment = commit(
        CommitRequest {
            plan_id,
            committed_at,
            parameters,
            entropy_source: EntropySource {
                witnesses,
                drand: args
                    .drand
                    .then(|| DrandSource::choose(&QUICKNET, committed_at, args.drand_margin)),
            },
        },
        &frame,
        &pool,
        &secret,
    )
    .map_err(|e| Failure::bad_input(format!("cannot commit: {e}")))?;
    let body = commitment
        .canonical_bytes()
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;

    write_secret(&args.secret_out, &secret)?;
    if let Err(e) = write_atomic(&args.out, &body) {
        // Nothing half-written: the secret without its commitment is useless; remove it.
        let _ = std::fs::remove_file(&args.secret_out);
        return Err(e);
    }
    let hash = commitment
        .hash()
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    say!("commitment {hash}");
    say!(
        "frame {} ({} entries)",
        commitment.frame.root,
        commitment.frame.size
    );
    say!(
        "pool {} ({} inspectors)",
        commitment.pool.root,
        commitment.pool.size
    );
    let total: u64 = commitment.strata.iter().map(|s| s.sample).sum();
    say!("targets to draw {total}");
    if let Some(j) = &commitment.parameters.joint {
        let partners: Vec<&str> = j.partners.iter().map(|p| p.as_str()).collect();
        say!(
            "joint draw ({}): lead {}, partners {}, {} department(s) in every team",
            commitment.spec_version,
            j.lead,
            partners.join(", "),
            j.required_per_team()
        );
    }
    if let Some(d) = &commitment.entropy_source.drand {
        let at = QUICKNET
            .round_time(d.round)
            .map_or_else(|| "?".to_owned(), |t| t.to_string());
        say!("drand {} round {} at {at}", QUICKNET.name, d.round);
        eprintln!(
            "The draw can run once drand round {} is published ({at}).",
            d.round
        );
    }
    eprintln!(
        "Publish {} now. Keep {} sealed until the draw.",
        args.out.display(),
        args.secret_out.display()
    );
    Ok(())
}

fn write_secret(path: &std::path::Path, secret: &Secret) -> Result<(), Failure> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| {
        Failure::bad_input(format!(
            "--secret-out {}: cannot create (it must not exist yet): {e}",
            path.display()
        ))
    })?;
    f.write_all(format!("{}\n", secret.to_hex()).as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| {
            let _ = std::fs::remove_file(path);
            Failure::Other(anyhow::anyhow!("writing {}: {e}", path.display()))
        })
}

/// `all` or `lead+N` (spec §17.2).
fn parse_require(s: &str) -> Result<Requirement, String> {
    if s == "all" {
        return Ok(Requirement::All);
    }
    s.strip_prefix("lead+")
        .and_then(|n| n.parse::<u32>().ok())
        .map(Requirement::LeadPlus)
        .ok_or_else(|| format!("{s:?}: expected all or lead+N, e.g. lead+1"))
}

/// `60s`, `5m`, `1h` or plain seconds, at most a day.
fn parse_margin(s: &str) -> Result<u32, String> {
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u32 = digits
        .parse()
        .map_err(|_| format!("{s:?}: expected e.g. 60s, 5m or 1h"))?;
    let secs = match unit {
        "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        _ => None,
    }
    .ok_or_else(|| format!("{s:?}: expected e.g. 60s, 5m or 1h"))?;
    if secs > 86_400 {
        return Err(format!("{s:?}: at most a day"));
    }
    Ok(secs)
}
