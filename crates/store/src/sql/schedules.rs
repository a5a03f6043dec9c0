//! `Schedules` in SQL: each person's stored schedule.

use super::accounts::{USER_COLS, user_from};
use super::{Row, SqlTx, Value, args, json, placeholders};
use weft_core::model::*;
use weft_core::store::Schedules;
use weft_core::{Result, UserId};

/// The queries for `Schedules::users_with_schedules` (none for nobody), in chunks whatever
/// the number of people.
pub(super) fn users_with_schedules_queries(ids: &[UserId]) -> Vec<(String, Vec<Value>)> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids.chunks(super::ROWS_PER_INSERT)
        .map(|chunk| {
            let sql = format!(
                "SELECT {USER_COLS}, sc.schedule FROM users u LEFT JOIN schedules sc ON sc.user_id = u.id \
                 WHERE u.id IN ({})",
                placeholders(chunk.len())
            );
            (sql, chunk.iter().map(|u| Value::from(*u)).collect())
        })
        .collect()
}

/// A row of `users_with_schedules_queries`.
pub(super) fn user_with_schedule_from(r: &Row) -> Result<(User, Option<weft_core::schedule::Schedule>)> {
    Ok((user_from(r)?, r.opt_json(17)?))
}

impl Schedules for SqlTx<'_> {
    fn schedule(&mut self, user: UserId) -> Result<Option<weft_core::schedule::Schedule>> {
        self.one("SELECT schedule FROM schedules WHERE user_id = ?", args![user])?.map(|r| r.json(0)).transpose()
    }

    fn users_with_schedules(&mut self, ids: &[UserId]) -> Result<Vec<(User, Option<weft_core::schedule::Schedule>)>> {
        let answers = self.conn.query_many(&users_with_schedules_queries(ids))?;
        answers.iter().flatten().map(user_with_schedule_from).collect()
    }

    fn note_away_reply(
        &mut self,
        away_user: UserId,
        sender: UserId,
        place: &str,
        period: &str,
        now: i64,
    ) -> Result<bool> {
        let added = self.conn.execute(
            "INSERT INTO away_replies (away_user, sender, place, period, created_ts) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT DO NOTHING",
            args![away_user, sender, place, period, now],
        )?;
        Ok(added > 0)
    }

    fn put_schedule(&mut self, user: UserId, s: &weft_core::schedule::Schedule, now: i64) -> Result<()> {
        self.conn.send(
            "INSERT INTO schedules (user_id, schedule, updated_ts) VALUES (?, ?, ?) \
             ON CONFLICT (user_id) DO UPDATE SET schedule = excluded.schedule, updated_ts = excluded.updated_ts",
            &[user.into(), json(s), now.into()],
        )?;
        Ok(())
    }
}
