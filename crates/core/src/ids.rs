//! Typed ids: a `ThreadId` can never be passed where a `ChannelId` is expected. An id is a
//! positive integer: deserializing 0 or a negative number fails, and the API schema says so.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;
use std::fmt;

macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                positive_id(d).map($name)
            }
        }

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                "Id".into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                id_schema()
            }
        }
    )*};
}

typed_id!(UserId, WorkspaceId, ChannelId, ThreadId, CommentId, GroupId, ConversationId, MessageId,);

fn positive_id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let id = i64::deserialize(d)?;
    if id > 0 { Ok(id) } else { Err(serde::de::Error::custom("expected a positive id")) }
}

/// The schema of every id: a positive 64-bit integer.
pub fn id_schema() -> Schema {
    json_schema!({"type": "integer", "format": "int64", "minimum": 1})
}

/// Group ids 1 and 2 are reserved by the Twist API for "everyone in the channel" and
/// "everyone in the thread"; real groups start above them.
pub const GROUP_EVERYONE_IN_CHANNEL: i64 = 1;
pub const GROUP_EVERYONE_IN_THREAD: i64 = 2;
