//! Deterministic synthetic registries for Putian (莆田), for fixtures and benchmarks.
//!
//! Everything here is made up: names are drawn from common surnames and given-name characters,
//! credit codes and licences are generated with valid check characters, and guides carry no ID
//! number, phone or home address. The same seed always gives the same bytes.

use std::io::{self, Write};

use spotcheck_domain::registry::RegistryKind;

/// SplitMix64: small, fast, and stable across platforms and versions (unlike library RNGs whose
/// streams may change), which is what regenerating fixtures byte for byte needs.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0; slight modulo bias is irrelevant here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// An index drawn with the given integer weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        0
    }
}

const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [usize; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A valid 统一社会信用代码 for an enterprise (`91`) registered in `region`. The organisation part
/// is `MA`, five base-31 digits of `serial` (unique for serials below 31^5 = 28,629,151) and two
/// random characters, then the check character.
pub fn credit_code(region: &str, serial: u64, rng: &mut SplitMix64) -> String {
    let mut body = Vec::with_capacity(18);
    body.extend_from_slice(b"91");
    body.extend_from_slice(region.as_bytes());
    body.extend_from_slice(b"MA");
    let mut digits = [b'0'; 5];
    let mut n = serial;
    for d in digits.iter_mut().rev() {
        *d = CREDIT_ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    body.extend_from_slice(&digits);
    for _ in 0..2 {
        body.push(*rng.pick(CREDIT_ALPHABET));
    }
    let sum: usize = body
        .iter()
        .zip(CREDIT_WEIGHTS)
        .map(|(c, w)| CREDIT_ALPHABET.iter().position(|a| a == c).unwrap_or(0) * w)
        .sum();
    body.push(CREDIT_ALPHABET[(31 - sum % 31) % 31]);
    String::from_utf8_lossy(&body).into_owned()
}

/// Putian's units: (region code, district name, street/town names). 湄洲岛 and 北岸 are management
/// zones without a code of their own and are recorded under 秀屿区 (350305).
pub const PUTIAN_UNITS: &[(&str, &str, &[&str])] = &[
    (
        "350302",
        "城厢区",
        &["龙桥街道", "凤凰山街道", "霞林街道", "东海镇", "华亭镇"],
    ),
    (
        "350303",
        "涵江区",
        &["涵东街道", "涵西街道", "江口镇", "白塘镇", "三江口镇"],
    ),
    (
        "350304",
        "荔城区",
        &["镇海街道", "拱辰街道", "西天尾镇", "黄石镇", "新度镇"],
    ),
    (
        "350305",
        "秀屿区",
        &["笏石镇", "东庄镇", "月塘镇", "埭头镇", "平海镇"],
    ),
    (
        "350322",
        "仙游县",
        &["鲤城街道", "鲤南镇", "枫亭镇", "榜头镇", "钟山镇"],
    ),
    ("350305", "湄洲岛", &["湄洲镇"]),
    ("350305", "北岸", &["山亭镇", "忠门镇"]),
];

const PLACE_WORDS: &[&str] = &[
    "妈祖",
    "湄洲湾",
    "兴化",
    "壶山",
    "木兰",
    "九鲤湖",
    "南少林",
    "荔乡",
    "绶溪",
    "莆阳",
    "鳌山",
    "凤凰山",
    "海丝",
    "菜溪",
    "天马",
    "紫霄",
    "广化",
    "三清",
    "龟山",
    "文献",
    "古谯",
    "宁海",
];
const AGENCY_WORDS: &[&str] = &[
    "国际", "假日", "之旅", "文化", "观光", "商务", "青年", "山海", "阳光", "东南",
];
const ROADS: &[&str] = &[
    "学园南路",
    "文献西路",
    "荔园路",
    "延寿南街",
    "天妃路",
    "梅园东路",
    "胜利北街",
    "八二一南街",
    "东圳路",
    "鲤中街",
];
const SURNAMES: &[&str] = &[
    "林", "陈", "黄", "郑", "吴", "王", "李", "张", "刘", "许", "蔡", "方", "周", "徐", "朱", "杨",
    "翁", "游", "傅", "卓", "余", "宋", "姚", "柯", "欧阳",
];
const GIVEN: &[&str] = &[
    "海", "燕", "志", "强", "丽", "文", "华", "建", "国", "秀", "英", "明", "辉", "芳", "玲", "婷",
    "伟", "涛", "静", "敏", "雪", "梅", "晨", "宇", "航", "琳", "鑫", "杰", "颖", "斌", "蓉", "洁",
];
const LANGUAGES: &[&str] = &[
    "英语",
    "日语",
    "韩语",
    "闽南语",
    "莆仙话",
    "俄语",
    "泰语",
    "马来语",
];

/// A plausible two- or three-character Chinese name.
pub fn person_name(rng: &mut SplitMix64) -> String {
    let mut s = String::from(*rng.pick(SURNAMES));
    s.push_str(rng.pick::<&str>(GIVEN));
    if rng.below(3) > 0 {
        s.push_str(rng.pick::<&str>(GIVEN));
    }
    s
}

fn credit_class(rng: &mut SplitMix64) -> &'static str {
    ["A", "B", "C", "D"][rng.weighted(&[60, 28, 9, 3])]
}

fn status(rng: &mut SplitMix64) -> &'static str {
    ["正常", "停业", "注销", "吊销"][rng.weighted(&[90, 3, 5, 2])]
}

/// Chinese header row of each kind's generated files.
pub fn headers(kind: RegistryKind) -> &'static [&'static str] {
    match kind {
        RegistryKind::Agencies => &[
            "统一社会信用代码",
            "许可证号",
            "旅行社名称",
            "经营场所",
            "行政区划代码",
            "出境旅游业务",
            "信用等级",
            "经营状态",
        ],
        RegistryKind::Guides => &[
            "导游证号",
            "姓名",
            "语种",
            "等级",
            "所属旅行社许可证号",
            "行政区划代码",
            "信用等级",
            "状态",
        ],
        RegistryKind::Operators => &[
            "统一社会信用代码",
            "经营者名称",
            "平台名称",
            "行政区划代码",
            "信用等级",
            "经营状态",
        ],
        RegistryKind::Inspectors => &[
            "人员编号",
            "姓名",
            "执法证号",
            "所属部门",
            "行政区划代码",
            "检查领域",
            "回避对象",
        ],
        RegistryKind::Items => &[
            "事项编码",
            "抽查事项名称",
            "抽查依据",
            "抽查对象",
            "抽查内容",
            "抽查部门",
            "抽查方式",
            "事项类别",
            "A类抽查比例",
            "B类抽查比例",
            "C类抽查比例",
            "D类抽查比例",
            "不重复抽查期限（月）",
            "不重复抽查信用等级",
        ],
    }
}

/// Most agencies [`agencies`] can number: licences are `L-FJ-30001` upwards, five digits.
pub const MAX_AGENCIES: usize = 69_999;

/// `n` travel agencies (at most [`MAX_AGENCIES`]); about one in five holds an outbound (CJ)
/// licence.
pub fn agencies(seed: u64, n: usize) -> Vec<Vec<String>> {
    let mut rng = SplitMix64::new(seed ^ 0xA6E1);
    (0..n)
        .map(|i| {
            let (region, district, towns) = rng.pick(PUTIAN_UNITS);
            let outbound = rng.below(5) == 0;
            let licence = format!("L-FJ-{}{:05}", if outbound { "CJ" } else { "" }, 30_001 + i);
            let name = format!(
                "莆田{}{}旅行社有限公司",
                rng.pick(PLACE_WORDS),
                rng.pick(AGENCY_WORDS)
            );
            let address = format!(
                "福建省莆田市{}{}{}{}号",
                if *district == "湄洲岛" || *district == "北岸" {
                    format!("{district}（秀屿区）")
                } else {
                    (*district).to_owned()
                },
                rng.pick(towns),
                rng.pick(ROADS),
                1 + rng.below(300)
            );
            vec![
                credit_code(region, i as u64, &mut rng),
                licence,
                name,
                address,
                (*region).to_owned(),
                if outbound { "是" } else { "否" }.to_owned(),
                credit_class(&mut rng).to_owned(),
                status(&mut rng).to_owned(),
            ]
        })
        .collect()
}

/// The licences of [`agencies`]`(seed, n)`, in order (guides reference them).
pub fn agency_licences(seed: u64, n: usize) -> Vec<String> {
    agencies(seed, n)
        .into_iter()
        .filter_map(|r| r.into_iter().nth(1))
        .collect()
}

/// Writes `n` guides as CSV (header included) to `out`, referencing the licences of
/// `agencies(seed, n_agencies)`; about one guide in ten has no agency (guide service centre).
/// `progress` is called every 65,536 rows with the count so far.
///
/// # Errors
/// Any error writing `out`.
pub fn write_guides<W: Write>(
    seed: u64,
    n: usize,
    n_agencies: usize,
    mut out: W,
    mut progress: impl FnMut(u64),
) -> io::Result<()> {
    let licences = agency_licences(seed, n_agencies.max(1));
    let mut rng = SplitMix64::new(seed ^ 0x6D1D);
    writeln!(out, "{}", headers(RegistryKind::Guides).join(","))?;
    for i in 0..n {
        let (region, _, _) = rng.pick(PUTIAN_UNITS);
        // Cards are numbered within area 3503 (Putian); beyond a million the area counts up.
        let area = 3503 + i / 1_000_000;
        let mut langs = String::from("普通话");
        if rng.below(4) == 0 {
            langs.push('、');
            langs.push_str(rng.pick::<&str>(LANGUAGES));
        }
        let level = ["初级", "中级", "高级", "特级"][rng.weighted(&[70, 20, 8, 2])];
        let agency = if rng.below(10) == 0 {
            ""
        } else {
            rng.pick(&licences).as_str()
        };
        writeln!(
            out,
            "D-{area:04}-{:06},{},{langs},{level},{agency},{region},{},{}",
            i % 1_000_000,
            person_name(&mut rng),
            credit_class(&mut rng),
            status(&mut rng),
        )?;
        if i % 65_536 == 65_535 {
            progress(i as u64 + 1);
        }
    }
    progress(n as u64);
    out.flush()
}

/// `n` online travel operators.
pub fn operators(seed: u64, n: usize) -> Vec<Vec<String>> {
    const PLATFORMS: &[&str] = &["游", "行", "旅途", "出行", "度假", "票务", "民宿", "研学"];
    let mut rng = SplitMix64::new(seed ^ 0x0E7A);
    (0..n)
        .map(|i| {
            let (region, _, _) = rng.pick(PUTIAN_UNITS);
            let word = rng.pick(PLACE_WORDS);
            let platform = format!("{word}{}（pt{i:03}.example.cn）", rng.pick(PLATFORMS));
            vec![
                credit_code(region, 10_000_000 + i as u64, &mut rng),
                format!("莆田{word}网络科技有限公司"),
                platform,
                (*region).to_owned(),
                credit_class(&mut rng).to_owned(),
                ["正常", "正常", "正常", "停业"][rng.below(4)].to_owned(),
            ]
        })
        .collect()
}

/// Departments of the inspector roster: (department, region, how many inspectors).
pub const DEPARTMENTS: &[(&str, &str, usize)] = &[
    ("莆田市文化和旅游局", "350300", 14),
    ("城厢区文体旅游局", "350302", 8),
    ("涵江区文体旅游局", "350303", 8),
    ("荔城区文体旅游局", "350304", 8),
    ("秀屿区文体旅游局", "350305", 8),
    ("仙游县文体旅游局", "350322", 8),
    ("湄洲岛旅游文体局", "350305", 4),
    ("北岸党工委宣传部", "350305", 2),
];

/// The inspector roster (60 people over [`DEPARTMENTS`]); a few declare conflicts with targets
/// drawn from `conflict_pool`.
pub fn inspectors(seed: u64, conflict_pool: &[String]) -> Vec<Vec<String>> {
    let mut rng = SplitMix64::new(seed ^ 0x1A5C);
    let mut rows = Vec::new();
    let mut n = 0;
    for (dept, region, count) in DEPARTMENTS {
        for _ in 0..*count {
            n += 1;
            let specialties = [
                "旅行社;导游",
                "旅行社;导游;在线旅游经营者",
                "在线旅游经营者",
                "导游",
                "旅行社",
            ][rng.weighted(&[4, 3, 1, 1, 1])];
            let conflicts = if !conflict_pool.is_empty() && rng.below(6) == 0 {
                rng.pick(conflict_pool).clone()
            } else {
                String::new()
            };
            rows.push(vec![
                format!("PT-INS-{n:03}"),
                person_name(&mut rng),
                format!("FJ{}{:05}", region, 20_000 + n * 7),
                (*dept).to_owned(),
                (*region).to_owned(),
                specialties.to_owned(),
                conflicts,
            ]);
        }
    }
    rows
}

/// Writes rows as CSV with the kind's Chinese headers.
///
/// # Errors
/// Any error writing `out`.
pub fn write_rows<W: Write>(kind: RegistryKind, rows: &[Vec<String>], out: W) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(headers(kind))?;
    for r in rows {
        w.write_record(r)?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use spotcheck_domain::ids::UnifiedCreditCode;

    #[test]
    fn generated_credit_codes_are_valid_and_deterministic() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        let mut seen = std::collections::HashSet::new();
        for i in 0..1000 {
            let code = credit_code("350302", i, &mut a);
            assert!(code.parse::<UnifiedCreditCode>().is_ok(), "{code}");
            assert_eq!(code, credit_code("350302", i, &mut b));
            assert!(seen.insert(code));
        }
    }
}
