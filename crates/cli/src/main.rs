//! `merchantctl`: the terminal without a window, for owners' scripts,
//! support and the test suite. Same core, same rules as the app.
//!
//! Exit status: 0 success; 2 usage; 3 invalid input; 4 refused by the
//! counter (charge in progress, sales in doubt); 5 keychain; 6 store;
//! 7 configuration; 8 gateway; 10 internal. A charge that was recorded but
//! not approved exits 11 (declined), 12 (not charged) or 13 (in doubt).
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use merchant_core::api::{ErrorReport, SaleView};
use merchant_core::config::{Home, Mode, HOME_ENV};
use merchant_core::counter::{ChargeInput, Counter, CounterError};
use merchant_core::gateway::training::SimulatedCard;
use merchant_core::money::Currency;
use merchant_core::store::{now_ms, SaleStatus};
use serde::Serialize;

#[derive(Parser)]
#[command(name = "merchantctl", version, about = "Merchant Terminal from the command line")]
struct Cli {
    /// The terminal's data folder.
    #[arg(long, global = true, env = HOME_ENV)]
    home: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Take a payment.
    Charge {
        /// The amount as a person types it, e.g. 12.50.
        amount: String,
        /// ISO currency code; defaults to the till's currency.
        #[arg(long)]
        currency: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// Training mode: the card presented to the simulated reader.
        #[arg(long, value_enum, default_value_t = CardArg::Approve)]
        card: CardArg,
    },
    /// Sales and their outcomes.
    Sales {
        #[command(subcommand)]
        command: SalesCommand,
    },
    /// Settle every sale whose outcome is unknown.
    Resolve,
}

#[derive(Subcommand)]
enum SalesCommand {
    /// Sales in a time range (default: the last 24 hours), newest first.
    List {
        /// Start, in milliseconds since the Unix epoch (UTC).
        #[arg(long)]
        since_ms: Option<i64>,
        /// End (exclusive), in milliseconds since the Unix epoch (UTC).
        #[arg(long)]
        until_ms: Option<i64>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum CardArg {
    Approve,
    GenericDecline,
    InsufficientFunds,
    ExpiredCard,
    ProcessingError,
    SlowReader,
    ReaderTimeout,
}

impl From<CardArg> for SimulatedCard {
    fn from(c: CardArg) -> Self {
        match c {
            CardArg::Approve => Self::Approve,
            CardArg::GenericDecline => Self::GenericDecline,
            CardArg::InsufficientFunds => Self::InsufficientFunds,
            CardArg::ExpiredCard => Self::ExpiredCard,
            CardArg::ProcessingError => Self::ProcessingError,
            CardArg::SlowReader => Self::SlowReader,
            CardArg::ReaderTimeout => Self::ReaderTimeout,
        }
    }
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli).await {
        Ok(out) => {
            out.print(json);
            ExitCode::from(out.exit)
        }
        Err(report) => {
            if json {
                println!("{}", serde_json::json!({ "error": report }));
            } else {
                eprintln!("merchantctl: {} [{}]", report.message, code_name(&report));
            }
            ExitCode::from(report.code.exit_status())
        }
    }
}

/// A command's answer: JSON for `--json`, text otherwise, and an exit status.
struct Output {
    json: serde_json::Value,
    text: String,
    exit: u8,
}

impl Output {
    fn new(value: &impl Serialize, text: String, exit: u8) -> Result<Self, ErrorReport> {
        let json = serde_json::to_value(value)
            .map_err(|_| ErrorReport::new(merchant_core::api::ErrorCode::Internal, "could not encode the answer"))?;
        Ok(Self { json, text, exit })
    }

    fn print(&self, json: bool) {
        if json {
            println!("{}", self.json);
        } else {
            println!("{}", self.text);
        }
    }
}

async fn run(cli: Cli) -> Result<Output, ErrorReport> {
    let home = Home::resolve(cli.home).map_err(CounterError::from)?;
    let counter = Counter::open(&home).await?;
    let mode = counter.mode();
    match cli.command {
        Command::Charge {
            amount,
            currency,
            description,
            card,
        } => {
            let currency = currency
                .map(|c| c.parse::<Currency>())
                .transpose()
                .map_err(CounterError::from)?;
            let sale = counter
                .charge(ChargeInput {
                    amount,
                    currency,
                    description,
                    simulated_card: (mode == Mode::Training).then(|| card.into()),
                })
                .await?;
            let view = SaleView::new(&sale, mode);
            let exit = match sale.status {
                SaleStatus::Approved => 0,
                SaleStatus::Declined => 11,
                SaleStatus::Failed | SaleStatus::Cancelled => 12,
                SaleStatus::InDoubt | SaleStatus::Pending => 13,
            };
            let text = format!("{}  {}", sale_line(&view), view.message);
            Output::new(&serde_json::json!({ "sale": view }), text, exit)
        }
        Command::Sales {
            command: SalesCommand::List { since_ms, until_ms },
        } => {
            let until = until_ms.unwrap_or_else(|| now_ms() + 1);
            let since = since_ms.unwrap_or(until - DAY_MS);
            let views: Vec<SaleView> = counter
                .list_sales(since, until)?
                .iter()
                .map(|s| SaleView::new(s, mode))
                .collect();
            let text = if views.is_empty() {
                "no sales".to_string()
            } else {
                views.iter().map(sale_line).collect::<Vec<_>>().join("\n")
            };
            Output::new(&serde_json::json!({ "sales": views }), text, 0)
        }
        Command::Resolve => {
            let unresolved = counter.resolve_in_doubt().await?;
            let text = format!("{unresolved} sale(s) still in doubt");
            Output::new(
                &serde_json::json!({ "unresolved": unresolved }),
                text,
                if unresolved == 0 { 0 } else { 13 },
            )
        }
    }
}

fn sale_line(v: &SaleView) -> String {
    let card = v
        .card
        .as_ref()
        .map(|c| format!("{} ••••{}", c.brand, c.last4))
        .unwrap_or_default();
    let training = if v.training { " [TRAINING]" } else { "" };
    format!(
        "{}  {:>12} {}  {:<10} {}{}",
        v.id,
        v.amount_display,
        v.currency,
        format!("{:?}", v.status).to_lowercase(),
        card,
        training
    )
}

fn code_name(r: &ErrorReport) -> String {
    serde_json::to_value(r.code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
