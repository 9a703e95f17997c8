//! The audit trail: every money or privilege action, append-only and
//! tamper-evident.
//!
//! Each entry carries `mac = HMAC-SHA256(audit key, prev_mac ‖ seq ‖ fields)`,
//! the audit key being an HKDF subkey of the master key (so only this
//! terminal can extend the chain). [`AuditLog::verify`] recomputes the chain
//! and reports the first broken link: an edited, deleted, reordered or
//! inserted entry breaks it. Truncation of the tail keeps a valid chain, so
//! the head ([`Anchor`]) is also written off the machine (into each charge's
//! gateway metadata and each support bundle); verifying against an anchor
//! detects a log that ends before it.
//!
//! Details never hold secrets or card data: callers pass ids, codes and
//! amounts only, never what a person typed (a sign-in name is recorded as
//! the account's id, or [`UNKNOWN_STAFF`]; a refusal as its error code).
//! As a second line, [`AuditLog::record`] passes the object and detail
//! through the log redactor ([`crate::logging::redact`]: card numbers in any
//! spelling, keys, emails, control characters) and caps their length, so
//! nothing typed reaches the trail, the audit viewer or a support bundle
//! in the clear even if a caller slips.

use hmac::{Hmac, Mac};
use rusqlite::params;
use secrecy::{ExposeSecret, SecretBox};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use ts_rs::TS;

use crate::clock::now_ms;
use crate::store::{StoreError, TerminalDb};

/// What happened. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum), value(rename_all = "snake_case"))]
pub enum Action {
    SignIn,
    SignOut,
    PinFailed,
    Lockout,
    Unlock,
    Charge,
    Capture,
    Void,
    Refund,
    RefundApproval,
    ResolveInDoubt,
    GatewayKeySet,
    GatewayKeyRemoved,
    GatewayConfigured,
    ModeSwitch,
    StaffCreated,
    StaffChanged,
    SettingsChanged,
    Export,
    PermissionDenied,
    CloseDay,
    ReportExport,
    ReconcileImport,
    ReceiptEmailed,
    CacheKeyRotated,
    SupportRecipientsChanged,
    /// The owner started a new trail after the old one was lost.
    SetupRecovered,
    /// A recovery kit was issued (or re-issued).
    RecoveryKitIssued,
    /// A sealed backup was written.
    BackupMade,
    /// This terminal was restored from a backup (on this machine or a new one).
    Restored,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignOut => "sign_out",
            Self::PinFailed => "pin_failed",
            Self::Lockout => "lockout",
            Self::Unlock => "unlock",
            Self::Charge => "charge",
            Self::Capture => "capture",
            Self::Void => "void",
            Self::Refund => "refund",
            Self::RefundApproval => "refund_approval",
            Self::ResolveInDoubt => "resolve_in_doubt",
            Self::GatewayKeySet => "gateway_key_set",
            Self::GatewayKeyRemoved => "gateway_key_removed",
            Self::GatewayConfigured => "gateway_configured",
            Self::ModeSwitch => "mode_switch",
            Self::StaffCreated => "staff_created",
            Self::StaffChanged => "staff_changed",
            Self::SettingsChanged => "settings_changed",
            Self::Export => "export",
            Self::PermissionDenied => "permission_denied",
            Self::CloseDay => "close_day",
            Self::ReportExport => "report_export",
            Self::ReconcileImport => "reconcile_import",
            Self::ReceiptEmailed => "receipt_emailed",
            Self::CacheKeyRotated => "cache_key_rotated",
            Self::SupportRecipientsChanged => "support_recipients_changed",
            Self::SetupRecovered => "setup_recovered",
            Self::RecoveryKitIssued => "recovery_kit_issued",
            Self::BackupMade => "backup_made",
            Self::Restored => "restored",
        }
    }
}

/// How an action ended. Stored as its snake_case name ([`Outcome::as_str`]);
/// the stored word is what the chain's MAC covers, so a word never changes
/// meaning and entries written by earlier versions read the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum), value(rename_all = "snake_case"))]
pub enum Outcome {
    Ok,
    /// Refused by a permission or a manager's decision.
    Denied,
    /// Refused by a rule (a limit, a state that does not allow it).
    Refused,
    /// The gateway refused what was given (a key).
    Rejected,
    Failed,
    RateLimited,
    NeedsApproval,
    LimitReached,
    /// A stored key was bound to this terminal's settings.
    Bound,
    Locked,
    SlowDown,
    /// A session ended by the idle lock.
    Idle,
    /// A session ended because its account is no longer active.
    NoLongerActive,
    /// Put on the trail after the fact (a crash between the act and its entry).
    Recovered,
    // A sale's or refund's status, as recovery or an operation left it.
    Pending,
    InDoubt,
    Approved,
    Authorized,
    Declined,
    Cancelled,
    Voided,
    Captured,
    Refunded,
    Succeeded,
    CaptureOrVoidNotDone,
    AuthorisationExpired,
}

impl Outcome {
    pub const ALL: [Self; 26] = [
        Self::Ok,
        Self::Denied,
        Self::Refused,
        Self::Rejected,
        Self::Failed,
        Self::RateLimited,
        Self::NeedsApproval,
        Self::LimitReached,
        Self::Bound,
        Self::Locked,
        Self::SlowDown,
        Self::Idle,
        Self::NoLongerActive,
        Self::Recovered,
        Self::Pending,
        Self::InDoubt,
        Self::Approved,
        Self::Authorized,
        Self::Declined,
        Self::Cancelled,
        Self::Voided,
        Self::Captured,
        Self::Refunded,
        Self::Succeeded,
        Self::CaptureOrVoidNotDone,
        Self::AuthorisationExpired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Denied => "denied",
            Self::Refused => "refused",
            Self::Rejected => "rejected",
            Self::Failed => "failed",
            Self::RateLimited => "rate_limited",
            Self::NeedsApproval => "needs_approval",
            Self::LimitReached => "limit_reached",
            Self::Bound => "bound",
            Self::Locked => "locked",
            Self::SlowDown => "slow_down",
            Self::Idle => "idle",
            Self::NoLongerActive => "no_longer_active",
            Self::Recovered => "recovered",
            Self::Pending => "pending",
            Self::InDoubt => "in_doubt",
            Self::Approved => "approved",
            Self::Authorized => "authorized",
            Self::Declined => "declined",
            Self::Cancelled => "cancelled",
            Self::Voided => "voided",
            Self::Captured => "captured",
            Self::Refunded => "refunded",
            Self::Succeeded => "succeeded",
            Self::CaptureOrVoidNotDone => "capture_or_void_not_done",
            Self::AuthorisationExpired => "authorisation_expired",
        }
    }

    /// The outcome a stored word names, if it names one.
    pub fn from_stored(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == word)
    }
}

impl From<crate::store::SaleStatus> for Outcome {
    fn from(status: crate::store::SaleStatus) -> Self {
        use crate::store::SaleStatus as S;
        match status {
            S::Pending => Self::Pending,
            S::Authorized => Self::Authorized,
            S::Approved => Self::Approved,
            S::Declined => Self::Declined,
            S::Failed => Self::Failed,
            S::Cancelled => Self::Cancelled,
            S::InDoubt => Self::InDoubt,
            S::Voided => Self::Voided,
        }
    }
}

impl From<crate::store::RefundStatus> for Outcome {
    fn from(status: crate::store::RefundStatus) -> Self {
        use crate::store::RefundStatus as R;
        match status {
            R::Pending => Self::Pending,
            R::Succeeded => Self::Succeeded,
            R::Failed => Self::Failed,
            R::InDoubt => Self::InDoubt,
        }
    }
}

/// The object of a sign-in (or staff change) whose typed name matches no
/// account: a fixed marker, never the typed text.
pub const UNKNOWN_STAFF: &str = "unknown_name";

/// Longest object and detail kept, in characters (after redaction).
const MAX_OBJECT_CHARS: usize = 100;
const MAX_DETAIL_CHARS: usize = 500;

/// What the trail keeps of a caller's text: redacted first (so a card
/// number is masked whole, never cut into a shorter run that would pass),
/// then capped.
fn kept(text: &str, max: usize) -> String {
    let clean = crate::logging::redact(text);
    if clean.chars().nth(max).is_none() {
        return clean;
    }
    let mut out: String = clean.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// One thing to record. `actor` is a staff id (or `None` before sign-in).
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub actor: Option<&'a str>,
    pub action: Action,
    pub object: Option<&'a str>,
    pub outcome: Outcome,
    pub detail: Option<&'a str>,
}

/// What the owner's audit viewer filters on; `None` matches anything.
#[derive(Debug, Clone)]
pub struct AuditFilter {
    pub action: Option<Action>,
    /// A staff id.
    pub actor: Option<String>,
    pub outcome: Option<Outcome>,
    pub since_ms: i64,
    pub until_ms: i64,
    pub limit: u32,
}

/// An entry as stored.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub seq: i64,
    #[ts(type = "number")]
    pub at_ms: i64,
    pub actor: Option<String>,
    pub action: String,
    pub object: Option<String>,
    pub outcome: String,
    pub origin: String,
    pub detail: Option<String>,
}

impl AuditEntry {
    /// Reads `seq, at_ms, actor, action, object, outcome, origin, detail`.
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            seq: r.get(0)?,
            at_ms: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            object: r.get(4)?,
            outcome: r.get(5)?,
            origin: r.get(6)?,
            detail: r.get(7)?,
        })
    }
}

/// The chain's head: written off the machine so truncation shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub seq: i64,
    /// Hex of the head entry's MAC.
    pub mac: String,
}

impl Anchor {
    /// `seq:mac`, the form carried in gateway metadata and bundles.
    pub fn encode(&self) -> String {
        format!("{}:{}", self.seq, self.mac)
    }

    pub fn decode(s: &str) -> Option<Self> {
        let (seq, mac) = s.split_once(':')?;
        Some(Self {
            seq: seq.parse().ok()?,
            mac: mac.to_string(),
        })
    }
}

/// The result of verifying the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Verification {
    Intact {
        #[ts(type = "number")]
        entries: i64,
    },
    /// The first entry whose MAC does not follow from the one before it.
    BrokenAt {
        #[ts(type = "number")]
        seq: i64,
    },
    /// The log ends before (or differs at) the anchor taken earlier.
    Truncated {
        #[ts(type = "number")]
        anchor_seq: i64,
        #[ts(type = "number")]
        last_seq: i64,
    },
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for AuditError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(e.into())
    }
}

pub struct AuditLog {
    key: SecretBox<[u8; 32]>,
    origin: String,
}

impl AuditLog {
    /// `origin` is this terminal's id, recorded on every entry.
    pub fn new(key: SecretBox<[u8; 32]>, origin: String) -> Self {
        Self { key, origin }
    }

    fn mac(&self, prev: &[u8], e: &AuditEntry) -> Vec<u8> {
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(self.key.expose_secret()) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC accepts any key length"),
        };
        mac.update(b"merchant-terminal/audit/v1");
        mac.update(prev);
        mac.update(&e.seq.to_le_bytes());
        mac.update(&e.at_ms.to_le_bytes());
        for field in [
            e.actor.as_deref(),
            Some(e.action.as_str()),
            e.object.as_deref(),
            Some(e.outcome.as_str()),
            Some(e.origin.as_str()),
            e.detail.as_deref(),
        ] {
            match field {
                Some(f) => {
                    mac.update(&[1]);
                    mac.update(&(f.len() as u64).to_le_bytes());
                    mac.update(f.as_bytes());
                }
                None => mac.update(&[0]),
            }
        }
        mac.finalize().into_bytes().to_vec()
    }

    /// Appends one entry, chained to the current head, in one transaction.
    pub fn record(&self, db: &TerminalDb, event: &Event<'_>) -> Result<Anchor, AuditError> {
        let mut conn = db.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (prev_seq, prev_mac): (i64, Vec<u8>) = tx
            .query_row("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap_or((0, Vec::new()));
        let entry = AuditEntry {
            seq: prev_seq + 1,
            at_ms: now_ms(),
            actor: event.actor.map(|a| kept(a, MAX_OBJECT_CHARS)),
            action: event.action.as_str().to_string(),
            object: event.object.map(|o| kept(o, MAX_OBJECT_CHARS)),
            outcome: event.outcome.as_str().to_string(),
            origin: self.origin.clone(),
            detail: event.detail.map(|d| kept(d, MAX_DETAIL_CHARS)),
        };
        let mac = self.mac(&prev_mac, &entry);
        tx.execute(
            "INSERT INTO audit (seq, at_ms, actor, action, object, outcome, origin, detail, mac)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                entry.seq,
                entry.at_ms,
                entry.actor,
                entry.action,
                entry.object,
                entry.outcome,
                entry.origin,
                entry.detail,
                mac
            ],
        )?;
        tx.commit()?;
        Ok(Anchor {
            seq: entry.seq,
            mac: hex::encode(mac),
        })
    }

    /// The current head, if any entry exists.
    pub fn head(&self, db: &TerminalDb) -> Result<Option<Anchor>, AuditError> {
        let conn = db.conn();
        let mut stmt = conn.prepare_cached("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1")?;
        let mut rows = stmt.query([])?;
        Ok(match rows.next()? {
            Some(r) => Some(Anchor {
                seq: r.get(0)?,
                mac: hex::encode(r.get::<_, Vec<u8>>(1)?),
            }),
            None => None,
        })
    }

    /// Recomputes the chain from the first entry; with an `anchor`, also
    /// checks the log still reaches it unchanged.
    pub fn verify(&self, db: &TerminalDb, anchor: Option<&Anchor>) -> Result<Verification, AuditError> {
        let conn = db.conn();
        let mut stmt = conn.prepare(
            "SELECT seq, at_ms, actor, action, object, outcome, origin, detail, mac FROM audit ORDER BY rowid",
        )?;
        let mut rows = stmt.query([])?;
        let mut prev: Vec<u8> = Vec::new();
        let mut expected_seq = 1;
        let mut anchor_ok = anchor.is_none();
        let mut last_seq = 0;
        while let Some(r) = rows.next()? {
            let e = AuditEntry::from_row(r)?;
            let stored: Vec<u8> = r.get(8)?;
            if e.seq != expected_seq || self.mac(&prev, &e) != stored {
                return Ok(Verification::BrokenAt { seq: expected_seq });
            }
            if let Some(a) = anchor {
                if a.seq == e.seq {
                    anchor_ok = a.mac == hex::encode(&stored);
                }
            }
            prev = stored;
            last_seq = e.seq;
            expected_seq += 1;
        }
        match anchor {
            Some(a) if !anchor_ok => Ok(Verification::Truncated {
                anchor_seq: a.seq,
                last_seq,
            }),
            _ => Ok(Verification::Intact { entries: last_seq }),
        }
    }

    /// The stored MAC (hex) of entry `seq`, if there is one. Reading it
    /// needs no key.
    pub fn mac_at(db: &TerminalDb, seq: i64) -> Result<Option<String>, AuditError> {
        let conn = db.conn();
        let mut stmt = conn.prepare_cached("SELECT mac FROM audit WHERE seq = ?1")?;
        let mut rows = stmt.query(params![seq])?;
        Ok(match rows.next()? {
            Some(r) => Some(hex::encode(r.get::<_, Vec<u8>>(0)?)),
            None => None,
        })
    }

    /// Recomputes the chain once and checks it still reaches every anchor
    /// unchanged (anchors come from the keychain, the gateway and whoever
    /// verifies). A broken link is reported first; otherwise the furthest
    /// anchor the trail does not reach, or reaches with another MAC.
    pub fn verify_against(&self, db: &TerminalDb, anchors: &[Anchor]) -> Result<Verification, AuditError> {
        let last_seq = match self.verify(db, None)? {
            Verification::Intact { entries } => entries,
            other => return Ok(other),
        };
        let mut found = Verification::Intact { entries: last_seq };
        for a in anchors {
            let reached = a.seq <= last_seq && Self::mac_at(db, a.seq)?.as_deref() == Some(a.mac.as_str());
            let further = match &found {
                Verification::Truncated { anchor_seq, .. } => a.seq > *anchor_seq,
                _ => true,
            };
            if !reached && further {
                found = Verification::Truncated {
                    anchor_seq: a.seq,
                    last_seq,
                };
            }
        }
        Ok(found)
    }

    /// The newest entries first, for the owner's viewer and support.
    /// Entries matching `f`, newest first. One fixed, parameterised query.
    pub fn query(&self, db: &TerminalDb, f: &AuditFilter) -> Result<Vec<AuditEntry>, AuditError> {
        let conn = db.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT seq, at_ms, actor, action, object, outcome, origin, detail FROM audit
             WHERE (?1 IS NULL OR action = ?1) AND (?2 IS NULL OR actor = ?2)
               AND (?3 IS NULL OR outcome = ?3) AND at_ms >= ?4 AND at_ms < ?5
             ORDER BY seq DESC LIMIT ?6 + 0",
        )?;
        let rows = stmt
            .query_map(
                params![
                    f.action.map(Action::as_str),
                    f.actor.as_deref(),
                    f.outcome.map(Outcome::as_str),
                    f.since_ms,
                    f.until_ms,
                    f.limit
                ],
                AuditEntry::from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn recent(&self, db: &TerminalDb, limit: u32) -> Result<Vec<AuditEntry>, AuditError> {
        let conn = db.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT seq, at_ms, actor, action, object, outcome, origin, detail FROM audit ORDER BY seq DESC LIMIT ?1 + 0",
        )?;
        let rows = stmt
            .query_map(params![limit], AuditEntry::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(byte: u8) -> AuditLog {
        AuditLog::new(SecretBox::new(Box::new([byte; 32])), "t1".into())
    }

    fn event(action: Action, object: &str) -> Event<'_> {
        Event {
            actor: Some("staff-1"),
            action,
            object: Some(object),
            outcome: Outcome::Ok,
            detail: Some("amount=1250 USD"),
        }
    }

    /// A log of `n` entries in a fresh database; returns the db, its file and the log.
    fn filled(n: usize) -> (TerminalDb, tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = TerminalDb::open(&dir.path().join("t.sqlite3")).expect("a fresh database");
        let l = log(7);
        for i in 0..n {
            if let Err(e) = l.record(&db, &event(Action::Charge, &format!("sale-{i}"))) {
                panic!("{e}");
            }
        }
        (db, dir, l)
    }

    /// Tampering straight in the file (the triggers stop the app, not an attacker).
    fn raw(db: &TerminalDb, sql: &str) {
        let conn = db.conn();
        let run = conn.execute_batch(&format!(
            "DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete; {sql}"
        ));
        if let Err(e) = run {
            panic!("{e}");
        }
    }

    /// Each action has its own stable name (the viewer filters on it, the
    /// recovery sweeps query by it).
    #[test]
    fn action_names_are_distinct_and_stable() {
        let all = [
            Action::SignIn,
            Action::Charge,
            Action::Capture,
            Action::Void,
            Action::Refund,
            Action::ResolveInDoubt,
            Action::CloseDay,
            Action::PermissionDenied,
        ];
        let names: Vec<&str> = all.iter().map(|a| a.as_str()).collect();
        assert_eq!(
            names,
            [
                "sign_in",
                "charge",
                "capture",
                "void",
                "refund",
                "resolve_in_doubt",
                "close_day",
                "permission_denied"
            ]
        );
    }

    #[test]
    fn entries_are_found_by_action() -> Result<(), AuditError> {
        let (db, _dir, l) = filled(3);
        l.record(&db, &event(Action::Refund, "sale-9"))?;
        let filter = AuditFilter {
            action: Some(Action::Refund),
            actor: None,
            outcome: None,
            since_ms: 0,
            until_ms: i64::MAX,
            limit: 100,
        };
        let found = l.query(&db, &filter)?;
        assert_eq!(
            found.iter().map(|e| e.object.as_deref()).collect::<Vec<_>>(),
            vec![Some("sale-9")]
        );
        assert_eq!(l.query(&db, &AuditFilter { action: None, ..filter })?.len(), 4);
        Ok(())
    }

    #[test]
    fn an_untouched_chain_verifies() -> Result<(), AuditError> {
        let (db, _dir, l) = filled(20);
        assert_eq!(l.verify(&db, None)?, Verification::Intact { entries: 20 });
        let head = l.head(&db)?;
        assert_eq!(l.verify(&db, head.as_ref())?, Verification::Intact { entries: 20 });
        Ok(())
    }

    #[test]
    fn typed_text_is_redacted_and_capped_before_it_is_chained() -> Result<(), AuditError> {
        let (db, _dir, l) = filled(1);
        // Built at run time so no full test card number sits in the source.
        let card = format!("{}{}", "4242".repeat(3), "4242");
        let spaced: String = card
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 4 == 3 {
                    format!("{c}\u{a0}")
                } else {
                    c.to_string()
                }
            })
            .collect();
        let object = format!("Table 7 {spaced}");
        let detail = format!("note {}\n{}", "x".repeat(2_000), card);
        l.record(
            &db,
            &Event {
                actor: None,
                action: Action::PinFailed,
                object: Some(&object),
                outcome: Outcome::Denied,
                detail: Some(&detail),
            },
        )?;
        let e = l.recent(&db, 1)?.remove(0);
        let object = e.object.unwrap_or_default();
        let detail = e.detail.unwrap_or_default();
        assert!(object.contains("[CARD]") && !object.contains(&card[..4]), "{object}");
        assert!(detail.chars().count() <= MAX_DETAIL_CHARS, "capped");
        assert!(!detail.contains(&card[..8]) && !detail.contains('\n'), "{detail}");
        assert_eq!(l.verify(&db, None)?, Verification::Intact { entries: 2 });
        Ok(())
    }

    #[test]
    fn the_app_cannot_edit_or_delete_entries() {
        let (db, _dir, _l) = filled(3);
        let conn = db.conn();
        assert!(conn
            .execute("UPDATE audit SET outcome = 'denied' WHERE seq = 2", [])
            .is_err());
        assert!(conn.execute("DELETE FROM audit WHERE seq = 3", []).is_err());
    }

    #[test]
    fn every_kind_of_tampering_is_detected_at_its_first_broken_link() -> Result<(), AuditError> {
        let cases: [(&str, Verification); 6] = [
            (
                "UPDATE audit SET detail = 'amount=1 USD' WHERE seq = 5",
                Verification::BrokenAt { seq: 5 },
            ),
            (
                "UPDATE audit SET at_ms = at_ms + 1 WHERE seq = 9",
                Verification::BrokenAt { seq: 9 },
            ),
            ("DELETE FROM audit WHERE seq = 4", Verification::BrokenAt { seq: 4 }),
            // Reorder: swap two entries' contents (seq kept in place).
            (
                "UPDATE audit SET object = CASE seq WHEN 6 THEN 'sale-6x' ELSE object END WHERE seq IN (6)",
                Verification::BrokenAt { seq: 6 },
            ),
            (
                "INSERT INTO audit (seq, at_ms, actor, action, object, outcome, origin, detail, mac)
                 SELECT 100, at_ms, actor, action, object, outcome, origin, detail, mac FROM audit WHERE seq = 3",
                Verification::BrokenAt { seq: 11 },
            ),
            ("DELETE FROM audit WHERE seq = 1", Verification::BrokenAt { seq: 1 }),
        ];
        for (sql, expected) in cases {
            let (db, _dir, l) = filled(10);
            raw(&db, sql);
            assert_eq!(l.verify(&db, None)?, expected, "{sql}");
        }
        // An entry forged with another key breaks the chain even at the end.
        let (db, _dir, _l) = filled(10);
        log(8).record(&db, &event(Action::Refund, "sale-x"))?;
        assert_eq!(log(7).verify(&db, None)?, Verification::BrokenAt { seq: 11 });
        Ok(())
    }

    proptest::proptest! {
        /// Any single edit, deletion or insertion anywhere in a log of any
        /// length is caught (the property form of the cases above; the
        /// test command runs 256 of them).
        #[test]
        fn any_single_tampering_is_caught(
            n in 2usize..25,
            at in proptest::prelude::any::<proptest::sample::Index>(),
            kind in 0u8..4,
        ) {
            let (db, _dir, l) = filled(n);
            let seq = i64::try_from(at.index(n)).unwrap_or(0) + 1;
            let sql = match kind {
                0 => format!("UPDATE audit SET detail = 'amount=1 USD' WHERE seq = {seq}"),
                1 => format!("UPDATE audit SET actor = 'staff-9' WHERE seq = {seq}"),
                2 => format!("DELETE FROM audit WHERE seq = {seq}"),
                _ => format!(
                    "INSERT INTO audit (seq, at_ms, actor, action, object, outcome, origin, detail, mac)
                     SELECT 1000, at_ms, actor, action, object, outcome, origin, detail, mac FROM audit WHERE seq = {seq}"
                ),
            };
            // The head as last anchored off the machine: cutting the tail
            // is caught against it (without it, a shorter log is whole).
            let anchor = l.head(&db).ok().flatten();
            raw(&db, &sql);
            let found = l.verify(&db, anchor.as_ref());
            proptest::prop_assert!(
                !matches!(found, Ok(Verification::Intact { .. })),
                "not caught: {} ({:?})", sql, found
            );
        }
    }

    #[test]
    fn reordering_entries_is_detected() -> Result<(), AuditError> {
        let (db, _dir, l) = filled(10);
        // Swap rows 3 and 4 wholesale (including their MACs and seqs).
        raw(
            &db,
            "CREATE TEMP TABLE s AS SELECT * FROM audit WHERE seq IN (3, 4);
             DELETE FROM audit WHERE seq IN (3, 4);
             INSERT INTO audit SELECT 3, at_ms, actor, action, object, outcome, origin, detail, mac FROM s WHERE seq = 4;
             INSERT INTO audit SELECT 4, at_ms, actor, action, object, outcome, origin, detail, mac FROM s WHERE seq = 3;",
        );
        assert_eq!(l.verify(&db, None)?, Verification::BrokenAt { seq: 3 });
        Ok(())
    }

    #[test]
    fn every_anchor_is_checked_and_the_furthest_miss_reported() -> Result<(), AuditError> {
        let (db, _dir, l) = filled(10);
        let at = |seq: i64| -> Result<Anchor, AuditError> {
            Ok(Anchor {
                seq,
                mac: AuditLog::mac_at(&db, seq)?.unwrap_or_default(),
            })
        };
        let anchors = [at(4)?, at(8)?, at(10)?];
        assert_eq!(l.verify_against(&db, &anchors)?, Verification::Intact { entries: 10 });
        raw(&db, "DELETE FROM audit WHERE seq > 6");
        assert_eq!(
            l.verify_against(&db, &anchors)?,
            Verification::Truncated {
                anchor_seq: 10,
                last_seq: 6
            }
        );
        // Whatever order the anchors come in (the gateway lists newest first).
        let newest_first = [anchors[2].clone(), anchors[1].clone(), anchors[0].clone()];
        assert_eq!(
            l.verify_against(&db, &newest_first)?,
            Verification::Truncated {
                anchor_seq: 10,
                last_seq: 6
            }
        );
        // A trail cut back and grown again past the anchor disagrees with it.
        for i in 0..5 {
            l.record(&db, &event(Action::Charge, &format!("again-{i}")))?;
        }
        assert_eq!(
            l.verify_against(&db, &anchors[..2])?,
            Verification::Truncated {
                anchor_seq: 8,
                last_seq: 11
            }
        );
        Ok(())
    }

    #[test]
    fn truncation_is_detected_against_an_anchor() -> Result<(), AuditError> {
        let (db, _dir, l) = filled(10);
        let anchor = l.head(&db)?;
        raw(&db, "DELETE FROM audit WHERE seq > 7");
        // Without the anchor a shortened chain still looks whole…
        assert_eq!(l.verify(&db, None)?, Verification::Intact { entries: 7 });
        // …with it, the loss shows.
        assert_eq!(
            l.verify(&db, anchor.as_ref())?,
            Verification::Truncated {
                anchor_seq: 10,
                last_seq: 7
            }
        );
        assert_eq!(anchor.as_ref().and_then(|a| Anchor::decode(&a.encode())), anchor);
        Ok(())
    }

    /// Every outcome is in `ALL` once, and reads back from its stored word
    /// (the word serde gives the UI is the same).
    #[test]
    fn every_outcome_has_one_stored_word() {
        let words: std::collections::BTreeSet<_> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
        assert_eq!(words.len(), Outcome::ALL.len());
        for o in Outcome::ALL {
            assert_eq!(Outcome::from_stored(o.as_str()), Some(o));
            assert_eq!(serde_json::to_value(o).ok(), Some(serde_json::Value::from(o.as_str())));
        }
        assert_eq!(Outcome::from_stored("OK"), None);
    }
}
