//! A touchpoint: one step of one customer journey, as the CX team sees it.
//!
//! Shared with the browser (the timeline renders these). Nothing here holds a password, a token
//! or text a customer typed: journeys, steps, outcomes and error codes are closed sets.
use serde::{Deserialize, Serialize};

/// Where the step happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Email,
    Staff,
    Api,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Web, Channel::Email, Channel::Staff, Channel::Api];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Email => "email",
            Channel::Staff => "staff",
            Channel::Api => "api",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}

/// How the step ended for the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    /// The customer's input was rejected (validation).
    Invalid,
    /// Not allowed: signed out, another account's data, throttled.
    Denied,
    /// Our fault: an error or an outage.
    Failed,
    /// Started and left unfinished.
    Abandoned,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [Outcome::Ok, Outcome::Invalid, Outcome::Denied, Outcome::Failed, Outcome::Abandoned];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Invalid => "invalid",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
            Outcome::Abandoned => "abandoned",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == raw)
    }

    /// The outcome an HTTP status stands for.
    pub fn from_status(status: u16) -> Self {
        match status {
            100..=399 => Outcome::Ok,
            400 | 413 | 422 => Outcome::Invalid,
            401 | 403 | 404 | 409 | 410 | 429 => Outcome::Denied,
            _ => Outcome::Failed,
        }
    }
}

/// A row of the journal is a step the customer took, or a signal the browser reported about a
/// step (a rage click, a client error, web vitals) that adds to that step's friction without
/// counting as another attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    Step,
    Signal,
}

impl RowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RowKind::Step => "step",
            RowKind::Signal => "signal",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [RowKind::Step, RowKind::Signal].into_iter().find(|k| k.as_str() == raw)
    }
}

/// Core web vitals of one page load, as the browser measured them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Vitals {
    /// Largest contentful paint.
    pub lcp_ms: Option<u32>,
    /// Interaction to next paint (the slowest interaction of the page).
    pub inp_ms: Option<u32>,
    /// Cumulative layout shift × 1000.
    pub cls_milli: Option<u32>,
}

/// Friction signals, as bits: a step can carry several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Signals(pub u32);

/// Each signal: its bit, its stable name, and its weight in the friction score (see
/// [`Signals::friction_score`]).
pub const SIGNALS: [(u32, &str, u32); 11] = [
    (1 << 0, "validation_error", 2),
    (1 << 1, "retry", 2),
    (1 << 2, "slow", 1),
    (1 << 3, "back_and_forth", 2),
    (1 << 4, "abandoned", 3),
    (1 << 5, "denied", 2),
    (1 << 6, "rage_click", 3),
    (1 << 7, "dead_click", 1),
    (1 << 8, "client_error", 2),
    (1 << 9, "form_abandoned", 3),
    (1 << 10, "failed", 3),
];

impl Signals {
    pub const VALIDATION_ERROR: Signals = Signals(1 << 0);
    pub const RETRY: Signals = Signals(1 << 1);
    pub const SLOW: Signals = Signals(1 << 2);
    pub const BACK_AND_FORTH: Signals = Signals(1 << 3);
    pub const ABANDONED: Signals = Signals(1 << 4);
    pub const DENIED: Signals = Signals(1 << 5);
    pub const RAGE_CLICK: Signals = Signals(1 << 6);
    pub const DEAD_CLICK: Signals = Signals(1 << 7);
    pub const CLIENT_ERROR: Signals = Signals(1 << 8);
    pub const FORM_ABANDONED: Signals = Signals(1 << 9);
    pub const FAILED: Signals = Signals(1 << 10);

    pub fn with(self, other: Signals) -> Signals {
        Signals(self.0 | other.0)
    }

    pub fn has(self, other: Signals) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn names(self) -> Vec<&'static str> {
        SIGNALS.iter().filter(|(bit, _, _)| self.0 & bit != 0).map(|(_, name, _)| *name).collect()
    }

    /// The friction of one touchpoint: the sum of its signals' weights. Weights say how much a
    /// signal costs the customer: an abandonment or a rage click (3) is worse than a slow page (1).
    pub fn friction_score(self) -> u32 {
        SIGNALS.iter().filter(|(bit, _, _)| self.0 & bit != 0).map(|(_, _, weight)| weight).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_outcomes() {
        assert_eq!(Outcome::from_status(200), Outcome::Ok);
        assert_eq!(Outcome::from_status(303), Outcome::Ok);
        assert_eq!(Outcome::from_status(422), Outcome::Invalid);
        assert_eq!(Outcome::from_status(401), Outcome::Denied);
        assert_eq!(Outcome::from_status(429), Outcome::Denied);
        assert_eq!(Outcome::from_status(500), Outcome::Failed);
        assert_eq!(Outcome::from_status(503), Outcome::Failed);
    }

    #[test]
    fn signals_combine_and_score() {
        let signals = Signals::VALIDATION_ERROR.with(Signals::RETRY).with(Signals::SLOW);
        assert!(signals.has(Signals::RETRY) && !signals.has(Signals::DENIED));
        assert_eq!(signals.names(), vec!["validation_error", "retry", "slow"]);
        assert_eq!(signals.friction_score(), 5);
        assert_eq!(Signals::default().friction_score(), 0);
        let bits: u32 = SIGNALS.iter().map(|(bit, _, _)| bit).sum();
        assert_eq!(bits.count_ones() as usize, SIGNALS.len(), "every signal has its own bit");
    }
}
