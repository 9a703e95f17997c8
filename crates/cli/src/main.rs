//! `merchantctl`: the terminal without a window, for owners' scripts,
//! support and the test suite. Same core, same roles, same audit trail as
//! the app: every command but `staff init-owner` signs in as `--staff NAME`
//! with the PIN read from the first line of standard input (never argv).
//!
//! Exit status: 0 success; 2 usage; 3 invalid input; 4 refused (a charge in
//! progress, sales in doubt, refund or capture not possible, approval or
//! limit; or differences found by `reconcile`); 5 keychain; 6 store; 7 configuration; 8 gateway; 9 not found;
//! 10 internal; 12 sign-in refused or not permitted. A charge that was
//! recorded but not approved exits 11 (declined), 12 (not charged) or 13
//! (in doubt). 14: the terminal stopped because its staff and audit
//! database (`terminal.sqlite3`) is missing or was replaced; every command
//! exits 14 until the data folder is restored (or `setup recover`).
#![forbid(unsafe_code)]

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use merchant_core::api::{ErrorCode, ErrorReport, ListSalesRequest, RefundView, ReportView, SaleView, SessionView};
use merchant_core::audit::{Action, Anchor};
use merchant_core::auth::{Actor, Role};
use merchant_core::config::{Home, Mode, HOME_ENV};
use merchant_core::counter::{ChargeInput, CounterError, RefundInput};
use merchant_core::gateway::training::SimulatedCard;
use merchant_core::gateway::{CaptureMode, RefundReason};
use merchant_core::money::Currency;
use merchant_core::receipt::ReceiptCopy;
use merchant_core::reports::{print, DateRange, ShopZone};
use merchant_core::store::{now_ms, RefundStatus, Sale, SaleId, SaleStatus};
use merchant_core::terminal::{GatewayChange, Terminal, TerminalError};
use secrecy::SecretString;

#[derive(Parser)]
#[command(name = "merchantctl", version, about = "Merchant Terminal from the command line")]
struct Cli {
    /// The terminal's data folder.
    #[arg(long, global = true, env = HOME_ENV)]
    home: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Sign in as this staff member (PIN on the first line of stdin).
    #[arg(long, global = true, env = "MERCHANT_TERMINAL_STAFF")]
    staff: Option<String>,
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
        /// A manager approving a refund above the limit (their PIN on the
        /// second line of stdin).
        #[arg(long)]
        approver: Option<String>,
    },
    /// Sales and their outcomes.
    Sales {
        #[command(subcommand)]
        command: SalesCommand,
    },
    /// Settle every sale whose outcome is unknown.
    Resolve,
    /// Print a sale's receipt (or a refund's), save it as PDF, or have the
    /// gateway email it.
    Receipt {
        sale_id: String,
        /// A refund of the sale instead of the sale itself.
        #[arg(long)]
        refund: Option<String>,
        /// The merchant copy (who served, the gateway's id) instead of the customer's.
        #[arg(long)]
        merchant: bool,
        #[arg(long)]
        pdf: Option<PathBuf>,
        /// The gateway emails its receipt to this address (not kept).
        #[arg(long)]
        email: Option<String>,
    },
    /// Staff accounts.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Live gateway set-up (managers).
    Gateway {
        #[command(subcommand)]
        command: GatewayCommand,
    },
    /// Switch between training and live mode (managers).
    Mode { mode: ModeArg },
    /// The diagnostics bundle for the support team (support or managers).
    Support {
        #[command(subcommand)]
        command: SupportCommand,
    },
    /// The cache key and the support bundle's recipients (managers).
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Owner's reports: day view, X and Z reports, CSV export.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Compare the cache with the gateway's records for a date range.
    Reconcile {
        #[command(flatten)]
        range: RangeArgs,
        /// Import what the gateway has and the cache lacks (moves no money).
        #[arg(long)]
        fix: bool,
    },
    /// Set the shop's time zone (IANA name, e.g. Europe/Paris): where its
    /// days begin and end.
    TimeZone { name: String },
    /// The terminal's set-up record (needs no sign-in).
    Setup {
        #[command(subcommand)]
        command: SetupCommand,
    },
}

#[derive(Subcommand)]
enum SetupCommand {
    /// When the staff and audit database is missing or was replaced and no
    /// backup exists: set any replaced file aside and start a new audit
    /// trail, which records the recovery. Needs the gateway key kept on
    /// this terminal, on the first line of standard input. Then create the
    /// owner again with `staff init-owner`.
    Recover {
        /// Confirms that a new audit trail is started.
        #[arg(long)]
        confirm: bool,
    },
}

/// Local dates, both included; today when omitted.
#[derive(clap::Args)]
struct RangeArgs {
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    from: Option<String>,
    /// Last day, YYYY-MM-DD (the same as --from when omitted).
    #[arg(long)]
    to: Option<String>,
}

impl RangeArgs {
    fn range(&self, terminal: &Terminal) -> Result<DateRange, ErrorReport> {
        let today = terminal.today()?.to_string();
        let from = self.from.clone().unwrap_or(today);
        let to = self.to.clone().unwrap_or_else(|| from.clone());
        Ok(DateRange::parse(&from, &to)?)
    }
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Figures for a range of days.
    Day {
        #[command(flatten)]
        range: RangeArgs,
    },
    /// Figures since the last close of day (nothing is closed).
    X,
    /// Close the day: the next numbered Z report.
    Close {
        /// Also write the Z report as a PDF here.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Reprint Z report NUMBER (identical to the original) and what has
    /// changed since.
    Z {
        number: i64,
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Export sales and refunds as CSV.
    Csv {
        #[command(flatten)]
        range: RangeArgs,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum SupportCommand {
    /// Show what the bundle would contain, without sealing it.
    Preview,
    /// Seal the bundle with age to the configured recipients.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// This mode's cache key versions and how many records use each.
    Status,
    /// Re-seal every record under a new cache key, then destroy the old key.
    /// Resumes an interrupted rotation. Close the app first.
    RotateCache {
        /// Records per transaction (charges can go on between batches).
        #[arg(long, default_value_t = 500)]
        batch: u32,
    },
    /// Replace who support bundles are sealed to (age1… public keys).
    Recipients {
        #[arg(required = true)]
        support: Vec<String>,
        /// The owner's own age key, to read their exports too.
        #[arg(long)]
        owner: Option<String>,
    },
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
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// The card's last 4 digits (matched through a blind index).
        #[arg(long)]
        last4: Option<String>,
        /// An amount as typed, in --currency (the till's by default).
        #[arg(long)]
        amount: Option<String>,
        #[arg(long)]
        currency: Option<String>,
        /// Who took the sale (a staff member's name).
        #[arg(long)]
        staff_name: Option<String>,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Create the owner's account on a fresh terminal (PIN on stdin).
    InitOwner {
        #[arg(long)]
        name: String,
    },
    /// Add a staff member (your PIN, then theirs, on stdin).
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// Lift a lockout.
    Unlock { name: String },
    /// Stop an account signing in; a session it has open ends at its next command.
    Disable {
        #[arg(long)]
        name: String,
    },
    /// Let a disabled account sign in again.
    Enable {
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the HMAC chain; report the first broken link, or a log
    /// that ends before an anchor taken earlier (`SEQ:MAC`).
    Verify {
        #[arg(long)]
        anchor: Option<String>,
    },
    /// The newest entries.
    Show {
        #[arg(long, default_value_t = 50)]
        limit: u32,
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
    /// Read the gateway key from standard input (after your PIN), check it
    /// with the gateway, and store it in the OS keychain. Never shown again.
    SetKey,
    /// The stored gateway key, masked.
    Show,
    /// Remove the gateway key from the keychain.
    RemoveKey,
    /// The card readers registered to the gateway account.
    Readers,
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Approved,
    Authorized,
    Declined,
    Failed,
    Cancelled,
    Voided,
    InDoubt,
}

impl From<StatusArg> for SaleStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Approved => Self::Approved,
            StatusArg::Authorized => Self::Authorized,
            StatusArg::Declined => Self::Declined,
            StatusArg::Failed => Self::Failed,
            StatusArg::Cancelled => Self::Cancelled,
            StatusArg::Voided => Self::Voided,
            StatusArg::InDoubt => Self::InDoubt,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Training,
    Live,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Cashier,
    Manager,
    Support,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReasonArg {
    RequestedByCustomer,
    Duplicate,
    Fraudulent,
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

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let json = cli.json;
    match run(cli).await {
        Ok(out) => {
            if json {
                println!("{}", out.json);
            } else {
                println!("{}", out.text);
            }
            ExitCode::from(out.exit)
        }
        Err(report) => {
            if json {
                println!("{}", serde_json::json!({ "error": report }));
            } else {
                eprintln!("merchantctl: {} [{}]", report.message, code_name(report.code));
            }
            ExitCode::from(report.code.exit_status())
        }
    }
}

/// A command line that does not parse. clap's own message repeats what was
/// typed (which may be a PIN or a card number in the wrong place): this one
/// names the problem and, for a bad value, the option, never the text.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(if e.use_stderr() { 2 } else { 0 })
        }
        kind => {
            let option = match (kind, e.get(ContextKind::InvalidArg)) {
                (ErrorKind::InvalidValue | ErrorKind::ValueValidation, Some(ContextValue::String(arg))) => {
                    format!(" for {arg}")
                }
                _ => String::new(),
            };
            eprintln!("merchantctl: {kind}{option}; see merchantctl --help [usage]");
            ExitCode::from(2)
        }
    }
}

/// A command's answer: JSON for `--json`, text otherwise, and an exit status.
struct Output {
    json: serde_json::Value,
    text: String,
    exit: u8,
}

fn output(value: serde_json::Value, text: String, exit: u8) -> Result<Output, ErrorReport> {
    Ok(Output {
        json: value,
        text,
        exit,
    })
}

/// Secrets arrive on stdin, one per line, in the order the command asks.
struct Stdin(std::io::StdinLock<'static>);

impl Stdin {
    fn secret(&mut self, what: &str) -> Result<SecretString, ErrorReport> {
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

async fn run(cli: Cli) -> Result<Output, ErrorReport> {
    let home = Home::resolve(cli.home).map_err(CounterError::from)?;
    let _logs = home
        .ensure()
        .is_ok()
        .then(|| merchant_core::logging::init(home.root(), "merchantctl", false));
    let mut stdin = Stdin(std::io::stdin().lock());
    if let Command::Setup {
        command: SetupCommand::Recover { confirm },
    } = &cli.command
    {
        if !confirm {
            return Err(TerminalError::from(merchant_core::setup::SetupError::NotConfirmed).into());
        }
        let done = Terminal::recover_setup(&home, &stdin.secret("the gateway key")?)?;
        let text = format!(
            "A new audit trail was started ({} database; its first entry records the recovery). \
             Create the owner's account again with `merchantctl staff init-owner`.",
            done.reason
        );
        return output(serde_json::json!({ "recovered": done }), text, 0);
    }
    let terminal = Terminal::open(home).await?;

    if let Command::Staff {
        command: StaffCommand::InitOwner { name },
    } = &cli.command
    {
        let owner = terminal.create_owner(name, &stdin.secret("the owner's PIN")?)?;
        let text = format!("owner {} created", owner.name);
        return output(serde_json::json!({ "staff": SessionView::new(&owner) }), text, 0);
    }
    let name = cli.staff.as_deref().ok_or_else(|| {
        ErrorReport::new(
            ErrorCode::NotSignedIn,
            "sign in with --staff NAME (PIN on standard input)",
        )
    })?;
    let actor = terminal.sign_in(name, &stdin.secret("your PIN")?)?;
    let mode = terminal.mode();

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
            let input = ChargeInput {
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
                staff_id: None,
                audit_anchor: None,
            };
            sale_output(&terminal.charge(&actor, input).await?, mode)
        }
        Command::Capture { sale_id, amount } => {
            sale_output(&terminal.capture(&actor, sale_id_arg(&sale_id)?, amount).await?, mode)
        }
        Command::Void { sale_id } => sale_output(&terminal.void(&actor, sale_id_arg(&sale_id)?).await?, mode),
        Command::Refund {
            sale_id,
            amount,
            reason,
            note,
            approver,
        } => {
            let sale_id = sale_id_arg(&sale_id)?;
            let approver_pin = match &approver {
                Some(_) => Some(stdin.secret("the approver's PIN")?),
                None => None,
            };
            let input = RefundInput {
                sale_id,
                amount,
                reason: match reason {
                    ReasonArg::RequestedByCustomer => RefundReason::RequestedByCustomer,
                    ReasonArg::Duplicate => RefundReason::Duplicate,
                    ReasonArg::Fraudulent => RefundReason::Fraudulent,
                },
                note,
                staff_id: None,
            };
            let approval = approver.as_deref().zip(approver_pin.as_ref());
            let refund = terminal.refund(&actor, input, approval).await?;
            let left = terminal.refundable(&actor, sale_id)?;
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
            output(serde_json::json!({ "refund": view }), text, exit)
        }
        Command::Sales {
            command:
                SalesCommand::List {
                    since_ms,
                    until_ms,
                    status,
                    last4,
                    amount,
                    currency,
                    staff_name,
                },
        } => {
            let request = ListSalesRequest {
                since_ms,
                until_ms,
                status: status.map(SaleStatus::from),
                last4,
                amount,
                currency: currency
                    .map(|c| c.parse::<Currency>())
                    .transpose()
                    .map_err(CounterError::from)?,
                staff: staff_name,
            };
            let filter = request.filter(now_ms());
            let views: Vec<SaleView> = terminal
                .search_sales(&actor, filter, request.staff.as_deref())?
                .iter()
                .map(|s| SaleView::new(s, mode))
                .collect();
            let text = if views.is_empty() {
                "no sales".to_string()
            } else {
                views.iter().map(sale_line).collect::<Vec<_>>().join("\n")
            };
            output(serde_json::json!({ "sales": views }), text, 0)
        }
        Command::Receipt {
            sale_id,
            refund,
            merchant,
            pdf,
            email,
        } => {
            let sale_id = sale_id_arg(&sale_id)?;
            let copy = if merchant {
                ReceiptCopy::Merchant
            } else {
                ReceiptCopy::Customer
            };
            let lines = terminal.receipt(&actor, sale_id, refund.as_deref(), copy)?;
            if let Some(out) = &pdf {
                std::fs::write(out, merchant_core::pdf::render(&lines)).map_err(|e| {
                    ErrorReport::new(
                        ErrorCode::InvalidInput,
                        format!("the PDF could not be written: {}", e.kind()),
                    )
                })?;
            }
            if let Some(to) = &email {
                terminal.email_receipt(&actor, sale_id, to).await?;
            }
            output(
                serde_json::json!({ "lines": lines, "pdf": pdf, "emailed": email.is_some() }),
                lines.join("\n"),
                0,
            )
        }
        Command::Resolve => {
            let unresolved = terminal.resolve_in_doubt(&actor).await?;
            let text = format!("{unresolved} sale(s) still in doubt");
            let exit = if unresolved == 0 { 0 } else { 13 };
            output(serde_json::json!({ "unresolved": unresolved }), text, exit)
        }
        Command::Staff { command } => staff(&terminal, &actor, command, &mut stdin),
        Command::Support { command } => {
            let (manifest, text) = match command {
                SupportCommand::Preview => (terminal.preview_bundle(&actor).await?, "preview".to_string()),
                SupportCommand::Export { out } => {
                    let m = terminal.export_bundle(&actor, &out).await?;
                    (m, format!("sealed to {}", out.display()))
                }
            };
            let files = manifest
                .files
                .iter()
                .map(|f| format!("  {:>10}  {}", f.bytes, f.path))
                .collect::<Vec<_>>()
                .join("\n");
            output(
                serde_json::json!({ "manifest": manifest }),
                format!("{text}:\n{files}"),
                0,
            )
        }
        Command::Keys { command } => keys(&terminal, &actor, command),
        Command::Audit { command } => audit(&terminal, &actor, command).await,
        Command::Report { command } => report(&terminal, &actor, command),
        Command::Reconcile { range, fix } => {
            let range = range.range(&terminal)?;
            let imported = if fix {
                Some(terminal.import_missing(&actor, &range).await?)
            } else {
                None
            };
            let r = terminal.reconcile(&actor, &range).await?;
            let mut text = vec![format!(
                "{} local sale(s), {} at the gateway, {} matched, {} difference(s)",
                r.local_sales,
                r.gateway_payments,
                r.matched,
                r.mismatches.len()
            )];
            text.extend(r.mismatches.iter().map(|m| {
                format!(
                    "{:?}: sale {} gateway {} local [{}] gateway [{}]{}",
                    m.kind,
                    m.sale_id.as_deref().unwrap_or("-"),
                    m.gateway_id.as_deref().unwrap_or("-"),
                    m.local.as_deref().unwrap_or("-"),
                    m.gateway.as_deref().unwrap_or("-"),
                    if m.importable { " (importable: --fix)" } else { "" }
                )
            }));
            if let Some(n) = imported {
                text.insert(0, format!("imported {n} record(s)"));
            }
            let exit = if r.mismatches.is_empty() { 0 } else { 4 };
            output(
                serde_json::json!({ "reconciliation": r, "imported": imported }),
                text.join("\n"),
                exit,
            )
        }
        // Answered before the terminal opens (above).
        Command::Setup { .. } => Err(ErrorReport::new(ErrorCode::Internal, "setup runs without signing in")),
        Command::TimeZone { name } => {
            let mut settings = terminal.settings().clone();
            ShopZone::new(Some(&name))?;
            settings.time_zone = Some(name.clone());
            terminal.save_settings(&actor, &settings, Action::SettingsChanged)?;
            output(
                serde_json::json!({ "time_zone": name }),
                format!("time zone: {name}"),
                0,
            )
        }
        Command::Gateway { command } => gateway(&terminal, &actor, command, &mut stdin).await,
        Command::Mode { mode } => {
            let mode = match mode {
                ModeArg::Training => Mode::Training,
                ModeArg::Live => Mode::Live,
            };
            terminal.switch_mode(&actor, mode)?;
            let text = format!("mode: {mode:?}").to_lowercase();
            output(serde_json::json!({ "mode": mode }), text, 0)
        }
    }
}

fn staff(terminal: &Terminal, actor: &Actor, command: StaffCommand, stdin: &mut Stdin) -> Result<Output, ErrorReport> {
    match command {
        StaffCommand::InitOwner { .. } => Err(ErrorReport::new(ErrorCode::StaffError, "the owner already exists")),
        StaffCommand::Add { name, role } => {
            let role = match role {
                RoleArg::Cashier => Role::Cashier,
                RoleArg::Manager => Role::Manager,
                RoleArg::Support => Role::Support,
            };
            let created = terminal.add_staff(actor, &name, role, &stdin.secret("the new staff member's PIN")?)?;
            let text = format!("{} added as {:?}", created.name, created.role).to_lowercase();
            output(serde_json::json!({ "staff": SessionView::new(&created) }), text, 0)
        }
        StaffCommand::Unlock { name } => {
            terminal.unlock_staff(actor, &name)?;
            output(serde_json::json!({ "unlocked": name }), format!("{name} unlocked"), 0)
        }
        StaffCommand::Disable { name } => {
            terminal.set_staff_active(actor, &name, false)?;
            output(
                serde_json::json!({ "disabled": true }),
                "Disabled: that account cannot sign in until enabled again.".to_string(),
                0,
            )
        }
        StaffCommand::Enable { name } => {
            terminal.set_staff_active(actor, &name, true)?;
            output(
                serde_json::json!({ "enabled": true }),
                "Enabled: that account can sign in again.".to_string(),
                0,
            )
        }
    }
}

fn report(terminal: &Terminal, actor: &Actor, command: ReportCommand) -> Result<Output, ErrorReport> {
    match command {
        ReportCommand::Day { range } => {
            let range = range.range(terminal)?;
            let view = ReportView::new("DAY REPORT", terminal.day_report(actor, &range)?);
            output(serde_json::json!({ "report": view }), view.lines.join("\n"), 0)
        }
        ReportCommand::X => {
            let view = ReportView::new("X REPORT (day not closed)", terminal.x_report(actor)?);
            output(serde_json::json!({ "report": view }), view.lines.join("\n"), 0)
        }
        ReportCommand::Close { pdf } => {
            let z = terminal.close_day(actor)?;
            z_output(terminal, actor, z.number, pdf)
        }
        ReportCommand::Z { number, pdf } => z_output(terminal, actor, number, pdf),
        ReportCommand::Csv { range, out } => {
            let range = range.range(terminal)?;
            let rows = terminal.export_csv(actor, &range, &out)?;
            let text = format!("{rows} row(s) written to {}", out.display());
            output(serde_json::json!({ "rows": rows, "path": out }), text, 0)
        }
    }
}

fn z_output(terminal: &Terminal, actor: &Actor, number: i64, pdf: Option<PathBuf>) -> Result<Output, ErrorReport> {
    let (z, discrepancies) = terminal.z_report(actor, number)?;
    if let Some(path) = &pdf {
        terminal.save_z_pdf(actor, number, path)?;
    }
    let mut text = print::z_lines(&z);
    for d in &discrepancies {
        text.push(format!(
            "DISCREPANCY {:?} {} {}: closed [{}] now [{}]",
            d.change,
            d.kind,
            d.id,
            d.closed.as_deref().unwrap_or("-"),
            d.now.as_deref().unwrap_or("-")
        ));
    }
    output(
        serde_json::json!({ "z_report": z, "discrepancies": discrepancies, "pdf": pdf }),
        text.join("\n"),
        0,
    )
}

fn keys(terminal: &Terminal, actor: &Actor, command: KeysCommand) -> Result<Output, ErrorReport> {
    match command {
        KeysCommand::Status => {
            let states = terminal.key_states(actor)?;
            let text = states
                .iter()
                .map(|k| format!("v{}  {:<9}  {} records", k.version, k.state, k.rows))
                .collect::<Vec<_>>()
                .join("\n");
            output(serde_json::json!({ "keys": states }), text, 0)
        }
        KeysCommand::RotateCache { batch } => {
            let r = terminal.rotate_cache_key(actor, batch)?;
            let text = format!(
                "cache key v{} -> v{}: {} sales and {} refunds re-sealed; v{} destroyed",
                r.from, r.to, r.sales, r.refunds, r.from
            );
            output(serde_json::json!({ "rotation": r }), text, 0)
        }
        KeysCommand::Recipients { support, owner } => {
            let s = terminal.set_support_recipients(actor, support, owner)?;
            let n = s.support_recipients.len() + usize::from(s.owner_recipient.is_some());
            output(
                serde_json::json!({ "support_recipients": s.support_recipients, "owner_recipient": s.owner_recipient }),
                format!("support bundles are now sealed to {n} recipient(s)"),
                0,
            )
        }
    }
}

async fn audit(terminal: &Terminal, actor: &Actor, command: AuditCommand) -> Result<Output, ErrorReport> {
    match command {
        AuditCommand::Verify { anchor } => {
            let anchor = anchor
                .map(|a| {
                    Anchor::decode(&a).ok_or_else(|| ErrorReport::new(ErrorCode::InvalidInput, "anchor is SEQ:MAC"))
                })
                .transpose()?;
            let result = terminal.verify_audit(actor, anchor.as_ref()).await?;
            let head = terminal.audit_head()?.map(|a| a.encode());
            let intact = matches!(result, merchant_core::audit::Verification::Intact { .. });
            let text = format!("{result:?} (head {})", head.as_deref().unwrap_or("-"));
            output(
                serde_json::json!({ "verification": result, "head": head }),
                text,
                if intact { 0 } else { 6 },
            )
        }
        AuditCommand::Show { limit } => {
            let entries = terminal.recent_audit(actor, limit)?;
            let text = entries
                .iter()
                .map(|e| {
                    format!(
                        "{:>6} {} {:<18} {:<12} {} {}",
                        e.seq,
                        e.at_ms,
                        e.action,
                        e.outcome,
                        e.object.as_deref().unwrap_or("-"),
                        e.detail.as_deref().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            output(serde_json::json!({ "entries": entries }), text, 0)
        }
    }
}

async fn gateway(
    terminal: &Terminal,
    actor: &Actor,
    command: GatewayCommand,
    stdin: &mut Stdin,
) -> Result<Output, ErrorReport> {
    match command {
        GatewayCommand::Configure {
            base_url,
            extra_ca,
            reader_id,
            omit_refund_reason,
        } => {
            let had_key = terminal.gateway_key(actor)?.is_some();
            let settings = terminal.configure_gateway(
                actor,
                GatewayChange {
                    base_url,
                    extra_ca,
                    reader_id,
                    omit_refund_reason,
                },
            )?;
            // A key checked against the old address or CA is never sent to
            // the new one: it was cleared, and must be entered again.
            let key_cleared = had_key && terminal.gateway_key(actor)?.is_none();
            let mut text = format!("gateway: {}", settings.gateway.base_url);
            if key_cleared {
                text.push_str(
                    "\nThe gateway key was cleared (it was checked against the old address or CA): enter it again with merchantctl gateway set-key.",
                );
            }
            let value = serde_json::json!({ "base_url": settings.gateway.base_url, "key_cleared": key_cleared });
            output(value, text, 0)
        }
        GatewayCommand::SetKey => {
            actor
                .require(merchant_core::auth::Permission::ConfigureGateway)
                .map_err(TerminalError::from)?;
            let key = terminal
                .replace_gateway_key(actor, &stdin.secret("the gateway key")?)
                .await?;
            let advice = if key.restricted {
                ""
            } else {
                " A full secret key works, but a restricted key (rk_) with only the permissions in the README is recommended."
            };
            let text = format!("gateway key {} saved to the keychain.{advice}", key.masked);
            let value = serde_json::json!({ "key": key.masked, "restricted": key.restricted, "live": key.live });
            output(value, text, 0)
        }
        GatewayCommand::Readers => {
            let readers = terminal.list_readers(actor).await?;
            let text = readers
                .iter()
                .map(|r| format!("{}  {:<8} {}", r.id, r.status, r.label))
                .collect::<Vec<_>>()
                .join("\n");
            output(serde_json::json!({ "readers": readers }), text, 0)
        }
        GatewayCommand::Show => match terminal.gateway_key(actor)? {
            Some(k) => output(
                serde_json::json!({ "key": k.masked, "restricted": k.restricted, "live": k.live }),
                k.masked.clone(),
                0,
            ),
            None => output(serde_json::json!({ "key": null }), "no gateway key".into(), 0),
        },
        GatewayCommand::RemoveKey => {
            terminal.remove_gateway_key(actor)?;
            output(serde_json::json!({ "removed": true }), "gateway key removed".into(), 0)
        }
    }
}

fn sale_id_arg(s: &str) -> Result<SaleId, ErrorReport> {
    SaleId::parse(s).ok_or_else(|| CounterError::SaleNotFound.into())
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
    output(serde_json::json!({ "sale": view }), text, exit)
}

fn sale_line(v: &SaleView) -> String {
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
        "{}  {:>12} {}  {:<10} {}{}",
        v.id, v.amount_display, v.currency, status, card, training
    )
}

fn code_name(code: ErrorCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
