//! A joint plan (部门联合抽查, draw spec §17) is published once, naming every department: its page
//! says who leads and who takes part, its 人员选派 rule states in words what each team must hold,
//! and the plan list holds it once; a plan of one department beside it keeps its wording. Over a
//! real SQLite store, published by the real publisher.

use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::draw::{CommitRequest, commit};
use spotcheck_domain::frame::PoolBuilder;
use spotcheck_domain::lifecycle::{PartnerApproval, PlanChange};
use spotcheck_domain::store::{DrawWriter, FrameWriter, PlanWriter};
use spotcheck_site::publisher::{Options, run};
use spotcheck_site::sink::LocalDir;
use spotcheck_site::time::morning_of;
use spotcheck_store::SqliteStore;
use spotcheck_store::testkit::{self, BoxError};

const LEAD: &str = "莆田市文化和旅游局";
const PARTNER: &str = "莆田市市场监督管理局";

/// A drawn joint plan `J1` of the lead with the market regulator, approved by the partner, and a
/// drawn plan `N1` of the lead alone over the same frame and pool.
async fn seed(store: &SqliteStore) -> Result<(), BoxError> {
    let mut spec = testkit::plan_spec("J1")?;
    spec.parameters.joint = Some(serde_json::from_value(serde_json::json!(
        {"lead": LEAD, "partners": [PARTNER], "require": "all"}
    ))?);
    let single = testkit::plan_spec("N1")?;
    let frame = testkit::frame(40)?;
    let mut b = PoolBuilder::new();
    for i in 0..8u64 {
        let dept = if i % 2 == 0 { LEAD } else { PARTNER };
        b.push_fields(&format!("ZJ{i:03}"), dept, [], i)?;
    }
    let pool = b.finish()?;
    store.put_frame(&testkit::meta("f")?, &frame).await?;
    store.put_pool(&testkit::meta("p")?, &pool).await?;
    let id = spec.id.clone();
    let plan = store
        .create_plan(&testkit::meta("c")?, spec.clone())
        .await?;
    let plan = store
        .change_plan(
            &testkit::meta("af")?,
            &id,
            plan.version,
            testkit::attach_frame(&frame),
        )
        .await?;
    let plan = store
        .change_plan(
            &testkit::meta("ap")?,
            &id,
            plan.version,
            testkit::attach_pool(&pool),
        )
        .await?;
    let lone = store
        .create_plan(&testkit::meta("nc")?, single.clone())
        .await?;
    let lone = store
        .change_plan(
            &testkit::meta("naf")?,
            &single.id,
            lone.version,
            testkit::attach_frame(&frame),
        )
        .await?;
    store
        .change_plan(
            &testkit::meta("nap")?,
            &single.id,
            lone.version,
            testkit::attach_pool(&pool),
        )
        .await?;
    let c = commit(
        CommitRequest {
            plan_id: single.id,
            committed_at: testkit::AT,
            parameters: single.parameters,
            entropy_source: single.entropy_source,
        },
        &frame,
        &pool,
        &testkit::secret(),
    )?;
    store.record_commitment(&testkit::meta("nk")?, &c).await?;
    let t = testkit::transcript(c, &frame, &pool, "4 2 6 1")?;
    store.record_draw(&testkit::meta("nd")?, &t).await?;
    store
        .change_plan(
            &testkit::meta("ok")?,
            &id,
            plan.version,
            PlanChange::ApprovePartner {
                approval: PartnerApproval {
                    department: PARTNER.parse()?,
                    inspectors_snapshot: 1,
                    pool: pool.summary(),
                    approved_at: testkit::AT,
                },
            },
        )
        .await?;
    let c = commit(
        CommitRequest {
            plan_id: id,
            committed_at: testkit::AT,
            parameters: spec.parameters,
            entropy_source: spec.entropy_source,
        },
        &frame,
        &pool,
        &testkit::secret(),
    )?;
    store.record_commitment(&testkit::meta("k")?, &c).await?;
    let t = testkit::transcript(c, &frame, &pool, "4 2 6 1")?;
    store.record_draw(&testkit::meta("d")?, &t).await?;
    Ok(())
}

#[test]
fn a_joint_plan_is_published_once_naming_every_department() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let site = LocalDir::new(dir.path().join("site"))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        seed(&store).await?;
        let cal = Calendar::embedded()?;
        let opts = Options::at(morning_of("2026-11-26".parse()?))?;
        run(&store, &cal, &site, &opts, || site.lock()).await?;
        Ok::<_, BoxError>(())
    })?;
    let root = dir.path().join("site");
    let page = std::fs::read_to_string(root.join("plans/J1/index.html"))?;
    assert!(
        page.contains(&format!("{LEAD}（牵头）、{PARTNER}")),
        "the plan page names the lead and the partner"
    );
    assert!(
        page.contains(&format!(
            "<dt>人员选派</dt><dd>每个检查对象随机选派 2 名执法检查人员；与检查对象有利害关系的人员依法回避，不予选派。本计划为部门联合抽查：牵头部门为{LEAD}，配合部门为{PARTNER}；每个检查对象的检查组至少包含每个参与部门的一名执法检查人员。</dd>"
        )),
        "the 人员选派 rule names 牵头部门 and 配合部门 and states the joint requirement"
    );
    let lone = std::fs::read_to_string(root.join("plans/N1/index.html"))?;
    assert!(
        lone.contains(
            "<dt>人员选派</dt><dd>每个检查对象随机选派 2 名执法检查人员；与检查对象有利害关系的人员依法回避，不予选派。</dd>"
        ),
        "a plan of one department keeps its wording"
    );
    assert!(
        !lone.contains("联合") && !lone.contains("牵头") && !lone.contains("配合部门"),
        "a plan of one department says nothing of a joint check"
    );
    assert!(lone.contains(&format!("<dt>抽查部门</dt><dd>{LEAD}</dd>")));
    let list = std::fs::read_to_string(root.join("plans/index.html"))?.replace("&#x2f;", "/");
    assert_eq!(
        list.matches("href=\"J1/index.html\"").count(),
        1,
        "the plan list holds the joint plan once"
    );
    Ok(())
}
