//! Redaction before anything leaves (政府信息公开条例 §15): masking natural persons' names, removing
//! ID, phone and bank-account numbers from free text, and the scanner every generated file passes.
//! The one copy: the public API, the site and the feeds all redact through this module (via
//! [`super::project`]).
//!
//! The rules (also in `docs/publication.md`):
//! * **Names of natural persons** (guides, parties who are natural persons): the surname stays, every
//!   other character becomes `*` (`柯梅国` → `柯**`, `欧阳娜娜` → `欧阳**`; a two-character name
//!   `朱辉` → `朱*`). Compound surnames from [`COMPOUND_SURNAMES`] are kept whole.
//! * **Free text** (findings, follow-up, 案由, 处罚条件, reasons …): every run of digits that looks like
//!   a resident ID number (17 digits + digit or `X`), a mainland mobile number (`1[3-9]` + 9
//!   digits), a landline (`0` + 2–3 digit area code + `-` + 7–8 digits) or a bank account (16–19
//!   digits) is replaced by `[已隐去]`. Runs are taken between non-alphanumeric boundaries, so hashes
//!   and credit codes (which contain letters) are left alone.
//! * **Addresses**: a house number after a road, street, lane or village (`荔城中大道1234号`) and
//!   every building, unit, floor and room number (`5栋2单元301室`) become `[已隐去]`, leaving the
//!   road name (`荔城中大道[已隐去]`); numbers after anything else (`〔2026〕12号`, `第3号`) stay.
//! * **Full names of natural persons known to the registries** (every guide's name) are masked
//!   wherever they appear in free text, not only in the subject field: `当事人张静琳于…` →
//!   `当事人张**于…` ([`Redactor`]).
//! * **The scanner** ([`scan`]) looks at every byte of every public file for an 18-digit ID number
//!   with a valid GB 11643 check character and for mobile numbers; the publisher refuses to publish
//!   a record whose files contain one, and the test suite fails on any hit.

use serde::Serialize;

/// What redaction replaces a removed number with.
pub const REMOVED: &str = "[已隐去]";

/// Two-character surnames kept whole when masking.
pub const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "钟离", "澹台", "公冶", "太史", "申屠", "端木", "西门", "南宫", "独孤",
];

/// Masks a natural person's name: keeps the surname, replaces every other character by `*`.
/// A name that is already masked (contains `*`, `某` or `×`) is returned unchanged; an empty name
/// becomes `*`.
///
/// ```
/// use spotcheck_app::public::redact::mask_name;
/// assert_eq!(mask_name("柯梅国"), "柯**");
/// assert_eq!(mask_name("朱辉"), "朱*");
/// assert_eq!(mask_name("欧阳娜娜"), "欧阳**");
/// assert_eq!(mask_name("王某"), "王某");
/// ```
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    if name.chars().any(|c| matches!(c, '*' | '某' | '×')) {
        return name.to_owned();
    }
    let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.is_empty() {
        return "*".into();
    }
    let keep = if chars.len() > 2 && COMPOUND_SURNAMES.iter().any(|s| name.starts_with(s)) {
        2
    } else {
        1
    };
    let mut out: String = chars[..keep].iter().collect();
    let masked = chars.len().saturating_sub(keep).max(1);
    out.extend(std::iter::repeat_n('*', masked));
    out
}

/// What a digit run looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// An 18-character resident ID number with a valid GB 11643 check character.
    IdNumber,
    /// A mainland mobile number.
    MobileNumber,
    /// The full name of a natural person known to the registries ([`Redactor::scan`]).
    PersonName,
}

impl FindingKind {
    /// A short name for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::IdNumber => "ID number",
            FindingKind::MobileNumber => "mobile number",
            FindingKind::PersonName => "natural person's full name",
        }
    }
}

/// A personal number found in a public file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What it looks like.
    pub kind: FindingKind,
    /// Byte offset in the scanned text.
    pub offset: usize,
    /// The number with all but its first 3 and last 2 characters masked (so a report never
    /// repeats it).
    pub excerpt: String,
}

/// The GB 11643-1999 check character of the first 17 digits (`None` if they are not 17 digits).
///
/// ```
/// use spotcheck_app::public::redact::gb11643_check;
/// assert_eq!(gb11643_check("11010519491231002"), Some('X'));
/// ```
pub fn gb11643_check(first17: &str) -> Option<char> {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b.iter().zip(W).map(|(d, w)| u32::from(d - b'0') * w).sum();
    C.get((sum % 11) as usize).copied()
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Digit runs (with an optional trailing `X`/`x`) between non-alphanumeric ASCII boundaries:
/// `(start, end)` byte ranges.
fn digit_runs(text: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < text.len() {
            if text[i].is_ascii_digit() && (i == 0 || !is_word_byte(text[i - 1])) {
                let start = i;
                while i < text.len() && text[i].is_ascii_digit() {
                    i += 1;
                }
                if i < text.len() && matches!(text[i], b'X' | b'x') {
                    i += 1;
                }
                let end = i;
                if i < text.len() && is_word_byte(text[i]) {
                    // Part of a longer word (a hash, a code with letters): skip the whole word.
                    while i < text.len() && is_word_byte(text[i]) {
                        i += 1;
                    }
                    continue;
                }
                return Some((start, end));
            }
            if is_word_byte(text[i]) {
                while i < text.len() && is_word_byte(text[i]) {
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        None
    })
}

fn classify(run: &str) -> Option<FindingKind> {
    let b = run.as_bytes();
    if b.len() == 18 {
        let check = gb11643_check(&run[..17])?;
        let last = char::from(b[17]).to_ascii_uppercase();
        return (last == check).then_some(FindingKind::IdNumber);
    }
    if b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
    {
        return Some(FindingKind::MobileNumber);
    }
    None
}

fn excerpt(run: &str) -> String {
    run.char_indices()
        .map(|(i, c)| if i < 3 || i + 2 >= run.len() { c } else { '*' })
        .collect()
}

/// Every ID number (valid GB 11643 check character) and mobile number in `text`.
///
/// ```
/// use spotcheck_app::public::redact::{scan, FindingKind};
/// let hits = scan("联系电话：13812345678，身份证 11010519491231002X");
/// assert_eq!(hits.iter().map(|f| f.kind).collect::<Vec<_>>(),
///            [FindingKind::MobileNumber, FindingKind::IdNumber]);
/// assert!(scan("digest 3a13812345678b 91350302MA00000ETT").is_empty());
/// ```
pub fn scan(text: &str) -> Vec<Finding> {
    digit_runs(text.as_bytes())
        .filter_map(|(s, e)| {
            let run = &text[s..e];
            classify(run).map(|kind| Finding {
                kind,
                offset: s,
                excerpt: excerpt(run),
            })
        })
        .collect()
}

/// [`scan`] over bytes that may not be UTF-8 (lossy; offsets refer to the lossy text).
pub fn scan_bytes(bytes: &[u8]) -> Vec<Finding> {
    scan(&String::from_utf8_lossy(bytes))
}

fn removable(run: &str) -> bool {
    let digits = run.trim_end_matches(['X', 'x']);
    let n = run.len();
    let all_digits = digits.len() == n;
    (n == 18 && digits.len() >= 17)
        || (all_digits && n == 11 && classify(run) == Some(FindingKind::MobileNumber))
        || (all_digits && (15..=19).contains(&n))
}

/// What precedes a house number in an address: a road, street, lane, alley or village.
const ROAD_MARKERS: &[char] = &['路', '街', '道', '巷', '弄', '村', '组', '里'];

/// The units of an address after a number: building, unit, floor, room, house number.
const ADDRESS_UNITS: &[&str] = &["号楼", "号院", "单元", "号", "栋", "幢", "层", "楼", "室"];

fn is_digit_char(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// The byte length of `digits unit` (optionally joined by `-`) at the start of `rest`, if it is one.
fn number_unit(rest: &str) -> Option<(usize, &'static str)> {
    let digits: usize = rest
        .chars()
        .take_while(|&c| is_digit_char(c) || c == '-' || c == '－')
        .map(char::len_utf8)
        .sum();
    if digits == 0 || !rest.chars().next().is_some_and(is_digit_char) {
        return None;
    }
    let after = &rest[digits..];
    ADDRESS_UNITS
        .iter()
        .find(|u| after.starts_with(**u))
        .map(|u| (digits + u.len(), *u))
}

/// Byte ranges of address numbers in `text`: a house number after a road marker, and every
/// building/unit/floor/room number, with whatever numbered units follow them.
fn address_cuts(text: &str) -> Vec<(usize, usize)> {
    let mut cuts = Vec::new();
    let mut prev: Option<char> = None;
    let mut i = 0;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let starts_number = is_digit_char(c) && !prev.is_some_and(is_digit_char);
        if starts_number && let Some((n, unit)) = number_unit(&text[i..]) {
            let after_road = prev.is_some_and(|p| ROAD_MARKERS.contains(&p));
            let house = matches!(unit, "号" | "号院" | "号楼");
            if after_road || !house {
                let mut end = i + n;
                while let Some((m, _)) = number_unit(&text[end..]) {
                    end += m;
                }
                cuts.push((i, end));
                prev = text[..end].chars().next_back();
                i = end;
                continue;
            }
        }
        prev = Some(c);
        i += c.len_utf8();
    }
    cuts
}

/// Replaces ID numbers (any 18-character run of 17 digits and a digit or `X`, valid or not, and
/// 15-digit old-style numbers), mobile numbers, landlines (`0xxx-xxxxxxx`) and bank-account-like
/// runs (16–19 digits) and address numbers (house, building, unit and room numbers) in free text
/// by [`REMOVED`].
///
/// ```
/// use spotcheck_app::public::redact::redact_text;
/// assert_eq!(redact_text("导游电话13812345678，座机0594-2345678"), "导游电话[已隐去]，座机[已隐去]");
/// assert_eq!(redact_text("罚款2000元"), "罚款2000元");
/// assert_eq!(redact_text("住荔城中大道1234号5栋2单元301室"), "住荔城中大道[已隐去]");
/// assert_eq!(redact_text("莆文旅罚〔2026〕12号"), "莆文旅罚〔2026〕12号");
/// ```
pub fn redact_text(text: &str) -> String {
    let text = redact_numbers(text);
    let cuts = address_cuts(&text);
    if cuts.is_empty() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (s, e) in cuts {
        out.push_str(&text[last..s]);
        out.push_str(REMOVED);
        last = e;
    }
    out.push_str(&text[last..]);
    out
}

fn redact_numbers(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for (s, e) in digit_runs(bytes) {
        let run = &text[s..e];
        // Landline: 0 + 2-3 digit area code, '-', 7-8 digits.
        if run.starts_with('0') && (3..=4).contains(&run.len()) && bytes.get(e) == Some(&b'-') {
            let rest = &bytes[e + 1..];
            let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            let bounded = rest.get(n).is_none_or(|b| !is_word_byte(*b));
            if (7..=8).contains(&n) && bounded {
                cuts.push((s, e + 1 + n));
                continue;
            }
        }
        if removable(run) {
            cuts.push((s, e));
        }
    }
    if cuts.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (s, e) in cuts {
        if s < last {
            continue;
        }
        out.push_str(&text[last..s]);
        out.push_str(REMOVED);
        last = e;
    }
    out.push_str(&text[last..]);
    out
}

/// Redaction of free text with the full names of the natural persons the registries know: numbers
/// as [`redact_text`], and every occurrence of a known full name masked as [`mask_name`] (longest
/// name first, so `欧阳娜娜` is masked whole even if `欧阳娜` is also known).
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    names: Vec<String>,
    matcher: Option<aho_corasick::AhoCorasick>,
}

impl Redactor {
    /// A redactor for these full names. Names shorter than two characters, and names already
    /// masked, are ignored (they cannot identify anyone).
    pub fn new<I, S>(full_names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut names: Vec<String> = full_names
            .into_iter()
            .map(|n| n.as_ref().trim().to_owned())
            .filter(|n| n.chars().count() >= 2 && mask_name(n) != *n)
            .collect();
        names.sort();
        names.dedup();
        let matcher = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&names)
            .ok();
        Self { names, matcher }
    }

    /// How many names it masks.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether it masks no names (numbers are still removed).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// `(start, end, name index)` of every known name in `text`, leftmost-longest, not overlapping.
    fn names_in(&self, text: &str) -> Vec<(usize, usize, usize)> {
        if self.names.is_empty() {
            return Vec::new();
        }
        if let Some(m) = &self.matcher {
            return m
                .find_iter(text)
                .map(|h| (h.start(), h.end(), h.pattern().as_usize()))
                .collect();
        }
        // The automaton could not be built (never for registry-sized lists): search name by name.
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        for (i, n) in self.names.iter().enumerate() {
            hits.extend(
                text.match_indices(n.as_str())
                    .map(|(s, m)| (s, s + m.len(), i)),
            );
        }
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out: Vec<(usize, usize, usize)> = Vec::new();
        for h in hits {
            if out.last().is_none_or(|l| h.0 >= l.1) {
                out.push(h);
            }
        }
        out
    }

    /// Free text as published: personal numbers removed ([`redact_text`]) and every known full
    /// name masked.
    ///
    /// ```
    /// use spotcheck_app::public::redact::Redactor;
    /// let r = Redactor::new(["张静琳", "欧阳娜娜"]);
    /// assert_eq!(r.text("当事人张静琳于13812345678致电"), "当事人张**于[已隐去]致电");
    /// assert_eq!(r.text("导游欧阳娜娜"), "导游欧阳**");
    /// ```
    pub fn text(&self, text: &str) -> String {
        let text = redact_text(text);
        let hits = self.names_in(&text);
        if hits.is_empty() {
            return text;
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (s, e, i) in hits {
            out.push_str(&text[last..s]);
            out.push_str(
                &self
                    .names
                    .get(i)
                    .map_or_else(|| "*".into(), |n| mask_name(n)),
            );
            last = e;
        }
        out.push_str(&text[last..]);
        out
    }

    /// [`scan`], plus every known full name in `text`.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        let mut found = scan(text);
        found.extend(self.names_in(text).into_iter().map(|(s, _, i)| {
            Finding {
                kind: FindingKind::PersonName,
                offset: s,
                excerpt: self
                    .names
                    .get(i)
                    .map_or_else(|| "*".into(), |n| mask_name(n)),
            }
        }));
        found
    }

    /// [`Redactor::scan`] over bytes that may not be UTF-8 (lossy).
    pub fn scan_bytes(&self, bytes: &[u8]) -> Vec<Finding> {
        self.scan(&String::from_utf8_lossy(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_full_names_are_masked_in_free_text_and_found_by_the_scanner() {
        let r = Redactor::new(["张静琳", "朱辉", "王某", "李", "欧阳娜娜", "欧阳娜"]);
        assert_eq!(r.len(), 4, "masked and one-character names are ignored");
        assert_eq!(
            r.text("当事人张静琳于2026年带团，朱辉陪同；欧阳娜娜、欧阳娜"),
            "当事人张**于2026年带团，朱*陪同；欧阳**、欧阳*"
        );
        let kinds: Vec<_> = r.scan("导游张静琳").into_iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [FindingKind::PersonName]);
        assert!(r.scan(&r.text("导游张静琳")).is_empty());
        assert_eq!(Redactor::default().text("张静琳"), "张静琳");
    }

    /// A synthetic ID number with a valid check character (area 110105, born 1949-12-31).
    fn valid_id() -> String {
        let first = "11010519491231002";
        let c = gb11643_check(first).unwrap_or('?');
        format!("{first}{c}")
    }

    #[test]
    fn names_keep_the_surname_only() {
        assert_eq!(mask_name("柯梅国"), "柯**");
        assert_eq!(mask_name("司马相如"), "司马**");
        assert_eq!(mask_name("司马"), "司*");
        assert_eq!(mask_name("张*"), "张*");
        assert_eq!(mask_name(" 李 四 "), "李*");
        assert_eq!(mask_name(""), "*");
    }

    #[test]
    fn the_scanner_finds_valid_ids_and_mobiles_and_ignores_hashes_and_codes() {
        let id = valid_id();
        assert_eq!(id, "11010519491231002X");
        let text = format!("<td>{id}</td><td>tel:13912345678</td>");
        let kinds: Vec<_> = scan(&text).into_iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [FindingKind::IdNumber, FindingKind::MobileNumber]);
        // An 18-digit run with a wrong check character is not an ID number.
        assert!(scan("110105194912310021").is_empty());
        // Inside hex digests or credit codes: ignored.
        assert!(scan("a13912345678 13912345678f 9135030213912345678X").is_empty());
        // Longer digit runs are not phones.
        assert!(scan("139123456789").is_empty());
        assert!(scan("手机 12345678901").is_empty());
    }

    #[test]
    fn excerpts_never_repeat_the_number() {
        let f = scan("13912345678");
        assert_eq!(f[0].excerpt, "139******78");
    }

    #[test]
    fn free_text_loses_personal_numbers_only() {
        let id = valid_id();
        assert_eq!(
            redact_text(&format!(
                "当事人身份证{id}，账号6222021234567890123，罚款500元。"
            )),
            "当事人身份证[已隐去]，账号[已隐去]，罚款500元。"
        );
        assert_eq!(
            redact_text("（2026）第12号 2026-11-30"),
            "（2026）第12号 2026-11-30"
        );
        assert_eq!(redact_text("联系 010-12345678。"), "联系 [已隐去]。");
        assert_eq!(
            redact_text("地址：福建省莆田市城厢区龙桥街88号3幢1-2-301室，第5号"),
            "地址：福建省莆田市城厢区龙桥街[已隐去]，第5号"
        );
        assert_eq!(redact_text("文峰村12号"), "文峰村[已隐去]");
        assert_eq!(redact_text("（2026）第12号，3人"), "（2026）第12号，3人");
        for s in ["13800000000", &id, "110105491231002"] {
            assert!(scan(&redact_text(s)).is_empty(), "{s}");
        }
    }
}
