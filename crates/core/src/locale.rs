//! The shop's language and how it writes numbers, amounts and dates.
//!
//! One table per language drives both directions: [`crate::money`] formats
//! amounts with a [`NumberStyle`] and parses what a cashier types with the
//! same style, so an amount the terminal shows is always an amount it reads
//! back (a property test holds it to that). The table follows the Unicode
//! CLDR conventions of each language's main country (US English, France,
//! Germany, Spain), which are also what the window's `Intl` formats use, so
//! a figure the screen formats and one the core formats look alike.
//!
//! The table is written here rather than taken from an ICU library because
//! the terminal also *parses*, strictly, and ICU formats only: a parser
//! written against one table and a formatter from another would drift.
//!
//! Guarantees:
//! - a language is one of a closed list; an unknown tag is refused, never
//!   guessed (the OS locale falls back to English when it names none);
//! - separators never coincide: the decimal mark is never a grouping mark.

use std::fmt;
use std::str::FromStr;

use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The languages the terminal speaks. The settings' `language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Language {
    #[default]
    En,
    Fr,
    De,
    Es,
}

/// An unknown language tag (the tag itself is not repeated).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Unknown language: use en, fr, de or es.")]
pub struct UnknownLanguage;

impl Language {
    pub const ALL: [Language; 4] = [Self::En, Self::Fr, Self::De, Self::Es];

    /// The two-letter code: `en`, `fr`, `de`, `es`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
            Self::De => "de",
            Self::Es => "es",
        }
    }

    /// The BCP 47 tag whose conventions the terminal follows (`de-DE`).
    pub const fn tag(self) -> &'static str {
        match self {
            Self::En => "en-US",
            Self::Fr => "fr-FR",
            Self::De => "de-DE",
            Self::Es => "es-ES",
        }
    }

    /// The language's name in itself, as a language menu shows it.
    pub const fn autonym(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Fr => "Français",
            Self::De => "Deutsch",
            Self::Es => "Español",
        }
    }

    /// The language of this computer's locale (`LC_ALL`, then
    /// `LC_MESSAGES`, then `LANG`), English when it names none we speak.
    pub fn from_os() -> Self {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .and_then(|v| v.parse().ok())
            .unwrap_or_default()
    }

    /// How this language writes numbers.
    pub const fn numbers(self) -> NumberStyle {
        match self {
            Self::En => NumberStyle {
                decimal: '.',
                group: ',',
                min_grouping: 1,
                symbol_first: true,
            },
            Self::Fr => NumberStyle {
                decimal: ',',
                group: NARROW_NBSP,
                min_grouping: 1,
                symbol_first: false,
            },
            Self::De => NumberStyle {
                decimal: ',',
                group: '.',
                min_grouping: 1,
                symbol_first: false,
            },
            // Spanish groups only from five digits: 1234,56 but 12.345,67.
            Self::Es => NumberStyle {
                decimal: ',',
                group: '.',
                min_grouping: 2,
                symbol_first: false,
            },
        }
    }

    /// A date as this language writes it: `12/3/2026` in US English,
    /// `03/12/2026` in French, `03.12.2026` in German, `3/12/2026` in Spanish.
    pub fn date(self, at: DateTime) -> String {
        let (y, m, d) = (at.year(), at.month(), at.day());
        match self {
            Self::En => format!("{m}/{d}/{y}"),
            Self::Fr => format!("{d:02}/{m:02}/{y}"),
            Self::De => format!("{d:02}.{m:02}.{y}"),
            Self::Es => format!("{d}/{m}/{y}"),
        }
    }

    /// A time of day: `2:05 PM` in US English, `14:05` elsewhere.
    pub fn time(self, at: DateTime) -> String {
        let (h, min) = (at.hour(), at.minute());
        match self {
            Self::En => {
                let half = if h < 12 { "AM" } else { "PM" };
                let h12 = if h % 12 == 0 { 12 } else { h % 12 };
                format!("{h12}:{min:02}\u{a0}{half}")
            }
            _ => format!("{h:02}:{min:02}"),
        }
    }

    /// A date and time, as receipts and reports print them.
    pub fn date_time(self, at: DateTime) -> String {
        match self {
            Self::Fr => format!("{} {}", self.date(at), self.time(at)),
            _ => format!("{}, {}", self.date(at), self.time(at)),
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Language {
    type Err = UnknownLanguage;

    /// Takes `fr`, `fr-FR`, `fr_FR.UTF-8` or `fr_FR@euro`: the language
    /// part decides. `C` and `POSIX` are refused like any unknown tag.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|l| l.code() == primary)
            .ok_or(UnknownLanguage)
    }
}

/// U+202F, the thin no-break space French groups thousands with.
pub const NARROW_NBSP: char = '\u{202f}';
/// U+00A0, between an amount and its currency where the language spaces it.
pub const NBSP: char = '\u{a0}';

/// How amounts are typed at this till when they do not follow the
/// language (an owner's explicit choice, kept from earlier versions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DecimalSeparator {
    /// `1,234.50`
    Point,
    /// `1.234,50`
    Comma,
}

/// Separators and the currency's place: everything [`crate::money`] needs
/// to write an amount and to read one back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NumberStyle {
    /// The decimal mark.
    #[ts(type = "string")]
    pub decimal: char,
    /// The thousands mark the terminal writes (typing also accepts spaces).
    #[ts(type = "string")]
    pub group: char,
    /// Fewest digits before the first group mark is written (Spanish: 2).
    pub min_grouping: u8,
    /// `$12.50` (true) or `12,50 €` (false).
    pub symbol_first: bool,
}

impl NumberStyle {
    /// The style with an explicit decimal mark in place of the language's:
    /// the other mark of the pair becomes the thousands mark.
    pub fn with_decimal(self, separator: DecimalSeparator) -> Self {
        let (decimal, group) = match separator {
            DecimalSeparator::Point => ('.', ','),
            DecimalSeparator::Comma => (',', '.'),
        };
        if decimal == self.decimal {
            return self;
        }
        Self {
            decimal,
            group,
            min_grouping: 1,
            ..self
        }
    }

    /// Writes a run of ASCII digits with this style's thousands marks.
    pub fn group_digits(&self, digits: &str) -> String {
        let n = digits.len();
        if n < 4 + usize::from(self.min_grouping.saturating_sub(1)) {
            return digits.to_string();
        }
        let mut out = String::with_capacity(n + n / 3 * self.group.len_utf8());
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (n - i).is_multiple_of(3) {
                out.push(self.group);
            }
            out.push(c);
        }
        out
    }

    /// Whether `c` separates thousands when typed: the style's own mark or
    /// any kind of space.
    pub fn is_group_mark(&self, c: char) -> bool {
        c == self.group || c == ' ' || c == NBSP || c == NARROW_NBSP
    }
}

impl Default for NumberStyle {
    fn default() -> Self {
        Language::En.numbers()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_locales_name_a_language_or_fall_back() {
        assert_eq!("fr_FR.UTF-8".parse(), Ok(Language::Fr));
        assert_eq!("de-CH".parse(), Ok(Language::De));
        assert_eq!("es_ES@euro".parse(), Ok(Language::Es));
        assert_eq!("EN".parse(), Ok(Language::En));
        assert_eq!("C".parse::<Language>(), Err(UnknownLanguage));
        assert_eq!("pt_BR".parse::<Language>(), Err(UnknownLanguage));
        assert_eq!("".parse::<Language>(), Err(UnknownLanguage));
    }

    #[test]
    fn digits_are_grouped_as_each_language_groups_them() {
        assert_eq!(Language::En.numbers().group_digits("1234567"), "1,234,567");
        assert_eq!(Language::De.numbers().group_digits("1234"), "1.234");
        assert_eq!(Language::Fr.numbers().group_digits("1234"), "1\u{202f}234");
        assert_eq!(Language::Es.numbers().group_digits("1234"), "1234");
        assert_eq!(Language::Es.numbers().group_digits("12345"), "12.345");
        assert_eq!(Language::En.numbers().group_digits("123"), "123");
    }

    #[test]
    fn an_explicit_decimal_mark_swaps_the_pair() {
        let fr_point = Language::Fr.numbers().with_decimal(DecimalSeparator::Point);
        assert_eq!((fr_point.decimal, fr_point.group), ('.', ','));
        assert!(!fr_point.symbol_first);
        assert_eq!(
            Language::De.numbers().with_decimal(DecimalSeparator::Comma),
            Language::De.numbers()
        );
        for l in Language::ALL {
            let s = l.numbers();
            assert_ne!(s.decimal, s.group, "{l}");
            assert!(!s.is_group_mark(s.decimal), "{l}");
        }
    }

    #[test]
    fn dates_and_times_follow_the_language() {
        let at = jiff::civil::date(2026, 12, 3).at(14, 5, 0, 0);
        assert_eq!(Language::En.date_time(at), "12/3/2026, 2:05\u{a0}PM");
        assert_eq!(Language::Fr.date_time(at), "03/12/2026 14:05");
        assert_eq!(Language::De.date_time(at), "03.12.2026, 14:05");
        assert_eq!(Language::Es.date_time(at), "3/12/2026, 14:05");
        let midnight = jiff::civil::date(2026, 1, 9).at(0, 7, 0, 0);
        assert_eq!(Language::En.time(midnight), "12:07\u{a0}AM");
    }
}
