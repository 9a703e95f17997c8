//! The shop's details as a customer and an inspector read them at the top
//! of every receipt and Z/X report: name, address lines, phone, tax id.
//!
//! Guarantees:
//! - every line fits the receipt's 48 columns, so nothing is cut when printed;
//! - nothing that looks like a card number is kept (the details are printed
//!   on every receipt and travel in every support bundle's settings);
//! - errors name the field and the rule, never what was typed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::Settings;
use crate::pdf::Paper;

/// The longest line a receipt prints (its width in columns).
pub const MAX_LINE: usize = 48;
/// A phone number or a tax id is shorter than a receipt line.
pub const MAX_SHORT: usize = 32;
pub const MAX_ADDRESS_LINES: usize = 4;

/// What a manager sets about the shop.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ShopDetails {
    pub name: String,
    /// Up to four lines, printed as given.
    pub address: Vec<String>,
    /// Empty when not printed.
    pub phone: String,
    /// VAT / sales tax registration; empty when not printed.
    pub tax_id: String,
    /// What receipts are printed on, and so how wide they are.
    pub receipt_paper: Paper,
    /// This till's name (`Till 1`, `Bar`): printed under the shop's details,
    /// and sent with every payment so the shop's combined day
    /// ([`crate::reports::shop`]) can tell its tills apart. Empty: unnamed.
    #[serde(default)]
    pub till: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShopError {
    #[error("The shop needs a name: it heads every receipt.")]
    NoName,
    #[error("The shop's {0} is too long: at most {1} characters, so that it prints on one receipt line.")]
    TooLong(&'static str, usize),
    #[error("The shop's address has more than {MAX_ADDRESS_LINES} lines.")]
    TooManyLines,
    #[error("The shop's {0} has a character that cannot be printed (a line break or a control character).")]
    Unprintable(&'static str),
    #[error("The shop's {0} looks like it holds a card number. Card numbers are never typed into the terminal.")]
    CardNumber(&'static str),
}

fn check(field: &'static str, value: &str, max: usize) -> Result<String, ShopError> {
    let value = value.trim();
    if value.chars().any(char::is_control) {
        return Err(ShopError::Unprintable(field));
    }
    if value.chars().count() > max {
        return Err(ShopError::TooLong(field, max));
    }
    if crate::pan::contains_card_number(value) {
        return Err(ShopError::CardNumber(field));
    }
    Ok(value.to_string())
}

impl ShopDetails {
    /// The details as the settings hold them.
    pub fn of(s: &Settings) -> Self {
        Self {
            name: s.shop_name.clone(),
            address: s.shop_address.clone(),
            phone: s.shop_phone.clone(),
            tax_id: s.shop_tax_id.clone(),
            receipt_paper: s.receipt_paper,
            till: s.till_name.clone(),
        }
    }

    /// The details trimmed, empty address lines dropped, every rule above
    /// checked.
    pub fn checked(&self) -> Result<Self, ShopError> {
        let name = check("name", &self.name, MAX_LINE)?;
        if name.is_empty() {
            return Err(ShopError::NoName);
        }
        let address = self
            .address
            .iter()
            .map(|l| check("address", l, MAX_LINE))
            .filter(|l| l.as_ref().map_or(true, |l| !l.is_empty()))
            .collect::<Result<Vec<_>, _>>()?;
        if address.len() > MAX_ADDRESS_LINES {
            return Err(ShopError::TooManyLines);
        }
        Ok(Self {
            name,
            address,
            phone: check("phone", &self.phone, MAX_SHORT)?,
            tax_id: check("tax id", &self.tax_id, MAX_SHORT)?,
            receipt_paper: self.receipt_paper,
            till: check("till", &self.till, MAX_SHORT)?,
        })
    }

    /// Writes the details into `s`.
    pub fn apply(&self, s: &mut Settings) {
        s.shop_name.clone_from(&self.name);
        s.shop_address.clone_from(&self.address);
        s.shop_phone.clone_from(&self.phone);
        s.shop_tax_id.clone_from(&self.tax_id);
        s.receipt_paper = self.receipt_paper;
        s.till_name.clone_from(&self.till);
    }

    /// Which fields differ from `other`, by name (what the audit trail
    /// says: the fields, never their text).
    pub fn changed_fields(&self, other: &Self) -> Vec<&'static str> {
        [
            ("name", self.name != other.name),
            ("address", self.address != other.address),
            ("phone", self.phone != other.phone),
            ("tax id", self.tax_id != other.tax_id),
            ("receipt paper", self.receipt_paper != other.receipt_paper),
            ("till", self.till != other.till),
        ]
        .into_iter()
        .filter_map(|(f, changed)| changed.then_some(f))
        .collect()
    }

    /// The heading of a receipt or report: the name, the address, then the
    /// phone and tax id when set. Each line is cut at the receipt's width
    /// (details from an older settings file may not have been checked).
    pub fn header_lines(&self, words: &crate::messages::Catalog) -> Vec<String> {
        let mut out = vec![self.name.clone()];
        out.extend(self.address.iter().cloned());
        if !self.phone.is_empty() {
            out.push(words.say("shop-phone", &[("phone", self.phone.as_str().into())]));
        }
        if !self.tax_id.is_empty() {
            out.push(words.say("shop-tax-id", &[("tax_id", self.tax_id.as_str().into())]));
        }
        if !self.till.is_empty() {
            out.push(words.say("shop-till", &[("till", self.till.as_str().into())]));
        }
        out.into_iter()
            .map(|l| l.chars().filter(|c| !c.is_control()).take(MAX_LINE).collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shop() -> ShopDetails {
        ShopDetails {
            name: " Kissa Café ".into(),
            address: vec!["12 Rue des Chats".into(), "  ".into(), "75011 Paris".into()],
            phone: "+33 1 23 45 67 89".into(),
            tax_id: "FR 12 345678901".into(),
            receipt_paper: Paper::Roll58,
            till: " Bar ".into(),
        }
    }

    #[test]
    fn details_are_trimmed_and_printed_in_the_receipts_order() -> Result<(), ShopError> {
        let s = shop().checked()?;
        assert_eq!(s.address, ["12 Rue des Chats", "75011 Paris"]);
        assert_eq!(
            s.header_lines(&crate::messages::Catalog::default()),
            [
                "Kissa Café",
                "12 Rue des Chats",
                "75011 Paris",
                "Tel. +33 1 23 45 67 89",
                "Tax ID FR 12 345678901",
                "Till: Bar"
            ]
        );
        let bare = ShopDetails {
            name: "Kissa".into(),
            ..ShopDetails::default()
        };
        assert_eq!(
            bare.checked()?.header_lines(&crate::messages::Catalog::default()),
            ["Kissa"]
        );
        Ok(())
    }

    #[test]
    fn each_rule_names_the_field_and_never_echoes_the_text() {
        let card = "4242424242424242";
        let long = "x".repeat(MAX_LINE + 1);
        let cases = [
            (
                ShopDetails {
                    name: "  ".into(),
                    ..shop()
                },
                ShopError::NoName,
            ),
            (
                ShopDetails {
                    name: long.clone(),
                    ..shop()
                },
                ShopError::TooLong("name", MAX_LINE),
            ),
            (
                ShopDetails {
                    address: vec![long.clone()],
                    ..shop()
                },
                ShopError::TooLong("address", MAX_LINE),
            ),
            (
                ShopDetails {
                    address: vec!["a".into(); 5],
                    ..shop()
                },
                ShopError::TooManyLines,
            ),
            (
                ShopDetails {
                    phone: "1".repeat(MAX_SHORT + 1),
                    ..shop()
                },
                ShopError::TooLong("phone", MAX_SHORT),
            ),
            (
                ShopDetails {
                    tax_id: "a\nb".into(),
                    ..shop()
                },
                ShopError::Unprintable("tax id"),
            ),
            (
                ShopDetails {
                    name: format!("Shop {card}"),
                    ..shop()
                },
                ShopError::CardNumber("name"),
            ),
            (
                ShopDetails {
                    address: vec![card.into()],
                    ..shop()
                },
                ShopError::CardNumber("address"),
            ),
            (
                ShopDetails {
                    phone: card.into(),
                    ..shop()
                },
                ShopError::CardNumber("phone"),
            ),
            (
                ShopDetails {
                    tax_id: card.into(),
                    ..shop()
                },
                ShopError::CardNumber("tax id"),
            ),
        ];
        for (details, want) in cases {
            let got = details.checked().err();
            assert_eq!(got.as_ref(), Some(&want));
            let message = got.map(|e| e.to_string()).unwrap_or_default();
            assert!(!message.contains(card) && !message.contains("xxxx"), "{message}");
        }
    }

    #[test]
    fn only_changed_fields_are_named() -> Result<(), ShopError> {
        let before = shop().checked()?;
        let after = ShopDetails {
            phone: "+33 9".into(),
            ..before.clone()
        };
        assert_eq!(after.changed_fields(&before), ["phone"]);
        assert!(before.changed_fields(&before).is_empty());
        Ok(())
    }

    #[test]
    fn settings_round_trip_and_unchecked_lines_are_cut_on_print() {
        let mut s = Settings::default();
        let d = ShopDetails {
            name: "n".repeat(60),
            ..shop()
        };
        d.apply(&mut s);
        assert_eq!(ShopDetails::of(&s), d);
        assert_eq!(
            ShopDetails::of(&s).header_lines(&crate::messages::Catalog::default())[0]
                .chars()
                .count(),
            MAX_LINE
        );
    }
}
