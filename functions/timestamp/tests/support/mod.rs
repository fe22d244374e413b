//! A real time-stamping authority for the tests: certificates made here with `openssl req` and
//! `openssl x509`, tokens made by `openssl ts -reply`, served over HTTP on 127.0.0.1.

#![allow(dead_code)] // each test binary uses a part

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub type TestResult = Result<(), Error>;
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A directory of keys and certificates made with the openssl command-line tool.
pub struct Pki {
    dir: tempfile::TempDir,
}

/// Extensions of a time-stamping authority's certificate (RFC 3161 §2.3).
const TSA_EXTENSIONS: &str = "basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=critical,timeStamping
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
";
const CA_EXTENSIONS: &str = "basicConstraints=critical,CA:true
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
";

/// Key kinds for `openssl req -newkey`.
#[derive(Clone, Copy)]
pub enum Key {
    Rsa,
    P256,
    P384,
}

impl Key {
    fn args(self) -> &'static [&'static str] {
        match self {
            Key::Rsa => &["-newkey", "rsa:2048"],
            Key::P256 => &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
            Key::P384 => &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
        }
    }
}

impl Pki {
    pub fn new() -> Result<Self, Error> {
        Ok(Self {
            dir: tempfile::tempdir()?,
        })
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    fn openssl(&self, args: &[&str]) -> Result<(), Error> {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .output()?;
        if !out.status.success() {
            return Err(format!(
                "openssl {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(())
    }

    /// A self-signed root CA `name.crt` / `name.key`.
    pub fn root(&self, name: &str, cn: &str, key: Key) -> Result<(), Error> {
        let (crt, pem) = (format!("{name}.crt"), format!("{name}.key"));
        let subj = format!("/C=CN/O=spotcheck test/CN={cn}");
        let mut args = vec!["req", "-x509", "-nodes", "-days", "7300", "-subj", &subj];
        args.extend_from_slice(key.args());
        args.extend_from_slice(&["-keyout", &pem, "-out", &crt]);
        args.extend_from_slice(&["-addext", "basicConstraints=critical,CA:true"]);
        args.extend_from_slice(&["-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
        self.openssl(&args)
    }

    /// A certificate `name.crt` for a new key, issued by `issuer` with the given extensions
    /// (`openssl x509 -extfile` lines).
    pub fn issue(
        &self,
        name: &str,
        cn: &str,
        issuer: &str,
        key: Key,
        ext: &str,
    ) -> Result<(), Error> {
        let ext_file = format!("{name}.ext");
        std::fs::write(self.path(&ext_file), ext)?;
        let (csr, crt, pem) = (
            format!("{name}.csr"),
            format!("{name}.crt"),
            format!("{name}.key"),
        );
        let subj = format!("/C=CN/O=spotcheck test/CN={cn}");
        let mut args = vec!["req", "-new", "-nodes", "-subj", &subj];
        args.extend_from_slice(key.args());
        args.extend_from_slice(&["-keyout", &pem, "-out", &csr]);
        self.openssl(&args)?;
        let (ca_crt, ca_key) = (format!("{issuer}.crt"), format!("{issuer}.key"));
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca_crt,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-days",
            "7000",
            "-extfile",
            &ext_file,
            "-out",
            &crt,
        ])
    }

    /// An intermediate CA issued by `issuer`.
    pub fn intermediate(&self, name: &str, cn: &str, issuer: &str, key: Key) -> Result<(), Error> {
        self.issue(name, cn, issuer, key, CA_EXTENSIONS)
    }

    /// A time-stamping authority's certificate (extendedKeyUsage critical timeStamping) issued by
    /// `issuer`, and its `openssl ts` configuration (see [`Pki::tsa_config`]).
    pub fn tsa(
        &self,
        name: &str,
        cn: &str,
        issuer: &str,
        key: Key,
        digests: &str,
        chain: &[&str],
    ) -> Result<Tsa, Error> {
        self.issue(name, cn, issuer, key, TSA_EXTENSIONS)?;
        self.tsa_config(name, digests, chain)
    }

    /// A time-stamping authority's certificate valid only from `start` to `end`
    /// (`YYYYMMDDHHMMSSZ`), issued with `openssl ca`, and its configuration.
    pub fn dated_tsa(
        &self,
        name: &str,
        cn: &str,
        issuer: &str,
        start: &str,
        end: &str,
    ) -> Result<Tsa, Error> {
        let db = format!("{name}-db");
        std::fs::create_dir_all(self.path(&db))?;
        std::fs::write(self.path(&format!("{db}/index.txt")), "")?;
        std::fs::write(self.path(&format!("{db}/serial")), "1000\n")?;
        std::fs::write(self.path(&format!("{name}.ext")), TSA_EXTENSIONS)?;
        let config = format!(
            "[ ca ]\ndefault_ca = dated\n[ dated ]\ndatabase = {db}/index.txt\n\
             new_certs_dir = {db}\nserial = {db}/serial\ndefault_md = sha256\npolicy = any\n\
             [ any ]\ncommonName = supplied\n"
        );
        std::fs::write(self.path(&format!("{name}-ca.cnf")), config)?;
        let subj = format!("/C=CN/O=spotcheck test/CN={cn}");
        let (csr, crt, pem) = (
            format!("{name}.csr"),
            format!("{name}.crt"),
            format!("{name}.key"),
        );
        let mut args = vec!["req", "-new", "-nodes", "-subj", &subj];
        args.extend_from_slice(Key::P256.args());
        args.extend_from_slice(&["-keyout", &pem, "-out", &csr]);
        self.openssl(&args)?;
        let (ca_crt, ca_key, cnf, ext) = (
            format!("{issuer}.crt"),
            format!("{issuer}.key"),
            format!("{name}-ca.cnf"),
            format!("{name}.ext"),
        );
        self.openssl(&[
            "ca",
            "-batch",
            "-notext",
            "-config",
            &cnf,
            "-cert",
            &ca_crt,
            "-keyfile",
            &ca_key,
            "-in",
            &csr,
            "-out",
            &crt,
            "-startdate",
            start,
            "-enddate",
            end,
            "-extfile",
            &ext,
        ])?;
        self.tsa_config(name, "sha256", &[])
    }

    /// The `openssl ts` configuration of the authority `name` (`name.crt`, `name.key`): the
    /// `digests` it accepts, and `chain`, the certificates besides its own put in every token.
    pub fn tsa_config(&self, name: &str, digests: &str, chain: &[&str]) -> Result<Tsa, Error> {
        let serial = self.path(&format!("{name}.serial"));
        std::fs::write(&serial, "01\n")?;
        let config = format!(
            "[ tsa ]\ndefault_tsa = {name}\n[ {name} ]\nserial = {}\nsigner_digest = sha256\n\
             default_policy = 1.2.3.4.1\ndigests = {digests}\naccuracy = secs:1\n\
             ess_cert_id_alg = sha256\ntsa_name = yes\ncrypto_device = builtin\n\
             other_policies = 1.2.3.4.5\nordering = no\n",
            serial.display()
        );
        std::fs::write(self.path(&format!("{name}.cnf")), config)?;
        let mut chain_pem = String::new();
        for c in chain {
            chain_pem.push_str(&std::fs::read_to_string(self.path(&format!("{c}.crt")))?);
        }
        let chain_file = (!chain.is_empty()).then(|| format!("{name}.chain.pem"));
        if let Some(file) = &chain_file {
            std::fs::write(self.path(file), chain_pem)?;
        }
        Ok(Tsa {
            dir: self.dir.path().to_owned(),
            name: name.to_owned(),
            chain_file,
        })
    }

    /// `content` (a DER TSTInfo) signed by `signer` with `openssl cms -sign` as CMS SignedData of
    /// content type id-ct-TSTInfo, SHA-256; `cades` adds the signingCertificateV2 attribute.
    /// Returns the DER ContentInfo.
    pub fn cms_sign(&self, content: &[u8], signer: &str, cades: bool) -> Result<Vec<u8>, Error> {
        let n = QUERIES.fetch_add(1, Ordering::Relaxed);
        let (input, output) = (format!("content-{n}.der"), format!("signed-{n}.der"));
        std::fs::write(self.path(&input), content)?;
        let (crt, key) = (format!("{signer}.crt"), format!("{signer}.key"));
        let mut args = vec![
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-in",
            &input,
            "-econtent_type",
            "id-smime-ct-TSTInfo",
            "-signer",
            &crt,
            "-inkey",
            &key,
            "-md",
            "sha256",
            "-outform",
            "DER",
            "-out",
            &output,
        ];
        if cades {
            args.push("-cades");
        }
        self.openssl(&args)?;
        Ok(std::fs::read(self.path(&output))?)
    }

    pub fn pem(&self, name: &str) -> Result<String, Error> {
        Ok(std::fs::read_to_string(self.path(&format!("{name}.crt")))?)
    }
}

/// One authority made by [`Pki::tsa`]: signs requests with `openssl ts -reply`.
#[derive(Clone)]
pub struct Tsa {
    dir: PathBuf,
    name: String,
    chain_file: Option<String>,
}

static QUERIES: AtomicUsize = AtomicUsize::new(0);

impl Tsa {
    /// The DER `TimeStampResp` that `openssl ts -reply` makes for the DER `request`.
    pub fn reply(&self, request: &[u8]) -> Result<Vec<u8>, Error> {
        let n = QUERIES.fetch_add(1, Ordering::Relaxed);
        let query = self.dir.join(format!("{}-{n}.tsq", self.name));
        let reply = self.dir.join(format!("{}-{n}.tsr", self.name));
        std::fs::write(&query, request)?;
        let (cnf, crt, key) = (
            format!("{}.cnf", self.name),
            format!("{}.crt", self.name),
            format!("{}.key", self.name),
        );
        let mut cmd = Command::new("openssl");
        cmd.current_dir(&self.dir)
            .args([
                "ts", "-reply", "-config", &cnf, "-signer", &crt, "-inkey", &key,
            ])
            .arg("-queryfile")
            .arg(&query)
            .arg("-out")
            .arg(&reply);
        if let Some(chain) = &self.chain_file {
            cmd.args(["-chain", chain]);
        }
        let out = cmd.output()?;
        if !out.status.success() {
            return Err(format!(
                "openssl ts -reply: {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(std::fs::read(&reply)?)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Serves `tsa` over HTTP on 127.0.0.1 (RFC 3161 §3.4: POST `application/timestamp-query`,
/// answer `application/timestamp-reply`) for at most `max` connections, then stops. Returns its
/// URL.
pub async fn serve(tsa: Tsa, max: usize) -> Result<String, Error> {
    serve_on(TcpListener::bind(("127.0.0.1", 0)).await?, tsa, max)
}

/// [`serve`] on a listener the caller bound (e.g. again on the port of an authority that was
/// down).
pub fn serve_on(listener: TcpListener, tsa: Tsa, max: usize) -> Result<String, Error> {
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        for _ in 0..max {
            let Ok((mut conn, _)) = listener.accept().await else {
                return;
            };
            let (status, kind, body) = match read_request(&mut conn).await {
                Some((head, body))
                    if head.starts_with("POST /tsa ")
                        && head
                            .to_ascii_lowercase()
                            .contains("content-type: application/timestamp-query") =>
                {
                    let tsa = tsa.clone();
                    match tokio::task::spawn_blocking(move || tsa.reply(&body)).await {
                        Ok(Ok(reply)) => ("200 OK", "application/timestamp-reply", reply),
                        _ => (
                            "500 Internal Server Error",
                            "text/plain",
                            b"openssl failed".to_vec(),
                        ),
                    }
                }
                _ => (
                    "400 Bad Request",
                    "text/plain",
                    b"not a time-stamp query".to_vec(),
                ),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(head.as_bytes()).await;
            let _ = conn.write_all(&body).await;
            let _ = conn.shutdown().await;
        }
    });
    Ok(format!("http://{addr}/tsa"))
}

async fn read_request(conn: &mut tokio::net::TcpStream) -> Option<(String, Vec<u8>)> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => seen.extend_from_slice(buf.get(..n)?),
        }
        if seen.len() > 65536 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(seen.get(..head_end)?).into_owned();
    let length: usize = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })?;
    let mut body = seen.get(head_end..)?.to_vec();
    while body.len() < length {
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => body.extend_from_slice(buf.get(..n)?),
        }
    }
    body.truncate(length);
    Some((head, body))
}
