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

mod args;
mod backup;
mod output;
mod owner;

use std::process::ExitCode;

use clap::Parser;
use merchant_core::api::{ErrorCode, ErrorReport, ListSalesRequest, RefundView, SaleView, SessionView};
use merchant_core::audit::Action;
use merchant_core::clock::now_ms;
use merchant_core::config::{Home, Mode};
use merchant_core::counter::{ChargeInput, CounterError};
use merchant_core::gateway::CaptureMode;
use merchant_core::messages::count;
use merchant_core::money::Currency;
use merchant_core::receipt::ReceiptCopy;
use merchant_core::reports::ShopZone;
use merchant_core::shop::ShopDetails;
use merchant_core::store::RefundStatus;
use merchant_core::terminal::{RefundForm, Terminal, TerminalError};

use crate::args::*;
use crate::output::*;
use crate::owner::*;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let json = cli.json;
    let words = shop_words(cli.home.clone());
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
                eprintln!("merchantctl: {} [{}]", words.report(&report), code_name(report.code));
                if let Some(hint) = hint(report.code) {
                    eprintln!("merchantctl: {hint}");
                }
            }
            ExitCode::from(report.code.exit_status())
        }
    }
}

/// The shop's words, for an error said after the terminal closed: its
/// data folder's language, else this computer's.
fn shop_words(home: Option<std::path::PathBuf>) -> merchant_core::messages::Catalog {
    use merchant_core::messages::Catalog;
    Home::resolve(home).ok().and_then(|h| h.settings().ok()).map_or_else(
        || Catalog::of(merchant_core::locale::Language::from_os()),
        |s| Catalog::new(s.language(), s.numbers()),
    )
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
    if let Command::Restore { file } = &cli.command {
        return backup::restore(home, file, &mut stdin).await;
    }
    let terminal = Terminal::open(home).await?;

    if let Command::Staff {
        command: StaffCommand::InitOwner { name },
    } = &cli.command
    {
        let owner = terminal.create_owner(name, &stdin.secret("the owner's PIN")?)?;
        // The recovery kit comes with the owner: its code is shown now, once.
        let code = terminal.issue_recovery_kit(&owner)?;
        let text = format!(
            "{}
{}",
            terminal
                .words()
                .say("cli-owner-created", &[("name", owner.name.as_str().into())]),
            backup::code_text(&terminal, &code)
        );
        return output(
            serde_json::json!({ "staff": SessionView::new(&owner), "recovery_code": code.expose() }),
            text,
            0,
        );
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
            phone_order,
        } => {
            let currency = currency
                .map(|c| c.parse::<Currency>())
                .transpose()
                .map_err(CounterError::from)?;
            let input = ChargeInput {
                amount,
                currency,
                description,
                simulated_card: (mode == Mode::Training).then_some(card),
                payment_method,
                capture: if manual_capture {
                    CaptureMode::Manual
                } else {
                    CaptureMode::Automatic
                },
                phone_order,
                staff_id: None,
                audit_anchor: None,
            };
            sale_output(&terminal.charge(&actor, input).await?, mode, terminal.words())
        }
        Command::Capture { sale_id, amount } => sale_output(
            &terminal
                .capture(&actor, sale_id_arg(&sale_id)?, amount.as_deref())
                .await?,
            mode,
            terminal.words(),
        ),
        Command::Void { sale_id } => sale_output(
            &terminal.void(&actor, sale_id_arg(&sale_id)?).await?,
            mode,
            terminal.words(),
        ),
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
            let input = RefundForm {
                sale_id,
                amount,
                reason,
                note,
            };
            let approval = approver.as_deref().zip(approver_pin.as_ref());
            let refund = terminal.refund(&actor, input, approval).await?;
            let left = terminal.refundable(&actor, sale_id)?;
            let view = RefundView::new(&refund, &left, terminal.words());
            let exit = match refund.status {
                RefundStatus::Succeeded => 0,
                RefundStatus::Failed => 12,
                RefundStatus::Pending | RefundStatus::InDoubt => 13,
            };
            let text = terminal.words().say(
                "cli-refund",
                &[
                    ("id", view.id.as_str().into()),
                    ("amount", view.amount_display.as_str().into()),
                    ("message", view.message.as_str().into()),
                    ("left", view.refundable_display.as_str().into()),
                ],
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
                status,
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
                .map(|s| SaleView::new(s, mode, terminal.words()))
                .collect();
            let text = if views.is_empty() {
                terminal.words().text("cli-no-sales")
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
                std::fs::write(out, terminal.receipt_pdf(&lines)).map_err(|e| {
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
            let text = terminal
                .words()
                .say("cli-still-in-doubt", &[("count", count(unresolved))]);
            let exit = if unresolved == 0 { 0 } else { 13 };
            output(serde_json::json!({ "unresolved": unresolved }), text, exit)
        }
        Command::Staff { command } => staff(&terminal, &actor, command, &mut stdin),
        Command::Support { command } => {
            let (manifest, text) = match command {
                SupportCommand::Preview => (
                    terminal.preview_bundle(&actor).await?,
                    terminal.words().text("cli-bundle-preview"),
                ),
                SupportCommand::Export { out } => {
                    let m = terminal.export_bundle(&actor, &out).await?;
                    let path = out.display().to_string();
                    (m, terminal.words().say("cli-bundle-sealed", &[("path", path.into())]))
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
        Command::RecoveryKit {
            command: RecoveryKitCommand::Issue { pdf },
        } => backup::issue_kit(&terminal, &actor, pdf.as_deref()),
        Command::Backup { out } => backup::backup(&terminal, &actor, &out),
        Command::Audit { command } => audit(&terminal, &actor, command).await,
        Command::Report { command } => report(&terminal, &actor, command).await,
        Command::BackOffice {
            command: BackOfficeCommand::Enable,
        } => {
            terminal.enable_back_office(&actor)?;
            output(
                serde_json::json!({ "back_office": true }),
                terminal.words().text("cli-back-office-on"),
                0,
            )
        }
        Command::Reconcile { range, fix } => {
            let range = range.range(&terminal)?;
            let imported = if fix {
                Some(terminal.import_missing(&actor, &range).await?)
            } else {
                None
            };
            let r = terminal.reconcile(&actor, &range).await?;
            let mut text = vec![terminal.words().say(
                "cli-reconciled",
                &[
                    ("local", count(r.local_sales)),
                    ("gateway", count(r.gateway_payments)),
                    ("matched", count(r.matched)),
                    ("differences", count(r.mismatches.len())),
                ],
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
                text.insert(0, terminal.words().say("cli-imported", &[("count", count(n))]));
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
        Command::Restore { .. } => Err(ErrorReport::new(ErrorCode::Internal, "restore runs without signing in")),
        Command::TimeZone { name } => {
            let mut settings = terminal.settings().clone();
            ShopZone::new(Some(&name))?;
            settings.time_zone = Some(name.clone());
            terminal.save_settings(&actor, &settings, Action::SettingsChanged)?;
            output(
                serde_json::json!({ "time_zone": name }),
                terminal.words().say("cli-time-zone", &[("zone", name.as_str().into())]),
                0,
            )
        }
        Command::Language { language } => {
            terminal.set_language(&actor, language)?;
            // Said in the new language, as the next start will speak it.
            let words = merchant_core::messages::Catalog::of(language);
            let text = words.say("cli-language", &[("language", language.autonym().into())]);
            output(serde_json::json!({ "language": language }), text, 0)
        }
        Command::Shop { command } => shop(&terminal, &actor, command),
        Command::Till {
            command: TillCommand::Name { name },
        } => {
            let details = ShopDetails {
                till: name,
                ..terminal.shop_details(&actor)?
            };
            let details = terminal.update_shop(&actor, &details)?;
            let text = terminal
                .words()
                .say("cli-till-named", &[("till", details.till.as_str().into())]);
            output(serde_json::json!({ "till": details.till }), text, 0)
        }
        Command::Gateway { command } => gateway(&terminal, &actor, command, &mut stdin).await,
        Command::Mode { mode } => {
            terminal.switch_mode(&actor, mode)?;
            let text = terminal.words().text(match mode {
                Mode::Training => "cli-mode-training",
                Mode::Live => "cli-mode-live",
            });
            output(serde_json::json!({ "mode": mode }), text, 0)
        }
    }
}
