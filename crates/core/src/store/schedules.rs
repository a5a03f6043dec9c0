//! Each person's schedule: working hours, do-not-disturb, delivery preference.

use crate::error::Result;
use crate::ids::*;
use crate::model::*;

/// Each person's stored schedule (working hours, do-not-disturb, delivery preference).
pub trait Schedules {
    fn schedule(&mut self, user: UserId) -> Result<Option<crate::schedule::Schedule>>;
    /// Many people's accounts and stored schedules at once.
    fn users_with_schedules(&mut self, ids: &[UserId]) -> Result<Vec<(User, Option<crate::schedule::Schedule>)>>;
    fn put_schedule(&mut self, user: UserId, s: &crate::schedule::Schedule, now: i64) -> Result<()>;
    /// Records that `away_user`'s away period `period` answered `sender` in `place`; false if
    /// it already had.
    fn note_away_reply(
        &mut self,
        away_user: UserId,
        sender: UserId,
        place: &str,
        period: &str,
        now: i64,
    ) -> Result<bool>;
}
