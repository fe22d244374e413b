//! The yearly statistics of a small fixture built here, checked against figures worked out by
//! hand from the fixture (each expected number is written literally, with its derivation).

use spotcheck_app::public::Gate;
use spotcheck_app::public::records::{PlanRecord, Records};
use spotcheck_app::statistics::{LoadBin, Statistics, statistics};
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::draw::Selection;
use spotcheck_domain::lifecycle::{
    Approval, InspectionResult, PenaltyChangeKind, PenaltyDecision, PenaltyRecord, Plan, PlanState,
    Publication, PublicationId, PublicationKind, PublicationTransition, RecordRef,
};
use spotcheck_domain::registry::CheckMethod;
use spotcheck_domain::time::Timestamp;
use spotcheck_store::testkit::{self, BoxError};

const BUREAU: &str = "莆田市文化和旅游局";
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

fn result(target: &str, code: &str, completed_on: &str) -> Result<InspectionResult, BoxError> {
    Ok(InspectionResult {
        plan: "P1".parse()?,
        target: target.parse()?,
        code: code.parse()?,
        method: CheckMethod::OnSite,
        inspectors: vec!["ZF001".parse()?, "ZF002".parse()?],
        findings: "已核实。".into(),
        follow_up: None,
        completed_on: completed_on.parse()?,
        recorded_at: testkit::AT,
    })
}

fn publication(
    kind: PublicationKind,
    record: RecordRef,
    event: &str,
    cal: &Calendar,
    transitions: &[(PublicationTransition, &str)],
) -> Result<Publication, BoxError> {
    let mut p = Publication::schedule(kind, record, event.parse()?, cal, testkit::AT)?;
    for (t, at) in transitions {
        p = p.transition(t.clone(), at.parse()?)?;
    }
    Ok(p)
}

/// P1 (drawn, 2026, the city bureau), P2 (committed, 2026, the city bureau), P3 (cancelled,
/// 2025, the county bureau); five decisions of the city bureau; publications of three results
/// and four decisions.
fn fixture(cal: &Calendar) -> Result<Records, BoxError> {
    let frame = testkit::frame(10); // strata 350302-A (T0, T2, … T8) and 350303-B: 5 entries each
    let frame = frame?;
    let pool = testkit::pool(6)?; // ZF000 … ZF005
    let mut records = Records::default();

    // P1: drawn. Four targets, two per stratum; loads ZF000 0, ZF001 3, ZF002 2, ZF003–ZF005 1.
    let c1 = testkit::commitment("P1", &frame, &pool)?;
    let mut t1 = testkit::transcript(c1.clone(), &frame, &pool, "1 2 3")?;
    t1.selections = vec![
        sel("T0000000", 0, "350302-A", ["ZF001", "ZF002"])?,
        sel("T0000002", 2, "350302-A", ["ZF001", "ZF003"])?,
        sel("T0000001", 1, "350303-B", ["ZF002", "ZF004"])?,
        sel("T0000003", 3, "350303-B", ["ZF001", "ZF005"])?,
    ];
    let mut p1 = Plan::new(testkit::plan_spec("P1")?, testkit::AT);
    p1.state = PlanState::Drawn {
        commitment_hash: t1.commitment_hash,
        transcript_digest: t1.digest,
        drawn_at: t1.drawn_at,
    };
    records.plans.insert(
        "P1".into(),
        PlanRecord {
            plan: p1,
            commitment: Some(c1),
            transcript: Some(t1),
            // T0000003 has no result yet.
            results: vec![
                result("T0000000", "no_problem_found", "2026-11-02")?,
                result("T0000002", "corrected_after_order", "2026-09-01")?,
                result("T0000001", "not_disclosed_as_required", "2026-09-02")?,
            ],
            timestamps: Vec::new(),
        },
    );

    // P2: committed, not drawn.
    let c2 = testkit::commitment("P2", &frame, &pool)?;
    let mut p2 = Plan::new(testkit::plan_spec("P2")?, testkit::AT);
    p2.state = PlanState::Committed {
        commitment_hash: c2.hash()?,
        committed_at: testkit::AT,
    };
    records.plans.insert(
        "P2".into(),
        PlanRecord {
            plan: p2,
            commitment: Some(c2),
            transcript: None,
            results: Vec::new(),
            timestamps: Vec::new(),
        },
    );

    // P3: the county bureau's, planned for 2025, cancelled after its commitment.
    let c3 = testkit::commitment("P3", &frame, &pool)?;
    let mut spec3 = testkit::plan_spec("P3")?;
    spec3.department = COUNTY.parse()?;
    spec3.planned_draw_at = "2025-06-01T02:00:00Z".parse()?;
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

    // Decisions (fixtures/exports/penalties-input.json): 30 warning+fine, 31 confiscation+licence,
    // 32 without the credit fields (decided 2026-12-08 here), 33 warning (revoked: not shown),
    // 34 warning (awaiting approval: not shown).
    let decisions: Vec<PenaltyDecision> = serde_json::from_str(&std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/exports/penalties-input.json"),
    )?)?;
    for mut d in decisions {
        let n = d.number.to_string();
        if n.contains("32号") {
            d.decided_on = "2026-12-08".parse()?;
        }
        let mut p = PenaltyRecord {
            decision: d,
            changes: Vec::new(),
            recorded_at: testkit::AT,
        };
        if n.contains("33号") {
            p = p.with_change(
                PenaltyChangeKind::Revoked,
                "经行政复议予以撤销".into(),
                None,
                "2026-11-28".parse()?,
                testkit::AT,
            )?;
        }
        if n.contains("34号") {
            let id = PublicationId::of(
                PublicationKind::PenaltyDecision,
                &RecordRef::Penalty {
                    number: p.decision.number.clone(),
                },
            );
            records.approvals.insert(
                id.to_string(),
                Approval::awaiting(id, "inspector-1".parse()?, testkit::AT),
            );
        }
        records.penalties.push(p);
    }

    // The register. Results: T0000000 completed 11-02, published 11-05 (on time); T0000002
    // completed 09-01, published 11-05 (20 working days end in October: late); T0000001
    // completed 09-02, still pending on 12-10 (overdue). Decisions: 30 decided 11-20, published
    // 11-23 (on time); 34 pending on 12-10, 7 working days after 11-20 have passed (overdue,
    // though not public: awaiting approval); 32 decided 12-08, pending (not yet due); 33
    // published then withdrawn (taken down). Plans' publications have no deadline.
    let publish = PublicationTransition::Publish;
    let result_ref = |t: &str| -> Result<RecordRef, BoxError> {
        Ok(RecordRef::Result {
            plan: "P1".parse()?,
            target: t.parse()?,
        })
    };
    let penalty_ref = |n: &str| -> Result<RecordRef, BoxError> {
        Ok(RecordRef::Penalty {
            number: format!("莆文旅罚〔2026〕{n}号").parse()?,
        })
    };
    let r = PublicationKind::CheckResult;
    let d = PublicationKind::PenaltyDecision;
    records.publications = vec![
        publication(
            PublicationKind::Plan,
            RecordRef::Plan {
                plan: "P1".parse()?,
            },
            "2026-10-01",
            cal,
            &[(publish.clone(), "2026-10-01T02:00:00Z")],
        )?,
        publication(
            r,
            result_ref("T0000000")?,
            "2026-11-02",
            cal,
            &[(publish.clone(), "2026-11-05T02:00:00Z")],
        )?,
        publication(
            r,
            result_ref("T0000002")?,
            "2026-09-01",
            cal,
            &[(publish.clone(), "2026-11-05T02:00:00Z")],
        )?,
        publication(r, result_ref("T0000001")?, "2026-09-02", cal, &[])?,
        publication(
            d,
            penalty_ref("30")?,
            "2026-11-20",
            cal,
            &[(publish.clone(), "2026-11-23T02:00:00Z")],
        )?,
        publication(d, penalty_ref("34")?, "2026-11-20", cal, &[])?,
        publication(d, penalty_ref("32")?, "2026-12-08", cal, &[])?,
        publication(
            d,
            penalty_ref("33")?,
            "2026-11-20",
            cal,
            &[
                (publish, "2026-11-23T02:00:00Z"),
                (
                    PublicationTransition::Withdraw {
                        reason: "处罚决定撤销：经行政复议予以撤销".into(),
                    },
                    "2026-11-29T02:00:00Z",
                ),
            ],
        )?,
    ];
    records.reindex();
    Ok(records)
}

fn now() -> Result<Timestamp, BoxError> {
    Ok("2026-12-10T02:00:00Z".parse()?)
}

fn both(cal: &Calendar) -> Result<(Statistics, Statistics), BoxError> {
    let all = statistics(&fixture(cal)?, cal, Gate::Live, now()?);
    let keys: Vec<(i32, &str)> = all
        .iter()
        .map(|s| (s.year, s.department.as_str()))
        .collect();
    assert_eq!(
        keys,
        [(2025, COUNTY), (2026, BUREAU)],
        "one document per year and department"
    );
    let mut it = all.into_iter();
    let county = it.next().ok_or("county")?;
    let city = it.next().ok_or("city")?;
    Ok((county, city))
}

#[test]
fn plans_strata_and_coverage_are_counted_by_hand() -> Result<(), BoxError> {
    let cal = Calendar::embedded()?;
    let (county, city) = both(&cal)?;
    // P1 drawn and P2 committed in 2026; P3 (cancelled) is the county's, in 2025.
    assert_eq!(
        (
            city.plans.total,
            city.plans.drawn,
            city.plans.committed,
            city.plans.cancelled
        ),
        (2, 1, 1, 0)
    );
    assert_eq!((county.plans.total, county.plans.cancelled), (1, 1));
    // Two strata of 5 candidates, 2 drawn in each: 2/5 = 0.4.
    let rows: Vec<(&str, &str, u64, u64, Option<f64>)> = city
        .strata
        .iter()
        .map(|s| {
            (
                s.plan.as_str(),
                s.stratum.as_str(),
                s.candidates,
                s.drawn,
                s.coverage,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("P1", "350302-A", 5, 2, Some(0.4)),
            ("P1", "350303-B", 5, 2, Some(0.4))
        ]
    );
    assert_eq!(
        (
            city.coverage.candidates,
            city.coverage.drawn,
            city.coverage.coverage
        ),
        (10, 4, Some(0.4))
    );
    assert_eq!(county.coverage.coverage, None, "nothing drawn: no coverage");
    Ok(())
}

#[test]
fn results_by_code_and_the_problem_rate_are_counted_by_hand() -> Result<(), BoxError> {
    let cal = Calendar::embedded()?;
    let (_, city) = both(&cal)?;
    // Three results, one outstanding (T0000003); two of them problems: 2/3 = 0.6667.
    assert_eq!((city.results.total, city.results.outstanding), (3, 1));
    let nonzero: Vec<(&str, u64, Option<f64>, bool)> = city
        .results
        .by_code
        .iter()
        .filter(|r| r.count > 0)
        .map(|r| (r.code.as_str(), r.count, r.share, r.problem))
        .collect();
    assert_eq!(
        nonzero,
        [
            ("no_problem_found", 1, Some(0.3333), false),
            ("not_disclosed_as_required", 1, Some(0.3333), true),
            ("corrected_after_order", 1, Some(0.3333), true),
        ]
    );
    assert_eq!(
        city.results.by_code.len(),
        9,
        "every code listed, zeros included"
    );
    assert_eq!(
        (city.results.problems, city.results.problem_rate),
        (2, Some(0.6667))
    );
    Ok(())
}

#[test]
fn penalties_by_category_count_only_decisions_the_public_sees() -> Result<(), BoxError> {
    let cal = Calendar::embedded()?;
    let (county, city) = both(&cal)?;
    // 30, 31 and 32 show; 33 (revoked) and 34 (awaiting approval) do not.
    assert_eq!(city.penalties.decisions, 3);
    let nonzero: Vec<(&str, u64)> = city
        .penalties
        .by_category
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| (c.label.as_str(), c.count))
        .collect();
    assert_eq!(
        nonzero,
        [
            ("警告", 1),
            ("罚款", 1),
            ("没收违法所得、没收非法财物", 1),
            ("暂扣或者吊销许可证、暂扣或者吊销执照", 1)
        ]
    );
    assert_eq!(
        city.penalties.without_category, 1,
        "32 has no credit fields"
    );
    assert_eq!(county.penalties.decisions, 0);
    Ok(())
}

#[test]
fn on_time_publication_is_counted_from_the_register_by_hand() -> Result<(), BoxError> {
    let cal = Calendar::embedded()?;
    let (county, city) = both(&cal)?;
    let t = &city.publication;
    // On time: result T0000000, decision 30. Late: result T0000002. Overdue: result T0000001,
    // decision 34. Not yet due: 32. Taken down: 33. Rate 2 / (2 + 1 + 2) = 0.4.
    assert_eq!(
        (t.on_time, t.late, t.overdue, t.not_yet_due, t.taken_down),
        (2, 1, 2, 1, 1)
    );
    assert_eq!(t.on_time_rate, Some(0.4));
    assert_eq!(county.publication.on_time_rate, None);
    Ok(())
}

#[test]
fn inspector_load_and_the_uniformity_check_are_computed_by_hand() -> Result<(), BoxError> {
    let cal = Calendar::embedded()?;
    let (county, city) = both(&cal)?;
    let l = &city.inspectors;
    // Pool of 6, loads 0, 3, 2, 1, 1, 1: 8 assignments, expected 8/6 = 1.3333;
    // χ² = [(4/3)² + (5/3)² + (2/3)² + 3·(1/3)²] / (4/3) = (48/9)·(3/4) = 4, df 5;
    // P(χ²(5) ≥ 4) = 0.5494 (table): no evidence against uniform assignment.
    assert_eq!((l.draws, l.assignments, l.pool_members), (1, 8, 6));
    assert_eq!((l.max, l.min), (Some(3), Some(0)));
    assert_eq!(
        l.distribution,
        [
            LoadBin {
                load: 0,
                inspectors: 1
            },
            LoadBin {
                load: 1,
                inspectors: 3
            },
            LoadBin {
                load: 2,
                inspectors: 1
            },
            LoadBin {
                load: 3,
                inspectors: 1
            },
        ]
    );
    let d = l.per_draw.first().ok_or("per draw")?;
    assert_eq!((d.pool, d.assignments, d.expected), (6, 8, Some(1.3333)));
    assert_eq!((l.chi_square, l.degrees_of_freedom), (Some(4.0), 5));
    assert_eq!(l.p_value, Some(0.5494));
    assert_eq!(l.uniform, Some(true));
    assert!(
        l.small_expected,
        "expected 1.33 < 5: the approximation is rough, and said so"
    );
    assert_eq!(
        (county.inspectors.draws, county.inspectors.p_value),
        (0, None)
    );
    Ok(())
}

#[test]
fn the_statistics_name_no_target_and_no_inspector() -> Result<(), BoxError> {
    let cal = Calendar::embedded()?;
    let all = statistics(&fixture(&cal)?, &cal, Gate::Live, now()?);
    let json = serde_json::to_string(&all)?;
    for id in ["T0000000", "ZF001", "91350302MA0000001Y", "柯", "宁海"] {
        assert!(!json.contains(id), "{id} in the statistics");
    }
    Ok(())
}
