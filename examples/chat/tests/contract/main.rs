//! The chat's event contract, end to end: the app runs in-process on 127.0.0.1:0 and tiny
//! protocol clients talk to it over WebSocket, built on `tramline_protocol`'s codec.
//!
//! Nothing here sleeps. "X did not receive anything" is checked with
//! [`Client::sync_and_expect_nothing`]: a round trip whose ack the server queues after
//! everything already sent to that client.

mod client;
mod membership;
mod messages;
mod nick;
mod page;
