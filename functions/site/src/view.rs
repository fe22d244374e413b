//! The public views: what each page shows. They are rendered from the one public projection
//! ([`spotcheck_app::public::project`]), which decides what shows and redacts it (guides' names
//! masked in every free text, personal numbers removed); templates and JSON files are rendered from
//! these views and from nothing else.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest as _, Sha256};
use spotcheck_domain::lifecycle::{
    InspectionResult, Party, PenaltyRecord, PlanState, Publication, PublicationId, PublicationKind,
    PublicationState, RecordRef,
};
use spotcheck_domain::registry::{
    CheckItem, CheckMethod, FrameFilter, ItemType, RegistryKind, TargetKind,
};
use spotcheck_domain::time::Timestamp;

use crate::duties::{change_label, on_time, removal_date};
use crate::records::{PlanRecord, Records};
use crate::redact::{mask_name, redact_text};
use spotcheck_app::public::{Gate, Public, project};
use spotcheck_domain::calendar::Calendar;

/// A time as shown: China time, `2026-11-26 17:30`.
pub fn show_time(t: Timestamp) -> String {
    Timestamp::from_unix(t.unix() + 8 * 3600)
        .to_datetime()
        .map_or_else(|| t.to_string(), |d| d.format("%Y-%m-%d %H:%M").to_string())
}

/// A file-name-safe slug: the id itself when it is plain ASCII, else a hash.
pub fn slug(id: &str) -> String {
    let plain = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && id.as_bytes()[0].is_ascii_alphanumeric();
    if plain {
        id.to_owned()
    } else {
        let h = Sha256::digest(id.as_bytes());
        format!("h-{}", &hex::encode(h)[..20])
    }
}

/// Chinese label of a target kind.
pub fn target_kind_label(k: TargetKind) -> &'static str {
    match k {
        TargetKind::Agency => "旅行社",
        TargetKind::Guide => "导游",
        TargetKind::OnlineOperator => "在线旅游经营者",
    }
}

/// The results page section of a target kind (seed items 12, 13, 14).
pub fn target_kind_slug(k: TargetKind) -> &'static str {
    match k {
        TargetKind::Agency => "agencies",
        TargetKind::Guide => "guides",
        TargetKind::OnlineOperator => "operators",
    }
}

/// Chinese label of a check method.
pub fn method_label(m: CheckMethod) -> &'static str {
    match m {
        CheckMethod::OnSite => "现场检查",
        CheckMethod::Documentary => "书面检查",
        CheckMethod::OnlineMonitoring => "网络监测",
        CheckMethod::Testing => "检验检测",
        CheckMethod::ExpertAgency => "委托专业机构",
    }
}

/// Chinese label of a publication kind.
pub fn kind_label(k: PublicationKind) -> &'static str {
    match k {
        PublicationKind::ItemList => "随机抽查事项清单",
        PublicationKind::Plan => "抽查计划与承诺",
        PublicationKind::Draw => "抽取结果与誊本",
        PublicationKind::CheckResult => "抽查情况及查处结果",
        PublicationKind::PenaltyDecision => "行政处罚决定",
        PublicationKind::PenaltyWithdrawal => "处罚决定撤回公告",
    }
}

/// A publication's status as shown next to its record.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// `pending`, `published`, `withdrawn`, `expired`.
    pub state: &'static str,
    /// 待公开 / 已公开 / 已撤回 / 已到期下线.
    pub state_label: &'static str,
    /// The statutory deadline, if any.
    pub deadline: Option<String>,
    /// The deadline depends on a year the State Council has not announced yet.
    pub provisional: bool,
    /// When published, China time.
    pub published_at: Option<String>,
    /// On time (`true`) or late (`false`); absent without a deadline.
    pub on_time: Option<bool>,
    /// 按时公开 / 逾期公开 / 无法定时限.
    pub timeliness: &'static str,
}

impl Status {
    /// The status of a publication.
    pub fn of(p: &Publication) -> Self {
        let (state_label, published_at) = match &p.state {
            PublicationState::Pending => ("待公开", None),
            PublicationState::Published { published_at } => {
                ("已公开", Some(show_time(*published_at)))
            }
            PublicationState::Withdrawn { withdrawn_at, .. } => {
                ("已撤回", Some(show_time(*withdrawn_at)))
            }
            PublicationState::Expired { expired_at } => {
                ("已到期下线", Some(show_time(*expired_at)))
            }
        };
        let ot = on_time(p);
        Self {
            state: p.state.name(),
            state_label,
            deadline: p.deadline.map(|d| d.to_string()),
            provisional: p.deadline_provisional,
            published_at,
            on_time: ot,
            timeliness: match (ot, p.deadline) {
                (Some(true), _) => "按时公开",
                (Some(false), _) => "逾期公开",
                (None, None) => "无法定时限，随时公开",
                (None, Some(_)) => "",
            },
        }
    }
}

/// One item of the list (seed item 11 fields).
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    /// 事项编码.
    pub code: String,
    /// 抽查事项名称.
    pub name: String,
    /// 抽查依据.
    pub legal_basis: String,
    /// 抽查对象.
    pub target_kind: &'static str,
    /// 抽查内容.
    pub content: String,
    /// 抽查部门.
    pub department: String,
    /// 抽查方式.
    pub methods: String,
    /// 一般 / 重点.
    pub item_type: &'static str,
}

impl ItemView {
    fn of(i: &CheckItem) -> Self {
        Self {
            code: i.code.to_string(),
            name: redact_text(&i.name),
            legal_basis: redact_text(&i.legal_basis),
            target_kind: target_kind_label(i.target_kind),
            content: redact_text(&i.content),
            department: i.department.to_string(),
            methods: i
                .methods
                .iter()
                .map(|m| method_label(*m))
                .collect::<Vec<_>>()
                .join("、"),
            item_type: match i.item_type {
                ItemType::General => "一般",
                ItemType::Key => "重点",
            },
        }
    }
}

/// A published version of the item list.
#[derive(Debug, Clone, Serialize)]
pub struct ItemListView {
    /// Version number.
    pub number: u64,
    /// Canonical hash of the records.
    pub hash: String,
    /// Its publication.
    pub status: Status,
    /// The items.
    pub items: Vec<ItemView>,
}

/// One drawn target.
#[derive(Debug, Clone, Serialize)]
pub struct SelectionView {
    /// Target id.
    pub target: String,
    /// Published name.
    pub name: String,
    /// Stratum.
    pub stratum: String,
    /// Inspectors (`name（执法证号）`).
    pub inspectors: Vec<String>,
    /// Link to the business's results page, if it has a published result.
    pub result_page: Option<String>,
}

/// A plan's commitment, as published before the draw.
#[derive(Debug, Clone, Serialize)]
pub struct CommitmentView {
    /// SHA-256 of commitment.json.
    pub hash: String,
    /// When committed.
    pub committed_at: String,
    /// Frame root and size.
    pub frame_root: String,
    /// Frame size.
    pub frame_size: u64,
    /// Pool root.
    pub pool_root: String,
    /// Pool size.
    pub pool_size: u64,
    /// Witnesses named in advance.
    pub witnesses: Vec<String>,
    /// Promised drand round, if any.
    pub drand_round: Option<String>,
    /// The commitment's RFC 3161 time-stamp tokens (时间戳), by authority.
    pub timestamps: Vec<TimestampView>,
}

/// One time-stamp token of a commitment, as published.
#[derive(Debug, Clone, Serialize)]
pub struct TimestampView {
    /// The authority's configured name.
    pub authority: String,
    /// The token's file beside the commitment, `commitment.<authority>.tsr`.
    pub file: String,
    /// `genTime` in Beijing time (北京时间), to the second.
    pub gen_time: String,
    /// Who signed it (the authority certificate's subject).
    pub signer: String,
}

/// A draw, as published.
#[derive(Debug, Clone, Serialize)]
pub struct DrawView {
    /// Its publication.
    pub status: Status,
    /// When drawn.
    pub drawn_at: String,
    /// Witness contributions `(name, value)`.
    pub witnesses: Vec<(String, String)>,
    /// The drand round used, with its randomness.
    pub drand: Option<(u64, String)>,
    /// Entropy digest.
    pub entropy_digest: String,
    /// Draw key.
    pub draw_key: String,
    /// Transcript digest.
    pub transcript_digest: String,
    /// Drawn targets.
    pub selections: Vec<SelectionView>,
    /// The shell commands that re-run the draw.
    pub commands: String,
    /// The browser verifier, prefilled (relative to the site root).
    pub verifier: String,
}

/// A plan page.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    /// Plan id.
    pub id: String,
    /// Directory under `plans/`.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Item code.
    pub item: String,
    /// Item name, if the item list has it.
    pub item_name: Option<String>,
    /// Department (for a joint plan, every department, the lead first).
    pub department: String,
    /// 抽查对象.
    pub target_kind: &'static str,
    /// 定向 / 不定向.
    pub filter: &'static str,
    /// Planned draw time.
    pub planned_draw_at: String,
    /// 已承诺 / 已抽取 / 已取消.
    pub state_label: &'static str,
    /// Reason if cancelled.
    pub cancel_reason: Option<String>,
    /// The plan's publication.
    pub status: Status,
    /// The commitment.
    pub commitment: Option<CommitmentView>,
    /// The draw, once its publication is out.
    pub draw: Option<DrawView>,
    /// Published results of this plan.
    pub results: Vec<ResultView>,
    /// The rules in words: sampling, criteria, 实施期限, assignment.
    pub rules: crate::rules::RulesView,
    /// The inspectors the published draw assigned, with their 执法证号, in order of first
    /// assignment.
    pub inspectors: Vec<InspectorRow>,
}

/// An inspector of a draw (officials acting in office, 行政执法公示).
#[derive(Debug, Clone, Serialize)]
pub struct InspectorRow {
    /// Name.
    pub name: String,
    /// 执法证号.
    pub certificate: String,
    /// How many drawn targets this inspector checks.
    pub targets: usize,
}

/// One check result (seed items 12–14 fields).
#[derive(Debug, Clone, Serialize)]
pub struct ResultView {
    /// Plan id.
    pub plan: String,
    /// Plan directory.
    pub plan_slug: String,
    /// Plan title.
    pub plan_title: String,
    /// Target id.
    pub target: String,
    /// Published name (guides masked).
    pub name: String,
    /// 旅行社 / 导游 / 在线旅游经营者.
    pub target_kind: &'static str,
    /// `agencies` / `guides` / `operators`.
    pub kind_slug: &'static str,
    /// Business page file name (without directory).
    pub business_slug: String,
    /// 抽查依据.
    pub basis: String,
    /// 抽查主体.
    pub subject: String,
    /// 抽查内容.
    pub content: String,
    /// 抽查方式.
    pub method: &'static str,
    /// 抽查情况及查处结果: the result code.
    pub outcome: &'static str,
    /// Findings.
    pub findings: String,
    /// Follow-up.
    pub follow_up: Option<String>,
    /// Completed on.
    pub completed_on: String,
    /// Inspectors.
    pub inspectors: Vec<String>,
    /// Its publication.
    pub status: Status,
}

/// A business with its published results.
#[derive(Debug, Clone, Serialize)]
pub struct BusinessView {
    /// Target id.
    pub target: String,
    /// Published name.
    pub name: String,
    /// Kind label.
    pub target_kind: &'static str,
    /// Kind directory.
    pub kind_slug: &'static str,
    /// Page file name.
    pub slug: String,
    /// Results, newest first.
    pub results: Vec<ResultView>,
    /// Current penalty decisions against this business: `(number, page link from the site root)`.
    pub penalties: Vec<(String, String)>,
}

/// A penalty decision (seed items 15–17 fields).
#[derive(Debug, Clone, Serialize)]
pub struct PenaltyView {
    /// Page file name.
    pub slug: String,
    /// 处罚决定书文号.
    pub number: String,
    /// 主体信息: name (natural persons masked).
    pub party_name: String,
    /// 法人或其他组织 / 自然人.
    pub party_kind: &'static str,
    /// Credit code or guide card.
    pub party_id: Option<String>,
    /// 案由.
    pub cause: String,
    /// 处罚依据.
    pub legal_basis: String,
    /// 处罚条件.
    pub conditions: String,
    /// 处罚程序.
    pub procedure: String,
    /// 处罚结果.
    pub result: String,
    /// Authority.
    pub authority: String,
    /// Decision date.
    pub decided_on: String,
    /// 简易/较轻 (3-month display).
    pub minor: bool,
    /// Displayed until (inclusive).
    pub displayed_until: Option<String>,
    /// The decision's publication.
    pub status: Status,
    /// 处罚类别 (the credit-platform categories), when recorded.
    pub categories: Option<String>,
    /// 罚款金额（万元）, when recorded.
    pub fine: Option<String>,
    /// 没收违法所得、没收非法财物的金额（万元）, when recorded.
    pub confiscation: Option<String>,
    /// The spot-check plan the decision followed, if any.
    pub plan_id: Option<String>,
    /// The target the decision concerns, if it followed a spot check.
    pub target: Option<String>,
    /// Link (from the site root) and title of that plan's page, when published.
    pub plan_link: Option<(String, String)>,
    /// Link (from the site root) to the business's results page, when published.
    pub business_link: Option<String>,
}

/// A withdrawn decision with its reason.
#[derive(Debug, Clone, Serialize)]
pub struct WithdrawalView {
    /// Page anchor.
    pub slug: String,
    /// Decision number.
    pub number: String,
    /// Party.
    pub party_name: String,
    /// 变更 / 撤销 / 确认违法或无效.
    pub change: &'static str,
    /// Why.
    pub reason: String,
    /// The new result of a changed decision.
    pub new_result: Option<String>,
    /// Effective date of the change.
    pub effective_on: String,
    /// When the decision was taken down.
    pub withdrawn_at: Option<String>,
    /// The withdrawal notice's publication.
    pub status: Status,
}

/// One line of the publication register (every duty, with its deadline and timeliness).
#[derive(Debug, Clone, Serialize)]
pub struct RegisterLine {
    /// Publication id (machine-readable; the page shows the title).
    pub id: String,
    /// What is published, in words: the plan's title, the business's name, the decision's
    /// number (a public document number), the item list's version.
    pub title: String,
    /// Kind label.
    pub kind: &'static str,
    /// Event date.
    pub event_date: String,
    /// Status.
    pub status: Status,
    /// Link relative to the site root.
    pub link: Option<String>,
}

/// Everything the site shows.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SiteModel {
    /// Published item-list versions, newest first.
    pub item_lists: Vec<ItemListView>,
    /// Published plans by id.
    pub plans: Vec<PlanView>,
    /// Businesses with published results, by kind slug then id.
    pub businesses: Vec<BusinessView>,
    /// Published, current penalty decisions, newest first.
    pub penalties: Vec<PenaltyView>,
    /// Published withdrawals, newest first.
    pub withdrawals: Vec<WithdrawalView>,
    /// The register.
    pub register: Vec<RegisterLine>,
    /// When generated.
    pub generated_at: String,
    /// For feeds: the generation instant (RFC 3339).
    pub generated_rfc3339: String,
}

fn published(p: Option<&Publication>) -> bool {
    visible(p, false)
}

/// Published, or (when `staged`) about to be.
fn visible(p: Option<&Publication>, staged: bool) -> bool {
    match p.map(|p| &p.state) {
        Some(PublicationState::Published { .. }) => true,
        Some(PublicationState::Pending) => staged,
        _ => false,
    }
}

fn pubs_by_id(records: &Records) -> BTreeMap<&str, &Publication> {
    records
        .publications
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect()
}

fn inspector_label(records: &Records, id: &str) -> String {
    match records.names.inspectors.get(id) {
        Some((name, cert)) => format!("{name}（执法证号 {cert}）"),
        None => id.to_owned(),
    }
}

fn target_name(records: &Records, id: &str, kind: TargetKind) -> String {
    match records.names.targets.get(id) {
        Some(n) => redact_text(n),
        None if kind == TargetKind::Guide => "导游（姓名未登记）".into(),
        None => id.to_owned(),
    }
}

fn item_of<'a>(records: &'a Records, code: &str) -> Option<&'a CheckItem> {
    records
        .item_lists
        .iter()
        .rev()
        .flat_map(|v| v.items.iter())
        .find(|i| i.code.as_str() == code)
}

/// The result's view.
pub fn result_view(
    records: &Records,
    pr: &PlanRecord,
    r: &InspectionResult,
    p: &Publication,
) -> ResultView {
    let kind = pr.plan.spec.target_kind;
    let item = item_of(records, pr.plan.spec.item.as_str());
    ResultView {
        plan: pr.plan.spec.id.to_string(),
        plan_slug: slug(pr.plan.spec.id.as_str()),
        plan_title: redact_text(&pr.plan.spec.title),
        target: r.target.to_string(),
        name: target_name(records, r.target.as_str(), kind),
        target_kind: target_kind_label(kind),
        kind_slug: target_kind_slug(kind),
        business_slug: slug(r.target.as_str()),
        basis: item.map_or_else(String::new, |i| redact_text(&i.legal_basis)),
        subject: pr.plan.spec.department.to_string(),
        content: item.map_or_else(String::new, |i| redact_text(&i.content)),
        method: method_label(r.method),
        outcome: r.code.label(),
        findings: redact_text(&r.findings),
        follow_up: r.follow_up.as_deref().map(redact_text),
        completed_on: r.completed_on.to_string(),
        inspectors: r
            .inspectors
            .iter()
            .map(|i| inspector_label(records, i.as_str()))
            .collect(),
        status: Status::of(p),
    }
}

fn verify_commands(id: &str, hash: &str, base_url: Option<&str>) -> String {
    let dir = format!("plans/{}/", slug(id));
    let get = match base_url {
        Some(b) => {
            let b = b.trim_end_matches('/');
            format!("curl -fsS -O {b}/{dir}transcript.json -O {b}/{dir}frame.csv -O {b}/{dir}pool.csv -O {b}/{dir}commitment.json")
        }
        None => "# 下载本页列出的 transcript.json、frame.csv、pool.csv、commitment.json 四个文件到同一目录".into(),
    };
    format!(
        "{get}\n# 承诺文件的 SHA-256 应为 {hash}\nsha256sum commitment.json\n# 用 spotcheck 重新运行抽取并逐项核对\nspotcheck verify transcript.json --frame frame.csv --pool pool.csv --commitment commitment.json"
    )
}

/// The plan's view; `None` unless its plan publication is out.
pub fn plan_view(records: &Records, pr: &PlanRecord, base_url: Option<&str>) -> Option<PlanView> {
    plan_view_at(records, pr, base_url, false)
}

/// The plan's view; with `staged`, pending publications count as published (to check what
/// publishing them would show).
fn plan_view_at(
    records: &Records,
    pr: &PlanRecord,
    base_url: Option<&str>,
    staged: bool,
) -> Option<PlanView> {
    let find = |id: PublicationId| records.publication(id.as_str());
    let rec = RecordRef::Plan {
        plan: pr.plan.spec.id.clone(),
    };
    let plan_pub = find(PublicationId::of(PublicationKind::Plan, &rec));
    if !visible(plan_pub, staged) {
        return None;
    }
    let plan_pub = plan_pub?;
    let spec = &pr.plan.spec;
    let id = spec.id.to_string();
    let commitment = pr.commitment.as_ref().map(|c| CommitmentView {
        hash: c.hash().map(|h| h.to_hex()).unwrap_or_default(),
        committed_at: show_time(c.committed_at),
        frame_root: c.frame.root.to_hex(),
        frame_size: c.frame.size,
        pool_root: c.pool.root.to_hex(),
        pool_size: c.pool.size,
        witnesses: spec
            .entropy_source
            .witnesses
            .iter()
            .map(|w| w.to_string())
            .collect(),
        drand_round: spec
            .entropy_source
            .drand
            .as_ref()
            .map(|d| serde_json::to_string(d).unwrap_or_default()),
        timestamps: spotcheck_app::timestamps::public_timestamps(&pr.timestamps)
            .into_iter()
            .map(|t| TimestampView {
                authority: t.authority.to_string(),
                file: t.file,
                gen_time: (t.gen_time + chrono::TimeDelta::hours(8))
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                signer: t.signer,
            })
            .collect(),
    });
    let mut results = Vec::new();
    for r in &pr.results {
        let rr = RecordRef::Result {
            plan: r.plan.clone(),
            target: r.target.clone(),
        };
        if let Some(p) = find(PublicationId::of(PublicationKind::CheckResult, &rr))
            && visible(Some(p), staged)
        {
            results.push(result_view(records, pr, r, p));
        }
    }
    let draw_pub = find(PublicationId::of(PublicationKind::Draw, &rec));
    let draw = match (&pr.transcript, draw_pub) {
        (Some(t), Some(p)) if visible(Some(p), staged) => {
            let sel = t
                .selections
                .iter()
                .map(|s| SelectionView {
                    target: s.target.to_string(),
                    name: target_name(records, s.target.as_str(), spec.target_kind),
                    stratum: s.stratum.to_string(),
                    inspectors: s
                        .inspectors
                        .iter()
                        .map(|i| inspector_label(records, i.as_str()))
                        .collect(),
                    result_page: results
                        .iter()
                        .find(|r| r.target == s.target.as_str())
                        .map(|r| format!("results/{}/{}.html", r.kind_slug, r.business_slug)),
                })
                .collect();
            let hash = t.commitment_hash.to_hex();
            let dir = format!("plans/{}/", slug(&id));
            Some(DrawView {
                status: Status::of(p),
                drawn_at: show_time(t.drawn_at),
                witnesses: t
                    .entropy
                    .witnesses
                    .iter()
                    .map(|w| (w.name.to_string(), w.value.to_string()))
                    .collect(),
                drand: t
                    .entropy
                    .drand
                    .as_ref()
                    .map(|d| (d.round, d.randomness.to_hex())),
                entropy_digest: t.entropy_digest.to_hex(),
                draw_key: t.draw_key.to_hex(),
                transcript_digest: t.digest.to_hex(),
                selections: sel,
                commands: verify_commands(&id, &hash, base_url),
                verifier: verifier_link(&dir, spec.target_kind, &pr.timestamps),
            })
        }
        _ => None,
    };
    let (state_label, cancel_reason) = match &pr.plan.state {
        PlanState::Draft => ("草拟", None),
        PlanState::Committed { .. } => ("已承诺，待抽取", None),
        PlanState::Drawn { .. } => ("已抽取", None),
        PlanState::Cancelled { reason, .. } => ("已取消", Some(redact_text(reason))),
    };
    let mut inspectors: Vec<InspectorRow> = Vec::new();
    if let (Some(t), Some(_)) = (&pr.transcript, &draw) {
        let mut row_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for i in t.selections.iter().flat_map(|s| s.inspectors.iter()) {
            if let Some(r) = row_of.get(i.as_str()).and_then(|&n| inspectors.get_mut(n)) {
                r.targets += 1;
                continue;
            }
            let (name, certificate) = records
                .names
                .inspectors
                .get(i.as_str())
                .cloned()
                .unwrap_or_else(|| (i.to_string(), String::new()));
            row_of.insert(i.as_str(), inspectors.len());
            inspectors.push(InspectorRow {
                name,
                certificate,
                targets: 1,
            });
        }
    }
    Some(PlanView {
        rules: crate::rules::rules_view(spec, pr.plan.provenance.as_ref(), pr.commitment.as_ref()),
        inspectors,
        slug: slug(&id),
        id,
        title: redact_text(&spec.title),
        item: spec.item.to_string(),
        item_name: item_of(records, spec.item.as_str()).map(|i| i.name.clone()),
        department: departments_label(spec),
        target_kind: target_kind_label(spec.target_kind),
        filter: match spec.filter {
            FrameFilter::Untargeted => "不定向",
            FrameFilter::Targeted { .. } => "定向",
        },
        planned_draw_at: show_time(spec.planned_draw_at),
        state_label,
        cancel_reason,
        status: Status::of(plan_pub),
        commitment,
        draw,
        results,
    })
}

/// The department running a plan; for a joint plan (部门联合抽查, draw spec §17) every department
/// of it, the lead first: `莆田市文化和旅游局（牵头）、莆田市市场监督管理局`.
fn departments_label(spec: &spotcheck_domain::lifecycle::PlanSpec) -> String {
    let partners = spec.partners();
    if partners.is_empty() {
        return spec.department.to_string();
    }
    let mut out = format!("{}（牵头）", spec.department);
    for p in partners {
        out.push('、');
        out.push_str(p.as_str());
    }
    out
}

/// The verifier page's link for a drawn plan: its files, and each published time-stamp token
/// with the authorities' anchors beside them, so the page checks the tokens too; and the plan's
/// target kind, which decides what the page calls a target (导游 for a guide, not 企业).
fn verifier_link(
    dir: &str,
    kind: TargetKind,
    timestamps: &[spotcheck_domain::lifecycle::TimestampRecord],
) -> String {
    let mut link = format!(
        "verify.html?transcript={dir}transcript.json&frame={dir}frame.csv&pool={dir}pool.csv&commitment={dir}commitment.json"
    );
    let tokens = spotcheck_app::timestamps::public_timestamps(timestamps);
    for t in &tokens {
        link.push_str(&format!("&timestamp={dir}{}", t.file));
    }
    if !tokens.is_empty() {
        link.push_str(&format!("&anchors={dir}tsa-anchors.pem"));
    }
    link.push_str(&format!("&kind={}", kind.code()));
    link
}

fn party(p: &PenaltyRecord) -> (String, &'static str, Option<String>) {
    match &p.decision.party {
        Party::Organisation { name, credit_code } => (
            redact_text(name),
            "法人或其他组织",
            credit_code.as_ref().map(ToString::to_string),
        ),
        Party::NaturalPerson {
            masked_name,
            guide_card,
        } => (
            mask_name(masked_name.as_str()),
            "自然人",
            guide_card.as_ref().map(ToString::to_string),
        ),
    }
}

/// A decision's view.
pub fn penalty_view(
    p: &PenaltyRecord,
    publication: &Publication,
    calendar: &Calendar,
) -> PenaltyView {
    let d = &p.decision;
    let (party_name, party_kind, party_id) = party(p);
    let displayed_until = match publication.state {
        PublicationState::Published { published_at } => {
            removal_date(p, published_at, calendar).map(|d| d.to_string())
        }
        _ => None,
    };
    PenaltyView {
        slug: slug(d.number.as_str()),
        number: d.number.to_string(),
        party_name,
        party_kind,
        party_id,
        cause: redact_text(&d.cause),
        legal_basis: redact_text(&d.legal_basis),
        conditions: redact_text(&d.conditions),
        procedure: redact_text(&d.procedure),
        result: redact_text(&d.result),
        authority: d.authority.to_string(),
        decided_on: d.decided_on.to_string(),
        minor: d.minor,
        displayed_until,
        status: Status::of(publication),
        categories: d.disclosure.as_ref().map(|x| {
            x.categories
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join("；")
        }),
        fine: d
            .disclosure
            .as_ref()
            .and_then(|x| x.fine)
            .map(|w| w.to_string()),
        confiscation: d
            .disclosure
            .as_ref()
            .and_then(|x| x.confiscation)
            .map(|w| w.to_string()),
        plan_id: d.plan.as_ref().map(ToString::to_string),
        target: d.target.as_ref().map(ToString::to_string),
        plan_link: None,
        business_link: None,
    }
}

/// A withdrawal's view.
pub fn withdrawal_view(
    records: &Records,
    p: &PenaltyRecord,
    notice: &Publication,
) -> Option<WithdrawalView> {
    let change = p.changes.first()?;
    let rec = RecordRef::Penalty {
        number: p.decision.number.clone(),
    };
    let decision_pub =
        records.publication(PublicationId::of(PublicationKind::PenaltyDecision, &rec).as_str());
    let withdrawn_at = match decision_pub.map(|d| &d.state) {
        Some(PublicationState::Withdrawn { withdrawn_at, .. }) => Some(show_time(*withdrawn_at)),
        _ => None,
    };
    let new_result = p
        .changes
        .iter()
        .rev()
        .find_map(|c| c.new_result.as_deref())
        .map(redact_text);
    Some(WithdrawalView {
        slug: slug(p.decision.number.as_str()),
        number: p.decision.number.to_string(),
        party_name: party(p).0,
        change: change_label(change.kind),
        reason: redact_text(&change.reason),
        new_result,
        effective_on: change.effective_on.to_string(),
        withdrawn_at,
        status: Status::of(notice),
    })
}

/// Builds the whole model from the records: what the projection lets through for the site
/// ([`Gate::Published`]), nothing else.
pub fn build(
    records: &Records,
    calendar: &Calendar,
    base_url: Option<&str>,
    now: Timestamp,
) -> SiteModel {
    build_public(
        &project(records, calendar, Gate::Published, now),
        calendar,
        base_url,
        now,
    )
}

/// Builds the whole model from a projection.
pub fn build_public(
    public: &Public,
    calendar: &Calendar,
    base_url: Option<&str>,
    now: Timestamp,
) -> SiteModel {
    let records = &public.records;
    let pubs = pubs_by_id(records);
    let mut m = SiteModel {
        generated_at: show_time(now),
        generated_rfc3339: now.to_string(),
        ..SiteModel::default()
    };
    for v in records.item_lists.iter().rev() {
        let rec = RecordRef::Snapshot {
            registry: RegistryKind::Items,
            number: v.info.number,
        };
        if let Some(p) = pubs.get(PublicationId::of(PublicationKind::ItemList, &rec).as_str())
            && published(Some(p))
        {
            m.item_lists.push(ItemListView {
                number: v.info.number,
                hash: v.info.hash.to_hex(),
                status: Status::of(p),
                items: v.items.iter().map(ItemView::of).collect(),
            });
        }
    }
    let mut businesses: BTreeMap<(&'static str, String), BusinessView> = BTreeMap::new();
    for pr in records.plans.values() {
        if let Some(v) = plan_view(records, pr, base_url) {
            for r in &v.results {
                businesses
                    .entry((r.kind_slug, r.target.clone()))
                    .or_insert_with(|| BusinessView {
                        target: r.target.clone(),
                        name: r.name.clone(),
                        target_kind: r.target_kind,
                        kind_slug: r.kind_slug,
                        slug: r.business_slug.clone(),
                        results: Vec::new(),
                        penalties: Vec::new(),
                    })
                    .results
                    .push(r.clone());
            }
            m.plans.push(v);
        }
    }
    m.businesses = businesses
        .into_values()
        .map(|mut b| {
            b.results.sort_by(|a, c| {
                c.completed_on
                    .cmp(&a.completed_on)
                    .then(a.plan.cmp(&c.plan))
            });
            b
        })
        .collect();
    for p in &records.penalties {
        if !p.decision.publishable() {
            continue;
        }
        let rec = RecordRef::Penalty {
            number: p.decision.number.clone(),
        };
        if let Some(dp) =
            pubs.get(PublicationId::of(PublicationKind::PenaltyDecision, &rec).as_str())
            && published(Some(dp))
            && public.decisions.contains(p.decision.number.as_str())
        {
            let mut v = penalty_view(p, dp, calendar);
            v.plan_link = v.plan_id.as_ref().and_then(|id| {
                m.plans
                    .iter()
                    .find(|pl| &pl.id == id)
                    .map(|pl| (format!("plans/{}/index.html", pl.slug), pl.title.clone()))
            });
            if let Some(t) = &v.target
                && let Some(b) = m.businesses.iter_mut().find(|b| &b.target == t)
            {
                v.business_link = Some(format!("results/{}/{}.html", b.kind_slug, b.slug));
                b.penalties
                    .push((v.number.clone(), format!("penalties/{}.html", v.slug)));
            }
            m.penalties.push(v);
        }
        if let Some(wp) =
            pubs.get(PublicationId::of(PublicationKind::PenaltyWithdrawal, &rec).as_str())
            && published(Some(wp))
            && public.withdrawals.contains(p.decision.number.as_str())
            && let Some(w) = withdrawal_view(records, p, wp)
        {
            m.withdrawals.push(w);
        }
    }
    m.penalties.sort_by(|a, b| {
        b.decided_on
            .cmp(&a.decided_on)
            .then(a.number.cmp(&b.number))
    });
    m.withdrawals.sort_by(|a, b| {
        b.effective_on
            .cmp(&a.effective_on)
            .then(a.number.cmp(&b.number))
    });
    let hidden: std::collections::HashSet<&str> = records
        .penalties
        .iter()
        .filter(|r| !r.decision.publishable())
        .map(|r| r.decision.number.as_str())
        .collect();
    for p in &records.publications {
        if let RecordRef::Penalty { number } = &p.record
            && hidden.contains(number.as_str())
        {
            continue;
        }
        m.register.push(RegisterLine {
            id: p.id.to_string(),
            title: register_title(records, p),
            kind: kind_label(p.kind),
            event_date: p.event_date.to_string(),
            status: Status::of(p),
            link: link_of(p),
        });
    }
    m
}

/// A register line's title (never an internal id: a record the public cannot see yet is named by
/// its kind only).
fn register_title(records: &Records, p: &Publication) -> String {
    let plan_title = |plan: &str| records.plans.get(plan).map(|pr| pr.plan.spec.title.clone());
    let unnamed = || format!("{}（尚未公开）", kind_label(p.kind));
    match &p.record {
        RecordRef::Snapshot { number, .. } => format!("随机抽查事项清单（第 {number} 版）"),
        RecordRef::Plan { plan } => plan_title(plan.as_str()).map_or_else(unnamed, |t| {
            if p.kind == PublicationKind::Draw {
                format!("抽取结果：{t}")
            } else {
                format!("抽查计划：{t}")
            }
        }),
        RecordRef::Result { plan, target } => {
            match (
                plan_title(plan.as_str()),
                records.names.targets.get(target.as_str()),
            ) {
                (Some(t), Some(name)) => format!("{name}（{t}）"),
                (Some(t), None) => format!("抽查情况及查处结果（{t}）"),
                _ => unnamed(),
            }
        }
        RecordRef::Penalty { number } => match p.kind {
            PublicationKind::PenaltyWithdrawal => format!("撤回公告：{number}"),
            _ => format!("行政处罚决定 {number}"),
        },
    }
}

fn link_of(p: &Publication) -> Option<String> {
    if !matches!(p.state, PublicationState::Published { .. }) {
        return match p.kind {
            PublicationKind::PenaltyDecision => Some("withdrawals/index.html".into()),
            _ => None,
        }
        .filter(|_| matches!(p.state, PublicationState::Withdrawn { .. }));
    }
    Some(match (&p.kind, &p.record) {
        (PublicationKind::ItemList, _) => "items/index.html".into(),
        (PublicationKind::Plan | PublicationKind::Draw, RecordRef::Plan { plan }) => {
            format!("plans/{}/index.html", slug(plan.as_str()))
        }
        (PublicationKind::CheckResult, RecordRef::Result { plan, .. }) => {
            format!("plans/{}/index.html#results", slug(plan.as_str()))
        }
        (PublicationKind::PenaltyDecision, RecordRef::Penalty { number }) => {
            format!("penalties/{}.html", slug(number.as_str()))
        }
        (PublicationKind::PenaltyWithdrawal, RecordRef::Penalty { number }) => {
            format!("withdrawals/index.html#{}", slug(number.as_str()))
        }
        _ => return None,
    })
}

/// The texts of one record as they would be published (its view as JSON, from the projection of
/// what publishing would show, and for draws the commitment and transcript files as stored, which
/// cannot be redacted), for the redaction check before publishing.
pub fn record_texts(
    records: &Records,
    calendar: &Calendar,
    p: &Publication,
) -> Vec<(String, Vec<u8>)> {
    // Expiry does not matter here (a pending publication is not expired): any instant will do.
    let staged = project(records, calendar, Gate::Staged, Timestamp::from_unix(0));
    record_texts_of(records, &staged.records, calendar, p)
}

/// [`record_texts`] with the staged projection already made (`raw` for the hashed files).
pub fn record_texts_of(
    raw: &Records,
    records: &Records,
    calendar: &Calendar,
    p: &Publication,
) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let json = |v: Result<Vec<u8>, serde_json::Error>| v.unwrap_or_default();
    match (&p.kind, &p.record) {
        (PublicationKind::Plan | PublicationKind::Draw, RecordRef::Plan { plan }) => {
            if let Some(pr) = records.plans.get(plan.as_str())
                && let Some(v) = plan_view_at(records, pr, None, true)
            {
                out.push((format!("plans/{plan}"), json(serde_json::to_vec(&v))));
            }
            if let Some(pr) = raw.plans.get(plan.as_str()) {
                if let Some(c) = &pr.commitment {
                    out.push((
                        format!("plans/{plan}/commitment.json"),
                        c.canonical_bytes().unwrap_or_default(),
                    ));
                }
                // The transcript is the draw's file: a plan's own publication does not wait for
                // it (the projection withholds a transcript it cannot publish, not the plan).
                if let Some(t) = pr
                    .transcript
                    .as_ref()
                    .filter(|_| p.kind == PublicationKind::Draw)
                {
                    out.push((
                        format!("plans/{plan}/transcript.json"),
                        t.canonical_bytes().unwrap_or_default(),
                    ));
                }
            }
        }
        (_, RecordRef::Result { plan, target }) => {
            if let Some(pr) = records.plans.get(plan.as_str())
                && let Some(r) = pr.results.iter().find(|r| &r.target == target)
            {
                let v = result_view(records, pr, r, p);
                out.push((
                    format!("results/{plan}/{target}"),
                    json(serde_json::to_vec(&v)),
                ));
            }
        }
        (_, RecordRef::Penalty { number }) => {
            if let Some(pen) = records
                .penalties
                .iter()
                .find(|r| &r.decision.number == number)
            {
                out.push((
                    format!("penalties/{number}"),
                    json(serde_json::to_vec(&penalty_view(pen, p, calendar))),
                ));
                if let Some(w) = withdrawal_view(records, pen, p) {
                    out.push((
                        format!("withdrawals/{number}"),
                        json(serde_json::to_vec(&w)),
                    ));
                }
            }
        }
        (_, RecordRef::Snapshot { number, .. }) => {
            if let Some(v) = records.item_lists.iter().find(|v| v.info.number == *number) {
                let items: Vec<ItemView> = v.items.iter().map(ItemView::of).collect();
                out.push((format!("items/{number}"), json(serde_json::to_vec(&items))));
            }
        }
        _ => {}
    }
    out
}
