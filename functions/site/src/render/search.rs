//! 检索: finding a business by name, 统一社会信用代码 or 导游证号, and a penalty decision by its
//! number. Works without JavaScript: static list pages per group (旅行社, 导游, 在线旅游经营者,
//! 行政处罚决定), each at most [`PAGE_ROWS`] rows, to read or search with the browser's find.
//! With JavaScript, `assets/search.js` loads a small index (`search/index.json`, which names
//! shards of at most [`SHARD_ENTRIES`] entries) and filters it as one types.
//!
//! Everything here comes from the [`SiteModel`], which is already redacted: guides' and natural
//! persons' names are masked exactly as on their pages, and no view carries an ID number.

use minijinja::context;
use serde::Serialize;

use super::{Renderer, SiteFile, media};
use crate::error::SiteError;
use crate::view::SiteModel;

/// Rows per static list page.
pub const PAGE_ROWS: usize = 500;
/// Entries per shard of the client-side index.
pub const SHARD_ENTRIES: usize = 2000;

/// One findable record.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SearchEntry {
    /// Group: `agencies`, `guides`, `operators`, `decisions`.
    pub g: &'static str,
    /// Name as published (natural persons masked).
    pub n: String,
    /// The codes it is found by: credit code or guide card; decision numbers.
    pub c: Vec<String>,
    /// What it is, in words (`旅行社`, `行政处罚决定（已撤回）` …).
    pub k: String,
    /// Its page, from the site root.
    pub u: String,
}

/// The index's manifest (`search/index.json`).
#[derive(Debug, Clone, Serialize)]
pub struct SearchManifest {
    /// `spotcheck-search/1`.
    pub format: &'static str,
    /// The shards, relative to `search/`.
    pub shards: Vec<String>,
}

/// One group of the static pages, as the search page lists it.
#[derive(Debug, Clone, Serialize)]
struct Group {
    slug: &'static str,
    label: &'static str,
    /// What its code column holds.
    code_label: &'static str,
    /// Its records.
    count: usize,
    /// Its pages: `(number, file name)`.
    pages: Vec<(usize, String)>,
}

/// Every findable record, by group, each sorted by name then code.
pub fn entries(model: &SiteModel) -> Vec<(&'static str, &'static str, Vec<SearchEntry>)> {
    let mut out = Vec::new();
    for (slug, label) in [
        ("agencies", "旅行社"),
        ("guides", "导游"),
        ("operators", "在线旅游经营者"),
    ] {
        let mut list: Vec<SearchEntry> = model
            .businesses
            .iter()
            .filter(|b| b.kind_slug == slug)
            .map(|b| {
                let mut c = vec![b.target.clone()];
                c.extend(b.penalties.iter().map(|(n, _)| n.clone()));
                SearchEntry {
                    g: slug,
                    n: b.name.clone(),
                    c,
                    k: label.to_owned(),
                    u: format!("results/{}/{}.html", b.kind_slug, b.slug),
                }
            })
            .collect();
        list.sort_by(|a, b| a.n.cmp(&b.n).then(a.c.cmp(&b.c)));
        out.push((slug, label, list));
    }
    // In order of decision date: a new decision joins the last page and the earlier pages stay
    // as they were (fewer files to rewrite).
    let mut dated: Vec<(String, SearchEntry)> = model
        .penalties
        .iter()
        .map(|p| {
            (
                p.decided_on.clone(),
                SearchEntry {
                    g: "decisions",
                    n: p.party_name.clone(),
                    c: std::iter::once(p.number.clone())
                        .chain(p.party_id.clone())
                        .collect(),
                    k: format!("行政处罚决定，{} 作出", p.decided_on),
                    u: format!("penalties/{}.html", p.slug),
                },
            )
        })
        .chain(model.withdrawals.iter().map(|w| {
            (
                w.effective_on.clone(),
                SearchEntry {
                    g: "decisions",
                    n: w.party_name.clone(),
                    c: vec![w.number.clone()],
                    k: format!(
                        "行政处罚决定，{} 起{}，见撤回公告",
                        w.effective_on, w.change
                    ),
                    u: format!("withdrawals/index.html#{}", w.slug),
                },
            )
        }))
        .collect();
    dated.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.c.cmp(&b.1.c))
            .then(a.1.u.cmp(&b.1.u))
    });
    let decisions: Vec<SearchEntry> = dated.into_iter().map(|(_, e)| e).collect();
    out.push(("decisions", "行政处罚决定", decisions));
    out
}

/// The file name of page `n` (1-based) of a group: `agencies.html`, `agencies-2.html` ….
fn page_name(slug: &str, n: usize) -> String {
    if n <= 1 {
        format!("{slug}.html")
    } else {
        format!("{slug}-{n}.html")
    }
}

/// The index's shards, `(file name, entries)`: each entry goes to the bucket its link hashes to
/// (SHA-256), among a power-of-two number of buckets holding about half of [`SHARD_ENTRIES`]
/// each, so one new record changes one shard; a bucket over [`SHARD_ENTRIES`] is cut in parts.
fn shard(entries: &[SearchEntry]) -> Vec<(String, Vec<&SearchEntry>)> {
    use sha2::Digest as _;
    let buckets = (entries.len() * 2)
        .div_ceil(SHARD_ENTRIES)
        .max(1)
        .next_power_of_two();
    let mut by_bucket: Vec<Vec<&SearchEntry>> = vec![Vec::new(); buckets];
    for e in entries {
        let h = sha2::Sha256::digest(e.u.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&h[..8]);
        let b = (u64::from_be_bytes(first) % buckets as u64) as usize;
        if let Some(v) = by_bucket.get_mut(b) {
            v.push(e);
        }
    }
    let mut out = Vec::new();
    for (b, list) in by_bucket.into_iter().enumerate() {
        if list.len() <= SHARD_ENTRIES {
            out.push((format!("index-{}.json", b + 1), list));
        } else {
            for (part, chunk) in list.chunks(SHARD_ENTRIES).enumerate() {
                out.push((format!("index-{}-{}.json", b + 1, part + 1), chunk.to_vec()));
            }
        }
    }
    out
}

/// Renders `search/index.html`, the group pages, the index and its shards.
pub(super) fn render(r: &mut Renderer<'_>, model: &SiteModel) -> Result<(), SiteError> {
    for (name, src) in [
        ("search.html", include_str!("templates/search.html")),
        (
            "search_list.html",
            include_str!("templates/search_list.html"),
        ),
    ] {
        r.env
            .add_template(name, src)
            .map_err(|e| SiteError::Template {
                name: name.into(),
                reason: e.to_string(),
            })?;
    }
    let all = entries(model);
    let mut groups = Vec::new();
    for (slug, label, list) in &all {
        let code_label = match *slug {
            "agencies" | "operators" => "统一社会信用代码",
            "guides" => "导游证号",
            _ => "决定书文号",
        };
        let pages = list.len().div_ceil(PAGE_ROWS).max(1);
        let page_links: Vec<(usize, String)> =
            (1..=pages).map(|n| (n, page_name(slug, n))).collect();
        for n in 1..=pages {
            let rows: Vec<&SearchEntry> = list
                .iter()
                .skip((n - 1) * PAGE_ROWS)
                .take(PAGE_ROWS)
                .collect();
            r.page(
                "search_list.html",
                &format!("search/{}", page_name(slug, n)),
                "search",
                context! {
                    slug, label, code_label, rows, page => n, pages, page_links => &page_links,
                    total => list.len(), first => (n - 1) * PAGE_ROWS + 1,
                },
            )?;
        }
        groups.push(Group {
            slug,
            label,
            code_label,
            count: list.len(),
            pages: page_links,
        });
    }
    r.page(
        "search.html",
        "search/index.html",
        "search",
        context! { groups },
    )?;
    let flat: Vec<SearchEntry> = all.into_iter().flat_map(|(_, _, l)| l).collect();
    let mut shards = Vec::new();
    for (name, chunk) in shard(&flat) {
        let mut body = serde_json::to_vec(&chunk).map_err(|e| SiteError::Encode {
            what: name.clone(),
            reason: e.to_string(),
        })?;
        body.push(b'\n');
        r.out
            .push(SiteFile::new(format!("search/{name}"), media::JSON, body));
        shards.push(name);
    }
    r.json(
        "search/index.json",
        &SearchManifest {
            format: "spotcheck-search/1",
            shards,
        },
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::render::RenderOptions;
    use crate::view::{PenaltyView, Status};

    fn decision(i: usize) -> PenaltyView {
        PenaltyView {
            slug: format!("d{i:05}"),
            number: format!("莆文旅罚〔2026〕{i}号"),
            party_name: "莆田某旅行社有限公司".into(),
            party_kind: "法人或其他组织",
            party_id: Some("91350302MA00000ETT".into()),
            cause: "未按规定公示".into(),
            legal_basis: String::new(),
            conditions: String::new(),
            procedure: String::new(),
            result: "警告".into(),
            authority: "莆田市文化和旅游局".into(),
            decided_on: "2026-11-19".into(),
            minor: true,
            displayed_until: None,
            status: Status {
                state: "published",
                state_label: "已公开",
                deadline: None,
                provisional: false,
                published_at: None,
                on_time: None,
                timeliness: "",
            },
            categories: None,
            fine: None,
            confiscation: None,
            plan_id: None,
            target: None,
            plan_link: None,
            business_link: None,
        }
    }

    #[test]
    fn many_decisions_are_split_into_bounded_pages_and_shards() -> Result<(), SiteError> {
        let n = 2 * SHARD_ENTRIES + 1;
        let model = SiteModel {
            penalties: (1..=n).map(decision).collect(),
            ..SiteModel::default()
        };
        let files = super::super::render(&model, &BTreeMap::new(), &RenderOptions::default())?;
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let pages = n.div_ceil(PAGE_ROWS);
        for p in 1..=pages {
            assert!(
                paths.contains(&format!("search/{}", page_name("decisions", p)).as_str()),
                "page {p}"
            );
        }
        assert!(!paths.contains(&format!("search/{}", page_name("decisions", pages + 1)).as_str()));
        let shards: Vec<&SiteFile> = files
            .iter()
            .filter(|f| f.path.starts_with("search/index-"))
            .collect();
        // 4,001 entries: 8 buckets of about 500.
        assert_eq!(shards.len(), 8);
        let total: usize = shards
            .iter()
            .filter_map(|s| s.body.as_deref())
            .filter_map(|b| serde_json::from_slice::<Vec<serde_json::Value>>(b).ok())
            .map(|v| v.len())
            .sum();
        assert_eq!(total, n, "every entry in exactly one shard");
        for s in &shards {
            let body = s.body.as_deref().unwrap_or_default();
            let v: Vec<serde_json::Value> =
                serde_json::from_slice(body).map_err(|e| SiteError::Encode {
                    what: s.path.clone(),
                    reason: e.to_string(),
                })?;
            assert!(v.len() <= SHARD_ENTRIES);
            // An entry is small: one decision is well under 400 bytes.
            assert!(
                body.len() <= SHARD_ENTRIES * 400,
                "{}: {} bytes",
                s.path,
                body.len()
            );
        }
        // The second page starts where the first stopped.
        let second = files
            .iter()
            .find(|f| f.path == "search/decisions-2.html")
            .and_then(|f| f.body.as_deref())
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        assert!(second.contains(&format!("第 {}–{} 条", PAGE_ROWS + 1, 2 * PAGE_ROWS)));
        assert!(second.contains(r#"aria-current="page">第 2 页"#));
        Ok(())
    }
}
