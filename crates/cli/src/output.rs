//! What a command prints: JSON for `--json`, text otherwise, and the exit
//! status; and the secrets it reads from standard input.

use std::io::BufRead;

use merchant_core::api::{ErrorCode, ErrorReport, SaleView};
use merchant_core::config::Mode;
use merchant_core::counter::CounterError;
use merchant_core::messages::Catalog;
use merchant_core::store::{Sale, SaleId, SaleStatus};
use secrecy::SecretString;

/// A command's answer: JSON for `--json`, text otherwise, and an exit status.
pub(crate) struct Output {
    pub(crate) json: serde_json::Value,
    pub(crate) text: String,
    pub(crate) exit: u8,
}

pub(crate) fn output(value: serde_json::Value, text: String, exit: u8) -> Result<Output, ErrorReport> {
    Ok(Output {
        json: value,
        text,
        exit,
    })
}

/// Secrets arrive on stdin, one per line, in the order the command asks.
pub(crate) struct Stdin(pub(crate) std::io::StdinLock<'static>);

impl Stdin {
    pub(crate) fn secret(&mut self, what: &str) -> Result<SecretString, ErrorReport> {
        let mut line = String::new();
        match self.0.read_line(&mut line) {
            Ok(n) if n > 0 => Ok(SecretString::from(line.trim().to_string())),
            _ => Err(ErrorReport::new(
                ErrorCode::InvalidInput,
                format!("expected {what} on standard input"),
            )),
        }
    }
}

pub(crate) fn sale_id_arg(s: &str) -> Result<SaleId, ErrorReport> {
    SaleId::parse(s).ok_or_else(|| CounterError::SaleNotFound.into())
}

pub(crate) fn sale_output(sale: &Sale, mode: Mode, words: &Catalog) -> Result<Output, ErrorReport> {
    let view = SaleView::new(sale, mode, words);
    let exit = match sale.status {
        SaleStatus::Approved | SaleStatus::Authorized | SaleStatus::Voided => 0,
        SaleStatus::Declined => 11,
        SaleStatus::Failed | SaleStatus::Cancelled => 12,
        SaleStatus::InDoubt | SaleStatus::Pending => 13,
    };
    let text = format!("{}  {}", sale_line(&view), view.message);
    output(serde_json::json!({ "sale": view }), text, exit)
}

pub(crate) fn sale_line(v: &SaleView) -> String {
    let card = v
        .card
        .as_ref()
        .map(|c| format!("{} ••••{}", c.brand, c.last4))
        .unwrap_or_default();
    let training = if v.training { " [TRAINING]" } else { "" };
    let status = serde_json::to_value(v.status)
        .ok()
        .and_then(|s| s.as_str().map(String::from))
        .unwrap_or_default();
    format!(
        "{}  {:>12}  {:<10} {}{}",
        v.id, v.amount_display, status, card, training
    )
}

pub(crate) fn code_name(code: ErrorCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The command that deals with a failure, where there is one. The core's
/// messages say what must be done; which command does it is the CLI's to say.
pub(crate) fn hint(code: ErrorCode) -> Option<&'static str> {
    match code {
        ErrorCode::LiveNotConfigured => Some("set the gateway key with `merchantctl gateway set-key` (key on standard input)"),
        ErrorCode::ConfigError => Some("check the gateway with `merchantctl gateway show`; change it with `merchantctl gateway configure`"),
        ErrorCode::TerminalDataMissing => {
            Some("restore the data folder, or start a new trail with `merchantctl setup recover --confirm` (gateway key on standard input)")
        }
        _ => None,
    }
}
