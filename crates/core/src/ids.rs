//! Typed ids: a `ThreadId` can never be passed where a `ChannelId` is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id!(UserId, WorkspaceId, ChannelId, ThreadId, CommentId, GroupId, ConversationId, MessageId,);

/// Group ids 1 and 2 are reserved by the Twist API for "everyone in the channel" and
/// "everyone in the thread"; real groups start above them.
pub const GROUP_EVERYONE_IN_CHANNEL: i64 = 1;
pub const GROUP_EVERYONE_IN_THREAD: i64 = 2;
