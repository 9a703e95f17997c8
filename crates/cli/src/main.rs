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
use merchant_core::api::{ErrorCode, ErrorReport, RefundView, SaleView};
use merchant_core::config::{Home, Mode, HOME_ENV};
use merchant_core::counter::{live_gateway, ChargeInput, Counter, CounterError, RefundInput, GATEWAY_KEY};
use merchant_core::gateway::stripe::mask_key;
use merchant_core::gateway::training::SimulatedCard;
use merchant_core::gateway::{CaptureMode, RefundReason};
use merchant_core::money::Currency;
use merchant_core::store::{now_ms, RefundStatus, Sale, SaleId, SaleStatus};
use merchant_core::vault::{BuildKind, Keychain, KeychainNamespace};
use secrecy::{ExposeSecret, SecretString};
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
        /// A payment method id from the gateway's hosted card fields (keyed
        /// entry), or a gateway test payment method such as pm_card_visa.
        #[arg(long)]
        payment_method: Option<String>,
        /// Only authorise (deposits, tabs): capture or void it later.
        #[arg(long)]
        manual_capture: bool,
    },
    /// Capture all or part of an authorised sale.
    Capture {
        sale_id: String,
        /// The amount to take; the whole authorisation when omitted.
        #[arg(long)]
        amount: Option<String>,
    },
    /// Release an authorisation without taking money.
    Void { sale_id: String },
    /// Refund part or all of an approved sale, back to the original card.
    Refund {
        sale_id: String,
        /// The amount to refund; everything that is left when omitted.
        #[arg(long)]
        amount: Option<String>,
        #[arg(long, value_enum, default_value_t = ReasonArg::RequestedByCustomer)]
        reason: ReasonArg,
        #[arg(long)]
        note: Option<String>,
    },
    /// Live gateway set-up.
    Gateway {
        #[command(subcommand)]
        command: GatewayCommand,
    },
    /// Switch between training and live mode.
    Mode { mode: ModeArg },
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

#[derive(Subcommand)]
enum GatewayCommand {
    /// Where the gateway is: base URL (https only), an extra CA, the reader.
    Configure {
        #[arg(long)]
        base_url: Option<String>,
        /// PEM file of an extra CA to trust (test or enterprise TLS proxy).
        #[arg(long)]
        extra_ca: Option<PathBuf>,
        #[arg(long)]
        reader_id: Option<String>,
        /// For Stripe-compatible test servers that reject the refund reason.
        #[arg(long)]
        omit_refund_reason: Option<bool>,
    },
    /// Read the gateway key from standard input, check it with the gateway,
    /// and store it in the OS keychain. It is never shown again.
    SetKey,
    /// Remove the gateway key from the keychain.
    RemoveKey,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Training,
    Live,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReasonArg {
    RequestedByCustomer,
    Duplicate,
    Fraudulent,
}

impl From<ReasonArg> for RefundReason {
    fn from(r: ReasonArg) -> Self {
        match r {
            ReasonArg::RequestedByCustomer => Self::RequestedByCustomer,
            ReasonArg::Duplicate => Self::Duplicate,
            ReasonArg::Fraudulent => Self::Fraudulent,
        }
    }
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
            .map_err(|_| ErrorReport::new(ErrorCode::Internal, "could not encode the answer"))?;
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
    // Set-up commands work without opening the counter (a live terminal
    // with no key yet cannot open).
    match cli.command {
        Command::Gateway { command } => return gateway(&home, command).await,
        Command::Mode { mode } => {
            let mut settings = home.settings().map_err(CounterError::from)?;
            settings.mode = match mode {
                ModeArg::Training => Mode::Training,
                ModeArg::Live => Mode::Live,
            };
            home.save_settings(&settings).map_err(CounterError::from)?;
            let text = format!("mode: {:?}", settings.mode).to_lowercase();
            return Output::new(&serde_json::json!({ "mode": settings.mode }), text, 0);
        }
        _ => {}
    }
    let counter = Counter::open(&home).await?;
    let mode = counter.mode();
    match cli.command {
        Command::Charge {
            amount,
            currency,
            description,
            card,
            payment_method,
            manual_capture,
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
                    payment_method,
                    capture: if manual_capture {
                        CaptureMode::Manual
                    } else {
                        CaptureMode::Automatic
                    },
                })
                .await?;
            sale_output(&sale, mode)
        }
        Command::Capture { sale_id, amount } => {
            let id = SaleId::parse(&sale_id).ok_or(CounterError::SaleNotFound)?;
            sale_output(&counter.capture(id, amount).await?, mode)
        }
        Command::Void { sale_id } => {
            let id = SaleId::parse(&sale_id).ok_or(CounterError::SaleNotFound)?;
            sale_output(&counter.void(id).await?, mode)
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
        Command::Refund {
            sale_id,
            amount,
            reason,
            note,
        } => {
            let sale_id = SaleId::parse(&sale_id).ok_or(CounterError::SaleNotFound)?;
            let refund = counter
                .refund(RefundInput {
                    sale_id,
                    amount,
                    reason: reason.into(),
                    note,
                })
                .await?;
            let left = counter.store().refundable(sale_id).map_err(CounterError::from)?;
            let view = RefundView::new(&refund, &left);
            let exit = match refund.status {
                RefundStatus::Succeeded => 0,
                RefundStatus::Failed => 12,
                RefundStatus::Pending | RefundStatus::InDoubt => 13,
            };
            let text = format!(
                "refund {} {} {}: {} ({} {} left)",
                view.id, view.amount_display, view.currency, view.message, view.refundable_display, view.currency
            );
            Output::new(&serde_json::json!({ "refund": view }), text, exit)
        }
        Command::Gateway { .. } | Command::Mode { .. } => unreachable!("handled before the counter opens"),
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

async fn gateway(home: &Home, command: GatewayCommand) -> Result<Output, ErrorReport> {
    home.ensure().map_err(CounterError::from)?;
    let mut settings = home.settings().map_err(CounterError::from)?;
    match command {
        GatewayCommand::Configure {
            base_url,
            extra_ca,
            reader_id,
            omit_refund_reason,
        } => {
            let g = &mut settings.gateway;
            if let Some(url) = base_url {
                g.base_url = url;
            }
            if let Some(ca) = extra_ca {
                g.extra_ca = Some(std::fs::canonicalize(&ca).unwrap_or(ca));
            }
            if reader_id.is_some() {
                g.reader_id = reader_id;
            }
            if let Some(v) = omit_refund_reason {
                g.omit_refund_reason = v;
            }
            // Refuse an unusable address (http://, bad CA) before saving it.
            live_gateway(&settings, SecretString::from(String::new()))?;
            home.save_settings(&settings).map_err(CounterError::from)?;
            let text = format!("gateway: {}", settings.gateway.base_url);
            Output::new(&serde_json::json!({ "base_url": settings.gateway.base_url }), text, 0)
        }
        GatewayCommand::SetKey => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|_| ErrorReport::new(ErrorCode::InvalidInput, "could not read the key from standard input"))?;
            let key = SecretString::from(line.trim().to_string());
            let gateway = live_gateway(&settings, key.clone())?;
            let check = gateway.check_key().await.map_err(CounterError::from)?;
            keychain(home)?
                .set_secret(GATEWAY_KEY, &key)
                .map_err(CounterError::from)?;
            let masked = mask_key(key.expose_secret());
            let advice = if check.restricted {
                ""
            } else {
                " A full secret key works, but a restricted key (rk_) with only the permissions in the README is recommended."
            };
            let text = format!("gateway key {masked} saved to the keychain.{advice}");
            let value = serde_json::json!({ "key": masked, "restricted": check.restricted, "live": check.live });
            Output::new(&value, text, 0)
        }
        GatewayCommand::RemoveKey => {
            keychain(home)?.delete(GATEWAY_KEY).map_err(CounterError::from)?;
            Output::new(&serde_json::json!({ "removed": true }), "gateway key removed".into(), 0)
        }
    }
}

fn keychain(home: &Home) -> Result<Keychain, ErrorReport> {
    let id = home.terminal_id().map_err(CounterError::from)?;
    Ok(Keychain::new(KeychainNamespace::new(BuildKind::current(), &id)))
}

fn sale_output(sale: &Sale, mode: Mode) -> Result<Output, ErrorReport> {
    let view = SaleView::new(sale, mode);
    let exit = match sale.status {
        SaleStatus::Approved | SaleStatus::Authorized | SaleStatus::Voided => 0,
        SaleStatus::Declined => 11,
        SaleStatus::Failed | SaleStatus::Cancelled => 12,
        SaleStatus::InDoubt | SaleStatus::Pending => 13,
    };
    let text = format!("{}  {}", sale_line(&view), view.message);
    Output::new(&serde_json::json!({ "sale": view }), text, exit)
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
