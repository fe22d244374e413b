//! A decision withdrawn by its author before approval is deleted from the store, but its entries
//! stay in the audit chain, and the deciding department's supervisors still see them in their
//! audit log (another department's do not).

use std::path::PathBuf;

use spotcheck_app::drafts::withdraw_penalty;
use spotcheck_app::queries::audit_log;
use spotcheck_app::records::record_penalty;
use spotcheck_app::registry::{ImportOptions, import_registry};
use spotcheck_app::{Role, Staff};
use spotcheck_domain::lifecycle::{PenaltyDecision, WriteMeta};
use spotcheck_domain::registry::RegistryKind;
use spotcheck_domain::time::Timestamp;
use spotcheck_store::SqliteStore;

type R<T = ()> = Result<T, Box<dyn std::error::Error>>;

const PUTIAN: &str = "莆田市文化和旅游局";
const XIAMEN: &str = "厦门市文化和旅游局";
const NOW: i64 = 1_795_000_000;
const NUMBER: &str = "莆文旅罚〔2026〕77号";

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

fn decision() -> R<PenaltyDecision> {
    let on = Timestamp::from_unix(NOW)
        .to_datetime()
        .ok_or("date")?
        .date_naive()
        .to_string();
    Ok(serde_json::from_value(serde_json::json!({
        "number": NUMBER,
        "party": {"kind": "organisation", "name": "莆田市某旅行社有限公司", "credit_code": null},
        "cause": "未按规定公示经营信息", "legal_basis": "《旅行社条例》第二十九条",
        "conditions": "当事人未在经营场所公示旅行社业务经营许可证。", "procedure": "普通程序",
        "result": "警告", "authority": PUTIAN, "decided_on": on,
        "minor": false, "involves_minor": false, "target": null, "plan": null
    }))?)
}

#[tokio::test]
async fn a_withdrawn_decision_stays_in_its_departments_audit_log() -> R {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("s.sqlite"))?;
    let roster = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/registries/inspectors.synthetic.csv");
    import_registry(
        &store,
        &meta("import-inspectors", "registrar")?,
        RegistryKind::Inspectors,
        "inspectors.synthetic.csv",
        std::fs::read(roster)?,
        ImportOptions::default(),
    )
    .await?;
    // PT-INS-001 is an inspector of the bureau in the roster (their token's subject).
    let author = staff("PT-INS-001", PUTIAN, &[Role::Inspector])?;
    record_penalty(
        &store,
        &author,
        &meta("record", "PT-INS-001")?,
        decision()?,
        Timestamp::from_unix(NOW),
    )
    .await?;
    withdraw_penalty(
        &store,
        &author,
        &meta("withdraw", "PT-INS-001")?,
        &NUMBER.parse()?,
    )
    .await?;

    let subject = format!("penalty:{NUMBER}");
    let chief = staff("pt-chief", PUTIAN, &[Role::Supervisor])?;
    let log = audit_log(&store, &chief, None, 50, None).await?;
    let actions: Vec<&str> = log
        .iter()
        .filter(|e| e.subject == subject)
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        ["penalty_withdrawn", "penalty_recorded"],
        "{log:?}"
    );

    let other = staff("xm-chief", XIAMEN, &[Role::Supervisor])?;
    let log = audit_log(&store, &other, None, 50, None).await?;
    assert!(!log.iter().any(|e| e.subject == subject), "{log:?}");
    Ok(())
}
