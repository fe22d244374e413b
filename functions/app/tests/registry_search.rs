//! Staff search the newest snapshot of a registry by credit code, name or any other text field.

use std::path::PathBuf;

use spotcheck_app::queries::search_registry;
use spotcheck_app::registry::{ImportOptions, import_registry};
use spotcheck_app::{Role, Staff};
use spotcheck_domain::lifecycle::WriteMeta;
use spotcheck_domain::registry::RegistryKind;
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;

type R = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn the_newest_snapshot_is_searched_by_code_and_name() -> R {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let staff = Staff {
        actor: "PT-INS-001".parse()?,
        department: "莆田市文化和旅游局".parse()?,
        roles: vec![Role::Inspector],
    };
    let none = search_registry(&store, &staff, RegistryKind::Agencies, "").await?;
    assert_eq!((none.snapshot, none.hits.len()), (0, 0));

    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/registries/agencies.synthetic.csv");
    let meta = WriteMeta::new(
        "k".parse()?,
        "registrar".parse()?,
        Timestamp::from_unix(1_795_000_000),
    );
    import_registry(
        &store,
        &meta,
        RegistryKind::Agencies,
        "agencies.csv",
        std::fs::read(file)?,
        ImportOptions::default(),
    )
    .await?;

    let by_code =
        search_registry(&store, &staff, RegistryKind::Agencies, "91350302MA00000ETT").await?;
    assert_eq!((by_code.snapshot, by_code.records), (1, 150));
    assert_eq!(by_code.hits.len(), 1, "{:?}", by_code.hits);
    assert!(
        by_code.hits[0]
            .to_string()
            .contains("莆田宁海商务旅行社有限公司")
    );
    let by_name = search_registry(&store, &staff, RegistryKind::Agencies, "鳌山假日").await?;
    assert!(!by_name.hits.is_empty());
    assert!(
        by_name
            .hits
            .iter()
            .all(|h| h.to_string().contains("鳌山假日"))
    );
    assert!(
        by_name
            .hits
            .iter()
            .any(|h| h.to_string().contains("91350305MA00001TMQ"))
    );
    assert!(
        search_registry(&store, &staff, RegistryKind::Agencies, "不存在的旅行社")
            .await?
            .hits
            .is_empty()
    );
    assert_eq!(
        search_registry(&store, &staff, RegistryKind::Agencies, "")
            .await?
            .hits
            .len(),
        50,
        "at most 50"
    );
    Ok(())
}
