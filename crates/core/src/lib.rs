//! Weft's domain: typed ids, the wire-shaped objects, the access policy, the services
//! (one function per thing a user does) and the traits they need (`Store`, `Tx`, `Clock`).
//!
//! Nothing here knows about HTTP or SQL. Services are plain functions over a `&mut dyn Tx`
//! so that a whole user action — access check, writes, and its event — runs inside one
//! storage transaction on whichever backend is configured.

pub mod clock;
pub mod error;
pub mod event;
pub mod ics;
pub mod ids;
pub mod input;
pub mod mail;
pub mod model;
pub mod payload;
pub mod policy;
pub mod rotation;
pub mod schedule;
pub mod services;
pub mod store;
pub mod text;
mod work;

pub use clock::{Clock, FakeClock, SystemClock};
pub use error::{Error, NotFound, Result};
pub use ids::*;
