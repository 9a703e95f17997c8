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

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, Home, Mode};
use crate::vault::recovery::{RecoveryCode, RecoveryError, WrappedKey};
use crate::vault::{CacheEpoch, EpochStore, KeyVersion, Keychain, KeychainError, SubKeys};
use secrecy::ExposeSecret;

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
    progress: &mut dyn FnMut(&str),
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
        progress(&format!("{}/{total} copying {name}", done + 1));
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
    progress(&format!("{}/{total} sealing", total - 1));
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
    progress(&format!("{total}/{total} writing"));
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

/// Reads a backup file's header, and the sealed body after it.
pub fn read_header(file: &[u8]) -> Result<(Header, &[u8], &[u8]), BackupError> {
    let rest = file.strip_prefix(MAGIC.as_slice()).ok_or(BackupError::Damaged)?;
    let (len, rest) = rest.split_at_checked(4).ok_or(BackupError::Damaged)?;
    let len = u32::from_be_bytes(len.try_into().map_err(|_| BackupError::Damaged)?);
    if len > MAX_HEADER {
        return Err(BackupError::Damaged);
    }
    let (header_bytes, body) = rest.split_at_checked(len as usize).ok_or(BackupError::Damaged)?;
    let header: Header = serde_json::from_slice(header_bytes).map_err(|_| BackupError::Damaged)?;
    if header.format != FORMAT || header.kit.terminal_id != header.terminal_id {
        return Err(BackupError::Damaged);
    }
    Ok((header, header_bytes, body))
}

/// Restores the backup `file` into `home` (an empty data folder, or one
/// that holds nothing but this terminal's id) and the keychain of its
/// terminal, opened with `code`. The caller then opens the terminal, which
/// checks the audit chain and records the restore.
pub fn restore(
    home: &Home,
    keychain_of: impl Fn(&str) -> Keychain,
    file: &Path,
    code: &RecoveryCode,
    progress: &mut dyn FnMut(&str),
) -> Result<Restored, BackupError> {
    let bytes = std::fs::read(file).map_err(|e| BackupError::CannotRead(e.kind().to_string()))?;
    let (header, header_bytes, body) = read_header(&bytes)?;
    // Whose folder is this? Only an empty one (or one that only knows
    // this very terminal's id, from a start that found nothing) is taken.
    let id_path = home.root().join("terminal-id");
    match std::fs::read_to_string(&id_path) {
        Ok(id) if id.trim() != header.terminal_id => return Err(BackupError::OtherTerminal),
        Ok(_) | Err(_) => {}
    }
    // A restore of this very backup's terminal that was interrupted is run
    // again to its end; anything else already here is not overwritten.
    let marker = home.root().join(RESTORE_MARKER);
    let resuming = std::fs::read_to_string(&marker).is_ok_and(|id| id.trim() == header.terminal_id);
    if !resuming && (home.root().join(DATABASES[0]).exists() || home.has_encrypted_data()) {
        return Err(BackupError::NotEmpty);
    }
    progress("1/4 opening with the recovery code");
    let keys = SubKeys::new(header.kit.unwrap(code)?);
    let nonce = hex::decode(&header.nonce).map_err(|_| BackupError::Damaged)?;
    if nonce.len() != 24 {
        return Err(BackupError::Damaged);
    }
    let key = keys.backup_file();
    let plain = zeroize::Zeroizing::new(
        XChaCha20Poly1305::new(key.expose_secret().into())
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: body,
                    aad: header_bytes,
                },
            )
            .map_err(|_| BackupError::Damaged)?,
    );
    // Every entry, checked before anything is written.
    let mut entries = Vec::new();
    let mut archive = tar::Archive::new(plain.as_slice());
    for entry in archive.entries().map_err(|_| BackupError::Damaged)? {
        let mut entry = entry.map_err(|_| BackupError::Damaged)?;
        let name = entry
            .path()
            .map_err(|_| BackupError::Damaged)?
            .to_string_lossy()
            .into_owned();
        if !allowed(&name) {
            return Err(BackupError::Damaged);
        }
        let mut data = Vec::new();
        entry.read_to_end(&mut data).map_err(|_| BackupError::Damaged)?;
        entries.push((name, data));
    }
    let copy: KeychainCopy = entries
        .iter()
        .find(|(n, _)| n == KEYCHAIN_ENTRY)
        .and_then(|(_, d)| serde_json::from_slice(d).ok())
        .ok_or(BackupError::Damaged)?;
    let keychain = keychain_of(&header.terminal_id);
    if let Some(existing) = keychain.master_key()? {
        if existing.expose_bytes() != keys.master().expose_bytes() {
            return Err(BackupError::KeychainHasKey);
        }
    }

    // From here on the folder is marked: a terminal will not start on it
    // until the restore has been run to its end.
    home.ensure()?;
    write_atomically(&marker, header.terminal_id.as_bytes())?;
    let staging = home.root().join(STAGING);
    let _ = std::fs::remove_dir_all(&staging);
    let mut files = 0;
    for (name, data) in entries.iter().filter(|(n, _)| n != KEYCHAIN_ENTRY) {
        let path = staging.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, &e))?;
        }
        write_atomically(&path, data)?;
        files += 1;
    }
    progress(&format!("2/4 staged {files} files"));
    crate::crashpoint::reached(crate::crashpoint::RESTORE_STAGED);
    keychain.store_master_key(keys.master())?;
    for (scope, version, hex_epoch) in &copy.cache_epochs {
        let epoch = hex::decode(hex_epoch)
            .ok()
            .and_then(|b| CacheEpoch::from_slice(&b))
            .ok_or(BackupError::Damaged)?;
        keychain.store_cache_epoch(scope, KeyVersion(*version), &epoch)?;
    }
    if let Some(record) = &copy.setup_record {
        keychain.store_setup_record(record)?;
    }
    crate::crashpoint::reached(crate::crashpoint::RESTORE_KEYCHAIN);
    progress("3/4 keys in the keychain");
    for (name, _) in entries.iter().filter(|(n, _)| n != KEYCHAIN_ENTRY) {
        let to = home.root().join(name);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, &e))?;
        }
        std::fs::rename(staging.join(name), &to).map_err(|e| io(&to, &e))?;
    }
    let _ = std::fs::remove_dir_all(&staging);
    adopt_restored_ca(home)?;
    std::fs::remove_file(&marker).map_err(|e| io(&marker, &e))?;
    progress("4/4 files in place");
    Ok(Restored {
        terminal_id: header.terminal_id,
        created_at_ms: header.created_at_ms,
        files,
    })
}

/// The settings name the gateway's extra CA by its copy in the data folder
/// it was made in; on a new machine that folder is elsewhere, so the
/// setting is pointed at the copy that was restored here.
fn adopt_restored_ca(home: &Home) -> Result<(), BackupError> {
    let mut settings = home.settings()?;
    let restored = settings
        .gateway
        .extra_ca
        .as_ref()
        .and_then(|p| p.file_name())
        .map(|name| home.root().join(name))
        .filter(|p| p.exists());
    if let Some(copy) = restored {
        if settings.gateway.extra_ca.as_ref() != Some(&copy) {
            settings.gateway.extra_ca = Some(copy);
            home.save_settings(&settings)?;
        }
    }
    Ok(())
}

/// Refuses to start on a folder whose restore was interrupted.
pub fn check_not_interrupted(home: &Home) -> Result<(), BackupError> {
    if home.root().join(RESTORE_MARKER).exists() {
        return Err(BackupError::Interrupted);
    }
    Ok(())
}
