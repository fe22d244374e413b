//! A plan's rules in words, as an official notice states them: how many targets each stratum
//! gives (`每个区县抽取 5%，向上取整`), which targets the frame holds (定向 criteria), the
//! 实施期限, and how inspectors are assigned. Pure: from the plan's spec, its commitment and the
//! frame's provenance; nothing here is read from the records by id.

use serde::Serialize;
use spotcheck_domain::draw::{Commitment, DrawParameters, Requirement, Rounding, StratumRule};
use spotcheck_domain::ids::RegionCode;
use spotcheck_domain::lifecycle::ImplementationPeriod;
use spotcheck_domain::registry::{
    CreditClass, FrameFilter, FrameProvenance, Status, StratumScheme, TargetKind, region_name,
};

/// The rules of one plan, in words.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RulesView {
    /// 抽取规则: one sentence per rule, e.g. `按区县分层，每个区县抽取 10%，向上取整。`.
    pub sampling: Vec<String>,
    /// 抽查范围: the frame's criteria, e.g. `不定向抽查：…经营状态为正常的全部旅行社。`.
    pub criteria: String,
    /// The item's repeat limit as applied, if any.
    pub exclusions: Option<String>,
    /// 人员选派: how inspectors are assigned.
    pub assignment: String,
    /// 实施期限, e.g. `2026年12月1日至2026年12月31日`; `None` when the plan does not state one.
    pub period: Option<String>,
    /// Per stratum, from the commitment: its name, population, sample and rule.
    pub strata: Vec<StratumRow>,
}

/// One stratum of the commitment, in words.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StratumRow {
    /// The key as committed (`350302`, `A`, `350302-A`, `all`).
    pub key: String,
    /// Its name (`城厢区`, `A类（低风险）`, `城厢区 A类（低风险）`, `全部`).
    pub label: String,
    /// Candidates in the frame.
    pub population: u64,
    /// Targets drawn.
    pub sample: u64,
    /// The rule that applied, in words (`抽取 10%，向上取整`).
    pub rule: String,
}

/// The counting word for a kind of target: businesses `家`, guides `名`.
pub fn unit(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Guide => "名",
        TargetKind::Agency | TargetKind::OnlineOperator => "家",
    }
}

/// A credit class in words: `A类（低风险）`.
pub fn class_label(c: CreditClass) -> &'static str {
    match c {
        CreditClass::A => "A类（低风险）",
        CreditClass::B => "B类（一般风险）",
        CreditClass::C => "C类（较高风险）",
        CreditClass::D => "D类（高风险）",
    }
}

/// A registration status in words: `正常`, `停业` ….
pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::Active => "正常",
        Status::Suspended => "停业",
        Status::Liquidating => "清算",
        Status::Cancelled => "注销",
        Status::Revoked => "吊销",
        Status::Withdrawn => "撤销",
        Status::MovedOut => "迁出",
    }
}

/// A share written as a percentage: 50,000 ppm → `5%`, 125,000 → `12.5%`.
fn percent(ppm: u32) -> String {
    let whole = ppm / 10_000;
    let frac = ppm % 10_000;
    if frac == 0 {
        format!("{whole}%")
    } else {
        let f = format!("{frac:04}");
        format!("{whole}.{}%", f.trim_end_matches('0'))
    }
}

/// A stratum rule in words: `抽取 5%，向上取整`, `抽取 2 家`.
pub fn rule_words(rule: &StratumRule, kind: TargetKind) -> String {
    match rule {
        StratumRule::Count(0) => "不抽取".into(),
        StratumRule::Count(n) => format!("抽取 {n} {}", unit(kind)),
        StratumRule::Ratio { ratio, .. } if ratio.ppm() == 0 => "不抽取".into(),
        StratumRule::Ratio { ratio, rounding } => format!(
            "抽取 {}，{}",
            percent(ratio.ppm()),
            match rounding {
                Rounding::Up => "向上取整",
                Rounding::Down => "向下取整",
                Rounding::Nearest => "四舍五入取整",
            }
        ),
    }
}

/// A stratum key in words, under its scheme.
pub fn stratum_label(scheme: StratumScheme, key: &str) -> String {
    let region = |code: &str| {
        code.parse::<RegionCode>()
            .ok()
            .and_then(|c| region_name(&c))
            .map_or_else(|| format!("行政区划 {code}"), str::to_owned)
    };
    let class = |code: &str| {
        code.parse::<CreditClass>()
            .map_or_else(|_| format!("{code}类"), |c| class_label(c).to_owned())
    };
    match scheme {
        StratumScheme::None => "全部".into(),
        StratumScheme::Region => region(key),
        StratumScheme::Class => class(key),
        StratumScheme::RegionClass => match key.split_once('-') {
            Some((r, c)) => format!("{} {}", region(r), class(c)),
            None => key.to_owned(),
        },
    }
}

/// The sampling rule in sentences: the scheme, each named stratum's rule, and the rule for the
/// others.
pub fn sampling_words(
    scheme: StratumScheme,
    params: &DrawParameters,
    kind: TargetKind,
) -> Vec<String> {
    let (intro, each, other) = match scheme {
        StratumScheme::None => ("不分层", "在全部检查对象中", "其他"),
        StratumScheme::Region => ("按区县分层", "每个区县", "其他区县"),
        StratumScheme::Class => ("按信用风险分类分层", "每个信用风险类别", "其他类别"),
        StratumScheme::RegionClass => (
            "按区县和信用风险分类分层",
            "每个区县的每个信用风险类别",
            "其他层",
        ),
    };
    let mut out = Vec::new();
    if params.strata.is_empty() {
        match &params.default {
            Some(r) => out.push(format!("{intro}，{each}{}。", rule_words(r, kind))),
            None => out.push(format!("{intro}，不抽取。")),
        }
        return out;
    }
    let named: Vec<String> = params
        .strata
        .iter()
        .map(|(k, r)| {
            format!(
                "{}{}",
                stratum_label(scheme, k.as_str()),
                rule_words(r, kind)
            )
        })
        .collect();
    out.push(format!("{intro}：{}。", named.join("；")));
    out.push(match &params.default {
        Some(r) => format!("{other}{}。", rule_words(r, kind)),
        None => format!("{other}不抽取。"),
    });
    out
}

/// The frame's criteria in words.
pub fn criteria_words(filter: &FrameFilter, kind: TargetKind) -> String {
    let what = crate::view::target_kind_label(kind);
    match filter {
        FrameFilter::Untargeted => {
            format!("不定向抽查：检查对象名录库中经营状态为正常的全部{what}。")
        }
        FrameFilter::Targeted {
            regions,
            credit_classes,
            outbound,
            statuses,
        } => {
            let mut parts = Vec::new();
            if !regions.is_empty() {
                let names: Vec<String> = regions
                    .iter()
                    .map(|r| {
                        region_name(r)
                            .map_or_else(|| format!("行政区划 {r}"), |n| format!("{n}（{r}）"))
                    })
                    .collect();
                parts.push(format!("所在地为{}", names.join("、")));
            }
            if !credit_classes.is_empty() {
                let names: Vec<&str> = credit_classes.iter().map(|c| class_label(*c)).collect();
                parts.push(format!("信用风险分类为{}", names.join("、")));
            }
            match outbound {
                Some(true) => parts.push("经营出境旅游业务".into()),
                Some(false) => parts.push("不经营出境旅游业务".into()),
                None => {}
            }
            if statuses.is_empty() {
                parts.push("经营状态为正常".into());
            } else {
                let names: Vec<&str> = statuses.iter().map(|s| status_label(*s)).collect();
                parts.push(format!("经营状态为{}", names.join("、")));
            }
            format!(
                "定向抽查：检查对象名录库中同时符合下列条件的{what}——{}。",
                parts.join("；")
            )
        }
    }
}

/// The item's repeat limit, as the frame applied it.
pub fn exclusion_words(p: &FrameProvenance, kind: TargetKind) -> Option<String> {
    let limit = p.repeat_limit.as_ref()?;
    let classes: Vec<&str> = limit.classes.iter().map(|c| class_label(*c)).collect();
    Some(format!(
        "按该抽查事项的规定，{}检查对象自上次检查起 {} 个月内不再抽取（本次据此排除 {} {}）。",
        classes.join("、"),
        limit.months,
        p.exclusions.len(),
        unit(kind)
    ))
}

/// How inspectors are assigned, in words.
pub fn assignment_words(params: &DrawParameters, kind: TargetKind) -> String {
    let mut s = format!(
        "每个检查对象随机选派 {} 名执法检查人员",
        params.inspectors_per_target
    );
    if let Some(max) = params.max_assignments_per_inspector {
        s.push_str(&format!("，每名检查人员最多承担 {max} {}", unit(kind)));
    }
    s.push_str("；与检查对象有利害关系的人员依法回避，不予选派");
    if let Some(j) = &params.joint {
        let partners: Vec<String> = j.partners.iter().map(ToString::to_string).collect();
        s.push_str(&format!(
            "。本计划为部门联合抽查：牵头部门为{}，配合部门为{}；",
            j.lead,
            partners.join("、")
        ));
        s.push_str(&match j.require {
            Requirement::All => {
                "每个检查对象的检查组至少包含每个参与部门的一名执法检查人员".to_owned()
            }
            Requirement::LeadPlus(n) => format!(
                "每个检查对象的检查组至少包含牵头部门的一名执法检查人员，以及为该检查对象随机选定的 {n} 个配合部门各一名执法检查人员"
            ),
        });
    }
    s.push('。');
    s
}

/// A period in words: `2026年12月1日至2026年12月31日`.
pub fn period_words(p: &ImplementationPeriod) -> String {
    let d = |x: chrono::NaiveDate| x.format("%Y年%-m月%-d日").to_string();
    format!("{}至{}", d(p.from), d(p.to))
}

/// The whole rules view of a plan.
pub fn rules_view(
    spec: &spotcheck_domain::lifecycle::PlanSpec,
    provenance: Option<&FrameProvenance>,
    commitment: Option<&Commitment>,
) -> RulesView {
    let kind = spec.target_kind;
    // After the commit, the committed parameters are the ones that count.
    let params = commitment.map_or(&spec.parameters, |c| &c.parameters);
    let strata = commitment.map_or_else(Vec::new, |c| {
        c.strata
            .iter()
            .map(|s| StratumRow {
                key: s.key.to_string(),
                label: stratum_label(spec.stratum_scheme, s.key.as_str()),
                population: s.population,
                sample: s.sample,
                rule: params
                    .rule_for(&s.key)
                    .map_or_else(|| "不抽取".into(), |r| rule_words(r, kind)),
            })
            .collect()
    });
    RulesView {
        sampling: sampling_words(spec.stratum_scheme, params, kind),
        criteria: criteria_words(&spec.filter, kind),
        exclusions: provenance.and_then(|p| exclusion_words(p, kind)),
        assignment: assignment_words(params, kind),
        period: spec.implementation_period.as_ref().map(period_words),
        strata,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type R = Result<(), Box<dyn std::error::Error>>;

    fn params(json: serde_json::Value) -> Result<DrawParameters, serde_json::Error> {
        serde_json::from_value(json)
    }

    #[test]
    fn a_ratio_rule_reads_as_a_percentage_with_its_rounding() -> R {
        let p = params(serde_json::json!({
            "default": {"ratio": "0.05", "rounding": "up"}, "inspectors_per_target": 2
        }))?;
        assert_eq!(
            sampling_words(StratumScheme::Region, &p, TargetKind::Agency),
            vec!["按区县分层，每个区县抽取 5%，向上取整。".to_owned()]
        );
        let p = params(serde_json::json!({
            "default": {"ratio": "0.125", "rounding": "nearest"}, "inspectors_per_target": 2
        }))?;
        assert_eq!(
            sampling_words(StratumScheme::None, &p, TargetKind::Agency),
            vec!["不分层，在全部检查对象中抽取 12.5%，四舍五入取整。".to_owned()]
        );
        Ok(())
    }

    #[test]
    fn named_strata_are_listed_by_name_and_the_rest_follow_the_default() -> R {
        let p = params(serde_json::json!({
            "strata": {"A": {"ratio": "0.3", "rounding": "down"}, "D": {"count": 2}},
            "default": {"count": 1}, "inspectors_per_target": 2
        }))?;
        assert_eq!(
            sampling_words(StratumScheme::Class, &p, TargetKind::Guide),
            vec![
                "按信用风险分类分层：A类（低风险）抽取 30%，向下取整；D类（高风险）抽取 2 名。"
                    .to_owned(),
                "其他类别抽取 1 名。".to_owned()
            ]
        );
        let p = params(serde_json::json!({
            "strata": {"350302-A": {"count": 2}}, "inspectors_per_target": 2
        }))?;
        assert_eq!(
            sampling_words(StratumScheme::RegionClass, &p, TargetKind::Agency),
            vec![
                "按区县和信用风险分类分层：城厢区 A类（低风险）抽取 2 家。".to_owned(),
                "其他层不抽取。".to_owned()
            ]
        );
        Ok(())
    }

    #[test]
    fn targeted_criteria_name_regions_classes_licence_and_status() -> R {
        let f: FrameFilter = serde_json::from_value(serde_json::json!({
            "mode": "targeted", "regions": ["350302", "350322"], "credit_classes": ["C", "D"],
            "outbound": true, "statuses": []
        }))?;
        assert_eq!(
            criteria_words(&f, TargetKind::Agency),
            "定向抽查：检查对象名录库中同时符合下列条件的旅行社——所在地为城厢区（350302）、仙游县（350322）；信用风险分类为C类（较高风险）、D类（高风险）；经营出境旅游业务；经营状态为正常。"
        );
        assert_eq!(
            criteria_words(&FrameFilter::Untargeted, TargetKind::Guide),
            "不定向抽查：检查对象名录库中经营状态为正常的全部导游。"
        );
        Ok(())
    }

    #[test]
    fn assignment_names_the_team_size_the_cap_and_avoidance() -> R {
        let p = params(serde_json::json!({
            "default": {"count": 1}, "inspectors_per_target": 2, "max_assignments_per_inspector": 4
        }))?;
        assert_eq!(
            assignment_words(&p, TargetKind::Agency),
            "每个检查对象随机选派 2 名执法检查人员，每名检查人员最多承担 4 家；与检查对象有利害关系的人员依法回避，不予选派。"
        );
        Ok(())
    }

    #[test]
    fn a_joint_plan_states_its_departments_and_what_each_team_must_hold() -> R {
        let p = params(serde_json::json!({
            "default": {"count": 1}, "inspectors_per_target": 2,
            "joint": {"lead": "莆田市文化和旅游局", "partners": ["莆田市市场监督管理局"], "require": "all"}
        }))?;
        assert_eq!(
            assignment_words(&p, TargetKind::Agency),
            "每个检查对象随机选派 2 名执法检查人员；与检查对象有利害关系的人员依法回避，不予选派。本计划为部门联合抽查：牵头部门为莆田市文化和旅游局，配合部门为莆田市市场监督管理局；每个检查对象的检查组至少包含每个参与部门的一名执法检查人员。"
        );
        let p = params(serde_json::json!({
            "default": {"count": 1}, "inspectors_per_target": 3, "max_assignments_per_inspector": 5,
            "joint": {"lead": "莆田市文化和旅游局",
                      "partners": ["莆田市市场监督管理局", "莆田市公安局", "莆田市应急管理局"],
                      "require": {"lead_plus": 2}}
        }))?;
        assert_eq!(
            assignment_words(&p, TargetKind::Guide),
            "每个检查对象随机选派 3 名执法检查人员，每名检查人员最多承担 5 名；与检查对象有利害关系的人员依法回避，不予选派。本计划为部门联合抽查：牵头部门为莆田市文化和旅游局，配合部门为莆田市市场监督管理局、莆田市公安局、莆田市应急管理局；每个检查对象的检查组至少包含牵头部门的一名执法检查人员，以及为该检查对象随机选定的 2 个配合部门各一名执法检查人员。"
        );
        Ok(())
    }

    #[test]
    fn a_period_reads_as_a_chinese_date_range() -> R {
        let p = ImplementationPeriod {
            from: "2026-12-01".parse()?,
            to: "2027-01-15".parse()?,
        };
        assert_eq!(period_words(&p), "2026年12月1日至2027年1月15日");
        Ok(())
    }

    #[test]
    fn percentages_keep_every_significant_digit() {
        assert_eq!(percent(1_000_000), "100%");
        assert_eq!(percent(1), "0.0001%");
        assert_eq!(percent(333_333), "33.3333%");
    }
}
