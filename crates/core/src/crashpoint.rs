//! Named points in the money path where a test can stop the process.
//!
//! A crash test must prove that its kill landed where it is dangerous
//! (a sale journaled but not sent, an answer received but not recorded, a
//! close or a key rotation half done), not merely "while the process was
//! alive". Each such place calls [`reached`] with its name.
//!
//! Without the `test-hooks` feature [`reached`] is an empty inline
//! function: release packages (built per package, without the test crate)
//! carry no hook. With it (the test suite turns it on), a process started with
//! `MERCHANT_CRASH_POINT=<name>` (or `<name>#<n>` for the n-th time the
//! point is reached) writes the name to the file named by
//! `MERCHANT_CRASH_MARK` and then waits forever for the test's SIGKILL.
//! In-process tests (the simulation) install a [`set_handler`] instead,
//! which typically panics to unwind out of the operation like a crash.

/// A backup file is half written (to its temporary name).
pub const BACKUP_HALF_WRITTEN: &str = "backup.half_written";
/// A restore's files are staged; the keychain is not yet written.
pub const RESTORE_STAGED: &str = "restore.staged";
/// A restore's keys are in the keychain; its files are not yet in place.
pub const RESTORE_KEYCHAIN: &str = "restore.keychain";

/// Every point the money path marks, for tests that want to cover them all.
pub const POINTS: &[&str] = &[
    CHARGE_JOURNALED,
    CHARGE_ANSWERED,
    CHARGE_RECORDED,
    REFUND_JOURNALED,
    REFUND_ANSWERED,
    OP_JOURNALED,
    OP_ANSWERED,
    CLOSE_BEFORE_COMMIT,
    CLOSE_COMMITTED,
    ROTATION_BEGUN,
    ROTATION_BATCH,
    ROTATION_RESEALED,
];

/// A sale is in the journal; nothing has been sent.
pub const CHARGE_JOURNALED: &str = "charge.journaled";
/// The gateway answered the charge; the answer is not yet recorded.
pub const CHARGE_ANSWERED: &str = "charge.answered";
/// A charge's outcome is recorded in the cache; its audit entry is not
/// yet written.
pub const CHARGE_RECORDED: &str = "charge.recorded";
/// A refund is in the journal; nothing has been sent.
pub const REFUND_JOURNALED: &str = "refund.journaled";
/// The gateway answered the refund; the answer is not yet recorded.
pub const REFUND_ANSWERED: &str = "refund.answered";
/// A capture or void is in the journal; nothing has been sent.
pub const OP_JOURNALED: &str = "op.journaled";
/// The gateway answered a capture or void; the answer is not yet recorded.
pub const OP_ANSWERED: &str = "op.answered";
/// A Z report is written inside its transaction, not yet committed.
pub const CLOSE_BEFORE_COMMIT: &str = "close.before_commit";
/// A Z report is committed; its audit entry is not yet written.
pub const CLOSE_COMMITTED: &str = "close.committed";
/// A key rotation made its new key current; nothing is resealed yet.
pub const ROTATION_BEGUN: &str = "rotation.begun";
/// A key rotation committed one batch of resealed rows.
pub const ROTATION_BATCH: &str = "rotation.batch";
/// Every row is resealed; the old keys are not yet retired.
pub const ROTATION_RESEALED: &str = "rotation.resealed";

#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub fn reached(_point: &'static str) {}

#[cfg(feature = "test-hooks")]
pub use hooks::{reached, set_handler};

#[cfg(feature = "test-hooks")]
mod hooks {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Mutex, PoisonError};

    type Handler = Box<dyn Fn(&'static str) + Send + Sync>;
    static HANDLER: Mutex<Option<Handler>> = Mutex::new(None);
    static TIMES: AtomicU32 = AtomicU32::new(0);

    /// Calls `handler` at every point reached in this process (`None`
    /// removes it). The handler may panic to cut the operation short.
    pub fn set_handler(handler: Option<Handler>) {
        *HANDLER.lock().unwrap_or_else(PoisonError::into_inner) = handler;
    }

    pub fn reached(point: &'static str) {
        let handler = HANDLER.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(h) = handler.as_ref() {
            h(point);
            return;
        }
        drop(handler);
        let Ok(armed) = std::env::var("MERCHANT_CRASH_POINT") else {
            return;
        };
        let (name, nth) = match armed.split_once('#') {
            Some((name, n)) => (name.to_string(), n.parse::<u32>().unwrap_or(1)),
            None => (armed, 1),
        };
        if name != point || TIMES.fetch_add(1, Ordering::SeqCst) + 1 < nth {
            return;
        }
        if let Ok(mark) = std::env::var("MERCHANT_CRASH_MARK") {
            let _ = std::fs::write(mark, point);
        }
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}
