//! Attribute-value helpers.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use spotcheck_domain::store::StoreError;

/// One DynamoDB item.
pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

pub(crate) fn n(v: u64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(crate) fn b(v: Vec<u8>) -> AttributeValue {
    AttributeValue::B(Blob::new(v))
}

pub(crate) fn attr_s<'a>(item: &'a Item, name: &'static str) -> Result<&'a str, StoreError> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Ok(v),
        _ => Err(StoreError::Corrupt {
            what: "item",
            reason: format!("attribute {name} is missing or not a string"),
        }),
    }
}

pub(crate) fn attr_n(item: &Item, name: &'static str) -> Result<u64, StoreError> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().map_err(|_| StoreError::Corrupt {
            what: "item",
            reason: format!("attribute {name} is not a whole number: {v}"),
        }),
        _ => Err(StoreError::Corrupt {
            what: "item",
            reason: format!("attribute {name} is missing or not a number"),
        }),
    }
}

pub(crate) fn build_err(e: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::Invalid(format!("cannot build a DynamoDB request: {e}"))
}
