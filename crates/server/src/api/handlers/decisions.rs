//! `decisions/*`: the decision log — each thread's decision, newest first, searchable and
//! exportable.

use crate::api::Cx;
use crate::api::decode::Joined;
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::Decision;
use weft_core::services::decisions::{self, ExportFormat, LogQuery, TextFile};
use weft_core::{ChannelId, Error, Result, ThreadId, WorkspaceId, input};

pub const DEFAULT_LIMIT: i64 = 100;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Get {
    pub workspace_id: WorkspaceId,
    /// Only this channel's threads.
    #[serde(default)]
    pub channel_id: Option<ChannelId>,
    /// Only this thread, its earlier decisions included.
    #[serde(default)]
    pub thread_id: Option<ThreadId>,
    /// Marked at or after this time.
    #[serde(default)]
    pub from: Option<i64>,
    /// Marked before this time.
    #[serde(default)]
    pub to: Option<i64>,
    /// Words the thread's title or the decision contains.
    #[serde(default)]
    pub query: Option<input::Short>,
    /// Decisions since replaced too (default: each thread's current one).
    #[serde(default)]
    pub include_replaced: Option<bool>,
    /// Older than this decision (the next page).
    #[serde(default)]
    pub before_id: Option<i64>,
    #[serde(default)]
    #[schemars(range(min = 1, max = decisions::MAX_LIMIT))]
    pub limit: Option<i64>,
}

impl Get {
    fn query(self) -> Result<LogQuery> {
        if let Some(limit) = self.limit
            && !(1..=decisions::MAX_LIMIT).contains(&limit)
        {
            return Err(Error::invalid("limit", format!("expected 1 to {}", decisions::MAX_LIMIT)));
        }
        Ok(LogQuery {
            workspace: self.workspace_id,
            channel: self.channel_id,
            thread: self.thread_id,
            from: self.from,
            to: self.to,
            query: self.query.map(input::Short::into_inner),
            history: self.include_replaced.unwrap_or(false),
            before_id: self.before_id,
            limit: self.limit.unwrap_or(DEFAULT_LIMIT),
        })
    }
}

/// The decisions of the threads the caller sees, newest first.
pub async fn get(cx: Cx, p: Get) -> Result<Vec<Decision>> {
    let actor = cx.actor()?.id;
    let q = p.query()?;
    cx.read(move |tx| decisions::list(tx, actor, q)).await
}

/// `decisions/export`: the log's filters and the file's format.
pub type Export = Joined<Get, Format>;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Format {
    /// `markdown` (default) or `csv`.
    #[serde(default)]
    pub format: Option<ExportFormat>,
}

/// The decision log as a file (Markdown or CSV), times in the caller's time zone.
pub async fn export(cx: Cx, Joined(log, f): Export) -> Result<TextFile> {
    let actor = cx.actor()?.clone();
    let format = f.format.unwrap_or(ExportFormat::Markdown);
    let q = log.query()?;
    let now = cx.now();
    cx.read(move |tx| decisions::export(tx, &actor, q, format, now)).await
}
