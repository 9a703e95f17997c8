//! Money as the terminal handles it: integer minor units with an ISO 4217
//! currency, and a strict parser for what a cashier types.
//!
//! Guarantees:
//! - no floating point anywhere: amounts are `i64` minor units, parsed digit
//!   by digit and checked for overflow;
//! - the currency's own exponent decides how many decimals are allowed
//!   (JPY 0, USD 2, KWD 3), so `12.5` in JPY or `12.345` in USD is refused
//!   rather than rounded;
//! - every refusal is a distinct [`MoneyError`] a cashier can act on.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::locale::DecimalSeparator;
use crate::locale::NumberStyle;

/// An amount in the currency's smallest unit (cents for USD, yen for JPY).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(type = "number")]
pub struct MinorUnits(i64);

impl MinorUnits {
    pub const ZERO: Self = Self(0);

    pub const fn new(value: i64) -> Self {
        Self(value)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }
}

/// The ISO 4217 currencies the terminal accepts, with their exponents.
///
/// Kept as a closed list on purpose: an unknown code is refused rather than
/// guessed at, because a wrong exponent multiplies an amount by 10 or 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    Aud,
    Bhd,
    Cad,
    Chf,
    Czk,
    Dkk,
    Eur,
    Gbp,
    Isk,
    Jpy,
    Krw,
    Kwd,
    Nok,
    Nzd,
    Pln,
    Sek,
    Usd,
}

impl Currency {
    pub const ALL: [Currency; 17] = [
        Self::Aud,
        Self::Bhd,
        Self::Cad,
        Self::Chf,
        Self::Czk,
        Self::Dkk,
        Self::Eur,
        Self::Gbp,
        Self::Isk,
        Self::Jpy,
        Self::Krw,
        Self::Kwd,
        Self::Nok,
        Self::Nzd,
        Self::Pln,
        Self::Sek,
        Self::Usd,
    ];

    /// Number of decimal places of the minor unit.
    pub const fn exponent(self) -> u32 {
        match self {
            Self::Isk | Self::Jpy | Self::Krw => 0,
            Self::Bhd | Self::Kwd => 3,
            _ => 2,
        }
    }

    pub const fn code(self) -> &'static str {
        match self {
            Self::Aud => "AUD",
            Self::Bhd => "BHD",
            Self::Cad => "CAD",
            Self::Chf => "CHF",
            Self::Czk => "CZK",
            Self::Dkk => "DKK",
            Self::Eur => "EUR",
            Self::Gbp => "GBP",
            Self::Isk => "ISK",
            Self::Jpy => "JPY",
            Self::Krw => "KRW",
            Self::Kwd => "KWD",
            Self::Nok => "NOK",
            Self::Nzd => "NZD",
            Self::Pln => "PLN",
            Self::Sek => "SEK",
            Self::Usd => "USD",
        }
    }

    /// Symbols a cashier might type in front of or behind an amount. Only
    /// unambiguous ones: `$` alone could be USD, CAD, AUD or NZD, so it is
    /// accepted for each of them but never used to pick a currency.
    fn symbols(self) -> &'static [&'static str] {
        match self {
            Self::Usd | Self::Cad | Self::Aud | Self::Nzd => &["$"],
            Self::Eur => &["€"],
            Self::Gbp => &["£"],
            Self::Jpy => &["¥", "￥"],
            Self::Krw => &["₩"],
            _ => &[],
        }
    }

    /// The symbol amounts are written with, where it names this currency
    /// alone in the shop's eyes (`$` is the US dollar's; the other dollars
    /// are written with their code, as CLDR's languages here write them).
    pub const fn display_symbol(self) -> Option<&'static str> {
        match self {
            Self::Usd => Some("$"),
            Self::Eur => Some("€"),
            Self::Gbp => Some("£"),
            Self::Jpy => Some("¥"),
            Self::Krw => Some("₩"),
            _ => None,
        }
    }

    /// `10^exponent`, the number of minor units in one major unit.
    pub const fn minor_per_major(self) -> i64 {
        10_i64.pow(self.exponent())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code = s.trim().to_ascii_uppercase();
        Self::ALL
            .into_iter()
            .find(|c| c.code() == code)
            .ok_or(MoneyError::UnknownCurrency)
    }
}

/// An amount with its currency. The only way money moves through the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount: MinorUnits,
    pub currency: Currency,
}

impl Money {
    pub const fn new(amount: MinorUnits, currency: Currency) -> Self {
        Self { amount, currency }
    }

    /// Formats with the currency's own decimals, e.g. `12.50 USD`, `1250 JPY`:
    /// the plain form logs, files and the CLI's JSON use.
    pub fn display(&self) -> String {
        format!("{} {}", format_minor(self.amount, self.currency), self.currency)
    }

    /// As the shop's language writes it: `$1,234.56`, `1.234,56 €`,
    /// `1 234,56 €`, `CHF 12.50`, `1.235 ¥`. [`parse_amount`] with the same
    /// style reads it back to the same minor units.
    pub fn text(&self, style: &NumberStyle) -> String {
        let exp = self.currency.exponent();
        let abs = self.amount.get().unsigned_abs();
        let per = 10_u64.pow(exp);
        let mut number = style.group_digits(&(abs / per).to_string());
        if exp > 0 {
            number.push(style.decimal);
            number.push_str(&format!("{:0width$}", abs % per, width = exp as usize));
        }
        let sign = if self.amount.get() < 0 { "-" } else { "" };
        let nbsp = crate::locale::NBSP;
        match (self.currency.display_symbol(), style.symbol_first) {
            (Some(symbol), true) => format!("{sign}{symbol}{number}"),
            (None, true) => format!("{sign}{}{nbsp}{number}", self.currency.code()),
            (symbol, false) => format!("{sign}{number}{nbsp}{}", symbol.unwrap_or(self.currency.code())),
        }
    }
}

/// Formats minor units as a plain decimal string with the currency's
/// exponent (`1250` USD → `12.50`). Used by receipts, the CLI and exports.
pub fn format_minor(amount: MinorUnits, currency: Currency) -> String {
    let exp = currency.exponent();
    let value = amount.get();
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    if exp == 0 {
        return format!("{sign}{abs}");
    }
    let per = 10_u64.pow(exp);
    format!("{sign}{}.{:0width$}", abs / per, abs % per, width = exp as usize)
}

/// Rules for [`parse_amount`]: how the shop writes numbers and the ceiling
/// above which a single charge is refused (a typo guard, owner-configurable).
#[derive(Debug, Clone, Copy)]
pub struct ParseRules {
    pub numbers: NumberStyle,
    /// Largest accepted amount in major units of the currency.
    pub max_major_units: u64,
}

impl Default for ParseRules {
    fn default() -> Self {
        Self {
            numbers: NumberStyle::default(),
            max_major_units: 10_000,
        }
    }
}

/// Why a typed amount was refused. Each variant's message is safe to show:
/// it names the problem and never repeats what was typed (which could be a
/// card number or a PIN typed into the wrong field), and no variant carries
/// the input, so neither `Display` nor `Debug` can leak it into a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    #[error("Enter an amount.")]
    Empty,
    #[error("Amounts cannot be negative; use a refund to give money back.")]
    Negative,
    #[error("The amount must be more than zero.")]
    Zero,
    #[error("The amount holds a character that is not allowed; type digits and one decimal separator.")]
    InvalidCharacter,
    #[error("{currency} has {allowed} decimal places; the amount has more.")]
    TooManyDecimals { currency: Currency, allowed: u32 },
    #[error("The amount has more than one decimal separator.")]
    SeveralDecimalSeparators,
    #[error("The amount's digit grouping is not valid; group thousands in threes or leave them out.")]
    BadGrouping,
    #[error("At this till decimals are written after \"{decimal}\" and thousands are grouped in threes.")]
    DecimalMarkIs { decimal: char },
    #[error("The amount names another currency, but the sale is in {expected}.")]
    CurrencyMismatch { expected: Currency },
    #[error("The amount is above this till's limit of {}.", .limit.display())]
    AboveCeiling { limit: Money },
    #[error("Unknown or unsupported currency: use a code such as EUR or USD.")]
    UnknownCurrency,
    #[error("The amount looks like a card number. Card numbers are never typed into the terminal.")]
    LooksLikeCardNumber,
}

/// Parses an amount as a person types it into minor units of `currency`.
///
/// Accepted: `12`, `12.5`, `12.50`, `1,234.50` / `1.234,50` (per the
/// decimal separator), `1 234` (space or no-break space grouping), an
/// optional currency code or symbol that matches `currency`.
/// Refused: signs, exponents, more decimals than the currency has, zero,
/// anything above the ceiling, and any other character.
pub fn parse_amount(input: &str, currency: Currency, rules: &ParseRules) -> Result<MinorUnits, MoneyError> {
    if crate::pan::contains_card_number(input) {
        return Err(MoneyError::LooksLikeCardNumber);
    }
    let number = strip_currency(input.trim(), currency)?;
    if number.is_empty() {
        return Err(MoneyError::Empty);
    }
    if number.starts_with('-') || number.starts_with('\u{2212}') {
        return Err(MoneyError::Negative);
    }
    let style = rules.numbers;
    let decimal = style.decimal;
    let mut parts = number.split(decimal);
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    if parts.next().is_some() {
        return Err(MoneyError::SeveralDecimalSeparators);
    }

    let whole_digits = whole_digits(whole, &style)?;
    let fraction = fraction.unwrap_or("");
    if let Some(c) = fraction.chars().find(|c| !c.is_ascii_digit()) {
        return Err(if is_mark(c) {
            MoneyError::DecimalMarkIs { decimal }
        } else {
            MoneyError::InvalidCharacter
        });
    }
    if whole_digits.is_empty() && fraction.is_empty() {
        return Err(MoneyError::Empty);
    }
    let exp = currency.exponent();
    if fraction.len() > exp as usize {
        return Err(MoneyError::TooManyDecimals { currency, allowed: exp });
    }

    let limit = MinorUnits(
        i64::try_from(rules.max_major_units)
            .unwrap_or(i64::MAX)
            .saturating_mul(currency.minor_per_major()),
    );
    let above = || MoneyError::AboveCeiling {
        limit: Money::new(limit, currency),
    };
    let mut minor: i64 = 0;
    let padded = fraction.chars().chain(std::iter::repeat('0')).take(exp as usize);
    for c in whole_digits.chars().chain(padded) {
        let d = i64::from(c as u8 - b'0');
        minor = minor.checked_mul(10).and_then(|m| m.checked_add(d)).ok_or_else(above)?;
    }
    if minor == 0 {
        return Err(MoneyError::Zero);
    }
    if minor > limit.get() {
        return Err(above());
    }
    Ok(MinorUnits(minor))
}

/// Removes one leading or trailing currency marker, refusing one that names
/// a different currency than the sale's.
fn strip_currency(input: &str, currency: Currency) -> Result<&str, MoneyError> {
    let mut rest = input;
    let mut markers = vec![currency.code()];
    markers.extend_from_slice(currency.symbols());
    for m in &markers {
        if let Some(r) = strip_marker(rest, m) {
            rest = r;
            break;
        }
    }
    // A marker for another currency (or a letter run) left behind is named
    // back to the cashier rather than reported as a stray character.
    let letters: String = rest
        .chars()
        .filter(|c| !c.is_ascii_digit() && !" .,'\u{a0}\u{202f}-\u{2212}".contains(*c))
        .collect();
    if !letters.is_empty() {
        let typed = letters.trim();
        let is_other_currency =
            Currency::from_str(typed).is_ok() || Currency::ALL.iter().any(|c| c.symbols().contains(&typed));
        if is_other_currency {
            return Err(MoneyError::CurrencyMismatch { expected: currency });
        }
    }
    Ok(rest.trim())
}

fn strip_marker<'a>(s: &'a str, marker: &str) -> Option<&'a str> {
    if let Some(r) = s.strip_prefix(marker) {
        return Some(r.trim_start());
    }
    let upper = s.to_ascii_uppercase();
    if upper.ends_with(marker) {
        return s.get(..s.len() - marker.len()).map(str::trim_end);
    }
    None
}

/// Validates digit grouping in the whole part and returns its digits.
///
/// A point or comma that cannot be this style's thousands mark (`12.50`
/// at a German till, `12,50` at an American one) is the other country's
/// decimal mark: the cashier is told which mark this till uses rather than
/// that the grouping is wrong, and the amount is never guessed.
fn whole_digits(whole: &str, style: &NumberStyle) -> Result<String, MoneyError> {
    let wrong_mark = MoneyError::DecimalMarkIs { decimal: style.decimal };
    if let Some(c) = whole.chars().find(|&c| !(c.is_ascii_digit() || style.is_group_mark(c))) {
        return Err(if is_mark(c) {
            wrong_mark
        } else {
            MoneyError::InvalidCharacter
        });
    }
    let groups: Vec<&str> = whole.split(|c: char| style.is_group_mark(c)).collect();
    if let [first, .., last] = groups.as_slice() {
        let last_mark = whole.chars().rev().find(|&c| style.is_group_mark(c));
        if (1..=2).contains(&last.len()) && last_mark.is_some_and(is_mark) {
            return Err(wrong_mark);
        }
        // A leading zero before a thousands mark (`0,001`) is no grouping
        // anyone writes: refused rather than read as a thousand.
        let first_ok = (1..=3).contains(&first.len()) && !first.starts_with('0');
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return Err(MoneyError::BadGrouping);
        }
    }
    Ok(groups.concat())
}

/// The two marks countries write decimals with.
fn is_mark(c: char) -> bool {
    c == '.' || c == ','
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(s: &str) -> Result<i64, MoneyError> {
        parse_amount(s, Currency::Usd, &ParseRules::default()).map(MinorUnits::get)
    }

    /// Each symbol is accepted with the currencies it can mean, and refused
    /// with any other: `£12` is never taken as twelve dollars.
    #[test]
    fn each_symbol_belongs_to_its_currencies() {
        let table: [(&str, &[Currency]); 6] = [
            ("$", &[Currency::Usd, Currency::Cad, Currency::Aud, Currency::Nzd]),
            ("€", &[Currency::Eur]),
            ("£", &[Currency::Gbp]),
            ("¥", &[Currency::Jpy]),
            ("￥", &[Currency::Jpy]),
            ("₩", &[Currency::Krw]),
        ];
        for (symbol, theirs) in table {
            for c in Currency::ALL {
                let r = parse_amount(&format!("{symbol}12"), c, &ParseRules::default());
                if theirs.contains(&c) {
                    assert_eq!(r, Ok(MinorUnits::new(12 * c.minor_per_major())), "{symbol} {c}");
                } else {
                    assert!(r.is_err(), "{symbol} accepted for {c}");
                }
            }
        }
    }

    #[test]
    fn accepts_what_people_type() {
        assert_eq!(usd("12.50"), Ok(1250));
        assert_eq!(usd("12.5"), Ok(1250));
        assert_eq!(usd("12"), Ok(1200));
        assert_eq!(usd(".99"), Ok(99));
        assert_eq!(usd("1,234.56"), Ok(123_456));
        assert_eq!(usd("1 000"), Ok(100_000));
        assert_eq!(usd("1\u{a0}000.01"), Ok(100_001));
        assert_eq!(usd("$12.50"), Ok(1250));
        assert_eq!(usd("12.50 USD"), Ok(1250));
        assert_eq!(usd("12.50 usd"), Ok(1250));
        assert_eq!(usd("  7.05  "), Ok(705));
        assert_eq!(usd("10000"), Ok(1_000_000));
    }

    fn in_language(language: crate::locale::Language) -> ParseRules {
        ParseRules {
            numbers: language.numbers(),
            ..ParseRules::default()
        }
    }

    #[test]
    fn amounts_are_written_as_each_language_writes_them() {
        use crate::locale::Language::{De, En, Es, Fr};
        let eur = |minor| Money::new(MinorUnits::new(minor), Currency::Eur);
        assert_eq!(eur(123_456).text(&De.numbers()), "1.234,56\u{a0}€");
        assert_eq!(eur(123_456).text(&Fr.numbers()), "1\u{202f}234,56\u{a0}€");
        assert_eq!(eur(123_456).text(&Es.numbers()), "1234,56\u{a0}€");
        assert_eq!(eur(1_234_567).text(&Es.numbers()), "12.345,67\u{a0}€");
        assert_eq!(eur(-1250).text(&De.numbers()), "-12,50\u{a0}€");
        let usd = Money::new(MinorUnits::new(123_456), Currency::Usd);
        assert_eq!(usd.text(&En.numbers()), "$1,234.56");
        let chf = Money::new(MinorUnits::new(1250), Currency::Chf);
        assert_eq!(chf.text(&En.numbers()), "CHF\u{a0}12.50");
        assert_eq!(chf.text(&De.numbers()), "12,50\u{a0}CHF");
        let jpy = Money::new(MinorUnits::new(1235), Currency::Jpy);
        assert_eq!(jpy.text(&En.numbers()), "¥1,235");
        assert_eq!(jpy.text(&De.numbers()), "1.235\u{a0}¥");
        let krw = Money::new(MinorUnits::new(5000), Currency::Krw);
        assert_eq!(krw.text(&En.numbers()), "₩5,000");
        let gbp = Money::new(MinorUnits::new(1250), Currency::Gbp);
        assert_eq!(gbp.text(&En.numbers()), "£12.50");
        assert_eq!(gbp.text(&Fr.numbers()), "12,50\u{a0}£");
        // Nothing owed is written without a sign: "-$0.00" on a receipt
        // reads as a refund.
        assert_eq!(
            Money::new(MinorUnits::new(0), Currency::Usd).text(&En.numbers()),
            "$0.00"
        );
        assert_eq!(eur(0).text(&Fr.numbers()), "0,00\u{a0}€");
    }

    #[test]
    fn the_other_countrys_decimal_mark_is_named_not_guessed() {
        use crate::locale::Language::{De, En, Fr};
        let eur = |s: &str, l| parse_amount(s, Currency::Eur, &in_language(l)).map(MinorUnits::get);
        let is = |decimal| Err(MoneyError::DecimalMarkIs { decimal });
        assert_eq!(eur("12,50", En), is('.'));
        assert_eq!(eur("12.50", De), is(','));
        assert_eq!(eur("12.5", De), is(','));
        assert_eq!(eur("12.50", Fr), is(','));
        assert_eq!(eur("1.234,5", En), is('.'));
        assert_eq!(eur("1 234.50", Fr), is(','));
        // Read either way it is a real amount, so the mark decides: a
        // thousand in German, and three decimals (refused) in English.
        assert_eq!(eur("1.234", De), Ok(123_400));
        assert!(matches!(eur("1.234", En), Err(MoneyError::TooManyDecimals { .. })));
        assert_eq!(eur("1,2345", En), Err(MoneyError::BadGrouping));
        assert_eq!(eur("0,001", En), Err(MoneyError::BadGrouping));
        assert_eq!(eur("12 50", En), Err(MoneyError::BadGrouping));
        assert_eq!(eur("1 234,50", Fr), Ok(123_450));
        assert_eq!(eur("1\u{202f}234,50\u{a0}€", Fr), Ok(123_450));
        assert!(!MoneyError::DecimalMarkIs { decimal: ',' }.to_string().contains("12"));
    }

    #[test]
    fn comma_locale() {
        let rules = ParseRules {
            numbers: NumberStyle::default().with_decimal(DecimalSeparator::Comma),
            ..ParseRules::default()
        };
        assert_eq!(
            parse_amount("12,50", Currency::Eur, &rules).map(MinorUnits::get),
            Ok(1250)
        );
        assert_eq!(
            parse_amount("1.234,50 €", Currency::Eur, &rules).map(MinorUnits::get),
            Ok(123_450)
        );
        assert!(matches!(
            parse_amount("12,505", Currency::Eur, &rules),
            Err(MoneyError::TooManyDecimals { .. })
        ));
    }

    #[test]
    fn exponent_aware() {
        let r = ParseRules::default();
        assert_eq!(parse_amount("1250", Currency::Jpy, &r).map(MinorUnits::get), Ok(1250));
        assert_eq!(parse_amount("¥1,250", Currency::Jpy, &r).map(MinorUnits::get), Ok(1250));
        assert_eq!(
            parse_amount("12.345", Currency::Kwd, &r).map(MinorUnits::get),
            Ok(12_345)
        );
        assert!(matches!(
            parse_amount("¥12.5", Currency::Jpy, &r),
            Err(MoneyError::TooManyDecimals { allowed: 0, .. })
        ));
        assert!(matches!(
            parse_amount("12.3456", Currency::Kwd, &r),
            Err(MoneyError::TooManyDecimals { allowed: 3, .. })
        ));
    }

    #[test]
    fn refuses_bad_input_with_a_reason() {
        assert_eq!(usd("-1"), Err(MoneyError::Negative));
        assert_eq!(usd("−1"), Err(MoneyError::Negative));
        assert_eq!(usd("1e9"), Err(MoneyError::InvalidCharacter));
        assert!(matches!(
            usd("12.345 USD"),
            Err(MoneyError::TooManyDecimals { allowed: 2, .. })
        ));
        assert!(matches!(usd("¥12.5"), Err(MoneyError::CurrencyMismatch { .. })));
        assert!(matches!(usd("12.50 EUR"), Err(MoneyError::CurrencyMismatch { .. })));
        assert_eq!(usd(""), Err(MoneyError::Empty));
        assert_eq!(usd("   "), Err(MoneyError::Empty));
        assert_eq!(usd("."), Err(MoneyError::Empty));
        assert_eq!(usd("0"), Err(MoneyError::Zero));
        assert_eq!(usd("0.00"), Err(MoneyError::Zero));
        assert_eq!(usd("1.2.3"), Err(MoneyError::SeveralDecimalSeparators));
        assert_eq!(usd("+5"), Err(MoneyError::InvalidCharacter));
        assert_eq!(usd("12,50"), Err(MoneyError::DecimalMarkIs { decimal: '.' }));
        assert_eq!(usd("1,2345"), Err(MoneyError::BadGrouping));
        assert_eq!(usd("1; DROP TABLE sales"), Err(MoneyError::InvalidCharacter));
        assert_eq!(usd("0x10"), Err(MoneyError::InvalidCharacter));
        assert_eq!(usd("NaN"), Err(MoneyError::InvalidCharacter));
        assert!(matches!(usd("10000.01"), Err(MoneyError::AboveCeiling { .. })));
        assert!(matches!(usd("1000000000"), Err(MoneyError::AboveCeiling { .. })));
        assert!(matches!(
            usd("99999999999999999999999999"),
            Err(MoneyError::AboveCeiling { .. })
        ));
    }

    #[test]
    fn huge_input_is_refused_without_echoing_it() {
        let big = "9".repeat(10 * 1024 * 1024);
        let err = usd(&big).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("limit"), "{err}");
        assert!(err.len() < 200);
        let junk = format!("1.{}", "5".repeat(1_000_000));
        let err = usd(&junk).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.len() < 200, "message must not echo a 1 MB input");
    }

    #[test]
    fn no_message_repeats_the_input() {
        // Built at run time so no full test card number sits in the source.
        let card = format!("{}{}", "4242".repeat(3), "4242");
        let spaced = format!("{} {} {} {}", &card[..4], &card[4..8], &card[8..12], &card[12..]);
        assert_eq!(usd(&card), Err(MoneyError::LooksLikeCardNumber));
        assert_eq!(usd(&spaced), Err(MoneyError::LooksLikeCardNumber));
        assert_eq!(usd(&format!("Table 7 {spaced}")), Err(MoneyError::LooksLikeCardNumber));
        let typed = [
            "1e9x-CANARY",
            "12,5-CANARY",
            "1.2345",
            "12.50 EUR",
            "9999 99",
            "12.5.5",
            "CANARY",
            "¥12.5",
            spaced.as_str(),
        ];
        for input in typed {
            for currency in [Currency::Usd, Currency::Jpy] {
                let Err(e) = parse_amount(input, currency, &ParseRules::default()) else {
                    continue;
                };
                for shown in [e.to_string(), format!("{e:?}")] {
                    assert!(
                        !shown.contains("CANARY") && !shown.contains(input),
                        "{input:?} -> {shown}"
                    );
                    assert!(!shown.contains(&card[..8]), "{shown}");
                }
            }
        }
        let e = "4242 CANARY".parse::<Currency>().err().map(|e| format!("{e} {e:?}"));
        assert!(e.is_some_and(|e| !e.contains("CANARY")));
    }

    #[test]
    fn formats_with_currency_decimals() {
        assert_eq!(format_minor(MinorUnits::new(1250), Currency::Usd), "12.50");
        assert_eq!(format_minor(MinorUnits::new(1250), Currency::Jpy), "1250");
        assert_eq!(format_minor(MinorUnits::new(12_345), Currency::Kwd), "12.345");
        assert_eq!(format_minor(MinorUnits::new(-5), Currency::Usd), "-0.05");
        assert_eq!(
            format_minor(MinorUnits::new(0), Currency::Usd),
            "0.00",
            "zero has no sign"
        );
        assert_eq!(format_minor(MinorUnits::new(0), Currency::Jpy), "0");
        assert_eq!(Money::new(MinorUnits::new(7), Currency::Eur).display(), "0.07 EUR");
    }

    #[test]
    fn currency_codes() {
        assert_eq!("usd".parse::<Currency>(), Ok(Currency::Usd));
        assert!(matches!("XXX".parse::<Currency>(), Err(MoneyError::UnknownCurrency)));
        for c in Currency::ALL {
            assert_eq!(c.code().parse::<Currency>(), Ok(c));
        }
    }

    #[test]
    fn sums_are_checked() {
        assert_eq!(
            MinorUnits::new(2).checked_add(MinorUnits::new(3)),
            Some(MinorUnits::new(5))
        );
        assert_eq!(MinorUnits::new(i64::MAX).checked_add(MinorUnits::new(1)), None);
    }
}
