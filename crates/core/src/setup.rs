//! A terminal that has been set up knows it.
//!
//! Staff accounts and the audit trail live in one file,
//! `terminal.sqlite3`, which anyone who can write the data folder can delete
//! or swap. Left alone, the terminal would then create an empty one, let
//! whoever is at the till become the owner (with the old sales and the live
//! gateway key) and start a fresh trail that verifies. So the OS keychain
//! keeps a *setup record* beside the master key ([`SetupRecord`]): the
//! terminal id, which trail this terminal keeps (the MAC of its first
//! entry), whether an owner exists, and the newest audit head, moved on
//! after every audit entry (sign-ins, charges, refunds, closes, settings:
//! everything the trail records) as long as the trail still holds the
//! head recorded before. The move happens on a thread of its own, so an
//! action does not wait for the keychain (see [`SetupGuard`]).
//!
//! Guarantees, checked each time the terminal opens:
//! - a setup record (or any cache) but no `terminal.sqlite3`: **stop**;
//! - a `terminal.sqlite3` whose trail starts differently from the recorded
//!   one, or with no staff although an owner was recorded: **stop**;
//! - a data folder from a version that kept no record gets one written
//!   from what it finds (an upgrade keeps working).
//!
//! A stop is [`SetupError::Missing`] or [`SetupError::Replaced`]: nothing
//! opens, nobody signs in, and the message says what to do. The same trail
//! cut short (its last entries deleted) still opens; *Verify* and
//! reconciliation report it against the recorded head and the gateway's
//! anchors (see [`crate::terminal::Terminal::verify_audit`]).
//!
//! The only way past a stop other than restoring the folder is
//! [`recover`]: it needs the gateway key kept in the keychain typed again
//! (something only the owner has), sets the replaced file aside, and starts
//! a new trail whose first entry records the recovery and the old head.

use std::sync::{mpsc, Arc, Mutex};

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::audit::{Action, Anchor, AuditLog, Event, Outcome};
use crate::auth::Staff;
use crate::config::{Home, Mode};
use crate::store::TerminalDb;
use crate::vault::keychain::SetupRecord;
use crate::vault::Keychain;

/// What to do, said once for every stop.
const WHAT_TO_DO: &str = "Nobody can sign in until they are back: restore the whole data folder from a backup. \
If there is no backup, the owner can start a new audit trail, proven by the gateway key kept on this terminal.";

/// Why the terminal stops at start-up, or refuses a recovery.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    #[error("This terminal's staff and audit records (terminal.sqlite3) are missing. {WHAT_TO_DO}")]
    Missing,
    #[error("This terminal's staff and audit records (terminal.sqlite3) were replaced by another file. {WHAT_TO_DO}")]
    Replaced,
    #[error("This terminal's records are in place: there is nothing to recover.")]
    NothingToRecover,
    #[error("No gateway key is kept on this terminal, so nothing proves who its owner is. Restore the data folder from a backup, or set up a new data folder.")]
    NoOwnerProof,
    #[error("That is not the gateway key kept on this terminal. Nothing was changed.")]
    ProofMismatch,
    #[error("Starting a new audit trail cannot be undone: run it again with --confirm.")]
    NotConfirmed,
    /// The keychain, the database or the trail underneath failed; the
    /// terminal reports these as it reports them anywhere else.
    #[error(transparent)]
    Keychain(#[from] crate::vault::KeychainError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
    #[error(transparent)]
    Staff(#[from] crate::auth::AuthError),
}

impl SetupError {
    /// A start-up stop (as opposed to a refused recovery).
    pub fn is_stop(&self) -> bool {
        matches!(self, Self::Missing | Self::Replaced)
    }
}

/// The open terminal's view of its setup record, kept current as the
/// trail grows.
///
/// Moving the head on is a Secret Service round trip (three D-Bus
/// connections, about 25 ms here), so it runs on a thread of its own
/// rather than inside the action that wrote the entry: a charge returns
/// once its entry is committed. The thread writes the newest head it has
/// been given (older ones are covered by it); [`SetupGuard::head`] and
/// dropping the guard wait for it, so a process that ends normally leaves
/// its last head in the keychain. A process killed in between leaves the
/// head of an earlier entry, as a kill between the entry and a synchronous
/// write would: the record is a lower bound on the trail, never ahead of it.
#[derive(Debug)]
pub struct SetupGuard {
    shared: Arc<Shared>,
    publisher: Option<Publisher>,
}

struct Shared {
    keychain: Keychain,
    home: Home,
    db: Arc<TerminalDb>,
    record: Mutex<SetupRecord>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("record", &self.record)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct Publisher {
    jobs: mpsc::Sender<Job>,
    thread: std::thread::JoinHandle<()>,
}

#[derive(Debug)]
enum Job {
    Head(Anchor),
    /// Answered once every head sent before it is written.
    Flush(mpsc::Sender<()>),
}

impl SetupGuard {
    /// Opens `terminal.sqlite3` if it is the one this terminal was set up
    /// with (see the module docs); writes the record on a terminal that has
    /// none yet.
    pub fn open(
        home: &Home,
        keychain: &Keychain,
        terminal_id: &str,
        audit: &AuditLog,
        staff: &Staff,
    ) -> Result<(Arc<TerminalDb>, Self), SetupError> {
        let path = home.terminal_db_path();
        let recorded = keychain.setup_record()?;
        let has_caches = [Mode::Training, Mode::Live]
            .iter()
            .any(|m| home.cache_path(*m).exists());
        if !path.exists() && (recorded.is_some() || has_caches) {
            tracing::error!("terminal database missing on a terminal that was set up");
            return Err(SetupError::Missing);
        }
        let db = Arc::new(TerminalDb::open(&path)?);
        let genesis = AuditLog::mac_at(&db, 1)?;
        let has_staff = staff.has_staff(&db)?;
        let record = match recorded {
            Some(r) => {
                let other_trail = match (&r.genesis, &genesis) {
                    (Some(kept), Some(found)) => kept != found,
                    (Some(_), None) => true,
                    (None, _) => false,
                };
                if r.terminal_id != terminal_id || other_trail || (r.owner && !has_staff) {
                    tracing::error!("terminal database replaced: another trail or no staff");
                    return Err(SetupError::Replaced);
                }
                r
            }
            None => {
                // A new terminal, or one set up before the record existed.
                let r = SetupRecord {
                    terminal_id: terminal_id.to_string(),
                    genesis,
                    head: audit.head(&db)?.map(|a| a.encode()),
                    owner: has_staff,
                    trail_since_ms: 0,
                    restored_gaps: Vec::new(),
                };
                keychain.store_setup_record(&r)?;
                tracing::info!(owner = has_staff, "setup record written");
                r
            }
        };
        let shared = Arc::new(Shared {
            keychain: keychain.clone(),
            home: home.clone(),
            db: Arc::clone(&db),
            record: Mutex::new(record),
        });
        let (jobs, queue) = mpsc::channel();
        let worker = Arc::clone(&shared);
        let publisher = std::thread::Builder::new()
            .name("audit-head".into())
            .spawn(move || worker.run(&queue))
            .map(|thread| Publisher { jobs, thread })
            .map_err(|e| tracing::warn!(error = %e, "no audit-head thread; heads are written inline"))
            .ok();
        Ok((db, Self { shared, publisher }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SetupRecord> {
        self.shared.lock()
    }

    /// Moves the recorded head on to `anchor` (just appended), on the
    /// publishing thread; see [`Shared::publish`].
    pub fn note(&self, anchor: &Anchor) {
        let sent = self
            .publisher
            .as_ref()
            .is_some_and(|p| p.jobs.send(Job::Head(anchor.clone())).is_ok());
        if !sent {
            self.shared.publish(anchor);
        }
    }

    /// Waits until every head noted so far is in the keychain.
    pub fn flush(&self) {
        let Some(p) = &self.publisher else { return };
        let (done, written) = mpsc::channel();
        if p.jobs.send(Job::Flush(done)).is_ok() {
            let _ = written.recv();
        }
    }

    /// Records that the owner's account exists: from now on a staff table
    /// without anyone in it is a replaced database.
    pub fn owner_created(&self) -> Result<(), SetupError> {
        let mut r = self.lock();
        r.owner = true;
        self.shared.keychain.store_setup_record(&r)?;
        Ok(())
    }

    /// Whether an owner was recorded (a second one is never created).
    pub fn has_owner(&self) -> bool {
        self.lock().owner
    }

    /// The newest head the keychain holds (read afresh: another process
    /// may have moved it on), once this process's own heads are written.
    pub fn head(&self) -> Option<Anchor> {
        self.flush();
        let kept = self.shared.keychain.setup_record().ok().flatten();
        let r = self.lock();
        kept.filter(|k| k.terminal_id == r.terminal_id)
            .and_then(|k| k.head)
            .or_else(|| r.head.clone())
            .as_deref()
            .and_then(Anchor::decode)
    }

    /// When the current trail began: anchors written before belong to a
    /// trail a recovery replaced.
    pub fn trail_since_ms(&self) -> i64 {
        self.lock().trail_since_ms
    }

    /// Records a restore of a backup made at `backup_made_ms`: what the
    /// gateway was told between then and `now_ms` came from entries the
    /// backup does not hold.
    pub fn restored(&self, backup_made_ms: i64, now_ms: i64) -> Result<(), SetupError> {
        let mut r = self.lock();
        // The gateway dates its records to the second: one made in the
        // backup's own second may already be the old machine's, after it.
        r.restored_gaps.push((backup_made_ms - 1_000, now_ms));
        self.shared.keychain.store_setup_record(&r)?;
        Ok(())
    }

    /// Whether an anchor the gateway got at `created_ms` belongs to this
    /// trail as it stands (not to one a recovery replaced, nor to entries
    /// lost between a backup and its restore).
    pub fn anchors_trail(&self, created_ms: i64) -> bool {
        let r = self.lock();
        created_ms >= r.trail_since_ms
            && !r
                .restored_gaps
                .iter()
                .any(|(from, to)| (*from..*to).contains(&created_ms))
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, SetupRecord> {
        self.record.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The publishing thread: writes the newest head of each batch, then
    /// answers the flushes that came with it. Ends when the guard drops
    /// its sender, after the queue is empty.
    fn run(&self, queue: &mpsc::Receiver<Job>) {
        while let Ok(first) = queue.recv() {
            let mut newest: Option<Anchor> = None;
            let mut waiting = Vec::new();
            for job in std::iter::once(first).chain(queue.try_iter()) {
                match job {
                    Job::Head(a) if newest.as_ref().is_none_or(|n| a.seq > n.seq) => newest = Some(a),
                    Job::Head(_) => {}
                    Job::Flush(done) => waiting.push(done),
                }
            }
            if let Some(anchor) = newest {
                self.publish(&anchor);
            }
            for done in waiting {
                let _ = done.send(());
            }
        }
    }

    /// Moves the recorded head on to `anchor`, but only while the trail
    /// still holds the recorded head unchanged: a trail cut back behind
    /// the terminal's back must not erase the evidence by growing again. A
    /// failed write only leaves an older head in the keychain, so it is
    /// logged, not raised: the action it follows has already happened.
    fn publish(&self, anchor: &Anchor) {
        let mut r = self.lock();
        // One process at a time reads, moves on and writes the record: the
        // app and several `merchantctl` runs share it, and the Secret
        // Service is not built for a crowd of concurrent writers.
        let _one_writer = match self.home.lock_setup() {
            Ok(lock) => lock,
            Err(e) => {
                tracing::warn!(error = %e, "the setup record could not be locked; not updated");
                return;
            }
        };
        // Another process (the app and merchantctl) may have moved it on.
        if let Ok(Some(kept)) = self.keychain.setup_record() {
            if kept.terminal_id == r.terminal_id {
                *r = kept;
            }
        }
        if let Some(head) = r.head.as_deref().and_then(Anchor::decode) {
            let reached = AuditLog::mac_at(&self.db, head.seq).ok().flatten().as_deref() == Some(head.mac.as_str());
            if head.seq >= anchor.seq || !reached {
                if !reached {
                    tracing::warn!(
                        recorded = head.seq,
                        "the audit trail no longer reaches the recorded head"
                    );
                }
                return;
            }
        }
        if r.genesis.is_none() {
            r.genesis = if anchor.seq == 1 {
                Some(anchor.mac.clone())
            } else {
                AuditLog::mac_at(&self.db, 1).ok().flatten()
            };
        }
        r.head = Some(anchor.encode());
        if let Err(e) = self.keychain.update_setup_record(&r) {
            tracing::warn!(error = %e, "the setup record could not be updated");
        }
    }
}

impl Drop for SetupGuard {
    /// The last heads reach the keychain before the terminal closes.
    fn drop(&mut self) {
        if let Some(Publisher { jobs, thread }) = self.publisher.take() {
            drop(jobs);
            let _ = thread.join();
        }
    }
}

/// What a recovery did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Recovered {
    /// `missing` or `replaced`.
    pub reason: String,
    /// The head the keychain held for the lost trail.
    pub previous_head: Option<String>,
    /// Where a replaced file was set aside.
    pub set_aside: Option<String>,
    /// The new trail's first entry (`seq:mac`).
    pub head: String,
}

/// Starts a new trail on a terminal stopped by a missing or replaced
/// `terminal.sqlite3`. `gateway_key` must be the key kept in the keychain
/// (compared by SHA-256 digest, never echoed). Afterwards the terminal opens
/// with no staff: the owner creates their account again.
pub fn recover(
    home: &Home,
    keychain: &Keychain,
    terminal_id: &str,
    audit: &AuditLog,
    staff: &Staff,
    gateway_key: &SecretString,
) -> Result<Recovered, SetupError> {
    let reason = match SetupGuard::open(home, keychain, terminal_id, audit, staff) {
        Ok(_) => return Err(SetupError::NothingToRecover),
        Err(SetupError::Missing) => "missing",
        Err(SetupError::Replaced) => "replaced",
        Err(e) => return Err(e),
    };
    let kept = keychain
        .secret(crate::counter::GATEWAY_KEY)?
        .ok_or(SetupError::NoOwnerProof)?;
    let digest = |k: &SecretString| Sha256::digest(k.expose_secret().trim().as_bytes());
    if digest(&kept) != digest(gateway_key) {
        tracing::warn!("setup recovery refused: the gateway key did not match");
        return Err(SetupError::ProofMismatch);
    }
    let previous_head = keychain.setup_record()?.and_then(|r| r.head);
    let now = crate::clock::now_ms();
    let path = home.terminal_db_path();
    let mut set_aside = None;
    if path.exists() {
        let aside = home.root().join(format!("terminal-replaced-{now}.sqlite3"));
        for suffix in ["", "-wal", "-shm"] {
            let from = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if from.exists() {
                let to = std::path::PathBuf::from(format!("{}{suffix}", aside.display()));
                std::fs::rename(&from, &to).map_err(|e| crate::store::StoreError::Database(e.kind().to_string()))?;
            }
        }
        set_aside = Some(aside.display().to_string());
    }
    let db = TerminalDb::open(&path)?;
    let detail = format!(
        "reason={reason} previous_head={}",
        previous_head.as_deref().unwrap_or("none")
    );
    let anchor = audit.record(
        &db,
        &Event {
            actor: None,
            action: Action::SetupRecovered,
            object: None,
            outcome: Outcome::Ok,
            detail: Some(&detail),
        },
    )?;
    keychain.store_setup_record(&SetupRecord {
        terminal_id: terminal_id.to_string(),
        genesis: Some(anchor.mac.clone()),
        head: Some(anchor.encode()),
        owner: false,
        trail_since_ms: now,
        restored_gaps: Vec::new(),
    })?;
    tracing::warn!(reason, "setup recovered: a new audit trail was started");
    Ok(Recovered {
        reason: reason.into(),
        previous_head,
        set_aside,
        head: anchor.encode(),
    })
}
