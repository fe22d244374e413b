//! `spotcheck verify` speaks 简体中文 with `--lang zh-CN` or a `zh` locale (`LC_ALL`,
//! `LC_MESSAGES`, `LANG`), English otherwise, `--lang` winning; in both languages each verdict
//! line starts with the same ASCII marker (`ok`, `VERIFIED:`, `TIME:`, `FAILED: <field>:`).

use std::path::Path;
use std::process::{Command, Output};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Runs the binary in `dir` with exactly the locale variables given (the others removed).
fn spotcheck(dir: &Path, locale: &[(&str, &str)], args: &[&str]) -> std::io::Result<Output> {
    let mut c = Command::new(env!("CARGO_BIN_EXE_spotcheck"));
    c.current_dir(dir).args(args);
    for k in ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"] {
        c.env_remove(k);
    }
    for (k, v) in locale {
        c.env(k, v);
    }
    c.output()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A small committed and drawn plan in a temporary folder.
fn demo() -> Result<tempfile::TempDir, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let p = dir.path();
    std::fs::write(
        p.join("frame.csv"),
        "target_id,stratum\nA,S\nB,S\nC,S\nD,S\nE,S\n",
    )?;
    std::fs::write(
        p.join("pool.csv"),
        "inspector_id,department,conflicts\nI1,D,\nI2,D,\nI3,D,\nI4,D,\n",
    )?;
    std::fs::write(
        p.join("params.json"),
        r#"{"default": {"count": 2}, "inspectors_per_target": 2}"#,
    )?;
    for args in [
        &[
            "commit",
            "--plan-id",
            "PT-LANG-1",
            "--frame",
            "frame.csv",
            "--pool",
            "pool.csv",
            "--params",
            "params.json",
            "--witness",
            "公证员 王某",
            "--committed-at",
            "2026-11-26T08:00:00Z",
            "--out",
            "commitment.json",
            "--secret-out",
            "secret.hex",
        ][..],
        &[
            "draw",
            "--commitment",
            "commitment.json",
            "--secret",
            "secret.hex",
            "--frame",
            "frame.csv",
            "--pool",
            "pool.csv",
            "--witness-value",
            "公证员 王某=6 2 5 3",
            "--drawn-at",
            "2026-11-27T09:00:00Z",
            "--out",
            "transcript.json",
        ][..],
    ] {
        let o = spotcheck(p, &[], args)?;
        assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    }
    Ok(dir)
}

const VERIFY: &[&str] = &[
    "verify",
    "transcript.json",
    "--frame",
    "frame.csv",
    "--pool",
    "pool.csv",
    "--commitment",
    "commitment.json",
];

fn with(extra: &[&'static str]) -> Vec<&'static str> {
    let mut v = VERIFY.to_vec();
    v.extend_from_slice(extra);
    v
}

fn assert_english(out: &str) {
    assert!(
        out.contains("ok  transcript's commitment is the published one"),
        "{out}"
    );
    assert!(
        out.contains("VERIFIED: plan PT-LANG-1, 2 targets drawn from 5 entries"),
        "{out}"
    );
    assert!(
        out.contains("TIME: no time-stamp token: the commitment's publication time rests on the bureau's word alone"),
        "{out}"
    );
    assert!(!out.contains("计划"), "{out}");
}

fn assert_chinese(out: &str) {
    assert!(
        out.contains("ok  誊本中的承诺就是公布的承诺（commitment.json）"),
        "{out}"
    );
    assert!(out.contains("ok  誊本摘要与誊本内容一致"), "{out}");
    assert!(
        out.contains("VERIFIED: 计划 PT-LANG-1，从 5 个检查对象中抽取 2 个，誊本摘要 "),
        "{out}"
    );
    assert!(
        out.contains("TIME: 没有时间戳：承诺的公布时间只有抽查机关自己的说法为凭"),
        "{out}"
    );
    assert!(!out.contains("transcript's commitment"), "{out}");
    // Every line is either indented or starts with one of the markers.
    for line in out.lines() {
        assert!(
            ["ok  ", "VERIFIED: ", "TIME: ", "BAD ", "    "]
                .iter()
                .any(|m| line.starts_with(m)),
            "{line}"
        );
    }
}

#[test]
fn english_without_a_chinese_locale_chinese_with_one_and_the_flag_wins() -> TestResult {
    let d = demo()?;
    let p = d.path();
    let run = |locale: &[(&str, &str)],
               extra: &[&'static str]|
     -> Result<String, Box<dyn std::error::Error>> {
        let o = spotcheck(p, locale, &with(extra))?;
        assert!(o.status.success(), "{}", text(&o.stderr));
        Ok(text(&o.stdout))
    };
    assert_english(&run(&[], &[])?);
    assert_english(&run(&[("LANG", "C.UTF-8")], &[])?);
    assert_chinese(&run(&[("LANG", "zh_CN.UTF-8")], &[])?);
    assert_chinese(&run(
        &[("LC_MESSAGES", "zh_CN.UTF-8"), ("LANG", "en_US.UTF-8")],
        &[],
    )?);
    assert_chinese(&run(
        &[("LC_ALL", "zh_CN.UTF-8"), ("LANG", "en_US.UTF-8")],
        &[],
    )?);
    assert_english(&run(
        &[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")],
        &[],
    )?);
    // --lang wins over the locale, either way.
    assert_chinese(&run(&[("LANG", "C.UTF-8")], &["--lang", "zh-CN"])?);
    assert_english(&run(&[("LANG", "zh_CN.UTF-8")], &["--lang", "en"])?);
    // An unknown language is refused (exit 2), not guessed.
    let o = spotcheck(p, &[], &with(&["--lang", "fr"]))?;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    Ok(())
}

#[test]
fn a_failure_names_the_same_field_after_the_same_marker_in_both_languages() -> TestResult {
    let d = demo()?;
    let p = d.path();
    let mut t: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.join("transcript.json"))?)?;
    let first = t["selections"][0]["inspectors"][0].clone();
    t["selections"][0]["inspectors"][0] = t["selections"][0]["inspectors"][1].clone();
    t["selections"][0]["inspectors"][1] = first;
    std::fs::write(p.join("tampered.json"), serde_json::to_vec(&t)?)?;
    let args = [
        "verify",
        "tampered.json",
        "--frame",
        "frame.csv",
        "--pool",
        "pool.csv",
    ];
    let field = |err: &str| {
        err.lines()
            .find_map(|l| l.strip_prefix("FAILED: "))
            .and_then(|l| l.split_once(": "))
            .map(|(f, rest)| (f.to_owned(), rest.to_owned()))
    };
    let o = spotcheck(p, &[("LANG", "C.UTF-8")], &args)?;
    assert_eq!(o.status.code(), Some(1));
    let (en_field, en) = field(&text(&o.stderr)).ok_or("no FAILED line in English")?;
    assert!(en.starts_with("the transcript says "), "{en}");
    let o = spotcheck(p, &[("LANG", "zh_CN.UTF-8")], &args)?;
    assert_eq!(o.status.code(), Some(1));
    let (zh_field, zh) = field(&text(&o.stderr)).ok_or("no FAILED line in Chinese")?;
    assert_eq!(zh_field, en_field);
    assert!(
        zh.starts_with("誊本记录为 ") && zh.contains("，重新计算得 "),
        "{zh}"
    );
    Ok(())
}

#[test]
fn an_unreadable_input_file_is_named_in_the_chosen_language() -> TestResult {
    let d = demo()?;
    let p = d.path();
    std::fs::write(p.join("broken.json"), "{")?;
    std::fs::write(p.join("short.csv"), "target_id\n")?;
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "verify",
                "missing.json",
                "--frame",
                "frame.csv",
                "--pool",
                "pool.csv",
            ],
            "誊本",
        ),
        (
            &[
                "verify",
                "broken.json",
                "--frame",
                "frame.csv",
                "--pool",
                "pool.csv",
            ],
            "誊本",
        ),
        (
            &[
                "verify",
                "transcript.json",
                "--frame",
                "short.csv",
                "--pool",
                "pool.csv",
            ],
            "抽查名录",
        ),
    ];
    for (args, what) in cases {
        let o = spotcheck(p, &[("LANG", "zh_CN.UTF-8")], args)?;
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.contains(&format!("无法读取{what}文件：")),
            "{args:?}: {err}"
        );
        let o = spotcheck(p, &[("LANG", "C.UTF-8")], args)?;
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(!text(&o.stderr).contains("无法读取"), "{args:?}");
    }
    Ok(())
}
