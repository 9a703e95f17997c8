//! Card-number detection.
//!
//! The terminal never accepts a card number: cards go through the reader or
//! the gateway's hosted fields. A cashier can still type one into a free-text
//! field, so text fields are checked with [`contains_card_number`] and refused
//! before anything is stored, and the log and bundle redactor masks what
//! [`card_number_spans`] finds.
//!
//! The rule, one for refusing and redacting:
//! - the text is read after Unicode compatibility normalisation (NFKC), so
//!   full-width, superscript, circled and mathematical digits are digits,
//!   and so are the decimal digits of every other script (Arabic-Indic,
//!   Devanagari, …);
//! - a *digit sequence* is every digit up to the next letter: anything that
//!   is neither a digit nor a letter (spaces of any kind and any number,
//!   dots, dashes, slashes, commas, brackets, zero-width characters, marks,
//!   and the modifier letters typed as dashes such as `ー`) is a separator
//!   and does not end it;
//! - the sequence holds a card number if any window of 13–19 consecutive
//!   digits that starts with a non-zero digit passes the Luhn check. So a
//!   number written before the card (`Table 7` and the card make one 17-digit
//!   run) or digits glued to either end do not hide it.
//!
//! A span covers the whole sequence (from its first to its last digit), so
//! the redactor leaves none of a card's digits behind.
//!
//! Not covered: a card number whose digit groups are split by letters
//! (`4111x1111…`) or spelled out in words. Letters end a sequence on purpose:
//! ids and hashes (hex) would otherwise read as endless digit runs.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

/// Shortest and longest card numbers (ISO/IEC 7812).
const MIN_LEN: usize = 13;
const MAX_LEN: usize = 19;

/// True if `text` holds a Luhn-valid 13–19-digit window in any digit
/// sequence (see the module docs for what separates and what ends one).
pub fn contains_card_number(text: &str) -> bool {
    card_number_spans(text).next().is_some()
}

/// Byte ranges (into `text`, on char boundaries, in order, not overlapping)
/// of the digit sequences that hold a card-like number.
pub fn card_number_spans(text: &str) -> impl Iterator<Item = Range<usize>> {
    let mut spans = Vec::new();
    let mut run = Run::default();
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        if c.is_ascii() {
            run.feed(classify(c), at, end, &mut spans);
        } else {
            for n in std::iter::once(c).nfkc() {
                run.feed(classify(n), at, end, &mut spans);
            }
        }
    }
    run.finish(&mut spans);
    spans.into_iter()
}

#[derive(Clone, Copy)]
enum Class {
    Digit(u8),
    Letter,
    Separator,
}

fn classify(c: char) -> Class {
    if let Some(d) = digit_value(c) {
        Class::Digit(d)
    } else if c.is_alphabetic() && !is_dash_like_letter(c) {
        Class::Letter
    } else {
        Class::Separator
    }
}

/// Modifier letters people type as dashes or quotes between digit groups
/// (the Japanese long-vowel mark `ー`, the modifier apostrophes and
/// accents): letters to Unicode, separators to a reader.
fn is_dash_like_letter(c: char) -> bool {
    matches!(c, '\u{2b0}'..='\u{2ff}' | '\u{30fc}')
}

/// The code point of every zero of a Unicode decimal digit set (general
/// category Nd): each set is ten consecutive code points, 0 to 9.
/// Checked against the `regex` crate's `\p{Nd}` in the tests.
const DIGIT_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0,
    0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x10D40, 0x11066, 0x110F0, 0x11136,
    0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x116D0, 0x116DA, 0x11730, 0x118E0, 0x11950, 0x11BF0,
    0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16130, 0x16A60, 0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE, 0x1D7D8,
    0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E5F1, 0x1E950, 0x1FBF0,
];

fn digit_value(c: char) -> Option<u8> {
    if c.is_ascii() {
        return c.is_ascii_digit().then(|| c as u8 - b'0');
    }
    let cp = u32::from(c);
    let i = DIGIT_ZEROS.partition_point(|&z| z <= cp).checked_sub(1)?;
    let offset = cp - DIGIT_ZEROS[i];
    u8::try_from(offset).ok().filter(|d| *d < 10)
}

/// Prefix sums kept for the last `RING` positions: enough for every window
/// of up to `MAX_LEN` digits ending at the newest digit.
const RING: usize = MAX_LEN + 1;

/// What a digit adds to a Luhn sum when it is doubled: twice the digit, with
/// the two digits of a two-digit result added together.
const LUHN_DOUBLED: [u8; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];

/// The digit sequence being read, checked as it grows in constant memory
/// (a 10 MB paste of digits costs a linear scan, not a copy).
#[derive(Default)]
struct Run {
    /// Digits in the sequence so far.
    count: usize,
    /// A window already passed: the rest only extends the span.
    found: bool,
    first: usize,
    last_end: usize,
    /// `digits[k % RING]` is digit `k`.
    digits: [u8; RING],
    /// `sums[i % RING]` are the Luhn prefix sums of digits `0..i`:
    /// `[plain, doubled]` for each position parity (see [`Run::push`]).
    sums: [[[u64; 2]; 2]; RING],
}

impl Run {
    fn feed(&mut self, class: Class, at: usize, end: usize, spans: &mut Vec<Range<usize>>) {
        match class {
            Class::Digit(d) => {
                if self.count == 0 {
                    self.first = at;
                }
                self.push(d);
                self.last_end = end;
            }
            Class::Letter => self.finish(spans),
            Class::Separator => {}
        }
    }

    /// Adds digit `k = count` and checks every 13–19-digit window ending at
    /// it that starts with a non-zero digit. The Luhn sum of a window leaves
    /// its last digit as is, doubles the one before, and so on: with `q` the
    /// parity of the last position, it is the plain sum of the digits at
    /// parity `q` plus the doubled sum of those at the other parity, each a
    /// difference of two prefix sums.
    fn push(&mut self, d: u8) {
        let k = self.count;
        let before = if k == 0 { [[0; 2]; 2] } else { self.sums[k % RING] };
        let mut after = before;
        let plain = u64::from(d);
        let doubled = u64::from(LUHN_DOUBLED[usize::from(d)]); // d is 0..=9 (digit_value)
        after[k % 2][0] += plain;
        after[k % 2][1] += doubled;
        self.digits[k % RING] = d;
        self.sums[(k + 1) % RING] = after;
        if k == 0 {
            self.sums[0] = [[0; 2]; 2];
        }
        self.count = k + 1;
        if self.found || self.count < MIN_LEN {
            return;
        }
        let b = self.count;
        let q = k % 2;
        let lengths = MIN_LEN..=MAX_LEN.min(b);
        self.found = lengths.into_iter().any(|len| {
            let a = b - len;
            let s = self.sums[a % RING];
            let sum = after[q][0] - s[q][0] + after[1 - q][1] - s[1 - q][1];
            self.digits[a % RING] != 0 && sum.is_multiple_of(10)
        });
    }

    fn finish(&mut self, spans: &mut Vec<Range<usize>>) {
        // Runs are separated by letters and every char is at most one
        // digit, so spans never overlap.
        if self.found {
            spans.push(self.first..self.last_end);
        }
        self.count = 0;
        self.found = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Built at run time so no full test card number sits in the source.
    fn visa_test() -> String {
        format!("{}{}", "4242".repeat(3), "4242")
    }

    /// `body` followed by its Luhn check digit.
    fn with_check_digit(body: &str) -> String {
        let sum: u32 = body
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0');
                if i % 2 == 0 {
                    let x = d * 2;
                    if x > 9 {
                        x - 9
                    } else {
                        x
                    }
                } else {
                    d
                }
            })
            .sum();
        format!("{body}{}", (10 - sum % 10) % 10)
    }

    fn groups(n: &str, sep: &str) -> String {
        n.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(sep)
    }

    fn full_width(s: &str) -> String {
        s.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0xFF10 + d).unwrap_or(c),
                None if c == ' ' => '\u{3000}',
                None => c,
            })
            .collect()
    }

    /// `text` with its spans masked, as the redactor does.
    fn masked(text: &str) -> String {
        let mut out = String::new();
        let mut last = 0;
        for s in card_number_spans(text) {
            out.push_str(&text[last..s.start]);
            out.push_str("[CARD]");
            last = s.end;
        }
        out.push_str(&text[last..]);
        out
    }

    fn spellings(n: &str) -> Vec<String> {
        let spaced = groups(n, " ");
        vec![
            n.to_string(),
            spaced.clone(),
            format!("Table 7 {spaced}"),
            format!("table 12, {spaced} thanks"),
            groups(n, "."),
            groups(n, "-"),
            groups(n, "/"),
            groups(n, "  "),
            groups(n, " - "),
            groups(n, "\u{a0}"),
            groups(n, "\u{202f}"),
            groups(n, "\u{2009}"),
            groups(n, "\u{200b}"),
            groups(n, "\t"),
            groups(n, "_"),
            groups(n, "\u{30fc}"),
            groups(n, "\u{ff70}"),
            groups(n, "\u{2bc}"),
            groups(n, ","),
            full_width(&spaced),
            full_width(n),
            n.chars().map(|c| format!("{c} ")).collect(),
            format!("9{n}"),
            format!("12{n}"),
            format!("{n}7"),
            format!("{n}04"),
            format!("33{spaced}44"),
            format!("({}) {}", &n[..4], &n[4..]),
            // Arabic-Indic digits.
            n.chars()
                .map(|c| c.to_digit(10).and_then(|d| char::from_u32(0x660 + d)).unwrap_or(c))
                .collect(),
            // Circled and superscript forms normalise to digits too.
            n.chars()
                .map(|c| match c {
                    '1' => '\u{b9}',
                    '2' => '\u{b2}',
                    '3' => '\u{b3}',
                    _ => c,
                })
                .collect(),
        ]
    }

    #[test]
    fn finds_card_numbers_in_any_spelling() {
        for n in [
            visa_test(),
            with_check_digit("491673052861370"),
            with_check_digit("37828224631000"),
        ] {
            for s in spellings(&n) {
                assert!(contains_card_number(&s), "missed {s:?}");
                let out = masked(&s);
                assert!(!contains_card_number(&out), "{s:?} -> {out:?}");
                assert!(!out.chars().any(|c| c.is_numeric()), "{s:?} -> {out:?}");
            }
        }
    }

    #[test]
    fn leaves_ordinary_numbers_alone() {
        assert!(!contains_card_number("table 12, 2 coffees, order 12345"));
        assert!(!contains_card_number("1234567890123")); // 13 digits, Luhn-invalid
        assert!(!contains_card_number(""));
        // Zero-padded numbers (PDF offsets, counters) are not cards.
        assert!(!contains_card_number("0000000000 65535 f 0000000009 00000 n"));
        assert!(!contains_card_number("123456789012")); // 12 digits
                                                        // Every window of a longer run is checked: none of these passes.
        assert!(!contains_card_number("1111 1111 1111 1111 1"));
        // Letters end a sequence: ids and hashes are not digit runs.
        assert!(!contains_card_number("sale 3f2a9c10-7d1e-4b7a-9c1d-2e3f4a5b6c7d"));
    }

    #[test]
    fn spans_cover_the_number() {
        let n = visa_test();
        let text = format!("ref {n} ok");
        let spans: Vec<_> = card_number_spans(&text).collect();
        assert_eq!(spans, vec![4..20]);
        let text = format!("Table 7 {}!", groups(&n, "\u{a0}"));
        let spans: Vec<_> = card_number_spans(&text).collect();
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].end..], "!");
        assert_eq!(&text[..spans[0].start], "Table ");
    }

    /// Two numbers apart are two spans: what lies between them is kept.
    #[test]
    fn two_numbers_are_two_spans() {
        let n = visa_test();
        let text = format!("{n} then {n}");
        let spans: Vec<_> = card_number_spans(&text).collect();
        assert_eq!(spans, vec![0..16, 22..38]);
        assert_eq!(&text[spans[0].end..spans[1].start], " then ");
    }

    #[test]
    fn every_unicode_decimal_digit_is_a_digit() {
        let nd = regex::Regex::new(r"^\p{Nd}$").unwrap_or_else(|e| panic!("{e}"));
        for cp in 0..=0x10_FFFFu32 {
            let Some(c) = char::from_u32(cp) else { continue };
            let mut buf = [0u8; 4];
            if nd.is_match(c.encode_utf8(&mut buf)) {
                assert!(digit_value(c).is_some(), "U+{cp:04X} is a decimal digit");
            } else {
                assert!(digit_value(c).is_none(), "U+{cp:04X} is not a decimal digit");
            }
        }
    }

    fn luhn_number() -> impl Strategy<Value = String> {
        (1u8..=9, proptest::collection::vec(0u8..=9, 11..=17)).prop_map(|(first, rest)| {
            let body: String = std::iter::once(first)
                .chain(rest)
                .map(|d| char::from(b'0' + d))
                .collect();
            with_check_digit(&body)
        })
    }

    fn separator() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "", "", " ", "  ", "\u{a0}", "\u{202f}", "\u{2007}", "\u{3000}", ".", "-", "/", " / ", "_", "\u{200b}",
            "\u{ad}", ", ", "\u{2013}", "\u{ff0d}",
        ])
    }

    proptest! {
        #[test]
        fn any_separators_and_neighbours_are_caught(
            n in luhn_number(),
            seps in proptest::collection::vec(separator(), 19),
            before in "[0-9]{0,3}",
            after in "[0-9]{0,3}",
            prefix in proptest::sample::select(vec!["", "Table 7 ", "note: ", "n° 12 ", "x"]),
            wide in any::<bool>(),
        ) {
            let mut spelled = before.clone();
            for (i, c) in n.chars().enumerate() {
                if i > 0 {
                    spelled.push_str(seps[i]);
                }
                spelled.push(c);
            }
            spelled.push_str(&after);
            let spelled = if wide { full_width(&spelled) } else { spelled };
            let text = format!("{prefix}{spelled} end");
            prop_assert!(contains_card_number(&text), "missed {:?}", text);
            let out = masked(&text);
            prop_assert!(!out.chars().any(|c| c.is_numeric() && !prefix.contains(c)), "{:?} -> {:?}", text, out);
        }

        #[test]
        fn spans_are_ordered_char_boundaries(text in "\\PC{0,80}") {
            let mut last = 0;
            for s in card_number_spans(&text) {
                prop_assert!(s.start >= last && s.start < s.end && s.end <= text.len());
                prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                last = s.end;
            }
        }
    }
}
