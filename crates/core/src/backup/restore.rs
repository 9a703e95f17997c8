//! Restoring a backup: opened with the recovery code and checked whole
//! before anything is written, then staged under a marker, the keys put in
//! the keychain, and the files moved into place (see the parent module).

use std::io::Read;
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::config::Home;
use crate::vault::recovery::RecoveryCode;
use crate::vault::{CacheEpoch, KeyVersion, Keychain, SubKeys};
use secrecy::ExposeSecret;

use super::*;

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

/// A backup opened with its recovery code, checked whole, nothing written.
pub struct Unsealed {
    header: Header,
    keys: SubKeys,
    entries: Vec<(String, Vec<u8>)>,
    copy: KeychainCopy,
}

impl Unsealed {
    /// The terminal the backup is of.
    pub fn terminal_id(&self) -> &str {
        &self.header.terminal_id
    }
}

fn read_file(file: &Path) -> Result<Vec<u8>, BackupError> {
    std::fs::read(file).map_err(|e| BackupError::CannotRead(e.kind().to_string()))
}

/// Opens the backup `file` with `code` and checks every entry: a wrong
/// code or a damaged file is refused here, before anything is touched.
pub fn unseal(file: &Path, code: &RecoveryCode) -> Result<Unsealed, BackupError> {
    unseal_bytes(&read_file(file)?, code)
}

fn unseal_bytes(bytes: &[u8], code: &RecoveryCode) -> Result<Unsealed, BackupError> {
    let (header, header_bytes, body) = read_header(bytes)?;
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
    Ok(Unsealed {
        header,
        keys,
        entries,
        copy,
    })
}

/// The keychain a backup's key goes into must hold no other key for its
/// terminal.
pub fn check_keychain(keychain: &Keychain, unsealed: &Unsealed) -> Result<(), BackupError> {
    match keychain.master_key()? {
        Some(existing) if existing.expose_bytes() != unsealed.keys.master().expose_bytes() => {
            Err(BackupError::KeychainHasKey)
        }
        _ => Ok(()),
    }
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
    progress: &mut dyn FnMut(&Step),
) -> Result<Restored, BackupError> {
    let bytes = read_file(file)?;
    let (header, _, _) = read_header(&bytes)?;
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
    progress(&Step::new(1, 4, "opening with the recovery code"));
    let unsealed = unseal_bytes(&bytes, code)?;
    let keychain = keychain_of(unsealed.terminal_id());
    check_keychain(&keychain, &unsealed)?;
    put_in_place(home, &keychain, unsealed, progress)
}

/// Writes an unsealed backup into `home` (checked by the caller: empty, or
/// this terminal's interrupted restore) and its keys into `keychain`.
pub fn put_in_place(
    home: &Home,
    keychain: &Keychain,
    unsealed: Unsealed,
    progress: &mut dyn FnMut(&Step),
) -> Result<Restored, BackupError> {
    let Unsealed {
        header,
        keys,
        entries,
        copy,
    } = unsealed;
    let marker = home.root().join(RESTORE_MARKER);
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
    progress(&Step::new(2, 4, format!("staged {files} files")));
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
    progress(&Step::new(3, 4, "keys in the keychain"));
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
    progress(&Step::new(4, 4, "files in place"));
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

/// Removes what a terminal nobody has used yet wrote at its first start
/// (its id, its empty databases, its keys), so a backup can be restored in
/// its place. The caller has checked that it is unused and closed it. The
/// files go first: a crash in between leaves unused keys, never data
/// without its key.
pub fn discard_unused(home: &Home, keychain: &Keychain) -> Result<(), BackupError> {
    let files = DATABASES
        .iter()
        .flat_map(|db| ["", "-wal", "-shm", "-journal"].map(|suffix| format!("{db}{suffix}")))
        .chain(["terminal-id".to_string()]);
    for name in files {
        let path = home.root().join(name);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&path, &e)),
            _ => {}
        }
    }
    keychain.forget_unused_terminal()?;
    Ok(())
}

/// Refuses to start on a folder whose restore was interrupted.
pub fn check_not_interrupted(home: &Home) -> Result<(), BackupError> {
    if home.root().join(RESTORE_MARKER).exists() {
        return Err(BackupError::Interrupted);
    }
    Ok(())
}
