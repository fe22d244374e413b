//! Who runs the site: the bureau's identity as a government website must show it (《政府网站发展
//! 指引》: 主办单位, 承办单位, contact, 网站标识码, ICP 备案号, 公安机关备案号 in the footer), read from a
//! site configuration file (`spotcheck publish --site-config FILE`, JSON; see
//! `docs/publication.md`, *Site configuration*). The bureau's name heads every page.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::SiteError;

/// The site configuration file's contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteIdentity {
    /// The bureau's name, shown above the site title on every page (e.g. 莆田市文化和旅游局).
    pub bureau: String,
    /// 主办单位.
    pub sponsor: String,
    /// 承办单位 (often the bureau's office or information centre).
    pub organiser: String,
    /// How to reach the office: an office phone, postal address or e-mail (never a person's).
    pub contact: String,
    /// 网站标识码: 10 characters assigned by the State Council General Office's registry.
    pub site_code: String,
    /// ICP 备案号, e.g. `闽ICP备12345678号`.
    pub icp: String,
    /// 公安机关备案号, e.g. `闽公网安备 35030202000123号`.
    pub police_record: String,
}

impl SiteIdentity {
    /// Reads and checks a configuration file.
    ///
    /// # Errors
    /// [`SiteError::Config`] naming the file and the field.
    pub fn load(path: &Path) -> Result<Self, SiteError> {
        let bad = |reason: String| SiteError::Config {
            file: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let id: Self = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        id.check().map_err(bad)?;
        Ok(id)
    }

    /// Checks every field: 1–100 characters without control characters; the site code 10
    /// letters or digits.
    ///
    /// # Errors
    /// The field and what is wrong.
    pub fn check(&self) -> Result<(), String> {
        for (field, v) in [
            ("bureau", &self.bureau),
            ("sponsor", &self.sponsor),
            ("organiser", &self.organiser),
            ("contact", &self.contact),
            ("site_code", &self.site_code),
            ("icp", &self.icp),
            ("police_record", &self.police_record),
        ] {
            let n = v.chars().count();
            if n == 0 || n > 100 || v.chars().any(char::is_control) || v.trim() != v {
                return Err(format!(
                    "{field}: must be 1-100 characters without control characters or surrounding spaces"
                ));
            }
        }
        if self.site_code.len() != 10 || !self.site_code.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err("site_code: 网站标识码 has 10 letters or digits".into());
        }
        Ok(())
    }

    /// The demo's identity: plainly fake values (`publish --demo` uses it).
    pub fn demo() -> Self {
        Self {
            bureau: "示例市文化和旅游局（演示）".into(),
            sponsor: "示例市文化和旅游局（演示数据，非真实单位）".into(),
            organiser: "示例市文化和旅游局办公室（演示）".into(),
            contact: "示例市示例路 1 号（演示地址）；0000-0000000（演示电话）".into(),
            site_code: "0000000000".into(),
            icp: "演示ICP备00000000号（非真实备案）".into(),
            police_record: "演示公网安备 00000000000000号（非真实备案）".into(),
        }
    }
}
