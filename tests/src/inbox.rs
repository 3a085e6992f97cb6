//! The receiving half of [`Client`]: raw packets in arrival order, or filtered waits for an
//! event, an ack, an error or the close.
//!
//! Filtered waits never lose packets: what they skip that a test may still ask for (events,
//! acks, errors, a close) is set aside in a backlog that later calls read first; only pings,
//! pongs and noops, which the client has already handled, are dropped. A close packet ends
//! every filtered wait that is not waiting for it, so a test sees "closed with 4408" rather
//! than a timeout.

use std::time::Duration;

use tokio::sync::MutexGuard;
use tramline_protocol::{Body, Close, ErrorBody, Packet};

use crate::client::{Client, Inbox};
use crate::error::{ClientError, DownlinkEnd};
use crate::event::{as_ack, as_event, ReceivedAck, ReceivedEvent};
use crate::http::timed;
use crate::session::Incoming;

impl Client {
    /// The next packet of any type (pings included; they were answered already), after
    /// any the filtered waits set aside. Fails when the downlink ended
    /// ([`ClientError::Disconnected`]), on a sequence gap or a malformed packet.
    pub async fn next_packet(&self) -> Result<Packet, ClientError> {
        timed(self.timeout(), "a packet", async {
            let mut inbox = self.inbox.lock().await;
            match inbox.backlog.pop_front() {
                Some(p) => Ok(p),
                None => self.recv(&mut inbox).await,
            }
        })
        .await
    }

    /// The next packet if one comes within `wait`, `None` otherwise: for asserting that
    /// nothing (more) arrives.
    pub async fn next_packet_within(&self, wait: Duration) -> Result<Option<Packet>, ClientError> {
        let next = async {
            let mut inbox = self.inbox.lock().await;
            match inbox.backlog.pop_front() {
                Some(p) => Ok(p),
                None => self.recv(&mut inbox).await,
            }
        };
        match tokio::time::timeout(wait, next).await {
            Ok(r) => r.map(Some),
            Err(_) => Ok(None),
        }
    }

    /// The next event, skipping control packets.
    pub async fn next_event(&self) -> Result<ReceivedEvent, ClientError> {
        self.wait_for("an event", as_event).await
    }

    /// The next event called `name`.
    pub async fn wait_event(&self, name: &str) -> Result<ReceivedEvent, ClientError> {
        self.wait_for("a named event", |p| {
            as_event(p).filter(|e| e.as_ref().map_or(true, |e| e.name == name))
        })
        .await
    }

    /// The ack answering the client's event with ack id `id`.
    pub async fn wait_ack(&self, id: u64) -> Result<ReceivedAck, ClientError> {
        self.wait_for("an ack", |p| {
            as_ack(p).filter(|a| a.as_ref().map_or(true, |a| a.id == id))
        })
        .await
    }

    /// The next `error` packet: its `seq` and body.
    pub async fn wait_error(&self) -> Result<(u64, ErrorBody), ClientError> {
        self.wait_for("an error packet", |p| match &p.body {
            Body::Error(e) => Some(Ok((p.seq.unwrap_or_default(), e.clone()))),
            _ => None,
        })
        .await
    }

    /// The next `close` packet (e.g. 4408 after a missed heartbeat).
    pub async fn wait_close(&self) -> Result<Close, ClientError> {
        self.wait_for("a close packet", |p| match &p.body {
            Body::Close(c) => Some(Ok(c.clone())),
            _ => None,
        })
        .await
    }

    /// Waits for the first packet for which `pick` returns `Some`, first in the backlog, then
    /// from the downlinks.
    async fn wait_for<T>(
        &self,
        what: &'static str,
        mut pick: impl FnMut(&Packet) -> Option<Result<T, ClientError>>,
    ) -> Result<T, ClientError> {
        timed(self.timeout(), what, async {
            let mut inbox = self.inbox.lock().await;
            for i in 0..inbox.backlog.len() {
                if let Some(found) = pick(&inbox.backlog[i]) {
                    inbox.backlog.remove(i);
                    return found;
                }
                if let Body::Close(c) = &inbox.backlog[i].body {
                    return Err(ClientError::Closed(c.clone()));
                }
            }
            loop {
                let p = self.recv(&mut inbox).await?;
                if let Some(found) = pick(&p) {
                    return found;
                }
                match &p.body {
                    Body::Ping { .. } | Body::Pong { .. } | Body::Noop => {}
                    Body::Close(c) => {
                        let c = c.clone();
                        inbox.backlog.push_back(p);
                        return Err(ClientError::Closed(c));
                    }
                    _ => inbox.backlog.push_back(p),
                }
            }
        })
        .await
    }

    /// Takes the next item from the downlink channel. The end of a retired downlink is
    /// skipped; the end of the current one is remembered, so that later calls fail at once
    /// instead of timing out.
    async fn recv(&self, inbox: &mut MutexGuard<'_, Inbox>) -> Result<Packet, ClientError> {
        loop {
            let item = match inbox.rx.try_recv() {
                Ok(item) => item,
                Err(_) => {
                    if let Some(end) = self.current_end() {
                        return Err(ClientError::Disconnected(end));
                    }
                    match inbox.rx.recv().await {
                        Some(item) => item,
                        None => return Err(ClientError::NotConnected("client dropped")),
                    }
                }
            };
            match item {
                Incoming::Packet(p) => return Ok(p),
                Incoming::Error(e) => return Err(e),
                Incoming::Ended { gen, end } => {
                    let mut st = self.shared.state.lock();
                    if gen == st.gen {
                        st.ended = Some((gen, end.clone()));
                        return Err(ClientError::Disconnected(end));
                    }
                }
            }
        }
    }

    fn current_end(&self) -> Option<DownlinkEnd> {
        let st = self.shared.state.lock();
        match &st.ended {
            Some((gen, end)) if *gen == st.gen => Some(end.clone()),
            _ => None,
        }
    }
}
