//! When a failed delivery is tried again, and when it is given up.

use std::time::Duration;

/// An exponential retry schedule with jitter.
///
/// The `n`th retry waits `first × factorⁿ⁻¹`, at most `max_delay`, each delay moved by up to
/// `jitter` of itself either way (so that deliveries that failed together do not all come back
/// together). A delivery whose attempt number reaches `max_attempts` and fails is dead.
///
/// The default (5 s, doubling, at most 10 h, 20 attempts) spreads the attempts over about three
/// days, as Stripe's and Standard Webhooks' senders do: [`RetrySchedule::span`] gives 71 h.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetrySchedule {
    /// The delay before the first retry.
    pub first: Duration,
    /// How much each delay grows over the one before.
    pub factor: f64,
    /// The longest delay.
    pub max_delay: Duration,
    /// The most attempts, the first included; at least 1.
    pub max_attempts: u32,
    /// How far a delay may move either way, as a fraction of itself (0 to 1).
    pub jitter: f64,
}

impl Default for RetrySchedule {
    fn default() -> Self {
        RetrySchedule {
            first: Duration::from_secs(5),
            factor: 2.0,
            max_delay: Duration::from_secs(10 * 3600),
            max_attempts: 20,
            jitter: 0.2,
        }
    }
}

impl RetrySchedule {
    /// The delay after failed attempt `attempt` (1 for the first), without jitter.
    pub fn nominal_delay(&self, attempt: u32) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let seconds = self.first.as_secs_f64() * self.factor.max(1.0).powi(exponent);
        let max = self.max_delay.as_secs_f64();
        Duration::from_secs_f64(if seconds.is_finite() {
            seconds.min(max)
        } else {
            max
        })
    }

    /// The delay after failed attempt `attempt`, with jitter.
    pub fn delay(&self, attempt: u32) -> Duration {
        let nominal = self.nominal_delay(attempt).as_secs_f64();
        let jitter = self.jitter.clamp(0.0, 1.0);
        let moved = nominal * (1.0 + jitter * (fastrand::f64() * 2.0 - 1.0));
        Duration::from_secs_f64(moved.max(0.0))
    }

    /// Whether a delivery whose attempt `attempt` failed may be tried again.
    pub fn allows_another(&self, attempt: u32) -> bool {
        attempt < self.max_attempts.max(1)
    }

    /// The time from the first attempt to the last, without jitter.
    pub fn span(&self) -> Duration {
        (1..self.max_attempts.max(1))
            .map(|attempt| self.nominal_delay(attempt))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_schedule_spans_about_three_days() {
        let span = RetrySchedule::default().span();
        assert!(
            (Duration::from_secs(60 * 3600)..Duration::from_secs(80 * 3600)).contains(&span),
            "{span:?}"
        );
    }

    #[test]
    fn delays_grow_by_the_factor_up_to_the_cap_and_jitter_stays_within_bounds() {
        let schedule = RetrySchedule {
            first: Duration::from_secs(2),
            factor: 3.0,
            max_delay: Duration::from_secs(50),
            max_attempts: 5,
            jitter: 0.5,
        };
        assert_eq!(schedule.nominal_delay(1), Duration::from_secs(2));
        assert_eq!(schedule.nominal_delay(2), Duration::from_secs(6));
        assert_eq!(schedule.nominal_delay(3), Duration::from_secs(18));
        assert_eq!(schedule.nominal_delay(4), Duration::from_secs(50));
        assert_eq!(schedule.nominal_delay(400), Duration::from_secs(50));
        for _ in 0..1000 {
            let delay = schedule.delay(2).as_secs_f64();
            assert!((3.0..=9.0).contains(&delay), "{delay}");
        }
        assert!(schedule.allows_another(4));
        assert!(!schedule.allows_another(5));
    }
}
