//! The core's layers, checked from the source (ARCHITECTURE.md, "Layers").
//!
//! Every `crate::module` a core file names (outside comments and test
//! modules) is an edge. A module may use only the modules below it in
//! [`ORDER`]; `store` and `gateway` know nothing of each other; `money`
//! uses only `pan` and `locale`; the Stripe client is named only inside `gateway`; the
//! core depends on no part of the desktop shell. Edges still to be removed
//! are listed in [`KNOWN`]: a new forbidden edge fails, and so does a
//! listed edge that is gone (so the list only shrinks).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The core's modules, bottom to top.
const ORDER: &[&str] = &[
    "error",
    "clock",
    "crashpoint",
    "pan",
    "locale",
    "money",
    "sale",
    "messages",
    "logging",
    "pdf",
    "vault",
    "config",
    "instance",
    "shop",
    "gateway",
    "store",
    "audit",
    "auth",
    "session",
    "monitor",
    "reports",
    "receipt",
    "export",
    "card_entry",
    "backup",
    "counter",
    "setup",
    "terminal",
    "api",
    // Test fixtures (`#[cfg(test)]`): test code is outside the layering.
    "testing",
];

/// Modules that may use only the ones listed, whatever the order allows.
const ONLY: &[(&str, &[&str])] = &[
    ("money", &["pan", "locale"]),
    ("sale", &[]),
    (
        "store",
        &["clock", "crashpoint", "money", "pan", "sale", "vault", "error"],
    ),
];

/// The Stripe client's path: nothing outside `gateway` names it.
const STRIPE: &str = "gateway::stripe";

/// Forbidden edges that are still there, each to be removed (`from`, `to`).
const KNOWN: &[(&str, &str)] = &[];

/// Files over the size a newcomer reads at once (code before its tests),
/// still to be split. A file listed here that is under the limit fails too.
const LINES: usize = 600;
const KNOWN_LARGE: &[&str] = &[];

fn regex(re: &str) -> regex::Regex {
    regex::Regex::new(re).expect("the pattern compiles")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file before its test module (`#[cfg(test)] mod … {`,
/// which comes last in this code base), without comments.
fn code_before_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod ").map_or(text, |i| &text[..i])
}

/// The code of a file without comments and without its test module: the
/// module's braces are matched, so code after it still counts.
fn code(path: &Path) -> String {
    let Ok(text) = std::fs::read_to_string(path) else {
        panic!("cannot read {}", path.display());
    };
    let kept: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
    let mut out = String::new();
    let mut depth = 0usize;
    let mut in_tests = false;
    let mut cfg_test = false;
    for line in kept {
        let t = line.trim();
        if !in_tests && cfg_test && t.starts_with("mod ") && t.ends_with('{') {
            in_tests = true;
        }
        cfg_test = t == "#[cfg(test)]";
        if in_tests {
            depth += line.matches('{').count();
            depth = depth.saturating_sub(line.matches('}').count());
            if depth == 0 {
                in_tests = false;
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Files that are test modules in their own right (`#[cfg(test)] mod x;`).
fn test_only_files(files: &[PathBuf]) -> BTreeSet<PathBuf> {
    let re = regex(r"#\[cfg\(test\)\]\s*mod (\w+);");
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let dir = if f.file_name().is_some_and(|n| n == "mod.rs" || n == "lib.rs") {
            f.parent().map(Path::to_path_buf)
        } else {
            f.parent().map(|p| p.join(f.file_stem().unwrap_or_default()))
        };
        for c in re.captures_iter(&text) {
            if let Some(dir) = &dir {
                out.insert(dir.join(format!("{}.rs", &c[1])));
                out.insert(dir.join(&c[1]).join("mod.rs"));
            }
        }
    }
    out
}

/// The core module a file belongs to (`store/refunds.rs` → `store`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_string())
}

/// Every edge in the core and the shells: (from, to), where `to` is a core
/// module or [`STRIPE`].
fn edges() -> BTreeSet<(String, String)> {
    let root = root();
    let src = root.join("crates/core/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let tests = test_only_files(&files);
    let path_re = regex(r"\bcrate::(\w+)");
    let group_re = regex(r"\bcrate::\{([^}]*)\}");
    let stripe_re = regex(r"\bgateway::(\{[^}]*\b)?stripe\b");
    let mut out = BTreeSet::new();
    for f in files.iter().filter(|f| !tests.contains(*f)) {
        let Some(from) = module_of(&src, f) else { continue };
        let code = code(f);
        let mut to: Vec<String> = path_re.captures_iter(&code).map(|c| c[1].to_string()).collect();
        for g in group_re.captures_iter(&code) {
            to.extend(
                g[1].split(',')
                    .filter_map(|p| p.trim().split("::").next())
                    .map(str::to_string),
            );
        }
        if from != "gateway" && stripe_re.is_match(&code) {
            to.push(STRIPE.to_string());
        }
        out.extend(
            to.into_iter()
                .filter(|t| *t != from && !t.is_empty())
                .map(|t| (from.clone(), t)),
        );
    }
    // The desktop shell and the CLI sit on top of everything; only the
    // Stripe client is out of their reach.
    for (name, dir) in [("shell", "src-tauri/src"), ("cli", "crates/cli/src")] {
        let mut files = Vec::new();
        rust_files(&root.join(dir), &mut files);
        if files.iter().any(|f| stripe_re.is_match(&code(f))) {
            out.insert((name.to_string(), STRIPE.to_string()));
        }
    }
    out
}

fn rank(m: &str) -> Option<usize> {
    ORDER.iter().position(|o| *o == m)
}

fn forbidden(from: &str, to: &str) -> Option<&'static str> {
    if to == STRIPE {
        return Some("the Stripe client is named only inside `gateway`");
    }
    if let Some((_, allowed)) = ONLY.iter().find(|(m, _)| *m == from) {
        if !allowed.contains(&to) {
            return Some("this module may use only the ones listed in ONLY");
        }
    }
    match (rank(from), rank(to)) {
        (Some(f), Some(t)) if t > f => Some("an upward edge: a module may use only the ones below it"),
        _ => None,
    }
}

#[test]
fn every_core_module_has_its_place_in_the_order() {
    let src = root().join("crates/core/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(&src, f)).collect();
    let unplaced: Vec<_> = modules.iter().filter(|m| rank(m).is_none()).collect();
    assert!(
        unplaced.is_empty(),
        "modules with no place in ORDER (and ARCHITECTURE.md): {unplaced:?}"
    );
    let gone: Vec<_> = ORDER.iter().filter(|m| !modules.contains(**m)).collect();
    assert!(gone.is_empty(), "ORDER names modules that no longer exist: {gone:?}");
}

#[test]
fn imports_go_down_the_layers_only() {
    let edges = edges();
    assert!(
        edges.iter().any(|(f, t)| f == "counter" && t == "store"),
        "the edge finder sees nothing: {edges:?}"
    );
    let known: BTreeSet<(String, String)> = KNOWN.iter().map(|(f, t)| (f.to_string(), t.to_string())).collect();
    let new: Vec<String> = edges
        .iter()
        .filter(|e| !known.contains(*e))
        .filter_map(|(f, t)| forbidden(f, t).map(|why| format!("{f} → {t}: {why}")))
        .collect();
    assert!(new.is_empty(), "forbidden edges:\n{}", new.join("\n"));
    let removed: Vec<_> = known.iter().filter(|e| !edges.contains(*e)).collect();
    assert!(removed.is_empty(), "gone, so take them off KNOWN: {removed:?}");
    let still_forbidden: Vec<_> = known.iter().filter(|(f, t)| forbidden(f, t).is_none()).collect();
    assert!(
        still_forbidden.is_empty(),
        "KNOWN lists allowed edges: {still_forbidden:?}"
    );
}

#[test]
fn the_core_depends_on_no_part_of_the_shell() {
    let manifest = std::fs::read_to_string(root().join("crates/core/Cargo.toml")).unwrap_or_default();
    assert!(manifest.contains("[dependencies]"), "the core's manifest was not read");
    for shell in ["tauri", "merchant-terminal-app", "wry", "tao"] {
        assert!(
            !manifest.lines().any(|l| l.trim_start().starts_with(shell)),
            "the core depends on {shell}"
        );
    }
}

#[test]
fn source_files_stay_small_enough_to_read() {
    let root = root();
    let mut files = Vec::new();
    for dir in ["crates", "src-tauri/src", "benches/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut large = BTreeSet::new();
    for f in files {
        let rel = f.strip_prefix(&root).unwrap_or(&f).to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        if code_before_tests(&text).lines().count() > LINES {
            large.insert(rel);
        }
    }
    let known: BTreeSet<String> = KNOWN_LARGE.iter().map(|s| s.to_string()).collect();
    let new: Vec<_> = large.difference(&known).collect();
    assert!(new.is_empty(), "over {LINES} lines of code (split them): {new:?}");
    let shrunk: Vec<_> = known.difference(&large).collect();
    assert!(
        shrunk.is_empty(),
        "no longer over {LINES} lines, so take them off KNOWN_LARGE: {shrunk:?}"
    );
}
