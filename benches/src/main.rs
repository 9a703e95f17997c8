//! Benchmarks, each a ratio against a baseline that does the same work,
//! measured in the same run (this machine is shared and noisy): medians of
//! repeated rounds, every result checked, a failing step stops the run.
//!
//! Run everything with `scripts/bench` (release builds, a display for the
//! start-up figures, and `BENCHMARKS.md` rewritten). By hand:
//! `cargo run --release -p merchant-bench -- [--write FILE] [NAME...]` with
//! names `seal`, `commit`, `store` (load, reports, search, at 10k/100k/1M
//! sales), `roundtrip`, `shop` (the combined day of 5 tills over 31 days;
//! `MERCHANT_BENCH_SHOP_SALES` sales a till a day, default 2,000), `bundle`, `startup` (needs the release app builds
//! and a display). `MERCHANT_BENCH_ROWS` caps the sales (default
//! 1,000,000), `MERCHANT_BENCH_BUNDLE_MB` the logs (default 1000).
#![forbid(unsafe_code)]

mod bundle;
mod figure;
mod plot;
mod roundtrip;
mod seal;
mod shop;
mod startup;
mod store;

use merchant_core::vault::Sealer;

use figure::{ok, Report};

const ALL: [&str; 7] = ["seal", "commit", "store", "roundtrip", "shop", "bundle", "startup"];

pub fn sealer() -> Sealer {
    merchant_core::testing::sealer(7)
}

/// Where plots go: beside the Markdown file being written, in
/// `benchmarks/`; `None` when no file is written.
fn plots_dir() -> Option<std::path::PathBuf> {
    WRITE.get().map(|doc| {
        doc.parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default()
            .join("benchmarks")
    })
}

static WRITE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("roundtrip-child") {
        roundtrip::child(&args[1..]);
        return;
    }
    if args.first().map(String::as_str) == Some("shop-child") {
        shop::child(&args[1..]);
        return;
    }
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--write" => match it.next() {
                Some(path) => {
                    let _ = WRITE.set(path.into());
                }
                None => figure::fail("--write", "needs a file"),
            },
            name if ALL.contains(&name) => names.push(name.to_string()),
            _ => figure::fail("arguments", format!("expected --write FILE and names from {ALL:?}")),
        }
    }
    if names.is_empty() {
        names = ALL.iter().map(|s| s.to_string()).collect();
    }
    let mut report = Report::default();
    println!("| benchmark | merchant terminal | baseline (same run) | ratio | target | status |");
    println!("|---|---|---|---|---|---|");
    for name in &names {
        match name.as_str() {
            "seal" => seal::run(&mut report),
            "commit" => store::commit(&mut report),
            "store" => store::run(&mut report),
            "roundtrip" => roundtrip::run(&mut report),
            "shop" => shop::run(&mut report),
            "bundle" => bundle::run(&mut report),
            "startup" => startup::run(&mut report),
            _ => unreachable!("checked above"),
        }
    }
    for g in &report.growth {
        println!("\n{g}");
    }
    if let Some(path) = WRITE.get() {
        let doc = ok("read the figures file", std::fs::read_to_string(path));
        let date = time::OffsetDateTime::now_utc().date().to_string();
        let block = report.markdown_block(&figure::machine(), &date, "scripts/bench");
        ok(
            "write the figures file",
            std::fs::write(path, figure::replace_block(&doc, &block)),
        );
        println!("\nwrote {}", path.display());
    }
}
