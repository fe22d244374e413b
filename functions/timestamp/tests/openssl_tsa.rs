//! The verifier and the HTTP adapter against a real time-stamping authority: `openssl ts -reply`
//! served on 127.0.0.1, with a CA and TSA certificates made in the test.

mod support;

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use der::{Decode, Encode};
use spotcheck_timestamp::{
    HttpTsa, Nonce, RetryPolicy, TrustAnchors, TsaError, VerifyError, build_request, check_before,
    stamp_commitment, verify_response,
};
use support::{Key, Pki, TestResult, Tsa, serve};

const HASH: [u8; 32] = [0x5c; 32];
const OTHER_HASH: [u8; 32] = [0xa7; 32];

/// A trusted root with a P-256 TSA under it (token carries the root too), an RSA TSA under a
/// P-384 intermediate, and a rogue root with its own TSA.
struct World {
    pki: Pki,
    tsa: Tsa,
    chained: Tsa,
    rogue: Tsa,
    anchors: TrustAnchors,
}

fn world() -> Result<World, support::Error> {
    let pki = Pki::new()?;
    pki.root("root", "spotcheck test root", Key::Rsa)?;
    let tsa = pki.tsa(
        "tsa",
        "spotcheck test TSA",
        "root",
        Key::P256,
        "sha256, sha384",
        &["root"],
    )?;
    pki.intermediate("inter", "spotcheck test intermediate", "root", Key::P384)?;
    let chained = pki.tsa(
        "chained",
        "spotcheck chained TSA",
        "inter",
        Key::Rsa,
        "sha256",
        &["inter"],
    )?;
    pki.root("rogue-root", "rogue root", Key::P256)?;
    let rogue = pki.tsa(
        "rogue",
        "spotcheck test TSA",
        "rogue-root",
        Key::P256,
        "sha256",
        &["rogue-root"],
    )?;
    let anchors = TrustAnchors::from_pem(&pki.pem("root")?)?;
    Ok(World {
        pki,
        tsa,
        chained,
        rogue,
        anchors,
    })
}

fn quick(attempts: u32, timeout_ms: u64) -> RetryPolicy {
    RetryPolicy {
        attempts,
        first_backoff: Duration::from_millis(50),
        request_timeout: Duration::from_millis(timeout_ms),
    }
}

fn token(tsa: &Tsa, hash: &[u8; 32], nonce: u64) -> Result<Vec<u8>, support::Error> {
    tsa.reply(&build_request(hash, Nonce::new(nonce))?)
}

#[tokio::test]
async fn a_token_from_a_real_tsa_over_http_verifies() -> TestResult {
    let w = world()?;
    let url = serve(w.tsa.clone(), 1).await?;
    let client = HttpTsa::new(&url, quick(1, 20_000))?;
    let before = Utc::now();
    let stamped = stamp_commitment(
        &client,
        &HASH,
        Nonce::new(0xfeed_beef_0000_0001),
        &w.anchors,
    )
    .await?;
    let after = Utc::now();
    let stamp = &stamped.stamp;
    assert!(
        stamp.authority.contains("CN=spotcheck test TSA"),
        "{}",
        stamp.authority
    );
    assert!(
        stamp.anchor.contains("CN=spotcheck test root"),
        "{}",
        stamp.anchor
    );
    assert!(stamp.gen_time >= before - TimeDelta::seconds(1) && stamp.gen_time <= after);
    assert_eq!(stamp.latest, stamp.gen_time + TimeDelta::seconds(1)); // accuracy secs:1
    assert_eq!(stamp.policy, "1.2.3.4.1");

    // The stored bytes verify again later, with or without the nonce.
    let again = verify_response(
        &stamped.response,
        &HASH,
        Some(Nonce::new(0xfeed_beef_0000_0001)),
        &w.anchors,
    )?;
    assert_eq!(&again, stamp);
    assert_eq!(
        verify_response(&stamped.response, &HASH, None, &w.anchors)?,
        again
    );

    // openssl agrees that the token time-stamps the commitment hash itself.
    let tsr = w.pki.path("stored.tsr");
    std::fs::write(&tsr, &stamped.response)?;
    let out = std::process::Command::new("openssl")
        .args(["ts", "-verify", "-digest", &hex::encode(HASH), "-in"])
        .arg(&tsr)
        .arg("-CAfile")
        .arg(w.pki.path("root.crt"))
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

#[test]
fn a_token_signed_through_an_intermediate_ca_verifies() -> TestResult {
    let w = world()?;
    let stamp = verify_response(
        &token(&w.chained, &HASH, 7)?,
        &HASH,
        Some(Nonce::new(7)),
        &w.anchors,
    )?;
    assert!(stamp.authority.contains("CN=spotcheck chained TSA"));
    assert!(stamp.anchor.contains("CN=spotcheck test root"));
    Ok(())
}

#[test]
fn a_token_for_another_commitment_is_refused() -> TestResult {
    let w = world()?;
    let response = token(&w.tsa, &OTHER_HASH, 1)?;
    let e = verify_response(&response, &HASH, None, &w.anchors);
    assert!(
        matches!(&e, Err(VerifyError::Imprint { found, .. }) if found == &format!("sha256:{}", hex::encode(OTHER_HASH))),
        "{e:?}"
    );
    Ok(())
}

#[test]
fn a_token_answering_another_request_is_refused_by_its_nonce() -> TestResult {
    let w = world()?;
    let response = token(&w.tsa, &HASH, 1)?;
    let e = verify_response(&response, &HASH, Some(Nonce::new(2)), &w.anchors);
    assert_eq!(e.map_err(|e| e.code()), Err("timestamp-nonce"));
    Ok(())
}

#[tokio::test]
async fn a_signer_not_under_the_trust_anchor_is_refused() -> TestResult {
    let w = world()?;
    // Same subject name as the trusted TSA, but issued by another root.
    let e = verify_response(&token(&w.rogue, &HASH, 1)?, &HASH, None, &w.anchors);
    assert!(matches!(&e, Err(VerifyError::Untrusted { .. })), "{e:?}");

    // Trusting the rogue root instead accepts it: the refusal is the anchor's doing.
    let rogue_anchor = TrustAnchors::from_pem(&w.pki.pem("rogue-root")?)?;
    verify_response(&token(&w.rogue, &HASH, 1)?, &HASH, None, &rogue_anchor)?;

    // And the commit-time use case never hands such a token back.
    let url = serve(w.rogue.clone(), 1).await?;
    let client = HttpTsa::new(&url, quick(1, 20_000))?;
    let e = stamp_commitment(&client, &HASH, Nonce::new(3), &w.anchors).await;
    assert!(
        matches!(&e, Err(TsaError::Invalid { reason, .. }) if reason.contains("timestamp-untrusted")),
        "{e:?}"
    );
    Ok(())
}

#[test]
fn a_token_made_after_the_deadline_is_refused() -> TestResult {
    let w = world()?;
    let stamp = verify_response(&token(&w.tsa, &HASH, 1)?, &HASH, None, &w.anchors)?;
    // As if the drand round had been published an hour ago: the commitment may postdate it.
    let e = check_before(&stamp, Utc::now() - TimeDelta::hours(1));
    assert_eq!(e.map_err(|e| e.code()), Err("timestamp-too-late"));
    // Within the token's accuracy is not early enough either.
    assert!(check_before(&stamp, stamp.gen_time + TimeDelta::milliseconds(500)).is_err());
    check_before(&stamp, Utc::now() + TimeDelta::minutes(1))?;
    Ok(())
}

/// The DER of the TSTInfo inside a response (the signed content), located by decoding.
fn tst_info_range(response: &[u8]) -> Result<std::ops::Range<usize>, support::Error> {
    let resp = x509_tsp::TimeStampResp::from_der(response)?;
    let content = resp.time_stamp_token.ok_or("no token")?.content.to_der()?;
    let signed = cms::signed_data::SignedData::from_der(&content)?;
    let tst = signed
        .encap_content_info
        .econtent
        .ok_or("no content")?
        .decode_as::<der::asn1::OctetString>()?
        .into_bytes();
    let start = response
        .windows(tst.len())
        .position(|w| w == tst.as_slice())
        .ok_or("TSTInfo not found")?;
    Ok(start..start + tst.len())
}

#[test]
fn a_tampered_token_is_refused() -> TestResult {
    let w = world()?;
    let response = token(&w.tsa, &HASH, 1)?;
    verify_response(&response, &HASH, None, &w.anchors)?;

    // Every single-byte change of the signed TSTInfo (time, serial, imprint, policy…) is caught.
    let range = tst_info_range(&response)?;
    assert!(range.len() > 100);
    for i in range {
        let mut bad = response.clone();
        bad[i] ^= 0x01;
        let e = verify_response(&bad, &HASH, None, &w.anchors);
        assert!(e.is_err(), "byte {i} changed and the token still verified");
    }

    // The signature's last byte (the response ends with the SignerInfo's signature).
    let mut bad = response.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    let e = verify_response(&bad, &HASH, None, &w.anchors);
    assert!(
        matches!(e, Err(VerifyError::Signature | VerifyError::Malformed(_))),
        "{e:?}"
    );

    // Truncated.
    let e = verify_response(&response[..response.len() - 10], &HASH, None, &w.anchors);
    assert_eq!(e.map_err(|e| e.code()), Err("timestamp-malformed"));
    Ok(())
}

#[tokio::test]
async fn a_tsa_that_refuses_the_request_is_reported_as_refused() -> TestResult {
    let w = world()?;
    // This authority accepts only SHA-512 imprints: openssl answers with a rejection.
    let picky = w.pki.tsa(
        "picky",
        "spotcheck picky TSA",
        "root",
        Key::P256,
        "sha512",
        &[],
    )?;
    let url = serve(picky, 1).await?;
    let client = HttpTsa::new(&url, quick(3, 20_000))?;
    let started = Instant::now();
    let e = stamp_commitment(&client, &HASH, Nonce::new(1), &w.anchors).await;
    assert!(
        matches!(&e, Err(TsaError::Refused { reason, .. }) if reason.contains("Rejection")),
        "{e:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "a refusal is not retried"
    );
    Ok(())
}

#[tokio::test]
async fn a_tsa_that_is_down_is_unavailable_after_the_retries() -> TestResult {
    let w = world()?;
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let client = HttpTsa::new(&format!("http://127.0.0.1:{port}/tsa"), quick(3, 2_000))?;
    let started = Instant::now();
    let e = stamp_commitment(&client, &HASH, Nonce::new(1), &w.anchors).await;
    assert!(
        matches!(&e, Err(TsaError::Unavailable { attempts: 3, .. })),
        "{e:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    Ok(())
}

#[tokio::test]
async fn a_tsa_that_never_answers_is_unavailable_after_the_timeout() -> TestResult {
    let w = world()?;
    // Accepts connections and reads, but never answers.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let url = format!("http://{}/tsa", listener.local_addr()?);
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        for _ in 0..2 {
            if let Ok((conn, _)) = listener.accept().await {
                open.push(conn);
            }
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(open);
    });
    let client = HttpTsa::new(&url, quick(2, 300))?;
    let started = Instant::now();
    let e = stamp_commitment(&client, &HASH, Nonce::new(1), &w.anchors).await;
    let took = started.elapsed();
    assert!(
        matches!(&e, Err(TsaError::Unavailable { attempts: 2, .. })),
        "{e:?}"
    );
    // Two attempts of 300 ms and a 50 ms pause: bounded, not forever.
    assert!(
        took >= Duration::from_millis(600) && took < Duration::from_secs(5),
        "{took:?}"
    );
    held.abort();
    Ok(())
}

/// The TSTInfo of a real token for `HASH`, re-signed with `openssl cms -sign` by `signer` and
/// wrapped in a granted TimeStampResp.
fn resigned(w: &World, signer: &str, cades: bool) -> Result<Vec<u8>, support::Error> {
    let response = token(&w.tsa, &HASH, 1)?;
    let tst = response[tst_info_range(&response)?].to_vec();
    let signed = w.pki.cms_sign(&tst, signer, cades)?;
    let resp = x509_tsp::TimeStampResp {
        status: cmpv2::status::PkiStatusInfo {
            status: cmpv2::status::PkiStatus::Accepted,
            status_string: None,
            fail_info: None,
        },
        time_stamp_token: Some(cms::content_info::ContentInfo::from_der(&signed)?),
    };
    Ok(resp.to_der()?)
}

#[test]
fn a_token_signed_by_a_certificate_not_for_time_stamping_is_refused() -> TestResult {
    let w = world()?;
    // Control: the same CMS signing by the TSA's own certificate makes a token that verifies.
    let stamp = verify_response(&resigned(&w, "tsa", true)?, &HASH, None, &w.anchors)?;
    assert!(stamp.authority.contains("CN=spotcheck test TSA"));

    // A certificate under the same root, without the time-stamping extended key usage.
    let plain = "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n";
    w.pki
        .issue("plain", "plain signer", "root", Key::P256, plain)?;
    let e = verify_response(&resigned(&w, "plain", true)?, &HASH, None, &w.anchors);
    assert!(
        matches!(&e, Err(VerifyError::Certificate { reason, .. }) if reason.contains("no extended key usage")),
        "{e:?}"
    );

    // Time-stamping, but not critical (RFC 3161 §2.3 requires critical).
    let lax = "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n\
               extendedKeyUsage=timeStamping\n";
    w.pki.issue("lax", "lax signer", "root", Key::P256, lax)?;
    let e = verify_response(&resigned(&w, "lax", true)?, &HASH, None, &w.anchors);
    assert!(
        matches!(&e, Err(VerifyError::Certificate { reason, .. }) if reason.contains("not critical")),
        "{e:?}"
    );
    Ok(())
}

#[test]
fn a_token_without_the_signing_certificate_attribute_is_refused() -> TestResult {
    let w = world()?;
    // Without -cades, openssl cms adds no ESS signing-certificate attribute: nothing binds the
    // signature to the certificate the token names (RFC 3161 §2.4.1, RFC 5035).
    let e = verify_response(&resigned(&w, "tsa", false)?, &HASH, None, &w.anchors);
    assert!(
        matches!(&e, Err(VerifyError::SignedAttributes(r)) if r.contains("signingCertificate")),
        "{e:?}"
    );
    Ok(())
}

#[test]
fn an_intermediate_that_is_not_a_ca_does_not_extend_the_chain() -> TestResult {
    let w = world()?;
    // A leaf certificate (cA false) used as if it were an intermediate.
    let leaf = "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,keyCertSign\n\
                subjectKeyIdentifier=hash\n";
    w.pki
        .issue("fake-ca", "fake intermediate", "root", Key::P256, leaf)?;
    let tsa = w.pki.tsa(
        "under-leaf",
        "spotcheck TSA under a leaf",
        "fake-ca",
        Key::P256,
        "sha256",
        &["fake-ca"],
    )?;
    let e = verify_response(&token(&tsa, &HASH, 1)?, &HASH, None, &w.anchors);
    assert!(matches!(&e, Err(VerifyError::Untrusted { .. })), "{e:?}");
    Ok(())
}

#[test]
fn a_tsa_certificate_configured_as_the_anchor_itself_is_trusted() -> TestResult {
    let w = world()?;
    let itself = TrustAnchors::from_pem(&w.pki.pem("tsa")?)?;
    let stamp = verify_response(&token(&w.tsa, &HASH, 1)?, &HASH, None, &itself)?;
    assert_eq!(stamp.anchor, stamp.authority);
    Ok(())
}

#[test]
fn a_tsa_certificate_expired_at_gen_time_is_refused() -> TestResult {
    let w = world()?;
    // openssl ts -reply signs with it; the verifier must notice it had expired at genTime.
    let old = w.pki.dated_tsa(
        "old",
        "spotcheck expired TSA",
        "root",
        "20200101000000Z",
        "20210101000000Z",
    )?;
    let e = verify_response(&token(&old, &HASH, 1)?, &HASH, None, &w.anchors);
    assert!(
        matches!(&e, Err(VerifyError::Certificate { subject, reason }) if subject.contains("expired TSA") && reason.contains("not valid at genTime")),
        "{e:?}"
    );
    // And one not yet valid.
    let early = w.pki.dated_tsa(
        "early",
        "spotcheck future TSA",
        "root",
        "20400101000000Z",
        "20410101000000Z",
    )?;
    let e = verify_response(&token(&early, &HASH, 1)?, &HASH, None, &w.anchors);
    assert_eq!(e.map_err(|e| e.code()), Err("timestamp-certificate"));
    Ok(())
}
