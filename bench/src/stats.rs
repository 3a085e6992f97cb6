//! Counters shared by client tasks, and latency percentiles.
//!
//! Hot paths never lock: a task adds to a [`Counter`] once per frame or response it reads
//! (not once per event), and latency samples go to a task-local `Vec<u32>` reserved up front,
//! merged into one HDR histogram only when the run is over.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use hdrhistogram::Histogram;

use crate::error::{Error, Result};

/// An atomic counter alone on its cache line, so that two counters updated by different
/// threads do not slow each other down.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    pub(crate) fn add(&self, n: u64) -> u64 {
        self.0.fetch_add(n, Ordering::Relaxed) + n
    }

    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Microseconds since the first call in this process: the timestamps that latency probes
/// carry in their payload and read back from the echo.
pub(crate) fn now_us() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// Latency percentiles, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Percentiles {
    pub(crate) count: u64,
    pub(crate) p50: u64,
    pub(crate) p90: u64,
    pub(crate) p99: u64,
    pub(crate) p999: u64,
    pub(crate) max: u64,
    pub(crate) mean: f64,
}

/// An HDR histogram of microsecond samples from 1 µs to 10 minutes, at 3 significant digits
/// (every reported value is within 0.1% of the true one).
#[derive(Debug)]
pub(crate) struct Latencies(Histogram<u64>);

impl Latencies {
    const MAX_US: u64 = 600_000_000;

    pub(crate) fn new() -> Result<Latencies> {
        Histogram::new_with_bounds(1, Self::MAX_US, 3)
            .map(Latencies)
            .map_err(|e| Error(format!("histogram: {e:?}")))
    }

    /// Records samples; a sample of 0 counts as 1 µs, one past the bound as the bound.
    pub(crate) fn record_all(&mut self, samples: &[u32]) {
        for &s in samples {
            // Clamped into the bounds above, so recording cannot fail.
            let _ = self.0.record(u64::from(s).clamp(1, Self::MAX_US));
        }
    }

    pub(crate) fn percentiles(&self) -> Percentiles {
        let h = &self.0;
        let at = |q: f64| {
            if h.is_empty() {
                0
            } else {
                h.value_at_quantile(q)
            }
        };
        Percentiles {
            count: h.len(),
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            p999: at(0.999),
            max: if h.is_empty() { 0 } else { h.max() },
            mean: if h.is_empty() { 0.0 } else { h.mean() },
        }
    }
}

/// Clamps a duration in microseconds into a sample.
pub(crate) fn sample(us: u64) -> u32 {
    u32::try_from(us).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within(value: u64, expected: u64) -> bool {
        value.abs_diff(expected) * 1000 <= expected
    }

    #[test]
    fn percentiles_of_a_uniform_range() {
        let samples: Vec<u32> = (1..=10_000).collect();
        let mut l = Latencies::new().unwrap();
        l.record_all(&samples);
        let p = l.percentiles();
        assert_eq!(p.count, 10_000);
        assert!(within(p.p50, 5_000), "{p:?}");
        assert!(within(p.p90, 9_000), "{p:?}");
        assert!(within(p.p99, 9_900), "{p:?}");
        assert!(within(p.p999, 9_990), "{p:?}");
        assert!(within(p.max, 10_000), "{p:?}");
        assert!((p.mean - 5_000.5).abs() < 10.0, "{p:?}");
    }

    #[test]
    fn tail_percentiles_see_rare_outliers() {
        // 99.8% fast, 0.2% slow: p99 is fast, p99.9 is slow.
        let mut samples = vec![100u32; 9_980];
        samples.extend([50_000u32; 20]);
        let mut l = Latencies::new().unwrap();
        l.record_all(&samples);
        let p = l.percentiles();
        assert!(within(p.p50, 100) && within(p.p99, 100), "{p:?}");
        assert!(within(p.p999, 50_000) && within(p.max, 50_000), "{p:?}");
    }

    #[test]
    fn empty_and_out_of_range_samples() {
        let mut l = Latencies::new().unwrap();
        assert_eq!(l.percentiles().p99, 0);
        l.record_all(&[0, u32::MAX]);
        let p = l.percentiles();
        assert_eq!(p.count, 2);
        assert_eq!(p.p50, 1);
        assert!(within(p.max, Latencies::MAX_US), "{p:?}");
    }

    #[test]
    fn counters_add_and_clamp() {
        let c = Counter::default();
        assert_eq!(c.add(3), 3);
        assert_eq!(c.add(4), 7);
        assert_eq!(c.get(), 7);
        assert_eq!(sample(u64::MAX), u32::MAX);
        assert!(now_us() <= now_us());
    }
}
