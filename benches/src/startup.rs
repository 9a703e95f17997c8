//! Cold start, idle memory and size of the release app against the
//! smallest Tauri app built with the same profile, measured the same way
//! for both from outside the process: the time until the window is mapped
//! (X server), until the page has loaded (the start-up line both print),
//! and the proportional memory of the whole process tree.

use std::time::Instant;

use crate::figure::{fail, median, ok, Report, Target};

/// Every process in the tree under `root`, with its resident memory (kB).
/// Resident (RSS) and proportional (PSS: shared pages divided among the
/// processes sharing them) memory of `root` and its descendants, in KiB.
fn tree_memory_kb(root: u32) -> (u64, u64) {
    let mut parent = std::collections::HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // The fields after the command name (which may hold spaces).
        let after = stat.rsplit_once(')').map(|(_, a)| a).unwrap_or("");
        if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) {
            parent.insert(pid, ppid);
        }
    }
    let in_tree = |mut pid: u32| loop {
        if pid == root {
            return true;
        }
        match parent.get(&pid) {
            Some(&p) if p != 0 && p != pid => pid = p,
            _ => return false,
        }
    };
    let field = |path: String, name: &str| -> u64 {
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    parent
        .keys()
        .filter(|pid| in_tree(**pid))
        .map(|pid| {
            (
                field(format!("/proc/{pid}/status"), "VmRSS:"),
                field(format!("/proc/{pid}/smaps_rollup"), "Pss:"),
            )
        })
        .fold((0, 0), |(r, p), (r2, p2)| (r + r2, p + p2))
}

/// One launch: time until the window is mapped, time until its page has
/// loaded (the `since_start_ms` line both apps print), and the tree's RSS
/// and PSS 5 s after the start.
struct Launch {
    mapped_ms: f64,
    loaded_ms: f64,
    rss_kb: f64,
    pss_kb: f64,
}

fn launch(mut cmd: std::process::Command, title: &str) -> Launch {
    use std::io::BufRead;
    use std::os::unix::process::CommandExt;
    cmd.process_group(0)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let t = Instant::now();
    let mut child = ok("start the app", cmd.spawn());
    // Both streams are read to the end (a full pipe would stall the app);
    // the first start-up line is kept.
    let loaded = std::sync::Arc::new(std::sync::Mutex::new(None::<f64>));
    let mut readers = Vec::new();
    let streams: [Option<Box<dyn std::io::Read + Send>>; 2] = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
    ];
    for stream in streams.into_iter().flatten() {
        let loaded = loaded.clone();
        readers.push(std::thread::spawn(move || {
            for line in std::io::BufReader::new(stream).lines().map_while(Result::ok) {
                let ms = line
                    .split("since_start_ms=")
                    .nth(1)
                    .and_then(|v| v.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|v| v.parse::<f64>().ok());
                if let (Some(ms), Ok(mut slot)) = (ms, loaded.lock()) {
                    slot.get_or_insert(ms);
                }
            }
        }));
    }
    let needle = format!("\"{title}\"");
    let mut shown = None;
    while t.elapsed() < std::time::Duration::from_secs(60) {
        let tree = std::process::Command::new("xwininfo").args(["-root", "-tree"]).output();
        if tree.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(&needle)) {
            shown = Some(t.elapsed().as_secs_f64() * 1000.0);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_secs(5));
    let (rss, pss) = tree_memory_kb(child.id());
    let _ = std::process::Command::new("kill")
        .args(["-9", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.wait();
    for r in readers {
        let _ = r.join();
    }
    let loaded_ms = loaded.lock().ok().and_then(|l| *l);
    match (shown, loaded_ms) {
        (Some(mapped_ms), Some(loaded_ms)) => Launch {
            mapped_ms,
            loaded_ms,
            rss_kb: rss as f64,
            pss_kb: pss as f64,
        },
        (None, _) => fail(title, "no window within 60 s (is DISPLAY set?)"),
        (_, None) => fail(title, "no start-up line (page loaded) within 5 s"),
    }
}

/// Cold start, idle memory and size of the release app against the
/// smallest Tauri app built with the same profile.
pub fn run(report: &mut Report) {
    // Beside this program: scripts/bench builds all three in release.
    let dir = merchant_tests::bin_dir();
    let (ours_bin, base_bin) = (dir.join("merchant-terminal"), dir.join("tauri-baseline"));
    let size = |p: &std::path::Path| {
        let m = ok(
            "the release builds (cargo build --release -p merchant-terminal -p tauri-baseline -p merchantctl)",
            std::fs::metadata(p),
        );
        m.len() as f64 / 1_048_576.0
    };
    let (ours_mb, base_mb) = (size(&ours_bin), size(&base_bin));
    let session = ok("keychain session", merchant_tests::KeyringSession::unlocked());
    let home = ok("data folder", merchant_tests::TerminalHome::new());
    ok("the owner account", home.ensure_owner(Some(&session)));
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let mut cmd = std::process::Command::new(&ours_bin);
        session.envs(&mut cmd);
        cmd.env("MERCHANT_TERMINAL_HOME", home.path());
        ours.push(launch(cmd, "Merchant Terminal"));
        base.push(launch(std::process::Command::new(&base_bin), "Tauri Baseline"));
    }
    let med = |xs: &[Launch], f: fn(&Launch) -> f64| median(xs.iter().map(f).collect());
    let base_name = "minimal Tauri app";
    report.add(
        "cold start to window mapped (release, median of 5)",
        (med(&ours, |l| l.mapped_ms), med(&base, |l| l.mapped_ms)),
        base_name,
        "ms",
        Target::RatioAndAtMost(1.3, 1000.0),
    );
    report.add(
        "cold start to the first screen's page loaded (median of 5)",
        (med(&ours, |l| l.loaded_ms), med(&base, |l| l.loaded_ms)),
        base_name,
        "ms",
        Target::RatioAndAtMost(1.3, 1000.0),
    );
    report.add(
        "idle memory 5 s after start, whole process tree (RSS)",
        (med(&ours, |l| l.rss_kb / 1024.0), med(&base, |l| l.rss_kb / 1024.0)),
        base_name,
        "MiB",
        Target::Info,
    );
    report.add(
        "idle memory 5 s after start, whole process tree (PSS)",
        (med(&ours, |l| l.pss_kb / 1024.0), med(&base, |l| l.pss_kb / 1024.0)),
        base_name,
        "MiB",
        Target::Ratio(1.3),
    );
    report.add(
        "release binary size (stripped, LTO)",
        (ours_mb, base_mb),
        base_name,
        "MiB",
        Target::Info,
    );
}
