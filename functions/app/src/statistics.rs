//! The yearly statistics of 双随机、一公开 per department, as provincial platforms publish them:
//! plans, candidates and drawn targets per stratum, coverage, results by code, penalties by
//! 处罚类别, on-time publication and inspector load with a uniformity check.
//!
//! One pure function, [`statistics`], computes every figure from what the public projection
//! shows ([`crate::public::project`]), so the site's 统计 pages, the public API and the staff
//! console show the same numbers. Nothing personal is counted or named: targets and inspectors
//! appear only as counts. See `docs/publication.md` (*Statistics*) for how each figure is
//! computed.
//!
//! ```
//! use spotcheck_app::public::{Gate, records::Records};
//! use spotcheck_app::statistics::statistics;
//! use spotcheck_domain::calendar::Calendar;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let all = statistics(&Records::default(), &Calendar::embedded()?, Gate::Live, "2026-11-26T01:00:00Z".parse()?);
//! assert!(all.is_empty()); // no plan, no decision: nothing to count
//! # Ok(())
//! # }
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::lifecycle::{
    PenaltyCategory, PlanState, Publication, PublicationKind, PublicationState, RecordRef,
    ResultCode,
};
use spotcheck_domain::store::{ReadStore, StoreError};
use spotcheck_domain::time::Timestamp;

use crate::public::records::{PlanRecord, Records, load_penalties, load_plans};
use crate::public::time::china_date;
use crate::public::{Gate, Public, project};

/// The schema name of one statistics document.
pub const SCHEMA: &str = "spotcheck-statistics/1";

/// The significance level of the uniformity check: `uniform` is `false` when the p-value is below it.
pub const ALPHA: f64 = 0.05;

/// The result codes that count as a problem found (问题发现率): the target broke a rule or could
/// not be checked through its own doing. 未发现问题, 未发现开展本次抽查涉及的经营活动, 停业/清算 and
/// 注销/吊销/撤销/迁出 do not.
pub const PROBLEM_CODES: [ResultCode; 5] = [
    ResultCode::NotDisclosedAsRequired,
    ResultCode::FalseDisclosure,
    ResultCode::Unreachable,
    ResultCode::CorrectedAfterOrder,
    ResultCode::Uncooperative,
];

/// The statistics of one department in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statistics {
    /// [`SCHEMA`].
    pub schema: String,
    /// The year (China time).
    pub year: i32,
    /// The department (a plan's department, a decision's authority).
    pub department: String,
    /// Plans by state.
    pub plans: PlanCounts,
    /// Candidates and drawn targets per stratum of each drawn plan.
    pub strata: Vec<StratumRow>,
    /// The totals over [`Statistics::strata`].
    pub coverage: Coverage,
    /// Results by code.
    pub results: ResultStats,
    /// Penalty decisions by 处罚类别.
    pub penalties: PenaltyStats,
    /// On-time publication, from the publication register.
    pub publication: Timeliness,
    /// Inspector load and the uniformity check.
    pub inspectors: InspectorLoad,
}

/// Plans that the public sees, by state. A plan's year is the China year of its planned draw.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanCounts {
    /// Every plan shown (committed, drawn or cancelled).
    pub total: u64,
    /// Committed, not drawn yet.
    pub committed: u64,
    /// Drawn.
    pub drawn: u64,
    /// Cancelled after the commitment.
    pub cancelled: u64,
    /// Of `total`, the joint plans (部门联合抽查): each counts in the statistics of every
    /// department it involves, so summing departments counts it more than once. Absent when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub joint: u64,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One stratum of one drawn plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StratumRow {
    /// The plan.
    pub plan: String,
    /// The stratum key (region, credit class or both).
    pub stratum: String,
    /// Its frame entries (the commitment's population).
    pub candidates: u64,
    /// Targets the draw selected in it (the transcript's selections).
    pub drawn: u64,
    /// `drawn / candidates`, rounded to 4 decimals; `None` for an empty stratum.
    pub coverage: Option<f64>,
    /// For a joint plan, its lead department (the row is in every participating department's
    /// statistics); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint_lead: Option<String>,
}

/// Candidates, drawn targets and coverage over every stratum.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    /// The sum of the strata's candidates.
    pub candidates: u64,
    /// The sum of the strata's drawn targets.
    pub drawn: u64,
    /// `drawn / candidates`, rounded to 4 decimals; `None` with no candidate.
    pub coverage: Option<f64>,
}

/// Results of the year's plans.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultStats {
    /// Results published.
    pub total: u64,
    /// Drawn targets of drawn plans without a published result yet.
    pub outstanding: u64,
    /// One row per result code, in the platforms' order (zeros included).
    pub by_code: Vec<CodeRow>,
    /// Results whose code is one of [`PROBLEM_CODES`].
    pub problems: u64,
    /// `problems / total`, rounded to 4 decimals; `None` with no result.
    pub problem_rate: Option<f64>,
}

/// Results with one code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeRow {
    /// The stable code.
    pub code: String,
    /// The published label.
    pub label: String,
    /// Whether it counts as a problem found.
    pub problem: bool,
    /// How many results have it.
    pub count: u64,
    /// `count / total`, rounded to 4 decimals; `None` with no result.
    pub share: Option<f64>,
}

/// Current penalty decisions by 处罚类别 (a decision with several categories counts once in each).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PenaltyStats {
    /// Decisions shown (decided in the year, by the department).
    pub decisions: u64,
    /// One row per category (zeros included).
    pub by_category: Vec<CategoryRow>,
    /// Decisions recorded without the credit-platform fields (no category).
    pub without_category: u64,
}

/// Decisions with one 处罚类别.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryRow {
    /// The category's code (serde form of [`PenaltyCategory`]).
    pub category: String,
    /// The standard's wording.
    pub label: String,
    /// Decisions with it.
    pub count: u64,
}

/// Publications with a statutory deadline (results, decisions, withdrawal notices) whose event
/// day falls in the year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timeliness {
    /// Published on or before the deadline (China date).
    pub on_time: u64,
    /// Published after it.
    pub late: u64,
    /// Still pending after it.
    pub overdue: u64,
    /// Pending, deadline not passed.
    pub not_yet_due: u64,
    /// Withdrawn or expired (no longer counted: the register keeps no publication time for them).
    pub taken_down: u64,
    /// `on_time / (on_time + late + overdue)`, rounded to 4 decimals; `None` when nothing is due.
    pub on_time_rate: Option<f64>,
}

/// How many targets each inspector of a draw's pool was assigned, and whether that looks uniform.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectorLoad {
    /// Drawn plans counted.
    pub draws: u64,
    /// Assignments (target × inspector) over all draws.
    pub assignments: u64,
    /// Pool members over all draws (an inspector in two pools counts twice).
    pub pool_members: u64,
    /// Load → how many (inspector, draw) pairs had it, zero included, ascending.
    pub distribution: Vec<LoadBin>,
    /// The largest load of an inspector in a draw.
    pub max: Option<u64>,
    /// The smallest load of an inspector in a draw (0 for a pool member never assigned).
    pub min: Option<u64>,
    /// Per draw.
    pub per_draw: Vec<DrawLoad>,
    /// Pearson's χ² summed over the draws (independent draws: the sum of χ² statistics is χ² with
    /// the summed degrees of freedom), 4 decimals.
    pub chi_square: Option<f64>,
    /// Its degrees of freedom.
    pub degrees_of_freedom: u64,
    /// `P(χ²(df) ≥ chi_square)`, 4 decimals.
    pub p_value: Option<f64>,
    /// `p_value ≥ ALPHA` (0.05): no evidence against uniform assignment.
    pub uniform: Option<bool>,
    /// Some draw's expected load is below 5, where the χ² approximation is rough.
    pub small_expected: bool,
}

/// Inspectors assigned `load` targets in a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoadBin {
    /// Targets assigned.
    pub load: u64,
    /// (Inspector, draw) pairs with that load.
    pub inspectors: u64,
}

/// One draw's inspector load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawLoad {
    /// The plan.
    pub plan: String,
    /// Its pool's size (the commitment's).
    pub pool: u64,
    /// Its assignments.
    pub assignments: u64,
    /// `assignments / pool`, 4 decimals.
    pub expected: Option<f64>,
    /// The largest load.
    pub max: u64,
    /// The smallest load (0 when someone in the pool was never assigned).
    pub min: u64,
    /// Pearson's χ² against the uniform expectation, 4 decimals; `None` with no assignment or a
    /// pool of one.
    pub chi_square: Option<f64>,
    /// `pool − 1`.
    pub degrees_of_freedom: u64,
    /// For a joint plan, its lead department (the pool is every participating department's
    /// inspectors, and the draw is in each one's statistics); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint_lead: Option<String>,
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[allow(clippy::cast_precision_loss)]
fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| round4(num as f64 / den as f64))
}

/// The year and departments a plan's figures belong to: its department, or every department
/// of a joint plan (the lead, then the partners).
fn plan_keys(pr: &PlanRecord) -> Vec<(i32, String)> {
    let year = china_date(pr.plan.spec.planned_draw_at).year();
    match &pr.plan.spec.parameters.joint {
        Some(j) => j.departments().map(|d| (year, d.to_string())).collect(),
        None => vec![(year, pr.plan.spec.department.to_string())],
    }
}

const CATEGORIES: [PenaltyCategory; 8] = [
    PenaltyCategory::Warning,
    PenaltyCategory::Criticism,
    PenaltyCategory::Fine,
    PenaltyCategory::Confiscation,
    PenaltyCategory::LicenceSuspensionOrRevocation,
    PenaltyCategory::OrderToSuspend,
    PenaltyCategory::Detention,
    PenaltyCategory::Other,
];

fn category_code(c: PenaltyCategory) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Counts, before rates are derived.
#[derive(Default)]
struct Acc {
    plans: PlanCounts,
    strata: Vec<StratumRow>,
    codes: BTreeMap<ResultCode, u64>,
    outstanding: u64,
    decisions: u64,
    categories: BTreeMap<PenaltyCategory, u64>,
    without_category: u64,
    timeliness: Timeliness,
    draws: Vec<(DrawLoad, Vec<u64>)>,
}

impl Acc {
    fn add_plan(&mut self, pr: &PlanRecord) {
        self.plans.total += 1;
        match &pr.plan.state {
            PlanState::Drawn { .. } if pr.transcript.is_some() => self.plans.drawn += 1,
            PlanState::Cancelled { .. } => self.plans.cancelled += 1,
            _ => self.plans.committed += 1,
        }
        let joint_lead = pr
            .plan
            .spec
            .parameters
            .joint
            .as_ref()
            .map(|j| j.lead.to_string());
        if joint_lead.is_some() {
            self.plans.joint += 1;
        }
        let id = pr.plan.spec.id.to_string();
        for res in &pr.results {
            *self.codes.entry(res.code).or_default() += 1;
        }
        let Some(t) = &pr.transcript else {
            return;
        };
        let mut drawn: BTreeMap<&str, u64> = BTreeMap::new();
        let mut loads: HashMap<&str, u64> = HashMap::new();
        for s in &t.selections {
            *drawn.entry(s.stratum.as_str()).or_default() += 1;
            for i in &s.inspectors {
                *loads.entry(i.as_str()).or_default() += 1;
            }
        }
        for sp in &t.commitment.strata {
            let d = drawn.get(sp.key.as_str()).copied().unwrap_or(0);
            self.strata.push(StratumRow {
                plan: id.clone(),
                stratum: sp.key.to_string(),
                candidates: sp.population,
                drawn: d,
                coverage: ratio(d, sp.population),
                joint_lead: joint_lead.clone(),
            });
        }
        let checked: BTreeSet<&str> = pr.results.iter().map(|r| r.target.as_str()).collect();
        self.outstanding += t
            .selections
            .iter()
            .filter(|s| !checked.contains(s.target.as_str()))
            .count() as u64;
        let pool = t.commitment.pool.size.max(loads.len() as u64);
        let mut all: Vec<u64> = loads.values().copied().collect();
        all.resize(usize::try_from(pool).unwrap_or(all.len()), 0);
        let mut load = draw_load(id, pool, &all);
        load.joint_lead = joint_lead;
        self.draws.push((load, all));
    }
}

/// One draw's load figures from every pool member's load (`loads.len() == pool`).
#[allow(clippy::cast_precision_loss)]
fn draw_load(plan: String, pool: u64, loads: &[u64]) -> DrawLoad {
    let assignments: u64 = loads.iter().sum();
    let expected = ratio(assignments, pool);
    let chi_square = (assignments > 0 && pool > 1).then(|| {
        let e = assignments as f64 / pool as f64;
        loads
            .iter()
            .map(|&o| (o as f64 - e).powi(2) / e)
            .sum::<f64>()
    });
    DrawLoad {
        plan,
        pool,
        assignments,
        expected,
        max: loads.iter().copied().max().unwrap_or(0),
        min: loads.iter().copied().min().unwrap_or(0),
        chi_square: chi_square.map(round4),
        degrees_of_freedom: pool.saturating_sub(1),
        joint_lead: None,
    }
}

#[allow(clippy::cast_precision_loss)]
fn inspector_load(draws: Vec<(DrawLoad, Vec<u64>)>) -> InspectorLoad {
    let mut out = InspectorLoad {
        draws: draws.len() as u64,
        ..InspectorLoad::default()
    };
    let mut bins: BTreeMap<u64, u64> = BTreeMap::new();
    for (d, loads) in draws {
        out.assignments += d.assignments;
        out.pool_members += d.pool;
        for l in loads {
            *bins.entry(l).or_default() += 1;
        }
        if d.chi_square.is_some() {
            out.degrees_of_freedom += d.degrees_of_freedom;
            out.small_expected |= (d.assignments as f64 / d.pool as f64) < 5.0;
        }
        out.per_draw.push(d);
    }
    out.max = bins.keys().next_back().copied();
    out.min = bins.keys().next().copied();
    out.distribution = bins
        .into_iter()
        .map(|(load, inspectors)| LoadBin { load, inspectors })
        .collect();
    let stats: Vec<f64> = out.per_draw.iter().filter_map(|d| d.chi_square).collect();
    if !stats.is_empty() {
        let chi: f64 = stats.iter().sum();
        let p = chi_square_sf(chi, out.degrees_of_freedom as f64);
        out.chi_square = Some(round4(chi));
        out.p_value = Some(round4(p));
        out.uniform = Some(p >= ALPHA);
    }
    out
}

impl Acc {
    fn finish(self, year: i32, department: String) -> Statistics {
        let total: u64 = self.codes.values().sum();
        let by_code: Vec<CodeRow> = ResultCode::ALL
            .iter()
            .map(|&c| {
                let count = self.codes.get(&c).copied().unwrap_or(0);
                CodeRow {
                    code: c.code().into(),
                    label: c.label().into(),
                    problem: PROBLEM_CODES.contains(&c),
                    count,
                    share: ratio(count, total),
                }
            })
            .collect();
        let problems = by_code.iter().filter(|r| r.problem).map(|r| r.count).sum();
        let candidates = self.strata.iter().map(|s| s.candidates).sum();
        let drawn = self.strata.iter().map(|s| s.drawn).sum();
        let mut timeliness = self.timeliness;
        timeliness.on_time_rate = ratio(
            timeliness.on_time,
            timeliness.on_time + timeliness.late + timeliness.overdue,
        );
        Statistics {
            schema: SCHEMA.into(),
            year,
            department,
            plans: self.plans,
            strata: self.strata,
            coverage: Coverage {
                candidates,
                drawn,
                coverage: ratio(drawn, candidates),
            },
            results: ResultStats {
                total,
                outstanding: self.outstanding,
                by_code,
                problems,
                problem_rate: ratio(problems, total),
            },
            penalties: PenaltyStats {
                decisions: self.decisions,
                by_category: CATEGORIES
                    .iter()
                    .map(|&c| CategoryRow {
                        category: category_code(c),
                        label: c.label().into(),
                        count: self.categories.get(&c).copied().unwrap_or(0),
                    })
                    .collect(),
                without_category: self.without_category,
            },
            publication: timeliness,
            inspectors: inspector_load(self.draws),
        }
    }
}

/// Adds one register line to the timeliness counts.
fn count_publication(t: &mut Timeliness, p: &Publication, deadline: NaiveDate, today: NaiveDate) {
    match &p.state {
        PublicationState::Published { published_at } if china_date(*published_at) <= deadline => {
            t.on_time += 1;
        }
        PublicationState::Published { .. } => t.late += 1,
        PublicationState::Pending if deadline < today => t.overdue += 1,
        PublicationState::Pending => t.not_yet_due += 1,
        PublicationState::Withdrawn { .. } | PublicationState::Expired { .. } => {
            t.taken_down += 1;
        }
    }
}

/// The statistics of every (year, department) that has a plan, a decision or a publication
/// with a deadline in what `gate`'s audience sees at `now`, ordered by year then department.
///
/// Plans, results, decisions and the register come from [`project`] (so only what the public may
/// see is counted); a register line is attributed to its plan's department and year (results) or
/// its decision's authority and decision year (decisions and withdrawal notices), read from
/// `records` for a record not public yet (a decision awaiting approval is still overdue). Item
/// lists have no department and are not counted. A joint plan (部门联合抽查) counts, whole, for
/// each department it involves: its plan, strata, results, draw and register lines are in the
/// lead's statistics and in every partner's, marked with `joint_lead` (and `plans.joint`).
pub fn statistics(
    records: &Records,
    calendar: &Calendar,
    gate: Gate,
    now: Timestamp,
) -> Vec<Statistics> {
    let public = project(records, calendar, gate, now);
    of_public(records, &public, china_date(now))
}

/// [`statistics`] over a projection already made (`public` of `records`) on `today`.
pub fn of_public(records: &Records, public: &Public, today: NaiveDate) -> Vec<Statistics> {
    let mut acc: BTreeMap<(i32, String), Acc> = BTreeMap::new();
    for pr in public.plans() {
        for key in plan_keys(pr) {
            acc.entry(key).or_default().add_plan(pr);
        }
    }
    for d in public.decisions() {
        let key = (
            d.decision.decided_on.year(),
            d.decision.authority.to_string(),
        );
        let a = acc.entry(key).or_default();
        a.decisions += 1;
        match &d.decision.disclosure {
            Some(x) if !x.categories.is_empty() => {
                let cats: BTreeSet<PenaltyCategory> = x.categories.iter().copied().collect();
                for c in cats {
                    *a.categories.entry(c).or_default() += 1;
                }
            }
            _ => a.without_category += 1,
        }
    }
    for p in &public.records.publications {
        let Some(deadline) = p.deadline else {
            continue;
        };
        let keys = match (&p.record, p.kind) {
            (RecordRef::Result { plan, .. }, PublicationKind::CheckResult) => records
                .plans
                .get(plan.as_str())
                .map(plan_keys)
                .unwrap_or_default(),
            (RecordRef::Penalty { number }, _) => records
                .penalties
                .iter()
                .find(|x| &x.decision.number == number)
                .map(|x| {
                    vec![(
                        x.decision.decided_on.year(),
                        x.decision.authority.to_string(),
                    )]
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        for key in keys {
            count_publication(
                &mut acc.entry(key).or_default().timeliness,
                p,
                deadline,
                today,
            );
        }
    }
    acc.into_iter()
        .map(|((year, department), a)| a.finish(year, department))
        .collect()
}

/// Reads what [`statistics`] needs: every plan with its commitment, transcript and results, every
/// penalty decision, every publication and the approvals (no item lists, no registries beyond
/// the natural persons' names the projection redacts with).
///
/// # Errors
/// The store's errors.
pub async fn load<S: ReadStore>(store: &S) -> Result<Records, StoreError> {
    let mut records = load_plans(store).await?;
    let penalties = load_penalties(store).await?;
    records.penalties = penalties.penalties;
    records.approvals.extend(penalties.approvals);
    records.reindex();
    Ok(records)
}

/// `P(X ≥ x)` for `X ~ χ²(k)`: the regularized upper incomplete gamma function `Q(k/2, x/2)`.
pub fn chi_square_sf(x: f64, k: f64) -> f64 {
    if x <= 0.0 || k <= 0.0 {
        return 1.0;
    }
    gamma_q(k / 2.0, x / 2.0)
}

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, n = 9; relative error below 1e-13).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        #[allow(clippy::cast_precision_loss)]
        let i = i as f64;
        a += g / (x + i);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularized upper incomplete gamma function `Q(a, x)`: its series below `a + 1`, its
/// continued fraction (modified Lentz) above.
fn gamma_q(a: f64, x: f64) -> f64 {
    let lead = a.mul_add(x.ln(), -x) - ln_gamma(a);
    if x < a + 1.0 {
        let (mut sum, mut term, mut n) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1000 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term.abs() < sum.abs() * 1e-15 {
                break;
            }
        }
        (1.0 - sum * lead.exp()).clamp(0.0, 1.0)
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            #[allow(clippy::cast_precision_loss)]
            let i = i as f64;
            let an = -i * (i - a);
            b += 2.0;
            d = an.mul_add(d, b);
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-15 {
                break;
            }
        }
        (lead.exp() * h).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_tail_matches_the_printed_tables() {
        // Critical values at 5 % and 1 % from any χ² table, and df = 2 where Q = exp(−x/2).
        for (x, k, p) in [
            (3.841_459, 1.0, 0.05),
            (6.634_897, 1.0, 0.01),
            (18.307_038, 10.0, 0.05),
            (11.070_498, 5.0, 0.05),
            (124.342_113, 100.0, 0.05),
            (0.454_936, 1.0, 0.5),
        ] {
            let got = chi_square_sf(x, k);
            assert!((got - p).abs() < 1e-6, "χ²({k}) ≥ {x}: {got}, table {p}");
        }
        let x: f64 = 3.0;
        assert!((chi_square_sf(x, 2.0) - (-x / 2.0).exp()).abs() < 1e-12);
        assert!((chi_square_sf(0.0, 3.0) - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn a_draw_with_one_idle_inspector_has_the_hand_computed_statistic() {
        // Pool of 4, loads 3, 3, 2, 0: 8 assignments, expected 2; χ² = (1+1+0+4)/2 = 3.
        let d = draw_load("P".into(), 4, &[3, 3, 2, 0]);
        assert_eq!(d.expected, Some(2.0));
        assert_eq!(d.chi_square, Some(3.0));
        assert_eq!((d.max, d.min, d.degrees_of_freedom), (3, 0, 3));
        let l = inspector_load(vec![(d, vec![3, 3, 2, 0])]);
        // χ²(3) ≥ 3: 0.3916 (table).
        assert_eq!(l.p_value, Some(0.3916));
        assert_eq!(l.uniform, Some(true));
        assert!(l.small_expected);
        assert_eq!(
            l.distribution,
            [
                LoadBin {
                    load: 0,
                    inspectors: 1
                },
                LoadBin {
                    load: 2,
                    inspectors: 1
                },
                LoadBin {
                    load: 3,
                    inspectors: 2
                }
            ]
        );
    }
}
