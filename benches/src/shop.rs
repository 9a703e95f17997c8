//! The shop's combined day at scale: 5 tills, 2,000 sales a day each, over
//! 31 days (310,000 PaymentIntents and their refunds), read by a back office
//! through `Terminal::shop_day`, first from the gateway and then again from
//! the days it kept; against a raw `reqwest` listing of the same
//! PaymentIntents (every page, the charge expanded, each page parsed as
//! JSON) from the same server over the same TLS.
//!
//! The server (`benches/gateway/ledger_server.py`) generates the shop once,
//! seeded, and answers as Stripe lists: newest first, by `created`, 100 a
//! page. Both sides' totals are checked against what it says it holds.
//! `MERCHANT_BENCH_SHOP_SALES` sets the sales a till makes a day.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use merchant_core::config::Home;
use merchant_core::reports::DateRange;
use merchant_core::terminal::Terminal;
use merchant_tests::{KeyringSession, TerminalHome, TestPki};

use crate::figure::{fail, median, ok, Report, Target};

const TILLS: u32 = 5;
const DAYS: i64 = 31;
const ROUNDS: usize = 3;
/// A restricted key, as a back office is advised to hold.
const KEY: &str = "rk_test_backofficeread01";

/// The server, stopped when dropped.
struct Server {
    child: std::process::Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(pki: &TestPki, per_day: u32, last_day_start: i64) -> Server {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let port = ok(
        "a free port",
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()),
    )
    .port();
    let mut child = ok(
        "the ledger server (run scripts/setup)",
        Command::new(root.join(".venv/bin/python"))
            .arg(root.join("benches/gateway/ledger_server.py"))
            .arg(port.to_string())
            .arg(pki.path("server.pem"))
            .arg(pki.path("server.key"))
            .args([
                TILLS.to_string(),
                per_day.to_string(),
                DAYS.to_string(),
                last_day_start.to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn(),
    );
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let server = Server {
        child,
        url: format!("https://127.0.0.1:{port}/"),
    };
    if line.trim() != "ready" {
        fail("the ledger server", "did not start");
    }
    server
}

pub fn run(report: &mut Report) {
    let per_day: u32 = std::env::var("MERCHANT_BENCH_SHOP_SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    // The last day of the range ended two days ago: every day can be kept.
    let last_day_start = now.div_euclid(86_400) * 86_400 - 3 * 86_400;
    let pki = ok("test certificates", TestPki::new());
    let server = start(&pki, per_day, last_day_start);
    let session = ok("keychain session", KeyringSession::unlocked());
    let home = ok("data folder", TerminalHome::new());
    ok(
        "settings",
        home.settings(&format!(
            "mode = \"live\"\ntime_zone = \"UTC\"\n[gateway]\nbase_url = \"{}\"\nextra_ca = \"{}\"\n",
            server.url,
            pki.ca().display()
        )),
    );
    for (args, stdin) in [
        (&["--json", "gateway", "set-key"][..], format!("{KEY}\n")),
        (&["--json", "back-office", "enable"][..], String::new()),
    ] {
        let out = ok(
            "merchantctl",
            merchant_tests::merchantctl_stdin(&session, &home, args, &stdin),
        );
        if out.status.code() != Some(0) {
            fail("merchantctl", String::from_utf8_lossy(&out.stdout).into_owned());
        }
    }
    let day = |start: i64| {
        time::OffsetDateTime::from_unix_timestamp(start)
            .map(|t| t.date().to_string())
            .unwrap_or_default()
    };
    let (from, to) = (day(last_day_start - (DAYS - 1) * 86_400), day(last_day_start));
    let exe = ok("this program", std::env::current_exe());
    let mut cmd = Command::new(exe);
    session.envs(&mut cmd);
    let out = ok(
        "the measuring process",
        cmd.args(["shop-child", &server.url, &from, &to])
            .arg(home.path())
            .arg(pki.ca())
            .stderr(Stdio::inherit())
            .output(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let figures: Vec<f64> = text
        .lines()
        .find_map(|l| l.strip_prefix("shop "))
        .map(|l| l.split_whitespace().filter_map(|v| v.parse().ok()).collect())
        .unwrap_or_default();
    let [first, second, base, intents] = figures[..] else {
        fail("the measuring process's figures", text.into_owned())
    };
    let shop = format!("{TILLS} tills × {per_day} sales a day × {DAYS} days ({intents} PaymentIntents)");
    report.add(
        format!("shop day, first look: {shop}, read from the gateway"),
        (first, base),
        "raw reqwest listing of the same PaymentIntents, same server and TLS",
        "s",
        Target::Info,
    );
    report.add(
        format!("shop day, second look at the same {DAYS} days (kept days, read from the cache)"),
        (second, base),
        "the same raw listing",
        "s",
        Target::Info,
    );
}

/// The measuring side, inside the keychain session: `url from to home ca`.
pub fn child(args: &[String]) {
    let [url, from, to, home, ca] = args else {
        fail("shop-child arguments", "url from to home ca")
    };
    let rt = ok(
        "runtime",
        tokio::runtime::Builder::new_multi_thread().enable_all().build(),
    );
    let raw = crate::figure::raw_client(ca);
    let totals: serde_json::Value = ok(
        "the server's totals",
        rt.block_on(async { raw.get(format!("{url}_totals")).send().await?.json().await }),
    );
    let want = (
        totals["sales"].as_i64().unwrap_or(-1),
        totals["gross"].as_i64().unwrap_or(-1),
    );
    let want_refunds = (
        totals["refunds"].as_i64().unwrap_or(-1),
        totals["refunded"].as_i64().unwrap_or(-1),
    );
    let range = ok("the range", DateRange::parse(from, to));
    let period = ok(
        "the period",
        range.period(&ok("UTC", merchant_core::reports::ShopZone::new(Some("UTC")))),
    );
    let cache = std::path::Path::new(home).join("live/cache.sqlite3");
    let (first, second, base) = rt.block_on(async {
        let terminal = ok("open the terminal", Terminal::open(Home::at(home)).await);
        let pin = secrecy::SecretString::from(merchant_tests::OWNER_PIN.to_string());
        let owner = ok("sign in", terminal.sign_in(merchant_tests::OWNER, &pin));
        let look = || async {
            let t = Instant::now();
            let day = ok("the shop day", terminal.shop_day(&owner, &range, &|_, _| {}).await);
            let secs = t.elapsed().as_secs_f64();
            let usd = day.currencies.first();
            let got = usd.map(|c| (c.sales as i64, c.gross.get())).unwrap_or_default();
            let refunds = usd
                .map(|c| (c.refund_count as i64, c.refunds.get()))
                .unwrap_or_default();
            if (got, refunds) != (want, want_refunds) || usd.map(|c| c.by_till.len()) != Some(TILLS as usize) {
                fail(
                    "the shop day's totals",
                    format!("{got:?} {refunds:?}, the server holds {want:?} {want_refunds:?}"),
                );
            }
            (secs, day.days_from_gateway, day.days_kept)
        };
        let (mut first, mut second, mut base) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            // Forget the kept days, so the first look reads the gateway.
            let db = ok("the cache file", rusqlite::Connection::open(&cache));
            ok("forget the kept days", db.execute("DELETE FROM shop_days", []));
            drop(db);
            let (secs, read, kept) = look().await;
            if (read, kept) != (DAYS as u32, 0) {
                fail("the first look", format!("{read} days read, {kept} kept"));
            }
            first.push(secs);
            let (secs, read, kept) = look().await;
            if (read, kept) != (0, DAYS as u32) {
                fail("the second look", format!("{read} days read, {kept} kept"));
            }
            second.push(secs);
            let t = Instant::now();
            let (sales, gross) = raw_listing(&raw, url, period.from_ms / 1000, period.to_ms / 1000).await;
            base.push(t.elapsed().as_secs_f64());
            if (sales, gross) != want {
                fail(
                    "the raw listing's totals",
                    format!("{sales} {gross}, the server holds {want:?}"),
                );
            }
        }
        (median(first), median(second), median(base))
    });
    println!("shop {first} {second} {base} {}", want.0);
}

/// Every PaymentIntent created in `[from, to)`, page by page, as a plain
/// client would list them: parsed, their captured amounts summed.
async fn raw_listing(client: &reqwest::Client, url: &str, from: i64, to: i64) -> (i64, i64) {
    let (mut sales, mut gross) = (0i64, 0i64);
    let mut after: Option<String> = None;
    loop {
        let mut q = vec![
            ("created[gte]", from.to_string()),
            ("created[lt]", to.to_string()),
            ("limit", "100".to_string()),
            ("expand[]", "data.latest_charge".to_string()),
        ];
        if let Some(a) = &after {
            q.push(("starting_after", a.clone()));
        }
        let page: serde_json::Value = ok(
            "a raw page",
            async {
                client
                    .get(format!("{url}v1/payment_intents"))
                    .bearer_auth(KEY)
                    .query(&q)
                    .send()
                    .await?
                    .json()
                    .await
            }
            .await,
        );
        let data = page["data"].as_array().cloned().unwrap_or_default();
        for pi in &data {
            sales += 1;
            gross += pi["amount_received"].as_i64().unwrap_or(0);
        }
        if page["has_more"] != true {
            return (sales, gross);
        }
        after = data.last().and_then(|p| p["id"].as_str()).map(String::from);
    }
}
