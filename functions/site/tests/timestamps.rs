//! The plan page shows the commitment's time-stamp tokens (时间戳: which authority, at what time in
//! Beijing time) and the site publishes each token beside the commitment as
//! `commitment.<authority>.tsr`, with the trust anchors as `tsa-anchors.pem`; a plan without a
//! token says its publication time rests on the bureau's word alone.

use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::lifecycle::{TimestampRecord, TimestampStatus};
use spotcheck_domain::store::{DrawWriter, FrameWriter, PlanWriter, TimestampWriter};
use spotcheck_site::publisher::{Options, run};
use spotcheck_site::sink::LocalDir;
use spotcheck_site::time::morning_of;
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::{self, BoxError};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/timestamps");

/// A committed and drawn plan `id`.
async fn drawn(store: &SqliteStore, id: &str) -> Result<(), BoxError> {
    let frame = testkit::frame(40)?;
    let pool = testkit::pool(12)?;
    store
        .put_frame(&testkit::meta(&format!("{id}-f"))?, &frame)
        .await?;
    store
        .put_pool(&testkit::meta(&format!("{id}-p"))?, &pool)
        .await?;
    let plan = store
        .create_plan(&testkit::meta(&format!("{id}-c"))?, testkit::plan_spec(id)?)
        .await?;
    let plan = store
        .change_plan(
            &testkit::meta(&format!("{id}-af"))?,
            &plan.spec.id,
            plan.version,
            testkit::attach_frame(&frame),
        )
        .await?;
    store
        .change_plan(
            &testkit::meta(&format!("{id}-ap"))?,
            &plan.spec.id,
            plan.version,
            testkit::attach_pool(&pool),
        )
        .await?;
    let c = testkit::commitment(id, &frame, &pool)?;
    store
        .record_commitment(&testkit::meta(&format!("{id}-k"))?, &c)
        .await?;
    let t = testkit::transcript(c, &frame, &pool, "4 2 6 1")?;
    store
        .record_draw(&testkit::meta(&format!("{id}-d"))?, &t)
        .await?;
    Ok(())
}

#[test]
fn the_plan_page_shows_the_time_stamp_and_the_token_is_published_beside_the_commitment()
-> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    let token = std::fs::read(format!("{FIXTURES}/valid.tsr"))?;
    let anchor = std::fs::read_to_string(format!("{FIXTURES}/anchor.pem"))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        drawn(&store, "P1").await?;
        drawn(&store, "P2").await?;
        store
            .record_timestamp(
                &testkit::meta("ts")?,
                &TimestampRecord {
                    plan: "P1".parse()?,
                    authority: "tsa-1".parse()?,
                    url: "https://tsa.example.cn/tsa".into(),
                    status: TimestampStatus::Obtained {
                        response: token.clone(),
                        gen_time: "2026-11-20T08:00:01.5Z".parse()?,
                        latest: "2026-11-20T08:00:02.5Z".parse()?,
                        signer: "CN=spotcheck test TSA,O=spotcheck test,C=CN".into(),
                        anchor: "CN=spotcheck test root,O=spotcheck test,C=CN".into(),
                        anchor_pem: anchor.clone(),
                    },
                    attempts: 1,
                    updated_at: testkit::AT,
                },
            )
            .await?;
        let cal = Calendar::embedded()?;
        let opts = Options::at(morning_of("2026-11-26".parse()?))?;
        run(&store, &cal, &site, &opts, || site.lock()).await?;
        Ok::<(), BoxError>(())
    })?;
    let plan_dir = dir.path().join("site/plans/P1");
    assert_eq!(std::fs::read(plan_dir.join("commitment.tsa-1.tsr"))?, token);
    assert_eq!(
        std::fs::read_to_string(plan_dir.join("tsa-anchors.pem"))?,
        anchor
    );
    let page = std::fs::read_to_string(plan_dir.join("index.html"))?;
    assert!(page.contains("<dt>时间戳</dt>"), "{page}");
    assert!(
        page.contains("tsa-1（CN=spotcheck test TSA,O=spotcheck test,C=CN）于 2026-11-20 16:00:01（北京时间）签署"),
        "{page}"
    );
    assert!(
        page.contains(r#"<a href="commitment.tsa-1.tsr">"#),
        "{page}"
    );
    // The verifier link names the token and the anchors, so the page checks them too.
    let link = page.replace("&amp;", "&").replace("&#x2f;", "/");
    assert!(
        link.contains("&timestamp=plans/P1/commitment.tsa-1.tsr&anchors=plans/P1/tsa-anchors.pem"),
        "{page}"
    );
    // The plan's target kind tells the page what to call a target (an agency here: 旅行社).
    assert!(link.contains("tsa-anchors.pem&kind=agency"), "{page}");
    // The spec the verifier page cites (见《抽取规范》第 N 节) is published beside it.
    assert_eq!(
        std::fs::read(dir.path().join("site/draw-spec.txt"))?,
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/draw-spec.md"
        ))?
    );

    let other = dir.path().join("site/plans/P2");
    assert!(!other.join("tsa-anchors.pem").exists());
    let page = std::fs::read_to_string(other.join("index.html"))?;
    assert!(page.contains("无：承诺的公布时间仅凭本机关自述"), "{page}");
    assert!(!page.contains("timestamp="), "{page}");
    Ok(())
}
