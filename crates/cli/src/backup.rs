//! `merchantctl recovery-kit`, `backup` and `restore`: the recovery kit,
//! sealed backups, and restoring one into an empty data folder (see
//! `merchant_core::backup`). Progress goes to stderr.

use merchant_core::api::ErrorReport;
use merchant_core::auth::Actor;
use merchant_core::backup::Step;
use merchant_core::config::Home;
use merchant_core::messages::count;
use merchant_core::terminal::{Terminal, TerminalError};
use merchant_core::vault::recovery::RecoveryCode;
use secrecy::ExposeSecret;

use crate::output::*;

/// Each step on stderr, with the time the rest should take once a step
/// has finished (`restore: 3/4 keys in the keychain (about 2 s left)`).
fn progress(what: &'static str) -> impl FnMut(&Step) {
    let started = std::time::Instant::now();
    move |step: &Step| match step.left(started.elapsed()) {
        Some(left) => eprintln!("{what}: {step} (about {} s left)", left.as_secs_f64().ceil()),
        None => eprintln!("{what}: {step}"),
    }
}

/// The code, shown once, with what to do with it.
pub(crate) fn code_text(terminal: &Terminal, code: &RecoveryCode) -> String {
    terminal
        .words()
        .say("cli-recovery-code", &[("code", code.expose().into())])
}

pub(crate) fn issue_kit(
    terminal: &Terminal,
    actor: &Actor,
    sheet: Option<&std::path::Path>,
) -> Result<Output, ErrorReport> {
    if let Some(path) = sheet {
        terminal.check_sheet_place(path)?;
    }
    let code = terminal.issue_recovery_kit(actor)?;
    // The old code no longer opens the kit: whatever becomes of the sheet,
    // the new code is shown.
    let sheet_error = sheet.and_then(|path| terminal.save_recovery_sheet(actor, &code, path).err());
    let sheet_error = sheet_error.map(|e| ErrorReport::from(&e));
    let mut text = code_text(terminal, &code);
    if let Some(e) = &sheet_error {
        text = format!("{text}\n{}", e.message);
    }
    output(
        serde_json::json!({ "recovery_code": code.expose(), "sheet_error": sheet_error }),
        text,
        sheet_error.as_ref().map_or(0, |e| e.code.exit_status()),
    )
}

pub(crate) fn backup(terminal: &Terminal, actor: &Actor, out: &std::path::Path) -> Result<Output, ErrorReport> {
    let made = terminal.backup(actor, out, &mut progress("backup"))?;
    let text = terminal.words().say(
        "cli-backup-made",
        &[
            ("path", made.path.display().to_string().into()),
            ("files", count(made.files)),
        ],
    );
    output(serde_json::json!({ "backup": made }), text, 0)
}

/// Restores `file` into `home`, the recovery code read from stdin.
pub(crate) async fn restore(home: Home, file: &std::path::Path, stdin: &mut Stdin) -> Result<Output, ErrorReport> {
    let typed = stdin.secret("the recovery code")?;
    let code = RecoveryCode::parse(typed.expose_secret())
        .map_err(|e| ErrorReport::from(TerminalError::from(merchant_core::backup::BackupError::from(e))))?;
    let (terminal, restored, audit) = Terminal::restore(home, file, &code, &mut progress("restore")).await?;
    let intact = matches!(audit, merchant_core::audit::Verification::Intact { .. });
    let text = terminal
        .words()
        .say("cli-restored", &[("files", count(restored.files))]);
    output(
        serde_json::json!({ "restored": restored, "audit": audit }),
        text,
        if intact { 0 } else { 6 },
    )
}
