//! Opening a terminal database file, and the terminal's own database
//! (staff and the audit trail) beside the transaction cache.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

use super::{migrations, Result, StoreError};

/// Opens a SQLite file the way every terminal database is opened: WAL,
/// `synchronous=FULL` (money writes survive power loss), foreign keys,
/// `secure_delete`, a busy timeout, and migrated to the latest schema.
pub(crate) fn open_connection(path: &Path, migrations: &rusqlite_migration::Migrations<'_>) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "cache_size", -65536)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrations
        .to_latest(&mut conn)
        .map_err(|e| StoreError::Migration(e.to_string()))?;
    Ok(conn)
}

pub(super) fn integrity_check(conn: &Connection) -> Result<()> {
    let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if result == "ok" {
        Ok(())
    } else {
        Err(StoreError::Corrupt("SQLite integrity check failed"))
    }
}

/// The terminal's own database (`<home>/terminal.sqlite3`): staff and the
/// audit log, shared by training and live mode so one trail covers both.
pub struct TerminalDb {
    conn: Mutex<Connection>,
}

impl TerminalDb {
    pub fn open(path: &Path) -> Result<Self> {
        Ok(Self {
            conn: Mutex::new(open_connection(path, &migrations::terminal_migrations())?),
        })
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn integrity_check(&self) -> Result<()> {
        integrity_check(&self.conn())
    }
}
