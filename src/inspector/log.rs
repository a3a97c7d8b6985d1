//! The page's log of exchanges, as the transport captured them (already
//! redacted): oldest first, capped, and a session's entries dropped when it
//! ends (`components::state` calls [`forget`] wherever a session is removed).

use std::sync::Arc;

use leptos::prelude::*;

use super::capture::Exchange;
use crate::providers::ProviderId;

/// The most exchanges kept; the oldest go first.
pub const CAP: usize = 40;

/// One logged exchange with a page-unique id (the views key their rows by it).
pub struct Entry {
    pub id: u64,
    pub exchange: Exchange,
}

thread_local! {
    static LOG: ArcRwSignal<Vec<Arc<Entry>>> = ArcRwSignal::new(Vec::new());
    static NEXT_ID: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

pub fn record(exchange: Exchange) {
    let id = NEXT_ID.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    LOG.with(|log| {
        log.update(|entries| {
            entries.push(Arc::new(Entry { id, exchange }));
            let over = entries.len().saturating_sub(CAP);
            entries.drain(..over);
        })
    });
}

/// Drops every exchange with `provider` at `base_url` (when that session ends).
pub fn forget(provider: ProviderId, base_url: &str) {
    let ours = |e: &Entry| e.exchange.provider == provider && e.exchange.url.starts_with(base_url);
    LOG.with(|log| {
        if log.with_untracked(|entries| entries.iter().any(|e| ours(e))) {
            log.update(|entries| entries.retain(|e| !ours(e)));
        }
    });
}

/// The log, to read reactively.
pub fn entries() -> ArcRwSignal<Vec<Arc<Entry>>> {
    LOG.with(Clone::clone)
}
