//! Creating the table (tests, local development, `sam deploy` does it in production).

use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TableStatus,
};
use spotcheck_domain::store::{StoreError, StoreResult};
use tracing::instrument;

use super::items::build_err;
use super::{DynamoStore, translate};

fn key(name: &str, kind: KeyType) -> StoreResult<KeySchemaElement> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .map_err(build_err)
}

fn attr(name: &str) -> StoreResult<AttributeDefinition> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .map_err(build_err)
}

impl DynamoStore {
    /// Creates the table (`PK`/`SK`, GSI `GSI1` on `GSI1PK`/`GSI1SK`, on-demand billing) and
    /// waits until it is active.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] if creation fails or the table is not active within 60 s.
    #[instrument(skip(self), fields(table = %self.table), err)]
    pub async fn create_table(&self) -> StoreResult<()> {
        self.client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr("PK")?)
            .attribute_definitions(attr("SK")?)
            .attribute_definitions(attr("GSI1PK")?)
            .attribute_definitions(attr("GSI1SK")?)
            .key_schema(key("PK", KeyType::Hash)?)
            .key_schema(key("SK", KeyType::Range)?)
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name("GSI1")
                    .key_schema(key("GSI1PK", KeyType::Hash)?)
                    .key_schema(key("GSI1SK", KeyType::Range)?)
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .map_err(build_err)?,
            )
            .send()
            .await
            .map_err(translate)?;
        for _ in 0..600 {
            let out = self
                .client
                .describe_table()
                .table_name(&self.table)
                .send()
                .await
                .map_err(translate)?;
            if out.table.and_then(|t| t.table_status) == Some(TableStatus::Active) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(StoreError::Unavailable(format!(
            "table {} did not become active",
            self.table
        )))
    }
}
