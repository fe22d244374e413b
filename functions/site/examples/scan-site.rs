//! Scans every file under a folder for 18-digit ID numbers with a valid GB 11643 check character
//! and for mainland mobile numbers; exits 1 naming each hit (masked), 2 on bad usage.
//!
//! `cargo run -p spotcheck-site --example scan-site -- SITE_DIR`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use spotcheck_site::redact::scan_bytes;

fn walk(root: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(root)? {
        let p = e?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: scan-site SITE_DIR");
        return ExitCode::from(2);
    };
    let mut files = Vec::new();
    if let Err(e) = walk(&dir, &mut files) {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::from(2);
    }
    let mut hits = 0usize;
    for f in &files {
        match std::fs::read(f) {
            Ok(bytes) => {
                for h in scan_bytes(&bytes) {
                    eprintln!(
                        "{}: {} {} at byte {}",
                        f.display(),
                        h.kind.as_str(),
                        h.excerpt,
                        h.offset
                    );
                    hits += 1;
                }
            }
            Err(e) => {
                eprintln!("{}: {e}", f.display());
                return ExitCode::from(2);
            }
        }
    }
    if hits > 0 {
        eprintln!(
            "redaction scan: {hits} personal number(s) in {}",
            dir.display()
        );
        return ExitCode::from(1);
    }
    println!(
        "redaction scan: {} files under {}, no ID or mobile number",
        files.len(),
        dir.display()
    );
    ExitCode::SUCCESS
}
