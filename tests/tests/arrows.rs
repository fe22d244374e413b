//! The arrows between the workspace's crates point the way docs/architecture.md says ("Layers and
//! arrows": its table is the rule), and no I/O crate reaches `spotcheck-domain`.
//!
//! Read from `cargo metadata`: every normal or build dependency between two workspace crates must be
//! listed in the table, every workspace crate must have a row (and every row a crate), and none of
//! tokio, reqwest, rusqlite, hyper, axum or an `aws-*` crate may be among the domain's transitive
//! normal dependencies. Dev-dependencies are free.
//!
//! And the crates are cut as they deploy, read from `cargo tree` per package (each with its own
//! features, as `cargo build -p` builds it): no Lambda function links SQLite, each uses the one
//! shared setup (`spotcheck-lambda`), the importer links no HTTP framework, the upload function no
//! store, the API functions no S3 client, and the CLI the DynamoDB client only with its feature.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};
use spotcheck_tests::repo_root;

/// The crate that must stay free of I/O.
const PURE: &str = "spotcheck-domain";
/// Crates that do I/O (or run an async runtime) and must not reach [`PURE`].
const IO_CRATES: &[&str] = &["tokio", "reqwest", "rusqlite", "hyper", "axum"];
/// Name prefixes of I/O crate families that must not reach [`PURE`].
const IO_PREFIXES: &[&str] = &["aws-"];
const DOC: &str = "docs/architecture.md";
const SECTION: &str = "## Layers and arrows";

/// What a crate may depend on among the workspace's crates.
#[derive(Debug)]
enum Allowed {
    Any,
    Only(BTreeSet<String>),
}

/// The backticked `spotcheck-…` names in one table cell.
fn crate_names(cell: &str) -> BTreeSet<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .filter(|n| n.starts_with("spotcheck-"))
        .map(str::to_owned)
        .collect()
}

/// The arrows table of the architecture document's "Layers and arrows" section.
fn arrows_table(doc: &str) -> Result<BTreeMap<String, Allowed>, String> {
    let mut lines = doc.lines().skip_while(|l| l.trim() != SECTION);
    if lines.next().is_none() {
        return Err(format!("{DOC} has no `{SECTION}` section"));
    }
    let mut table = BTreeMap::new();
    for line in lines.take_while(|l| !l.starts_with("## ")) {
        let line = line.trim();
        if !line.starts_with('|') {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').collect();
        let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
            continue;
        };
        // The header and the separator name no crate.
        for name in crate_names(first) {
            let allowed = if last.contains("any workspace crate") {
                Allowed::Any
            } else {
                Allowed::Only(crate_names(last))
            };
            if table.insert(name.clone(), allowed).is_some() {
                return Err(format!("{DOC}: `{name}` has two rows in `{SECTION}`"));
            }
        }
    }
    if table.is_empty() {
        return Err(format!("{DOC}: `{SECTION}` has no table of crates"));
    }
    Ok(table)
}

/// The dependency graph `cargo metadata --format-version 1` describes.
struct Graph {
    names: BTreeMap<String, String>,
    members: BTreeSet<String>,
    /// package id → its dependencies.
    deps: BTreeMap<String, Vec<Edge>>,
}

/// A dependency's package id and its kinds (`None` normal, `Some("dev")`, `Some("build")`).
type Edge = (String, Vec<Option<String>>);

impl Graph {
    fn from_metadata(meta: &Value) -> Result<Self, String> {
        let str_of = |v: &Value, what: &str| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("cargo metadata: {what} is not a string"))
        };
        let mut names = BTreeMap::new();
        for p in meta["packages"].as_array().into_iter().flatten() {
            names.insert(
                str_of(&p["id"], "packages[].id")?,
                str_of(&p["name"], "packages[].name")?,
            );
        }
        let members = meta["workspace_members"]
            .as_array()
            .ok_or("cargo metadata: no workspace_members")?
            .iter()
            .map(|m| str_of(m, "workspace_members[]"))
            .collect::<Result<_, _>>()?;
        let mut deps = BTreeMap::new();
        let nodes = meta["resolve"]["nodes"]
            .as_array()
            .ok_or("cargo metadata: no resolve.nodes")?;
        for n in nodes {
            let mut out = Vec::new();
            for d in n["deps"].as_array().into_iter().flatten() {
                let kinds = d["dep_kinds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|k| k["kind"].as_str().map(str::to_owned))
                    .collect();
                out.push((str_of(&d["pkg"], "deps[].pkg")?, kinds));
            }
            deps.insert(str_of(&n["id"], "resolve.nodes[].id")?, out);
        }
        Ok(Self {
            names,
            members,
            deps,
        })
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map_or(id, String::as_str)
    }

    /// The dependencies of `id` with one of these kinds (`None` = normal).
    fn deps_of<'a>(
        &'a self,
        id: &str,
        kinds: &'a [Option<&'a str>],
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.deps
            .get(id)
            .into_iter()
            .flatten()
            .filter(move |(_, ks)| ks.iter().any(|k| kinds.contains(&k.as_deref())))
            .map(|(d, _)| d.as_str())
    }
}

fn is_io_crate(name: &str) -> bool {
    IO_CRATES.contains(&name) || IO_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Every way the graph breaks the table, or lets an I/O crate reach the domain.
fn violations(graph: &Graph, table: &BTreeMap<String, Allowed>) -> Vec<String> {
    let mut out = Vec::new();
    let member_names: BTreeSet<&str> = graph.members.iter().map(|m| graph.name(m)).collect();
    for row in table.keys() {
        if !member_names.contains(row.as_str()) {
            out.push(format!(
                "{DOC} has a row for `{row}`, which is not a workspace crate"
            ));
        }
    }
    for member in &graph.members {
        let name = graph.name(member);
        let Some(allowed) = table.get(name) else {
            out.push(format!(
                "`{name}` has no row in {DOC} ({SECTION}): add one saying what it may depend on"
            ));
            continue;
        };
        for dep in graph.deps_of(member, &[None, Some("build")]) {
            if !graph.members.contains(dep) {
                continue;
            }
            let dep = graph.name(dep);
            let ok = match allowed {
                Allowed::Any => true,
                Allowed::Only(set) => set.contains(dep),
            };
            if !ok {
                out.push(format!(
                    "`{name}` depends on `{dep}`, an arrow {DOC} ({SECTION}) does not allow"
                ));
            }
        }
    }
    // Breadth first from the domain over normal dependencies, remembering how each was reached.
    let Some(root) = graph.members.iter().find(|m| graph.name(m) == PURE) else {
        out.push(format!("`{PURE}` is not a workspace crate"));
        return out;
    };
    let mut via: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([root.as_str()]);
    let mut seen = BTreeSet::from([root.as_str()]);
    while let Some(id) = queue.pop_front() {
        for dep in graph.deps_of(id, &[None]) {
            if seen.insert(dep) {
                via.insert(dep, id);
                queue.push_back(dep);
            }
        }
    }
    for id in &seen {
        let name = graph.name(id);
        if is_io_crate(name) {
            let mut path = vec![name];
            let mut at = *id;
            while let Some(prev) = via.get(at) {
                path.push(graph.name(prev));
                at = prev;
            }
            path.reverse();
            out.push(format!(
                "the I/O crate `{name}` reaches `{PURE}`: {}",
                path.join(" → ")
            ));
        }
    }
    out
}

fn documented_table() -> Result<BTreeMap<String, Allowed>, String> {
    let doc = std::fs::read_to_string(repo_root().join(DOC)).map_err(|e| format!("{DOC}: {e}"))?;
    arrows_table(&doc)
}

#[test]
fn the_workspace_follows_the_documented_arrows() -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest: PathBuf = repo_root().join("Cargo.toml");
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(&manifest)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let graph = Graph::from_metadata(&meta)?;
    assert!(
        graph.members.len() > 5,
        "cargo metadata listed the workspace"
    );
    let found = violations(&graph, &documented_table()?);
    assert!(found.is_empty(), "{}", found.join("\n"));
    Ok(())
}

// ---- the test fails on a forbidden arrow: doctored metadata ----

/// Metadata for these packages (all workspace members unless named in `external`) and edges
/// `(from, to, kind)`.
fn doctored(members: &[&str], external: &[&str], edges: &[(&str, &str, Option<&str>)]) -> Value {
    let id = |n: &str| format!("path+file:///w#{n}@0.1.0");
    let packages: Vec<Value> = members
        .iter()
        .chain(external)
        .map(|n| json!({"id": id(n), "name": n}))
        .collect();
    let nodes: Vec<Value> = members
        .iter()
        .chain(external)
        .map(|n| {
            let deps: Vec<Value> = edges
                .iter()
                .filter(|(from, _, _)| from == n)
                .map(|(_, to, kind)| json!({"pkg": id(to), "dep_kinds": [{"kind": kind}]}))
                .collect();
            json!({"id": id(n), "deps": deps})
        })
        .collect();
    json!({
        "packages": packages,
        "workspace_members": members.iter().map(|n| id(n)).collect::<Vec<_>>(),
        "resolve": {"nodes": nodes},
    })
}

/// Every crate the documented table names, so that no row is reported missing or stale.
fn documented_members(table: &BTreeMap<String, Allowed>) -> Vec<&str> {
    table.keys().map(String::as_str).collect()
}

fn check(external: &[&str], edges: &[(&str, &str, Option<&str>)]) -> Result<Vec<String>, String> {
    let table = documented_table()?;
    let meta = doctored(&documented_members(&table), external, edges);
    Ok(violations(&Graph::from_metadata(&meta)?, &table))
}

#[test]
fn the_documented_arrows_pass_the_check() -> Result<(), String> {
    let found = check(
        &["serde", "tokio"],
        &[
            ("spotcheck-app", "spotcheck-domain", None),
            ("spotcheck-api", "spotcheck-app", None),
            ("spotcheck-api", "spotcheck-store", Some("dev")),
            ("spotcheck-cli", "spotcheck-store", None),
            ("spotcheck-domain", "serde", None),
            ("spotcheck-domain", "tokio", Some("dev")),
        ],
    )?;
    assert_eq!(found, Vec::<String>::new());
    Ok(())
}

#[test]
fn an_api_depending_on_the_store_fails() -> Result<(), String> {
    let found = check(&[], &[("spotcheck-api", "spotcheck-store", None)])?;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("`spotcheck-api` depends on `spotcheck-store`"),
        "{found:?}"
    );
    // As a build dependency too.
    let found = check(&[], &[("spotcheck-api", "spotcheck-store", Some("build"))])?;
    assert_eq!(found.len(), 1, "{found:?}");
    Ok(())
}

#[test]
fn the_domain_depending_on_any_workspace_crate_fails() -> Result<(), String> {
    for other in ["spotcheck-app", "spotcheck-store", "spotcheck-beacon"] {
        let found = check(&[], &[("spotcheck-domain", other, None)])?;
        assert!(
            found
                .iter()
                .any(|f| f.contains(&format!("`spotcheck-domain` depends on `{other}`"))),
            "{found:?}"
        );
    }
    Ok(())
}

#[test]
fn the_application_core_depending_on_a_surface_or_the_store_fails() -> Result<(), String> {
    for other in ["spotcheck-api", "spotcheck-store", "spotcheck-site"] {
        let found = check(&[], &[("spotcheck-app", other, None)])?;
        assert_eq!(found.len(), 1, "{other}: {found:?}");
    }
    Ok(())
}

#[test]
fn an_io_crate_reaching_the_domain_transitively_fails_and_names_the_path() -> Result<(), String> {
    let found = check(
        &["innocent", "tokio"],
        &[
            ("spotcheck-domain", "innocent", None),
            ("innocent", "tokio", None),
        ],
    )?;
    assert_eq!(
        found,
        vec![
            "the I/O crate `tokio` reaches `spotcheck-domain`: spotcheck-domain → innocent → tokio"
        ]
    );
    for io in ["reqwest", "rusqlite", "hyper", "axum", "aws-smithy-types"] {
        let found = check(&[io], &[("spotcheck-domain", io, None)])?;
        assert_eq!(found.len(), 1, "{io}: {found:?}");
    }
    // Through a workspace crate: both the arrow and the I/O crate are reported.
    let found = check(
        &["rusqlite"],
        &[
            ("spotcheck-domain", "spotcheck-store", None),
            ("spotcheck-store", "rusqlite", None),
        ],
    )?;
    assert_eq!(found.len(), 2, "{found:?}");
    Ok(())
}

#[test]
fn an_io_crate_only_in_the_domain_s_dev_dependencies_passes() -> Result<(), String> {
    let found = check(&["tokio"], &[("spotcheck-domain", "tokio", Some("dev"))])?;
    assert_eq!(found, Vec::<String>::new());
    Ok(())
}

#[test]
fn a_crate_without_a_row_and_a_row_without_a_crate_fail() -> Result<(), String> {
    let table = documented_table()?;
    let mut members = documented_members(&table);
    members.retain(|m| *m != "spotcheck-site");
    members.push("spotcheck-undocumented");
    let found = violations(
        &Graph::from_metadata(&doctored(&members, &[], &[]))?,
        &table,
    );
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .any(|f| f.contains("`spotcheck-undocumented` has no row"))
    );
    assert!(found.iter().any(|f| f.contains("row for `spotcheck-site`")));
    Ok(())
}

#[test]
fn the_table_is_read_from_the_document_s_section_only() -> Result<(), String> {
    let doc = "# A\n| `spotcheck-x` | y | `spotcheck-z` |\n## Layers and arrows\n\n| Crate | Layer | May depend on |\n|---|---|---|\n| `spotcheck-a`, `spotcheck-b` | l | `spotcheck-c` |\n| `spotcheck-t` | tests | any workspace crate |\n## Next\n| `spotcheck-q` | l | nothing |\n";
    let table = arrows_table(doc)?;
    assert_eq!(
        table.keys().map(String::as_str).collect::<Vec<_>>(),
        ["spotcheck-a", "spotcheck-b", "spotcheck-t"]
    );
    assert!(
        matches!(&table["spotcheck-a"], Allowed::Only(s) if s.len() == 1 && s.contains("spotcheck-c"))
    );
    assert!(matches!(table["spotcheck-t"], Allowed::Any));
    assert!(arrows_table("# nothing here\n").is_err());
    Ok(())
}

// ---- crates cut as they deploy: what each host links, per package, with its own features ----

/// The Lambda functions (packages with a binary built on `lambda_http` or `lambda_runtime`).
const LAMBDAS: &[&str] = &[
    "spotcheck-inspector-api",
    "spotcheck-public-api",
    "spotcheck-upload-api",
    "spotcheck-importer",
    "spotcheck-publisher",
];

/// The crates `package` links: its normal dependencies, resolved by `cargo tree` for that package
/// alone (so with the features it asks for, as `cargo build -p` builds it), plus `args`.
fn linked(package: &str, args: &[&str]) -> Result<BTreeSet<String>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree", "--locked", "-e", "normal", "--prefix", "none", "--format", "{p}",
        ])
        .arg("--manifest-path")
        .arg(repo_root().join("Cargo.toml"))
        .args(["-p", package])
        .args(args)
        .output()
        .map_err(|e| format!("cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo tree -p {package} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let names: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    if !names.contains(package) {
        return Err(format!("cargo tree -p {package} did not list {package}"));
    }
    Ok(names)
}

/// The ones of `forbidden` that `package` links, with `args`.
fn links_any(package: &str, args: &[&str], forbidden: &[&str]) -> Result<Vec<String>, String> {
    let names = linked(package, args)?;
    Ok(forbidden
        .iter()
        .filter(|f| names.contains(**f))
        .map(|f| format!("{package} links {f}"))
        .collect())
}

#[test]
fn the_lambda_list_is_every_package_with_a_lambda_binary() -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(repo_root().join("Cargo.toml"))
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    let meta: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let mut found = BTreeSet::new();
    for p in meta["packages"].as_array().into_iter().flatten() {
        let lambda = p["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| matches!(d["name"].as_str(), Some("lambda_http" | "lambda_runtime")));
        let bin = p["targets"].as_array().into_iter().flatten().any(|t| {
            t["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bin"))
        });
        if lambda && bin {
            found.extend(p["name"].as_str().map(str::to_owned));
        }
    }
    let listed: BTreeSet<String> = LAMBDAS.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(found, listed);
    Ok(())
}

#[test]
fn no_lambda_function_links_sqlite() -> Result<(), String> {
    let mut found = Vec::new();
    for l in LAMBDAS {
        found.extend(links_any(l, &[], &["rusqlite", "libsqlite3-sys"])?);
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    Ok(())
}

#[test]
fn every_lambda_function_uses_the_one_shared_setup() -> Result<(), String> {
    for l in LAMBDAS {
        let direct = linked(l, &["--depth", "1"])?;
        assert!(
            direct.contains("spotcheck-lambda"),
            "{l} does not use spotcheck-lambda: {direct:?}"
        );
        // The logging setup is spotcheck-lambda's `init_logging`, not redone per function.
        assert!(
            !direct.contains("tracing-subscriber"),
            "{l} sets up its logs itself (tracing-subscriber)"
        );
    }
    Ok(())
}

#[test]
fn the_importer_links_no_http_framework() -> Result<(), String> {
    let names = linked("spotcheck-importer", &[])?;
    assert!(names.contains("spotcheck-uploads"), "{names:?}");
    let found: Vec<&str> = [
        "spotcheck-api",
        "axum",
        "jsonwebtoken",
        "utoipa",
        "lambda_http",
    ]
    .into_iter()
    .filter(|n| names.contains(*n))
    .collect();
    assert!(found.is_empty(), "the importer links {found:?}");
    Ok(())
}

#[test]
fn the_upload_function_links_no_store_and_the_api_functions_no_s3() -> Result<(), String> {
    let mut found = links_any(
        "spotcheck-upload-api",
        &[],
        &["spotcheck-store", "aws-sdk-dynamodb"],
    )?;
    for api in ["spotcheck-inspector-api", "spotcheck-public-api"] {
        found.extend(links_any(api, &[], &["aws-sdk-s3"])?);
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    Ok(())
}

#[test]
fn the_cli_links_dynamodb_only_with_its_feature() -> Result<(), String> {
    let plain = linked("spotcheck-cli", &[])?;
    assert!(plain.contains("rusqlite"), "the CLI lost SQLite");
    assert!(
        !plain.contains("aws-sdk-dynamodb"),
        "spotcheck-cli links aws-sdk-dynamodb without its feature `dynamodb`"
    );
    // The check can fail: with the feature, the client is there.
    let with = linked("spotcheck-cli", &["--features", "dynamodb"])?;
    assert!(with.contains("aws-sdk-dynamodb"), "{with:?}");
    Ok(())
}
