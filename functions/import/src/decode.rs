//! Text encoding detection: BOM → UTF-8; valid UTF-8 → UTF-8; otherwise GB18030.

use std::borrow::Cow;

/// The encoding a text file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    /// UTF-8 with a byte-order mark (as Excel writes "CSV UTF-8").
    Utf8Bom,
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// GB18030 (covers GBK and GB2312, as Excel writes "CSV" on Chinese Windows).
    Gb18030,
}

impl std::fmt::Display for SourceEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Utf8Bom => "UTF-8 (BOM)",
            Self::Utf8 => "UTF-8",
            Self::Gb18030 => "GB18030",
        })
    }
}

/// Decodes bytes to text, stripping a UTF-8 BOM. GB18030 decoding never fails: byte sequences that
/// are not GB18030 become U+FFFD, which then fails validation of the cell that contains it.
///
/// ```
/// use spotcheck_import::{decode, SourceEncoding};
/// assert_eq!(decode(b"\xef\xbb\xbfa"), ("a".into(), SourceEncoding::Utf8Bom));
/// assert_eq!(decode("莆田".as_bytes()).1, SourceEncoding::Utf8);
/// assert_eq!(decode(b"\xc6\xce\xcc\xef"), ("莆田".into(), SourceEncoding::Gb18030));
/// ```
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, SourceEncoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return (String::from_utf8_lossy(rest), SourceEncoding::Utf8Bom);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), SourceEncoding::Utf8),
        Err(_) => {
            let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            (text, SourceEncoding::Gb18030)
        }
    }
}
