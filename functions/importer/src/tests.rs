//! The handler against the real event shape (`fixtures/events/s3-object-created.json`), an
//! in-memory bucket and the SQLite store (the same storage contract as DynamoDB's).

use std::path::PathBuf;

use spotcheck_domain::registry::{RegistryKind, TravelAgency};
use spotcheck_domain::store::RegistryReader;
use spotcheck_store::SqliteStore;
use spotcheck_uploads::{MemoryBucket, OUTCOME_ERRORS, Outcome, OutcomeResult, UploadRequest};

use super::*;

type R = Result<(), Box<dyn std::error::Error>>;

const BUCKET: &str = "spotcheck-dev-registry-uploads";
const DEPARTMENT: &str = "莆田市文化和旅游局";
const ID: &str = "5f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5";

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn fixture_event() -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(repo("fixtures/events/s3-object-created.json"))?;
    Ok(serde_json::from_str(&text)?)
}

struct World {
    _dir: tempfile::TempDir,
    store: SqliteStore,
    bucket: MemoryBucket,
}

/// An empty store and a bucket holding the fixture event's request record and `file` at its key.
fn world(file: &str) -> Result<World, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let bucket = MemoryBucket::new(BUCKET);
    let request = UploadRequest {
        upload_id: ID.parse()?,
        kind: RegistryKind::Agencies,
        department: DEPARTMENT.into(),
        file_name: "agencies.csv".into(),
        requested_by: "admin-1".into(),
        requested_at: Timestamp::from_unix(1_795_000_000),
        expires_at: Timestamp::from_unix(1_795_000_900),
    };
    bucket.insert(
        &request.upload_id.request_key(),
        serde_json::to_vec(&request)?,
    );
    bucket.insert(&request.key().to_string(), std::fs::read(repo(file))?);
    Ok(World {
        _dir: dir,
        store,
        bucket,
    })
}

fn now() -> Timestamp {
    Timestamp::from_unix(1_795_000_100)
}

async fn outcome(w: &World) -> Result<Option<Outcome>, Box<dyn std::error::Error>> {
    let key = ID.parse::<UploadId>()?.outcome_key();
    Ok(match w.bucket.get(&key, u64::MAX).await? {
        Some(b) => Some(serde_json::from_slice(&b)?),
        None => None,
    })
}

#[tokio::test]
async fn the_fixture_event_imports_the_uploaded_file_as_the_next_snapshot_and_records_it() -> R {
    let w = world("fixtures/registries/agencies.synthetic.csv")?;
    let out = invoke(&w.store, &w.bucket, fixture_event()?, now()).await?;
    assert_eq!(out["result"], "imported");
    assert_eq!(out["number"], 1);
    let latest = w.store.latest_snapshot(RegistryKind::Agencies).await?;
    let latest = latest.ok_or("no snapshot stored")?;
    assert_eq!((latest.number, latest.records), (1, 150));
    let o = outcome(&w).await?.ok_or("no outcome written")?;
    assert_eq!(o.department, DEPARTMENT);
    assert_eq!(o.etag.as_deref(), Some("b1946ac92492d2347c6235b4d2611184"));
    assert_eq!(
        o.result,
        OutcomeResult::Succeeded {
            number: 1,
            hash: latest.hash.to_hex(),
            records: 150
        }
    );
    let snapshot = w.store.get_snapshot::<TravelAgency>(1).await?;
    assert_eq!(snapshot.hash(), latest.hash);
    Ok(())
}

#[tokio::test]
async fn a_second_delivery_of_the_same_event_stores_nothing_more() -> R {
    let w = world("fixtures/registries/agencies.synthetic.csv")?;
    let event = parse_event(fixture_event()?)?;
    let first = handle(&w.store, &w.bucket, &event, now()).await?;
    assert!(
        matches!(first, Handled::Imported { number: 1, .. }),
        "{first:?}"
    );
    let second = handle(&w.store, &w.bucket, &event, now()).await?;
    assert!(matches!(second, Handled::AlreadyDone { .. }), "{second:?}");
    let latest = w.store.latest_snapshot(RegistryKind::Agencies).await?;
    assert_eq!(latest.map(|l| l.number), Some(1));
    Ok(())
}

#[tokio::test]
async fn a_delivery_after_a_crash_before_the_outcome_finds_the_first_snapshot_instead_of_adding_one()
-> R {
    let w = world("fixtures/registries/agencies.synthetic.csv")?;
    let event = parse_event(fixture_event()?)?;
    let Handled::Imported { info: first, .. } = handle(&w.store, &w.bucket, &event, now()).await?
    else {
        return Err("first delivery did not import".into());
    };
    // Another upload lands in between, then the first one's outcome is lost (the crash).
    let other: UploadId = "00000000000000000000000000000001".parse()?;
    let mut request: UploadRequest = serde_json::from_slice(
        &w.bucket
            .get(&ID.parse::<UploadId>()?.request_key(), u64::MAX)
            .await?
            .ok_or("request record")?,
    )?;
    request.upload_id = other.clone();
    w.bucket
        .insert(&other.request_key(), serde_json::to_vec(&request)?);
    w.bucket.insert(
        &request.key().to_string(),
        std::fs::read(repo("fixtures/registries/agencies-gbk.synthetic.csv"))?,
    );
    let mut other_event = event.clone();
    other_event.key = request.key().to_string();
    let second = handle(&w.store, &w.bucket, &other_event, now()).await?;
    assert!(
        matches!(second, Handled::Imported { number: 2, .. }),
        "{second:?}"
    );
    w.bucket.remove(&ID.parse::<UploadId>()?.outcome_key());

    let again = handle(&w.store, &w.bucket, &event, now()).await?;
    let Handled::Imported { info, .. } = again else {
        return Err(format!("redelivery: {again:?}").into());
    };
    assert_eq!(info, first, "the redelivery returns the first snapshot");
    let latest = w.store.latest_snapshot(RegistryKind::Agencies).await?;
    assert_eq!(latest.map(|l| l.number), Some(2), "no third snapshot");
    assert!(
        outcome(&w).await?.is_some(),
        "the outcome is written this time"
    );
    Ok(())
}

#[tokio::test]
async fn a_bad_file_imports_nothing_and_its_outcome_lists_every_bad_row() -> R {
    let w = world("fixtures/registries/broken/agencies-bad-check-character.synthetic.csv")?;
    let out = invoke(&w.store, &w.bucket, fixture_event()?, now()).await?;
    assert_eq!(out["result"], "rejected");
    assert_eq!(w.store.latest_snapshot(RegistryKind::Agencies).await?, None);
    let o = outcome(&w).await?.ok_or("no outcome written")?;
    let OutcomeResult::Failed {
        reason,
        error_count,
        errors,
    } = o.result
    else {
        return Err("expected a failed outcome".into());
    };
    assert!(reason.contains("nothing was imported"), "{reason}");
    assert!(!errors.is_empty());
    assert_eq!(error_count, errors.len());
    let all = ID.parse::<UploadId>()?.errors_key();
    assert_eq!(
        w.bucket.get(&all, u64::MAX).await?,
        None,
        "a short list stays in the outcome"
    );
    assert_eq!(out["errors"], errors.len());
    for e in &errors {
        assert_eq!(e.file, "agencies.csv");
        assert!(e.row >= 2, "{e:?}");
    }
    assert!(
        errors
            .iter()
            .any(|e| e.column == "credit_code" && e.kind.code() == "bad_check_character"),
        "{errors:?}"
    );
    Ok(())
}

#[tokio::test]
async fn keys_outside_uploads_or_of_unknown_kinds_are_refused_by_name_and_write_nothing() -> R {
    let w = world("fixtures/registries/agencies.synthetic.csv")?;
    let before = w.bucket.keys();
    for (key, expect) in [
        (format!("outcomes/{ID}.json"), "not under uploads/"),
        (
            format!("uploads/{DEPARTMENT}/people/{ID}"),
            "unknown registry \"people\"",
        ),
        (
            format!("uploads/{DEPARTMENT}/agencies/not-an-id"),
            "32 lowercase hexadecimal",
        ),
    ] {
        let mut event = fixture_event()?;
        event["detail"]["object"]["key"] = key.clone().into();
        let e = invoke(&w.store, &w.bucket, event, now()).await.err();
        let e = e.ok_or_else(|| format!("{key} was accepted"))?;
        assert!(matches!(e, ImporterError::Key(_)), "{e:?}");
        assert!(e.to_string().contains(expect), "{key}: {e}");
        assert!(!e.is_retryable());
    }
    assert_eq!(w.bucket.keys(), before);
    assert_eq!(w.store.latest_snapshot(RegistryKind::Agencies).await?, None);
    Ok(())
}

#[tokio::test]
async fn an_upload_without_a_matching_request_record_is_refused() -> R {
    let w = world("fixtures/registries/agencies.synthetic.csv")?;
    let mut event = fixture_event()?;
    event["detail"]["object"]["key"] = format!("uploads/另一个局/agencies/{ID}").into();
    let e = invoke(&w.store, &w.bucket, event, now()).await.err();
    assert!(
        e.as_ref()
            .is_some_and(|e| matches!(e, ImporterError::Request { .. })
                && e.to_string().contains("does not match its request record")),
        "{e:?}"
    );
    w.bucket.remove(&ID.parse::<UploadId>()?.request_key());
    let e = invoke(&w.store, &w.bucket, fixture_event()?, now())
        .await
        .err();
    assert!(
        e.as_ref()
            .is_some_and(|e| e.to_string().contains("no request record")),
        "{e:?}"
    );
    assert_eq!(outcome(&w).await?, None);
    Ok(())
}

#[tokio::test]
async fn a_percent_encoded_key_is_decoded() -> R {
    let w = world("fixtures/registries/agencies.synthetic.csv")?;
    let mut event = fixture_event()?;
    let encoded: String = format!("uploads/{DEPARTMENT}/agencies/{ID}")
        .bytes()
        .map(|b| {
            if b.is_ascii() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    event["detail"]["object"]["key"] = encoded.into();
    let out = invoke(&w.store, &w.bucket, event, now()).await?;
    assert_eq!(out["result"], "imported");
    Ok(())
}

#[tokio::test]
async fn events_of_another_bucket_or_type_are_refused() -> R {
    let w = world("fixtures/registries/agencies.synthetic.csv")?;
    let mut event = fixture_event()?;
    event["detail"]["bucket"]["name"] = "someone-else".into();
    let e = invoke(&w.store, &w.bucket, event, now()).await.err();
    assert!(e.is_some_and(|e| e.to_string().contains("this importer serves")));
    let mut event = fixture_event()?;
    event["detail-type"] = "Object Deleted".into();
    let e = invoke(&w.store, &w.bucket, event, now()).await.err();
    assert!(e.is_some_and(|e| e.to_string().contains("\"Object Deleted\"")));
    let e = invoke(&w.store, &w.bucket, serde_json::json!({"hello": 1}), now())
        .await
        .err();
    assert!(e.is_some_and(|e| matches!(e, ImporterError::Event(_))));
    Ok(())
}

#[tokio::test]
async fn more_bad_rows_than_an_outcome_holds_go_whole_to_the_errors_object() -> R {
    let w = world("fixtures/registries/agencies.synthetic.csv")?;
    let mut csv = String::from(
        "统一社会信用代码,许可证号,旅行社名称,经营场所,行政区划代码,出境旅游业务,信用等级,经营状态\n",
    );
    for i in 0..(OUTCOME_ERRORS + 5) {
        csv.push_str(&format!(
            "91350302MA{i:07}X,L-FJ-3{i:04},,地址,350302,否,A,正常\n"
        ));
    }
    let request = ID.parse::<UploadId>()?;
    w.bucket.insert(
        &format!("uploads/{DEPARTMENT}/agencies/{request}"),
        csv.into_bytes(),
    );
    let out = invoke(&w.store, &w.bucket, fixture_event()?, now()).await?;
    assert_eq!(out["result"], "rejected");
    let total = out["errors"].as_u64().ok_or("no error count")? as usize;
    assert!(total > OUTCOME_ERRORS, "{out}");
    let o = outcome(&w).await?.ok_or("no outcome written")?;
    let OutcomeResult::Failed {
        error_count,
        errors,
        ..
    } = o.result
    else {
        return Err("expected a failed outcome".into());
    };
    assert_eq!((error_count, errors.len()), (total, OUTCOME_ERRORS));
    let all = w
        .bucket
        .get(&request.errors_key(), u64::MAX)
        .await?
        .ok_or("the whole list was not written")?;
    let all: Vec<spotcheck_domain::registry::RowError> = serde_json::from_slice(&all)?;
    assert_eq!(all.len(), total);
    assert_eq!(&all[..OUTCOME_ERRORS], &errors[..]);
    assert_eq!(w.store.latest_snapshot(RegistryKind::Agencies).await?, None);
    Ok(())
}

#[tokio::test]
async fn a_million_bad_rows_are_counted_and_the_first_hundred_thousand_kept() -> R {
    let w = world("fixtures/registries/agencies.synthetic.csv")?;
    let mut csv = String::with_capacity(80_000_000);
    csv.push_str(
        "统一社会信用代码,许可证号,旅行社名称,经营场所,行政区划代码,出境旅游业务,信用等级,经营状态\n",
    );
    for i in 0..1_000_000 {
        csv.push_str(&format!("X{i},L-FJ-1,莆田某旅行社,地址,350302,否,A,正常\n"));
    }
    let request = ID.parse::<UploadId>()?;
    w.bucket.insert(
        &format!("uploads/{DEPARTMENT}/agencies/{request}"),
        csv.into_bytes(),
    );
    let out = invoke(&w.store, &w.bucket, fixture_event()?, now()).await?;
    assert_eq!(out["result"], "rejected");
    // Two problems a row: the credit code and the licence.
    assert_eq!(out["errors"], 2_000_000);
    let o = outcome(&w).await?.ok_or("no outcome written")?;
    let OutcomeResult::Failed {
        error_count,
        errors,
        ..
    } = o.result
    else {
        return Err("expected a failed outcome".into());
    };
    assert_eq!((error_count, errors.len()), (2_000_000, OUTCOME_ERRORS));
    let kept = w
        .bucket
        .get(&request.errors_key(), u64::MAX)
        .await?
        .ok_or("the errors object was not written")?;
    let kept: Vec<spotcheck_domain::registry::RowError> = serde_json::from_slice(&kept)?;
    assert_eq!(kept.len(), MAX_PROBLEMS);
    assert_eq!(w.store.latest_snapshot(RegistryKind::Agencies).await?, None);
    Ok(())
}
