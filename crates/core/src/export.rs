//! The support bundle: what support needs to help a shop, sealed so that
//! only the support team (and optionally the owner) can open it.
//!
//! Contents (a tar archive): `manifest.json` (what is inside, with sizes and
//! SHA-256), `diagnostics.json` (health checks, versions, settings — which
//! hold no secrets), `audit.jsonl` (the audit trail: whole in a manager's
//! bundle; in a support member's, only what happened and when — no amounts,
//! no sale, refund or staff ids, see [`SupportAuditEntry`]), and `logs/`
//! (already redacted when written; redacted again on the way in; in a
//! support member's bundle, without the sales fields of the log lines).
//! Never the transaction cache.
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
//! Logs are redacted twice in memory, line by line (once for the size the
//! tar header needs, once into the archive): no plaintext copy is ever
//! written to a temporary file that a killed process would leave behind.

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
    /// A log file for a support member's bundle: redacted, and the sale,
    /// refund and staff ids and the amounts in its fields removed.
    SupportLog { path: String, source: PathBuf },
}

impl Part {
    fn path(&self) -> &str {
        match self {
            Self::Bytes { path, .. } | Self::Log { path, .. } | Self::SupportLog { path, .. } => path,
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

/// A log file read through the redactor, line by line, as a byte stream.
/// Only the first `len` bytes of the file are read (its length when the
/// export began), so lines appended meanwhile wait for the next bundle and
/// both passes see the same bytes.
struct Redacting<R> {
    input: R,
    line: Vec<u8>,
    pending: Vec<u8>,
    pos: usize,
    hash: Sha256,
    bytes: u64,
    /// Also remove sales data (support's copy).
    strip_sales: bool,
}

/// Log fields that carry sales data: ids of sales, refunds and staff, and
/// amounts (`sale=…`, `amount=1250`, as the tracing spans write them).
static SALES_FIELDS: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b(sale|refund|staff|staff_id|actor|amount|captured|approved_by|for)=[^\s,}]+").ok()
});

/// Removes sales data from one redacted log line; without the pattern the
/// whole line goes (fail closed).
fn strip_sales(line: &str) -> String {
    match SALES_FIELDS.as_ref() {
        Some(re) => re.replace_all(line, "$1=…").into_owned(),
        None => String::new(),
    }
}

impl<R: BufRead> Redacting<R> {
    fn new(input: R, strip_sales: bool) -> Self {
        Self {
            strip_sales,
            input,
            line: Vec::new(),
            pending: Vec::new(),
            pos: 0,
            hash: Sha256::new(),
            bytes: 0,
        }
    }

    fn finish(self) -> (u64, String) {
        (self.bytes, hex::encode(self.hash.finalize()))
    }
}

impl<R: BufRead> std::io::Read for Redacting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.pending.len() {
            self.line.clear();
            if self.input.read_until(b'\n', &mut self.line)? == 0 {
                return Ok(0);
            }
            if self.line.last() == Some(&b'\n') {
                self.line.pop();
            }
            let mut clean = crate::logging::redact(&String::from_utf8_lossy(&self.line));
            if self.strip_sales {
                clean = strip_sales(&clean);
            }
            clean.push('\n');
            self.hash.update(clean.as_bytes());
            self.bytes += clean.len() as u64;
            self.pending = clean.into_bytes();
            self.pos = 0;
        }
        let n = buf.len().min(self.pending.len() - self.pos);
        buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Opens a log and the redacted stream of its first `len` bytes.
fn redacting(
    file: &std::fs::File,
    len: u64,
    strip_sales: bool,
) -> Redacting<std::io::BufReader<std::io::Take<&std::fs::File>>> {
    Redacting::new(std::io::BufReader::new(std::io::Read::take(file, len)), strip_sales)
}

/// The size and SHA-256 a log will have in the bundle, and the open file
/// with the length that was measured.
fn measure_log(source: &Path, strip_sales: bool) -> Result<(std::fs::File, u64, u64, String), ExportError> {
    let file = std::fs::File::open(source)?;
    let len = file.metadata()?.len();
    let mut stream = redacting(&file, len, strip_sales);
    std::io::copy(&mut stream, &mut std::io::sink())?;
    let (bytes, sha256) = stream.finish();
    Ok((file, len, bytes, sha256))
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
            Part::Log { path, source } | Part::SupportLog { path, source } => {
                let (_, _, bytes, sha256) = measure_log(source, matches!(p, Part::SupportLog { .. }))?;
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
        let strip_sales = matches!(part, Part::SupportLog { .. });
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
            Part::Log { source, .. } | Part::SupportLog { source, .. } => {
                let (file, len, bytes, sha256) = measure_log(&source, strip_sales)?;
                std::io::Seek::rewind(&mut &file)?;
                let mut stream = redacting(&file, len, strip_sales);
                append(&mut tar, &path, bytes, &mut std::io::Read::take(&mut stream, bytes))?;
                if stream.finish() != (bytes, sha256.clone()) {
                    return Err(ExportError::Io("a log file changed while it was being bundled".into()));
                }
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

/// One audit entry as a support member's bundle carries it: what happened,
/// when, and how it ended. No actor (staff id), no object (sale, refund or
/// staff id), and a detail only for actions whose detail holds no sales data.
/// Managers' bundles carry the full trail.
#[derive(Debug, Clone, Serialize)]
pub struct SupportAuditEntry {
    pub seq: i64,
    pub at_ms: i64,
    pub action: String,
    pub outcome: String,
    pub origin: String,
    pub detail: Option<String>,
}

impl From<&crate::audit::AuditEntry> for SupportAuditEntry {
    fn from(e: &crate::audit::AuditEntry) -> Self {
        // Set-up actions only: their details are settings, counts and key
        // versions, never amounts or ids.
        const DETAIL_KEPT: [&str; 5] = [
            "gateway_configured",
            "mode_switch",
            "cache_key_rotated",
            "support_recipients_changed",
            "export",
        ];
        Self {
            seq: e.seq,
            at_ms: e.at_ms,
            action: e.action.clone(),
            outcome: e.outcome.clone(),
            origin: e.origin.clone(),
            detail: e.detail.clone().filter(|_| DETAIL_KEPT.contains(&e.action.as_str())),
        }
    }
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
    fn support_logs_lose_ids_and_amounts() {
        let line = "2026-01-01T12:00:00Z  INFO charge{sale=01a2-b3 amount=1250 currency=USD}: settled staff=9f1 status=Approved";
        let out = strip_sales(line);
        assert!(
            !out.contains("01a2-b3") && !out.contains("1250") && !out.contains("9f1"),
            "{out}"
        );
        assert!(out.contains("currency=USD") && out.contains("status=Approved"), "{out}");
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
