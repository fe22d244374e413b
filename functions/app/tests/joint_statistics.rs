//! A joint plan (部门联合抽查) counts, whole, in the statistics of every department it involves,
//! marked as joint; a plan of one department keeps the `spotcheck-statistics/1` document it had
//! (no new key appears).

use spotcheck_app::public::Gate;
use spotcheck_app::public::records::{PlanRecord, Records};
use spotcheck_app::statistics::statistics;
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::draw::{JointPlan, Requirement, Selection};
use spotcheck_domain::lifecycle::{
    InspectionResult, Plan, PlanState, Publication, PublicationKind, PublicationTransition,
    RecordRef,
};
use spotcheck_domain::registry::CheckMethod;
use spotcheck_store::testkit::{self, BoxError};

const BUREAU: &str = "莆田市文化和旅游局";
const MARKET: &str = "莆田市市场监督管理局";
const COUNTY: &str = "仙游县文化和旅游局";

fn sel(
    target: &str,
    index: u64,
    stratum: &str,
    inspectors: [&str; 2],
) -> Result<Selection, BoxError> {
    Ok(Selection {
        frame_index: index,
        inspectors: vec![inspectors[0].parse()?, inspectors[1].parse()?],
        stratum: stratum.parse()?,
        target: target.parse()?,
    })
}

/// JP: a drawn joint plan of the bureau with the market regulator, two targets and one result
/// published on time; P3: a cancelled plan of the county bureau alone.
fn fixture(cal: &Calendar) -> Result<Records, BoxError> {
    let frame = testkit::frame(10)?;
    let pool = testkit::pool(6)?;
    let mut records = Records::default();
    let c = testkit::commitment("JP", &frame, &pool)?;
    let mut t = testkit::transcript(c.clone(), &frame, &pool, "1 2 3")?;
    t.selections = vec![
        sel("T0000000", 0, "350302-A", ["ZF001", "ZF002"])?,
        sel("T0000001", 1, "350303-B", ["ZF003", "ZF004"])?,
    ];
    let mut spec = testkit::plan_spec("JP")?;
    spec.parameters.joint = Some(JointPlan {
        lead: BUREAU.parse()?,
        partners: vec![MARKET.parse()?],
        require: Requirement::All,
    });
    let mut plan = Plan::new(spec, testkit::AT);
    plan.state = PlanState::Drawn {
        commitment_hash: t.commitment_hash,
        transcript_digest: t.digest,
        drawn_at: t.drawn_at,
    };
    records.plans.insert(
        "JP".into(),
        PlanRecord {
            plan,
            commitment: Some(c),
            transcript: Some(t),
            results: vec![InspectionResult {
                plan: "JP".parse()?,
                target: "T0000000".parse()?,
                code: "no_problem_found".parse()?,
                method: CheckMethod::OnSite,
                inspectors: vec!["ZF001".parse()?, "ZF002".parse()?],
                findings: "已核实。".into(),
                follow_up: None,
                completed_on: "2026-11-30".parse()?,
                recorded_at: testkit::AT,
            }],
            timestamps: Vec::new(),
        },
    );
    let c3 = testkit::commitment("P3", &frame, &pool)?;
    let mut spec3 = testkit::plan_spec("P3")?;
    spec3.department = COUNTY.parse()?;
    let mut p3 = Plan::new(spec3, testkit::AT);
    p3.state = PlanState::Cancelled {
        reason: "机构调整".into(),
        cancelled_at: testkit::AT,
    };
    records.plans.insert(
        "P3".into(),
        PlanRecord {
            plan: p3,
            commitment: Some(c3),
            transcript: None,
            results: Vec::new(),
            timestamps: Vec::new(),
        },
    );
    let published = Publication::schedule(
        PublicationKind::CheckResult,
        RecordRef::Result {
            plan: "JP".parse()?,
            target: "T0000000".parse()?,
        },
        "2026-11-30".parse()?,
        cal,
        testkit::AT,
    )?
    .transition(
        PublicationTransition::Publish,
        "2026-12-01T02:00:00Z".parse()?,
    )?;
    records.publications = vec![published];
    records.reindex();
    Ok(records)
}

#[test]
fn a_joint_plan_counts_for_the_lead_and_every_partner_marked_joint() -> Result<(), BoxError> {
    let cal = Calendar::embedded()?;
    let all = statistics(
        &fixture(&cal)?,
        &cal,
        Gate::Live,
        "2026-12-10T02:00:00Z".parse()?,
    );
    let keys: Vec<&str> = all.iter().map(|s| s.department.as_str()).collect();
    assert_eq!(
        keys,
        [COUNTY, MARKET, BUREAU],
        "one document per department: {keys:?}"
    );
    for s in &all[1..] {
        let d = &s.department;
        assert_eq!(
            (s.plans.total, s.plans.drawn, s.plans.joint),
            (1, 1, 1),
            "{d}"
        );
        // Two strata of 5 candidates, one target drawn in each.
        assert_eq!((s.coverage.candidates, s.coverage.drawn), (10, 2), "{d}");
        assert!(
            s.strata
                .iter()
                .all(|r| r.joint_lead.as_deref() == Some(BUREAU)),
            "{d}: {:?}",
            s.strata
        );
        assert_eq!((s.results.total, s.results.outstanding), (1, 1), "{d}");
        assert_eq!(s.publication.on_time, 1, "{d}");
        assert_eq!(s.inspectors.draws, 1, "{d}");
        assert_eq!(s.inspectors.assignments, 4, "{d}");
        assert_eq!(
            s.inspectors.per_draw[0].joint_lead.as_deref(),
            Some(BUREAU),
            "{d}"
        );
    }
    // The county's document has no joint plan: neither key appears in its JSON.
    let county = serde_json::to_value(&all[0])?;
    assert_eq!(county["schema"], "spotcheck-statistics/1");
    assert!(county["plans"].get("joint").is_none(), "{county}");
    assert!(!county.to_string().contains("joint_lead"), "{county}");
    // A document written before the marks existed still reads.
    let mut old = county.clone();
    if let Some(p) = old["plans"].as_object_mut() {
        p.remove("joint");
    }
    let back: spotcheck_app::statistics::Statistics = serde_json::from_value(old)?;
    assert_eq!(back.plans.joint, 0);
    Ok(())
}
