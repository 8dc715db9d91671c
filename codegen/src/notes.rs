//! What the conversion had to give up, collected once and reported briefly.

use std::collections::BTreeMap;

/// Lossy conversions, grouped by kind, each with the places it happened.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Notes {
    items: BTreeMap<String, Vec<String>>,
}

impl Notes {
    /// Records that `what` happened at JSON pointer `at`.
    pub fn add(&mut self, what: impl Into<String>, at: impl Into<String>) {
        self.items.entry(what.into()).or_default().push(at.into());
    }

    /// Adds every note of `other`.
    pub fn extend(&mut self, other: Notes) {
        for (what, places) in other.items {
            self.items.entry(what).or_default().extend(places);
        }
    }

    /// True when nothing was lost.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// One line per kind: what, how many places, and the first place.
    pub fn summary(&self) -> Vec<String> {
        self.items
            .iter()
            .map(|(what, places)| match places.len() {
                1 => format!("{what} at {}", places[0]),
                n => format!("{what} at {n} places (first: {})", places[0]),
            })
            .collect()
    }

    /// The kinds recorded, for tests.
    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.items.keys().map(String::as_str)
    }
}
