//! The object identifiers RFC 3161, RFC 5652, RFC 5035 and RFC 5280 use, written out so the
//! crate needs no OID database.

use der::oid::ObjectIdentifier as Oid;

/// `id-signedData` (RFC 5652 §5.1).
pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
/// `id-ct-TSTInfo` (RFC 3161 §2.4.2).
pub const CT_TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
/// `id-contentType` signed attribute (RFC 5652 §11.1).
pub const ATTR_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
/// `id-messageDigest` signed attribute (RFC 5652 §11.2).
pub const ATTR_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
/// `id-aa-signingCertificate` (RFC 2634 §5.4, ESSCertID with SHA-1).
pub const ATTR_SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
/// `id-aa-signingCertificateV2` (RFC 5035 §3, ESSCertIDv2).
pub const ATTR_SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// SHA-256.
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
/// SHA-384.
pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
/// SHA-512.
pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");

/// `rsaEncryption` (key, and in CMS also a signature algorithm with the digest named apart).
pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
/// `sha256WithRSAEncryption`.
pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
/// `sha384WithRSAEncryption`.
pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
/// `sha512WithRSAEncryption`.
pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
/// `id-ecPublicKey`.
pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
/// `secp256r1` (P-256).
pub const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
/// `secp384r1` (P-384).
pub const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
/// `ecdsa-with-SHA256`.
pub const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
/// `ecdsa-with-SHA384`.
pub const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
/// `ecdsa-with-SHA512`.
pub const ECDSA_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");

/// `id-kp-timeStamping` (RFC 5280 §4.2.1.12).
pub const KP_TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");
/// `id-ce-extKeyUsage`.
pub const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
/// `id-ce-basicConstraints`.
pub const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
/// `id-ce-keyUsage`.
pub const KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
/// `id-ce-subjectKeyIdentifier`.
pub const SUBJECT_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.14");
