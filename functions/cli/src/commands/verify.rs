//! `spotcheck verify`: re-run a draw from its transcript, frame and pool.
//!
//! The output is English, or 简体中文 with `--lang zh-CN` or a locale (`LC_ALL`, `LC_MESSAGES`,
//! `LANG`, in that order) starting with `zh`; `--lang` wins. In both languages every verdict line
//! starts with the same ASCII marker, for scripts: `ok  `, `BAD `, `VERIFIED: `, `TIME: `, and on
//! stderr `FAILED: <field>: ` (the JSON path of the first field that differs) or `error: `.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use spotcheck_app::timestamps;

use spotcheck_domain::draw::{
    CHECKS, Commitment, Transcript, VerifyError, check_published_commitment, known_chain, verify,
    verify_frame, verify_version,
};

use crate::exit::Failure;
use crate::files::{read_frame, read_json, read_pool};

/// Verify a draw. Exit 0 if every check passes, 1 naming the first field that differs.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The transcript.
    pub transcript: PathBuf,
    /// The frame file the draw used.
    #[arg(long)]
    pub frame: PathBuf,
    /// The pool file the draw used.
    #[arg(long)]
    pub pool: PathBuf,
    /// The commitment as published before the draw, to compare with the transcript's copy.
    /// Time-stamp tokens published beside it (`commitment.<authority>.tsr`) are checked too.
    #[arg(long)]
    pub commitment: Option<PathBuf>,
    /// An RFC 3161 time-stamp token of the commitment (a DER `TimeStampResp`, e.g.
    /// `commitment.tsa-1.tsr`) to check (docs/draw-spec.md §16); repeat for several.
    #[arg(long = "timestamp", value_name = "TSR")]
    pub timestamps: Vec<PathBuf>,
    /// The trust anchors (PEM) the tokens must chain to: the authorities' roots you accept.
    /// Default: `tsa-anchors.pem` beside the commitment (the anchors the bureau published).
    #[arg(long, value_name = "PEMFILE")]
    pub tsa_anchors: Option<PathBuf>,
    /// The language of the output: `en` or `zh-CN` (简体中文). Default: `zh-CN` when `LC_ALL`,
    /// `LC_MESSAGES` or `LANG` (the first one set) starts with `zh`, English otherwise. The
    /// markers that start each verdict line (`ok`, `BAD`, `VERIFIED:`, `TIME:`, `FAILED:`) are the
    /// same in both.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

/// The language `spotcheck verify` speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// 简体中文.
    ZhCn,
}

impl Lang {
    /// `--lang` if given (`zh`, `zh-CN`, `zh_CN` …; `en` …), else the locale: the first of
    /// `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty, `zh…` meaning 简体中文.
    ///
    /// # Errors
    /// A `--lang` that is neither English nor Chinese.
    pub fn choose(
        flag: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        if let Some(f) = flag {
            let f = f.trim().to_ascii_lowercase();
            return if f.starts_with("zh") {
                Ok(Self::ZhCn)
            } else if f == "en" || f.starts_with("en-") || f.starts_with("en_") || f == "c" {
                Ok(Self::En)
            } else {
                Err(format!("--lang {f}: say en or zh-CN"))
            };
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| env(k).filter(|v| !v.is_empty()));
        Ok(match locale {
            Some(l) if l.to_ascii_lowercase().starts_with("zh") => Self::ZhCn,
            _ => Self::En,
        })
    }
}

/// The checks of [`CHECKS`] in 简体中文, in the same order.
const CHECKS_ZH: &[&str] = &[
    "规范版本为 spotcheck-draw/1（或部门联合抽查的 spotcheck-draw/2）",
    "检查对象名录文件与承诺的默克尔根和条目数一致",
    "执法检查人员名录文件与承诺的默克尔根和人数一致",
    "抽取参数符合规则（每个对象至少 2 名检查人员，上限至少为 1，联合抽查的部门，至少抽取一个对象）；各层的对象数和应抽数量由名录和参数推出",
    "承诺哈希与承诺内容一致",
    "公开的秘密值与承诺中的秘密值哈希相符",
    "外部随机数来自承诺指定的见证人，顺序相同",
    "drand 公共随机信标轮次（如有承诺）：已知的链，轮次晚于承诺，BLS 签名、randomness 有效，抽取晚于该轮",
    "抽取时间不早于承诺时间",
    "外部随机数摘要与外部随机数一致",
    "抽取密钥由承诺、秘密值和外部随机数推出",
    "每个抽中的对象和每名分配的检查人员都重新计算一致",
    "誊本摘要与誊本内容一致",
];

/// What a mismatch most likely means ([`VerifyError::Mismatch`] hints), in 简体中文.
const HINTS_ZH: &[(&str, &str)] = &[
    (
        "the frame file is not the committed frame",
        "该名录文件不是承诺中的名录",
    ),
    (
        "the pool file is not the committed pool",
        "该人员名录文件不是承诺中的人员名录",
    ),
    (
        "the commitment or its hash was altered",
        "承诺或其哈希被改动",
    ),
    (
        "the revealed secret is not the committed one (recorded: commitment.secret_commitment; recomputed: hash of secret)",
        "公开的秘密值不是承诺中的秘密值（记录值为 commitment.secret_commitment，重新计算值为秘密值的哈希）",
    ),
    (
        "values must come from exactly the committed witnesses",
        "外部随机数必须恰好来自承诺指定的见证人",
    ),
    (
        "values must come from the committed witnesses, in order",
        "外部随机数必须按顺序来自承诺指定的见证人",
    ),
    (
        "the entropy values or their digest were altered",
        "外部随机数或其摘要被改动",
    ),
    (
        "the transcript was altered after it was made",
        "誊本生成之后被改动",
    ),
    (
        "the transcript's commitment is not the one published before the draw",
        "誊本中的承诺不是抽取之前公布的承诺",
    ),
    (
        "the beacon round is from another chain than the committed one",
        "该轮次来自与承诺不同的 drand 链",
    ),
    (
        "the beacon round is not the committed one",
        "该轮次不是承诺指定的轮次",
    ),
    (
        "the randomness is not SHA-256 of the signature",
        "randomness 不是签名的 SHA-256",
    ),
];

/// A verification failure for the `FAILED: <field>: …` line, in `lang`.
fn failed(lang: Lang, e: &VerifyError) -> String {
    match (lang, e) {
        (Lang::En, _) => e.to_string(),
        (
            Lang::ZhCn,
            VerifyError::Mismatch {
                field,
                recorded,
                recomputed,
                hint,
            },
        ) => {
            let hint = match HINTS_ZH.iter().find(|(en, _)| en == hint) {
                Some((_, zh)) => format!("（{zh}）"),
                None if hint.is_empty() => String::new(),
                None => format!("（{hint}）"),
            };
            format!("{field}: 誊本记录为 {recorded}，重新计算得 {recomputed}{hint}")
        }
        (
            Lang::ZhCn,
            VerifyError::Invalid {
                field,
                reason,
                code,
            },
        ) => {
            format!("{field}: 不符合抽取规范：{reason} [{code}]")
        }
    }
}

/// A time in 北京时间 (UTC+8), labelled: `2026-11-20 16:00:02.5（北京时间）`.
/// In Chinese, an input file that cannot be read or parsed is named first in Chinese (the file's
/// path, line and the parser's own words follow as they are); in English the failure is unchanged.
fn unreadable(lang: Lang, what: &'static str) -> impl Fn(Failure) -> Failure {
    move |f| match (lang, f) {
        (Lang::ZhCn, Failure::BadInput(msg)) => {
            Failure::BadInput(format!("无法读取{what}文件：{msg}"))
        }
        (_, f) => f,
    }
}

fn beijing(t: DateTime<Utc>) -> String {
    match t.naive_utc().checked_add_signed(TimeDelta::hours(8)) {
        Some(b) => format!("{}（北京时间）", b.format("%Y-%m-%d %H:%M:%S%.f")),
        None => t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    }
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let lang = Lang::choose(args.lang.as_deref(), |k| std::env::var(k).ok())
        .map_err(Failure::bad_input)?;
    let zh = lang == Lang::ZhCn;
    let t: Transcript = read_json(&args.transcript).map_err(unreadable(lang, "誊本"))?;
    if let Some(path) = &args.commitment {
        let published: Commitment = read_json(path).map_err(unreadable(lang, "承诺"))?;
        check_published_commitment(&t, &published).map_err(|e| {
            Failure::CheckFailed(format!("{}: {}", path.display(), failed(lang, &e)))
        })?;
        if zh {
            say!("ok  誊本中的承诺就是公布的承诺（{}）", path.display());
        } else {
            say!(
                "ok  transcript's commitment is the published one ({})",
                path.display()
            );
        }
    }
    // Each file is read at its step of spec §14 (frame: 2, pool: 3), so a refused file is
    // reported after the steps before it, as every verifier reports it.
    let refused = |e: VerifyError| Failure::CheckFailed(failed(lang, &e));
    verify_version(&t).map_err(refused)?;
    let frame = read_frame(&args.frame).map_err(unreadable(lang, "抽查名录"))?;
    verify_frame(&t, &frame).map_err(refused)?;
    let pool = read_pool(&args.pool).map_err(unreadable(lang, "执法人员名录"))?;
    verify(&t, &frame, &pool).map_err(refused)?;
    for c in if zh { CHECKS_ZH } else { CHECKS } {
        say!("ok  {c}");
    }
    if let Some(d) = &t.entropy.drand {
        let chain = known_chain(&d.chain_hash).map_or("?", |c| c.name);
        if zh {
            say!(
                "ok  drand {chain} 第 {} 轮：BLS 签名已用该链的公钥离线验证",
                d.round
            );
        } else {
            say!(
                "ok  drand {chain} round {}: BLS signature checked offline against the chain's public key",
                d.round
            );
        }
    }
    if zh {
        say!(
            "VERIFIED: 计划 {}，从 {} 个检查对象中抽取 {} 个，誊本摘要 {}",
            t.commitment.plan_id,
            t.commitment.frame.size,
            t.selections.len(),
            t.digest
        );
    } else {
        say!(
            "VERIFIED: plan {}, {} targets drawn from {} entries, transcript {}",
            t.commitment.plan_id,
            t.selections.len(),
            t.commitment.frame.size,
            t.digest
        );
    }
    check_timestamps(&args, &t, lang)
}

/// The tokens given with `--timestamp` and those published beside the commitment file
/// (`commitment.*.tsr`), each once, in name order after the given ones.
fn token_files(args: &Args) -> Result<Vec<PathBuf>, Failure> {
    let mut files = args.timestamps.clone();
    if let Some(dir) = args.commitment.as_ref().map(|c| {
        c.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }) {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| Failure::bad_input(format!("{}: {e}", dir.display())))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("commitment.") && n.ends_with(".tsr"))
            })
            .collect();
        found.sort();
        for f in found {
            let same = |g: &PathBuf| match (g.canonicalize(), f.canonicalize()) {
                (Ok(a), Ok(b)) => a == b,
                _ => *g == f,
            };
            if !files.iter().any(same) {
                files.push(f);
            }
        }
    }
    Ok(files)
}

/// Checks the commitment's time-stamp tokens (spec §16.3, §16.4) and says what they prove: when
/// the commitment existed on an authority's word, or that its publication time rests on the
/// bureau's word alone. A token that does not count fails the command (exit 1), naming its code.
fn check_timestamps(args: &Args, t: &Transcript, lang: Lang) -> Result<(), Failure> {
    let zh = lang == Lang::ZhCn;
    let files = token_files(args)?;
    let deadline = timestamps::transcript_deadline(t)
        .ok_or_else(|| Failure::bad_input("the transcript's draw time is out of range"))?;
    let mut tokens = Vec::new();
    for f in &files {
        let bytes =
            std::fs::read(f).map_err(|e| Failure::bad_input(format!("{}: {e}", f.display())))?;
        tokens.push((f.display().to_string(), bytes));
    }
    let anchors = if tokens.is_empty() {
        String::new()
    } else {
        let (path, published) = match (&args.tsa_anchors, &args.commitment) {
            (Some(p), _) => (p.clone(), false),
            (None, Some(c)) => (c.with_file_name(timestamps::ANCHORS_FILE), true),
            (None, None) => {
                return Err(Failure::bad_input(
                    "--timestamp needs --tsa-anchors (the roots of the authorities you accept)",
                ));
            }
        };
        let pem = std::fs::read_to_string(&path).map_err(|e| {
            Failure::bad_input(format!(
                "{}: {e} (give the authorities' roots you accept with --tsa-anchors)",
                path.display()
            ))
        })?;
        if zh {
            say!(
                "    时间戳信任根：{}{}",
                path.display(),
                if published {
                    "（抽查机关公布的信任根；可用 --tsa-anchors 指定您接受的信任根）"
                } else {
                    ""
                }
            );
        } else {
            say!(
                "    time-stamp trust anchors: {}{}",
                path.display(),
                if published {
                    " (as the bureau published them; choose your own with --tsa-anchors)"
                } else {
                    ""
                }
            );
        }
        pem
    };
    let assessment = timestamps::assess_tokens(&tokens, &t.commitment_hash, deadline, &anchors)
        .map_err(|e| Failure::bad_input(e.to_string()))?;
    for o in &assessment.outcomes {
        match &o.result {
            Ok(s) if zh => say!(
                "ok  时间戳 {}：{} 证明承诺最晚在 {}已经存在",
                o.label,
                s.authority,
                beijing(s.latest)
            ),
            Err(e) if zh => say!("BAD 时间戳 {}：{}（{}）", o.label, e, e.code()),
            Ok(s) => say!(
                "ok  time-stamp {}: {} says the commitment existed by {}",
                o.label,
                s.authority,
                s.latest
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            ),
            Err(e) => say!("BAD time-stamp {}: {} ({})", o.label, e, e.code()),
        }
    }
    if zh {
        say!("TIME: {}", summary_zh(&assessment));
    } else {
        say!("TIME: {}", assessment.summary());
    }
    let refused: Vec<String> = assessment
        .failures()
        .map(|(label, e)| format!("{label}: {}", e.code()))
        .collect();
    if refused.is_empty() {
        Ok(())
    } else if zh {
        Err(Failure::CheckFailed(format!(
            "抽取验证通过，但有 {} 个时间戳不能作为证明：{}",
            refused.len(),
            refused.join("；")
        )))
    } else {
        Err(Failure::CheckFailed(format!(
            "the draw verifies, but {} time-stamp token(s) do not count: {}",
            refused.len(),
            refused.join("; ")
        )))
    }
}

/// What the tokens prove, in 简体中文 (the words of the verifier page).
fn summary_zh(a: &spotcheck_timestamp::Assessment) -> String {
    match a.proven() {
        Some(s) => format!(
            "承诺最晚在 {}已经存在：由时间戳机构 {} 签名证明（RFC 3161），早于截止时间 {}",
            beijing(s.latest),
            s.authority,
            beijing(a.deadline)
        ),
        None if a.outcomes.is_empty() => {
            "没有时间戳：承诺的公布时间只有抽查机关自己的说法为凭".to_owned()
        }
        None => format!(
            "没有一个时间戳有效（{} 个未通过）：承诺的公布时间只有抽查机关自己的说法为凭",
            a.outcomes.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_has_its_chinese_words() {
        assert_eq!(CHECKS_ZH.len(), CHECKS.len());
    }

    #[test]
    fn the_flag_wins_then_lc_all_lc_messages_lang() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let zh = env(&[("LANG", "zh_CN.UTF-8")]);
        assert_eq!(Lang::choose(None, zh), Ok(Lang::ZhCn));
        assert_eq!(Lang::choose(Some("en"), zh), Ok(Lang::En));
        assert_eq!(Lang::choose(Some("zh-CN"), env(&[])), Ok(Lang::ZhCn));
        assert_eq!(Lang::choose(None, env(&[])), Ok(Lang::En));
        assert_eq!(
            Lang::choose(None, env(&[("LANG", "C.UTF-8")])),
            Ok(Lang::En)
        );
        // LC_ALL before LC_MESSAGES before LANG; an empty one is skipped.
        let both = env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")]);
        assert_eq!(Lang::choose(None, both), Ok(Lang::En));
        let msgs = env(&[
            ("LC_ALL", ""),
            ("LC_MESSAGES", "zh_TW.UTF-8"),
            ("LANG", "en_US"),
        ]);
        assert_eq!(Lang::choose(None, msgs), Ok(Lang::ZhCn));
        assert!(Lang::choose(Some("fr"), env(&[])).is_err());
    }

    #[test]
    fn the_chinese_time_verdict_says_what_the_tokens_prove() -> Result<(), chrono::ParseError> {
        let latest: DateTime<Utc> = "2026-11-20T08:00:02.5Z".parse()?;
        let stamp = spotcheck_timestamp::Stamp {
            gen_time: latest,
            latest,
            authority: "CN=test TSA".into(),
            anchor: "CN=test root".into(),
            serial: "01".into(),
            policy: "1.2.3".into(),
        };
        let mut a = spotcheck_timestamp::Assessment {
            deadline: "2026-11-20T09:00:00Z".parse()?,
            outcomes: vec![],
        };
        assert_eq!(
            summary_zh(&a),
            "没有时间戳：承诺的公布时间只有抽查机关自己的说法为凭"
        );
        a.outcomes.push(spotcheck_timestamp::TokenOutcome {
            label: "commitment.tsa-1.tsr".into(),
            result: Ok(stamp),
        });
        assert_eq!(
            summary_zh(&a),
            "承诺最晚在 2026-11-20 16:00:02.500（北京时间）已经存在：由时间戳机构 CN=test TSA \
             签名证明（RFC 3161），早于截止时间 2026-11-20 17:00:00（北京时间）"
        );
        Ok(())
    }

    #[test]
    fn beijing_time_is_utc_plus_8_and_labelled() -> Result<(), chrono::ParseError> {
        let t: DateTime<Utc> = "2026-11-20T16:00:02.5Z".parse()?;
        assert_eq!(beijing(t), "2026-11-21 00:00:02.500（北京时间）");
        let t: DateTime<Utc> = "2026-11-20T08:00:00Z".parse()?;
        assert_eq!(beijing(t), "2026-11-20 16:00:00（北京时间）");
        Ok(())
    }
}
