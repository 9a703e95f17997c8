//! Sealed backups, and restoring one on a new machine.
//!
//! The master key lives only in one machine's keychain, so a dead till would
//! take its staff, audit trail, Z reports and cache with it. A backup is one
//! file that holds all of them and is useless without the owner's recovery
//! code ([`crate::vault::recovery`]).
//!
//! Guarantees:
//! - consistent: each database is copied with SQLite's online backup API
//!   while the terminal runs, so a backup is a snapshot, never a torn file;
//! - sealed twice: the databases' sealed columns stay sealed, and the whole
//!   file is encrypted (XChaCha20-Poly1305) with a key derived from the
//!   master key, which the file carries only wrapped under the recovery code;
//!   the header (terminal, time, wrapped key) is bound as associated data;
//! - all or nothing: a backup is written to a temporary file and renamed
//!   into place, so an interrupted one leaves no file that could pass for a
//!   good one; a restore is staged beside the data folder under a marker
//!   that stops the terminal from starting until the restore is finished;
//! - a restore refuses, changing nothing, a wrong code, a damaged or
//!   truncated file, a folder that already holds a terminal (another one's,
//!   or this one's), and a keychain that already holds another key for it.
//!
//! The gateway key is not in a backup: after a restore the owner enters it
//! again (a new restricted key is the better habit).

use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, Home, Mode};
use crate::vault::recovery::{RecoveryError, WrappedKey};
use crate::vault::{EpochStore, KeyVersion, Keychain, KeychainError, SubKeys};
use secrecy::ExposeSecret;

mod restore;
pub use restore::*;

/// The first bytes of every backup file.
const MAGIC: &[u8; 9] = b"MTBACKUP\n";
const FORMAT: u32 = 1;
/// The largest header a reader accepts.
const MAX_HEADER: u32 = 64 * 1024;

/// The data folder's wrapped master key (see [`crate::vault::recovery`]).
pub const KIT_FILE: &str = "recovery-kit.json";
/// Present while a restore is under way: the terminal will not start.
pub const RESTORE_MARKER: &str = "restore-incomplete";
const STAGING: &str = "restore-staging";
/// The keychain entries a backup carries, beside the files.
const KEYCHAIN_ENTRY: &str = "keychain.json";

/// The databases, each copied with the online backup API.
const DATABASES: [&str; 3] = ["terminal.sqlite3", "live/cache.sqlite3", "training/cache.sqlite3"];

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    #[error("There is no recovery kit yet: create one first (`merchantctl recovery-kit issue`).")]
    NoKit,
    #[error(transparent)]
    Recovery(#[from] RecoveryError),
    #[error("The backup file is damaged or incomplete: nothing was restored.")]
    Damaged,
    #[error("This backup is of another terminal than the one in this data folder: nothing was restored.")]
    OtherTerminal,
    #[error("This data folder already holds a terminal: restore into an empty folder.")]
    NotEmpty,
    #[error("The keychain already holds another key for this terminal: nothing was restored.")]
    KeychainHasKey,
    /// Restoring over a terminal is allowed only before anyone used it.
    #[error("This terminal is already in use: a backup is restored only on a new installation.")]
    InUse,
    #[error("A restore into this data folder was interrupted: run the restore again.")]
    Interrupted,
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The file a person named could not be written or read; the path they
    /// typed is not repeated, the system's reason is.
    #[error("The backup file could not be written ({0}).")]
    CannotWrite(String),
    #[error("The backup file could not be read ({0}).")]
    CannotRead(String),
    #[error("The recovery sheet could not be written ({0}).")]
    SheetNotWritten(String),
    #[error("Keep the recovery sheet out of the terminal's data folder: choose another place.")]
    SheetInDataFolder,
    /// A database could not be copied.
    #[error("A database could not be copied for the backup.")]
    Snapshot,
}

/// What the file says about itself, readable without the code (and bound
/// to the sealed body).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: u32,
    pub terminal_id: String,
    pub created_at_ms: i64,
    pub kit: WrappedKey,
    /// Hex.
    pub nonce: String,
}

/// The keychain entries a terminal cannot open its data without.
#[derive(Debug, Default, Serialize, Deserialize)]
struct KeychainCopy {
    setup_record: Option<crate::vault::keychain::SetupRecord>,
    /// (cache scope, key version, hex epoch)
    cache_epochs: Vec<(String, u32, String)>,
}

/// `get_backups`, `back_up_now`: the recovery kit and the newest backup.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct BackupStateView {
    /// Where the daily backup goes, if the owner chose a folder.
    pub daily_folder: Option<String>,
    pub has_kit: bool,
    #[ts(type = "number | null")]
    pub last_backup_ms: Option<i64>,
    /// The owner's limit: older than this, the backup is stale.
    pub stale_days: u32,
    pub stale: bool,
}

/// Where a backup or a restore is: step `done` of `total` has begun.
/// Shown as `3/5 copying live/cache.sqlite3`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Step {
    pub done: u32,
    pub total: u32,
    /// What the step does, in words for support (not translated).
    pub what: String,
}

impl Step {
    pub fn new(done: usize, total: usize, what: impl Into<String>) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Self {
            done: n(done),
            total: n(total),
            what: what.into(),
        }
    }

    /// The time the steps still to come should take, at the pace of those
    /// already finished (`elapsed` since the first began); `None` before
    /// one has finished.
    pub fn left(&self, elapsed: std::time::Duration) -> Option<std::time::Duration> {
        let finished = self.done.checked_sub(1).filter(|f| *f > 0)?;
        let to_come = self.total.saturating_sub(finished);
        Some(elapsed / finished * to_come)
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{} {}", self.done, self.total, self.what)
    }
}

/// A backup written.
#[derive(Debug, Clone, Serialize)]
pub struct BackupMade {
    pub path: PathBuf,
    pub bytes: u64,
    pub created_at_ms: i64,
    pub files: usize,
}

/// A restore done: what it restored.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub terminal_id: String,
    /// When the backup was made.
    pub created_at_ms: i64,
    pub files: usize,
}

fn io(path: &Path, e: &std::io::Error) -> BackupError {
    BackupError::Config(ConfigError::Io {
        path: path.display().to_string(),
        reason: e.kind().to_string(),
    })
}

fn cannot_write(e: &std::io::Error) -> BackupError {
    BackupError::CannotWrite(e.kind().to_string())
}

/// The data folder's recovery kit, if one was issued.
pub fn kit(home: &Home) -> Result<Option<WrappedKey>, BackupError> {
    let path = home.root().join(KIT_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| RecoveryError::Damaged.into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(&path, &e)),
    }
}

/// Keeps `kit` as the data folder's recovery kit (replacing any before).
pub fn keep_kit(home: &Home, kit: &WrappedKey) -> Result<(), BackupError> {
    let path = home.root().join(KIT_FILE);
    let json = serde_json::to_vec_pretty(kit).map_err(|_| RecoveryError::Damaged)?;
    write_atomically(&path, &json)
}

/// Where the recovery sheet named `file` would be written: a folder that
/// exists, never the data folder (the code must not sit beside the kit it
/// opens).
pub fn sheet_place(home: &Home, file: &Path) -> Result<PathBuf, BackupError> {
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let folder = parent
        .canonicalize()
        .map_err(|e| BackupError::SheetNotWritten(e.kind().to_string()))?;
    if home.root().canonicalize().is_ok_and(|root| folder.starts_with(root)) {
        return Err(BackupError::SheetInDataFolder);
    }
    let name = file
        .file_name()
        .ok_or_else(|| BackupError::SheetNotWritten("not a file".into()))?;
    Ok(folder.join(name))
}

/// Writes the recovery sheet `pdf` to `file`, readable by its owner only.
pub fn write_sheet(home: &Home, file: &Path, pdf: &[u8]) -> Result<(), BackupError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(sheet_place(home, file)?)
        .and_then(|mut f| f.write_all(pdf))
        .map_err(|e| BackupError::SheetNotWritten(e.kind().to_string()))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io(dir, &e))?;
    tmp.write_all(bytes).map_err(|e| io(path, &e))?;
    tmp.as_file().sync_all().map_err(|e| io(path, &e))?;
    tmp.persist(path).map_err(|e| io(path, &e.error))?;
    Ok(())
}

/// A consistent copy of the database at `path`, made while it may be in use.
fn snapshot(path: &Path) -> Result<(Vec<u8>, Vec<u32>), BackupError> {
    use rusqlite::{Connection, OpenFlags};
    let src = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|_| BackupError::Snapshot)?;
    let copy = tempfile::NamedTempFile::new().map_err(|e| io(path, &e))?;
    {
        let mut dst = Connection::open(copy.path()).map_err(|_| BackupError::Snapshot)?;
        let backup = rusqlite::backup::Backup::new(&src, &mut dst).map_err(|_| BackupError::Snapshot)?;
        backup
            .run_to_completion(256, std::time::Duration::from_millis(5), None)
            .map_err(|_| BackupError::Snapshot)?;
    }
    // The cache key versions still in use (their epochs are in the keychain).
    let versions = Connection::open_with_flags(copy.path(), OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| {
            let has = c.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cache_keys'",
                [],
                |r| r.get::<_, i64>(0),
            )?;
            if has == 0 {
                return Ok(Vec::new());
            }
            let mut stmt = c.prepare("SELECT version FROM cache_keys WHERE state IN ('current', 'retiring')")?;
            let rows = stmt.query_map([], |r| r.get::<_, u32>(0))?;
            rows.collect::<rusqlite::Result<Vec<u32>>>()
        })
        .map_err(|_| BackupError::Snapshot)?;
    let bytes = std::fs::read(copy.path()).map_err(|e| io(copy.path(), &e))?;
    Ok((bytes, versions))
}

/// The plain files a backup carries beside the databases.
fn plain_files(home: &Home) -> Vec<String> {
    let mut names = vec![
        "terminal-id".to_string(),
        "settings.toml".into(),
        "gateway-ca.json".into(),
        KIT_FILE.into(),
    ];
    if let Ok(dir) = std::fs::read_dir(home.root()) {
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("gateway-ca-") && name.ends_with(".pem") {
                names.push(name);
            }
        }
    }
    names
}

/// Whether `name` is a file a backup may hold (what a restore will write).
fn allowed(name: &str) -> bool {
    DATABASES.contains(&name)
        || [
            "terminal-id",
            "settings.toml",
            "gateway-ca.json",
            KIT_FILE,
            KEYCHAIN_ENTRY,
        ]
        .contains(&name)
        || (name.starts_with("gateway-ca-") && name.ends_with(".pem") && !name.contains('/') && !name.contains(".."))
}

/// Writes a sealed backup of `home` to `out`. `master` is the terminal's
/// master key; the recovery kit must exist. `progress` hears each step.
pub fn write(
    home: &Home,
    keychain: &Keychain,
    keys: &SubKeys,
    out: &Path,
    now_ms: i64,
    progress: &mut dyn FnMut(&Step),
) -> Result<BackupMade, BackupError> {
    let kit = kit(home)?.ok_or(BackupError::NoKit)?;
    let terminal_id = home.terminal_id()?;
    let mut tar = tar::Builder::new(Vec::new());
    let mut files = 0;
    let mut copy = KeychainCopy {
        setup_record: keychain.setup_record()?,
        ..KeychainCopy::default()
    };
    let add = |tar: &mut tar::Builder<Vec<u8>>, name: &str, bytes: &[u8]| -> Result<(), BackupError> {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        header.set_mtime(u64::try_from(now_ms / 1000).unwrap_or(0));
        tar.append_data(&mut header, name, bytes)
            .map_err(|e| io(Path::new(name), &e))
    };
    // Progress as done/total: each database, then sealing and writing.
    let present: Vec<&str> = DATABASES
        .into_iter()
        .filter(|name| home.root().join(name).exists())
        .collect();
    let total = present.len() + 2;
    for (done, name) in present.into_iter().enumerate() {
        progress(&Step::new(done + 1, total, format!("copying {name}")));
        let path = home.root().join(name);
        let (bytes, versions) = snapshot(&path)?;
        if let Some(scope) = [Mode::Live, Mode::Training]
            .into_iter()
            .find(|m| name.starts_with(m.folder()))
        {
            let epochs = keychain.cache_epochs(scope.folder());
            for v in versions {
                if let Some(epoch) = epochs.load(KeyVersion(v))? {
                    copy.cache_epochs
                        .push((scope.folder().to_string(), v, hex::encode(epoch.expose_bytes())));
                }
            }
        }
        add(&mut tar, name, &bytes)?;
        files += 1;
    }
    for name in plain_files(home) {
        let path = home.root().join(&name);
        match std::fs::read(&path) {
            Ok(bytes) => {
                add(&mut tar, &name, &bytes)?;
                files += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path, &e)),
        }
    }
    let keychain_json = zeroize::Zeroizing::new(serde_json::to_vec(&copy).map_err(|_| BackupError::Snapshot)?);
    add(&mut tar, KEYCHAIN_ENTRY, &keychain_json)?;
    let plain = zeroize::Zeroizing::new(tar.into_inner().map_err(|_| BackupError::Snapshot)?);
    progress(&Step::new(total - 1, total, "sealing"));
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let header = Header {
        format: FORMAT,
        terminal_id,
        created_at_ms: now_ms,
        kit,
        nonce: hex::encode(nonce),
    };
    let header_bytes = serde_json::to_vec(&header).map_err(|_| BackupError::Snapshot)?;
    let key = keys.backup_file();
    let sealed = XChaCha20Poly1305::new(key.expose_secret().into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &plain,
                aad: &header_bytes,
            },
        )
        .map_err(|_| BackupError::Snapshot)?;
    let mut file = Vec::with_capacity(sealed.len() + header_bytes.len() + 16);
    file.extend_from_slice(MAGIC);
    file.extend_from_slice(&u32::try_from(header_bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
    file.extend_from_slice(&header_bytes);
    file.extend_from_slice(&sealed);
    progress(&Step::new(total, total, "writing"));
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| cannot_write(&e))?;
    let half = file.len() / 2;
    tmp.write_all(&file[..half]).map_err(|e| cannot_write(&e))?;
    crate::crashpoint::reached(crate::crashpoint::BACKUP_HALF_WRITTEN);
    tmp.write_all(&file[half..]).map_err(|e| cannot_write(&e))?;
    tmp.as_file().sync_all().map_err(|e| cannot_write(&e))?;
    tmp.persist(out).map_err(|e| cannot_write(&e.error))?;
    Ok(BackupMade {
        path: out.to_path_buf(),
        bytes: file.len() as u64,
        created_at_ms: now_ms,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::Step;
    use std::time::Duration;

    /// The time left follows the pace of the finished steps, and is not
    /// guessed before one has finished.
    #[test]
    fn the_time_left_is_the_pace_so_far_times_the_steps_to_come() {
        let at = |done| Step::new(done, 5, "copying");
        assert_eq!(at(1).left(Duration::from_secs(9)), None);
        assert_eq!(at(2).left(Duration::from_secs(3)), Some(Duration::from_secs(12)));
        assert_eq!(at(4).left(Duration::from_secs(6)), Some(Duration::from_secs(4)));
        assert_eq!(at(5).left(Duration::from_secs(8)), Some(Duration::from_secs(2)));
        assert_eq!(at(3).to_string(), "3/5 copying");
    }
}
