//! Previewing a draft (the console's live preview): the candidates the latest snapshot gives, each
//! stratum's sample size, the pool and commit's own feasibility check, with nothing stored; and
//! the role and department rules of creating a plan.

use std::path::PathBuf;

use spotcheck_app::error::ErrorKind;
use spotcheck_app::plans::preview_plan;
use spotcheck_app::registry::{ImportOptions, import_registry};
use spotcheck_app::{Role, Staff};
use spotcheck_domain::lifecycle::{PlanSpec, WriteMeta};
use spotcheck_domain::registry::RegistryKind;
use spotcheck_domain::store::PlanReader;
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;

type R<T = ()> = Result<T, Box<dyn std::error::Error>>;

const DEPT: &str = "莆田市文化和旅游局";
const NOW: i64 = 1_795_000_000;

async fn store() -> R<(tempfile::TempDir, SqliteStore)> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    for (kind, file) in [
        (RegistryKind::Items, "items/tourism-items.csv"),
        (RegistryKind::Agencies, "registries/agencies.synthetic.csv"),
        (RegistryKind::Guides, "registries/guides.synthetic.csv"),
        (
            RegistryKind::Inspectors,
            "registries/inspectors.synthetic.csv",
        ),
    ] {
        let meta = WriteMeta::new(
            format!("import-{}", kind.code()).parse()?,
            "registrar:test".parse()?,
            Timestamp::from_unix(NOW - 3600),
        );
        let bytes = std::fs::read(fixtures.join(file))?;
        import_registry(&store, &meta, kind, file, bytes, ImportOptions::default()).await?;
    }
    Ok((dir, store))
}

fn staff(department: &str, roles: &[Role]) -> R<Staff> {
    Ok(Staff {
        actor: "PT-INS-001".parse()?,
        department: department.parse()?,
        roles: roles.to_vec(),
    })
}

/// The README's plan: agencies of 城厢区 (350302), `count` per stratum, two inspectors each.
fn spec(count: u64) -> R<PlanSpec> {
    Ok(serde_json::from_value(serde_json::json!({
        "id": "PT-2026-PREVIEW", "item": "PT-LY-001", "title": "城厢区旅行社抽查", "department": DEPT,
        "target_kind": "agency", "stratum_scheme": "region",
        "filter": {"mode": "targeted", "regions": ["350302"], "credit_classes": [], "outbound": null, "statuses": []},
        "parameters": {"default": {"count": count}, "inspectors_per_target": 2},
        "entropy_source": {"witnesses": ["观察员 李某"]},
        // No schedule check in a preview: a time already past is fine.
        "planned_draw_at": "2020-01-01T00:00:00Z"
    }))?)
}

#[tokio::test]
async fn a_feasible_draft_shows_its_candidates_sample_sizes_and_pool_and_stores_nothing() -> R {
    let (_d, store) = store().await?;
    let inspector = staff(DEPT, &[Role::Inspector])?;
    let p = preview_plan(&store, &inspector, &spec(2)?, Timestamp::from_unix(NOW)).await?;
    assert!(p.candidates > 2, "{p:?}");
    assert_eq!(p.strata.len(), 1, "{p:?}");
    assert_eq!(p.strata[0].key.as_str(), "350302");
    assert_eq!(
        (p.strata[0].population, p.strata[0].sample),
        (p.candidates, 2)
    );
    assert!(p.inspectors >= 4, "{p:?}");
    assert_eq!(p.infeasible, None);
    assert_eq!(p.provenance.registry, RegistryKind::Agencies);
    assert!(
        store.list_plans().await?.is_empty(),
        "a preview stores nothing"
    );
    Ok(())
}

#[tokio::test]
async fn an_infeasible_draft_is_shown_with_the_code_commit_would_answer() -> R {
    let (_d, store) = store().await?;
    let inspector = staff(DEPT, &[Role::Inspector])?;
    let p = preview_plan(&store, &inspector, &spec(500)?, Timestamp::from_unix(NOW)).await?;
    let problem = p
        .infeasible
        .ok_or("500 of one stratum must be infeasible")?;
    assert!(
        !problem.code.is_empty() && !problem.message.is_empty(),
        "{problem:?}"
    );
    assert!(p.candidates > 0);
    Ok(())
}

#[tokio::test]
async fn only_an_inspector_of_the_plans_department_may_preview() -> R {
    let (_d, store) = store().await?;
    let now = Timestamp::from_unix(NOW);
    for who in [
        staff(DEPT, &[Role::Publisher])?,
        staff("厦门市文化和旅游局", &[Role::Inspector])?,
    ] {
        let e = preview_plan(&store, &who, &spec(2)?, now)
            .await
            .err()
            .ok_or("must be refused")?;
        assert_eq!(e.kind(), ErrorKind::Forbidden, "{e:?}");
    }
    Ok(())
}
