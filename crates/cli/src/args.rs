//! The command line: every command, option and value `merchantctl` takes
//! (clap). Parsing only; what each command does is in `main.rs` and
//! `owner.rs`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use merchant_core::api::ErrorReport;
use merchant_core::auth::Role;
use merchant_core::config::{Mode, HOME_ENV};
use merchant_core::gateway::training::SimulatedCard;
use merchant_core::pdf::Paper;
use merchant_core::reports::DateRange;
use merchant_core::sale::RefundReason;
use merchant_core::store::SaleStatus;
use merchant_core::terminal::Terminal;

#[derive(Parser)]
#[command(name = "merchantctl", version, about = "Merchant Terminal from the command line")]
pub(crate) struct Cli {
    /// The terminal's data folder.
    #[arg(long, global = true, env = HOME_ENV)]
    pub(crate) home: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Sign in as this staff member (PIN on the first line of stdin).
    #[arg(long, global = true, env = "MERCHANT_TERMINAL_STAFF")]
    pub(crate) staff: Option<String>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
        #[arg(long, value_enum, default_value_t = SimulatedCard::Approve)]
        card: SimulatedCard,
        /// A payment method id from the gateway's hosted card fields (keyed
        /// entry), or a gateway test payment method such as pm_card_visa.
        #[arg(long)]
        payment_method: Option<String>,
        /// Only authorise (deposits, tabs): capture or void it later.
        #[arg(long)]
        manual_capture: bool,
        /// A phone or mail order: the card (--payment-method) was read out
        /// over the phone into the gateway's card fields.
        #[arg(long)]
        phone_order: bool,
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
        #[arg(long, value_enum, default_value_t = RefundReason::RequestedByCustomer)]
        reason: RefundReason,
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
    Mode { mode: Mode },
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
    /// Set the shop's language (en, fr, de, es): every word the terminal
    /// says, and how it writes amounts and dates (managers).
    Language { language: merchant_core::locale::Language },
    /// The shop's details printed at the top of receipts and reports.
    Shop {
        #[command(subcommand)]
        command: ShopCommand,
    },
    /// The terminal's set-up record (needs no sign-in).
    Setup {
        #[command(subcommand)]
        command: SetupCommand,
    },
    /// A new recovery kit: its code is printed once, and the code before it
    /// no longer opens this terminal's kit (managers).
    RecoveryKit {
        #[command(subcommand)]
        command: RecoveryKitCommand,
    },
    /// Write a sealed backup of the whole terminal to FILE (managers). It
    /// opens only with the recovery code.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into this (empty) data folder and this computer's
    /// keychain; the recovery code is read from standard input. Needs no
    /// sign-in: the code is the owner's.
    Restore { file: PathBuf },
    /// This till, among the shop's tills.
    Till {
        #[command(subcommand)]
        command: TillCommand,
    },
    /// A back office: the shop's reports and combined day, no counter.
    BackOffice {
        #[command(subcommand)]
        command: BackOfficeCommand,
    },
}

#[derive(Subcommand)]
pub(crate) enum BackOfficeCommand {
    /// Make this terminal a back office (managers; a terminal that never
    /// took a payment, with the shop's gateway key set: a restricted
    /// read-only key is enough). It then takes no payments.
    Enable,
}

#[derive(Subcommand)]
pub(crate) enum TillCommand {
    /// Name this till (`Till 1`, `Bar`; empty to unname it): printed on
    /// its receipts and Z reports and sent with its payments (managers).
    Name { name: String },
}

#[derive(Subcommand)]
pub(crate) enum SetupCommand {
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
pub(crate) struct RangeArgs {
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    pub(crate) from: Option<String>,
    /// Last day, YYYY-MM-DD (the same as --from when omitted).
    #[arg(long)]
    pub(crate) to: Option<String>,
}

impl RangeArgs {
    pub(crate) fn range(&self, terminal: &Terminal) -> Result<DateRange, ErrorReport> {
        let today = terminal.today()?.to_string();
        let from = self.from.clone().unwrap_or(today);
        let to = self.to.clone().unwrap_or_else(|| from.clone());
        Ok(DateRange::parse(&from, &to)?)
    }
}

#[derive(Subcommand)]
pub(crate) enum ShopCommand {
    /// Show the shop's details.
    Show,
    /// Change the shop's details (a manager's); what is not given stays.
    Set {
        #[arg(long)]
        name: Option<String>,
        /// One address line; repeat for each line (up to four). Replaces
        /// the whole address.
        #[arg(long)]
        address: Vec<String>,
        /// Empty to stop printing one.
        #[arg(long)]
        phone: Option<String>,
        /// VAT or sales tax registration; empty to stop printing one.
        #[arg(long)]
        tax_id: Option<String>,
        /// What receipts are printed on: a4, 80mm or 58mm.
        #[arg(long, value_parser = paper)]
        paper: Option<Paper>,
        /// This till's name (as `till name`).
        #[arg(long)]
        till: Option<String>,
    },
}

#[derive(Subcommand)]
pub(crate) enum RecoveryKitCommand {
    /// Issue a new kit (the first, or instead of a lost one).
    Issue {
        /// Also write the recovery sheet (the code, to print) as a PDF here.
        /// Print it and delete the file: the code must not stay on this computer.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub(crate) enum ReportCommand {
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
    /// The whole shop's figures, every till, from the gateway's records
    /// (live mode; at most 92 days).
    Shop {
        #[command(flatten)]
        range: RangeArgs,
    },
    /// Every till's sales and refunds from the gateway's records, as CSV.
    ShopCsv {
        #[command(flatten)]
        range: RangeArgs,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub(crate) enum SupportCommand {
    /// Show what the bundle would contain, without sealing it.
    Preview,
    /// Seal the bundle with age to the configured recipients.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub(crate) enum KeysCommand {
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
pub(crate) enum SalesCommand {
    /// Sales in a time range (default: the last 24 hours), newest first.
    List {
        /// Start, in milliseconds since the Unix epoch (UTC).
        #[arg(long)]
        since_ms: Option<i64>,
        /// End (exclusive), in milliseconds since the Unix epoch (UTC).
        #[arg(long)]
        until_ms: Option<i64>,
        #[arg(long, value_enum)]
        status: Option<SaleStatus>,
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
pub(crate) enum StaffCommand {
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
        role: Role,
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
pub(crate) enum AuditCommand {
    /// Recompute the HMAC chain; report the first broken link, or a log
    /// that ends before an anchor taken earlier (`SEQ:MAC`).
    Verify {
        #[arg(long)]
        anchor: Option<String>,
    },
    /// The newest entries, of one action or one outcome if given (the
    /// words `audit show` prints).
    Show {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, value_enum)]
        action: Option<merchant_core::audit::Action>,
        #[arg(long, value_enum)]
        outcome: Option<merchant_core::audit::Outcome>,
    },
}

#[derive(Subcommand)]
pub(crate) enum GatewayCommand {
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
        /// The gateway's publishable key (`pk_…`), for phone orders in the
        /// app's card window; "" removes it.
        #[arg(long)]
        publishable_key: Option<String>,
        /// Where the card window loads the gateway's card fields from
        /// (default https://js.stripe.com/v3/).
        #[arg(long)]
        card_fields_script: Option<String>,
        /// The account may mark phone orders as MOTO (Stripe enables it on request).
        #[arg(long)]
        moto: Option<bool>,
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

/// The core's own names for papers (`a4`, `80mm`, `58mm`), as settings.toml
/// spells them.
fn paper(s: &str) -> Result<Paper, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| "the paper is one of a4, 80mm or 58mm".to_string())
}
