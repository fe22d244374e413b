//! A joint plan (部门联合抽查) after its draw, through the use cases: a partner department on a
//! target's team approves or returns the result its inspector recorded and sees it among its
//! approvals, a participating department not on that team does neither; any participating
//! department may name the plan as its case, a drawn target only when it was on its team; the
//! partner's supervisors see the plan in the audit log.

use spotcheck_app::drafts::return_result;
use spotcheck_app::plans::{approve_partner, commit_plan, create_plan, draw_plan};
use spotcheck_app::ports::PortFuture;
use spotcheck_app::queries::{audit_log, pending_approvals};
use spotcheck_app::records::{ResultInput, approve_result, record_penalty, record_result};
use spotcheck_app::registry::{ImportOptions, import_registry};
use spotcheck_app::{AppError, Role, SecretSource, Staff};
use spotcheck_domain::draw::{Secret, Selection};
use spotcheck_domain::ids::PlanId;
use spotcheck_domain::lifecycle::{PenaltyDecision, PlanSpec, SchedulePolicy, WriteMeta};
use spotcheck_domain::registry::{CheckMethod, RegistryKind};
use spotcheck_domain::store::{DrawReader, FrameReader, PlanReader};
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;

type R<T = ()> = Result<T, Box<dyn std::error::Error>>;

const LEAD: &str = "莆田市文化和旅游局";
const MARKET: &str = "莆田市市场监督管理局";
const POLICE: &str = "莆田市公安局";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
const NOW: i64 = 1_772_413_200; // 2026-03-02T01:00:00Z
const PLANNED: i64 = NOW + 3 * 86_400;
const ID: &str = "PT-J-L";

/// One fixed secret: enough for a test's commit and draw.
struct FixedSecret;

impl SecretSource for FixedSecret {
    fn seal<'a>(&'a self, _: &'a PlanId, _: Timestamp) -> PortFuture<'a, Secret> {
        Box::pin(async { Ok(Secret::from_bytes([5; 32])) })
    }
}

fn meta(key: &str, actor: &str, at: i64) -> R<WriteMeta> {
    Ok(WriteMeta::new(
        key.parse()?,
        actor.parse()?,
        Timestamp::from_unix(at),
    ))
}

fn staff(actor: &str, department: &str, roles: &[Role]) -> R<Staff> {
    Ok(Staff {
        actor: actor.parse()?,
        department: department.parse()?,
        roles: roles.to_vec(),
    })
}

/// The fixture roster with four inspectors each of the market regulator and the police.
fn roster() -> R<Vec<u8>> {
    let mut csv =
        std::fs::read_to_string(format!("{FIXTURES}/registries/inspectors.synthetic.csv"))?;
    if !csv.ends_with('\n') {
        csv.push('\n');
    }
    for (prefix, dept, card) in [("SJ", MARKET, "FJ35030090"), ("GA", POLICE, "FJ35030091")] {
        for i in 1..=4 {
            csv.push_str(&format!(
                "PT-{prefix}-00{i},联合检查员{prefix}{i},{card}{i:03},{dept},350300,旅行社,\n"
            ));
        }
    }
    Ok(csv.into_bytes())
}

/// A store holding the drawn joint plan [`ID`] of the lead with the market regulator and the
/// police (each team the lead plus one partner), and a target whose team holds a market
/// inspector and no police one.
async fn drawn() -> R<(tempfile::TempDir, SqliteStore, Selection)> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    for (kind, bytes) in [
        (
            RegistryKind::Items,
            std::fs::read(format!("{FIXTURES}/items/tourism-items.csv"))?,
        ),
        (
            RegistryKind::Agencies,
            std::fs::read(format!("{FIXTURES}/registries/agencies.synthetic.csv"))?,
        ),
        (
            RegistryKind::Guides,
            std::fs::read(format!("{FIXTURES}/registries/guides.synthetic.csv"))?,
        ),
        (RegistryKind::Inspectors, roster()?),
    ] {
        let m = meta(&format!("import-{}", kind.code()), "registrar", NOW)?;
        import_registry(&store, &m, kind, "f.csv", bytes, ImportOptions::default()).await?;
    }
    let spec: PlanSpec = serde_json::from_value(serde_json::json!({
        "id": ID, "item": "PT-LY-001", "title": "旅行社部门联合抽查", "department": LEAD,
        "target_kind": "agency", "filter": {"mode": "untargeted"}, "stratum_scheme": "region",
        "parameters": {"default": {"count": 2}, "inspectors_per_target": 2,
            "joint": {"lead": LEAD, "partners": [MARKET, POLICE], "require": {"lead_plus": 1}}},
        "entropy_source": {"witnesses": ["观察员 李某"]},
        "planned_draw_at": Timestamp::from_unix(PLANNED).to_string()
    }))?;
    let id: PlanId = ID.parse()?;
    let policy = SchedulePolicy::default();
    let lead = staff("lead-chief", LEAD, &[Role::Inspector, Role::Supervisor])?;
    let now = Timestamp::from_unix(NOW);
    create_plan(
        &store,
        &lead,
        &meta("create", "lead-chief", NOW)?,
        spec,
        now,
        &policy,
    )
    .await?;
    for (who, dept) in [("market-chief", MARKET), ("police-chief", POLICE)] {
        let version = store.get_plan(&id).await?.version;
        let partner = staff(who, dept, &[Role::Supervisor])?;
        approve_partner(
            &store,
            &partner,
            &meta(&format!("ok-{who}"), who, NOW)?,
            &id,
            version,
            now,
        )
        .await?;
    }
    let secrets = FixedSecret;
    commit_plan(
        &store,
        &secrets,
        &lead,
        &meta("commit", "lead-chief", NOW)?,
        &id,
        now,
        &policy,
        &|_| {},
    )
    .await?;
    let witnesses = serde_json::from_value(
        serde_json::json!([{"name": "观察员 李某", "value": "3 1 4 1 5 9"}]),
    )?;
    draw_plan(
        &store,
        &secrets,
        None,
        &lead,
        &meta("draw", "lead-chief", PLANNED)?,
        &id,
        witnesses,
        Timestamp::from_unix(PLANNED),
    )
    .await?;
    let plan = store.get_plan(&id).await?;
    let pool = store.get_pool(&plan.pool.ok_or("pool")?.root).await?;
    let department_of = |i: &str| {
        pool.entries()
            .iter()
            .find(|e| e.id.as_str() == i)
            .map(|e| e.department.to_string())
            .unwrap_or_default()
    };
    let selection = store
        .get_transcript(&id)
        .await?
        .selections
        .into_iter()
        .find(|s| {
            let d: Vec<String> = s
                .inspectors
                .iter()
                .map(|i| department_of(i.as_str()))
                .collect();
            d.iter().any(|x| x == MARKET) && d.iter().all(|x| x != POLICE)
        })
        .ok_or("a team with a market inspector and no police one")?;
    Ok((dir, store, selection))
}

fn refused(r: Result<impl std::fmt::Debug, AppError>, code: &str) -> R {
    let e = r
        .err()
        .ok_or_else(|| format!("must be refused with {code}"))?;
    assert_eq!(e.code(), code, "{e:?}");
    Ok(())
}

fn on() -> R<chrono::NaiveDate> {
    Ok(Timestamp::from_unix(PLANNED)
        .to_datetime()
        .ok_or("date")?
        .date_naive())
}

#[tokio::test]
async fn the_partner_on_the_team_approves_its_result_another_partner_cannot() -> R {
    let (_d, store, sel) = drawn().await?;
    let id: PlanId = ID.parse()?;
    let inspector = staff("PT-SJ-001", MARKET, &[Role::Inspector])?;
    let market_chief = staff("market-chief", MARKET, &[Role::Supervisor])?;
    let police_chief = staff("police-chief", POLICE, &[Role::Supervisor])?;
    let at = PLANNED + 3600;
    record_result(
        &store,
        &inspector,
        &meta("result", "PT-SJ-001", at)?,
        &id,
        ResultInput {
            target: sel.target.clone(),
            code: "no_problem_found".parse()?,
            method: CheckMethod::OnSite,
            findings: "经营行为规范".into(),
            follow_up: None,
            completed_on: on()?,
        },
        Timestamp::from_unix(at),
    )
    .await?;

    let listed = |a: &[spotcheck_app::queries::PendingApproval]| {
        a.iter().any(|p| p.target.as_ref() == Some(&sel.target))
    };
    assert!(listed(&pending_approvals(&store, &market_chief).await?));
    assert!(!listed(&pending_approvals(&store, &police_chief).await?));

    let m = meta("police-approve", "police-chief", at)?;
    refused(
        approve_result(&store, &police_chief, &m, &id, &sel.target).await,
        "not-assigned-department",
    )?;
    let m = meta("police-return", "police-chief", at)?;
    refused(
        return_result(&store, &police_chief, &m, &id, &sel.target, "请补充").await,
        "not-assigned-department",
    )?;
    let m = meta("market-approve", "market-chief", at)?;
    approve_result(&store, &market_chief, &m, &id, &sel.target).await?;
    assert!(!listed(&pending_approvals(&store, &market_chief).await?));

    let log = audit_log(&store, &market_chief, None, 200, None).await?;
    for action in ["plan_created", "committed", "drawn"] {
        assert!(
            log.iter()
                .any(|e| e.action == action && e.subject == format!("plan:{ID}")),
            "{action}: {log:?}"
        );
    }
    Ok(())
}

fn decision(number: &str, authority: &str, target: Option<&str>) -> R<PenaltyDecision> {
    Ok(serde_json::from_value(serde_json::json!({
        "number": number,
        "party": {"kind": "organisation", "name": "莆田市某旅行社有限公司", "credit_code": null},
        "cause": "未按规定公示经营信息", "legal_basis": "《旅行社条例》第二十九条",
        "conditions": "当事人未在经营场所公示旅行社业务经营许可证。", "procedure": "普通程序",
        "result": "警告", "authority": authority, "decided_on": on()?.to_string(),
        "minor": false, "involves_minor": false, "target": target, "plan": ID
    }))?)
}

#[tokio::test]
async fn a_participating_department_names_the_joint_plan_a_target_only_from_its_team() -> R {
    let (_d, store, sel) = drawn().await?;
    let at = PLANNED + 3600;
    let now = Timestamp::from_unix(at);
    let market = staff("PT-SJ-001", MARKET, &[Role::Inspector])?;
    let police = staff("PT-GA-001", POLICE, &[Role::Inspector])?;
    let stranger = staff("xm", "厦门市文化和旅游局", &[Role::Inspector])?;
    let target = Some(sel.target.as_str());
    let m = meta("p1", "PT-SJ-001", at)?;
    record_penalty(
        &store,
        &market,
        &m,
        decision("莆市监罚〔2026〕1号", MARKET, target)?,
        now,
    )
    .await?;
    let m = meta("p2", "PT-GA-001", at)?;
    refused(
        record_penalty(
            &store,
            &police,
            &m,
            decision("莆公罚〔2026〕1号", POLICE, target)?,
            now,
        )
        .await,
        "not-assigned-department",
    )?;
    let m = meta("p3", "PT-GA-001", at)?;
    record_penalty(
        &store,
        &police,
        &m,
        decision("莆公罚〔2026〕2号", POLICE, None)?,
        now,
    )
    .await?;
    let m = meta("p4", "xm", at)?;
    refused(
        record_penalty(
            &store,
            &stranger,
            &m,
            decision("厦文旅罚〔2026〕1号", "厦门市文化和旅游局", None)?,
            now,
        )
        .await,
        "other-department",
    )?;
    Ok(())
}

/// A joint plan's result is owed to the public by each department on its team (partners
/// included), its plan by the lead alone.
#[tokio::test]
async fn a_partner_on_the_team_owes_the_publication_of_its_result() -> R {
    use spotcheck_app::queries::duties;
    use spotcheck_domain::calendar::Calendar;
    use spotcheck_domain::lifecycle::{Publication, PublicationKind, RecordRef};
    use spotcheck_domain::store::PublicationWriter;

    let (_d, store, sel) = drawn().await?;
    let id: PlanId = ID.parse()?;
    let at = PLANNED + 3600;
    let calendar = Calendar::embedded()?;
    for (n, (kind, record)) in [
        (PublicationKind::Plan, RecordRef::Plan { plan: id.clone() }),
        (
            PublicationKind::CheckResult,
            RecordRef::Result {
                plan: id.clone(),
                target: sel.target.clone(),
            },
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let p = Publication::schedule(kind, record, on()?, &calendar, Timestamp::from_unix(at))?;
        store
            .schedule_publication(&meta(&format!("schedule-{n}"), "publisher", at)?, p)
            .await?;
    }
    let owes = |d: &[spotcheck_app::queries::Duty], kind: PublicationKind| {
        d.iter().any(|x| x.kind == kind)
    };
    let now = Timestamp::from_unix(at);
    let market = duties(
        &store,
        &staff("PT-SJ-001", MARKET, &[Role::Inspector])?,
        now,
        false,
    )
    .await?;
    assert!(owes(&market, PublicationKind::CheckResult), "{market:?}");
    assert!(!owes(&market, PublicationKind::Plan), "{market:?}");
    let police = duties(
        &store,
        &staff("PT-GA-001", POLICE, &[Role::Inspector])?,
        now,
        false,
    )
    .await?;
    assert!(police.is_empty(), "{police:?}");
    let lead = duties(
        &store,
        &staff("lead-clerk", LEAD, &[Role::Inspector])?,
        now,
        false,
    )
    .await?;
    assert!(owes(&lead, PublicationKind::CheckResult), "{lead:?}");
    assert!(owes(&lead, PublicationKind::Plan), "{lead:?}");
    Ok(())
}

/// A partner's supervisor who is not also an inspector lists the joint plans it must approve, and
/// a publisher the duties it owes; a registrar alone reads neither.
#[tokio::test]
async fn supervisors_and_publishers_read_the_plans_and_duties_registrars_do_not() -> R {
    use spotcheck_app::queries::{duties, plans};
    let (_d, store, _) = drawn().await?;
    let now = Timestamp::from_unix(PLANNED + 3600);
    let chief = staff("market-chief", MARKET, &[Role::Supervisor])?;
    let listed = plans(&store, &chief, None).await?;
    assert!(
        listed.iter().any(|p| p.spec.id.as_str() == ID),
        "{listed:?}"
    );
    let publisher = staff("lead-publisher", LEAD, &[Role::Publisher])?;
    duties(&store, &publisher, now, false).await?;
    let registrar = staff("lead-registrar", LEAD, &[Role::Registrar])?;
    refused(plans(&store, &registrar, None).await, "missing-role")?;
    refused(duties(&store, &registrar, now, false).await, "missing-role")?;
    Ok(())
}
