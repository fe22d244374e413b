//! `infra/template.yaml` against the workspace, so the deployment cannot drift from the code:
//!
//! * every Lambda binary of the workspace (a `[[bin]]` of a package under `functions/` that depends
//!   on `lambda_http` or `lambda_runtime`) is a function of the template, built by cargo-lambda from
//!   its own package for `provided.al2023` on arm64, and every such function is a binary we have;
//! * every environment variable a function reads is set in its environment (the template's
//!   `Globals` merged with the function's own), found by scanning the function's crate, the
//!   workspace crates it depends on, and — for `spotcheck-lambda` — only the helpers it calls, so
//!   the master key goes to the function that derives secrets and to no other;
//! * the public function may only read the table (`GetItem`, `Query`, `BatchGetItem`), and no
//!   function may update or delete items (records are written once);
//! * the importer runs on the upload bucket's "Object Created" events under `uploads/`, may write
//!   only outcomes; the upload API may create uploads and requests but never outcomes, and holds
//!   no table access; the inspector API holds no bucket access.
//!
//! SAM templates use YAML tags (`!Ref`, `!Sub`, `!GetAtt`); `serde_yaml_ng` keeps them as tagged
//! values, which this test looks through.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail, ensure};
use serde_yaml_ng::Value;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}

/// The value under a tag (`!Ref Table` → `Table`), or the value itself.
fn untagged(v: &Value) -> &Value {
    match v {
        Value::Tagged(t) => untagged(&t.value),
        other => other,
    }
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter()
        .try_fold(untagged(v), |v, key| v.get(*key).map(untagged))
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    get(v, path).and_then(Value::as_str)
}

fn keys(v: Option<&Value>) -> BTreeSet<String> {
    v.and_then(Value::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

struct Template {
    doc: Value,
}

/// One `AWS::Serverless::Function` of the template.
struct Function<'a> {
    logical_id: String,
    resource: &'a Value,
}

impl Template {
    fn load() -> Result<Self> {
        let path = workspace_root().join("infra/template.yaml");
        let text =
            std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?;
        let doc = serde_yaml_ng::from_str(&text).context("parse infra/template.yaml")?;
        Ok(Self { doc })
    }

    fn functions(&self) -> Vec<Function<'_>> {
        get(&self.doc, &["Resources"])
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .filter(|(_, r)| text(r, &["Type"]) == Some("AWS::Serverless::Function"))
            .filter_map(|(id, r)| {
                Some(Function {
                    logical_id: id.as_str()?.to_owned(),
                    resource: r,
                })
            })
            .collect()
    }

    /// A function property, falling back to `Globals.Function` as SAM does.
    fn property<'a>(&'a self, f: &'a Function<'_>, name: &str) -> Option<&'a Value> {
        get(f.resource, &["Properties", name])
            .or_else(|| get(&self.doc, &["Globals", "Function", name]))
    }

    /// Environment variable names: `Globals` merged with the function's own.
    fn environment(&self, f: &Function<'_>) -> BTreeSet<String> {
        let mut names = keys(get(
            &self.doc,
            &["Globals", "Function", "Environment", "Variables"],
        ));
        names.extend(keys(get(
            f.resource,
            &["Properties", "Environment", "Variables"],
        )));
        names
    }
}

/// A Lambda binary of the workspace and the package it belongs to.
#[derive(Debug)]
struct LambdaBinary {
    bin: String,
    package: String,
    dir: PathBuf,
}

struct Workspace {
    lambdas: Vec<LambdaBinary>,
    /// Package name → its directory and the directories of the workspace packages it depends on.
    path_deps: BTreeMap<String, (PathBuf, Vec<PathBuf>)>,
}

fn workspace() -> Result<Workspace> {
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .output()
        .context("run cargo metadata")?;
    ensure!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let functions_dir = root.join("functions");
    let mut lambdas = Vec::new();
    let mut path_deps = BTreeMap::new();
    for p in meta["packages"].as_array().into_iter().flatten() {
        let name = p["name"]
            .as_str()
            .ok_or_else(|| anyhow!("package without name"))?;
        let dir = Path::new(p["manifest_path"].as_str().unwrap_or_default())
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| anyhow!("{name}: no manifest path"))?;
        let deps = p["dependencies"].as_array().into_iter().flatten();
        let is_lambda = deps
            .clone()
            .any(|d| matches!(d["name"].as_str(), Some("lambda_http" | "lambda_runtime")));
        let local: Vec<PathBuf> = deps
            .filter(|d| d["kind"].is_null())
            .filter_map(|d| d["path"].as_str().map(PathBuf::from))
            .collect();
        path_deps.insert(name.to_owned(), (dir.clone(), local));
        if !is_lambda || !dir.starts_with(&functions_dir) {
            continue;
        }
        for t in p["targets"].as_array().into_iter().flatten() {
            if t["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bin"))
            {
                lambdas.push(LambdaBinary {
                    bin: t["name"].as_str().unwrap_or_default().to_owned(),
                    package: name.to_owned(),
                    dir: dir.clone(),
                });
            }
        }
    }
    Ok(Workspace { lambdas, path_deps })
}

/// Every Rust source file under `dir/src`.
fn sources(dir: &Path) -> Result<String> {
    fn walk(dir: &Path, out: &mut String) -> Result<()> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(());
        };
        let mut entries: Vec<_> = entries.collect::<Result<_, _>>()?;
        entries.sort_by_key(std::fs::DirEntry::path);
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push_str(&std::fs::read_to_string(&p)?);
                out.push('\n');
            }
        }
        Ok(())
    }
    let mut out = String::new();
    walk(&dir.join("src"), &mut out)?;
    Ok(out)
}

/// Environment variable names in string literals (`"SPOTCHECK_…"`, `"RUST_LOG"`), plus `RUST_LOG`
/// when the code builds a log filter from the default environment variable.
fn env_names(code: &str) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = code
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            (s.starts_with("SPOTCHECK_") || *s == "RUST_LOG")
                && !s.contains("_TEST_")
                && s.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect();
    if code.contains("from_default_env") {
        names.insert("RUST_LOG".into());
    }
    names
}

/// `spotcheck-lambda`: its `ENV_VARS` and, per public function, the variables that function reads.
struct LambdaSupport {
    env_vars: BTreeSet<String>,
    readers: BTreeMap<String, BTreeSet<String>>,
}

fn lambda_support(dir: &Path) -> Result<LambdaSupport> {
    let code = std::fs::read_to_string(dir.join("src/lib.rs"))?;
    let code = code.split("#[cfg(test)]").next().unwrap_or_default();
    let list = code
        .split("pub const ENV_VARS: &[&str] = &[")
        .nth(1)
        .and_then(|s| s.split("];").next())
        .ok_or_else(|| anyhow!("spotcheck-lambda has no ENV_VARS list"))?;
    let env_vars = list
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect::<BTreeSet<_>>();
    let mut readers = BTreeMap::new();
    for (start, _) in code.match_indices("pub ") {
        let rest = &code[start..];
        let Some(sig) = rest
            .strip_prefix("pub fn ")
            .or_else(|| rest.strip_prefix("pub async fn "))
        else {
            continue;
        };
        let name: String = sig
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // The body runs to the next item (its doc comment, attribute or signature).
        let body_len = ["\n///", "\npub ", "\nfn ", "\n#["]
            .iter()
            .filter_map(|m| rest[1..].find(m))
            .min()
            .map_or(rest.len(), |n| n + 1);
        readers.insert(name, env_names(&rest[..body_len]));
    }
    let read: BTreeSet<String> = readers.values().flatten().cloned().collect();
    ensure!(
        read == env_vars,
        "spotcheck-lambda's ENV_VARS {env_vars:?} differ from what its functions read {read:?}: \
         keep the list exact, it is what the template is checked against"
    );
    Ok(LambdaSupport { env_vars, readers })
}

/// Every environment variable the package's Lambda function reads.
fn variables_read(
    ws: &Workspace,
    package: &str,
    support: &LambdaSupport,
) -> Result<BTreeSet<String>> {
    let (dir, _) = ws
        .path_deps
        .get(package)
        .ok_or_else(|| anyhow!("{package}: not in the workspace"))?;
    let mut seen = BTreeSet::new();
    let mut todo = vec![dir.clone()];
    let mut names = BTreeSet::new();
    let own = sources(dir)?;
    while let Some(d) = todo.pop() {
        if !seen.insert(d.clone()) {
            continue;
        }
        let dep = ws.path_deps.iter().find(|(_, (pd, _))| *pd == d);
        let Some((dep_name, (_, deps))) = dep else {
            continue;
        };
        todo.extend(deps.iter().cloned());
        if dep_name == "spotcheck-lambda" {
            // Only what the helpers this function calls read.
            for (helper, vars) in &support.readers {
                if calls(&own, helper) {
                    names.extend(vars.iter().cloned());
                }
            }
        } else {
            names.extend(env_names(&sources(&d)?));
        }
    }
    Ok(names)
}

/// Whether `code` calls `name(` (as a whole word).
fn calls(code: &str, name: &str) -> bool {
    code.match_indices(&format!("{name}(")).any(|(i, _)| {
        !code[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

fn function_for<'t>(t: &'t Template, bin: &str) -> Result<Function<'t>> {
    let mut found: Vec<Function<'t>> = t
        .functions()
        .into_iter()
        .filter(|f| text(f.resource, &["Metadata", "BuildProperties", "Binary"]) == Some(bin))
        .collect();
    match found.len() {
        1 => found.pop().ok_or_else(|| anyhow!("unreachable")),
        0 => bail!("Lambda binary `{bin}` is not a function of infra/template.yaml"),
        n => bail!("Lambda binary `{bin}` is built by {n} functions of infra/template.yaml"),
    }
}

fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn every_lambda_binary_of_the_workspace_is_a_cargo_lambda_function_for_arm64() -> Result<()> {
    let t = Template::load()?;
    let ws = workspace()?;
    let bins: BTreeSet<&str> = ws.lambdas.iter().map(|l| l.bin.as_str()).collect();
    for expected in [
        "inspector-api",
        "public-api",
        "spotcheck-importer",
        "upload-api",
    ] {
        ensure!(
            bins.contains(expected),
            "the scan found no `{expected}` binary: {bins:?}"
        );
    }
    ensure!(
        !bins.contains("spotcheck"),
        "the CLI is not a Lambda binary"
    );
    let infra = workspace_root().join("infra");
    for l in &ws.lambdas {
        let f = function_for(&t, &l.bin)?;
        let id = &f.logical_id;
        ensure!(
            text(f.resource, &["Metadata", "BuildMethod"]) == Some("rust-cargolambda"),
            "{id}: Metadata.BuildMethod must be rust-cargolambda"
        );
        let code_uri = text(f.resource, &["Properties", "CodeUri"])
            .ok_or_else(|| anyhow!("{id}: no CodeUri"))?;
        ensure!(
            normalise(&infra.join(code_uri)) == normalise(&l.dir),
            "{id}: CodeUri {code_uri} is not the package {} at {}",
            l.package,
            l.dir.display()
        );
        ensure!(
            t.property(&f, "Runtime").and_then(Value::as_str) == Some("provided.al2023"),
            "{id}: Runtime must be provided.al2023"
        );
        ensure!(
            t.property(&f, "Handler").and_then(Value::as_str) == Some("bootstrap"),
            "{id}: Handler must be bootstrap"
        );
        let arch: Vec<&str> = t
            .property(&f, "Architectures")
            .and_then(Value::as_sequence)
            .map(|s| s.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        ensure!(
            arch == ["arm64"],
            "{id}: Architectures must be [arm64], not {arch:?}"
        );
    }
    Ok(())
}

#[test]
fn every_function_of_the_template_is_a_lambda_binary_of_the_workspace() -> Result<()> {
    let t = Template::load()?;
    let ws = workspace()?;
    for f in t.functions() {
        let bin =
            text(f.resource, &["Metadata", "BuildProperties", "Binary"]).ok_or_else(|| {
                anyhow!(
                    "{}: Metadata.BuildProperties.Binary must name the binary",
                    f.logical_id
                )
            })?;
        ensure!(
            ws.lambdas.iter().any(|l| l.bin == bin),
            "{} builds `{bin}`, which is no Lambda binary of the workspace ({:?})",
            f.logical_id,
            ws.lambdas.iter().map(|l| &l.bin).collect::<Vec<_>>()
        );
    }
    Ok(())
}

#[test]
fn every_environment_variable_a_function_reads_is_set_in_the_template() -> Result<()> {
    let t = Template::load()?;
    let ws = workspace()?;
    let (support_dir, _) = ws
        .path_deps
        .get("spotcheck-lambda")
        .ok_or_else(|| anyhow!("spotcheck-lambda is not in the workspace"))?;
    let support = lambda_support(support_dir)?;
    ensure!(
        support.env_vars.contains("SPOTCHECK_TABLE"),
        "ENV_VARS lost SPOTCHECK_TABLE"
    );
    let mut problems = Vec::new();
    for l in &ws.lambdas {
        let f = function_for(&t, &l.bin)?;
        let read = variables_read(&ws, &l.package, &support)?;
        let set = t.environment(&f);
        for missing in read.difference(&set) {
            problems.push(format!(
                "{} ({}) reads {missing}, which it is not given",
                f.logical_id, l.bin
            ));
        }
        // The master key goes only where secrets are derived.
        if set.contains("SPOTCHECK_MASTER_KEY") && !read.contains("SPOTCHECK_MASTER_KEY") {
            problems.push(format!(
                "{} is given the master key but never reads it",
                f.logical_id
            ));
        }
    }
    ensure!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

#[test]
fn the_scan_finds_the_variables_the_api_functions_are_known_to_read() -> Result<()> {
    let ws = workspace()?;
    let (support_dir, _) = ws
        .path_deps
        .get("spotcheck-lambda")
        .ok_or_else(|| anyhow!("spotcheck-lambda is not in the workspace"))?;
    let support = lambda_support(support_dir)?;
    let inspector = variables_read(&ws, "spotcheck-inspector-api", &support)?;
    let public = variables_read(&ws, "spotcheck-public-api", &support)?;
    for v in [
        "SPOTCHECK_TABLE",
        "SPOTCHECK_DYNAMODB_ENDPOINT",
        "SPOTCHECK_MASTER_KEY",
        "RUST_LOG",
    ] {
        ensure!(
            inspector.contains(v),
            "inspector-api reads {v}; the scan found {inspector:?}"
        );
    }
    ensure!(
        public.contains("SPOTCHECK_TABLE"),
        "public-api reads SPOTCHECK_TABLE: {public:?}"
    );
    ensure!(
        !public.contains("SPOTCHECK_MASTER_KEY"),
        "public-api never touches the master key: {public:?}"
    );
    let uploads = variables_read(&ws, "spotcheck-upload-api", &support)?;
    ensure!(
        uploads.contains("SPOTCHECK_UPLOAD_BUCKET") && !uploads.contains("SPOTCHECK_MASTER_KEY"),
        "upload-api presigns uploads and derives no secrets: {uploads:?}"
    );
    let importer = variables_read(&ws, "spotcheck-importer", &support)?;
    for v in ["SPOTCHECK_TABLE", "SPOTCHECK_UPLOAD_BUCKET", "RUST_LOG"] {
        ensure!(
            importer.contains(v),
            "the importer reads {v}; the scan found {importer:?}"
        );
    }
    ensure!(
        !importer.contains("SPOTCHECK_MASTER_KEY"),
        "the importer never touches the master key: {importer:?}"
    );
    Ok(())
}

/// Every IAM action granted by a function's inline policies.
fn actions(f: &Function<'_>) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let policies = get(f.resource, &["Properties", "Policies"]).and_then(Value::as_sequence);
    for p in policies.into_iter().flatten() {
        let statements = get(p, &["Statement"])
            .and_then(Value::as_sequence)
            .ok_or_else(|| {
                anyhow!(
                    "{}: only inline policy statements are allowed (a policy template or managed \
                 policy grants more than the function needs)",
                    f.logical_id
                )
            })?;
        for s in statements {
            if text(s, &["Effect"]) != Some("Allow") {
                continue;
            }
            match get(s, &["Action"]) {
                Some(Value::String(a)) => {
                    out.insert(a.clone());
                }
                Some(Value::Sequence(list)) => {
                    out.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
                }
                _ => bail!("{}: a statement without actions", f.logical_id),
            }
        }
    }
    Ok(out)
}

#[test]
fn the_public_function_may_only_read_and_no_function_may_update_or_delete_items() -> Result<()> {
    let t = Template::load()?;
    let public = function_for(&t, "public-api")?;
    let granted = actions(&public)?;
    let read_only: BTreeSet<String> = [
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    ensure!(
        granted == read_only,
        "public-api is granted {granted:?}, not just {read_only:?}"
    );
    for f in t.functions() {
        let granted = actions(&f)?;
        for forbidden in [
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:Scan",
            "dynamodb:*",
            "*",
        ] {
            ensure!(
                !granted.contains(forbidden),
                "{} is granted {forbidden}: records are written once and read by key",
                f.logical_id
            );
        }
    }
    Ok(())
}

#[test]
fn the_table_has_the_keys_and_index_of_the_storage_design() -> Result<()> {
    let t = Template::load()?;
    let table = get(&t.doc, &["Resources", "Table", "Properties"])
        .ok_or_else(|| anyhow!("no Table resource"))?;
    let key = |schema: Option<&Value>| -> Vec<(String, String)> {
        schema
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(|k| {
                Some((
                    text(k, &["AttributeName"])?.to_owned(),
                    text(k, &["KeyType"])?.to_owned(),
                ))
            })
            .collect()
    };
    let pair = |a: &str, b: &str| {
        vec![
            (a.to_owned(), "HASH".to_owned()),
            (b.to_owned(), "RANGE".to_owned()),
        ]
    };
    ensure!(
        key(get(table, &["KeySchema"])) == pair("PK", "SK"),
        "table keys must be PK/SK"
    );
    let gsis = get(table, &["GlobalSecondaryIndexes"])
        .and_then(Value::as_sequence)
        .ok_or_else(|| anyhow!("no GSIs"))?;
    ensure!(gsis.len() == 1, "docs/storage.md has exactly one GSI");
    let gsi = &gsis[0];
    ensure!(text(gsi, &["IndexName"]) == Some("GSI1"), "the GSI is GSI1");
    ensure!(
        key(get(gsi, &["KeySchema"])) == pair("GSI1PK", "GSI1SK"),
        "GSI1 keys must be GSI1PK/GSI1SK"
    );
    ensure!(
        text(gsi, &["Projection", "ProjectionType"]) == Some("ALL"),
        "GSI1 projects ALL"
    );
    ensure!(
        text(table, &["BillingMode"]) == Some("PAY_PER_REQUEST"),
        "on-demand billing"
    );
    ensure!(
        get(
            table,
            &[
                "PointInTimeRecoverySpecification",
                "PointInTimeRecoveryEnabled"
            ]
        ) == Some(&Value::Bool(true)),
        "point-in-time recovery"
    );
    ensure!(
        get(table, &["DeletionProtectionEnabled"]) == Some(&Value::Bool(true)),
        "deletion protection"
    );
    Ok(())
}

/// Every allowed `(action, resource)` pair of a function's inline policies, resources as written
/// (`${RegistryUploadBucket.Arn}/outcomes/*`).
fn grants(f: &Function<'_>) -> BTreeSet<(String, String)> {
    let as_list = |v: Option<&Value>| -> Vec<String> {
        match v.map(untagged) {
            Some(Value::String(a)) => vec![a.clone()],
            Some(Value::Sequence(l)) => l
                .iter()
                .filter_map(|x| untagged(x).as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut out = BTreeSet::new();
    let policies = get(f.resource, &["Properties", "Policies"]).and_then(Value::as_sequence);
    for p in policies.into_iter().flatten() {
        let statements = get(p, &["Statement"]).and_then(Value::as_sequence);
        for s in statements.into_iter().flatten() {
            if text(s, &["Effect"]) != Some("Allow") {
                continue;
            }
            for a in as_list(get(s, &["Action"])) {
                for r in as_list(get(s, &["Resource"])) {
                    out.insert((a.clone(), r));
                }
            }
        }
    }
    out
}

#[test]
fn the_importer_runs_on_uploads_and_writes_only_outcomes_which_the_api_only_reads() -> Result<()> {
    let t = Template::load()?;
    let importer = function_for(&t, "spotcheck-importer")?;
    let events = get(importer.resource, &["Properties", "Events"])
        .and_then(Value::as_mapping)
        .ok_or_else(|| anyhow!("ImporterFunction has no events"))?;
    let rule = events
        .values()
        .find(|e| text(e, &["Type"]) == Some("EventBridgeRule"))
        .ok_or_else(|| anyhow!("ImporterFunction has no EventBridgeRule event"))?;
    let pattern = get(rule, &["Properties", "Pattern"])
        .ok_or_else(|| anyhow!("the importer's rule has no pattern"))?;
    let first = |path: &[&str]| {
        get(pattern, path)
            .and_then(Value::as_sequence)
            .and_then(|s| s.first())
            .map(untagged)
            .cloned()
    };
    ensure!(
        first(&["source"]).as_ref().and_then(Value::as_str) == Some("aws.s3"),
        "the importer's rule must match source aws.s3"
    );
    ensure!(
        first(&["detail-type"]).as_ref().and_then(Value::as_str) == Some("Object Created"),
        "the importer's rule must match detail-type Object Created"
    );
    ensure!(
        first(&["detail", "bucket", "name"])
            .as_ref()
            .and_then(Value::as_str)
            == Some("RegistryUploadBucket"),
        "the importer's rule must match the upload bucket (!Ref RegistryUploadBucket)"
    );
    ensure!(
        first(&["detail", "object", "key"])
            .as_ref()
            .and_then(|k| text(k, &["prefix"]))
            == Some("uploads/"),
        "the importer's rule must match keys with prefix uploads/"
    );
    ensure!(
        get(
            &t.doc,
            &[
                "Resources",
                "RegistryUploadBucket",
                "Properties",
                "NotificationConfiguration",
                "EventBridgeConfiguration",
                "EventBridgeEnabled"
            ]
        )
        .and_then(Value::as_bool)
            == Some(true),
        "the upload bucket must send its events to EventBridge"
    );

    let bucket = "${RegistryUploadBucket.Arn}";
    let importer_s3: BTreeSet<(String, String)> = grants(&importer)
        .into_iter()
        .filter(|(a, _)| a.starts_with("s3:"))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("s3:GetObject", format!("{bucket}/uploads/*")),
        ("s3:GetObject", format!("{bucket}/requests/*")),
        ("s3:GetObject", format!("{bucket}/outcomes/*")),
        ("s3:PutObject", format!("{bucket}/outcomes/*")),
        ("s3:ListBucket", "RegistryUploadBucket.Arn".to_owned()),
    ]
    .into_iter()
    .map(|(a, r)| (a.to_owned(), r))
    .collect();
    ensure!(
        importer_s3 == expected,
        "the importer's S3 grants {importer_s3:?} are not exactly {expected:?}"
    );
    let importer_env = t.environment(&importer);
    ensure!(
        importer_env.contains("SPOTCHECK_UPLOAD_BUCKET"),
        "the importer is not told the bucket"
    );

    let uploads = function_for(&t, "upload-api")?;
    for (action, resource) in grants(&uploads) {
        ensure!(
            !action.starts_with("dynamodb:"),
            "upload-api needs no table access, but is granted {action}"
        );
        if action == "s3:PutObject" {
            ensure!(
                resource == format!("{bucket}/uploads/*")
                    || resource == format!("{bucket}/requests/*"),
                "upload-api may put {resource}: only uploads and requests, never outcomes"
            );
        }
    }
    ensure!(
        grants(&uploads).contains(&("s3:GetObject".into(), format!("{bucket}/outcomes/*"))),
        "upload-api must read the importer's outcomes"
    );
    let paths: BTreeSet<String> = get(uploads.resource, &["Properties", "Events"])
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
        .filter(|(_, e)| text(e, &["Type"]) == Some("HttpApi"))
        .filter_map(|(_, e)| {
            Some(format!(
                "{} {}",
                text(e, &["Properties", "Method"])?,
                text(e, &["Properties", "Path"])?
            ))
        })
        .collect();
    let want: BTreeSet<String> = [
        "POST /api/registries/{kind}/uploads",
        "GET /api/registries/{kind}/uploads/{upload_id}",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    ensure!(paths == want, "upload-api serves {paths:?}, not {want:?}");
    let inspector = function_for(&t, "inspector-api")?;
    ensure!(
        grants(&inspector)
            .iter()
            .all(|(a, _)| !a.starts_with("s3:")),
        "inspector-api holds no bucket access (the upload API does)"
    );
    Ok(())
}

/// Registry files hold personal data: the upload bucket expires them (and the request records),
/// never the outcomes, which say which upload became which snapshot.
#[test]
fn uploaded_registry_files_and_requests_expire_and_outcomes_stay() -> Result<()> {
    let t = Template::load()?;
    let rules = get(
        &t.doc,
        &[
            "Resources",
            "RegistryUploadBucket",
            "Properties",
            "LifecycleConfiguration",
            "Rules",
        ],
    )
    .and_then(Value::as_sequence)
    .ok_or_else(|| anyhow!("RegistryUploadBucket has no lifecycle rules"))?;
    let mut expiring = BTreeSet::new();
    for rule in rules {
        if text(rule, &["Status"]) != Some("Enabled") {
            continue;
        }
        let prefix = text(rule, &["Prefix"])
            .ok_or_else(|| anyhow!("a lifecycle rule without a prefix applies to outcomes too"))?;
        ensure!(
            !prefix.is_empty() && !"outcomes/".starts_with(prefix),
            "the lifecycle rule on {prefix:?} would expire outcomes"
        );
        ensure!(
            text(rule, &["ExpirationInDays"]) == Some("UploadRetentionDays"),
            "the rule on {prefix} must expire after !Ref UploadRetentionDays"
        );
        ensure!(
            get(rule, &["NoncurrentVersionExpiration", "NoncurrentDays"]).is_some(),
            "the rule on {prefix} must expire replaced versions too (the bucket is versioned)"
        );
        expiring.insert(prefix.to_owned());
    }
    ensure!(
        expiring == BTreeSet::from(["uploads/".to_owned(), "requests/".to_owned()]),
        "expiring prefixes: {expiring:?}"
    );
    ensure!(
        get(&t.doc, &["Parameters", "UploadRetentionDays", "MinValue"])
            .and_then(Value::as_u64)
            .is_some_and(|d| d >= 30),
        "UploadRetentionDays needs a minimum of at least 30 days"
    );
    Ok(())
}
