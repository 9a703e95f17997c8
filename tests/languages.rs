//! A shop that works in its own language, through the real CLI, keychain
//! and files: amounts typed and written its way, receipts, X and Z reports
//! and the CSV in its words, the language chosen by a manager and audited,
//! the computer's locale as the default, and an earlier version's decimal
//! mark kept until the language is chosen.

use merchant_tests::{assert_speaks, merchantctl, KeyringSession, TerminalHome, TestResult};
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Charges `amount` as typed; the sale's JSON.
fn charge(session: &KeyringSession, home: &TerminalHome, amount: &str) -> TestResult<Value> {
    let out = merchantctl(Some(session), home, &["--json", "charge", amount])?;
    Ok(json(&out))
}

fn assert_no_english(what: &str, text: &str, language: &str) -> TestResult {
    assert_speaks(language, "core", what, text)
}

#[test]
fn a_german_shop_types_and_reads_amounts_its_way_and_every_paper_speaks_german() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings("currency = \"EUR\"\n")?;
    let s = Some(&session);

    let out = merchantctl(s, &home, &["language", "de"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Sprache: Deutsch");
    let audit = json(&merchantctl(
        s,
        &home,
        &["--json", "audit", "show", "--action", "settings_changed"],
    )?);
    let entry = &audit["entries"][0];
    assert_eq!(entry["object"], "language", "{audit}");
    assert_eq!(entry["detail"], "language: unset -> de", "{audit}");

    // As a German writes it: a point groups thousands, a comma decimals.
    let big = charge(&session, &home, "1.234,50")?;
    assert_eq!(big["sale"]["amount_minor"], 123_450, "{big}");
    assert_eq!(big["sale"]["amount_display"], "1.234,50\u{a0}€");
    assert_eq!(big["sale"]["message"], "Genehmigt.");
    assert_eq!(charge(&session, &home, "12,50 €")?["sale"]["amount_minor"], 1250);
    // The American way is refused with the reason, never read as 1250 €.
    let out = merchantctl(s, &home, &["charge", "12.50"])?;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(said.contains("Nachkommastellen nach „,“"), "{said}");
    assert!(!said.contains("12.50"), "what was typed is never echoed: {said}");
    let refused = json(&merchantctl(s, &home, &["--json", "charge", "12.50"])?);
    assert_eq!(refused["error"]["said"]["id"], "error-amount-decimal-mark", "{refused}");
    assert_eq!(refused["error"]["said"]["args"]["mark"], ",");
    // Nothing was kept of the refusals.
    let listed = json(&merchantctl(s, &home, &["--json", "sales", "list"])?);
    assert_eq!(listed["sales"].as_array().map(Vec::len), Some(2), "{listed}");

    // A manager's mistakes are named in German, the field too.
    let long = "DE".repeat(30);
    let out = merchantctl(s, &home, &["shop", "set", "--tax-id", &long])?;
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        said.contains("Das Feld „USt-IdNr.“ des Geschäfts ist zu lang"),
        "{said}"
    );
    assert!(!said.contains(&long), "what was typed is never echoed: {said}");

    // merchantctl's own lines speak German too.
    let out = merchantctl(s, &home, &["resolve"])?;
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0 Verkäufe noch unklar");

    let sale = big["sale"]["id"].as_str().unwrap_or_default().to_string();
    let out = merchantctl(s, &home, &["--json", "refund", &sale, "--amount", "234,50"])?;
    assert_eq!(
        json(&out)["refund"]["refundable_display"],
        "1.000,00\u{a0}€",
        "{}",
        text(&out)
    );

    let receipt = text(&merchantctl(s, &home, &["receipt", &sale])?);
    for word in ["KUNDENBELEG", "Betrag", "1.234,50\u{a0}€", "GENEHMIGT", "Vielen Dank"] {
        assert!(receipt.contains(word), "{word}: {receipt}");
    }
    let date = regex::Regex::new(r"\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}")?;
    assert!(date.is_match(&receipt), "a German date and time: {receipt}");
    assert_no_english("the receipt", &receipt, "de")?;

    let x = text(&merchantctl(s, &home, &["report", "x"])?);
    assert!(
        x.contains("X-BERICHT") && x.contains("Netto") && x.contains("1.012,50\u{a0}€"),
        "{x}"
    );
    assert_no_english("the X report", &x, "de")?;
    let z = text(&merchantctl(s, &home, &["report", "close"])?);
    assert!(z.contains("Z-BON Nr. 0001") && z.contains("Abgeschlossen am"), "{z}");
    assert_no_english("the Z report", &z, "de")?;

    let csv = home.path().join("tag.csv");
    let out = merchantctl(s, &home, &["report", "csv", "--out", &csv.display().to_string()])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let csv = std::fs::read_to_string(csv)?;
    let header = csv.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("Vorgang,Kennung,Verkauf,") && header.contains("Betrag"),
        "{header}"
    );
    // The cells stay machine values: a spreadsheet reads the same file.
    assert!(csv.contains(",1234.50,"), "{csv}");
    Ok(())
}

#[test]
fn a_fresh_terminal_speaks_its_computers_language() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?.on_computer_in("fr_FR.UTF-8");
    home.settings("currency = \"EUR\"\n")?;
    let sale = charge(&session, &home, "1 234,56")?;
    assert_eq!(sale["sale"]["amount_minor"], 123_456, "{sale}");
    assert_eq!(sale["sale"]["amount_display"], "1\u{202f}234,56\u{a0}€");
    assert_eq!(sale["sale"]["message"], "Accepté.");
    let out = merchantctl(Some(&session), &home, &["charge", "--", "-1"])?;
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(said.contains("Un montant ne peut pas être négatif"), "{said}");
    Ok(())
}

#[test]
fn a_spanish_shop_groups_thousands_only_from_five_digits() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?.on_computer_in("es_ES.UTF-8");
    home.settings("currency = \"EUR\"\n")?;
    for (typed, minor, written) in [
        ("1234,5", 123_450, "1234,50\u{a0}€"),
        ("1.234,5", 123_450, "1234,50\u{a0}€"),
        ("9.876,54", 987_654, "9876,54\u{a0}€"),
    ] {
        let sale = charge(&session, &home, typed)?;
        assert_eq!(sale["sale"]["amount_minor"], minor, "{sale}");
        assert_eq!(sale["sale"]["amount_display"], written);
        assert_eq!(sale["sale"]["message"], "Aprobada.");
    }
    let out = merchantctl(Some(&session), &home, &["--json", "charge", "1,234.50"])?;
    assert_eq!(
        json(&out)["error"]["said"]["id"],
        "error-amount-decimal-mark",
        "{}",
        text(&out)
    );
    Ok(())
}

#[test]
fn an_earlier_versions_decimal_mark_stays_until_a_language_is_chosen() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    // Written by a version that had only this choice, on an English computer.
    home.settings("currency = \"EUR\"\ndecimal_separator = \"comma\"\n")?;
    let sale = charge(&session, &home, "12,50")?;
    assert_eq!(sale["sale"]["amount_minor"], 1250, "{sale}");
    assert_eq!(
        sale["sale"]["amount_display"], "€12,50",
        "English words, the shop's own mark"
    );

    let out = merchantctl(Some(&session), &home, &["language", "en"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let refused = json(&merchantctl(Some(&session), &home, &["--json", "charge", "12,50"])?);
    assert_eq!(refused["error"]["said"]["id"], "error-amount-decimal-mark", "{refused}");
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    assert!(
        settings.contains("language = \"en\"") && !settings.contains("decimal_separator"),
        "{settings}"
    );

    // A cashier may not change the shop's language.
    let out = merchantctl_stdin_staff(&session, &home)?;
    assert_eq!(out, "forbidden");
    Ok(())
}

/// A cashier added, then asked to set the language; the error code.
fn merchantctl_stdin_staff(session: &KeyringSession, home: &TerminalHome) -> TestResult<String> {
    let out = merchant_tests::merchantctl_stdin(
        session,
        home,
        &["--json", "staff", "add", "--name", "Cas", "--role", "cashier"],
        "111111\n",
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = merchant_tests::merchantctl_as(Some(session), home, "Cas", "111111", &["--json", "language", "fr"], "")?;
    Ok(json(&out)["error"]["code"].as_str().unwrap_or_default().to_string())
}
