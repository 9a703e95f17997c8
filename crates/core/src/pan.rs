//! Card-number detection.
//!
//! The terminal never accepts a card number: cards go through the reader or
//! the gateway's hosted fields. A cashier can still type one into a free-text
//! field, so text fields are checked with [`contains_card_number`] and refused
//! before anything is stored or logged.
//!
//! A card-like number is a run of 13–19 digits, optionally split by single
//! spaces or dashes, that passes the Luhn check.

/// True if `text` holds a Luhn-valid run of 13–19 digits (spaces/dashes allowed
/// between digits).
pub fn contains_card_number(text: &str) -> bool {
    card_number_spans(text).next().is_some()
}

/// Byte ranges of card-like numbers in `text`.
pub fn card_number_spans(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            // Collect one run: digits with single separators between them.
            let start = i;
            let mut digits: Vec<u8> = Vec::with_capacity(19);
            let mut end = i;
            let mut j = i;
            while j < bytes.len() {
                let b = bytes[j];
                if b.is_ascii_digit() {
                    digits.push(b - b'0');
                    j += 1;
                    end = j;
                } else if (b == b' ' || b == b'-') && j + 1 < bytes.len() && bytes[j + 1].is_ascii_digit() && j > start
                {
                    j += 1;
                } else {
                    break;
                }
            }
            i = end.max(start + 1);
            if let Some((from, to)) = luhn_window(&digits) {
                let (s, e) = byte_span(bytes, start, from, to);
                return Some(s..e);
            }
        }
        None
    })
}

/// A run of 13–19 digits counts as a whole; in a longer run (a number
/// glued to other digits) any 13–19 digit window counts.
fn luhn_window(digits: &[u8]) -> Option<(usize, usize)> {
    if (13..=19).contains(&digits.len()) {
        return luhn_valid(digits).then_some((0, digits.len()));
    }
    for len in (13..=19).rev() {
        if digits.len() < len {
            continue;
        }
        for from in 0..=digits.len() - len {
            if luhn_valid(&digits[from..from + len]) {
                return Some((from, from + len));
            }
        }
    }
    None
}

/// Maps digit indices within a run back to byte offsets in the text.
fn byte_span(bytes: &[u8], run_start: usize, from: usize, to: usize) -> (usize, usize) {
    let mut seen = 0;
    let mut s = run_start;
    let mut e = run_start;
    for (k, b) in bytes.iter().enumerate().skip(run_start) {
        if b.is_ascii_digit() {
            if seen == from {
                s = k;
            }
            seen += 1;
            if seen == to {
                e = k + 1;
                break;
            }
        }
    }
    (s, e)
}

fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
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
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Built at run time so no full test card number sits in the source.
    fn visa_test() -> String {
        format!("{}{}", "4242".repeat(3), "4242")
    }

    #[test]
    fn finds_card_numbers_in_any_spelling() {
        let n = visa_test();
        assert!(contains_card_number(&n));
        assert!(contains_card_number(&format!("note {} thanks", n)));
        let spaced = format!("{} {} {} {}", &n[..4], &n[4..8], &n[8..12], &n[12..]);
        assert!(contains_card_number(&spaced));
        assert!(contains_card_number(&spaced.replace(' ', "-")));
        assert!(contains_card_number(&format!("99{n}99")));
    }

    #[test]
    fn leaves_ordinary_numbers_alone() {
        assert!(!contains_card_number("table 12, 2 coffees, order 12345"));
        assert!(!contains_card_number("1234567890123")); // 13 digits, Luhn-invalid
        assert!(!contains_card_number(""));
        let n = visa_test();
        let mut broken = n.into_bytes();
        broken[15] = if broken[15] == b'9' { b'0' } else { broken[15] + 1 };
        assert!(!contains_card_number(&String::from_utf8_lossy(&broken)));
    }

    #[test]
    fn spans_cover_the_number() {
        let n = visa_test();
        let text = format!("ref {n} ok");
        let spans: Vec<_> = card_number_spans(&text).collect();
        assert_eq!(spans, vec![4..20]);
    }
}
