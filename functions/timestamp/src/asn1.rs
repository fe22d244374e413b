//! The few RFC 3161 / RFC 5035 structures this crate decodes with its own types rather than
//! `x509-tsp`'s: a `TSTInfo` whose `genTime` may carry fractional seconds (RFC 3161 §2.4.2
//! allows them; `der`'s `GeneralizedTime` does not), and the ESS signing-certificate attributes.

use chrono::{DateTime, NaiveDate, Utc};
use der::asn1::{Any, Int, OctetString};
use der::oid::ObjectIdentifier;
use der::{DecodeValue, EncodeValue, FixedTag, Header, Length, Reader, Sequence, Tag, Writer};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::Extensions;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_tsp::{Accuracy, MessageImprint, TspVersion};

use crate::oids;

/// A `GeneralizedTime` as RFC 3161 §2.4.2 writes `genTime`: `YYYYMMDDhhmmss[.f…]Z`, UTC, with an
/// optional fraction of a second. Keeps its text so it re-encodes byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenTime {
    text: Vec<u8>,
    time: DateTime<Utc>,
}

impl GenTime {
    /// The instant, to the nanosecond (finer fractions are truncated).
    pub fn time(&self) -> DateTime<Utc> {
        self.time
    }

    fn parse(text: &[u8]) -> Option<DateTime<Utc>> {
        let s = std::str::from_utf8(text).ok()?;
        let body = s.strip_suffix('Z')?;
        let (whole, fraction) = match body.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (body, None),
        };
        if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let num = |range: std::ops::Range<usize>| whole.get(range)?.parse::<u32>().ok();
        let year = i32::try_from(num(0..4)?).ok()?;
        let date = NaiveDate::from_ymd_opt(year, num(4..6)?, num(6..8)?)?;
        let mut nanos = 0u32;
        if let Some(f) = fraction {
            // RFC 3161: at least one digit, no trailing zero.
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) || f.ends_with('0') {
                return None;
            }
            let mut digits: String = f.chars().take(9).collect();
            while digits.len() < 9 {
                digits.push('0');
            }
            nanos = digits.parse().ok()?;
        }
        let time = date.and_hms_nano_opt(num(8..10)?, num(10..12)?, num(12..14)?, nanos)?;
        Some(time.and_utc())
    }
}

impl<'a> DecodeValue<'a> for GenTime {
    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        let text = reader.read_vec(header.length)?;
        let time = Self::parse(&text).ok_or_else(|| Tag::GeneralizedTime.value_error())?;
        Ok(Self { text, time })
    }
}

impl EncodeValue for GenTime {
    fn value_len(&self) -> der::Result<Length> {
        Length::try_from(self.text.len())
    }
    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        writer.write(&self.text)
    }
}

impl FixedTag for GenTime {
    const TAG: Tag = Tag::GeneralizedTime;
}

/// `TSTInfo` (RFC 3161 §2.4.2), as `x509_tsp::TstInfo` but with [`GenTime`].
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TstInfo {
    pub version: TspVersion,
    pub policy: ObjectIdentifier,
    pub message_imprint: MessageImprint,
    pub serial_number: Int,
    pub gen_time: GenTime,
    #[asn1(optional = "true")]
    pub accuracy: Option<Accuracy>,
    #[asn1(default = "Default::default")]
    pub ordering: bool,
    #[asn1(optional = "true")]
    pub nonce: Option<Int>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub tsa: Option<GeneralName>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// `IssuerSerial` (RFC 5035 §4).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct IssuerSerial {
    pub issuer: Vec<GeneralName>,
    pub serial_number: SerialNumber,
}

/// `ESSCertID` (RFC 2634 §5.4.1): SHA-1 of the signer's certificate.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertId {
    pub cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// `SigningCertificate` (RFC 2634 §5.4).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificate {
    pub certs: Vec<EssCertId>,
    #[asn1(optional = "true")]
    pub policies: Option<Any>,
}

/// `ESSCertIDv2` (RFC 5035 §4): the certificate's hash under `hash_algorithm` (SHA-256 when
/// absent).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertIdV2 {
    /// `DEFAULT id-sha256`: absent means SHA-256 (read as `Option` because `der`'s derive
    /// cannot encode a non-`Copy` default).
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    pub cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// `SigningCertificateV2` (RFC 5035 §3).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificateV2 {
    pub certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    pub policies: Option<Any>,
}

impl EssCertIdV2 {
    /// The hash algorithm, SHA-256 when absent.
    pub fn hash_oid(&self) -> ObjectIdentifier {
        self.hash_algorithm.as_ref().map_or(oids::SHA256, |a| a.oid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<String> {
        GenTime::parse(text.as_bytes()).map(|t| t.to_rfc3339())
    }

    #[test]
    fn gen_time_reads_whole_seconds_and_fractions() {
        assert_eq!(
            at("20261206163542Z").as_deref(),
            Some("2026-12-06T16:35:42+00:00")
        );
        assert_eq!(
            at("20261206163542.25Z").as_deref(),
            Some("2026-12-06T16:35:42.250+00:00")
        );
        assert_eq!(
            at("20261206163542.1234567891Z").as_deref(),
            Some("2026-12-06T16:35:42.123456789+00:00")
        );
    }

    #[test]
    fn gen_time_refuses_what_rfc_3161_forbids() {
        for bad in [
            "20261206163542",      // no Z
            "202612061635Z",       // no seconds
            "20261206163542.Z",    // empty fraction
            "20261206163542.50Z",  // trailing zero
            "20261206163542+0800", // offset
            "20261306163542Z",     // month 13
            "2026120616354aZ",     // not a digit
            "20261206163542.5.5Z", // two dots
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
    }
}
