//! The owner's and support's commands: staff, reports, keys, the audit
//! trail and the gateway.

use std::path::PathBuf;

use crate::args::*;
use crate::output::*;
use merchant_core::api::{ErrorCode, ErrorReport, ReportView, SessionView};
use merchant_core::audit::{Anchor, AuditFilter};
use merchant_core::auth::Actor;
use merchant_core::messages::count;
use merchant_core::reports::print;
use merchant_core::shop::ShopDetails;
use merchant_core::terminal::{GatewayChange, Terminal, TerminalError};

pub(crate) fn staff(
    terminal: &Terminal,
    actor: &Actor,
    command: StaffCommand,
    stdin: &mut Stdin,
) -> Result<Output, ErrorReport> {
    match command {
        StaffCommand::InitOwner { .. } => Err(ErrorReport::new(ErrorCode::StaffError, "the owner already exists")),
        StaffCommand::Add { name, role } => {
            let created = terminal.add_staff(actor, &name, role, &stdin.secret("the new staff member's PIN")?)?;
            let role = terminal.words().text(created.role.message_id());
            let text = terminal.words().say(
                "cli-staff-added",
                &[("name", created.name.as_str().into()), ("role", role.into())],
            );
            output(serde_json::json!({ "staff": SessionView::new(&created) }), text, 0)
        }
        StaffCommand::Unlock { name } => {
            terminal.unlock_staff(actor, &name)?;
            let text = terminal
                .words()
                .say("cli-staff-unlocked", &[("name", name.as_str().into())]);
            output(serde_json::json!({ "unlocked": name }), text, 0)
        }
        StaffCommand::Disable { name } => {
            terminal.set_staff_active(actor, &name, false)?;
            output(
                serde_json::json!({ "disabled": true }),
                terminal.words().text("cli-staff-disabled"),
                0,
            )
        }
        StaffCommand::Enable { name } => {
            terminal.set_staff_active(actor, &name, true)?;
            output(
                serde_json::json!({ "enabled": true }),
                terminal.words().text("cli-staff-enabled"),
                0,
            )
        }
    }
}

pub(crate) fn shop(terminal: &Terminal, actor: &Actor, command: ShopCommand) -> Result<Output, ErrorReport> {
    let details = match command {
        ShopCommand::Show => terminal.shop_details(actor)?,
        ShopCommand::Set {
            name,
            address,
            phone,
            tax_id,
            paper,
            till,
        } => {
            let now = terminal.shop_details(actor)?;
            let address = if address.is_empty() { now.address } else { address };
            terminal.update_shop(
                actor,
                &ShopDetails {
                    name: name.unwrap_or(now.name),
                    address,
                    phone: phone.unwrap_or(now.phone),
                    tax_id: tax_id.unwrap_or(now.tax_id),
                    receipt_paper: paper.unwrap_or(now.receipt_paper),
                    till: till.unwrap_or(now.till),
                },
            )?
        }
    };
    let text = details.header_lines(terminal.words()).join("\n");
    output(serde_json::json!({ "shop": details }), text, 0)
}

pub(crate) async fn report(terminal: &Terminal, actor: &Actor, command: ReportCommand) -> Result<Output, ErrorReport> {
    match command {
        ReportCommand::Shop { range } => {
            let range = range.range(terminal)?;
            let day = terminal.shop_day(actor, &range, &progress(terminal)).await?;
            let text = print::shop_lines(terminal.words(), &day).join("\n");
            let exit = if day.differs { 4 } else { 0 };
            output(serde_json::json!({ "shop": day }), text, exit)
        }
        ReportCommand::ShopCsv { range, out } => {
            let range = range.range(terminal)?;
            let rows = terminal
                .export_shop_csv(actor, &range, &out, &progress(terminal))
                .await?;
            csv_written(terminal, rows, out)
        }
        ReportCommand::Day { range } => {
            let range = range.range(terminal)?;
            let view = ReportView::new(
                terminal.words(),
                "report-day-title",
                terminal.day_report(actor, &range)?,
            );
            output(serde_json::json!({ "report": view }), view.lines.join("\n"), 0)
        }
        ReportCommand::X => {
            let view = ReportView::new(terminal.words(), "report-x-title", terminal.x_report(actor)?);
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
            csv_written(terminal, rows, out)
        }
    }
}

fn csv_written(terminal: &Terminal, rows: u64, out: PathBuf) -> Result<Output, ErrorReport> {
    let text = terminal.words().say(
        "cli-csv-written",
        &[
            ("count", merchant_core::messages::count(rows)),
            ("path", out.display().to_string().into()),
        ],
    );
    output(serde_json::json!({ "rows": rows, "path": out }), text, 0)
}

/// Long reads of the gateway say how far they are, on standard error (so
/// standard output stays the report, or its JSON).
fn progress(terminal: &Terminal) -> impl Fn(usize, usize) + Sync + '_ {
    move |done, total| {
        let line = terminal.words().say(
            "cli-gateway-progress",
            &[
                ("done", merchant_core::messages::count(done)),
                ("total", merchant_core::messages::count(total)),
            ],
        );
        eprintln!("{line}");
    }
}

pub(crate) fn z_output(
    terminal: &Terminal,
    actor: &Actor,
    number: i64,
    pdf: Option<PathBuf>,
) -> Result<Output, ErrorReport> {
    let (z, discrepancies) = terminal.z_report(actor, number)?;
    if let Some(path) = &pdf {
        terminal.save_z_pdf(actor, number, path)?;
    }
    let mut text = print::z_lines(terminal.words(), &z);
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

pub(crate) fn keys(terminal: &Terminal, actor: &Actor, command: KeysCommand) -> Result<Output, ErrorReport> {
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
            let text = terminal.words().say(
                "cli-key-rotated",
                &[
                    ("from", count(r.from)),
                    ("to", count(r.to)),
                    ("sales", count(r.sales)),
                    ("refunds", count(r.refunds)),
                ],
            );
            output(serde_json::json!({ "rotation": r }), text, 0)
        }
        KeysCommand::Recipients { support, owner } => {
            let s = terminal.set_support_recipients(actor, support, owner)?;
            let n = s.support_recipients.len() + usize::from(s.owner_recipient.is_some());
            output(
                serde_json::json!({ "support_recipients": s.support_recipients, "owner_recipient": s.owner_recipient }),
                terminal.words().say("cli-recipients", &[("count", count(n))]),
                0,
            )
        }
    }
}

pub(crate) async fn audit(terminal: &Terminal, actor: &Actor, command: AuditCommand) -> Result<Output, ErrorReport> {
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
        AuditCommand::Show { limit, action, outcome } => {
            let filter = AuditFilter {
                action,
                actor: None,
                outcome,
                since_ms: 0,
                until_ms: i64::MAX,
                limit,
            };
            let entries = terminal.audit_entries(actor, None, filter)?;
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

pub(crate) async fn gateway(
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
            publishable_key,
            card_fields_script,
            moto,
        } => {
            let had_key = terminal.gateway_key(actor)?.is_some();
            let settings = terminal.configure_gateway(
                actor,
                GatewayChange {
                    base_url,
                    extra_ca,
                    reader_id,
                    omit_refund_reason,
                    publishable_key,
                    card_fields_script,
                    moto,
                },
            )?;
            // A key checked against the old address or CA is never sent to
            // the new one: it was cleared, and must be entered again.
            let key_cleared = had_key && terminal.gateway_key(actor)?.is_none();
            let url = settings.gateway.base_url.as_str();
            let mut text = terminal.words().say("cli-gateway", &[("url", url.into())]);
            if key_cleared {
                text.push('\n');
                text.push_str(&terminal.words().text("cli-gateway-key-cleared"));
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
            let words = terminal.words();
            let mut text = words.say("cli-gateway-key-saved", &[("key", key.masked.as_str().into())]);
            if !key.restricted {
                text.push(' ');
                text.push_str(&words.text("cli-gateway-key-advice"));
            }
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
