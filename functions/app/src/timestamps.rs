//! Independent evidence of when a commitment existed (docs/draw-spec.md §16): after a commit,
//! the commitment hash goes to each configured time-stamping authority; every answer is recorded
//! beside the commitment — the verified token, or why none came — and a supervisor can retry
//! the authorities still without one. A plan that requires a token is not drawn before one is
//! obtained ([`require_token`]).
//!
//! The authorities sit behind the [`Timestamper`] port; [`TsaSet`] implements it over
//! spotcheck-timestamp's [`TsaClient`] (its HTTP adapter on a server), verifying each answer
//! against the configured trust anchors before anything is stored.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use spotcheck_domain::draw::{Transcript, known_chain};
use spotcheck_domain::ids::{Digest, PlanId};
use spotcheck_domain::lifecycle::{
    AuthorityName, Plan, PlanState, TimestampRecord, TimestampStatus, WriteMeta,
};
use spotcheck_domain::store::{DrawReader, PlanReader, TimestampReader, TimestampWriter};
use spotcheck_domain::time::Timestamp;
use spotcheck_timestamp::{Nonce, TrustAnchors, TsaClient, TsaError, stamp_commitment};

use crate::plans::step_meta;
use crate::staff::{Role, Staff};
use crate::{AppError, ErrorKind};

/// One configured authority: its short name (which names the published file,
/// `commitment.<name>.tsr`) and its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// The short name.
    pub name: AuthorityName,
    /// Where requests go.
    pub url: String,
}

impl std::str::FromStr for Authority {
    type Err = AppError;

    /// `name=URL`, e.g. `cfca=https://tsa.example.cn/tsa`.
    fn from_str(s: &str) -> Result<Self, AppError> {
        let (name, url) = s.split_once('=').ok_or_else(|| {
            AppError::validation(
                "tsa-config",
                format!("time-stamping authority {s:?}: write it as name=URL, e.g. tsa-1=https://tsa.example.cn/tsa"),
            )
        })?;
        let name: AuthorityName = name
            .trim()
            .parse()
            .map_err(|e| AppError::validation("tsa-config", format!("{e}")))?;
        let url = url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(AppError::validation(
                "tsa-config",
                format!(
                    "time-stamping authority {name}: {url:?} is not an http:// or https:// URL"
                ),
            ));
        }
        Ok(Self {
            name,
            url: url.to_owned(),
        })
    }
}

impl Authority {
    /// The configured list: each `name=URL`, or a bare URL named by its position (`tsa-1`,
    /// `tsa-2`, …).
    ///
    /// # Errors
    /// `tsa-config` (422) for an entry that is neither, or two of one name.
    pub fn parse_list(entries: &[String]) -> Result<Vec<Self>, AppError> {
        let mut out: Vec<Self> = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let e = e.trim();
            let a: Self = if e.starts_with("http://") || e.starts_with("https://") {
                format!("tsa-{}={e}", i + 1).parse()?
            } else {
                e.parse()?
            };
            if out.iter().any(|b| b.name == a.name) {
                return Err(AppError::validation(
                    "tsa-config",
                    format!("two time-stamping authorities are named {}", a.name),
                ));
            }
            out.push(a);
        }
        Ok(out)
    }
}

/// A token obtained and verified, with what the record keeps of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The DER `TimeStampResp`.
    pub response: Vec<u8>,
    /// `genTime`.
    pub gen_time: DateTime<Utc>,
    /// `genTime` plus accuracy.
    pub latest: DateTime<Utc>,
    /// The signer's subject.
    pub signer: String,
    /// The anchor's subject.
    pub anchor: String,
    /// The anchor's certificate (PEM).
    pub anchor_pem: String,
}

/// A future the [`Timestamper`] returns.
pub type StampFuture<'a> = Pin<Box<dyn Future<Output = Result<Token, TsaError>> + Send + 'a>>;

/// The configured time-stamping authorities (the port).
pub trait Timestamper: Send + Sync {
    /// The authorities, in order.
    fn authorities(&self) -> &[Authority];

    /// Asks `authority` to time-stamp `hash` and verifies the answer (with a fresh nonce) against
    /// the trust anchors, within the adapter's time limit and retries.
    ///
    /// # Errors
    /// [`TsaError`] saying why no usable token came back; an unknown authority is
    /// [`TsaError::Client`].
    fn stamp<'a>(&'a self, authority: &'a AuthorityName, hash: &'a [u8; 32]) -> StampFuture<'a>;
}

/// The authorities over any [`TsaClient`] (on a server, spotcheck-timestamp's `HttpTsa`), the
/// trust anchors every token must chain to, and a source of nonces (the OS CSPRNG).
pub struct TsaSet<C> {
    authorities: Vec<Authority>,
    clients: Vec<C>,
    anchors: TrustAnchors,
    anchor_pems: Vec<(String, String)>,
    nonce: Box<dyn Fn() -> u64 + Send + Sync>,
}

impl<C> std::fmt::Debug for TsaSet<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TsaSet")
            .field("authorities", &self.authorities)
            .field("anchors", &self.anchors.subjects())
            .finish_non_exhaustive()
    }
}

/// Splits PEM text into its `CERTIFICATE` blocks (each with its END line).
pub fn pem_blocks(pem: &str) -> Vec<String> {
    const END: &str = "-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = pem;
    while let (Some(b), Some(e)) = (rest.find("-----BEGIN CERTIFICATE-----"), rest.find(END)) {
        if e < b {
            rest = &rest[e + END.len()..];
            continue;
        }
        out.push(format!("{}\n", &rest[b..e + END.len()]));
        rest = &rest[e + END.len()..];
    }
    out
}

/// PEM certificates as configuration may carry them (a single line, line breaks written as
/// `\n`, spaces inside the base64): each `CERTIFICATE` block rewrapped at 64 characters.
pub fn normalise_pem(text: &str) -> String {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let text = text.replace("\\n", "\n");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(b) = rest.find(BEGIN) {
        let after = &rest[b + BEGIN.len()..];
        let Some(e) = after.find(END) else { break };
        let body: String = after[..e].chars().filter(|c| !c.is_whitespace()).collect();
        out.push_str(BEGIN);
        out.push('\n');
        for line in body.as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str(END);
        out.push('\n');
        rest = &after[e + END.len()..];
    }
    out
}

impl<C: TsaClient + Send + Sync> TsaSet<C> {
    /// `authorities` with their clients (same order), the trust anchors as PEM text, and a
    /// nonce source.
    ///
    /// # Errors
    /// `tsa-config` (422) for anchors that do not parse, no authority, two authorities of one
    /// name, or a client count that differs.
    pub fn new(
        authorities: Vec<(Authority, C)>,
        anchors_pem: &str,
        nonce: Box<dyn Fn() -> u64 + Send + Sync>,
    ) -> Result<Self, AppError> {
        let bad = |m: String| AppError::validation("tsa-config", m);
        if authorities.is_empty() {
            return Err(bad("no time-stamping authority configured".into()));
        }
        let anchors = TrustAnchors::from_pem(anchors_pem).map_err(|e| bad(e.to_string()))?;
        let mut anchor_pems = Vec::new();
        for block in pem_blocks(anchors_pem) {
            let one = TrustAnchors::from_pem(&block).map_err(|e| bad(e.to_string()))?;
            for subject in one.subjects() {
                anchor_pems.push((subject, block.clone()));
            }
        }
        let (authorities, clients): (Vec<_>, Vec<_>) = authorities.into_iter().unzip();
        for (i, a) in authorities.iter().enumerate() {
            if authorities[..i].iter().any(|b| b.name == a.name) {
                return Err(bad(format!(
                    "two time-stamping authorities are named {}",
                    a.name
                )));
            }
        }
        Ok(Self {
            authorities,
            clients,
            anchors,
            anchor_pems,
            nonce,
        })
    }

    /// The trust anchors' subjects.
    pub fn anchor_subjects(&self) -> Vec<String> {
        self.anchors.subjects()
    }
}

impl<C: TsaClient + Send + Sync> Timestamper for TsaSet<C> {
    fn authorities(&self) -> &[Authority] {
        &self.authorities
    }

    fn stamp<'a>(&'a self, authority: &'a AuthorityName, hash: &'a [u8; 32]) -> StampFuture<'a> {
        Box::pin(async move {
            let i = self
                .authorities
                .iter()
                .position(|a| &a.name == authority)
                .ok_or_else(|| TsaError::Client(format!("no authority named {authority}")))?;
            let client = self
                .clients
                .get(i)
                .ok_or_else(|| TsaError::Client(format!("no client for {authority}")))?;
            let stamped =
                stamp_commitment(client, hash, Nonce::new((self.nonce)()), &self.anchors).await?;
            let s = stamped.stamp;
            let anchor_pem = self
                .anchor_pems
                .iter()
                .find(|(subject, _)| *subject == s.anchor)
                .map(|(_, pem)| pem.clone())
                .unwrap_or_default();
            Ok(Token {
                response: stamped.response,
                gen_time: s.gen_time,
                latest: s.latest,
                signer: s.authority,
                anchor: s.anchor,
                anchor_pem,
            })
        })
    }
}

fn hash_bytes(d: &Digest) -> [u8; 32] {
    *d.as_bytes()
}

/// Every configured authority's record for `plan`: the stored ones, and `pending` (0 attempts)
/// for a configured authority not yet asked; records of authorities no longer configured are
/// kept (their tokens stay published).
pub fn with_configured(
    plan: &PlanId,
    mut records: Vec<TimestampRecord>,
    authorities: &[Authority],
    now: Timestamp,
) -> Vec<TimestampRecord> {
    for a in authorities {
        if !records.iter().any(|r| r.authority == a.name) {
            records.push(TimestampRecord {
                plan: plan.clone(),
                authority: a.name.clone(),
                url: a.url.clone(),
                status: TimestampStatus::Pending,
                attempts: 0,
                updated_at: now,
            });
        }
    }
    records.sort_by(|a, b| a.authority.cmp(&b.authority));
    records
}

/// Sends plan `id`'s commitment hash to every configured authority that has not yet given a
/// token, and records each answer (obtained, or failed with the reason); returns every
/// authority's record. Called right after the commit and by the retry route; a slow or absent
/// authority costs at most its adapter's time limit and retries, and never undoes the commit.
///
/// # Errors
/// 404/409 for a plan without a commitment; the store's errors. An authority's failure is not an
/// error: it is recorded.
pub async fn stamp_commitment_of<S>(
    store: &S,
    tsa: &dyn Timestamper,
    meta: &WriteMeta,
    id: &PlanId,
    now: impl Fn() -> Timestamp + Send + Sync,
) -> Result<Vec<TimestampRecord>, AppError>
where
    S: TimestampReader + TimestampWriter + DrawReader,
{
    let commitment = store.get_commitment(id).await?;
    let hash = hash_bytes(&commitment.hash()?);
    let existing = store.list_timestamps(id).await?;
    for a in tsa.authorities() {
        let prior = existing.iter().find(|r| r.authority == a.name);
        if prior.is_some_and(TimestampRecord::is_obtained) {
            continue;
        }
        let attempts = prior.map_or(0, |r| r.attempts) + 1;
        let status = match tsa.stamp(&a.name, &hash).await {
            Ok(t) => {
                tracing::info!(plan = %id, authority = %a.name, gen_time = %t.gen_time, "time-stamp token obtained");
                TimestampStatus::Obtained {
                    response: t.response,
                    gen_time: t.gen_time,
                    latest: t.latest,
                    signer: t.signer,
                    anchor: t.anchor,
                    anchor_pem: t.anchor_pem,
                }
            }
            Err(e) => {
                tracing::warn!(plan = %id, authority = %a.name, code = e.code(), error = %e, "no time-stamp token");
                TimestampStatus::Failed {
                    code: e.code().to_owned(),
                    reason: truncate(&e.to_string(), 2000),
                }
            }
        };
        let record = TimestampRecord {
            plan: id.clone(),
            authority: a.name.clone(),
            url: a.url.clone(),
            status,
            attempts,
            updated_at: now(),
        };
        let step = step_meta(meta, &format!("timestamp:{}:{attempts}", a.name))?;
        let step = WriteMeta::new(step.key, step.actor, record.updated_at);
        store.record_timestamp(&step, &record).await?;
    }
    Ok(with_configured(
        id,
        store.list_timestamps(id).await?,
        tsa.authorities(),
        now(),
    ))
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Retries the authorities of plan `id` still without a token (supervisor, own department).
///
/// # Errors
/// 403 outside role or department; 409 for a plan not committed (or already drawn: a token
/// obtained after the draw proves nothing the draw needs); 409 `tsa-not-configured` on a server
/// without authorities (a configuration, not an outage: retrying cannot help); the store's errors.
pub async fn retry_timestamps<S>(
    store: &S,
    tsa: Option<&dyn Timestamper>,
    staff: &Staff,
    meta: &WriteMeta,
    id: &PlanId,
    now: impl Fn() -> Timestamp + Send + Sync,
) -> Result<Vec<TimestampRecord>, AppError>
where
    S: PlanReader + TimestampReader + TimestampWriter + DrawReader,
{
    staff.require(Role::Supervisor)?;
    let plan = own_plan(store, staff, id).await?;
    if !matches!(plan.state, PlanState::Committed { .. }) {
        return Err(AppError::conflict(
            "timestamp-not-committed",
            format!(
                "plan {id} is {}: only a committed plan, not yet drawn, is time-stamped",
                plan.state.name()
            ),
        ));
    }
    let tsa = tsa.ok_or_else(not_configured)?;
    stamp_commitment_of(store, tsa, meta, id, now).await
}

/// Every authority's record of plan `id` (staff of its department): what the console shows
/// beside the commitment.
///
/// # Errors
/// 403 outside the department; 404 for no such plan; the store's errors.
pub async fn timestamps_of<S>(
    store: &S,
    tsa: Option<&dyn Timestamper>,
    staff: &Staff,
    id: &PlanId,
    now: Timestamp,
) -> Result<Vec<TimestampRecord>, AppError>
where
    S: PlanReader + TimestampReader,
{
    let plan = own_plan(store, staff, id).await?;
    let records = store.list_timestamps(id).await?;
    Ok(match (&plan.state, tsa) {
        (PlanState::Committed { .. }, Some(tsa)) => {
            with_configured(id, records, tsa.authorities(), now)
        }
        _ => records,
    })
}

async fn own_plan<S: PlanReader>(store: &S, staff: &Staff, id: &PlanId) -> Result<Plan, AppError> {
    let plan = store.get_plan(id).await?;
    staff.require_department(&plan.spec.department)?;
    Ok(plan)
}

fn not_configured() -> AppError {
    AppError::new(
        ErrorKind::Conflict,
        "tsa-not-configured",
        "this server has no time-stamping authority configured (spotcheck serve --tsa, or SPOTCHECK_TSA_URLS on AWS)",
    )
}

/// The moment a token must beat (§16.4): the promised drand round's time for a beacon draw,
/// else the draw's time (`drawn_at`, when the witnesses' values were taken).
pub fn deadline_of(
    commitment_source: Option<(&Digest, u64)>,
    drawn_at: Timestamp,
) -> Option<DateTime<Utc>> {
    match commitment_source {
        Some((chain, round)) => known_chain(chain)?.round_time(round)?.to_datetime(),
        None => drawn_at.to_datetime(),
    }
}

/// The deadline of a drawn plan's tokens, from its transcript.
pub fn transcript_deadline(t: &Transcript) -> Option<DateTime<Utc>> {
    let drand = t
        .commitment
        .entropy_source
        .drand
        .as_ref()
        .map(|d| (&d.chain_hash, d.round));
    deadline_of(drand, t.drawn_at)
}

/// Refuses the draw of a plan that requires a time-stamp token until one is obtained whose
/// latest time is before the deadline (the promised round's time, else `now`).
///
/// # Errors
/// 409 `timestamp-pending` when no token is obtained yet (the message says each authority's
/// status); 409 `timestamp-too-late` when every obtained token came after the deadline.
pub fn require_token(
    plan: &Plan,
    drand: Option<(&Digest, u64)>,
    records: &[TimestampRecord],
    now: Timestamp,
) -> Result<(), AppError> {
    if !plan.spec.requires_timestamp {
        return Ok(());
    }
    let id = &plan.spec.id;
    let deadline =
        deadline_of(drand, now).ok_or_else(|| AppError::internal("clock out of range"))?;
    let obtained: Vec<_> = records
        .iter()
        .filter_map(|r| match &r.status {
            TimestampStatus::Obtained { latest, .. } => Some((r, *latest)),
            _ => None,
        })
        .collect();
    if obtained.is_empty() {
        let states: Vec<String> = records
            .iter()
            .map(|r| match &r.status {
                TimestampStatus::Failed { code, .. } => {
                    format!(
                        "{} failed ({code}) after {} attempt(s)",
                        r.authority, r.attempts
                    )
                }
                other => format!("{} {}", r.authority, other.name()),
            })
            .collect();
        return Err(AppError::conflict(
            "timestamp-pending",
            format!(
                "plan {id} requires a time-stamp token of its commitment and has none yet ({}); retry with POST /api/plans/{id}/timestamps",
                if states.is_empty() {
                    "no authority has answered".to_owned()
                } else {
                    states.join("; ")
                }
            ),
        ));
    }
    if obtained.iter().any(|(_, latest)| *latest < deadline) {
        return Ok(());
    }
    Err(AppError::conflict(
        "timestamp-too-late",
        format!(
            "plan {id} requires a time-stamp token made before {}; its tokens were all made later",
            deadline.to_rfc3339()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_are_configured_as_name_equals_url() -> Result<(), AppError> {
        let a: Authority = "tsa-1=http://127.0.0.1:8080/tsa".parse()?;
        assert_eq!(a.name.as_str(), "tsa-1");
        assert_eq!(a.url, "http://127.0.0.1:8080/tsa");
        for bad in ["http://x/tsa", "TSA=http://x", "a=ftp://x", "=http://x"] {
            let e = bad.parse::<Authority>().err().map(|e| e.code());
            assert_eq!(e, Some("tsa-config"), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn the_deadline_is_the_promised_round_for_a_beacon_draw_else_the_draw()
    -> Result<(), Box<dyn std::error::Error>> {
        use spotcheck_domain::draw::QUICKNET;
        let drawn: Timestamp = "2026-12-06T17:00:00Z".parse()?;
        let round_time = QUICKNET.round_time(34_590_711).ok_or("round")?;
        assert_eq!(round_time.to_string(), "2026-12-06T16:44:57Z");
        assert_eq!(
            deadline_of(Some((&QUICKNET.chain_hash, 34_590_711)), drawn),
            round_time.to_datetime()
        );
        assert_eq!(deadline_of(None, drawn), drawn.to_datetime());
        assert_eq!(
            deadline_of(Some((&Digest::from_bytes([0; 32]), 1)), drawn),
            None
        );
        Ok(())
    }

    #[test]
    fn pem_text_splits_into_certificate_blocks() {
        let one = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
        let text = format!("junk\n{one}\n\n{one}\ntrailing");
        assert_eq!(
            pem_blocks(&text),
            vec![format!("{one}\n"), format!("{one}\n")]
        );
        assert!(pem_blocks("no certificate").is_empty());
    }

    #[test]
    fn pem_from_one_configuration_line_is_rewrapped() {
        let line = "-----BEGIN CERTIFICATE-----\\nAAAA BBBB\\nCCCC\\n-----END CERTIFICATE-----";
        assert_eq!(
            normalise_pem(line),
            "-----BEGIN CERTIFICATE-----\nAAAABBBBCCCC\n-----END CERTIFICATE-----\n"
        );
        let long = format!(
            "-----BEGIN CERTIFICATE----- {} -----END CERTIFICATE-----",
            "A".repeat(70)
        );
        assert_eq!(
            normalise_pem(&long)
                .lines()
                .map(str::len)
                .collect::<Vec<_>>(),
            vec![27, 64, 6, 25]
        );
    }
}

/// The public file that lists the trust anchors the bureau relied on (every anchor the plan's
/// tokens chain to, PEM), beside `commitment.<authority>.tsr`.
pub const ANCHORS_FILE: &str = "tsa-anchors.pem";

/// What the public sees of one obtained token (the plan page, the public plan JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicTimestamp {
    /// The authority's configured name.
    pub authority: AuthorityName,
    /// Its URL.
    pub url: String,
    /// The token's file beside the commitment: `commitment.<authority>.tsr` (a DER
    /// `TimeStampResp`).
    pub file: String,
    /// `genTime` (RFC 3339, UTC).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub gen_time: DateTime<Utc>,
    /// `genTime` plus the token's accuracy.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub latest: DateTime<Utc>,
    /// Who signed it (the authority certificate's subject).
    pub signer: String,
    /// The trust anchor it chains to (subject; the certificate is in `tsa-anchors.pem`).
    pub anchor: String,
}

/// The obtained tokens among `records`, as the public sees them.
pub fn public_timestamps(records: &[TimestampRecord]) -> Vec<PublicTimestamp> {
    records
        .iter()
        .filter_map(|r| match &r.status {
            TimestampStatus::Obtained {
                gen_time,
                latest,
                signer,
                anchor,
                ..
            } => Some(PublicTimestamp {
                authority: r.authority.clone(),
                url: r.url.clone(),
                file: r.file_name(),
                gen_time: *gen_time,
                latest: *latest,
                signer: signer.clone(),
                anchor: anchor.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// The PEM text of `tsa-anchors.pem`: each distinct anchor certificate of the obtained tokens.
pub fn anchors_pem(records: &[TimestampRecord]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for r in records {
        if let TimestampStatus::Obtained { anchor_pem, .. } = &r.status
            && !anchor_pem.is_empty()
            && !out.contains(&anchor_pem.as_str())
        {
            out.push(anchor_pem);
        }
    }
    out.concat()
}

/// The stored token (DER `TimeStampResp`) published as `file` (`commitment.<authority>.tsr`).
pub fn token_file<'a>(records: &'a [TimestampRecord], file: &str) -> Option<&'a [u8]> {
    records.iter().find_map(|r| match &r.status {
        TimestampStatus::Obtained { response, .. } if r.file_name() == file => {
            Some(response.as_slice())
        }
        _ => None,
    })
}

/// Judges a drawn plan's tokens (§16.3, §16.4) against `anchors_pem`: the verdict every
/// verifier gives, in words. `tokens` are `(file name, DER)`.
///
/// # Errors
/// `timestamp-anchors` (422) for anchors that do not parse while tokens need them.
pub fn assess_tokens(
    tokens: &[(String, Vec<u8>)],
    commitment_hash: &Digest,
    deadline: DateTime<Utc>,
    anchors_pem: &str,
) -> Result<spotcheck_timestamp::Assessment, AppError> {
    if tokens.is_empty() {
        return Ok(spotcheck_timestamp::Assessment {
            deadline,
            outcomes: Vec::new(),
        });
    }
    let anchors = TrustAnchors::from_pem(anchors_pem)
        .map_err(|e| AppError::validation("timestamp-anchors", e.to_string()))?;
    Ok(spotcheck_timestamp::assess(
        tokens.iter().map(|(l, d)| (l.as_str(), d.as_slice())),
        commitment_hash.as_bytes(),
        deadline,
        &anchors,
    ))
}
