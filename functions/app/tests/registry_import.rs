//! The registry-import use case over the SQLite store: identical content answers the existing
//! snapshot, an empty file is refused unless allowed, a bad file is refused with its rows and
//! fields, and references come from the store's latest snapshots.

use std::path::PathBuf;

use spotcheck_app::error::ErrorKind;
use spotcheck_app::registry::{ImportOptions, import_registry};
use spotcheck_domain::lifecycle::WriteMeta;
use spotcheck_domain::registry::RegistryKind;
use spotcheck_domain::store::RegistryReader;
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;

type R = Result<(), Box<dyn std::error::Error>>;

fn fixture(name: &str) -> Result<Vec<u8>, std::io::Error> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/registries")
            .join(name),
    )
}

fn meta(key: &str) -> Result<WriteMeta, Box<dyn std::error::Error>> {
    Ok(WriteMeta::new(
        key.parse()?,
        "admin:test".parse()?,
        Timestamp::from_unix(1_795_000_000),
    ))
}

fn store() -> Result<(tempfile::TempDir, SqliteStore), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    Ok((dir, store))
}

#[tokio::test]
async fn identical_content_answers_the_existing_snapshot_and_new_content_the_next_number() -> R {
    let (_d, store) = store()?;
    let agencies = fixture("agencies.synthetic.csv")?;
    let first = import_registry(
        &store,
        &meta("k1")?,
        RegistryKind::Agencies,
        "agencies.csv",
        agencies.clone(),
        ImportOptions::default(),
    )
    .await?;
    assert!(first.created);
    assert_eq!((first.info.number, first.info.records), (1, 150));

    // The same rows in another order, under another key and name: the same snapshot.
    let text = String::from_utf8(agencies.clone())?;
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let again = import_registry(
        &store,
        &meta("k2")?,
        RegistryKind::Agencies,
        "again.csv",
        (lines.join("\n") + "\n").into_bytes(),
        ImportOptions::default(),
    )
    .await?;
    assert!(!again.created);
    assert_eq!(again.info, first.info);

    // One record fewer: a new snapshot, number 2.
    let fewer = lines[..lines.len() - 1].join("\n") + "\n";
    let second = import_registry(
        &store,
        &meta("k3")?,
        RegistryKind::Agencies,
        "fewer.csv",
        fewer.into_bytes(),
        ImportOptions::default(),
    )
    .await?;
    assert!(second.created);
    assert_eq!((second.info.number, second.info.records), (2, 149));
    Ok(())
}

#[tokio::test]
async fn a_header_only_file_is_refused_unless_allowed() -> R {
    let (_d, store) = store()?;
    let header = "统一社会信用代码,经营者名称,平台名称,行政区划代码,信用等级,经营状态\n";
    let e = import_registry(
        &store,
        &meta("k1")?,
        RegistryKind::Operators,
        "empty.csv",
        header.as_bytes().to_vec(),
        ImportOptions::default(),
    )
    .await
    .err()
    .ok_or("an empty registry was imported")?;
    assert_eq!(
        (e.kind(), e.code()),
        (ErrorKind::Validation, "empty-registry")
    );
    assert_eq!(store.latest_snapshot(RegistryKind::Operators).await?, None);

    let allowed = import_registry(
        &store,
        &meta("k2")?,
        RegistryKind::Operators,
        "empty.csv",
        header.as_bytes().to_vec(),
        ImportOptions {
            allow_empty: true,
            ..ImportOptions::default()
        },
    )
    .await?;
    assert!(allowed.created);
    assert_eq!(allowed.info.records, 0);
    Ok(())
}

#[tokio::test]
async fn a_bad_file_is_refused_with_its_rows_and_fields_and_guides_are_checked_against_the_store()
-> R {
    let (_d, store) = store()?;
    let e = import_registry(
        &store,
        &meta("k1")?,
        RegistryKind::Agencies,
        "agencies.csv",
        fixture("broken/agencies-bad-check-character.synthetic.csv")?,
        ImportOptions::default(),
    )
    .await
    .err()
    .ok_or("a bad file was imported")?;
    assert_eq!(
        (e.kind(), e.code()),
        (ErrorKind::Validation, "invalid-registry")
    );
    let p = e.problems().ok_or("no problems listed")?;
    assert_eq!(p.total, p.errors.len());
    assert!(
        p.errors
            .iter()
            .any(|r| r.row >= 2 && r.column == "credit_code"),
        "{p:?}"
    );

    import_registry(
        &store,
        &meta("k2")?,
        RegistryKind::Agencies,
        "agencies.csv",
        fixture("agencies.synthetic.csv")?,
        ImportOptions::default(),
    )
    .await?;
    let e = import_registry(
        &store,
        &meta("k3")?,
        RegistryKind::Guides,
        "guides.csv",
        fixture("broken/guides-broken-reference.synthetic.csv")?,
        ImportOptions::default(),
    )
    .await
    .err()
    .ok_or("a broken reference was imported")?;
    let p = e.problems().ok_or("no problems listed")?;
    assert!(
        p.errors.iter().any(|r| r.kind.code() == "broken_reference"),
        "{p:?}"
    );
    let ok = import_registry(
        &store,
        &meta("k4")?,
        RegistryKind::Guides,
        "guides.csv",
        fixture("guides.synthetic.csv")?,
        ImportOptions::default(),
    )
    .await?;
    assert!(
        ok.checked
            .iter()
            .any(|c| c.contains("stored agency snapshot #1")),
        "{:?}",
        ok.checked
    );
    Ok(())
}
