//! Contract cases for listing a registry's snapshot history.

use spotcheck_domain::lifecycle::WriteMeta;
use spotcheck_domain::registry::RegistryKind;
use spotcheck_store::testkit::{AT, BoxError};

use super::{R, Store, agencies, check};

fn meta_by(key: &str, actor: &str, at: i64) -> Result<WriteMeta, BoxError> {
    Ok(WriteMeta::new(
        key.parse()?,
        actor.parse()?,
        spotcheck_domain::time::Timestamp::from_unix(AT.unix() + at),
    ))
}

/// Every snapshot of a registry is listed newest first, with its number, time, size and who
/// stored it; `before` and `limit` page backwards; other registries are not mixed in; an
/// idempotent retry adds nothing.
pub async fn snapshot_history_lists_newest_first_with_who_stored_each<S: Store>(s: S) -> R {
    check(
        s.list_snapshots(RegistryKind::Agencies, None, 10)
            .await?
            .is_empty(),
        "no history before the first import",
    )?;
    let names = ["甲旅行社", "乙旅行社", "丙旅行社"];
    for (i, who) in ["registrar-a", "registrar-b", "registrar-a"]
        .iter()
        .enumerate()
    {
        let n = i as u64 + 1;
        let snap = agencies(n, &names[i..=i])?;
        s.store_snapshot(&meta_by(&format!("h{n}"), who, i as i64 * 60)?, &snap)
            .await?;
    }
    // A retry of the last write with the same key stores and audits nothing more.
    s.store_snapshot(
        &meta_by("h3", "registrar-a", 120)?,
        &agencies(3, &names[2..])?,
    )
    .await?;
    let all = s.list_snapshots(RegistryKind::Agencies, None, 10).await?;
    let numbers: Vec<u64> = all.iter().map(|e| e.info.number).collect();
    check(numbers == [3, 2, 1], &format!("newest first: {numbers:?}"))?;
    let by: Vec<Option<&str>> = all
        .iter()
        .map(|e| e.stored_by.as_ref().map(|a| a.as_str()))
        .collect();
    check(
        by == [
            Some("registrar-a"),
            Some("registrar-b"),
            Some("registrar-a"),
        ],
        &format!("who stored each: {by:?}"),
    )?;
    let sizes: Vec<u64> = all.iter().map(|e| e.info.records).collect();
    check(sizes == [1, 1, 1], &format!("record counts: {sizes:?}"))?;
    check(
        all[2].info.stored_at.unix() == AT.unix()
            && all[0].info.stored_at.unix() == AT.unix() + 120,
        "stored times",
    )?;
    check(
        Some(all[0].info) == s.latest_snapshot(RegistryKind::Agencies).await?,
        "the first entry is the latest snapshot",
    )?;
    let page = s.list_snapshots(RegistryKind::Agencies, None, 2).await?;
    check(
        page.iter().map(|e| e.info.number).collect::<Vec<_>>() == [3, 2],
        "limit",
    )?;
    let next = s.list_snapshots(RegistryKind::Agencies, Some(2), 2).await?;
    check(
        next.iter().map(|e| e.info.number).collect::<Vec<_>>() == [1],
        "before pages back",
    )?;
    check(
        s.list_snapshots(RegistryKind::Agencies, Some(1), 10)
            .await?
            .is_empty(),
        "nothing before the first",
    )?;
    check(
        s.list_snapshots(RegistryKind::Guides, None, 10)
            .await?
            .is_empty(),
        "another registry has its own history",
    )?;
    Ok(())
}
