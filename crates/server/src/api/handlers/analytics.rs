//! `analytics/*`: calm analytics — is the team working asynchronously? Admins see the
//! workspace and each person; everyone else their own figures.

use crate::api::Cx;
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::services::analytics::{self, Query, Report};
use weft_core::services::decisions::TextFile;
use weft_core::{Result, UserId, WorkspaceId};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Get {
    pub workspace_id: WorkspaceId,
    /// The period: from this time (included) …
    pub from: i64,
    /// … to this one (excluded), at most a year later.
    pub to: i64,
    /// One person's figures (admins: anyone; others: themselves, the default for them).
    #[serde(default)]
    pub user_id: Option<UserId>,
}

impl Get {
    fn query(&self) -> Result<Query> {
        analytics::check(self.from, self.to)?;
        Ok(Query { workspace: self.workspace_id, from: self.from, to: self.to, user: self.user_id })
    }
}

/// The figures of a period, computed from the event log and the app's records.
pub async fn get(cx: Cx, p: Get) -> Result<Report> {
    let actor = cx.actor()?.clone();
    let q = p.query()?;
    let now = cx.now();
    cx.read(move |tx| analytics::report(tx, &actor, q, now)).await
}

/// The same figures as a CSV file (one figure per row).
pub async fn export(cx: Cx, p: Get) -> Result<TextFile> {
    let actor = cx.actor()?.clone();
    let q = p.query()?;
    let now = cx.now();
    let report = cx.read(move |tx| analytics::report(tx, &actor, q, now)).await?;
    let day =
        |ts: i64| jiff::Timestamp::from_second(ts).map(|t| t.strftime("%Y-%m-%d").to_string()).unwrap_or_default();
    Ok(TextFile {
        file_name: format!("weft-analytics-{}-to-{}.csv", day(report.from), day(report.to)),
        content_type: "text/csv; charset=utf-8".into(),
        content: analytics::csv(&report),
    })
}
