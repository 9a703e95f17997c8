//! Reading the PDFs the terminal writes (receipts, Z reports).

/// The text shown by a PDF's content streams: its literal `(…)` and hex
/// `<…>` strings, decoded from Windows-1252 (enough for the terminal's own
/// uncompressed PDFs).
pub fn pdf_text(pdf: &[u8]) -> String {
    let cp1252 = |b: u8| match b {
        0x95 => '•',
        0x97 => '—',
        0x96 => '–',
        0x80 => '€',
        _ => char::from(b),
    };
    let mut out = String::new();
    let mut i = 0;
    while i < pdf.len() {
        match pdf[i] {
            b'(' => {
                let mut j = i + 1;
                while j < pdf.len() && pdf[j] != b')' {
                    if pdf[j] == b'\\' {
                        j += 1;
                    }
                    if let Some(&b) = pdf.get(j) {
                        out.push(cp1252(b));
                    }
                    j += 1;
                }
                out.push('\n');
                i = j;
            }
            b'<' if pdf.get(i + 1).is_some_and(u8::is_ascii_hexdigit) => {
                let end = pdf[i..].iter().position(|&b| b == b'>').map_or(pdf.len(), |p| i + p);
                let hex: Vec<u8> = pdf[i + 1..end].iter().copied().filter(u8::is_ascii_hexdigit).collect();
                for pair in hex.chunks(2) {
                    if let Some(b) = std::str::from_utf8(pair)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                    {
                        out.push(cp1252(b));
                    }
                }
                out.push('\n');
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    out
}
