//! Contract cases for drafts awaiting approval: returned with a reason, amended and withdrawn by
//! their author, final once approved, each audited, and the audit log still replays.

use spotcheck_domain::lifecycle::{
    AuditAction, InspectionResult, PenaltyDecision, PublicationId, PublicationKind, RecordRef,
};
use spotcheck_domain::store::{DraftWriter, StoreError};
use spotcheck_store::testkit::{self, BoxError, meta};

use super::{R, Store, check, expect_err, meta_by, ready_plan};

async fn last_action<S: Store>(s: &S) -> Result<Option<AuditAction>, BoxError> {
    Ok(s.audit_entries().await?.last().map(|e| e.action))
}

/// A result and a decision awaiting approval: returned (not by their author, with a valid
/// reason; not approvable while returned), amended by their author only (which clears the
/// return), approved, and then neither amended, withdrawn nor returned; another result and
/// decision withdrawn by their author and recorded anew. Every step is one audit entry and the
/// stored records replay from the log.
pub async fn drafts_are_returned_amended_and_withdrawn_until_approved<S: Store + DraftWriter>(
    s: S,
) -> R {
    let (frame, pool) = ready_plan(&s, "PT-DRAFT").await?;
    let c = testkit::commitment("PT-DRAFT", &frame, &pool)?;
    let t = testkit::transcript(c.clone(), &frame, &pool, "2 7 1")?;
    s.record_commitment(&meta("c")?, &c).await?;
    s.record_draw(&meta("d")?, &t).await?;
    let result_of = |i: usize, findings: &str| -> Result<InspectionResult, BoxError> {
        let sel = t.selections.get(i).ok_or("no selection")?;
        Ok(serde_json::from_value(serde_json::json!({
            "plan": "PT-DRAFT", "target": sel.target, "code": "未发现问题", "method": "现场检查",
            "inspectors": sel.inspectors, "findings": findings, "follow_up": null,
            "completed_on": "2026-12-01", "recorded_at": "2026-12-01T08:00:00Z"
        }))?)
    };
    let first = result_of(0, "资质齐全")?;
    s.record_result(&meta_by("r1", "author")?, first.clone())
        .await?;
    let id = PublicationId::of(
        PublicationKind::CheckResult,
        &RecordRef::Result {
            plan: first.plan.clone(),
            target: first.target.clone(),
        },
    );

    expect_err(
        s.return_draft(&meta_by("ret0", "author")?, &id, "自己退回".into())
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "the author cannot return their own draft",
    )?;
    expect_err(
        s.return_draft(&meta_by("ret1", "chief")?, &id, " ".into())
            .await,
        |e| matches!(e, StoreError::Invalid(_)),
        "an empty reason",
    )?;
    let returned = s
        .return_draft(&meta_by("ret2", "chief")?, &id, "请补充检查方式".into())
        .await?;
    check(
        returned.returned.as_ref().map(|r| r.reason.as_str()) == Some("请补充检查方式"),
        "the reason is kept",
    )?;
    check(
        s.get_approval(&id).await? == Some(returned.clone()),
        "the return is stored",
    )?;
    check(
        last_action(&s).await? == Some(AuditAction::DraftReturned),
        "audited as returned",
    )?;
    expect_err(
        s.approve(&meta_by("ap0", "chief")?, &id).await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "a returned draft is not approved",
    )?;

    let mut amended = first.clone();
    amended.findings = "资质齐全，已补充检查方式".into();
    expect_err(
        s.amend_result(&meta_by("am0", "someone-else")?, amended.clone())
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "only the author amends",
    )?;
    let mut reassigned = amended.clone();
    reassigned.inspectors.reverse();
    if reassigned.inspectors != amended.inspectors {
        expect_err(
            s.amend_result(&meta_by("am1", "author")?, reassigned).await,
            |e| matches!(e, StoreError::Conflict { .. }),
            "the inspectors stay those drawn",
        )?;
    }
    s.amend_result(&meta_by("am2", "author")?, amended.clone())
        .await?;
    check(
        s.get_result(&first.plan, &first.target).await? == amended,
        "the amended result is stored",
    )?;
    let resubmitted = s.get_approval(&id).await?.ok_or("no approval")?;
    check(
        !resubmitted.is_returned() && !resubmitted.is_approved(),
        "amending resubmits",
    )?;
    check(
        last_action(&s).await? == Some(AuditAction::ResultAmended),
        "audited as amended",
    )?;
    s.approve(&meta_by("ap1", "chief")?, &id).await?;
    expect_err(
        s.amend_result(&meta_by("am3", "author")?, first.clone())
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "an approved result is final",
    )?;
    expect_err(
        s.withdraw_result(&meta_by("wd0", "author")?, &first.plan, &first.target)
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "an approved result is not withdrawn",
    )?;
    expect_err(
        s.return_draft(&meta_by("ret3", "chief")?, &id, "晚了".into())
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "an approved result is not returned",
    )?;
    check(
        s.get_result(&first.plan, &first.target).await? == amended,
        "still the approved text",
    )?;

    // Withdrawn by its author: gone with its approval, and the target can be recorded anew.
    let second = result_of(1, "待复核")?;
    s.record_result(&meta_by("r2", "author")?, second.clone())
        .await?;
    expect_err(
        s.withdraw_result(&meta_by("wd1", "chief")?, &second.plan, &second.target)
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "only the author withdraws",
    )?;
    let gone = s
        .withdraw_result(&meta_by("wd2", "author")?, &second.plan, &second.target)
        .await?;
    check(gone == second, "the withdrawn result is returned")?;
    check(
        last_action(&s).await? == Some(AuditAction::ResultWithdrawn),
        "audited as withdrawn",
    )?;
    expect_err(
        s.get_result(&second.plan, &second.target).await,
        |e| matches!(e, StoreError::NotFound { .. }),
        "the result is gone",
    )?;
    let second_id = PublicationId::of(
        PublicationKind::CheckResult,
        &RecordRef::Result {
            plan: second.plan.clone(),
            target: second.target.clone(),
        },
    );
    check(
        s.get_approval(&second_id).await?.is_none(),
        "its approval is gone",
    )?;
    s.record_result(&meta_by("r3", "author")?, second.clone())
        .await?;

    // Decisions: the same.
    let decision = |number: &str, result: &str| -> Result<PenaltyDecision, BoxError> {
        Ok(serde_json::from_value(serde_json::json!({
            "number": number,
            "party": {"kind": "organisation", "name": "莆田市某旅行社有限公司", "credit_code": null},
            "cause": "未按规定公示", "legal_basis": "《旅行社条例》", "conditions": "现场检查发现",
            "procedure": "普通程序", "result": result, "authority": "莆田市文化和旅游局",
            "decided_on": "2026-10-09", "minor": false, "involves_minor": false, "target": null, "plan": null
        }))?)
    };
    let d = decision("莆文旅罚〔2026〕81号", "警告")?;
    s.record_penalty(&meta_by("p1", "author")?, d.clone())
        .await?;
    let pid = PublicationId::of(
        PublicationKind::PenaltyDecision,
        &RecordRef::Penalty {
            number: d.number.clone(),
        },
    );
    s.return_draft(&meta_by("pret", "chief")?, &pid, "处罚结果有误".into())
        .await?;
    let fixed = decision("莆文旅罚〔2026〕81号", "警告，罚款二千元")?;
    let record = s
        .amend_penalty(&meta_by("pam", "author")?, fixed.clone())
        .await?;
    check(record.decision == fixed, "the amended decision")?;
    check(
        s.get_penalty(&d.number).await?.decision == fixed,
        "stored amended",
    )?;
    check(
        last_action(&s).await? == Some(AuditAction::PenaltyAmended),
        "audited as amended",
    )?;
    s.approve(&meta_by("pap", "chief")?, &pid).await?;
    expect_err(
        s.amend_penalty(&meta_by("pam2", "author")?, d.clone())
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "an approved decision is final",
    )?;
    expect_err(
        s.withdraw_penalty(&meta_by("pwd0", "author")?, &d.number)
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
        "an approved decision is not withdrawn",
    )?;
    let other = decision("莆文旅罚〔2026〕82号", "警告")?;
    s.record_penalty(&meta_by("p2", "author")?, other.clone())
        .await?;
    s.withdraw_penalty(&meta_by("pwd1", "author")?, &other.number)
        .await?;
    check(
        last_action(&s).await? == Some(AuditAction::PenaltyWithdrawn),
        "audited as withdrawn",
    )?;
    expect_err(
        s.get_penalty(&other.number).await,
        |e| matches!(e, StoreError::NotFound { .. }),
        "the decision is gone",
    )?;
    s.record_penalty(&meta_by("p3", "author")?, other.clone())
        .await?;

    let log = s.audit_entries().await?;
    let found = spotcheck_store::replay_through_ports(&s, &log).await?;
    check(
        found.is_empty(),
        &format!("amended and withdrawn drafts replay from the audit log: {found:?}"),
    )?;
    Ok(())
}

/// An approval and a return of the same draft at the same moment: exactly one of them wins, the
/// other is refused as a conflict, the stored approval is the winner's (approved and not
/// returned, or returned and not approved) and exactly one audit entry records it. Raced many
/// times over, each on a new decision, the approval starting at staggered moments.
pub async fn an_approval_and_a_return_at_once_give_one_winner<S: Store + DraftWriter>(s: S) -> R {
    const ROUNDS: usize = 40;
    let (mut approved, mut returned) = (0, 0);
    for i in 0..ROUNDS {
        let d: PenaltyDecision = serde_json::from_value(serde_json::json!({
            "number": format!("莆文旅罚〔2026〕{}号", 300 + i),
            "party": {"kind": "organisation", "name": "莆田市某旅行社有限公司", "credit_code": null},
            "cause": "未按规定公示", "legal_basis": "《旅行社条例》", "conditions": "现场检查发现",
            "procedure": "普通程序", "result": "警告", "authority": "莆田市文化和旅游局",
            "decided_on": "2026-10-09", "minor": false, "involves_minor": false, "target": null, "plan": null
        }))?;
        s.record_penalty(&meta_by(&format!("race-p{i}"), "author")?, d.clone())
            .await?;
        let id = PublicationId::of(
            PublicationKind::PenaltyDecision,
            &RecordRef::Penalty {
                number: d.number.clone(),
            },
        );
        let entries = s.audit_entries().await?.len();
        let approve_meta = meta_by(&format!("race-ap{i}"), "chief")?;
        let return_meta = meta_by(&format!("race-ret{i}"), "deputy")?;
        // One of them starts a little after the other (0 to 27 ms, by round; the approval in
        // even rounds, the return in odd ones), so that it reads the draft before the other
        // commits in some rounds and after it in others.
        let stagger = std::time::Duration::from_millis(3 * ((i / 2) % 10) as u64);
        let (approve_after, return_after) = if i % 2 == 0 {
            (stagger, std::time::Duration::ZERO)
        } else {
            (std::time::Duration::ZERO, stagger)
        };
        let (a, r) = tokio::join!(
            async {
                tokio::time::sleep(approve_after).await;
                s.approve(&approve_meta, &id).await
            },
            async {
                tokio::time::sleep(return_after).await;
                s.return_draft(&return_meta, &id, "请核对处罚依据".into())
                    .await
            },
        );
        let stored = s.get_approval(&id).await?.ok_or("no approval")?;
        match (a, r) {
            (Ok(a), Err(StoreError::Conflict { .. })) => {
                approved += 1;
                check(
                    stored == a && stored.is_approved() && !stored.is_returned(),
                    &format!("round {i}: the approval won but {stored:?} is stored"),
                )?;
            }
            (Err(StoreError::Conflict { .. }), Ok(r)) => {
                returned += 1;
                check(
                    stored == r && stored.is_returned() && !stored.is_approved(),
                    &format!("round {i}: the return won but {stored:?} is stored"),
                )?;
            }
            (a, r) => {
                return Err(format!(
                    "round {i}: exactly one of an approval and a return must win, got {a:?} and {r:?}"
                )
                .into());
            }
        }
        check(
            s.audit_entries().await?.len() == entries + 1,
            &format!("round {i}: one audit entry for the one winner"),
        )?;
    }
    eprintln!("{ROUNDS} rounds: {approved} approvals won, {returned} returns won");
    let log = s.audit_entries().await?;
    let found = spotcheck_store::replay_through_ports(&s, &log).await?;
    check(
        found.is_empty(),
        &format!("the raced drafts replay from the audit log: {found:?}"),
    )?;
    Ok(())
}
