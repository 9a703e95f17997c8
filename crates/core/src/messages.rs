//! The words the terminal says, in the shop's language.
//!
//! Every language has one catalog in `locales/<language>/` at the root of the
//! repository, in Fluent's syntax: `core.ftl` for what the core writes
//! (receipts, X and Z reports, CSV headings, the counter's messages, error
//! messages, `merchantctl`'s lines) and `ui.ftl` for the window's words. The
//! window reads the same files (bundled by `ui/build.mjs`), so a message
//! exists once. English is the reference: a test fails when another
//! language lacks one of its messages or attributes or names a variable
//! differently, and when code asks for an id English lacks.
//!
//! Guarantees:
//! - a [`Catalog`] never fails to say something: an id missing from a
//!   language falls back to English, then to the id itself (the tests keep
//!   both from happening);
//! - amounts and dates are written by [`crate::locale`]'s table, never by
//!   Fluent's number formatting, so a receipt and a typed amount agree;
//! - no Unicode isolation marks: receipts, PDFs, CSV files and terminals
//!   would show them as stray characters.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use jiff::civil::DateTime;

use crate::locale::{Language, NumberStyle};
use crate::money::Money;

/// A message's arguments: `("amount", text.into())`, `("count", n.into())`.
pub type Arg<'a> = (&'a str, FluentValue<'a>);

/// A count as a message's argument (plurals select on it).
pub fn count<'a>(n: impl TryInto<i64>) -> FluentValue<'a> {
    FluentValue::from(n.try_into().unwrap_or(i64::MAX))
}

/// The catalog files, compiled in: the terminal needs no files beside it.
const SOURCES: [(Language, &str, &str); 4] = [
    (
        Language::En,
        include_str!("../../../locales/en/core.ftl"),
        include_str!("../../../locales/en/ui.ftl"),
    ),
    (
        Language::Fr,
        include_str!("../../../locales/fr/core.ftl"),
        include_str!("../../../locales/fr/ui.ftl"),
    ),
    (
        Language::De,
        include_str!("../../../locales/de/core.ftl"),
        include_str!("../../../locales/de/ui.ftl"),
    ),
    (
        Language::Es,
        include_str!("../../../locales/es/core.ftl"),
        include_str!("../../../locales/es/ui.ftl"),
    ),
];

/// The source of one catalog file: `core` or `ui`, for the tests and tools.
pub fn source(language: Language, file: &str) -> &'static str {
    let (_, core, ui) = SOURCES
        .iter()
        .find(|(l, ..)| *l == language)
        .copied()
        .unwrap_or(SOURCES[0]);
    if file == "ui" {
        ui
    } else {
        core
    }
}

/// The shop's words and formats: what receipts, reports, views and the CLI
/// are written with.
pub struct Catalog {
    language: Language,
    numbers: NumberStyle,
    bundle: FluentBundle<FluentResource>,
    english: Option<Box<Catalog>>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("language", &self.language).finish()
    }
}

impl Catalog {
    /// The catalog of `language`, writing amounts in `numbers`' style (the
    /// language's own unless the owner chose another decimal mark).
    pub fn new(language: Language, numbers: NumberStyle) -> Self {
        let english = (language != Language::En).then(|| Box::new(Self::new(Language::En, numbers)));
        Self {
            language,
            numbers,
            bundle: bundle(language),
            english,
        }
    }

    /// The language's own catalog with its own number style.
    pub fn of(language: Language) -> Self {
        Self::new(language, language.numbers())
    }

    pub fn language(&self) -> Language {
        self.language
    }

    pub fn numbers(&self) -> &NumberStyle {
        &self.numbers
    }

    /// The message `id` without arguments.
    pub fn text(&self, id: &str) -> String {
        self.say(id, &[])
    }

    /// The message `id` with its arguments.
    pub fn say(&self, id: &str, args: &[Arg<'_>]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return self
                .english
                .as_ref()
                .map_or_else(|| id.to_string(), |en| en.say(id, args));
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned();
        // A message asked for with a missing argument is a defect every
        // test build shows at once; a shipped build says what it can.
        debug_assert!(errors.is_empty(), "message {id}: {errors:?}");
        text
    }

    /// A message an error report carries ([`crate::error::Said`]).
    pub fn render(&self, said: &crate::error::Said) -> String {
        use crate::error::SaidArg;
        let args: Vec<Arg<'_>> = said
            .args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    SaidArg::Number(n) => FluentValue::from(*n),
                    SaidArg::Text(t) => FluentValue::from(t.as_str()),
                    SaidArg::Word { word } => FluentValue::from(self.text(word)),
                    SaidArg::Amount { minor, currency } => match currency.parse::<crate::money::Currency>() {
                        Ok(c) => FluentValue::from(self.money(Money::new(crate::money::MinorUnits::new(*minor), c))),
                        Err(_) => FluentValue::from(format!("{minor} {currency}")),
                    },
                };
                (name.as_str(), value)
            })
            .collect();
        self.say(&said.id, &args)
    }

    /// The report's message in this catalog's language, where the catalog
    /// words it; else as it came.
    pub fn report(&self, report: &crate::error::ErrorReport) -> String {
        report
            .said
            .as_ref()
            .map_or_else(|| report.message.clone(), |said| self.render(said))
    }

    /// What the cashier should know about a payment's risk before the
    /// goods go, if anything.
    pub fn risk_warning(&self, risk: &crate::sale::RiskSignals) -> Option<String> {
        let concerns: Vec<String> = risk.concerns().into_iter().map(|id| self.text(id)).collect();
        (!concerns.is_empty()).then(|| self.say("risk-warning", &[("concerns", concerns.join("; ").into())]))
    }

    /// An amount as the shop writes it (`12,50 €`).
    pub fn money(&self, money: Money) -> String {
        money.text(&self.numbers)
    }

    /// A date and time as the shop writes it.
    pub fn date_time(&self, at: DateTime) -> String {
        self.language.date_time(at)
    }

    /// A date as the shop writes it.
    pub fn date(&self, at: DateTime) -> String {
        self.language.date(at)
    }
}

/// The English catalog, built once: for messages written where no shop
/// language is at hand (an error's `Display`, which logs also use).
pub fn english() -> &'static Catalog {
    static ENGLISH: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    ENGLISH.get_or_init(Catalog::default)
}

impl Default for Catalog {
    fn default() -> Self {
        Self::of(Language::En)
    }
}

/// One language's bundle of both files. A file that does not parse is a
/// build defect the tests catch; what parsed is still used.
fn bundle(language: Language) -> FluentBundle<FluentResource> {
    let tag: unic_langid::LanguageIdentifier = language.tag().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    bundle.set_use_isolating(false);
    for file in ["core", "ui"] {
        let resource = FluentResource::try_new(source(language, file).to_string()).unwrap_or_else(|(r, _)| r);
        // Two files defining one id is caught by the tests; the first wins.
        let _ = bundle.add_resource(resource);
    }
    bundle
}

#[cfg(test)]
mod tests;
