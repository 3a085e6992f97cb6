//! Progress bars on stderr, only when stderr is a terminal: a benchmark run by scripts/bench or
//! CI writes nothing but its summary line (stdout) and errors (stderr).

use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use tokio::task::JoinHandle;

/// A progress bar, or nothing. Cheap to clone (one bar shared by many tasks).
#[derive(Debug, Clone)]
pub(crate) struct Progress(Option<ProgressBar>);

impl Progress {
    pub(crate) fn new() -> Progress {
        Progress(std::io::stderr().is_terminal().then(ProgressBar::no_length))
    }

    /// Starts a counted phase: `what [====>   ] pos/len`.
    pub(crate) fn counted(&self, what: &str, len: u64) {
        if let Some(bar) = &self.0 {
            bar.reset();
            bar.set_length(len);
            bar.set_position(0);
            bar.set_style(
                ProgressStyle::with_template("{msg:>24} [{bar:40}] {pos}/{len} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_message(what.to_owned());
        }
    }

    pub(crate) fn inc(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    /// Starts a timed phase whose message `status` refreshes four times a second, until the
    /// returned task is aborted (or the phase changes).
    pub(crate) fn ticking(
        &self,
        what: &str,
        status: impl Fn() -> String + Send + 'static,
    ) -> Option<JoinHandle<()>> {
        let bar = self.0.clone()?;
        bar.reset();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(what.to_owned());
        Some(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(250));
            loop {
                tick.tick().await;
                bar.set_message(status());
                bar.tick();
            }
        }))
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
