//! Locking that survives a panic elsewhere.
//!
//! Every mutex in this crate guards state that stays consistent between statements (a
//! cache entry, a counter, a queue), so a thread that panicked while holding one leaves
//! nothing half-written that a later reader could trip over. Taking the guard of a
//! poisoned mutex is therefore safe here, and better than turning one panic into many.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `m`, taking the guard even if another thread panicked while holding it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
