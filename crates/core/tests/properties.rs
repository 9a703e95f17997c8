//! Property tests: the fuzzing that runs in the test command (a few hundred
//! generated cases per property, seeded by proptest; failures are shrunk
//! and saved). Targets: money parsing, sealed-value opening, the CSV cell
//! rule. Gateway response parsing has its own property in
//! `gateway::stripe`; the audit chain's tampering cases are in `audit`.
//!
//! A longer run: `PROPTEST_CASES=100000 cargo test -p merchant-core --test properties`.

use merchant_core::locale::{DecimalSeparator, Language};
use merchant_core::money::{format_minor, parse_amount, Currency, MinorUnits, Money, ParseRules};
use merchant_core::pan::card_number_spans;
use merchant_core::reports::csv::neutralise;
use merchant_core::vault::{Cell, MasterKey, Sealer, SubKeys};
use proptest::prelude::*;

fn sealer(byte: u8) -> Sealer {
    match MasterKey::from_slice(&[byte; 32]) {
        Some(k) => Sealer::ephemeral(&SubKeys::new(k)),
        None => panic!("32 bytes"),
    }
}

fn currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(Currency::ALL.to_vec())
}

proptest! {
    /// Whatever is typed, parsing answers (an amount or a clear error) and
    /// never panics; an accepted amount is positive and within the ceiling.
    #[test]
    fn parsing_any_text_never_panics(input in ".{0,40}", cur in currency()) {
        let rules = ParseRules::default();
        if let Ok(m) = parse_amount(&input, cur, &rules) {
            prop_assert!(m.get() > 0);
            prop_assert!(m.get() <= i64::try_from(rules.max_major_units).unwrap_or(i64::MAX) * cur.minor_per_major());
        }
    }

    /// What the terminal prints, it reads back exactly (up to the ceiling).
    #[test]
    fn formatted_amounts_parse_back(
        (cur, minor) in currency().prop_flat_map(|c| (Just(c), 1i64..=10_000 * c.minor_per_major()))
    ) {
        let text = format_minor(MinorUnits::new(minor), cur);
        prop_assert_eq!(parse_amount(&text, cur, &ParseRules::default()).map(MinorUnits::get), Ok(minor));
    }

    /// In every language, and with either decimal mark an owner may choose,
    /// an amount as the terminal writes it (grouped, with its symbol or
    /// code) reads back to the same minor units, and never reads back
    /// differently: it is refused instead.
    #[test]
    fn amounts_written_in_any_language_read_back_in_that_language(
        (cur, minor) in currency().prop_flat_map(|c| (Just(c), 1i64..=1_000_000 * c.minor_per_major())),
        language in prop::sample::select(Language::ALL.to_vec()),
        mark in prop::sample::select(vec![None, Some(DecimalSeparator::Point), Some(DecimalSeparator::Comma)]),
    ) {
        let style = mark.map_or(language.numbers(), |m| language.numbers().with_decimal(m));
        let rules = ParseRules { numbers: style, max_major_units: 1_000_000 };
        let money = Money::new(MinorUnits::new(minor), cur);
        let text = money.text(&style);
        prop_assert_eq!(parse_amount(&text, cur, &rules).map(MinorUnits::get), Ok(minor), "{}", text);
        // The number alone (no symbol) reads back too: what a cashier
        // copies from a receipt into the refund field.
        let bare: String = text.chars().filter(|c| c.is_ascii_digit() || *c == style.decimal || style.is_group_mark(*c)).collect();
        prop_assert_eq!(parse_amount(bare.trim(), cur, &rules).map(MinorUnits::get), Ok(minor), "{}", bare);
        // Read with another language's marks, it is refused or read the
        // same; never a different amount. (Not for three-decimal
        // currencies: `1,234` is a whole number in one language and a
        // fraction in another, which only the shop's own language decides.)
        for other in Language::ALL.into_iter().filter(|_| cur.exponent() != 3) {
            let theirs = ParseRules { numbers: other.numbers(), max_major_units: 1_000_000 };
            if let Ok(read) = parse_amount(&text, cur, &theirs) {
                prop_assert_eq!(read.get(), minor, "{} read as {} in {}", text, read.get(), other);
            }
        }
    }

    /// Random bytes never open, and never panic.
    #[test]
    fn random_bytes_never_open(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let s = sealer(1);
        prop_assert!(s.open(Cell::new("sales", "description", "row"), &bytes).is_err());
    }

    /// A sealed value opens in its own cell only, and any single flipped
    /// bit makes it refuse to open.
    #[test]
    fn sealed_values_open_only_intact_and_in_place(
        plain in prop::collection::vec(any::<u8>(), 0..300),
        flip in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let s = sealer(2);
        let cell = Cell::new("sales", "description", "row-1");
        let sealed = s.seal(cell, &plain);
        prop_assert_eq!(s.open(cell, &sealed).ok(), Some(plain.clone()));
        prop_assert!(s.open(Cell::new("sales", "description", "row-2"), &sealed).is_err());
        prop_assert!(sealer(3).open(cell, &sealed).is_err());
        let mut bad = sealed.clone();
        let i = flip.index(bad.len());
        bad[i] ^= 1 << bit;
        prop_assert!(s.open(cell, &bad).is_err());
    }

    /// No CSV cell can start like a formula, and only dangerous cells change.
    #[test]
    fn csv_cells_never_start_like_a_formula(cell in "\\PC{0,30}|[=+\\-@\\t\\r].{0,30}") {
        let safe = neutralise(&cell);
        prop_assert!(!safe.starts_with(['=', '+', '-', '@', '\t', '\r']));
        if !cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            prop_assert_eq!(safe.as_ref(), cell.as_str());
        } else {
            prop_assert_eq!(safe.as_ref(), format!("'{cell}"));
        }
    }

    /// The card-number spans the redactor masks are in order, never overlap
    /// (even where one character gives several digits, `⑫`), and lie on
    /// character boundaries inside the text.
    #[test]
    fn card_number_spans_are_ordered_and_disjoint(
        parts in prop::collection::vec(
            prop::sample::select(vec!["4", "2", "0", "1", "7", "9", "5", "3", " ", "-", "\u{246b}", "\u{2473}", "a", "\u{ff14}", "."]),
            0..80,
        )
    ) {
        let text: String = parts.concat();
        let spans: Vec<_> = card_number_spans(&text).collect();
        for s in &spans {
            prop_assert!(s.start < s.end && s.end <= text.len());
            prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
        for w in spans.windows(2) {
            prop_assert!(w[0].end <= w[1].start, "overlapping spans {:?} in {:?}", spans, text);
        }
    }
}
