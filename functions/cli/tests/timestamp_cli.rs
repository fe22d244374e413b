//! `spotcheck verify` checks a draw's RFC 3161 time-stamp tokens (docs/draw-spec.md §16) and says
//! in words what they prove. The tokens come from a real authority, `openssl ts -reply` with a CA
//! made here (the harness of spotcheck-timestamp's tests), for a commitment made by the binary.

#[path = "../../timestamp/tests/support/mod.rs"]
mod tsa;

use std::path::Path;
use std::process::{Command, Output};

use spotcheck_timestamp::{Nonce, build_request};
use tsa::{Key, Pki};

type R<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;
type TestResult = R<()>;

fn spotcheck(dir: &Path, args: &[&str]) -> std::io::Result<Output> {
    Command::new(env!("CARGO_BIN_EXE_spotcheck"))
        .current_dir(dir)
        .args(args)
        .output()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn at(unix: i64) -> String {
    spotcheck_domain::time::Timestamp::from_unix(unix).to_string()
}

fn real_now() -> R<i64> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64)
}

/// A folder with a committed and drawn plan (committed two hours ago, drawn at `drawn_at`), the
/// test PKI's root as `root.pem`, and an authority under it and a rogue one of the same name.
struct Case {
    dir: tempfile::TempDir,
    tsa: tsa::Tsa,
    rogue: tsa::Tsa,
    _pki: Pki,
}

impl Case {
    fn new(drawn_at: i64) -> R<Self> {
        let dir = tempfile::tempdir()?;
        let p = dir.path();
        std::fs::write(
            p.join("frame.csv"),
            "target_id,stratum\nA,S\nB,S\nC,S\nD,S\n",
        )?;
        std::fs::write(
            p.join("pool.csv"),
            "inspector_id,department,conflicts\nI1,D,\nI2,D,\nI3,D,\n",
        )?;
        std::fs::write(
            p.join("params.json"),
            r#"{"default": {"count": 1}, "inspectors_per_target": 2}"#,
        )?;
        let now = real_now()?;
        let o = spotcheck(
            p,
            &[
                "commit",
                "--plan-id",
                "PT-TS-CLI",
                "--frame",
                "frame.csv",
                "--pool",
                "pool.csv",
                "--params",
                "params.json",
                "--witness",
                "公证员 王某",
                "--committed-at",
                &at(now - 2 * 3600),
                "--out",
                "commitment.json",
                "--secret-out",
                "secret.hex",
            ],
        )?;
        assert!(o.status.success(), "commit: {}", text(&o.stderr));
        let o = spotcheck(
            p,
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
                &at(drawn_at),
                "--out",
                "transcript.json",
            ],
        )?;
        assert!(o.status.success(), "draw: {}", text(&o.stderr));
        let pki = Pki::new()?;
        pki.root("root", "spotcheck cli test root", Key::Rsa)?;
        let tsa = pki.tsa(
            "tsa",
            "spotcheck cli test TSA",
            "root",
            Key::P256,
            "sha256",
            &["root"],
        )?;
        pki.root("rogue-root", "rogue root", Key::P256)?;
        let rogue = pki.tsa(
            "rogue",
            "spotcheck cli test TSA",
            "rogue-root",
            Key::P256,
            "sha256",
            &["rogue-root"],
        )?;
        std::fs::write(p.join("root.pem"), pki.pem("root")?)?;
        Ok(Self {
            dir,
            tsa,
            rogue,
            _pki: pki,
        })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The SHA-256 of the commitment file: the commitment hash.
    fn hash(&self) -> R<[u8; 32]> {
        let bytes = std::fs::read(self.path().join("commitment.json"))?;
        Ok(*spotcheck_domain::encoding::sha256(&bytes).as_bytes())
    }

    /// `authority`'s token over `hash`, written as `file`.
    fn stamp(&self, authority: &tsa::Tsa, hash: &[u8; 32], file: &str) -> TestResult {
        let reply = authority.reply(&build_request(hash, Nonce::new(0x0123_4567_89ab_cdef))?)?;
        std::fs::write(self.path().join(file), reply)?;
        Ok(())
    }

    fn verify(&self, extra: &[&str]) -> std::io::Result<Output> {
        let mut args = vec![
            "verify",
            "transcript.json",
            "--frame",
            "frame.csv",
            "--pool",
            "pool.csv",
            "--commitment",
            "commitment.json",
        ];
        args.extend_from_slice(extra);
        spotcheck(self.path(), &args)
    }
}

#[test]
fn a_token_published_beside_the_commitment_proves_when_it_existed() -> TestResult {
    let c = Case::new(real_now()? + 3600)?;
    c.stamp(&c.tsa, &c.hash()?, "commitment.tsa-1.tsr")?;
    let o = c.verify(&["--tsa-anchors", "root.pem"])?;
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    assert!(out.contains("VERIFIED: plan PT-TS-CLI"), "{out}");
    assert!(
        out.contains("ok  time-stamp ./commitment.tsa-1.tsr")
            || out.contains("ok  time-stamp commitment.tsa-1.tsr"),
        "{out}"
    );
    assert!(
        out.contains("TIME: the commitment existed by")
            && out.contains("CN=spotcheck cli test TSA"),
        "{out}"
    );

    // The bureau's published anchors are the default, and the verdict says whose they are.
    std::fs::copy(c.path().join("root.pem"), c.path().join("tsa-anchors.pem"))?;
    let o = c.verify(&[])?;
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    assert!(out.contains("as the bureau published them"), "{out}");
    Ok(())
}

#[test]
fn a_draw_without_a_token_verifies_and_says_its_time_rests_on_the_bureau_alone() -> TestResult {
    let c = Case::new(real_now()? + 3600)?;
    let o = c.verify(&[])?;
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    assert!(out.contains("VERIFIED: plan PT-TS-CLI"), "{out}");
    assert!(
        out.contains(
            "TIME: no time-stamp token: the commitment's publication time rests on the bureau's word alone"
        ),
        "{out}"
    );
    Ok(())
}

#[test]
fn a_token_for_another_hash_is_refused_as_the_wrong_imprint() -> TestResult {
    let c = Case::new(real_now()? + 3600)?;
    let mut other = c.hash()?;
    other[0] ^= 1;
    c.stamp(&c.tsa, &other, "elsewhere.tsr")?;
    let o = c.verify(&["--timestamp", "elsewhere.tsr", "--tsa-anchors", "root.pem"])?;
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        out.contains("VERIFIED: plan PT-TS-CLI"),
        "the draw itself verifies: {out}"
    );
    assert!(
        out.contains("BAD time-stamp elsewhere.tsr") && out.contains("(timestamp-imprint)"),
        "{out}"
    );
    assert!(out.contains("rests on the bureau's word alone"), "{out}");
    assert!(err.contains("elsewhere.tsr: timestamp-imprint"), "{err}");
    Ok(())
}

#[test]
fn a_token_by_an_authority_under_another_root_is_refused_as_untrusted() -> TestResult {
    let c = Case::new(real_now()? + 3600)?;
    c.stamp(&c.rogue, &c.hash()?, "commitment.rogue.tsr")?;
    let o = c.verify(&["--tsa-anchors", "root.pem"])?;
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    assert!(out.contains("(timestamp-untrusted)"), "{out}");
    Ok(())
}

#[test]
fn a_token_made_after_the_draw_is_refused_as_too_late() -> TestResult {
    // Drawn an hour ago: a token made now cannot show the commitment existed before the draw.
    let c = Case::new(real_now()? - 3600)?;
    c.stamp(&c.tsa, &c.hash()?, "commitment.tsa-1.tsr")?;
    let o = c.verify(&["--tsa-anchors", "root.pem"])?;
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    assert!(out.contains("(timestamp-too-late)"), "{out}");
    assert!(out.contains("rests on the bureau's word alone"), "{out}");
    Ok(())
}

#[test]
fn a_token_without_anchors_to_check_it_against_is_bad_input() -> TestResult {
    let c = Case::new(real_now()? + 3600)?;
    c.stamp(&c.tsa, &c.hash()?, "commitment.tsa-1.tsr")?;
    let o = c.verify(&[])?;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("--tsa-anchors"),
        "{}",
        text(&o.stderr)
    );
    Ok(())
}
