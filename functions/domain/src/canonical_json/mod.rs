//! Canonical JSON (spec §3): the RFC 8785 (JCS) serialisation restricted to the values spotcheck
//! uses — objects, arrays, strings, booleans, null and integers. Floating-point numbers are refused,
//! so the number rules of JCS reduce to plain decimal integers.

mod serializer;

use serde::Serialize;
use serde_json::Value;

/// Why a value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalJsonError {
    /// A non-integer number was found (spec v1 never uses them).
    #[error("canonical JSON has no floating-point numbers (found {0})")]
    Float(String),
    /// The value could not be turned into JSON at all.
    #[error("cannot serialise to JSON: {0}")]
    Serialise(String),
}

/// Canonical bytes of any serialisable value, written directly by a serde serializer.
///
/// # Errors
/// [`CanonicalJsonError::Float`] for a floating-point number, [`CanonicalJsonError::Serialise`]
/// for bytes, non-string member names, repeated member names or a failing `Serialize` impl.
pub fn to_canonical_bytes<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CanonicalJsonError> {
    let mut out = Vec::new();
    let pools = serializer::Pools::default();
    value.serialize(serializer::Canon {
        out: &mut out,
        pools: &pools,
    })?;
    Ok(out)
}

/// Canonical bytes through a `serde_json::Value` tree: the straightforward reading of RFC 8785,
/// kept as the oracle the direct serializer is tested against.
///
/// # Errors
/// As [`to_canonical_bytes`].
pub fn to_canonical_bytes_via_value<T: Serialize + ?Sized>(
    value: &T,
) -> Result<Vec<u8>, CanonicalJsonError> {
    let v =
        serde_json::to_value(value).map_err(|e| CanonicalJsonError::Serialise(e.to_string()))?;
    let mut out = Vec::new();
    write_value(&v, &mut out)?;
    Ok(out)
}

fn write_value(v: &Value, out: &mut Vec<u8>) -> Result<(), CanonicalJsonError> {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.extend_from_slice(u.to_string().as_bytes());
            } else if let Some(i) = n.as_i64() {
                out.extend_from_slice(i.to_string().as_bytes());
            } else {
                return Err(CanonicalJsonError::Float(n.to_string()));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            // RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their names.
            let mut entries: Vec<(Vec<u16>, &String, &Value)> = map
                .iter()
                .map(|(k, v)| (k.encode_utf16().collect(), k, v))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            out.push(b'{');
            for (i, (_, k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(k, out);
                out.push(b':');
                write_value(v, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// RFC 8785 §3.2.2.2 string escaping: `"` and `\` escaped, control characters as `\b \t \n \f \r`
/// or lowercase `\u00xx`, everything else (including `/` and non-ASCII) written as UTF-8.
pub(crate) fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\r' => out.extend_from_slice(b"\\r"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canon(v: Value) -> String {
        let direct = to_canonical_bytes(&v).unwrap_or_default();
        let oracle = to_canonical_bytes_via_value(&v).unwrap_or_default();
        assert_eq!(direct, oracle, "direct serializer and oracle disagree");
        String::from_utf8(direct).unwrap_or_default()
    }

    #[test]
    fn sorts_keys_and_drops_whitespace() {
        assert_eq!(
            canon(json!({"b": [1, 2, {"z": null, "a": true}], "a": "x"})),
            r#"{"a":"x","b":[1,2,{"a":true,"z":null}]}"#
        );
    }

    #[test]
    fn escapes_per_rfc_8785() {
        assert_eq!(
            canon(json!("\"\\/\u{1}\n莆田\u{2028}")),
            "\"\\\"\\\\/\\u0001\\n莆田\u{2028}\""
        );
    }

    #[test]
    fn sorts_by_utf16_code_units_not_utf8_bytes() {
        // In UTF-8 bytes U+FF61 (EF ..) sorts before U+1F600 (F0 ..); in UTF-16 code units
        // U+1F600 (D83D ..) sorts before U+FF61. JCS uses UTF-16.
        let v = json!({"\u{FF61}": 2, "\u{1F600}": 1});
        assert_eq!(canon(v), "{\"\u{1F600}\":1,\"\u{FF61}\":2}");
    }

    proptest::proptest! {
        #[test]
        fn direct_serializer_matches_the_value_oracle(
            map in proptest::collection::btree_map("\\PC{0,6}", proptest::collection::vec("\\PC{0,8}", 0..4), 0..6),
            n: u64,
            flag: bool,
        ) {
            let v = json!({"m": map, "n": n, "f": flag, "nested": [{"z": 1, "a": [null, "x\u{1}"]}]});
            let direct = to_canonical_bytes(&v).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let oracle = to_canonical_bytes_via_value(&v).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            proptest::prop_assert_eq!(direct, oracle);
        }
    }

    /// An object whose members are emitted in exactly the given order, sorted or not.
    struct InOrder(Vec<(String, Value)>);

    impl Serialize for InOrder {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                m.serialize_entry(k, v)?;
            }
            m.end()
        }
    }

    proptest::proptest! {
        /// Members arriving sorted are streamed, members out of order are buffered and sorted
        /// from the first one out of place: either way, the oracle's bytes.
        #[test]
        fn any_member_order_gives_the_oracle_bytes(
            keys in proptest::collection::btree_set("[a-c\u{FF61}\u{1F600}]{0,3}", 0..8),
            order in proptest::collection::vec(proptest::num::usize::ANY, 0..8),
            nested_first: bool,
        ) {
            let mut members: Vec<(String, Value)> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| (k.clone(), if nested_first && i == 0 { json!({"b": [1, {"y": 2, "x": 1}], "a": k}) } else { json!(i) }))
                .collect();
            for (i, j) in order.iter().enumerate() {
                if members.len() > 1 {
                    let (a, b) = (i % members.len(), j % members.len());
                    members.swap(a, b);
                }
            }
            let as_map: serde_json::Map<String, Value> = members.iter().cloned().collect();
            let direct = to_canonical_bytes(&InOrder(members)).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let oracle = to_canonical_bytes_via_value(&Value::Object(as_map)).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            proptest::prop_assert_eq!(direct, oracle);
        }
    }

    #[test]
    fn a_repeated_member_is_refused_in_or_out_of_order() {
        for members in [
            vec![("a", 1), ("a", 2)],
            vec![("a", 1), ("b", 2), ("a", 3)],
            vec![("b", 1), ("a", 2), ("b", 3)],
        ] {
            let v = InOrder(
                members
                    .iter()
                    .map(|(k, v)| (k.to_string(), json!(v)))
                    .collect(),
            );
            let err = to_canonical_bytes(&v)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("appears twice"), "{members:?}: {err}");
        }
    }

    #[test]
    fn refuses_floats() {
        assert!(to_canonical_bytes(&json!({"x": 0.5})).is_err());
        assert_eq!(canon(json!(-3)), "-3");
    }
}
