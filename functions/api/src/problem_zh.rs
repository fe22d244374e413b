//! Problem documents in 简体中文 for staff whose browser prefers Chinese.
//!
//! Staff routes answer errors in English (RFC 9457 problem details). When the request's
//! `Accept-Language` prefers `zh` (e.g. `zh-CN,zh;q=0.9`), [`localize`] rewrites each problem's
//! `title` from [`TITLES`] by its stable `code`, and `detail` too where it is one of the fixed
//! sentences of [`FIXED_DETAILS`]; a detail that names a field or value stays as written. The
//! `code`, `type` and `status` never change, so clients keep branching on `code`.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Every problem `code` the staff routes return, with its title in 简体中文.
pub const TITLES: &[(&str, &str)] = &[
    // Requests: path, query, headers, body.
    ("invalid-path", "路径参数无效"),
    ("invalid-query", "查询参数无效"),
    ("invalid-json", "请求内容不是有效的 JSON"),
    ("bad-body", "无法读取请求内容"),
    ("unsupported-media-type", "请求内容类型不受支持"),
    ("invalid-idempotency-key", "Idempotency-Key 无效"),
    ("idempotency-key-reused", "Idempotency-Key 已用于另一请求"),
    ("invalid-file-name", "文件名无效"),
    ("unknown-format", "不支持的文件格式"),
    ("unknown-layout", "不支持的导出格式"),
    ("rate-limited", "请求过于频繁"),
    ("source-network-not-allowed", "请求来自未获准的网络"),
    // Who may do what.
    ("unauthorized", "未登录或登录已失效"),
    ("forbidden", "无权进行此操作"),
    ("missing-role", "缺少所需的岗位权限"),
    ("invalid-subject", "登录身份无效"),
    ("other-department", "属于其他部门"),
    ("not-assigned-department", "不是分配给本部门的事项"),
    ("not-author", "不是本记录的起草人"),
    ("own-entry", "不能审核自己起草的记录"),
    ("not-a-partner", "不是该联合抽查的配合部门"),
    ("joint-plan-lead-only", "只有牵头部门可以进行此操作"),
    ("joint-lead-mismatch", "联合抽查的牵头部门不符"),
    ("personal-data", "含有不应公开的个人信息"),
    // Not found, or not here.
    ("not-found", "未找到"),
    ("large-uploads-unavailable", "本服务器不支持大文件上传"),
    ("reports-unavailable", "没有可用的报告"),
    ("tsa-not-configured", "未配置时间戳机构"),
    // The record's state.
    ("conflict", "与现有记录冲突"),
    ("stale-version", "记录已被他人修改，请刷新后重试"),
    ("mismatch", "与原记录不一致"),
    ("invalid-transition", "当前状态下不能进行此操作"),
    ("already-committed", "计划已发布承诺"),
    ("already-drawn", "计划已抽取"),
    ("cancelled", "计划已取消"),
    ("already-approved", "已审核通过"),
    ("already-returned", "已退回"),
    ("returned-to-author", "已退回起草人修改"),
    ("needs-no-approval", "无需审核"),
    ("has-changes", "有尚未处理的修改"),
    ("not-a-draft", "不是草稿"),
    ("not-drawn", "计划尚未抽取"),
    ("not-selected", "该对象未被抽中"),
    ("partner-approval-missing", "配合部门尚未确认"),
    ("partner-pool-changed", "配合部门的人员名录已变更"),
    ("snapshot-number-taken", "名录版本号已被占用"),
    // Validation of plans, registries and records.
    ("invalid", "内容不符合规则"),
    ("invalid-reason", "理由无效"),
    ("reason-missing", "缺少理由"),
    ("invalid-draft", "草稿内容不完整或无效"),
    ("invalid-registry", "名录文件有错误"),
    ("empty-registry", "名录文件没有记录"),
    ("registry-missing", "尚未导入所需的名录"),
    ("unknown-item", "没有该抽查事项"),
    ("item-target-mismatch", "抽查事项与检查对象类型不符"),
    ("department-pool-empty", "本部门没有可用的执法检查人员"),
    ("frame", "检查对象名录有错误"),
    ("pool", "执法检查人员名录有错误"),
    ("notice-too-short", "公告期不足"),
    ("planned-too-far-ahead", "计划抽取时间过远"),
    ("draw-too-early", "尚未到计划抽取时间"),
    ("date-out-of-range", "日期超出范围"),
    // The draw (docs/draw-spec.md codes).
    ("unknown-stratum", "未知的分层"),
    ("sample-too-large", "抽取数量超过该层对象数"),
    ("insufficient-inspectors", "执法检查人员不足"),
    ("invalid-parameters", "抽取参数无效"),
    ("unsupported-version", "不支持的规范版本"),
    ("invalid-joint", "联合抽查设置无效"),
    ("team-too-small", "检查组人数不足"),
    ("unknown-department", "未知的部门"),
    ("insufficient-department-inspectors", "部门执法检查人员不足"),
    ("frame-mismatch", "检查对象名录与承诺不符"),
    ("pool-mismatch", "执法检查人员名录与承诺不符"),
    ("secret-mismatch", "秘密值与承诺不符"),
    ("entropy-mismatch", "外部随机数与承诺不符"),
    ("drawn-before-commit", "抽取时间早于承诺时间"),
    ("beacon-unknown-chain", "未知的 drand 链"),
    ("beacon-invalid-round", "drand 轮次无效"),
    ("beacon-round-not-after-commit", "drand 轮次不晚于承诺"),
    ("beacon-missing", "缺少承诺指定的 drand 轮次"),
    ("beacon-unexpected", "承诺未指定 drand 轮次"),
    ("beacon-chain-mismatch", "drand 链与承诺不符"),
    ("beacon-round-mismatch", "drand 轮次与承诺不符"),
    ("beacon-signature", "drand 签名无效"),
    ("beacon-chain-key", "drand 链公钥无效"),
    ("beacon-randomness", "drand 随机数与签名不符"),
    ("beacon-too-early", "抽取时间早于 drand 轮次发布"),
    ("beacon-round-invalid", "drand 轮次无效"),
    ("beacon-round-not-yet", "drand 轮次尚未发布"),
    ("beacon-unavailable", "暂时无法获取 drand 随机数"),
    // Time-stamps.
    ("tsa-config", "时间戳机构配置无效"),
    ("timestamp-anchors", "时间戳信任根无效"),
    (
        "timestamp-not-committed",
        "计划尚未发布承诺，无法加盖时间戳",
    ),
    ("timestamp-pending", "时间戳尚在获取中"),
    ("timestamp-too-late", "时间戳晚于截止时间"),
    // The service.
    ("internal", "服务器内部错误"),
    ("corrupt", "服务器内部错误"),
    ("encoding", "服务器内部错误"),
    ("assignment-stuck", "服务器内部错误"),
    ("plan-secret-not-reproduced", "服务器内部错误"),
    ("unavailable", "服务暂时不可用"),
];

/// Details that are fixed sentences (no field, value or name in them), by code, in 简体中文.
pub const FIXED_DETAILS: &[(&str, &str, &str)] = &[
    (
        "internal",
        "the server could not complete the request; it has been logged",
        "服务器未能完成请求，已记录日志",
    ),
    (
        "unavailable",
        "the service is temporarily unavailable; retry with the same Idempotency-Key",
        "服务暂时不可用，请用同一 Idempotency-Key 重试",
    ),
    (
        "unauthorized",
        "missing Authorization: Bearer token",
        "缺少 Authorization: Bearer 令牌，请先登录",
    ),
    (
        "unauthorized",
        "expected Authorization: Bearer <token>",
        "应为 Authorization: Bearer <令牌>",
    ),
    (
        "unauthorized",
        "no authorizer claims in the request context",
        "请求中没有登录身份信息，请重新登录",
    ),
    (
        "unauthorized",
        "invalid token: issued in the future (iat is after the server's clock)",
        "令牌无效：签发时间晚于服务器时间",
    ),
    (
        "unauthorized",
        "the token has no subject",
        "令牌中没有登录身份",
    ),
    (
        "unauthorized",
        "the token names no department",
        "令牌中没有所属部门",
    ),
    (
        "forbidden",
        "the token carries no spotcheck role",
        "令牌中没有本系统的岗位权限",
    ),
    (
        "source-network-not-allowed",
        "the staff API accepts requests only from the bureau's networks (StaffAllowedCidrs); this request came from another network",
        "工作人员接口只接受来自本机关网络的请求，本请求来自其他网络",
    ),
    (
        "unsupported-media-type",
        "send the body as Content-Type: application/json",
        "请以 Content-Type: application/json 发送请求内容",
    ),
    (
        "invalid-idempotency-key",
        "Idempotency-Key must be 1-128 characters from A-Z a-z 0-9 . _ - : /",
        "Idempotency-Key 应为 1–128 个字符，只能使用 A–Z a–z 0–9 . _ - : /",
    ),
    (
        "invalid-file-name",
        "file_name must be 1-255 bytes without '/' or control characters, e.g. guides.csv",
        "file_name 应为 1–255 字节，不含“/”或控制字符，例如 guides.csv",
    ),
    (
        "missing-role",
        "approvals are given by the supervisor or publisher role",
        "审核须由审核人或发布人岗位进行",
    ),
    (
        "missing-role",
        "this needs a staff role",
        "此操作需要工作人员岗位权限",
    ),
    (
        "missing-role",
        "reading a registry's history needs a staff role",
        "查看名录历史需要工作人员岗位权限",
    ),
    (
        "missing-role",
        "approving a record for publication needs the supervisor or publisher role",
        "审核公开记录须由审核人或发布人岗位进行",
    ),
    (
        "missing-role",
        "returning a record to its author needs the supervisor or publisher role",
        "退回记录须由审核人或发布人岗位进行",
    ),
    (
        "registry-missing",
        "no random spot-check item list (抽查事项清单) has been imported yet",
        "尚未导入随机抽查事项清单",
    ),
    (
        "reason-missing",
        "reason: a cancellation needs a public reason",
        "reason：取消计划须说明公开的理由",
    ),
    (
        "reason-missing",
        "reason: a withdrawal needs a reason",
        "reason：撤回须说明理由",
    ),
    (
        "unknown-format",
        "the export is written as .csv or .xlsx",
        "导出文件应为 .csv 或 .xlsx",
    ),
    (
        "tsa-not-configured",
        "this server has no time-stamping authority configured (spotcheck serve --tsa, or SPOTCHECK_TSA_URLS on AWS)",
        "本服务器未配置时间戳机构（spotcheck serve --tsa，或 AWS 上的 SPOTCHECK_TSA_URLS）",
    ),
];

/// The title of `code` in 简体中文, if it has one.
pub fn title_zh(code: &str) -> Option<&'static str> {
    TITLES.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
}

/// `detail` of a problem `code` in 简体中文 when it is a fixed sentence. A server error's
/// "; quote request id …" (added by the request log) is kept, in Chinese.
pub fn detail_zh(code: &str, detail: &str) -> Option<String> {
    let (sentence, id) = match detail.split_once("; quote request id ") {
        Some((s, id)) => (s, Some(id)),
        None => (detail, None),
    };
    let zh = FIXED_DETAILS
        .iter()
        .find(|(c, en, zh)| *c == code && (*en == sentence || *zh == sentence))
        .map(|(_, _, zh)| *zh)?;
    Some(match id {
        Some(id) => format!("{zh}；询问时请提供请求编号 {id}"),
        None => zh.to_owned(),
    })
}

/// Whether an `Accept-Language` value prefers Chinese: its highest-weighted range (the first of
/// equal weights) is `zh` or `zh-…`.
pub fn prefers_zh(accept_language: &str) -> bool {
    let mut best: Option<(u16, bool)> = None;
    for part in accept_language.split(',') {
        let mut fields = part.split(';');
        let tag = fields.next().unwrap_or("").trim().to_ascii_lowercase();
        if tag.is_empty() {
            continue;
        }
        let mut q = 1000u16;
        for f in fields {
            if let Some(v) = f.trim().strip_prefix("q=") {
                q = parse_q(v.trim()).unwrap_or(0);
            }
        }
        if q == 0 {
            continue;
        }
        let zh = tag == "zh" || tag.starts_with("zh-");
        if best.is_none_or(|(b, _)| q > b) {
            best = Some((q, zh));
        }
    }
    best.is_some_and(|(_, zh)| zh)
}

/// An RFC 9110 weight (`0`, `0.5`, `1.000`) in thousandths.
fn parse_q(v: &str) -> Option<u16> {
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{frac:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// Middleware: a problem answer to a request preferring Chinese gets its `title` (and a fixed
/// `detail`) in 简体中文 and `Content-Language: zh-CN`. Every problem answer says
/// `Vary: Accept-Language`.
pub async fn localize(req: Request, next: Next) -> Response {
    let zh = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(prefers_zh);
    let mut resp = next.run(req).await;
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if !is_problem {
        return resp;
    }
    let varies = resp
        .headers()
        .get_all(header::VARY)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.contains("accept-language")));
    if !varies {
        resp.headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-language"));
    }
    if !zh {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return (parts.status, Body::empty()).into_response();
    };
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut doc)) => {
            let code = doc
                .get("code")
                .and_then(|c| c.as_str())
                .unwrap_or("")
                .to_owned();
            if let Some(title) = title_zh(&code) {
                doc.insert("title".into(), title.into());
            }
            let detail = doc.get("detail").and_then(|d| d.as_str());
            if let Some(zh) = detail.and_then(|d| detail_zh(&code, d)) {
                doc.insert("detail".into(), zh.into());
            }
            parts
                .headers
                .insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("zh-CN"));
            serde_json::to_vec(&doc).unwrap_or_else(|_| bytes.to_vec())
        }
        _ => bytes.to_vec(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zh_is_preferred_only_when_it_weighs_most() {
        assert!(prefers_zh("zh-CN,zh;q=0.9"));
        assert!(prefers_zh("zh"));
        assert!(prefers_zh("en;q=0.5, zh-Hans-CN"));
        assert!(prefers_zh("en;q=0.8,zh-CN;q=0.9"));
        assert!(!prefers_zh("en-US,en;q=0.9,zh-CN;q=0.8"));
        assert!(!prefers_zh("en, zh"));
        assert!(!prefers_zh("zh;q=0, en;q=0.1"));
        assert!(!prefers_zh("zhx"));
        assert!(!prefers_zh(""));
        assert!(!prefers_zh("*"));
        assert!(!prefers_zh("zh;q=2"));
    }

    #[test]
    fn every_title_and_fixed_detail_is_chinese_and_each_code_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for (code, title) in TITLES {
            assert!(seen.insert(*code), "{code} listed twice");
            assert!(
                title
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{code}"
            );
        }
        for (code, _, zh) in FIXED_DETAILS {
            assert!(
                title_zh(code).is_some(),
                "{code} has a fixed detail but no title"
            );
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{code}"
            );
        }
    }

    #[test]
    fn a_fixed_detail_keeps_its_request_id() {
        assert_eq!(
            detail_zh(
                "internal",
                "the server could not complete the request; it has been logged; quote request id r-1"
            )
            .as_deref(),
            Some("服务器未能完成请求，已记录日志；询问时请提供请求编号 r-1")
        );
        // Translated by an inner layer before the request id was added.
        assert_eq!(
            detail_zh(
                "internal",
                "服务器未能完成请求，已记录日志; quote request id r-2"
            )
            .as_deref(),
            Some("服务器未能完成请求，已记录日志；询问时请提供请求编号 r-2")
        );
        assert_eq!(detail_zh("invalid-path", "id: bad"), None);
        assert_eq!(detail_zh("forbidden", "the token has no subject"), None);
        assert_eq!(
            detail_zh("unauthorized", "the token has no subject").as_deref(),
            Some("令牌中没有登录身份")
        );
    }
}
