//! The website in an S3 bucket, against a real S3-compatible server (moto), and the Lambda
//! handler end to end over DynamoDB and S3 on the same server.
//!
//! `scripts/test.d/36-site-s3.sh` (run by `./scripts/test`, so by CI) starts moto on a free port
//! of 127.0.0.1 and runs this file with `SPOTCHECK_TEST_S3_ENDPOINT` and
//! `SPOTCHECK_TEST_S3_REQUIRED=1`; that script fails loudly when moto cannot be installed or
//! started. In a plain `cargo test` (no endpoint) these tests print "skipped: …"; with
//! `SPOTCHECK_TEST_S3_REQUIRED` set and no endpoint they fail. Never skipped silently.
//!
//! Buckets are versioned where a test needs to prove what was *not* written: every `PutObject`
//! adds a version and every `DeleteObject` a delete marker, so the server itself records each
//! write a run made.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_sdk_s3::Client;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
use chrono::NaiveDate;
use sha2::{Digest as _, Sha256};
use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::lifecycle::{
    InspectionResult, PenaltyChangeKind, PenaltyDecision, PublicationState, WriteMeta,
};
use spotcheck_domain::registry::CheckMethod;
use spotcheck_domain::store::{
    ApprovalWriter, DrawWriter, FrameWriter, PenaltyWriter, PlanWriter, PublicationReader,
    ResultWriter,
};
use spotcheck_publisher::config::Config;
use spotcheck_publisher::handle;
use spotcheck_publisher::s3::S3Site;
use spotcheck_site::SiteError;
use spotcheck_site::publisher::{Options, Report, run};
use spotcheck_site::redact::{gb11643_check, scan_bytes};
use spotcheck_site::sink::{MANIFEST, Manifest, SiteSink};
use spotcheck_site::view::slug;
use spotcheck_store::testkit::{self, BoxError};
use spotcheck_store::{DynamoConfig, DynamoStore, SqliteStore};

const ENV: &str = "SPOTCHECK_TEST_S3_ENDPOINT";
const REQUIRED: &str = "SPOTCHECK_TEST_S3_REQUIRED";

/// The moto endpoint; `None` (with a message) when none is configured outside CI.
fn endpoint() -> Result<Option<String>, BoxError> {
    match std::env::var(ENV) {
        Ok(e) if !e.trim().is_empty() => Ok(Some(e)),
        _ if std::env::var_os(REQUIRED).is_some() => Err(format!(
            "{ENV} is not set but {REQUIRED} is: the S3 site tests must run against moto"
        )
        .into()),
        _ => {
            eprintln!(
                "skipped: {ENV} is not set; run ./scripts/test (or scripts/test.d/36-site-s3.sh) to run the S3 site tests against moto"
            );
            Ok(None)
        }
    }
}

/// A client for moto: path-style addressing (no bucket subdomains on 127.0.0.1), static
/// credentials, `us-east-1`.
fn client(endpoint: &str) -> Client {
    let conf = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            "test",
            "test",
            None,
            None,
            "spotcheck-test",
        ))
        .force_path_style(true)
        .build();
    Client::from_conf(conf)
}

fn unique(what: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "spotcheck-{what}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A new, empty bucket (versioned if asked).
async fn bucket(s3: &Client, versioned: bool) -> Result<String, BoxError> {
    let name = unique("site");
    s3.create_bucket().bucket(&name).send().await?;
    if versioned {
        s3.put_bucket_versioning()
            .bucket(&name)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await?;
    }
    Ok(name)
}

/// One object as the server holds it.
#[derive(Debug, Clone)]
struct Object {
    content_type: Option<String>,
    cache_control: Option<String>,
    body: Vec<u8>,
}

/// Every current object under `prefix`, downloaded.
async fn objects(
    s3: &Client,
    bucket: &str,
    prefix: &str,
) -> Result<BTreeMap<String, Object>, BoxError> {
    let mut out = BTreeMap::new();
    let mut token = None;
    loop {
        let page = s3
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_continuation_token(token)
            .send()
            .await?;
        for o in page.contents() {
            let Some(key) = o.key() else { continue };
            let got = s3.get_object().bucket(bucket).key(key).send().await?;
            let content_type = got.content_type().map(str::to_owned);
            let cache_control = got.cache_control().map(str::to_owned);
            let body = got.body.collect().await?.into_bytes().to_vec();
            let path = key.strip_prefix(prefix).unwrap_or(key).to_owned();
            out.insert(
                path,
                Object {
                    content_type,
                    cache_control,
                    body,
                },
            );
        }
        token = page.next_continuation_token().map(str::to_owned);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// How many versions and delete markers each key has: the server's record of every write.
async fn writes(s3: &Client, bucket: &str) -> Result<BTreeMap<String, usize>, BoxError> {
    let mut out: BTreeMap<String, usize> = BTreeMap::new();
    let (mut key_marker, mut version_marker) = (None, None);
    loop {
        let page = s3
            .list_object_versions()
            .bucket(bucket)
            .set_key_marker(key_marker)
            .set_version_id_marker(version_marker)
            .send()
            .await?;
        let keys = page
            .versions()
            .iter()
            .filter_map(|v| v.key())
            .chain(page.delete_markers().iter().filter_map(|m| m.key()));
        for k in keys {
            *out.entry(k.to_owned()).or_default() += 1;
        }
        if page.is_truncated() != Some(true) {
            return Ok(out);
        }
        key_marker = page.next_key_marker().map(str::to_owned);
        version_marker = page.next_version_id_marker().map(str::to_owned);
    }
}

/// Keys written (or deleted) between two [`writes`] snapshots.
fn touched(before: &BTreeMap<String, usize>, after: &BTreeMap<String, usize>) -> BTreeSet<String> {
    after
        .iter()
        .filter(|(k, n)| before.get(*k) != Some(n))
        .map(|(k, _)| k.clone())
        .collect()
}

fn manifest_of(objects: &BTreeMap<String, Object>) -> Result<Manifest, BoxError> {
    let m = objects
        .get(MANIFEST)
        .ok_or("the bucket holds no site-manifest.json")?;
    Ok(serde_json::from_slice(&m.body)?)
}

/// The bucket holds exactly the manifest's files, each with the manifest's SHA-256, the media
/// type its extension calls for and the cache header its kind calls for, and none contains a
/// personal number. Returns the manifest.
fn assert_consistent(objects: &BTreeMap<String, Object>) -> Result<Manifest, BoxError> {
    let manifest = manifest_of(objects)?;
    let listed: BTreeSet<&String> = manifest.files.keys().collect();
    let held: BTreeSet<&String> = objects.keys().filter(|k| *k != MANIFEST).collect();
    assert_eq!(held, listed, "bucket and manifest disagree");
    for (path, o) in objects {
        if path != MANIFEST {
            let want = &manifest.files[path].sha256;
            assert_eq!(&hex::encode(Sha256::digest(&o.body)), want, "{path}: bytes");
        }
        let ext = path.rsplit('.').next().unwrap_or_default();
        let content_type = match ext {
            "html" => "text/html; charset=utf-8",
            "json" => "application/json",
            "atom" => "application/atom+xml; charset=utf-8",
            "csv" => "text/csv; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            "js" => "text/javascript; charset=utf-8",
            "txt" => "text/plain; charset=utf-8",
            "tsr" => "application/timestamp-reply",
            "pem" => "application/x-pem-file",
            other => return Err(format!("{path}: unexpected file type {other}").into()),
        };
        assert_eq!(o.content_type.as_deref(), Some(content_type), "{path}");
        let immutable = path.ends_with("/commitment.json")
            || path.ends_with("/transcript.json")
            || path.ends_with(".csv");
        let cache = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=300"
        };
        assert_eq!(o.cache_control.as_deref(), Some(cache), "{path}");
        let hits = scan_bytes(&o.body);
        assert!(hits.is_empty(), "{path}: personal number {hits:?}");
    }
    Ok(manifest)
}

fn date(s: &str) -> Result<NaiveDate, BoxError> {
    Ok(s.parse()?)
}

fn at(s: &str) -> Result<Options, BoxError> {
    Ok(Options::at(s.parse()?)?)
}

fn penalty(number: &str, minor: bool, involves_minor: bool) -> Result<PenaltyDecision, BoxError> {
    Ok(serde_json::from_value(serde_json::json!({
        "number": number,
        "party": {"kind": "natural_person", "masked_name": "柯**", "guide_card": "D-3503-000000"},
        "cause": "私自承揽导游业务", "legal_basis": "《导游人员管理条例》第十九条",
        "conditions": "游客投诉（电话13805941234）查实。", "procedure": "简易程序",
        "result": "警告", "authority": "莆田市文化和旅游局", "decided_on": "2026-11-19",
        "minor": minor, "involves_minor": involves_minor, "target": null, "plan": null
    }))?)
}

/// Approves publication `id` as `supervisor` (the records are entered as `test`).
async fn approve<S: ApprovalWriter>(store: &S, id: &str) -> Result<(), BoxError> {
    let key = hex::encode(Sha256::digest(id.as_bytes()));
    let meta = WriteMeta::new(
        format!("approve-{}", &key[..16]).parse()?,
        "supervisor".parse()?,
        testkit::AT,
    );
    store.approve(&meta, &id.parse()?).await?;
    Ok(())
}

/// A drawn plan `P1` with three results (their findings carry a mobile number the publisher must
/// redact), and decisions 〔2026〕1号 (minor), 〔2026〕2号 (involves a minor: never published) and
/// 〔2026〕3号, all approved for publication by someone other than the person who entered them.
async fn seed<S>(store: &S) -> Result<(), BoxError>
where
    S: FrameWriter + PlanWriter + DrawWriter + ResultWriter + PenaltyWriter + ApprovalWriter,
{
    let frame = testkit::frame(40)?;
    let pool = testkit::pool(12)?;
    store.put_frame(&testkit::meta("f")?, &frame).await?;
    store.put_pool(&testkit::meta("p")?, &pool).await?;
    let plan = store
        .create_plan(&testkit::meta("c")?, testkit::plan_spec("P1")?)
        .await?;
    let plan = store
        .change_plan(
            &testkit::meta("af")?,
            &plan.spec.id,
            plan.version,
            testkit::attach_frame(&frame),
        )
        .await?;
    store
        .change_plan(
            &testkit::meta("ap")?,
            &plan.spec.id,
            plan.version,
            testkit::attach_pool(&pool),
        )
        .await?;
    let c = testkit::commitment("P1", &frame, &pool)?;
    store.record_commitment(&testkit::meta("k")?, &c).await?;
    let t = testkit::transcript(c, &frame, &pool, "3 1 4 1 5 9")?;
    store.record_draw(&testkit::meta("d")?, &t).await?;
    for (i, s) in t.selections.iter().take(3).enumerate() {
        store
            .record_result(
                &testkit::meta(&format!("r{i}"))?,
                InspectionResult {
                    plan: "P1".parse()?,
                    target: s.target.clone(),
                    code: "no_problem_found".parse()?,
                    method: CheckMethod::OnSite,
                    inspectors: s.inspectors.clone(),
                    findings: "当事人手机13912345678，已核实。".into(),
                    follow_up: None,
                    completed_on: date("2026-11-20")?,
                    recorded_at: testkit::AT,
                },
            )
            .await?;
        approve(store, &format!("check-result:P1/{}", s.target)).await?;
    }
    for (key, n, minor, involves_minor) in [
        ("x1", 1, true, false),
        ("x2", 2, false, true),
        ("x3", 3, false, false),
    ] {
        store
            .record_penalty(
                &testkit::meta(key)?,
                penalty(&format!("莆文旅罚〔2026〕{n}号"), minor, involves_minor)?,
            )
            .await?;
        approve(store, &format!("penalty-decision:莆文旅罚〔2026〕{n}号")).await?;
    }
    Ok(())
}

async fn revoke<S: PenaltyWriter + ApprovalWriter>(
    store: &S,
    number: &str,
) -> Result<(), BoxError> {
    let key = hex::encode(Sha256::digest(number.as_bytes()));
    store
        .change_penalty(
            &testkit::meta(&format!("rv-{}", &key[..16]))?,
            &number.parse()?,
            PenaltyChangeKind::Revoked,
            "经行政复议予以撤销".into(),
            None,
            date("2026-11-27")?,
        )
        .await?;
    // The change's text (the withdrawal notice) is published once someone else approves it.
    approve(store, &format!("penalty-decision:{number}#change-1")).await?;
    Ok(())
}

fn page(number: &str) -> String {
    format!("penalties/{}.html", slug(number))
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: SqliteStore,
    calendar: Calendar,
    s3: Client,
    bucket: String,
}

impl Fixture {
    async fn new(endpoint: &str, versioned: bool) -> Result<Self, BoxError> {
        let dir = tempfile::tempdir()?;
        let store = SqliteStore::open(dir.path().join("spotcheck.sqlite"))?;
        seed(&store).await?;
        let s3 = client(endpoint);
        let bucket = bucket(&s3, versioned).await?;
        Ok(Self {
            _dir: dir,
            store,
            calendar: Calendar::embedded()?,
            s3,
            bucket,
        })
    }

    fn site(&self) -> S3Site {
        S3Site::new(self.s3.clone(), self.bucket.clone(), String::new())
    }

    async fn run_on<K: SiteSink>(&self, sink: &K, opts: &Options) -> Result<Report, SiteError> {
        run(&self.store, &self.calendar, sink, opts, || Ok(())).await
    }

    async fn publish(&self, opts: &Options) -> Result<Report, BoxError> {
        Ok(self.run_on(&self.site(), opts).await?)
    }

    async fn objects(&self) -> Result<BTreeMap<String, Object>, BoxError> {
        objects(&self.s3, &self.bucket, "").await
    }
}

#[tokio::test]
async fn a_first_publish_writes_every_file_with_its_media_type_cache_header_and_nothing_personal()
-> Result<(), BoxError> {
    let Some(endpoint) = endpoint()? else {
        return Ok(());
    };
    let f = Fixture::new(&endpoint, false).await?;
    let report = f.publish(&at("2026-11-26T01:00:00Z")?).await?;

    let objects = f.objects().await?;
    let manifest = assert_consistent(&objects)?;
    assert_eq!(report.site.written, manifest.files.len());
    assert_eq!(report.site.files, manifest.files.len());
    for ext in [".html", ".json", ".atom", ".csv"] {
        assert!(
            objects.keys().any(|k| k.ends_with(ext)),
            "no {ext} file in the bucket"
        );
    }
    for must in [
        "index.html",
        "plans/P1/frame.csv",
        "plans/P1/transcript.json",
        "penalties/feed.atom",
        "publications/index.json",
    ] {
        assert!(objects.contains_key(must), "{must} missing");
    }
    assert!(objects.contains_key(&page("莆文旅罚〔2026〕3号")));
    assert!(
        !objects.contains_key(&page("莆文旅罚〔2026〕2号")),
        "a decision involving a minor was uploaded"
    );
    // The results' findings carried a mobile number: it was redacted, and the redaction scan
    // (already run over every object above) would have seen it.
    let results = objects
        .get("results/index.json")
        .ok_or("results/index.json missing")?;
    assert!(String::from_utf8_lossy(&results.body).contains("[已隐去]"));

    // The scan of downloaded objects does find a planted ID number (so "nothing found" above
    // means something).
    let first17 = "35030219800101123";
    let id = format!("{first17}{}", gb11643_check(first17).ok_or("check")?);
    f.s3.put_object()
        .bucket(&f.bucket)
        .key("planted.html")
        .content_type("text/html; charset=utf-8")
        .body(ByteStream::from(format!("<p>{id}</p>").into_bytes()))
        .send()
        .await?;
    let planted = f.objects().await?;
    let body = &planted.get("planted.html").ok_or("planted.html")?.body;
    assert_eq!(scan_bytes(body).len(), 1);
    Ok(())
}

#[tokio::test]
async fn later_runs_write_only_what_changed_and_delete_withdrawn_and_expired_decisions()
-> Result<(), BoxError> {
    let Some(endpoint) = endpoint()? else {
        return Ok(());
    };
    let f = Fixture::new(&endpoint, true).await?;
    let now = at("2026-11-26T01:00:00Z")?;
    f.publish(&now).await?;
    let first = assert_consistent(&f.objects().await?)?;
    let w1 = writes(&f.s3, &f.bucket).await?;

    // Nothing new: not one request that writes.
    let again = f.publish(&now).await?;
    assert_eq!((again.site.written, again.site.deleted), (0, 0));
    assert_eq!(
        writes(&f.s3, &f.bucket).await?,
        w1,
        "a run with nothing new wrote"
    );

    // One new decision: exactly the pages whose bytes changed (and the manifest).
    f.store
        .record_penalty(
            &testkit::meta("x4")?,
            penalty("莆文旅罚〔2026〕4号", false, false)?,
        )
        .await?;
    approve(&f.store, "penalty-decision:莆文旅罚〔2026〕4号").await?;
    let report = f.publish(&now).await?;
    assert_eq!(report.published.len(), 1);
    let second = assert_consistent(&f.objects().await?)?;
    let w2 = writes(&f.s3, &f.bucket).await?;
    let changed: BTreeSet<String> = second
        .files
        .iter()
        .filter(|(p, e)| first.files.get(*p) != Some(e))
        .map(|(p, _)| p.clone())
        .chain([MANIFEST.to_owned()])
        .collect();
    assert_eq!(touched(&w1, &w2), changed);
    assert!(changed.contains(&page("莆文旅罚〔2026〕4号")));
    assert_eq!(report.site.written, changed.len() - 1);
    // Every feed carries the audit head, so the five feeds change with any new record; a decision
    // also rewrites its 检索 list page, the search page and one index shard, and the year's 统计
    // page, its JSON and the statistics index.
    assert!(
        report.site.written <= 18,
        "one decision rewrote {} files: {changed:?}",
        report.site.written
    );
    assert!(
        !changed
            .iter()
            .any(|p| p.starts_with("plans/") && p != "plans/feed.atom"),
        "{changed:?}"
    );

    // A revoked decision: its page is deleted, the withdrawal is listed with its reason.
    revoke(&f.store, "莆文旅罚〔2026〕3号").await?;
    let report = f.publish(&at("2026-11-27T01:00:00Z")?).await?;
    assert_eq!(report.taken_down.len(), 1, "{:?}", report.taken_down);
    assert_eq!(report.site.deleted, 1);
    let objects = f.objects().await?;
    assert_consistent(&objects)?;
    assert!(!objects.contains_key(&page("莆文旅罚〔2026〕3号")));
    let withdrawals = objects
        .get("withdrawals/index.html")
        .ok_or("withdrawals/index.html")?;
    assert!(String::from_utf8_lossy(&withdrawals.body).contains("经行政复议予以撤销"));
    let w3 = writes(&f.s3, &f.bucket).await?;
    assert!(touched(&w2, &w3).contains(&page("莆文旅罚〔2026〕3号")));

    // The minor decision's three months are over: its page comes down, 4号's stays.
    let report = f.publish(&at("2027-06-01T01:00:00Z")?).await?;
    assert!(
        report
            .taken_down
            .iter()
            .any(|t| t.state == "expired" && t.id.contains("〔2026〕1号")),
        "{:?}",
        report.taken_down
    );
    let objects = f.objects().await?;
    assert_consistent(&objects)?;
    assert!(!objects.contains_key(&page("莆文旅罚〔2026〕1号")));
    assert!(objects.contains_key(&page("莆文旅罚〔2026〕4号")));
    Ok(())
}

/// Writes to the real bucket, except that for paths `broken` matches the bucket has gone
/// missing: those puts go to a bucket that does not exist, and moto answers `NoSuchBucket`.
struct BucketGoesMissing {
    good: S3Site,
    missing: S3Site,
    broken: fn(&str) -> bool,
    written: Mutex<Vec<String>>,
}

impl SiteSink for BucketGoesMissing {
    async fn read_manifest(&self) -> Result<Manifest, SiteError> {
        self.good.read_manifest().await
    }

    async fn write_manifest(&self, manifest: &Manifest) -> Result<(), SiteError> {
        self.good.write_manifest(manifest).await
    }

    async fn put(&self, path: &str, content_type: &str, body: &[u8]) -> Result<(), SiteError> {
        if (self.broken)(path) {
            return self.missing.put(path, content_type, body).await;
        }
        self.good.put(path, content_type, body).await?;
        if let Ok(mut w) = self.written.lock() {
            w.push(path.to_owned());
        }
        Ok(())
    }

    async fn delete(&self, path: &str) -> Result<(), SiteError> {
        self.good.delete(path).await
    }

    async fn exists(&self, path: &str) -> bool {
        self.good.exists(path).await
    }
}

#[tokio::test]
async fn a_run_that_fails_half_way_leaves_a_state_the_next_run_repairs() -> Result<(), BoxError> {
    let Some(endpoint) = endpoint()? else {
        return Ok(());
    };
    let f = Fixture::new(&endpoint, false).await?;
    let now = at("2026-11-26T01:00:00Z")?;
    f.publish(&now).await?;
    let before = assert_consistent(&f.objects().await?)?;

    // A new decision is published, but the bucket is gone by the time the register is written:
    // the decision's page and the lists are uploaded, the register and manifest are not.
    f.store
        .record_penalty(
            &testkit::meta("x4")?,
            penalty("莆文旅罚〔2026〕4号", false, false)?,
        )
        .await?;
    approve(&f.store, "penalty-decision:莆文旅罚〔2026〕4号").await?;
    let missing = unique("missing");
    let sink = BucketGoesMissing {
        good: f.site(),
        missing: S3Site::new(f.s3.clone(), missing.clone(), String::new()),
        broken: |p| p.starts_with("publications/"),
        written: Mutex::new(Vec::new()),
    };
    let err = f
        .run_on(&sink, &now)
        .await
        .err()
        .ok_or("the run did not fail")?
        .to_string();
    assert!(
        err.contains(&format!("s3://{missing}/publications/")) && err.contains("NoSuchBucket"),
        "{err}"
    );
    let written = sink.written.lock().map_err(|e| e.to_string())?.clone();
    assert!(
        written.contains(&page("莆文旅罚〔2026〕4号")),
        "the failed run was meant to upload the new page before failing: {written:?}"
    );
    let half = f.objects().await?;
    let interim = manifest_of(&half)?;
    assert_ne!(
        interim, before,
        "the manifest did not record the pending writes"
    );
    assert!(half.contains_key(&page("莆文旅罚〔2026〕4号")));

    // Before the next run the decision is revoked, so its page must not stay public even
    // though the failed run never recorded it in a final manifest.
    revoke(&f.store, "莆文旅罚〔2026〕4号").await?;
    let report = f.publish(&at("2026-11-27T01:00:00Z")?).await?;
    let objects = f.objects().await?;
    assert_consistent(&objects)?;
    assert!(
        !objects.contains_key(&page("莆文旅罚〔2026〕4号")),
        "the revoked decision's page, uploaded by the failed run, is still in the bucket"
    );
    assert!(report.site.deleted >= 1);
    assert!(objects.contains_key("publications/index.html"));
    Ok(())
}

#[tokio::test]
async fn the_handler_publishes_from_dynamodb_to_s3_and_reports_what_it_published()
-> Result<(), BoxError> {
    let Some(endpoint) = endpoint()? else {
        return Ok(());
    };
    let table = unique("table");
    let s3 = client(&endpoint);
    let bucket = bucket(&s3, false).await?;
    let env: BTreeMap<&str, String> = BTreeMap::from([
        ("SPOTCHECK_TABLE", table.clone()),
        ("SPOTCHECK_SITE_BUCKET", bucket.clone()),
        ("SPOTCHECK_SITE_PREFIX", "public".to_owned()),
        ("SPOTCHECK_DYNAMODB_ENDPOINT", endpoint.clone()),
        (
            "SPOTCHECK_SITE_BASE_URL",
            "https://example.gov.cn/sjgk/".to_owned(),
        ),
    ]);
    let config = Config::from_env(&|k| env.get(k).cloned())?;
    let store = DynamoStore::connect(&DynamoConfig::local(table, endpoint.clone())).await?;
    store.create_table().await?;
    seed(&store).await?;
    // Entered, not approved: held back and reported, not published.
    store
        .record_penalty(
            &testkit::meta("x4")?,
            penalty("莆文旅罚〔2026〕4号", false, false)?,
        )
        .await?;
    let calendar = config.calendar()?;
    let site = S3Site::new(s3.clone(), config.bucket.clone(), config.prefix.clone());

    let summary = handle(&store, &calendar, &site, &config).await?;
    let published = store
        .list_publications()
        .await?
        .into_iter()
        .filter(|p| matches!(p.state, PublicationState::Published { .. }))
        .count();
    // Plan, draw, three results, decisions 1号 and 3号 (2号 involves a minor).
    assert_eq!(published, 7);
    assert_eq!(summary["published"], published);
    assert_eq!(summary["blocked"], 0);
    assert_eq!(summary["awaiting_approval"], 1);
    let objects = objects(&s3, &bucket, "public/").await?;
    let manifest = assert_consistent(&objects)?;
    assert_eq!(summary["files_written"], manifest.files.len());
    assert!(objects.contains_key("plans/P1/transcript.json"));
    assert!(objects.contains_key(&page("莆文旅罚〔2026〕3号")));
    assert!(!objects.contains_key(&page("莆文旅罚〔2026〕4号")));
    // The configured base URL reaches the "verify this draw yourself" commands.
    let plan = objects
        .get("plans/P1/index.json")
        .ok_or("plans/P1/index.json")?;
    assert!(
        String::from_utf8_lossy(&plan.body)
            .contains("https://example.gov.cn/sjgk/plans/P1/transcript.json")
    );

    let again = handle(&store, &calendar, &site, &config).await?;
    assert_eq!(again["published"], 0);
    assert_eq!(again["awaiting_approval"], 1);
    assert_eq!(again["files_written"], 0);
    assert_eq!(again["files_deleted"], 0);
    Ok(())
}
