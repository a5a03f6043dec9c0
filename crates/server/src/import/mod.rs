//! Importers of other tools' exports (`weft admin import …`).

pub mod archive;
pub mod mrkdwn;
pub mod slack;
