//! The support bundle: what support needs to help a shop, sealed so that
//! only the support team (and optionally the owner) can open it.
//!
//! Contents (a tar archive): `manifest.json` (what is inside, with sizes and
//! SHA-256), `diagnostics.json` (health checks, versions, settings — which
//! hold no secrets), `audit.jsonl` (the whole audit trail, its verification
//! and head), and `logs/` (already redacted when written; redacted again on
//! the way in). Never the transaction cache.
//!
//! Every part passes the redactor ([`crate::logging::redact`]) on its way
//! in, whatever its source: an audit entry written before a rule existed,
//! or a setting edited by hand, cannot carry a card number, key or email
//! into the bundle. JSON keeps its shape (only string values are redacted),
//! so support's tools still read it.
//!
//! The archive is streamed straight into the `age` format, encrypted to the
//! X25519 recipients in settings: the shop machine holds no identity that
//! can open it, and support opens it with the stock `age`/`rage` tools.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// One file in the bundle.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ManifestEntry {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// SHA-256 of the file's bytes as bundled (after redaction).
    pub sha256: String,
}

/// What the owner and support see before sealing, and what the bundle says
/// about itself.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Manifest {
    pub terminal_id: String,
    #[ts(type = "number")]
    pub created_at_ms: i64,
    pub app_version: String,
    /// The audit chain head at export time (`seq:mac`): an anchor off the machine.
    pub audit_head: Option<String>,
    pub recipients: Vec<String>,
    pub files: Vec<ManifestEntry>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    #[error("No support recipient is configured (settings: support_recipients = [\"age1…\"]).")]
    NoRecipients,
    /// Which one (1-based) is not a key; its text is not repeated.
    #[error("Recipient {0} is not an age X25519 public key (age1…).")]
    BadRecipient(usize),
    #[error("The bundle could not be written: {0}")]
    Io(String),
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e.kind().to_string())
    }
}

/// A file to put in the bundle: its name inside, and where its bytes come from.
pub enum Part {
    /// Generated content (JSON, or JSON lines), redacted on the way in.
    Bytes { path: String, bytes: Vec<u8> },
    /// A log file, redacted line by line while it streams in.
    Log { path: String, source: PathBuf },
}

impl Part {
    fn path(&self) -> &str {
        match self {
            Self::Bytes { path, .. } | Self::Log { path, .. } => path,
        }
    }
}

/// Parses the recipients from settings; every one must be valid.
pub fn parse_recipients(keys: &[String]) -> Result<Vec<age::x25519::Recipient>, ExportError> {
    if keys.is_empty() {
        return Err(ExportError::NoRecipients);
    }
    keys.iter()
        .enumerate()
        .map(|(i, k)| age::x25519::Recipient::from_str(k.trim()).map_err(|_| ExportError::BadRecipient(i + 1)))
        .collect()
}

/// Streams a log file through the redactor into a temporary file (so the
/// tar header knows the size) without holding it in memory.
fn redacted_copy(source: &Path) -> Result<(tempfile::NamedTempFile, u64, String), ExportError> {
    let input = std::io::BufReader::new(std::fs::File::open(source)?);
    let mut tmp = tempfile::NamedTempFile::new()?;
    let mut hash = Sha256::new();
    let mut bytes = 0u64;
    {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        for line in input.split(b'\n') {
            let line = line?;
            let mut clean = crate::logging::redact(&String::from_utf8_lossy(&line));
            clean.push('\n');
            hash.update(clean.as_bytes());
            bytes += clean.len() as u64;
            out.write_all(clean.as_bytes())?;
        }
        out.flush()?;
    }
    Ok((tmp, bytes, hex::encode(hash.finalize())))
}

/// `bytes` as they go into the bundle: a JSON document, or JSON lines, with
/// every string value redacted; any other line redacted as text.
fn redacted_bytes(bytes: &[u8]) -> Vec<u8> {
    if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(bytes) {
        redact_json(&mut value);
        return serde_json::to_vec_pretty(&value).unwrap_or_default();
    }
    let mut out = Vec::with_capacity(bytes.len());
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        let (body, newline) = match line.strip_suffix(b"\n") {
            Some(body) => (body, true),
            None => (line, false),
        };
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(mut value) => {
                redact_json(&mut value);
                out.extend(serde_json::to_vec(&value).unwrap_or_default());
            }
            Err(_) => out.extend(crate::logging::redact(&String::from_utf8_lossy(body)).into_bytes()),
        }
        if newline {
            out.push(b'\n');
        }
    }
    out
}

fn redact_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => *s = crate::logging::redact(s),
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::Object(fields) => fields.values_mut().for_each(redact_json),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Lists what a bundle of `parts` would hold (sizes and hashes), without
/// sealing anything: the preview.
pub fn preview(mut manifest: Manifest, parts: &[Part]) -> Result<Manifest, ExportError> {
    manifest.files = parts
        .iter()
        .map(|p| match p {
            Part::Bytes { path, bytes } => {
                let bytes = redacted_bytes(bytes);
                Ok(ManifestEntry {
                    path: path.clone(),
                    bytes: bytes.len() as u64,
                    sha256: hex::encode(Sha256::digest(&bytes)),
                })
            }
            Part::Log { path, source } => {
                let (_tmp, bytes, sha256) = redacted_copy(source)?;
                Ok(ManifestEntry {
                    path: path.clone(),
                    bytes,
                    sha256,
                })
            }
        })
        .collect::<Result<_, ExportError>>()?;
    Ok(manifest)
}

/// Writes the sealed bundle to `out` and returns its manifest.
pub fn seal<W: Write>(
    mut manifest: Manifest,
    parts: Vec<Part>,
    recipients: &[age::x25519::Recipient],
    out: W,
) -> Result<Manifest, ExportError> {
    let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| ExportError::Io(e.to_string()))?;
    let sealed = encryptor.wrap_output(out)?;
    let mut tar = tar::Builder::new(sealed);
    manifest.files.clear();
    for part in parts {
        let path = part.path().to_string();
        let entry = match part {
            Part::Bytes { bytes, .. } => {
                let bytes = redacted_bytes(&bytes);
                append(&mut tar, &path, bytes.len() as u64, &mut bytes.as_slice())?;
                ManifestEntry {
                    bytes: bytes.len() as u64,
                    sha256: hex::encode(Sha256::digest(&bytes)),
                    path,
                }
            }
            Part::Log { source, .. } => {
                let (tmp, bytes, sha256) = redacted_copy(&source)?;
                append(&mut tar, &path, bytes, &mut std::fs::File::open(tmp.path())?)?;
                ManifestEntry { path, bytes, sha256 }
            }
        };
        manifest.files.push(entry);
    }
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| ExportError::Io(e.to_string()))?;
    append(&mut tar, "manifest.json", json.len() as u64, &mut json.as_slice())?;
    let sealed = tar.into_inner()?;
    sealed.finish()?;
    Ok(manifest)
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    path: &str,
    size: u64,
    data: &mut impl std::io::Read,
) -> Result<(), ExportError> {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(0);
    header.set_cksum();
    tar.append_data(&mut header, path, data)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::secrecy::ExposeSecret;

    #[test]
    fn sealed_for_the_recipient_only_and_redacted() -> Result<(), ExportError> {
        let support = age::x25519::Identity::generate();
        let stranger = age::x25519::Identity::generate();
        let recipients = parse_recipients(&[support.to_public().to_string()])?;
        let dir = tempfile::tempdir()?;
        let log = dir.path().join("app.log");
        let card = format!("{}{}", "4242".repeat(3), "4242");
        std::fs::write(&log, format!("line one\nkey sk_test_abcdefgh123 card {card}\n"))?;
        let manifest = Manifest {
            terminal_id: "t1".into(),
            created_at_ms: 0,
            app_version: "0".into(),
            audit_head: Some("3:ab".into()),
            recipients: vec![],
            files: vec![],
        };
        let parts = vec![
            Part::Bytes {
                path: "diagnostics.json".into(),
                bytes: b"{}".to_vec(),
            },
            Part::Log {
                path: "logs/app.log".into(),
                source: log,
            },
        ];
        let mut sealed = Vec::new();
        let m = seal(manifest, parts, &recipients, &mut sealed)?;
        assert_eq!(m.files.len(), 2);
        assert!(!sealed.windows(8).any(|w| w == b"line one"), "the bundle is encrypted");

        let open = |id: &age::x25519::Identity| -> Option<Vec<u8>> {
            let d = age::Decryptor::new(sealed.as_slice()).ok()?;
            let mut r = d.decrypt(std::iter::once(id as &dyn age::Identity)).ok()?;
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut r, &mut out).ok()?;
            Some(out)
        };
        assert!(open(&stranger).is_none(), "another key cannot open it");
        let tar_bytes = open(&support).unwrap_or_default();
        let text = String::from_utf8_lossy(&tar_bytes);
        assert!(text.contains("line one") && text.contains("manifest.json"));
        assert!(
            !text.contains(&card) && !text.contains("abcdefgh123"),
            "logs are redacted again on the way in"
        );
        let _ = support.to_string().expose_secret().len();
        Ok(())
    }

    #[test]
    fn generated_parts_are_redacted_and_keep_their_shape() {
        let card = format!("{}{}", "4242".repeat(3), "4242");
        let spaced = format!(
            "Table 7 {} {} {} {}",
            &card[..4],
            &card[4..8],
            &card[8..12],
            &card[12..]
        );
        let mut jsonl = Vec::new();
        for (seq, detail) in [(1, "amount=1250 USD"), (2, spaced.as_str()), (3, card.as_str())] {
            let line = serde_json::json!({"seq": seq, "at_ms": 1_764_609_778_000_i64, "detail": detail});
            jsonl.extend(serde_json::to_vec(&line).unwrap_or_default());
            jsonl.push(b'\n');
        }
        let out = redacted_bytes(&jsonl);
        let text = String::from_utf8_lossy(&out);
        assert!(!text.contains(&card[..8]) && !text.contains(&card[8..]), "{text}");
        let lines: Vec<serde_json::Value> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        assert_eq!(lines.len(), 3, "still JSON lines: {text}");
        assert_eq!(lines[0]["detail"], "amount=1250 USD");
        assert_eq!(
            lines[2]["at_ms"], 1_764_609_778_000_i64,
            "numbers are not strings to redact"
        );
        let doc = serde_json::json!({"settings": {"gateway": {"reader_id": card}}, "n": 3});
        let out = redacted_bytes(&serde_json::to_vec_pretty(&doc).unwrap_or_default());
        let back: serde_json::Value = serde_json::from_slice(&out).unwrap_or_default();
        assert_eq!(back["settings"]["gateway"]["reader_id"], "[CARD]");
        assert_eq!(back["n"], 3);
        let raw = redacted_bytes(format!("plain {card}\nnext").as_bytes());
        assert_eq!(String::from_utf8_lossy(&raw), "plain [CARD]\nnext");
    }

    #[test]
    fn a_bad_recipient_is_named_by_position_not_echoed() {
        let card = format!("{}{}", "4242".repeat(3), "4242");
        let good = age::x25519::Identity::generate().to_public().to_string();
        let e = parse_recipients(&[good, card.clone()]).err();
        let shown = e.map(|e| format!("{e} {e:?}")).unwrap_or_default();
        assert!(shown.contains("Recipient 2") && !shown.contains(&card[..8]), "{shown}");
    }

    #[test]
    fn recipients_are_checked() {
        assert!(matches!(parse_recipients(&[]), Err(ExportError::NoRecipients)));
        assert!(matches!(
            parse_recipients(&["age1nope".into()]),
            Err(ExportError::BadRecipient(_))
        ));
    }
}
