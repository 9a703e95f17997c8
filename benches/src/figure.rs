//! One measured figure against its same-run baseline, the target it is
//! judged by, and the tables and the block of `BENCHMARKS.md` built from
//! them. Every bench reports through here, so met/missed is computed the
//! same way for all of them, never written by hand.

use std::fmt::Write as _;
use std::time::Instant;

/// Rounds per figure; the median is reported.
pub const ROUNDS: usize = 9;

pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// The value at quantile `q` (0..=1) of `xs`.
/// A plain HTTPS client trusting the test CA at `ca` (a baseline's side).
pub fn raw_client(ca: &str) -> reqwest::Client {
    let client = std::fs::read(ca)
        .ok()
        .and_then(|pem| reqwest::Certificate::from_pem(&pem).ok())
        .and_then(|ca| {
            reqwest::Client::builder()
                .use_rustls_tls()
                .add_root_certificate(ca)
                .build()
                .ok()
        });
    match client {
        Some(c) => c,
        None => fail("raw client", "the test CA did not load"),
    }
}

pub fn quantile(xs: &[f64], q: f64) -> f64 {
    let mut xs = xs.to_vec();
    xs.sort_by(f64::total_cmp);
    xs[((xs.len() as f64 - 1.0) * q).round() as usize]
}

/// Nanoseconds per operation of `f` (which does `ops` operations), median
/// over [`ROUNDS`].
pub fn ns_per_op(ops: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..ROUNDS)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_nanos() as f64 / ops as f64
            })
            .collect(),
    )
}

/// Milliseconds of one call of `f`.
pub fn ms(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1000.0
}

/// The value of a step a benchmark relies on; a failure stops the run, so
/// a broken path can never be timed as a fast one.
pub fn ok<T, E: std::fmt::Display>(what: &str, r: Result<T, E>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => fail(what, e),
    }
}

/// Stops the run: a step a benchmark relies on went wrong.
pub fn fail(what: &str, why: impl std::fmt::Display) -> ! {
    eprintln!("benchmark step failed: {what}: {why}");
    std::process::exit(2)
}

/// What a figure must reach.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// ours ≤ r × baseline.
    Ratio(f64),
    /// ours ≤ r × baseline and ours ≤ v (in the figure's unit).
    RatioAndAtMost(f64, f64),
    /// ours ≤ v.
    AtMost(f64),
    /// ours ≤ baseline + v.
    Above(f64),
    /// ours ≥ v.
    AtLeast(f64),
    /// Reported, not judged.
    Info,
}

impl Target {
    fn met(self, ours: f64, base: f64) -> Option<bool> {
        match self {
            Self::Ratio(r) => Some(ours <= r * base),
            Self::RatioAndAtMost(r, v) => Some(ours <= r * base && ours <= v),
            Self::AtMost(v) => Some(ours <= v),
            Self::Above(v) => Some(ours <= base + v),
            Self::AtLeast(v) => Some(ours >= v),
            Self::Info => None,
        }
    }

    fn describe(self, unit: &str) -> String {
        match self {
            Self::Ratio(r) => format!("≤ {r}× baseline"),
            Self::RatioAndAtMost(r, v) => format!("≤ {r}× baseline, ≤ {v} {unit}"),
            Self::AtMost(v) => format!("≤ {v} {unit}"),
            Self::Above(v) => format!("≤ baseline + {v} {unit}"),
            Self::AtLeast(v) => format!("≥ {v} {unit}"),
            Self::Info => "reported".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Figure {
    pub name: String,
    pub ours: f64,
    pub baseline_name: String,
    pub base: f64,
    pub unit: &'static str,
    pub target: Target,
}

impl Figure {
    pub fn status(&self) -> &'static str {
        match self.target.met(self.ours, self.base) {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "reported",
        }
    }

    fn markdown_row(&self) -> String {
        let ratio = if self.base > 0.0 {
            format!("{:.2}×", self.ours / self.base)
        } else {
            "–".into()
        };
        let baseline = if self.base > 0.0 {
            format!("{}: {} {}", self.baseline_name, number(self.base), self.unit)
        } else {
            "–".into()
        };
        format!(
            "| {} | {} {} | {baseline} | {ratio} | {} | {} |",
            self.name,
            number(self.ours),
            self.unit,
            self.target.describe(self.unit),
            self.status()
        )
    }
}

/// Three significant figures, without exponent notation.
pub fn number(x: f64) -> String {
    let a = x.abs();
    if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// Every figure of a run, printed as it comes.
#[derive(Default)]
pub struct Report {
    pub figures: Vec<Figure>,
    /// Growth tables (Markdown), one per measured curve.
    pub growth: Vec<String>,
    /// Plots written (file names beside `BENCHMARKS.md`).
    pub plots: Vec<String>,
}

impl Report {
    pub fn add(
        &mut self,
        name: impl Into<String>,
        (ours, base): (f64, f64),
        baseline_name: impl Into<String>,
        unit: &'static str,
        target: Target,
    ) {
        let f = Figure {
            name: name.into(),
            ours,
            baseline_name: baseline_name.into(),
            base,
            unit,
            target,
        };
        println!("{}", f.markdown_row());
        self.figures.push(f);
    }

    pub fn table(&self) -> String {
        let mut out = String::from(
            "| benchmark | merchant terminal | baseline (same run) | ratio | target | status |\n|---|---|---|---|---|---|\n",
        );
        for f in &self.figures {
            let _ = writeln!(out, "{}", f.markdown_row());
        }
        out
    }

    /// The block of `BENCHMARKS.md` between the figure markers.
    pub fn markdown_block(&self, machine: &str, date: &str, command: &str) -> String {
        let mut out = format!(
            "{BEGIN}\n_Written by `{command}` on {date}: {machine}._\n\n{}",
            self.table()
        );
        for g in &self.growth {
            let _ = write!(out, "\n{g}");
        }
        for p in &self.plots {
            let _ = write!(out, "\n![{p}](benchmarks/{p})\n");
        }
        let _ = write!(out, "\n{END}");
        out
    }
}

pub const BEGIN: &str = "<!-- figures: begin (scripts/bench rewrites this block) -->";
pub const END: &str = "<!-- figures: end -->";

/// `doc` with the figures block replaced (or appended when missing).
pub fn replace_block(doc: &str, block: &str) -> String {
    match (doc.find(BEGIN), doc.find(END)) {
        (Some(b), Some(e)) if e > b => format!("{}{block}{}", &doc[..b], &doc[e + END.len()..]),
        _ => format!("{doc}\n{block}\n"),
    }
}

/// This machine, as the figures are read against: CPU model, cores, memory.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|v| v.trim_start_matches([' ', '\t', ':']).trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1_048_576.0)
        .unwrap_or(0.0);
    format!("{model}, {cores} cores, {mem_gib:.0} GiB")
}

/// The CPU's clock (GHz), for cycles per byte; `None` when not reported.
pub fn cpu_ghz() -> Option<f64> {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("cpu MHz"))
        .and_then(|v| v.trim_start_matches([' ', '\t', ':']).trim().parse::<f64>().ok())
        .map(|mhz| mhz / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_judged_on_the_figures() {
        assert_eq!(Target::Ratio(1.1).met(1.0, 1.0), Some(true));
        assert_eq!(Target::Ratio(1.1).met(1.2, 1.0), Some(false));
        assert_eq!(Target::RatioAndAtMost(1.1, 400.0).met(410.0, 400.0), Some(false));
        assert_eq!(Target::Above(5.0).met(10.0, 4.0), Some(false));
        assert_eq!(Target::Above(5.0).met(9.0, 4.0), Some(true));
        assert_eq!(Target::AtLeast(1.0).met(0.84, 0.0), Some(false));
        assert_eq!(Target::Info.met(1.0, 1.0), None);
    }

    #[test]
    fn the_block_is_replaced_in_place() {
        let doc = format!("intro\n{BEGIN}\nold\n{END}\noutro\n");
        let new = replace_block(&doc, &format!("{BEGIN}\nnew\n{END}"));
        assert_eq!(new, format!("intro\n{BEGIN}\nnew\n{END}\noutro\n"));
        assert!(replace_block("intro\n", "B").ends_with("B\n"));
    }
}
