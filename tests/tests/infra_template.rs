//! `infra/template.yaml` against the workspace, so the deployment cannot drift from the code:
//!
//! * every Lambda binary of the workspace (a `[[bin]]` of a package under `functions/` that depends
//!   on `lambda_http` or `lambda_runtime`) is a function of the template, built by cargo-lambda from
//!   its own package for `provided.al2023` on arm64, and every such function is a binary we have;
//! * every environment variable a function reads is set in its environment (the template's
//!   `Globals` merged with the function's own), found by scanning the function's crate, the
//!   workspace crates it depends on, and — for `spotcheck-lambda` — only the helpers it calls, so
//!   the plan key goes to the function that derives secrets and to no other;
//! * the public function may only read the table (`GetItem`, `Query`, `BatchGetItem`), and no
//!   function may update or delete items (records are written once);
//! * the importer runs on the upload bucket's "Object Created" events under `uploads/`, may write
//!   only outcomes; the upload API may create uploads and requests but never outcomes, and holds
//!   no table access; the inspector API holds no bucket access;
//! * on data (`dynamodb:LeadingKeys`): each writer writes only the partitions of docs/storage.md it
//!   owns, and the public function reads only public partitions;
//! * one template for both partitions (no hard-coded partition or domain; Cognito and Origin
//!   Access Control only where they exist; TLS 1.2 under a custom domain);
//! * failures reach someone (a customer-managed key CloudWatch may use for the alarm topic, an
//!   address required in prod, alarmed dead-letter queues), MFA and separate throttles, and
//!   retention (log groups kept at least 180 days and retained, the caller in the access log,
//!   CloudTrail data events, upload files, requests and import outcomes expiring);
//! * plan secrets are computed inside KMS: no secret in any environment variable, HMAC keys whose
//!   policies let only the inspector function's role compute a MAC, protected by the stack policy.
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
        // The plan key goes only where secrets are derived.
        if set.contains("SPOTCHECK_PLAN_KEY") && !read.contains("SPOTCHECK_PLAN_KEY") {
            problems.push(format!(
                "{} is given the plan key but never reads it",
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
        "SPOTCHECK_PLAN_KEY",
        "SPOTCHECK_LEGACY_PLAN_KEY",
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
        !public.contains("SPOTCHECK_PLAN_KEY"),
        "public-api never touches the master key: {public:?}"
    );
    let uploads = variables_read(&ws, "spotcheck-upload-api", &support)?;
    ensure!(
        uploads.contains("SPOTCHECK_UPLOAD_BUCKET") && !uploads.contains("SPOTCHECK_PLAN_KEY"),
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
        !importer.contains("SPOTCHECK_PLAN_KEY"),
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

/// Registry files hold personal data, and so do the importer's outcomes and error files (they
/// quote rejected values such as malformed ID numbers): the upload bucket expires all three, and
/// nothing else (a rule without a prefix would apply to every object).
#[test]
fn uploaded_files_requests_and_import_outcomes_expire() -> Result<()> {
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
            .ok_or_else(|| anyhow!("a lifecycle rule without a prefix applies to every object"))?;
        ensure!(!prefix.is_empty(), "a lifecycle rule with an empty prefix");
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
    let want: BTreeSet<String> = ["uploads/", "requests/", "outcomes/"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    ensure!(
        expiring == want,
        "expiring prefixes: {expiring:?}, not {want:?}"
    );
    ensure!(
        get(&t.doc, &["Parameters", "UploadRetentionDays", "MinValue"])
            .and_then(Value::as_u64)
            .is_some_and(|d| d >= 30),
        "UploadRetentionDays needs a minimum of at least 30 days"
    );
    Ok(())
}

// ---------------------------------------------------------------- helpers for the checks below

/// A resource of the template by logical id.
fn resource<'a>(t: &'a Template, id: &str) -> Result<&'a Value> {
    get(&t.doc, &["Resources", id]).ok_or_else(|| anyhow!("no resource {id}"))
}

/// Logical ids of the resources of one type.
fn resources_of<'a>(t: &'a Template, kind: &str) -> Vec<(String, &'a Value)> {
    get(&t.doc, &["Resources"])
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
        .filter(|(_, r)| text(r, &["Type"]) == Some(kind))
        .filter_map(|(id, r)| Some((id.as_str()?.to_owned(), r)))
        .collect()
}

/// `!<tag> <target>` (e.g. `!Ref AlarmTopic`, `!GetAtt Queue.Arn`), looked up without untagging.
fn is_tagged(v: Option<&Value>, tag: &str, target: &str) -> bool {
    matches!(v, Some(Value::Tagged(t)) if t.tag == tag && t.value.as_str() == Some(target))
}

/// The value at `path`, the last step not untagged (so `is_tagged` can see the tag).
fn raw<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let (last, init) = path.split_last()?;
    get(v, init)?.get(*last)
}

/// Strings of a scalar or a list.
fn strings(v: Option<&Value>) -> Vec<String> {
    match v.map(untagged) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Sequence(l)) => l
            .iter()
            .filter_map(|x| untagged(x).as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether an IAM `StringLike` pattern (only `*` is used) matches `value`.
fn glob(pattern: &str, value: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == value,
        Some((head, rest)) => {
            let Some(tail) = value.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len())
                .filter(|&i| tail.is_char_boundary(i))
                .any(|i| glob(rest, &tail[i..]))
        }
    }
}

const WRITES: [&str; 3] = [
    "dynamodb:PutItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
];

/// A function's allowed DynamoDB statements: (actions, resources, leading-key operator, patterns).
struct DynamoGrant {
    actions: Vec<String>,
    resources: Vec<String>,
    operator: Option<String>,
    leading_keys: Vec<String>,
}

fn dynamo_grants(f: &Function<'_>) -> Vec<DynamoGrant> {
    let mut out = Vec::new();
    let policies = get(f.resource, &["Properties", "Policies"]).and_then(Value::as_sequence);
    for p in policies.into_iter().flatten() {
        let statements = get(p, &["Statement"]).and_then(Value::as_sequence);
        for s in statements.into_iter().flatten() {
            let actions = strings(get(s, &["Action"]));
            if text(s, &["Effect"]) != Some("Allow")
                || !actions.iter().any(|a| a.starts_with("dynamodb:"))
            {
                continue;
            }
            let mut operator = None;
            let mut leading_keys = Vec::new();
            for (op, body) in get(s, &["Condition"])
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
            {
                if let Some(keys) = get(body, &["dynamodb:LeadingKeys"]) {
                    operator = op.as_str().map(str::to_owned);
                    leading_keys = strings(Some(keys));
                }
            }
            out.push(DynamoGrant {
                actions,
                resources: strings(get(s, &["Resource"])),
                operator,
                leading_keys,
            });
        }
    }
    out
}

/// The partition-key patterns of docs/storage.md's table (`PLAN#<id>` → `PLAN#*`).
fn documented_partitions() -> Result<BTreeSet<String>> {
    let doc = std::fs::read_to_string(workspace_root().join("docs/storage.md"))?;
    let table = doc
        .split("| entity | PK | SK |")
        .nth(1)
        .ok_or_else(|| anyhow!("docs/storage.md has no entity/PK/SK table"))?;
    let mut out = BTreeSet::new();
    for line in table.lines().skip(2) {
        if !line.starts_with('|') {
            break;
        }
        let pk = line.split('|').nth(2).unwrap_or_default().trim();
        for alternative in pk.split(" / ") {
            let key = alternative.trim().trim_matches('`');
            if key == "same" || key.is_empty() {
                continue;
            }
            // `<…>` placeholders become `*`; several in a row become one.
            let mut pattern = String::new();
            let mut inside = false;
            for c in key.chars() {
                match c {
                    '<' => {
                        inside = true;
                        if !pattern.ends_with('*') {
                            pattern.push('*');
                        }
                    }
                    '>' => inside = false,
                    _ if inside => {}
                    c => pattern.push(c),
                }
            }
            out.insert(pattern);
        }
    }
    ensure!(
        out.len() >= 10,
        "docs/storage.md's table yielded only {out:?}"
    );
    Ok(out)
}

/// The leading-key patterns a function may write with one write action.
fn written_partitions(f: &Function<'_>, action: &str) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for g in dynamo_grants(f) {
        if !g.actions.iter().any(|a| a == action) {
            continue;
        }
        ensure!(
            g.operator.as_deref() == Some("ForAllValues:StringLike"),
            "{}: {action} is granted without a ForAllValues:StringLike dynamodb:LeadingKeys \
             condition (operator {:?}): it could write any partition",
            f.logical_id,
            g.operator
        );
        ensure!(
            g.resources == ["Table.Arn"],
            "{}: {action} must name the table only, not {:?}",
            f.logical_id,
            g.resources
        );
        out.extend(g.leading_keys);
    }
    Ok(out)
}

/// A key of a documented partition pattern (`TREE#frame#*` → `TREE#frame#x`).
fn example(pattern: &str) -> String {
    pattern.replace('*', "x")
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------- least privilege on data

/// Each writer writes only the partitions it owns (docs/storage.md): single puts and transaction
/// items (`PutItem`, `ConditionCheckItem`) in its records' partitions, the audit chain and its
/// idempotency records; `BatchWriteItem` (which could also delete) only in content-addressed chunk
/// partitions. The publisher never writes plans or registries, the importer only snapshots, the
/// inspector API never publications.
#[test]
fn each_writer_writes_only_the_partitions_it_owns() -> Result<()> {
    let t = Template::load()?;
    let expected: [(&str, &[&str], &[&str]); 3] = [
        (
            "inspector-api",
            &[
                "PLAN#*",
                "TREE#*",
                "SNAP#*",
                "PENALTY#*",
                "APPROVAL#*",
                "AUDIT",
                "IDEM#*",
            ],
            &["TREE#*", "SNAPDATA#*", "BLOB#*"],
        ),
        (
            "spotcheck-publisher",
            &["PUB#*", "AUDIT", "AUDITPUB", "IDEM#*"],
            &["BLOB#*"],
        ),
        (
            "spotcheck-importer",
            &["SNAP#*", "AUDIT", "IDEM#*"],
            &["SNAPDATA#*", "BLOB#*"],
        ),
    ];
    let documented = documented_partitions()?;
    let mut written = BTreeSet::new();
    for (bin, puts, batches) in expected {
        let f = function_for(&t, bin)?;
        let put = written_partitions(&f, "dynamodb:PutItem")?;
        ensure!(
            put == set(puts),
            "{bin} may put items in {put:?}, not exactly {puts:?}"
        );
        let check = written_partitions(&f, "dynamodb:ConditionCheckItem")?;
        ensure!(
            check.is_subset(&put),
            "{bin} condition-checks {check:?} beyond what it puts"
        );
        let batch = written_partitions(&f, "dynamodb:BatchWriteItem")?;
        ensure!(
            batch == set(batches),
            "{bin} may batch-write {batch:?}, not exactly {batches:?}"
        );
        for p in put.iter().chain(&batch) {
            ensure!(
                documented.iter().any(|d| glob(p, &example(d))),
                "{bin} writes {p}, which is no partition of docs/storage.md ({documented:?})"
            );
        }
        written.extend(put);
        written.extend(batch);
    }
    // Every partition of the storage design has a writer (else the design or a grant is wrong).
    for p in &documented {
        ensure!(
            written.iter().any(|w| glob(w, &example(p))),
            "nobody may write {p} of docs/storage.md"
        );
    }
    // No other function writes the table at all.
    for f in t.functions() {
        let bin = text(f.resource, &["Metadata", "BuildProperties", "Binary"]).unwrap_or_default();
        if expected.iter().any(|(b, _, _)| *b == bin) {
            continue;
        }
        for g in dynamo_grants(&f) {
            ensure!(
                !g.actions.iter().any(|a| WRITES.contains(&a.as_str())),
                "{} may write the table ({:?})",
                f.logical_id,
                g.actions
            );
        }
    }
    Ok(())
}

/// The anonymous public function reads only public partitions: never the registries of
/// businesses and persons (ID numbers, phones), the audit log or idempotency records; on the
/// index, only the plan and penalty listings.
#[test]
fn the_public_function_reads_only_public_partitions() -> Result<()> {
    let t = Template::load()?;
    let f = function_for(&t, "public-api")?;
    let grants = dynamo_grants(&f);
    ensure!(!grants.is_empty(), "public-api has no table access at all");
    let mut table = Vec::new();
    let mut index = Vec::new();
    for g in &grants {
        ensure!(
            matches!(
                g.operator.as_deref(),
                Some("ForAllValues:StringLike" | "ForAllValues:StringEquals")
            ),
            "public-api: {:?} without a ForAllValues dynamodb:LeadingKeys condition",
            g.actions
        );
        for r in &g.resources {
            match r.as_str() {
                "Table.Arn" => table.extend(g.leading_keys.iter().cloned()),
                "${Table.Arn}/index/GSI1" => {
                    ensure!(
                        g.actions == ["dynamodb:Query"],
                        "public-api may only query the index, not {:?}",
                        g.actions
                    );
                    index.extend(g.leading_keys.iter().cloned());
                }
                other => bail!("public-api reads {other}: only the table and GSI1"),
            }
        }
    }
    let may_read = |key: &str| table.iter().any(|p| glob(p, key));
    for public in [
        "PLAN#PT-2026-001",
        "TREE#frame#ab12",
        "TREE#pool#ab12",
        "PENALTY#莆文旅罚〔2026〕1号",
        "APPROVAL#result:PT-2026-001:T1",
        "BLOB#ab12",
        "SNAP#items",
        "SNAPDATA#items#3#ab12",
        "AUDITPUB",
    ] {
        ensure!(may_read(public), "public-api must be able to read {public}");
    }
    for private in [
        "SNAP#guides",
        "SNAPDATA#guides#3#ab12",
        "SNAP#agencies",
        "SNAPDATA#agencies#1#ab12",
        "SNAP#operators",
        "SNAPDATA#operators#1#ab12",
        "SNAP#inspectors",
        "SNAPDATA#inspectors#1#ab12",
        "SNAP#itemsX",
        "SNAPDATA#itemsX#1#ab12",
        "AUDIT",
        "AUDITPUBX",
        "IDEM#retry-1",
    ] {
        ensure!(
            !may_read(private),
            "public-api may read {private}: {table:?}"
        );
    }
    ensure!(
        set(&index.iter().map(String::as_str).collect::<Vec<_>>()) == set(&["PLANS", "PENALTIES"]),
        "public-api may list {index:?} on GSI1, not just PLANS and PENALTIES"
    );
    ensure!(
        is_tagged(
            raw(f.resource, &["Properties", "ReservedConcurrentExecutions"]),
            "Ref",
            "PublicConcurrency"
        ),
        "the public function's concurrency must be capped (ReservedConcurrentExecutions: !Ref PublicConcurrency)"
    );
    Ok(())
}

#[test]
fn the_storage_doc_parser_and_the_glob_agree_with_the_key_layout() -> Result<()> {
    let documented = documented_partitions()?;
    for p in [
        "PLAN#*",
        "TREE#frame#*",
        "TREE#pool#*",
        "SNAP#*",
        "SNAPDATA#*#*#*",
        "PENALTY#*",
        "PUB#*",
        "APPROVAL#*",
        "AUDIT",
        "IDEM#*",
        "BLOB#*",
    ] {
        ensure!(documented.contains(p), "{p} missing from {documented:?}");
    }
    ensure!(example("SNAPDATA#*#*#*") == "SNAPDATA#x#x#x");
    ensure!(glob("SNAPDATA#items#*", "SNAPDATA#items#3#ab"));
    ensure!(!glob("SNAPDATA#items#*", "SNAPDATA#itemsX#3#ab"));
    ensure!(!glob("SNAP#items", "SNAP#items2"));
    ensure!(glob("*", ""));
    ensure!(!glob("PLAN#*", "PLANS"));
    Ok(())
}

// ---------------------------------------------------------------- both partitions

/// Every string of the template, with the path it was found at.
fn all_strings<'a>(v: &'a Value, path: &mut Vec<String>, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::Tagged(t) => {
            path.push(format!("!{}", t.tag.to_string().trim_start_matches('!')));
            all_strings(&t.value, path, out);
            path.pop();
        }
        Value::String(s) => out.push((path.join("/"), s)),
        Value::Sequence(l) => {
            for (i, x) in l.iter().enumerate() {
                path.push(i.to_string());
                all_strings(x, path, out);
                path.pop();
            }
        }
        Value::Mapping(m) => {
            for (k, x) in m {
                path.push(k.as_str().unwrap_or("?").to_owned());
                all_strings(x, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// One template deploys in the global partition and in the AWS China regions: no ARN or endpoint
/// names a partition or its domain (`${AWS::Partition}`, `${AWS::URLSuffix}`), only service
/// principals spell `amazonaws.com`; Cognito and Origin Access Control exist only where the
/// partition has them; the JWT issuer is Cognito's or any OIDC issuer's.
#[test]
fn one_template_serves_both_partitions() -> Result<()> {
    let t = Template::load()?;
    let mut found = Vec::new();
    all_strings(&t.doc, &mut Vec::new(), &mut found);
    for (path, s) in &found {
        ensure!(
            !s.contains("arn:aws:") && !s.contains("arn:aws-cn:"),
            "{path}: {s} hard-codes a partition (use arn:${{AWS::Partition}}:)"
        );
        if s.contains("amazonaws.com") && !path.starts_with("Parameters/") {
            ensure!(
                path.contains("/Principal/Service"),
                "{path}: {s} hard-codes the global domain (use ${{AWS::URLSuffix}})"
            );
        }
    }
    // Cognito only where it exists: every Cognito resource is conditional on UseCognito, which
    // excludes the China regions.
    for (id, r) in get(&t.doc, &["Resources"])
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let kind = text(r, &["Type"]).unwrap_or_default();
        let id = id.as_str().unwrap_or_default();
        if kind.starts_with("AWS::Cognito::UserPool") {
            ensure!(
                text(r, &["Condition"]) == Some("UseCognito"),
                "{id} ({kind}) must have Condition: UseCognito"
            );
        }
        if kind == "AWS::CloudFront::OriginAccessControl" {
            ensure!(
                text(r, &["Condition"]) == Some("HasOac"),
                "{id}: Origin Access Control does not exist in the China regions (Condition: HasOac)"
            );
        }
    }
    let use_cognito = format!("{:?}", get(&t.doc, &["Conditions", "UseCognito"]));
    ensure!(
        use_cognito.contains("IsChina") && use_cognito.contains("IdentityProvider"),
        "UseCognito must depend on the IdentityProvider parameter and exclude the China regions: {use_cognito}"
    );
    let is_china = format!("{:?}", get(&t.doc, &["Conditions", "IsChina"]));
    ensure!(
        is_china.contains("cn-north-1") && is_china.contains("cn-northwest-1"),
        "IsChina must name both China regions: {is_china}"
    );
    ensure!(
        text(
            &t.doc,
            &["Resources", "SiteOriginAccessIdentity", "Condition"]
        ) == Some("IsChina"),
        "the China regions read the site bucket through an origin access identity"
    );
    let allowed: Vec<String> = strings(get(
        &t.doc,
        &["Parameters", "IdentityProvider", "AllowedValues"],
    ));
    ensure!(
        allowed == ["cognito", "oidc"],
        "IdentityProvider chooses cognito or oidc: {allowed:?}"
    );
    let issuer = raw(
        &t.doc,
        &[
            "Resources",
            "HttpApi",
            "Properties",
            "Auth",
            "Authorizers",
            "StaffJwt",
            "JwtConfiguration",
            "issuer",
        ],
    )
    .ok_or_else(|| anyhow!("the JWT authorizer has no issuer"))?;
    let issuer = format!("{issuer:?}");
    ensure!(
        issuer.contains("${AWS::URLSuffix}") && issuer.contains("OidcIssuerUrl"),
        "the issuer must be Cognito's through ${{AWS::URLSuffix}} or OidcIssuerUrl: {issuer}"
    );
    Ok(())
}

/// CloudFront serves TLS 1.2 at least wherever it has a certificate of ours (an ACM certificate,
/// or an IAM server certificate in the China regions), and the China regions and prod must have
/// one (an ICP-filed custom domain in China).
#[test]
fn the_site_is_served_with_tls_1_2_under_a_custom_domain() -> Result<()> {
    let t = Template::load()?;
    let cert = get(
        &t.doc,
        &[
            "Resources",
            "SiteDistribution",
            "Properties",
            "DistributionConfig",
            "ViewerCertificate",
        ],
    )
    .ok_or_else(|| anyhow!("SiteDistribution has no ViewerCertificate"))?;
    let shown = format!("{cert:?}");
    for needed in ["AcmCertificateArn", "IamCertificateId"] {
        ensure!(
            shown.contains(needed),
            "ViewerCertificate must offer {needed}"
        );
    }
    ensure!(
        shown.matches("TLSv1.2_2021").count() == 2,
        "both certificate branches need MinimumProtocolVersion TLSv1.2_2021: {shown}"
    );
    let rules = format!("{:?}", get(&t.doc, &["Rules"]));
    for rule in [
        "ChinaSiteNeedsIcpDomain",
        "ProdSiteNeedsDomain",
        "ChinaUsesAnExternalIssuer",
    ] {
        ensure!(rules.contains(rule), "Rules lack {rule}");
    }
    Ok(())
}

// ---------------------------------------------------------------- failures reach someone

/// Alarms reach someone: the topic is under a customer-managed key whose policy lets CloudWatch
/// use it (CloudWatch cannot publish under the AWS-managed SNS key), prod cannot deploy without an
/// address, and every alarm notifies the topic.
#[test]
fn alarms_reach_someone() -> Result<()> {
    let t = Template::load()?;
    let topic = resource(&t, "AlarmTopic")?;
    let key_ref = raw(topic, &["Properties", "KmsMasterKeyId"]);
    let key_id = match key_ref {
        Some(Value::Tagged(tv)) if tv.tag == "Ref" => tv.value.as_str().unwrap_or_default(),
        other => bail!("AlarmTopic's key must be !Ref to a key of the template, not {other:?}"),
    };
    let key = resource(&t, key_id)?;
    ensure!(
        text(key, &["Type"]) == Some("AWS::KMS::Key"),
        "{key_id} is not an AWS::KMS::Key"
    );
    let statements = get(key, &["Properties", "KeyPolicy", "Statement"])
        .and_then(Value::as_sequence)
        .ok_or_else(|| anyhow!("{key_id} has no key policy"))?;
    let cloudwatch = statements.iter().any(|s| {
        let principal = format!("{:?}", get(s, &["Principal", "Service"]));
        let actions = strings(get(s, &["Action"]));
        text(s, &["Effect"]) == Some("Allow")
            && principal.contains("cloudwatch.${AWS::URLSuffix}")
            && actions.iter().any(|a| a == "kms:Decrypt")
            && actions.iter().any(|a| a == "kms:GenerateDataKey*")
    });
    ensure!(
        cloudwatch,
        "{key_id}'s policy must let cloudwatch.${{AWS::URLSuffix}} use the key (Decrypt, GenerateDataKey*)"
    );
    let rule = get(&t.doc, &["Rules", "ProdNeedsAlarmEmail"])
        .ok_or_else(|| anyhow!("no rule requires AlarmEmail in prod"))?;
    let rule = format!("{rule:?}");
    ensure!(
        rule.contains("Environment") && rule.contains("prod") && rule.contains("AlarmEmail"),
        "ProdNeedsAlarmEmail must require AlarmEmail when Environment is prod: {rule}"
    );
    let alarms = resources_of(&t, "AWS::CloudWatch::Alarm");
    ensure!(alarms.len() >= 8, "only {} alarms", alarms.len());
    for (id, a) in alarms {
        let actions = get(a, &["Properties", "AlarmActions"])
            .and_then(Value::as_sequence)
            .ok_or_else(|| anyhow!("{id} has no AlarmActions"))?;
        ensure!(
            actions
                .iter()
                .any(|x| is_tagged(Some(x), "Ref", "AlarmTopic")),
            "{id} does not notify AlarmTopic"
        );
    }
    Ok(())
}

/// Failed events do not vanish: the importer's rule and the publisher's schedule each have an
/// encrypted dead-letter queue, the functions send invocations that failed after their retries to
/// the same queue, and a depth alarm watches each queue.
#[test]
fn failed_events_land_in_alarmed_dead_letter_queues() -> Result<()> {
    let t = Template::load()?;
    for (bin, event_type) in [
        ("spotcheck-importer", "EventBridgeRule"),
        ("spotcheck-publisher", "ScheduleV2"),
    ] {
        let f = function_for(&t, bin)?;
        let id = &f.logical_id;
        let event = get(f.resource, &["Properties", "Events"])
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .map(|(_, e)| e)
            .find(|e| text(e, &["Type"]) == Some(event_type))
            .ok_or_else(|| anyhow!("{id} has no {event_type} event"))?;
        let dlq = text(event, &["Properties", "DeadLetterConfig", "Arn"])
            .and_then(|a| a.strip_suffix(".Arn"))
            .ok_or_else(|| {
                anyhow!("{id}'s {event_type} has no DeadLetterConfig.Arn (!GetAtt Queue.Arn)")
            })?;
        let on_failure = get(
            f.resource,
            &[
                "Properties",
                "EventInvokeConfig",
                "DestinationConfig",
                "OnFailure",
            ],
        )
        .ok_or_else(|| anyhow!("{id} has no on-failure destination"))?;
        ensure!(
            text(on_failure, &["Type"]) == Some("SQS")
                && text(on_failure, &["Destination"]) == Some(&format!("{dlq}.Arn")),
            "{id}'s on-failure destination must be the queue {dlq}"
        );
        let queue = resource(&t, dlq)?;
        ensure!(
            text(queue, &["Type"]) == Some("AWS::SQS::Queue"),
            "{dlq} is not an SQS queue"
        );
        ensure!(
            get(queue, &["Properties", "SqsManagedSseEnabled"]) == Some(&Value::Bool(true))
                || get(queue, &["Properties", "KmsMasterKeyId"]).is_some(),
            "{dlq} must be encrypted"
        );
        let watched = resources_of(&t, "AWS::CloudWatch::Alarm")
            .into_iter()
            .any(|(_, a)| {
                text(a, &["Properties", "Namespace"]) == Some("AWS/SQS")
                    && text(a, &["Properties", "MetricName"])
                        == Some("ApproximateNumberOfMessagesVisible")
                    && get(a, &["Properties", "Dimensions"])
                        .and_then(Value::as_sequence)
                        .into_iter()
                        .flatten()
                        .any(|d| text(d, &["Value"]) == Some(&format!("{dlq}.QueueName")))
            });
        ensure!(watched, "no depth alarm watches {dlq}");
    }
    Ok(())
}

// ---------------------------------------------------------------- identity and perimeter

/// Supervisors, publishers and admins (every staff account) sign in with a second factor, and the
/// public and staff routes have separate throttles.
#[test]
fn staff_need_mfa_and_public_and_staff_routes_have_their_own_throttles() -> Result<()> {
    let t = Template::load()?;
    ensure!(
        text(
            &t.doc,
            &["Resources", "UserPool", "Properties", "MfaConfiguration"]
        ) == Some("ON"),
        "the user pool must require MFA (MfaConfiguration: \"ON\")"
    );
    let settings = get(
        &t.doc,
        &["Resources", "HttpApi", "Properties", "RouteSettings"],
    )
    .and_then(Value::as_mapping)
    .ok_or_else(|| anyhow!("HttpApi has no RouteSettings"))?;
    let mut routes = BTreeSet::new();
    for f in t.functions() {
        for (_, e) in get(f.resource, &["Properties", "Events"])
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
        {
            if text(e, &["Type"]) == Some("HttpApi") {
                routes.insert(format!(
                    "{} {}",
                    text(e, &["Properties", "Method"]).unwrap_or_default(),
                    text(e, &["Properties", "Path"]).unwrap_or_default()
                ));
            }
        }
    }
    ensure!(routes.len() >= 4, "routes found: {routes:?}");
    for route in &routes {
        let s = settings
            .get(route.as_str())
            .ok_or_else(|| anyhow!("route {route} has no RouteSettings entry"))?;
        let (rate, burst) = if route.contains("/api/public/") {
            ("PublicRateLimit", "PublicBurstLimit")
        } else {
            ("StaffRateLimit", "StaffBurstLimit")
        };
        ensure!(
            is_tagged(raw(s, &["ThrottlingRateLimit"]), "Ref", rate)
                && is_tagged(raw(s, &["ThrottlingBurstLimit"]), "Ref", burst),
            "route {route} must be throttled by {rate}/{burst}"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------- retention

/// Logs are kept at least six months (网络安全法 art. 21) and survive the stack; the access log
/// names the caller; CloudTrail records the data events of the table and of the upload bucket.
#[test]
fn logs_are_kept_six_months_and_name_the_caller() -> Result<()> {
    let t = Template::load()?;
    let allowed = get(&t.doc, &["Parameters", "LogRetentionDays", "AllowedValues"])
        .and_then(Value::as_sequence)
        .ok_or_else(|| anyhow!("LogRetentionDays has no AllowedValues"))?;
    ensure!(
        allowed.iter().all(|d| d.as_u64().is_some_and(|d| d >= 180)),
        "LogRetentionDays allows fewer than 180 days: {allowed:?}"
    );
    let groups = resources_of(&t, "AWS::Logs::LogGroup");
    ensure!(groups.len() >= 6, "log groups: {}", groups.len());
    for (id, g) in &groups {
        ensure!(
            text(g, &["DeletionPolicy"]) == Some("Retain"),
            "{id} must be kept when the stack goes (DeletionPolicy: Retain)"
        );
        ensure!(
            is_tagged(
                raw(g, &["Properties", "RetentionInDays"]),
                "Ref",
                "LogRetentionDays"
            ),
            "{id} must keep its logs LogRetentionDays"
        );
    }
    for f in t.functions() {
        let group = text(f.resource, &["Properties", "LoggingConfig", "LogGroup"])
            .ok_or_else(|| anyhow!("{} logs to no log group of the template", f.logical_id))?;
        ensure!(
            groups.iter().any(|(id, _)| id == group),
            "{} logs to {group}, which is no log group of the template",
            f.logical_id
        );
    }
    let format = text(
        &t.doc,
        &[
            "Resources",
            "HttpApi",
            "Properties",
            "AccessLogSettings",
            "Format",
        ],
    )
    .ok_or_else(|| anyhow!("HttpApi has no access log format"))?;
    ensure!(
        format.contains("\"sub\":\"$context.authorizer.claims.sub\""),
        "the access log must name the caller: {format}"
    );
    let trails = resources_of(&t, "AWS::CloudTrail::Trail");
    ensure!(trails.len() == 1, "one trail, not {}", trails.len());
    let (id, trail) = &trails[0];
    let mut data = BTreeSet::new();
    for selector in get(trail, &["Properties", "EventSelectors"])
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        ensure!(
            text(selector, &["ReadWriteType"]) == Some("All"),
            "{id} must record reads and writes"
        );
        for r in get(selector, &["DataResources"])
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            for v in strings(get(r, &["Values"])) {
                data.insert(format!("{} {v}", text(r, &["Type"]).unwrap_or_default()));
            }
        }
    }
    let want = set(&[
        "AWS::DynamoDB::Table Table.Arn",
        "AWS::S3::Object ${RegistryUploadBucket.Arn}/",
    ]);
    ensure!(
        data == want,
        "{id} records data events of {data:?}, not {want:?}"
    );
    let bucket = text(trail, &["Properties", "S3BucketName"]).unwrap_or_default();
    ensure!(
        text(&t.doc, &["Resources", bucket, "DeletionPolicy"]) == Some("Retain"),
        "the trail's bucket {bucket} must be retained"
    );
    Ok(())
}

/// The stack policy (infra/stack-policy.json, applied once per stack) forbids replacing or
/// deleting what holds state: the table, the master key, the user pool, the buckets and the log
/// key. Each name must be a resource of the template (a renamed resource would silently lose it),
/// and each such resource is retained on stack deletion too.
#[test]
fn the_stack_policy_protects_every_stateful_resource() -> Result<()> {
    let t = Template::load()?;
    let path = workspace_root().join("infra/stack-policy.json");
    let policy: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)
        .with_context(|| format!("parse {}", path.display()))?;
    let mut protected = BTreeSet::new();
    for s in policy["Statement"].as_array().into_iter().flatten() {
        if s["Effect"] != "Deny" {
            continue;
        }
        let actions: BTreeSet<&str> = s["Action"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_str)
            .collect();
        ensure!(
            actions == BTreeSet::from(["Update:Replace", "Update:Delete"]),
            "the stack policy must deny Update:Replace and Update:Delete, not {actions:?}"
        );
        for r in s["Resource"].as_array().into_iter().flatten() {
            let id = r
                .as_str()
                .and_then(|r| r.strip_prefix("LogicalResourceId/"))
                .ok_or_else(|| anyhow!("stack policy resource {r} is not LogicalResourceId/…"))?;
            resource(&t, id).with_context(|| format!("the stack policy names {id}"))?;
            protected.insert(id.to_owned());
        }
    }
    let mut stateful: BTreeSet<String> = [
        "AWS::DynamoDB::Table",
        "AWS::S3::Bucket",
        "AWS::SecretsManager::Secret",
        "AWS::Cognito::UserPool",
    ]
    .iter()
    .flat_map(|kind| resources_of(&t, kind))
    .map(|(id, _)| id)
    .collect();
    stateful.extend(["LogKey", "PlanKey", "LegacyPlanKey"].map(str::to_owned));
    ensure!(
        protected == stateful,
        "the stack policy protects {protected:?}, the stateful resources are {stateful:?}"
    );
    for id in &stateful {
        ensure!(
            text(resource(&t, id)?, &["DeletionPolicy"]) == Some("Retain"),
            "{id} must be retained on stack deletion"
        );
    }
    Ok(())
}

/// The staff API answers only the bureau's networks: every function behind a staff route is given
/// `StaffAllowedCidrs` as `SPOTCHECK_STAFF_CIDRS` and its code reads it (the function refuses other
/// source addresses before any handler, `spotcheck_api::staff_networks`); the public function is
/// not; and production cannot deploy without a list.
#[test]
fn staff_routes_answer_only_the_staff_networks() -> Result<()> {
    let t = Template::load()?;
    let ws = workspace()?;
    let (support_dir, _) = ws
        .path_deps
        .get("spotcheck-lambda")
        .ok_or_else(|| anyhow!("spotcheck-lambda is not in the workspace"))?;
    let support = lambda_support(support_dir)?;
    let mut staff_functions = 0;
    for l in &ws.lambdas {
        let f = function_for(&t, &l.bin)?;
        let paths: Vec<String> = get(f.resource, &["Properties", "Events"])
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .filter(|(_, e)| text(e, &["Type"]) == Some("HttpApi"))
            .filter_map(|(_, e)| text(e, &["Properties", "Path"]).map(str::to_owned))
            .collect();
        let staff = paths.iter().any(|p| !p.starts_with("/api/public/"));
        let env = get(f.resource, &["Properties", "Environment", "Variables"]);
        let given = env.and_then(|e| raw(e, &["SPOTCHECK_STAFF_CIDRS"]));
        if staff {
            staff_functions += 1;
            let joined = given
                .map(serde_yaml_ng::to_string)
                .transpose()?
                .unwrap_or_default();
            ensure!(
                matches!(given, Some(Value::Tagged(tag)) if tag.tag == "Join")
                    && joined.contains("StaffAllowedCidrs"),
                "{} serves staff routes {paths:?}: SPOTCHECK_STAFF_CIDRS must be !Join [\",\", !Ref StaffAllowedCidrs], found {joined}",
                f.logical_id
            );
            ensure!(
                variables_read(&ws, &l.package, &support)?.contains("SPOTCHECK_STAFF_CIDRS"),
                "{} ({}) must apply the allow-list (read SPOTCHECK_STAFF_CIDRS)",
                f.logical_id,
                l.bin
            );
        } else {
            ensure!(
                given.is_none(),
                "{} serves no staff route and needs no staff allow-list",
                f.logical_id
            );
        }
    }
    ensure!(
        staff_functions >= 2,
        "staff functions found: {staff_functions}"
    );
    let rule = get(&t.doc, &["Rules", "ProdNeedsStaffNetworks"])
        .ok_or_else(|| anyhow!("no rule ProdNeedsStaffNetworks"))?;
    let rule_text = serde_yaml_ng::to_string(rule)?;
    ensure!(
        rule_text.contains("Environment")
            && rule_text.contains("prod")
            && rule_text.contains("StaffAllowedCidrs"),
        "ProdNeedsStaffNetworks must require StaffAllowedCidrs in prod: {rule_text}"
    );
    Ok(())
}

/// The plan secrets are computed inside KMS (`GenerateMac` under an HMAC key), so no secret is in
/// the template or any function's environment, and only the inspector function's role may compute
/// a MAC: the key policy allows it to that role alone, lets the account administer but not use the
/// key (no `kms:*`, no grants), and denies MACs to every other principal.
#[test]
fn plan_secrets_are_computed_in_kms_by_the_inspector_function_only() -> Result<()> {
    let t = Template::load()?;
    let raw_text = std::fs::read_to_string(workspace_root().join("infra/template.yaml"))?;
    ensure!(
        !raw_text.contains("{{resolve:"),
        "no dynamic reference may put a secret into the template (a resolved secret lands in the function's configuration)"
    );
    ensure!(
        resources_of(&t, "AWS::SecretsManager::Secret").is_empty(),
        "no Secrets Manager secret: plan secrets are computed in KMS"
    );
    let role = "InspectorApiFunctionRole.Arn";
    for f in t.functions() {
        let vars = get(f.resource, &["Properties", "Environment", "Variables"]);
        for name in keys(vars) {
            ensure!(
                !name.contains("MASTER") && !name.contains("SECRET"),
                "{}: environment variable {name} looks like a secret",
                f.logical_id
            );
        }
        let given = keys(vars).contains("SPOTCHECK_PLAN_KEY");
        ensure!(
            given == (f.logical_id == "InspectorApiFunction"),
            "{}: only the inspector function is given the plan key",
            f.logical_id
        );
        ensure!(
            !actions(&f)?.iter().any(|a| a.starts_with("kms:")),
            "{}: KMS use is granted by the key policies alone, not by function policies",
            f.logical_id
        );
    }
    let inspector = resource(&t, "InspectorApiFunction")?;
    let env = get(inspector, &["Properties", "Environment", "Variables"])
        .ok_or_else(|| anyhow!("InspectorApiFunction has no environment"))?;
    ensure!(
        is_tagged(raw(env, &["SPOTCHECK_PLAN_KEY"]), "GetAtt", "PlanKey.Arn"),
        "SPOTCHECK_PLAN_KEY must be !GetAtt PlanKey.Arn"
    );
    ensure!(
        text(env, &["SPOTCHECK_LEGACY_PLAN_KEY"]).is_none()
            && serde_yaml_ng::to_string(
                raw(env, &["SPOTCHECK_LEGACY_PLAN_KEY"]).unwrap_or(&Value::Null)
            )?
            .contains("LegacyPlanKey.Arn"),
        "SPOTCHECK_LEGACY_PLAN_KEY must name LegacyPlanKey when it exists"
    );
    let policy = std::fs::read_to_string(workspace_root().join("infra/stack-policy.json"))?;
    for id in ["PlanKey", "LegacyPlanKey"] {
        let key = resource(&t, id)?;
        let props = get(key, &["Properties"]).ok_or_else(|| anyhow!("{id}: no properties"))?;
        ensure!(
            text(props, &["KeySpec"]) == Some("HMAC_256")
                && text(props, &["KeyUsage"]) == Some("GENERATE_VERIFY_MAC"),
            "{id} must be an HMAC_256 key for GENERATE_VERIFY_MAC"
        );
        ensure!(
            text(key, &["DeletionPolicy"]) == Some("Retain")
                && text(key, &["UpdateReplacePolicy"]) == Some("Retain"),
            "{id} must be retained"
        );
        ensure!(
            policy.contains(&format!("\"LogicalResourceId/{id}\"")),
            "infra/stack-policy.json must forbid replacing {id}"
        );
        let statements = get(props, &["KeyPolicy", "Statement"])
            .and_then(Value::as_sequence)
            .ok_or_else(|| anyhow!("{id}: no key policy"))?;
        let mut allowed_to_mac = Vec::new();
        let mut denied_to_others = false;
        for st in statements {
            let sid = text(st, &["Sid"]).unwrap_or_default();
            let acts = strings(get(st, &["Action"]));
            let principal = raw(st, &["Principal", "AWS"]);
            let uses = acts.iter().any(|a| {
                matches!(
                    a.as_str(),
                    "kms:*" | "kms:GenerateMac" | "kms:VerifyMac" | "kms:CreateGrant"
                ) || (a.ends_with('*') && "kms:GenerateMac".starts_with(a.trim_end_matches('*')))
                    || (a.ends_with('*') && "kms:CreateGrant".starts_with(a.trim_end_matches('*')))
            });
            match text(st, &["Effect"]) {
                Some("Allow") if uses => {
                    ensure!(
                        is_tagged(principal, "GetAtt", role)
                            && acts == ["kms:GenerateMac".to_owned()],
                        "{id}: statement {sid} lets someone other than the inspector function's role compute a MAC or grant it: {acts:?}"
                    );
                    allowed_to_mac.push(sid.to_owned());
                }
                Some("Deny") => {
                    let cond = raw(st, &["Condition", "ArnNotEquals", "aws:PrincipalArn"]);
                    denied_to_others |= text(st, &["Principal", "AWS"]) == Some("*")
                        && acts.iter().any(|a| a == "kms:GenerateMac")
                        && acts.iter().any(|a| a == "kms:CreateGrant")
                        && is_tagged(cond, "GetAtt", role);
                }
                _ => {}
            }
        }
        ensure!(
            allowed_to_mac.len() == 1,
            "{id}: exactly one statement lets the inspector function compute MACs, found {allowed_to_mac:?}"
        );
        ensure!(
            denied_to_others,
            "{id}: the key policy must deny GenerateMac and CreateGrant to every principal but the inspector function's role"
        );
    }
    ensure!(
        text(resource(&t, "LegacyPlanKey")?, &["Condition"]) == Some("HasLegacyPlanKey")
            && text(resource(&t, "LegacyPlanKey")?, &["Properties", "Origin"]) == Some("EXTERNAL"),
        "LegacyPlanKey exists only for a migration and holds imported key material"
    );
    Ok(())
}

/// Every checkov finding that is not fixed is listed with the reason it does not apply: a skip in
/// a resource's Metadata has a comment, and each check skipped for the whole template is explained
/// in infra/checks/checkov.yaml.
#[test]
fn every_checkov_skip_says_why() -> Result<()> {
    let t = Template::load()?;
    let mut skipped = 0;
    for (id, r) in get(&t.doc, &["Resources"])
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let id = id.as_str().unwrap_or_default();
        for skip in get(r, &["Metadata", "checkov", "skip"])
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            let check = text(skip, &["id"]).unwrap_or_default();
            ensure!(
                check.starts_with("CKV_"),
                "{id}: a checkov skip without a check id"
            );
            ensure!(
                text(skip, &["comment"]).is_some_and(|c| c.len() >= 40),
                "{id}: the skip of {check} must say why it does not apply"
            );
            skipped += 1;
        }
    }
    ensure!(
        skipped > 0,
        "no per-resource checkov skips found (the scan looks in the wrong place)"
    );
    let config = std::fs::read_to_string(workspace_root().join("infra/checks/checkov.yaml"))?;
    let (comments, settings) = config
        .split_once("\nframework:")
        .ok_or_else(|| anyhow!("infra/checks/checkov.yaml: no framework setting"))?;
    let list = settings
        .split("skip-check:")
        .nth(1)
        .ok_or_else(|| anyhow!("infra/checks/checkov.yaml: no skip-check list"))?;
    for check in list
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(str::trim)
    {
        ensure!(
            comments.contains(&format!("# {check} (")),
            "infra/checks/checkov.yaml skips {check} without saying why"
        );
    }
    Ok(())
}

/// The staff console (web/console) signs in through the Cognito hosted UI with the authorization
/// code flow and PKCE as a public client, back to the site's `/console/` only, and may call the API
/// from the site's origin (and no other).
#[test]
fn the_console_signs_in_with_the_code_flow_back_to_the_site_and_calls_the_api_from_it() -> Result<()>
{
    let t = Template::load()?;
    let client = resource(&t, "UserPoolClient")?;
    let props = |name: &str| get(client, &["Properties", name]);
    ensure!(
        props("GenerateSecret").and_then(Value::as_bool) == Some(false),
        "the console's client is public: no secret in a browser"
    );
    ensure!(
        strings(props("AllowedOAuthFlows")) == ["code"],
        "the authorization code flow only (never implicit): {:?}",
        strings(props("AllowedOAuthFlows"))
    );
    ensure!(strings(props("AllowedOAuthScopes")).contains(&"openid".to_owned()));
    for key in ["CallbackURLs", "LogoutURLs"] {
        let urls = serde_yaml_ng::to_string(
            props(key).ok_or_else(|| anyhow!("UserPoolClient has no {key}"))?,
        )?;
        ensure!(
            urls.contains("https://${SiteDomainName}/console/")
                && urls.contains("https://${SiteDistribution.DomainName}/console/")
                && !urls.contains("localhost")
                && !urls.contains("http:"),
            "{key} must be the site's /console/ only: {urls}"
        );
    }
    let domain = resource(&t, "UserPoolDomain")?;
    ensure!(text(domain, &["Type"]) == Some("AWS::Cognito::UserPoolDomain"));
    ensure!(text(domain, &["Condition"]) == Some("UseCognito"));
    let cors = get(
        resource(&t, "HttpApi")?,
        &["Properties", "CorsConfiguration", "AllowOrigins"],
    )
    .ok_or_else(|| anyhow!("HttpApi has no CorsConfiguration.AllowOrigins"))?;
    let origins = serde_yaml_ng::to_string(cors)?;
    ensure!(
        origins.contains("https://${SiteDomainName}")
            && origins.contains("https://${SiteDistribution.DomainName}")
            && !origins.contains('*'),
        "the API admits the site's origin only: {origins}"
    );
    Ok(())
}
