//! The public reads of one plan for the HTTP API: the plan as the projection shows it, and the
//! committed frame and pool of a plan the public may see. A plan that may not be shown (a draft,
//! one withheld) answers exactly as one that does not exist.

use spotcheck_domain::calendar::Calendar;
use spotcheck_domain::draw::Transcript;
use spotcheck_domain::frame::{Frame, InspectorPool, TreeSummary};
use spotcheck_domain::ids::PlanId;
use spotcheck_domain::store::ReadStore;
use spotcheck_domain::time::Timestamp;

use super::records::{PlanRecord, load_plan};
use super::{Gate, project};
use crate::AppError;

fn no_plan(id: &PlanId) -> AppError {
    AppError::not_found("not-found", format!("plan {id} not found"))
}

/// Plan `id` as the public may see it now ([`Gate::Live`]), or 404.
///
/// # Errors
/// 404 for a plan that does not exist or may not be shown; the store's errors.
pub async fn plan<S: ReadStore>(
    store: &S,
    id: &PlanId,
    calendar: &Calendar,
    now: Timestamp,
) -> Result<PlanRecord, AppError> {
    let Some(records) = load_plan(store, id).await? else {
        return Err(no_plan(id));
    };
    project(&records, calendar, Gate::Live, now)
        .records
        .plans
        .remove(id.as_str())
        .ok_or_else(|| no_plan(id))
}

/// The committed frame of a plan the public may see, with its summary.
///
/// # Errors
/// As [`plan`]; 404 before the plan has a frame.
pub async fn frame<S: ReadStore>(
    store: &S,
    id: &PlanId,
    calendar: &Calendar,
    now: Timestamp,
) -> Result<(TreeSummary, Frame), AppError> {
    let summary = plan(store, id, calendar, now)
        .await?
        .plan
        .frame
        .ok_or_else(|| AppError::not_found("not-found", format!("plan {id} has no frame yet")))?;
    Ok((summary, store.get_frame(&summary.root).await?))
}

/// The committed inspector pool of a plan the public may see, with its summary.
///
/// # Errors
/// As [`plan`]; 404 before the plan has a pool.
pub async fn pool<S: ReadStore>(
    store: &S,
    id: &PlanId,
    calendar: &Calendar,
    now: Timestamp,
) -> Result<(TreeSummary, InspectorPool), AppError> {
    let summary = plan(store, id, calendar, now)
        .await?
        .plan
        .pool
        .ok_or_else(|| {
            AppError::not_found("not-found", format!("plan {id} has no inspector pool yet"))
        })?;
    Ok((summary, store.get_pool(&summary.root).await?))
}

/// A drawn plan's transcript with the frame and pool it was drawn from, to re-run the draw.
///
/// # Errors
/// As [`plan`]; 404 before the draw.
pub async fn draw<S: ReadStore>(
    store: &S,
    id: &PlanId,
    calendar: &Calendar,
    now: Timestamp,
) -> Result<(Transcript, Frame, InspectorPool), AppError> {
    let t = plan(store, id, calendar, now)
        .await?
        .transcript
        .ok_or_else(|| AppError::not_found("not-found", format!("transcript {id} not found")))?;
    let frame = store.get_frame(&t.commitment.frame.root).await?;
    let pool = store.get_pool(&t.commitment.pool.root).await?;
    Ok((t, frame, pool))
}
