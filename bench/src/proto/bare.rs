//! The bare protocol of `bench-bare-server`: text frames `p:<payload>` (publish to everyone),
//! `m:<payload>` (what everyone receives), `e:<payload>` (echoed to the sender). No session, no
//! acks, no heartbeat: the ceiling a framework is measured against.

use std::sync::Arc;

use tokio_tungstenite::tungstenite::Message;

use super::{leading_u64, ws_close, ws_feed, ws_next, Item, Opts, Out};
use crate::error::Result;
use crate::net::{ws_connect, Target, Watchdog, Ws};

#[derive(Debug)]
pub(crate) struct BareWs {
    ws: Ws,
    dog: Watchdog,
}

/// What a bare frame says.
pub(crate) fn classify(frame: &[u8]) -> Option<Item> {
    if frame.starts_with(b"m:") {
        return Some(Item::Message);
    }
    let echoed = frame.strip_prefix(b"e:")?;
    Some(Item::Ack {
        id: 0,
        ts: leading_u64(echoed).map(|(ts, _)| ts),
        ok: true,
    })
}

pub(crate) fn encode(out: Out<'_>) -> String {
    match out {
        Out::Publish { payload, .. } => {
            let mut s = String::with_capacity(payload.len() + 2);
            s.push_str("p:");
            s.push_str(payload);
            s
        }
        Out::Echo { ts, .. } => format!("e:{ts}"),
    }
}

impl BareWs {
    pub(crate) async fn open(target: &Arc<Target>, opts: &Opts) -> Result<BareWs> {
        let ws = ws_connect(target, &target.prefix, opts.read.clone()).await?;
        Ok(BareWs {
            ws,
            dog: Watchdog::default(),
        })
    }

    pub(crate) fn ws(&mut self) -> &mut Ws {
        &mut self.ws
    }

    pub(crate) async fn recv(&mut self, sink: &mut impl FnMut(Item)) -> Result<()> {
        if let Message::Text(t) = ws_next(&mut self.ws, &mut self.dog).await? {
            if let Some(item) = classify(t.as_bytes()) {
                sink(item);
            }
        }
        Ok(())
    }

    pub(crate) async fn feed(&mut self, out: Out<'_>) -> Result<()> {
        ws_feed(&mut self.ws, encode(out)).await
    }

    pub(crate) async fn close(mut self) -> Result<()> {
        ws_close(&mut self.ws).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let p = encode(Out::Publish {
            payload: "xyz",
            ack: 3,
        });
        assert_eq!(p, "p:xyz");
        let e = encode(Out::Echo { ts: 99, ack: 1 });
        assert_eq!(e, "e:99");
        assert_eq!(
            classify(e.as_bytes()),
            Some(Item::Ack {
                id: 0,
                ts: Some(99),
                ok: true
            })
        );
        assert_eq!(classify(b"m:xyz"), Some(Item::Message));
        assert_eq!(classify(b"?"), None);
    }
}
