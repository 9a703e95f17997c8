//! One canary matcher for every scan: a value is looked for in every byte
//! form it could take in a file (raw UTF-8, UTF-16LE, hex either case,
//! base64 at each alignment, URL-encoded), inside deflated PDF streams too,
//! and, for card numbers, as a digit sequence with any separators.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use crate::TestResult;

pub fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// The base64 text that `needle` turns into wherever it sits in a longer
/// encoded blob: one form per alignment, without the edge characters that
/// depend on the neighbouring bytes.
pub fn base64_forms(needle: &[u8]) -> Vec<String> {
    (0..3)
        .map(|shift| {
            let mut padded = vec![0u8; shift];
            padded.extend_from_slice(needle);
            let text = base64(&padded);
            let skip = if shift == 0 { 0 } else { (shift * 8).div_ceil(6) };
            let full = (padded.len() / 3) * 4;
            text.get(skip..full).unwrap_or_default().to_string()
        })
        .filter(|f| f.len() >= 8)
        .collect()
}

pub fn url_encoded(s: &str, space_as_plus: bool) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            b' ' if space_as_plus => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every byte form a typed value could take in a file.
pub fn needles(values: &[String]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for v in values {
        let raw = v.as_bytes().to_vec();
        out.push((format!("raw {v:?}"), raw.clone()));
        out.push((format!("utf-16 {v:?}"), utf16le(v)));
        let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        out.push((format!("hex {v:?}"), hex.clone().into_bytes()));
        out.push((format!("HEX {v:?}"), hex.to_uppercase().into_bytes()));
        for f in base64_forms(&raw) {
            out.push((format!("base64 {v:?}"), f.into_bytes()));
        }
        out.push((format!("url {v:?}"), url_encoded(v, false).into_bytes()));
        out.push((format!("url+ {v:?}"), url_encoded(v, true).into_bytes()));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out.dedup_by(|a, b| a.1 == b.1);
    out
}

/// True if `text` holds `digits` as one digit sequence, with any
/// non-letters between them (ASCII and full-width digits).
pub fn digit_sequence_holds(text: &str, digits: &str) -> bool {
    let mut run = String::new();
    for c in text.chars() {
        let d = match c {
            '0'..='9' => Some(c),
            '\u{ff10}'..='\u{ff19}' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')),
            _ => None,
        };
        match d {
            Some(d) => {
                run.push(d);
                if run.ends_with(digits) {
                    return true;
                }
            }
            None if c.is_alphabetic() => run.clear(),
            None => {}
        }
    }
    false
}

/// The contents of every FlateDecode stream in a PDF, inflated.
pub fn pdf_streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = find(&pdf[at..], b"stream").map(|i| at + i + b"stream".len()) {
        let body_start = match pdf.get(start..start + 2) {
            Some(b"\r\n") => start + 2,
            Some([b'\n', _]) => start + 1,
            _ => start,
        };
        let Some(end) = find(&pdf[body_start..], b"endstream").map(|i| body_start + i) else {
            break;
        };
        let mut inflated = Vec::new();
        if flate2::read::ZlibDecoder::new(&pdf[body_start..end])
            .read_to_end(&mut inflated)
            .is_ok()
        {
            out.push(inflated);
        }
        out.push(pdf[body_start..end].to_vec());
        at = end + b"endstream".len();
    }
    out
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Where the canary shows in `bytes` (named `what`), if anywhere.
pub fn hits(what: &str, bytes: &[u8], card: &str, forms: &[(String, Vec<u8>)]) -> Vec<String> {
    let mut found: Vec<String> = forms
        .iter()
        .filter(|(_, n)| find(bytes, n).is_some())
        .map(|(name, _)| format!("{what}: {name}"))
        .collect();
    let utf16: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    for (encoding, text) in [
        ("utf-8", String::from_utf8_lossy(bytes).into_owned()),
        ("utf-16", String::from_utf16_lossy(&utf16)),
    ] {
        if digit_sequence_holds(&text, card) {
            found.push(format!("{what}: the digits in a {encoding} sequence"));
        }
    }
    found
}

/// Every hit of `values` (and, if given, the digits of `card`) in `file`:
/// the file's bytes, and the inflated streams when it is a PDF.
pub fn scan_file(file: &Path, values: &[String], card: Option<&str>) -> Vec<String> {
    let Ok(bytes) = std::fs::read(file) else {
        return Vec::new();
    };
    let forms = needles(values);
    let what = file.display().to_string();
    let mut parts = vec![bytes.clone()];
    if bytes.starts_with(b"%PDF") {
        parts.extend(pdf_streams(&bytes));
    }
    parts
        .iter()
        .flat_map(|p| match card {
            Some(card) => hits(&what, p, card, &forms),
            None => forms
                .iter()
                .filter(|(_, n)| find(p, n).is_some())
                .map(|(name, _)| format!("{what}: {name}"))
                .collect(),
        })
        .collect()
}

/// A fresh age identity in `path`; returns its public key (a recipient).
pub fn keygen(path: &Path) -> TestResult<String> {
    let out = Command::new("age-keygen").arg("-o").arg(path).output()?;
    assert!(
        out.status.success(),
        "age-keygen: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(std::fs::read_to_string(path)?
        .lines()
        .find_map(|l| l.strip_prefix("# public key: ").map(str::to_string))
        .unwrap_or_default())
}

/// Opens a support bundle with the stock `age` CLI and unpacks it into
/// `into`, as support would.
pub fn open_bundle(bundle: &Path, identity: &Path, into: &Path) -> TestResult {
    std::fs::create_dir_all(into)?;
    let tar = into.with_extension("tar");
    let out = Command::new("age")
        .args(["-d", "-i"])
        .arg(identity)
        .arg("-o")
        .arg(&tar)
        .arg(bundle)
        .output()?;
    assert!(out.status.success(), "age -d: {}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new("tar").arg("-xf").arg(&tar).arg("-C").arg(into).output()?;
    assert!(out.status.success(), "tar: {}", String::from_utf8_lossy(&out.stderr));
    Ok(())
}
