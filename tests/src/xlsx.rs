//! Hostile workbooks for the import tests, shared by `tests/tests/registry_upload.rs` (through
//! this crate) and `functions/cli/tests/import_hostile.rs` (which includes this file by path): an
//! `.xlsx` written byte by byte, so the tests need no spreadsheet library.

/// A stored (uncompressed) ZIP: a workbook whose only sheet has the operator header and one cell
/// at `XFD1048576` (about 1.6 KB, like the file that once aborted the server).
pub fn far_cell_workbook() -> Vec<u8> {
    let sheet = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>credit_code</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#;
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    let mut all: Vec<(&str, &str)> = parts.to_vec();
    all.push(("xl/worksheets/sheet1.xml", sheet));
    stored_zip(&all)
}

/// CRC-32 (IEEE), as ZIP stores it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A ZIP archive of `parts` (name, content), stored without compression.
fn stored_zip(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut z = Vec::new();
    let mut central = Vec::new();
    let le16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let le32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    for (name, body) in parts {
        let offset = z.len() as u32;
        let (crc, len) = (crc32(body.as_bytes()), body.len() as u32);
        le32(&mut z, 0x0403_4b50);
        for x in [20u16, 0, 0, 0, 0] {
            le16(&mut z, x);
        }
        for x in [crc, len, len] {
            le32(&mut z, x);
        }
        le16(&mut z, name.len() as u16);
        le16(&mut z, 0);
        z.extend_from_slice(name.as_bytes());
        z.extend_from_slice(body.as_bytes());
        le32(&mut central, 0x0201_4b50);
        for x in [20u16, 20, 0, 0, 0, 0] {
            le16(&mut central, x);
        }
        for x in [crc, len, len] {
            le32(&mut central, x);
        }
        le16(&mut central, name.len() as u16);
        for x in [0u16, 0, 0, 0] {
            le16(&mut central, x);
        }
        le32(&mut central, 0);
        le32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let (start, size) = (z.len() as u32, central.len() as u32);
    z.extend_from_slice(&central);
    le32(&mut z, 0x0605_4b50);
    for x in [0u16, 0, parts.len() as u16, parts.len() as u16] {
        le16(&mut z, x);
    }
    le32(&mut z, size);
    le32(&mut z, start);
    le16(&mut z, 0);
    z
}
