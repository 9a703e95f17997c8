//! The support bundle end to end (redaction line by line, tar, age) against
//! what support would do without the terminal: `tar | age` with the stock
//! command-line tools over the same log files. Measured at 10 MB, 100 MB
//! and 1 GB of logs to show how the export grows, plus the speed of the
//! sealing alone (the `age` library over the same number of bytes).

use std::io::Write as _;
use std::process::{Command, Stdio};

use merchant_core::export::{seal, Manifest, Part};

use crate::figure::{fail, median, ms, ok, Report, Target};
use crate::plot::{growth_exponent, svg, Series};

const FILES: usize = 4;

/// `total` bytes of realistic log lines in four files.
fn logs(dir: &std::path::Path, total: usize) -> Vec<std::path::PathBuf> {
    let mut paths = Vec::new();
    for f in 0..FILES {
        let path = dir.join(format!("app.{f}.log"));
        let mut out = std::io::BufWriter::new(ok("create a log", std::fs::File::create(&path)));
        let (mut written, mut i) = (0, 0usize);
        while written < total / FILES {
            let line = format!(
                "2026-11-28T14:{:02}:{:02}.{:06}Z  INFO merchant_core::counter: charge settled sale_id=01938a7c-{f:04x}-7000-8000-{i:012x} status=approved amount_minor={} currency=USD\n",
                i % 60,
                (i / 60) % 60,
                i % 1_000_000,
                100 + i % 9_000
            );
            ok("write a log", out.write_all(line.as_bytes()));
            written += line.len();
            i += 1;
        }
        ok("write a log", out.flush());
        paths.push(path);
    }
    paths
}

/// Median ms of the product's export and of `tar | age`, and of the age
/// library sealing the same number of bytes.
fn time_export(total: usize, rounds: usize) -> (f64, f64, f64) {
    let dir = ok("temporary folder", tempfile::tempdir());
    let paths = logs(dir.path(), total);
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public();
    let parts = || {
        paths
            .iter()
            .enumerate()
            .map(|(i, p)| Part::Log {
                path: format!("logs/app.{i}.log"),
                source: p.clone(),
            })
            .collect::<Vec<_>>()
    };
    let manifest = || Manifest {
        terminal_id: "t1".into(),
        created_at_ms: 0,
        app_version: "bench".into(),
        audit_head: None,
        recipients: vec![recipient.to_string()],
        files: Vec::new(),
    };
    let payload = vec![0x41u8; total];
    let (mut ours, mut cli, mut sealing) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let mut written = None;
        ours.push(ms(|| {
            written = Some(ok(
                "export",
                seal(manifest(), parts(), std::slice::from_ref(&recipient), std::io::sink()),
            ))
        }));
        if written.is_some_and(|m| m.files.len() != FILES + 1 && m.files.len() != FILES) {
            fail("export", "a log is missing from the bundle");
        }
        cli.push(ms(|| {
            let names: Vec<String> = (0..FILES).map(|f| format!("app.{f}.log")).collect();
            let script = format!(
                "set -o pipefail; tar -C '{}' -cf - {} | age -r '{}' > /dev/null",
                dir.path().display(),
                names.join(" "),
                recipient
            );
            let status = Command::new("bash").args(["-c", &script]).stdin(Stdio::null()).status();
            if !ok("tar | age (scripts/setup installs age)", status).success() {
                fail("tar | age", "failed");
            }
        }));
        sealing.push(ms(|| {
            let sealed = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| e.to_string())
                .and_then(|e| e.wrap_output(std::io::sink()).map_err(|e| e.to_string()))
                .and_then(|mut w| {
                    w.write_all(&payload).map_err(|e| e.to_string())?;
                    w.finish().map_err(|e| e.to_string())
                });
            ok("age", sealed);
        }));
    }
    (median(ours), median(cli), median(sealing))
}

pub fn run(report: &mut Report) {
    let max_mb: usize = std::env::var("MERCHANT_BENCH_BUNDLE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut sizes: Vec<usize> = [10, 100, 1000].into_iter().filter(|mb| *mb < max_mb).collect();
    sizes.push(max_mb);
    let mut rows = Vec::new();
    let mut seal_gbps = 0.0;
    for &mb in &sizes {
        let total = mb * 1_000_000;
        let rounds = if mb >= 1000 { 3 } else { 5 };
        let (ours, cli, sealing) = time_export(total, rounds);
        let mbps = |ms: f64| total as f64 / 1e6 / (ms / 1000.0);
        rows.push((mb as f64, mbps(ours), mbps(cli), ours, cli));
        seal_gbps = total as f64 / 1e9 / (sealing / 1000.0);
    }
    if let Some(&(mb, ours, cli, _, _)) = rows.last() {
        report.add(
            format!("support bundle of {mb:.0} MB of logs, end to end (redact, tar, age)"),
            (ours, cli),
            "tar | age, stock CLI, same files",
            "MB/s",
            Target::Info,
        );
    }
    report.add(
        "support bundle: age sealing alone (the age library)",
        (seal_gbps, 0.0),
        "target",
        "GB/s",
        Target::AtLeast(1.0),
    );
    let mut t = String::from(
        "**Support bundle export against the size of the logs**\n\n| logs (MB) | merchant terminal (ms) | tar \\| age (ms) | merchant terminal (MB/s) | tar \\| age (MB/s) |\n|---|---|---|---|---|\n",
    );
    for (mb, o, c, oms, cms) in &rows {
        t.push_str(&format!("| {mb:.0} | {oms:.0} | {cms:.0} | {o:.0} | {c:.0} |\n"));
    }
    let ours: Vec<_> = rows.iter().map(|r| (r.0, r.3)).collect();
    let cli: Vec<_> = rows.iter().map(|r| (r.0, r.4)).collect();
    if let (Some(o), Some(c)) = (growth_exponent(&ours), growth_exponent(&cli)) {
        t.push_str(&format!(
            "\nGrowth exponent of the time (1 = linear): merchant terminal {o:.2}, tar | age {c:.2}.\n"
        ));
    }
    report.growth.push(t);
    let chart = svg(
        "Support bundle export",
        "MB of logs",
        "milliseconds",
        &[
            Series {
                label: "merchant terminal (redact, tar, age)".into(),
                points: ours,
            },
            Series {
                label: "tar | age (stock CLI)".into(),
                points: cli,
            },
        ],
    );
    if let Some(dir) = crate::plots_dir() {
        ok(
            "write a plot",
            std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join("bundle.svg"), chart)),
        );
        report.plots.push("bundle.svg".into());
    }
}
