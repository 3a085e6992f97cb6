//! Transport switches, each an explicit test step: the probe-and-upgrade to a websocket, the
//! fallback to another transport after a cut, and the cut itself.
//!
//! What makes a switch exact is in the numbers, not in timing: the new downlink is requested
//! with the client's `rx` (the server replays after it), unacknowledged uplink packets are
//! sent again (the server drops what it had), and anything the old downlink still delivers
//! goes through the same duplicate check. The old downlink's 4409 close is ignored.

use std::sync::Arc;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio_tungstenite::tungstenite::Message;
use tramline_protocol::{to_text, Body, Packet, TransportKind};

use crate::client::Client;
use crate::downlink::{attach_http, spawn_ws, ws_read_packets};
use crate::error::{ClientError, DownlinkEnd};
use crate::http::{timed, ws_connect_with, WsStream};
use crate::session::Uplink;

impl Client {
    /// Upgrades the session to a websocket: `GET {prefix}/websocket?sid=..&rx=..`, probe
    /// ping, probe pong, (from polling) wait for the in-flight poll to return (the server
    /// ends it with a `noop` when the probe arrives), wait until no POST is in flight, `upgrade` with `rx`, then the
    /// websocket carries both directions and unacknowledged packets are sent again on it.
    ///
    /// From polling, the poller stops issuing new GETs before the probe, so that no poll can
    /// reach the server after the `upgrade` and take the downlink back ("newer wins").
    /// If the probe fails (refused, no pong), the previous transport carries on.
    pub async fn upgrade_to_websocket(&self) -> Result<(), ClientError> {
        let polling = self.transport() == TransportKind::Polling;
        if polling {
            self.shared.poll_gate.send_replace(false);
        }
        let result = self.probe_and_upgrade().await;
        // After success the old poller sees a newer generation and stops.
        self.shared.poll_gate.send_replace(true);
        result
    }

    async fn probe_and_upgrade(&self) -> Result<(), ClientError> {
        let timeout = self.timeout();
        let mut ws = self.probe().await?;
        let probe = Packet::control(Body::Ping { probe: true });
        let text = String::from_utf8_lossy(&to_text(&probe)).into_owned();
        timed(
            timeout,
            "sending the probe",
            ws.send(Message::Text(text.into())),
        )
        .await?;
        let answer = ws_read_packets(&mut ws, timeout).await?;
        match answer.first().map(|p| &p.body) {
            Some(Body::Pong { probe: true }) if answer.len() == 1 => {}
            Some(Body::Close(c)) => return Err(ClientError::Closed(c.clone())),
            _ => {
                return Err(ClientError::Protocol(format!(
                    "expected a probe pong, got {answer:?}"
                )))
            }
        }
        let (sink, stream) = ws.split();

        if self.transport() == TransportKind::Polling {
            let mut busy = self.shared.poll_busy.subscribe();
            timed(
                timeout,
                "the in-flight poll to return after the probe",
                async {
                    busy.wait_for(|busy| !*busy)
                        .await
                        .map(drop)
                        .map_err(|_| ClientError::NotConnected("the client is gone"))
                },
            )
            .await?;
        }

        // Holding the uplink waits for an in-flight POST and keeps new sends out until the
        // websocket is the uplink.
        let mut up = self.shared.lock_uplink().await?;
        let (gen, rx) = self.new_generation(TransportKind::Websocket);
        self.add_task(spawn_ws(Arc::clone(&self.shared), gen, stream));
        *up = Uplink::Ws(sink);
        let upgrade = Packet::control(Body::Upgrade).with_rx(rx);
        self.shared.send_on(&mut up, &[upgrade]).await?;
        let replay = self.shared.replay();
        self.shared.send_on(&mut up, &replay).await
    }

    async fn probe(&self) -> Result<WsStream, ClientError> {
        let rx = self.rx();
        let path = format!(
            "{}/websocket?sid={}&rx={rx}",
            self.shared.prefix,
            self.sid()
        );
        let headers = self.shared.header_refs();
        ws_connect_with(&*self.shared.dialer, self.timeout(), &path, &headers)
            .await?
            .into_ws()
    }

    /// Re-attaches the session on `transport` after its downlink was lost (cut by the server,
    /// or by [`cut_websocket`](Self::cut_websocket)): the downlink is requested with `rx`,
    /// then unacknowledged packets are sent again. For `websocket` this is
    /// [`upgrade_to_websocket`](Self::upgrade_to_websocket), which the protocol also uses for
    /// a client coming back on a websocket.
    pub async fn fall_back(&self, transport: TransportKind) -> Result<(), ClientError> {
        if transport == TransportKind::Websocket {
            return self.upgrade_to_websocket().await;
        }
        // Held throughout, so that no new packet overtakes the replay.
        let mut up = self.shared.lock_uplink().await?;
        *up = Uplink::Http;
        let (gen, _rx) = self.new_generation(transport);
        self.shared.poll_gate.send_replace(true);
        self.add_task(attach_http(&self.shared, gen, transport).await?);
        let replay = self.shared.replay();
        self.shared.send_on(&mut up, &replay).await
    }

    /// Drops the websocket's connection without a close frame, as a dead network would.
    /// The session stays on the server until its grace period ends; continue with
    /// [`fall_back`](Self::fall_back).
    pub async fn cut_websocket(&self) -> Result<(), ClientError> {
        if self.transport() != TransportKind::Websocket {
            return Err(ClientError::Usage(format!(
                "cut_websocket on {}",
                self.transport()
            )));
        }
        self.cut_downlink().await
    }

    /// Drops every downlink connection of the client without notice (and the websocket
    /// uplink with it; the HTTP uplink keeps working). Until the next switch, receiving
    /// fails at once with [`ClientError::Disconnected`].
    pub async fn cut_downlink(&self) -> Result<(), ClientError> {
        let mut up = self.shared.lock_uplink().await?;
        if matches!(*up, Uplink::Ws(_)) {
            *up = Uplink::Closed("the websocket was cut");
        }
        let (gen, _) = self.new_generation(self.transport());
        self.shared.state.lock().ended =
            Some((gen, DownlinkEnd::Error("cut by the client".into())));
        for task in self.tasks.lock().drain(..) {
            task.abort();
        }
        Ok(())
    }

    /// Retires the current downlink: bumps the generation, sets the transport, forgets the
    /// old downlink's end; returns the new generation and the `rx` now reported.
    fn new_generation(&self, transport: TransportKind) -> (u64, u64) {
        let mut st = self.shared.state.lock();
        st.gen += 1;
        st.transport = transport;
        st.ended = None;
        (st.gen, st.recv.report())
    }
}
