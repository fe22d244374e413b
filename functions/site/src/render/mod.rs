//! Renders the [`SiteModel`] into files: HTML through minijinja templates (auto-escaping on for
//! `.html` and `.atom`), JSON through serde, Atom feeds per category, and the static assets. Pure:
//! no I/O; the caller decides which files to write (see [`crate::sink`]).
//!
//! Nothing on a page depends on the time of the run, only on the records, so a run that changes
//! nothing renders byte-identical files and writes none.

use std::collections::BTreeMap;

use minijinja::{AutoEscape, Environment, Value, context};
use serde::Serialize;

use crate::error::SiteError;
use crate::view::{BusinessView, SiteModel};

pub mod search;

/// The browser verifier, copied from `web/verify/dist/verify.html` at build time.
pub const VERIFY_HTML: &[u8] = include_bytes!("../../../../web/verify/dist/verify.html");
/// The draw spec, beside the verifier as `draw-spec.txt`: the page cites its sections
/// (见《抽取规范》第 N 节) and links to it.
pub const DRAW_SPEC: &[u8] = include_bytes!("../../../../docs/draw-spec.md");
const SITE_CSS: &[u8] = include_bytes!("../../assets/site.css");
const ELDER_JS: &[u8] = include_bytes!("../../assets/elder.js");
const SEARCH_JS: &[u8] = include_bytes!("../../assets/search.js");

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    /// Path under the site root, `/`-separated, e.g. `plans/PT-2026-001/index.html`.
    pub path: String,
    /// Its media type.
    pub content_type: &'static str,
    /// Its bytes; `None` for a large immutable file the caller already has (kept as it is).
    pub body: Option<Vec<u8>>,
    /// For immutable files: what the content is derived from (e.g. a Merkle root), so an
    /// unchanged source needs no reload.
    pub source: Option<String>,
}

impl SiteFile {
    fn new(path: impl Into<String>, content_type: &'static str, body: Vec<u8>) -> Self {
        Self {
            path: path.into(),
            content_type,
            body: Some(body),
            source: None,
        }
    }
}

/// Media types.
pub mod media {
    /// HTML.
    pub const HTML: &str = "text/html; charset=utf-8";
    /// JSON.
    pub const JSON: &str = "application/json";
    /// Atom.
    pub const ATOM: &str = "application/atom+xml; charset=utf-8";
    /// CSV.
    pub const CSV: &str = "text/csv; charset=utf-8";
    /// CSS.
    pub const CSS: &str = "text/css; charset=utf-8";
    /// JavaScript.
    pub const JS: &str = "text/javascript; charset=utf-8";
    /// An RFC 3161 time-stamp response (`commitment.<authority>.tsr`).
    pub const TSR: &str = "application/timestamp-reply";
    /// PEM certificates (`tsa-anchors.pem`).
    pub const PEM: &str = "application/x-pem-file";
    /// Plain text (`draw-spec.txt`).
    pub const TEXT: &str = "text/plain; charset=utf-8";
}

/// Site-wide settings.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Shown in every page header.
    pub site_title: String,
    /// The public URL of the site root (for feeds and the download commands), e.g.
    /// `https://www.example.gov.cn/sjgk/`.
    pub base_url: Option<String>,
    /// The audit log's head as of this run, shown in every feed (`spotcheck:auditHead`).
    pub audit_head: Option<spotcheck_domain::lifecycle::AuditHead>,
    /// The bureau running the site (heading and footer), from the site configuration file.
    pub identity: Option<crate::identity::SiteIdentity>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            site_title: "文化和旅游“双随机、一公开”信息公开".into(),
            base_url: None,
            audit_head: None,
            identity: None,
        }
    }
}

/// The extra files of a drawn plan: `(plan slug, frame.csv, pool.csv, commitment.json,
/// transcript.json)`; `frame`/`pool` are `None` when the caller keeps the published copy (their
/// source, the Merkle root, is unchanged).
#[derive(Debug, Clone, Default)]
pub struct PlanFiles {
    /// Canonical commitment bytes.
    pub commitment: Option<Vec<u8>>,
    /// Canonical transcript bytes.
    pub transcript: Option<Vec<u8>>,
    /// `(root hex, csv bytes or None to keep)`.
    pub frame: Option<(String, Option<Vec<u8>>)>,
    /// `(root hex, csv bytes or None to keep)`.
    pub pool: Option<(String, Option<Vec<u8>>)>,
    /// The commitment's time-stamp tokens, `(commitment.<authority>.tsr, DER)`, and the trust
    /// anchors they chain to, `(tsa-anchors.pem, PEM)` (docs/draw-spec.md §16).
    pub timestamps: Vec<(String, Vec<u8>)>,
}

fn env() -> Result<Environment<'static>, SiteError> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") || name.ends_with(".atom") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    let templates: [(&str, &str); 13] = [
        ("base.html", include_str!("templates/base.html")),
        ("macros.html", include_str!("templates/macros.html")),
        ("index.html", include_str!("templates/index.html")),
        ("items.html", include_str!("templates/items.html")),
        ("plans.html", include_str!("templates/plans.html")),
        ("plan.html", include_str!("templates/plan.html")),
        ("results.html", include_str!("templates/results.html")),
        ("business.html", include_str!("templates/business.html")),
        ("penalties.html", include_str!("templates/penalties.html")),
        ("penalty.html", include_str!("templates/penalty.html")),
        (
            "withdrawals.html",
            include_str!("templates/withdrawals.html"),
        ),
        ("register.html", include_str!("templates/register.html")),
        ("feed.atom", include_str!("templates/feed.atom")),
    ];
    for (name, src) in templates {
        env.add_template(name, src)
            .map_err(|e| SiteError::Template {
                name: name.into(),
                reason: e.to_string(),
            })?;
    }
    Ok(env)
}

struct Renderer<'a> {
    env: Environment<'static>,
    opts: &'a RenderOptions,
    out: Vec<SiteFile>,
}

impl Renderer<'_> {
    fn page(
        &mut self,
        template: &str,
        path: &str,
        section: &str,
        ctx: Value,
    ) -> Result<(), SiteError> {
        let depth = path.matches('/').count();
        let root = "../".repeat(depth);
        let tmpl = self
            .env
            .get_template(template)
            .map_err(|e| SiteError::Template {
                name: template.into(),
                reason: e.to_string(),
            })?;
        let full = context! { root => root, section => section, site_title => self.opts.site_title, identity => self.opts.identity, ..ctx };
        let html = tmpl.render(full).map_err(|e| SiteError::Template {
            name: template.into(),
            reason: format!("{e:#}"),
        })?;
        self.out
            .push(SiteFile::new(path, media::HTML, html.into_bytes()));
        Ok(())
    }

    fn json<T: Serialize + ?Sized>(&mut self, path: &str, v: &T) -> Result<(), SiteError> {
        let mut body = serde_json::to_vec_pretty(v).map_err(|e| SiteError::Encode {
            what: path.into(),
            reason: e.to_string(),
        })?;
        body.push(b'\n');
        self.out.push(SiteFile::new(path, media::JSON, body));
        Ok(())
    }

    fn feed(
        &mut self,
        dir: &str,
        title: &str,
        mut entries: Vec<FeedEntry>,
    ) -> Result<(), SiteError> {
        entries.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.id.cmp(&b.id)));
        entries.truncate(100);
        let feed_path = format!("{dir}/feed.atom");
        for e in &mut entries {
            e.atom_id = atom_id(self.opts, &format!("{feed_path}#{}", e.id));
        }
        let feed_id = atom_id(self.opts, &feed_path);
        let updated = entries.first().map_or_else(
            || "2018-01-01T00:00:00+08:00".to_owned(),
            |e| e.updated.clone(),
        );
        let prefix = if self.opts.base_url.is_some() {
            String::new()
        } else {
            "../".to_owned()
        };
        let tmpl = self
            .env
            .get_template("feed.atom")
            .map_err(|e| SiteError::Template {
                name: "feed.atom".into(),
                reason: e.to_string(),
            })?;
        let xml = tmpl
            .render(context! {
                dir => dir, feed_id => feed_id, title => title, updated => updated, entries => entries,
                prefix => prefix, base_url => self.opts.base_url, site_title => self.opts.site_title,
                audit_head => self.opts.audit_head,
            })
            .map_err(|e| SiteError::Template {
                name: "feed.atom".into(),
                reason: format!("{e:#}"),
            })?;
        self.out.push(SiteFile::new(
            format!("{dir}/feed.atom"),
            media::ATOM,
            xml.into_bytes(),
        ));
        Ok(())
    }
}

/// An Atom id (RFC 4287 §4.2.6) for `path` (`<dir>/feed.atom`, or that with `#<entry>`), the same
/// in every run and in every deployment of the same site, and different between sites: with a
/// base URL, the path resolved against it (`https://wlj.example.gov.cn/gk/penalties/feed.atom#…`);
/// without one, a name-based UUID (RFC 9562 version 8, SHA-256) of the site title and the path.
fn atom_id(opts: &RenderOptions, path: &str) -> String {
    let escaped: String = path
        .chars()
        .flat_map(|c| {
            if c.is_ascii_alphanumeric() || "-._~/#:@!$&()*+,;=".contains(c) {
                vec![c.to_string()]
            } else {
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect()
            }
        })
        .collect();
    match &opts.base_url {
        Some(base) => {
            let sep = if base.ends_with('/') { "" } else { "/" };
            format!("{base}{sep}{escaped}")
        }
        None => {
            use sha2::Digest as _;
            let mut h = sha2::Sha256::new();
            h.update(opts.site_title.as_bytes());
            h.update([0]);
            h.update(path.as_bytes());
            let d = h.finalize();
            let mut b = [0u8; 16];
            b.copy_from_slice(&d[..16]);
            b[6] = (b[6] & 0x0f) | 0x80; // version 8
            b[8] = (b[8] & 0x3f) | 0x80; // RFC 9562 variant
            let x = hex::encode(b);
            format!(
                "urn:uuid:{}-{}-{}-{}-{}",
                &x[0..8],
                &x[8..12],
                &x[12..16],
                &x[16..20],
                &x[20..32]
            )
        }
    }
}

#[derive(Debug, Clone, Serialize)]
struct FeedEntry {
    /// The entry's Atom id (set by `feed`).
    #[serde(default)]
    atom_id: String,
    id: String,
    title: String,
    updated: String,
    link: String,
    summary: String,
}

/// `2026-11-26 09:00` (China time) → `2026-11-26T09:00:00+08:00`.
fn rfc3339(shown: Option<&str>) -> String {
    match shown.and_then(|s| s.split_once(' ')) {
        Some((d, t)) => format!("{d}T{t}:00+08:00"),
        None => "2018-01-01T00:00:00+08:00".into(),
    }
}

#[derive(Serialize)]
struct Group<'a> {
    slug: &'static str,
    label: &'static str,
    businesses: Vec<&'a BusinessView>,
}

/// Renders every file of the site. `plan_files` holds the commitment, transcript, frame and pool
/// of each drawn plan whose draw is published, by plan slug.
///
/// # Errors
/// [`SiteError::Template`] or [`SiteError::Encode`] (both bugs, not data problems).
pub fn render(
    model: &SiteModel,
    plan_files: &BTreeMap<String, PlanFiles>,
    opts: &RenderOptions,
) -> Result<Vec<SiteFile>, SiteError> {
    let mut r = Renderer {
        env: env()?,
        opts,
        out: Vec::with_capacity(
            64 + model.plans.len() * 6 + model.businesses.len() + model.penalties.len(),
        ),
    };
    r.out.push(SiteFile::new(
        "verify.html",
        media::HTML,
        VERIFY_HTML.to_vec(),
    ));
    r.out.push(SiteFile::new(
        "draw-spec.txt",
        media::TEXT,
        DRAW_SPEC.to_vec(),
    ));
    r.out.push(SiteFile::new(
        "assets/site.css",
        media::CSS,
        SITE_CSS.to_vec(),
    ));
    r.out.push(SiteFile::new(
        "assets/elder.js",
        media::JS,
        ELDER_JS.to_vec(),
    ));
    r.out.push(SiteFile::new(
        "assets/search.js",
        media::JS,
        SEARCH_JS.to_vec(),
    ));

    let current = model.item_lists.first();
    let counts = context! {
        items => current.map_or(0, |c| c.items.len()),
        item_version => current.map_or(0, |c| c.number),
        plans => model.plans.len(),
        draws => model.plans.iter().filter(|p| p.draw.is_some()).count(),
        results => model.businesses.iter().map(|b| b.results.len()).sum::<usize>(),
        penalties => model.penalties.len(),
        withdrawals => model.withdrawals.len(),
    };
    r.page("index.html", "index.html", "home", context! { counts })?;

    // Item list.
    r.page(
        "items.html",
        "items/index.html",
        "items",
        context! { current, history => model.item_lists },
    )?;
    r.json("items/index.json", &model.item_lists)?;
    let entries = model
        .item_lists
        .iter()
        .map(|v| FeedEntry {
            atom_id: String::new(),
            id: format!("item-list/{}", v.number),
            title: format!(
                "随机抽查事项清单（第 {} 版，{} 项）",
                v.number,
                v.items.len()
            ),
            updated: rfc3339(v.status.published_at.as_deref()),
            link: "items/index.html".into(),
            summary: v
                .items
                .iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join("；"),
        })
        .collect();
    r.feed("items", "随机抽查事项清单", entries)?;

    // Plans and draws.
    r.page(
        "plans.html",
        "plans/index.html",
        "plans",
        context! { plans => model.plans },
    )?;
    r.json("plans/index.json", &model.plans)?;
    let mut entries = Vec::new();
    for p in &model.plans {
        let dir = format!("plans/{}", p.slug);
        r.page(
            "plan.html",
            &format!("{dir}/index.html"),
            "plans",
            context! { p },
        )?;
        r.json(&format!("{dir}/index.json"), p)?;
        entries.push(FeedEntry {
            atom_id: String::new(),
            id: format!("plan/{}", p.id),
            title: format!("抽查计划：{}", p.title),
            updated: rfc3339(p.status.published_at.as_deref()),
            link: format!("{dir}/index.html"),
            summary: format!("{}，{}抽查{}", p.department, p.filter, p.target_kind),
        });
        if let Some(d) = &p.draw {
            entries.push(FeedEntry {
                atom_id: String::new(),
                id: format!("draw/{}", p.id),
                title: format!("抽取结果：{}", p.title),
                updated: rfc3339(d.status.published_at.as_deref()),
                link: format!("{dir}/index.html#draw-h"),
                summary: format!(
                    "抽中 {} 个检查对象，誊本摘要 {}",
                    d.selections.len(),
                    d.transcript_digest
                ),
            });
        }
        if let Some(files) = plan_files.get(&p.slug) {
            if let Some(c) = &files.commitment {
                r.out.push(SiteFile::new(
                    format!("{dir}/commitment.json"),
                    media::JSON,
                    c.clone(),
                ));
            }
            if let Some(t) = &files.transcript {
                r.out.push(SiteFile::new(
                    format!("{dir}/transcript.json"),
                    media::JSON,
                    t.clone(),
                ));
            }
            for (name, body) in &files.timestamps {
                let kind = if name.ends_with(".pem") {
                    media::PEM
                } else {
                    media::TSR
                };
                r.out
                    .push(SiteFile::new(format!("{dir}/{name}"), kind, body.clone()));
            }
            for (name, f) in [("frame.csv", &files.frame), ("pool.csv", &files.pool)] {
                if let Some((root, body)) = f {
                    r.out.push(SiteFile {
                        path: format!("{dir}/{name}"),
                        content_type: media::CSV,
                        body: body.clone(),
                        source: Some(root.clone()),
                    });
                }
            }
        }
    }
    r.feed("plans", "抽查计划与抽取", entries)?;

    // Results by business.
    let groups: Vec<Group<'_>> = [
        ("agencies", "旅行社"),
        ("guides", "导游"),
        ("operators", "在线旅游经营者"),
    ]
    .into_iter()
    .map(|(slug, label)| Group {
        slug,
        label,
        businesses: model
            .businesses
            .iter()
            .filter(|b| b.kind_slug == slug)
            .collect(),
    })
    .collect();
    r.page(
        "results.html",
        "results/index.html",
        "results",
        context! { groups },
    )?;
    r.json("results/index.json", &model.businesses)?;
    let mut entries = Vec::new();
    for b in &model.businesses {
        r.page(
            "business.html",
            &format!("results/{}/{}.html", b.kind_slug, b.slug),
            "results",
            context! { b },
        )?;
        for res in &b.results {
            entries.push(FeedEntry {
                atom_id: String::new(),
                id: format!("check-result/{}/{}", res.plan, res.target),
                title: format!("{}：{}", b.name, res.outcome),
                updated: rfc3339(res.status.published_at.as_deref()),
                link: format!("results/{}/{}.html", b.kind_slug, b.slug),
                summary: format!("{}，{}，{}", res.completed_on, res.method, res.outcome),
            });
        }
    }
    r.feed("results", "抽查情况及查处结果", entries)?;

    // Penalties.
    r.page(
        "penalties.html",
        "penalties/index.html",
        "penalties",
        context! { penalties => model.penalties },
    )?;
    r.json("penalties/index.json", &model.penalties)?;
    let mut entries = Vec::new();
    for p in &model.penalties {
        r.page(
            "penalty.html",
            &format!("penalties/{}.html", p.slug),
            "penalties",
            context! { p },
        )?;
        entries.push(FeedEntry {
            atom_id: String::new(),
            id: format!("penalty/{}", p.slug),
            title: format!("行政处罚决定 {}", p.number),
            updated: rfc3339(p.status.published_at.as_deref()),
            link: format!("penalties/{}.html", p.slug),
            summary: format!("{}：{}", p.party_name, p.result),
        });
    }
    r.feed("penalties", "行政处罚决定", entries)?;

    // Withdrawals.
    r.page(
        "withdrawals.html",
        "withdrawals/index.html",
        "withdrawals",
        context! { withdrawals => model.withdrawals },
    )?;
    r.json("withdrawals/index.json", &model.withdrawals)?;
    let entries = model
        .withdrawals
        .iter()
        .map(|w| FeedEntry {
            atom_id: String::new(),
            id: format!("withdrawal/{}", w.slug),
            title: format!("撤回公告：{}", w.number),
            updated: rfc3339(w.status.published_at.as_deref()),
            link: format!("withdrawals/index.html#{}", w.slug),
            summary: format!("{}：{}", w.change, w.reason),
        })
        .collect();
    r.feed("withdrawals", "行政处罚决定撤回公告", entries)?;

    // The register.
    r.page(
        "register.html",
        "publications/index.html",
        "publications",
        context! { lines => model.register },
    )?;
    r.json("publications/index.json", &model.register)?;

    // 检索: static lists and the client-side index.
    search::render(&mut r, model)?;
    Ok(r.out)
}
