//! Logs: `tracing` into daily rolling files under `<home>/logs/`, through a
//! redaction pass applied to every line *before* it is written.
//!
//! Redacted: card numbers as [`crate::pan`] finds them (the same rule that
//! refuses them in text fields: any spelling, any separators, after Unicode
//! normalisation, digits glued on either side), Stripe keys (`sk_`, `rk_`,
//! `pk_`, `whsec_`), `Authorization` / `Stripe-Signature` header values and
//! bearer tokens, and email addresses. Control characters are escaped, so
//! text from a description or a gateway cannot forge a log line. The rules
//! live in [`redact`], shared by the log writer, the audit trail and the
//! support bundle.

use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use tracing_subscriber::fmt::MakeWriter;

fn patterns() -> &'static [(Regex, &'static str)] {
    static P: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        let rules: [(&str, &str); 4] = [
            (r"\b((?:sk|rk|pk)_(?:live|test)_|whsec_)[A-Za-z0-9]+", "${1}[REDACTED]"),
            // A header value may hold commas (Stripe-Signature): mask to the end.
            (
                r"(?i)\b(authorization|stripe-signature)(\s*[:=]\s*)[^\r\n]+",
                "${1}${2}[REDACTED]",
            ),
            (r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+", "Bearer [REDACTED]"),
            (r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", "[EMAIL]"),
        ];
        rules
            .iter()
            .filter_map(|(re, with)| Regex::new(re).ok().map(|r| (r, *with)))
            .collect()
    })
}

/// Returns `text` with secrets, card-like numbers and emails masked and
/// control characters escaped.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    // The terminal's own ids (UUIDv7, hex in 8-4-4-4-12 groups) often hold
    // a Luhn-valid run of digits between their letters: masking one would
    // cut a sale's id out of its audit entry and its log lines. Card numbers
    // are looked for between the ids; an id is never a card.
    for gap in between_ids(text) {
        for span in crate::pan::card_number_spans(&text[gap.clone()]) {
            out.push_str(&text[last..gap.start + span.start]);
            out.push_str("[CARD]");
            last = gap.start + span.end;
        }
    }
    out.push_str(&text[last..]);
    for (re, with) in patterns() {
        if re.is_match(&out) {
            out = re.replace_all(&out, *with).into_owned();
        }
    }
    escape_controls(&out)
}

/// The byte ranges of `text` outside the terminal's ids, in order.
fn between_ids(text: &str) -> Vec<std::ops::Range<usize>> {
    static ID: OnceLock<Option<Regex>> = OnceLock::new();
    let id = ID.get_or_init(|| {
        Regex::new(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-7[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}\b").ok()
    });
    let mut gaps = Vec::new();
    let mut from = 0;
    for m in id.iter().flat_map(|re| re.find_iter(text)) {
        gaps.push(from..m.start());
        from = m.end();
    }
    gaps.push(from..text.len());
    gaps
}

fn escape_controls(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A writer that redacts each formatted line before passing it on.
pub struct Redacting<W: Write>(W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // tracing's formatter hands over one whole event per write.
        let text = String::from_utf8_lossy(buf);
        let body = text.strip_suffix('\n').unwrap_or(&text);
        let mut line = redact(body);
        line.push('\n');
        self.0.write_all(line.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// `MakeWriter` wrapper: every writer it makes redacts.
pub struct RedactingMakeWriter<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for RedactingMakeWriter<M> {
    type Writer = Redacting<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        Redacting(self.0.make_writer())
    }
}

/// Keeps the background log writer alive; logs are flushed when dropped.
pub struct LogGuard(#[allow(dead_code)] Option<tracing_appender::non_blocking::WorkerGuard>);

/// Starts logging for the app or the CLI: daily files in `<home>/logs`
/// (`MERCHANT_TERMINAL_LOG` sets the level, default `info`) and, when
/// `also_stderr`, a copy on stderr — both redacted — and routes panics
/// through the same redaction. Safe to call once.
pub fn init(home: &Path, file_prefix: &str, also_stderr: bool) -> LogGuard {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::EnvFilter;

    let filter = || EnvFilter::try_from_env("MERCHANT_TERMINAL_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let dir = home.join("logs");
    let file = std::fs::create_dir_all(&dir)
        .ok()
        .and_then(|()| {
            tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix(file_prefix)
                .filename_suffix("log")
                .max_log_files(30)
                .build(&dir)
                .ok()
        })
        .map(tracing_appender::non_blocking);
    let (file_layer, guard) = match file {
        Some((writer, guard)) => (
            Some(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(RedactingMakeWriter(writer))
                    .with_filter(filter()),
            ),
            Some(guard),
        ),
        None => (None, None),
    };
    let stderr_layer = also_stderr.then(|| {
        // Colours only for a person at a terminal, never into a pipe or file.
        tracing_subscriber::fmt::layer()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(RedactingMakeWriter(std::io::stderr))
            .with_filter(filter())
    });
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    install_panic_hook(!also_stderr);
    LogGuard(guard)
}

/// A panic's message can show a value through `Debug` or a format string;
/// the default hook would print it raw to stderr. This one redacts it,
/// logs it (so support sees it in the bundle) and, when the log has no
/// stderr copy, prints the redacted text there too.
fn install_panic_hook(print: bool) {
    std::panic::set_hook(Box::new(move |info| {
        let text = redact(&info.to_string());
        tracing::error!(panic = %text, "the terminal stopped on an internal error");
        if print {
            eprintln!("{text}");
        }
    }));
}

use tracing_subscriber::Layer as _;

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes into a shared buffer, for reading what was logged.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut b) = self.0.lock() {
                b.extend_from_slice(buf);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_panic_is_logged_redacted() {
        let card = format!("4000{}0077", "0".repeat(8));
        let key = format!("sk_{}_{}", "live", "PanicCanary0099887766");
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        let previous = std::panic::take_hook();
        install_panic_hook(false);
        let outcome = tracing::subscriber::with_default(subscriber, || {
            std::panic::catch_unwind(|| panic!("state {key:?} while reading {card}"))
        });
        std::panic::set_hook(previous);
        assert!(outcome.is_err());
        let text = captured
            .0
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        assert!(text.contains("internal error"), "{text}");
        assert!(text.contains("[CARD]") && text.contains("sk_live_[REDACTED]"), "{text}");
        assert!(
            !text.contains(&card) && !text.contains("PanicCanary0099887766"),
            "{text}"
        );
    }

    #[test]
    fn secrets_cards_and_emails_are_masked() {
        let card = format!("{}{}", "4242".repeat(3), "4242");
        let spaced = format!("{} {} {} {}", &card[..4], &card[4..8], &card[8..12], &card[12..]);
        let key = format!("sk_{}_{}", "live", "51Habcdefghijklmnop");
        let line = format!(
            "charge card={card} again={spaced} key={key} rk_test_abcDEF123 whsec_zzz999 \
             mail=ann.smith+till@example.com bearer abc.def \
             Authorization: Basic c2tfdGVzdA== Stripe-Signature: t=1,v1=abc"
        );
        let out = redact(&line);
        for leaked in [
            card.as_str(),
            spaced.as_str(),
            "51Habcdefghijklmnop",
            "abcDEF123",
            "zzz999",
            "c2tfdGVzdA",
            "v1=abc",
            "abc.def",
            "ann.smith",
        ] {
            assert!(!out.contains(leaked), "{leaked} leaked in {out}");
        }
        assert!(
            out.contains("[CARD]") && out.contains("sk_live_[REDACTED]") && out.contains("[EMAIL]"),
            "{out}"
        );
    }

    #[test]
    fn every_spelling_of_a_card_is_masked_and_timestamps_are_kept() {
        let card = format!("{}{}", "4242".repeat(3), "4242");
        let groups = |sep: &str| {
            let g: Vec<&str> = (0..4).map(|i| &card[i * 4..i * 4 + 4]).collect();
            g.join(sep)
        };
        let full_width: String = groups(" ")
            .chars()
            .map(|c| c.to_digit(10).and_then(|d| char::from_u32(0xFF10 + d)).unwrap_or(c))
            .collect();
        for spelled in [
            format!("Table 7 {}", groups(" ")),
            groups("."),
            groups("  "),
            groups("\u{a0}"),
            groups("/"),
            full_width,
            format!("9{card}12"),
        ] {
            let stamp = "2026-12-01T17:35:20.123456Z";
            let out = redact(&format!("{stamp}  INFO charge: description={spelled} refused"));
            assert!(out.starts_with(stamp) && out.contains("[CARD]"), "{out}");
            let digits: String = out.chars().filter(char::is_ascii_digit).collect();
            assert!(!digits.contains(&card[..6]) && !digits.contains(&card[10..]), "{out}");
            assert!(!out.contains('\u{ff14}'), "{out}");
        }
    }

    #[test]
    fn a_description_cannot_forge_a_log_line() {
        let out = redact("desc=coffee\n2026-01-01 INFO fake: refund approved\r\u{1b}[31m");
        assert!(
            !out.contains('\n') && !out.contains('\r') && !out.contains('\u{1b}'),
            "{out}"
        );
        assert!(out.contains("\\n2026-01-01"));
        assert_eq!(redact("a\tb\u{1b}c é"), "a\\tb\\u{1b}c é");
    }

    /// A sale id whose digits hold a Luhn-valid run (seen in a crash
    /// campaign: its audit entry lost the id) is kept whole; a card number
    /// beside it, or shaped like an id of another kind, is still masked.
    #[test]
    fn the_terminals_ids_are_kept_whole() {
        let id = "01a23403-3393-7247-9f45-b43b00bcdccc";
        assert!(crate::pan::contains_card_number(id), "the id holds a card-like run");
        assert_eq!(redact(id), id);
        let card = format!("{} {} {} {}", "4242", "4242", "4242", "4242");
        assert_eq!(
            redact(&format!("sale {id} card {card}")),
            format!("sale {id} card [CARD]")
        );
        let card_shaped = "42424242-4242-4242-4242-424242424242";
        assert!(
            !redact(card_shaped).contains("4242-4242-4242"),
            "{}",
            redact(card_shaped)
        );
    }

    #[test]
    fn ordinary_lines_pass_unchanged() {
        let line = "sale=01a2 amount=1250 currency=USD status=approved order 12345";
        assert_eq!(redact(line), line);
    }
}
