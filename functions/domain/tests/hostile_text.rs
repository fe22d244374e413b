//! Identifiers that a spreadsheet would read as a formula, control and bidirectional-override
//! characters in free text, and masks that show most of a name are refused, each naming the field.

use spotcheck_domain::lifecycle::MaskedName;
use spotcheck_domain::registry::{
    ErrorKind, Inspector, OnlineOperator, References, ValidationErrors, validate_table,
};

const INSPECTOR_HEADERS: [&str; 7] = [
    "人员编号",
    "姓名",
    "执法证号",
    "所属部门",
    "行政区划代码",
    "检查领域",
    "回避对象",
];

fn inspector(id: &str, name: &str, conflicts: &str) -> Vec<String> {
    [
        id,
        name,
        "35030020001",
        "莆田市文化和旅游局",
        "350300",
        "旅行社",
        conflicts,
    ]
    .map(str::to_owned)
    .to_vec()
}

fn problems(rows: Vec<Vec<String>>) -> Vec<(u64, String, ErrorKind, String)> {
    let refs = References::none();
    match validate_table::<Inspector, _, _>("i.csv", &INSPECTOR_HEADERS, &rows, &refs, 1) {
        Ok(_) => Vec::new(),
        Err(ValidationErrors { errors, .. }) => errors
            .into_iter()
            .map(|e| (e.row, e.column, e.kind, e.reason))
            .collect(),
    }
}

#[test]
fn ids_that_start_like_a_formula_are_refused_at_import() {
    let ids = [
        "=cmd|'/Ccalc'!A0",
        "@SUM(1+1)",
        "+1+1",
        "-2+3",
        "\t=1",
        "\r=1",
    ];
    for (i, id) in ids.iter().enumerate() {
        let got = problems(vec![inspector(id, "郑建国", "")]);
        assert_eq!(got.len(), 1, "{id:?}: {got:?}");
        let (row, column, kind, reason) = &got[0];
        assert_eq!(
            (*row, column.as_str(), *kind),
            (2, "id", ErrorKind::InvalidValue),
            "{i}"
        );
        assert!(reason.contains("formula"), "{reason}");
    }
    // A declared conflict is an identifier too.
    let got = problems(vec![inspector("PT-001", "郑建国", "=HYPERLINK(\"x\")")]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1, "conflicts");
    // An ordinary id is fine.
    assert!(problems(vec![inspector("PT-001", "郑建国", "")]).is_empty());
}

#[test]
fn nul_controls_and_bidi_overrides_are_refused_in_registry_text() {
    for bad in [
        "郑\u{0}建国",
        "郑\u{202e}国建",
        "郑\u{2066}建国",
        "郑\u{7}建国",
    ] {
        let got = problems(vec![inspector("PT-001", bad, "")]);
        assert_eq!(got.len(), 1, "{bad:?}: {got:?}");
        assert_eq!(got[0].1, "name", "{got:?}");
    }
    let headers = [
        "统一社会信用代码",
        "经营者名称",
        "平台名称",
        "行政区划代码",
        "信用等级",
        "经营状态",
    ];
    let rows = vec![vec![
        "91350302MA2XN4QJ2B",
        "莆田游云网络科技有限公司",
        "游云\u{202e}网",
        "350302",
        "A",
        "正常",
    ]];
    let err =
        validate_table::<OnlineOperator, _, _>("o.csv", &headers, &rows, &References::none(), 1)
            .err()
            .map(|e| e.errors)
            .unwrap_or_default();
    assert_eq!(err.len(), 1, "{err:?}");
    assert_eq!(err[0].column, "platform");
}

#[test]
fn a_mask_is_the_surname_then_only_mask_characters() {
    for ok in ["张*", "王某某", "欧阳**", "李××"] {
        assert!(ok.parse::<MaskedName>().is_ok(), "{ok}");
    }
    for bad in ["柯*梅国", "*梅国", "张三", "张*三", "欧阳修*", "**"] {
        assert!(bad.parse::<MaskedName>().is_err(), "{bad}");
    }
}

#[test]
fn problems_beyond_the_limit_are_counted_not_kept() {
    let rows: Vec<Vec<String>> = (0..1_500)
        .map(|i| inspector(&format!("=X{i}"), "郑建国", ""))
        .collect();
    let refs = References::none();
    let Err(e) = validate_table::<Inspector, _, _>("i.csv", &INSPECTOR_HEADERS, &rows, &refs, 1)
    else {
        unreachable!("formula ids were accepted")
    };
    assert_eq!((e.errors.len(), e.total), (1_000, 1_500));
    assert_eq!(e.errors[0].row, 2);
    assert!(e.to_string().starts_with("1500 problem(s)"), "{e}");
}

#[test]
fn nul_controls_and_bidi_overrides_are_refused_in_penalty_text_naming_the_field()
-> Result<(), Box<dyn std::error::Error>> {
    use spotcheck_domain::lifecycle::{LifecycleError, PenaltyDecision};
    let decision = |cause: &str, result: &str| -> Result<PenaltyDecision, serde_json::Error> {
        serde_json::from_value(serde_json::json!({
            "number": "莆文旅罚〔2026〕12号",
            "party": {"kind": "organisation", "name": "莆田某旅行社有限公司", "credit_code": null},
            "cause": cause,
            "legal_basis": "《旅游法》第九十五条",
            "conditions": "",
            "procedure": "普通程序",
            "result": result,
            "authority": "莆田市文化和旅游局",
            "decided_on": "2026-11-02",
            "minor": false,
            "involves_minor": false,
            "target": null,
            "plan": null
        }))
    };
    assert!(
        decision("未经许可经营旅行社业务", "罚款一万元")?
            .validate()
            .is_ok()
    );
    for (cause, result, field) in [
        ("未经许可\u{0}经营", "罚款一万元", "cause"),
        ("未经许可经营", "罚款\u{202e}元万一", "result"),
        ("未经许可\t经营", "罚款一万元", "cause"),
        ("未经许可经营", "罚款\u{2069}", "result"),
    ] {
        match decision(cause, result)?.validate() {
            Err(LifecycleError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => return Err(format!("{cause:?}/{result:?}: {other:?}").into()),
        }
    }
    Ok(())
}

#[test]
fn bidi_overrides_are_refused_in_identifiers_and_certificates() {
    let mut row = inspector("PT\u{202e}001", "郑建国", "");
    let got = problems(vec![row.clone()]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1, "id");
    row[0] = "PT-001".to_owned();
    row[2] = "3503\u{2066}0020001".to_owned();
    let got = problems(vec![row.clone()]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1, "certificate");
    row[2] = "35030020001".to_owned();
    row[6] = "D-3503\u{202d}-000001".to_owned();
    let got = problems(vec![row]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1, "conflicts");
}
