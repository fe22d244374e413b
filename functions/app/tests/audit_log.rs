//! Supervisors browse the audit log of their own department's records (and the shared registry
//! snapshots), newest first, a page at a time, filtered by text; nobody else's records show.

use std::path::PathBuf;

use spotcheck_app::error::ErrorKind;
use spotcheck_app::plans::create_plan;
use spotcheck_app::queries::audit_log;
use spotcheck_app::registry::{ImportOptions, import_registry};
use spotcheck_app::{Role, Staff};
use spotcheck_domain::lifecycle::{PlanSpec, SchedulePolicy, WriteMeta};
use spotcheck_domain::registry::RegistryKind;
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;

type R<T = ()> = Result<T, Box<dyn std::error::Error>>;

const PUTIAN: &str = "莆田市文化和旅游局";
const XIAMEN: &str = "厦门市文化和旅游局";
const NOW: i64 = 1_795_000_000;

fn meta(key: &str, actor: &str) -> R<WriteMeta> {
    Ok(WriteMeta::new(
        key.parse()?,
        actor.parse()?,
        Timestamp::from_unix(NOW),
    ))
}

fn staff(actor: &str, department: &str, roles: &[Role]) -> R<Staff> {
    Ok(Staff {
        actor: actor.parse()?,
        department: department.parse()?,
        roles: roles.to_vec(),
    })
}

fn spec(id: &str, department: &str) -> R<PlanSpec> {
    Ok(serde_json::from_value(serde_json::json!({
        "id": id, "item": "PT-LY-001", "title": "旅行社抽查", "department": department,
        "target_kind": "agency", "stratum_scheme": "region", "filter": {"mode": "untargeted"},
        "parameters": {"default": {"count": 1}, "inspectors_per_target": 2},
        "entropy_source": {"witnesses": ["观察员 李某"]},
        "planned_draw_at": Timestamp::from_unix(NOW + 2 * 86400).to_string()
    }))?)
}

async fn store() -> R<(tempfile::TempDir, SqliteStore)> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    for (kind, file) in [
        (RegistryKind::Items, "items/tourism-items.csv"),
        (RegistryKind::Agencies, "registries/agencies.synthetic.csv"),
    ] {
        let bytes = std::fs::read(fixtures.join(file))?;
        let m = meta(&format!("import-{}", kind.code()), "registrar")?;
        import_registry(&store, &m, kind, file, bytes, ImportOptions::default()).await?;
    }
    let policy = SchedulePolicy::default();
    for (id, dept, who) in [
        ("PT-A", PUTIAN, "pt-inspector"),
        ("XM-B", XIAMEN, "xm-inspector"),
    ] {
        let s = staff(who, dept, &[Role::Inspector])?;
        create_plan(
            &store,
            &s,
            &meta(&format!("create-{id}"), who)?,
            spec(id, dept)?,
            Timestamp::from_unix(NOW),
            &policy,
        )
        .await?;
    }
    Ok((dir, store))
}

#[tokio::test]
async fn a_supervisor_sees_the_departments_records_and_the_shared_snapshots_newest_first() -> R {
    let (_d, store) = store().await?;
    let chief = staff("pt-chief", PUTIAN, &[Role::Supervisor])?;
    let log = audit_log(&store, &chief, None, 50, None).await?;
    let subjects: Vec<&str> = log.iter().map(|e| e.subject.as_str()).collect();
    assert!(subjects.contains(&"plan:PT-A"), "{subjects:?}");
    assert!(
        subjects.iter().any(|s| s.starts_with("snapshot:agencies")),
        "{subjects:?}"
    );
    assert!(
        !subjects.iter().any(|s| s.contains("XM-B")),
        "another department's plan: {subjects:?}"
    );
    assert!(log.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    assert_eq!(log[0].action, "plan_created");
    assert_eq!(log[0].actor, "pt-inspector");

    // A page back, a limit, a text filter.
    let older = audit_log(&store, &chief, Some(log[0].seq), 1, None).await?;
    assert_eq!(older.len(), 1);
    assert!(older[0].seq < log[0].seq);
    let found = audit_log(&store, &chief, None, 50, Some("PT-A")).await?;
    assert!(!found.is_empty() && found.iter().all(|e| e.subject.contains("PT-A")));
    Ok(())
}

#[tokio::test]
async fn only_supervisors_browse_the_log() -> R {
    let (_d, store) = store().await?;
    for roles in [
        vec![Role::Inspector],
        vec![Role::Publisher],
        vec![Role::Registrar],
    ] {
        let who = staff("someone", PUTIAN, &roles)?;
        let e = audit_log(&store, &who, None, 50, None)
            .await
            .err()
            .ok_or("must be refused")?;
        assert_eq!(e.kind(), ErrorKind::Forbidden, "{roles:?}: {e:?}");
    }
    Ok(())
}
