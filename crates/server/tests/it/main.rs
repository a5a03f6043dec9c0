//! The one integration-test binary: each test starts the real server on a random port
//! with a fresh data directory and talks HTTP through the typed client.

#[macro_use]
mod helpers;

mod accounts;
mod analytics;
mod api_basics;
mod api_tokens;
mod attachments;
mod authz;
mod away;
mod backup;
mod bot_examples;
mod browser;
mod connections;
mod crash;
mod decisions;
mod email;
mod emergencies;
mod expectations;
mod fanout;
mod inbox;
mod integrations;
mod lifecycle;
mod limits;
mod malformed;
mod metrics;
mod own_export;
mod pushes;
mod retention;
mod rotations;
mod scale;
mod scheduled;
mod schedules;
mod search;
mod sharing;
mod slack_import;
mod smtp;
mod stream;
mod transfer;
mod two_nodes;
mod web;
mod webhooks;
