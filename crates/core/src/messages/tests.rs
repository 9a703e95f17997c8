//! The catalogs are complete: every language says everything English says,
//! with the same variables, and every id the code asks for exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

use super::*;

/// A message's shape: whether it has a value, its attributes, and the
/// variables each uses.
#[derive(Debug, PartialEq, Eq)]
struct Shape {
    value: Option<BTreeSet<String>>,
    attributes: BTreeMap<String, BTreeSet<String>>,
}

fn variables(pattern: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(e: &Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        Expression::Inline(i) => inline_variables(i, out),
        Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for v in variants {
                variables(&v.value, out);
            }
        }
    }
}

fn inline_variables(e: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match e {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, out),
        _ => {}
    }
}

/// The messages of one file by id, failing on a syntax error.
fn shapes(language: Language, file: &str) -> BTreeMap<String, Shape> {
    let text = source(language, file);
    let resource = fluent_syntax::parser::parse(text)
        .unwrap_or_else(|(_, errors)| panic!("{language}/{file}.ftl does not parse: {errors:?}"));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        if let Entry::Message(m) = entry {
            let value = m.value.as_ref().map(|p| {
                let mut v = BTreeSet::new();
                variables(p, &mut v);
                v
            });
            let attributes = m
                .attributes
                .iter()
                .map(|a| {
                    let mut v = BTreeSet::new();
                    variables(&a.value, &mut v);
                    (a.id.name.to_string(), v)
                })
                .collect();
            let id = m.id.name.to_string();
            assert!(
                out.insert(id.clone(), Shape { value, attributes }).is_none(),
                "{language}/{file}.ftl defines {id} twice"
            );
        }
    }
    out
}

#[test]
fn every_language_says_everything_english_says_with_the_same_variables() {
    for file in ["core", "ui"] {
        let english = shapes(Language::En, file);
        assert!(!english.is_empty(), "en/{file}.ftl is empty");
        for language in Language::ALL {
            let theirs = shapes(language, file);
            let missing: Vec<_> = english.keys().filter(|id| !theirs.contains_key(*id)).collect();
            assert!(missing.is_empty(), "{language}/{file}.ftl lacks {missing:?}");
            let extra: Vec<_> = theirs.keys().filter(|id| !english.contains_key(*id)).collect();
            assert!(
                extra.is_empty(),
                "{language}/{file}.ftl has ids English lacks: {extra:?}"
            );
            for (id, shape) in &english {
                assert_eq!(
                    theirs.get(id),
                    Some(shape),
                    "{language}/{file}.ftl: {id} differs in shape"
                );
            }
        }
    }
}

#[test]
fn no_id_is_in_both_files() {
    let core = shapes(Language::En, "core");
    let ui = shapes(Language::En, "ui");
    let both: Vec<_> = core.keys().filter(|id| ui.contains_key(*id)).collect();
    assert!(both.is_empty(), "ids in both core.ftl and ui.ftl: {both:?}");
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every literal in the Rust sources shaped like one of the core catalog's
/// ids (a section's prefix, then words joined by `-`) is an id English has:
/// a misspelt id would otherwise print as itself on a receipt.
#[test]
fn every_id_the_code_names_is_in_the_english_catalog() {
    let english = shapes(Language::En, "core");
    let prefixes: BTreeSet<&str> = english.keys().filter_map(|id| id.split('-').next()).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["crates/core/src", "crates/cli/src", "src-tauri/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the sources were not found: {}", files.len());
    // Words of two letters or more: test data like "sale-a" is not an id.
    let literal = regex::Regex::new(r#""([a-z]{2,}(?:-[a-z][a-z0-9]+)+)""#).expect("a valid pattern");
    let mut unknown = Vec::new();
    let mut named = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for id in literal
            .captures_iter(&text)
            .filter_map(|c| c.get(1))
            .map(|m| m.as_str())
        {
            let prefix = id.split('-').next().unwrap_or_default();
            if !prefixes.contains(prefix) {
                continue;
            }
            named += 1;
            if !english.contains_key(id) {
                unknown.push(format!("{}: {id}", file.display()));
            }
        }
    }
    assert!(named > 100, "the scan found only {named} ids");
    assert!(unknown.is_empty(), "ids the English catalog lacks: {unknown:#?}");
}

#[test]
fn a_missing_id_falls_back_to_english_then_to_itself() {
    let french = Catalog::of(Language::Fr);
    assert_eq!(french.text("receipt-card"), "Carte");
    assert_eq!(french.text("no-such-message"), "no-such-message");
    let args = [("count", 3.into())];
    assert_eq!(
        french.say("report-z-covers", &args),
        "Couvre 3 ventes et remboursements"
    );
    assert_eq!(
        Catalog::of(Language::En).say("report-z-covers", &[("count", 1.into())]),
        "Covers one sale or refund"
    );
}

#[test]
fn no_isolation_marks_reach_a_receipt() {
    for language in Language::ALL {
        let line = Catalog::of(language).say("receipt-risk", &[("warning", "x".into())]);
        assert!(!line.contains(['\u{2068}', '\u{2069}']), "{language}: {line:?}");
    }
}

fn ui_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() && !path.ends_with("bindings") {
            ui_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "ts" || e == "html") {
            out.push(path);
        }
    }
}

/// Every word the window's templates show comes from the catalog: each
/// text in `ui/index.html` and `ui/src/screens/*.html` sits in an element
/// with a `data-l10n-id`, and reads as the English catalog's value (the
/// page is right before the catalog is applied). Every id the window's
/// code names (`t("…")`, `data-l10n-id`, the Records of ids) is in the
/// English catalog, and every English message is used.
#[test]
fn every_word_of_the_window_is_in_the_catalog() {
    let english = shapes(Language::En, "ui");
    // The window bundles both files: a word it shares with the core (a
    // role's name, an error) is the core's.
    let core = shapes(Language::En, "core");
    let catalog = Catalog::of(Language::En);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![root.join("ui/index.html")];
    ui_files(&root.join("ui/src"), &mut files);
    assert!(files.len() > 10, "the window's sources were not found");

    let prefixes: BTreeSet<&str> = english
        .keys()
        .chain(core.keys())
        .filter_map(|id| id.split('-').next())
        .collect();
    // Where the window names a message: `t("…")`, `data-l10n-id="…"`, or
    // a Record's value (`approved: "status-approved"`).
    let literal =
        regex::Regex::new(r#"(?:\bt\(|data-l10n-id=|: )"([a-z]{2,}(?:-[a-z0-9]+)+)""#).expect("a valid pattern");
    let tag = regex::Regex::new(r"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>([^<]*)").expect("a valid pattern");
    let l10n_id = regex::Regex::new(r#"data-l10n-id="([^"]+)""#).expect("a valid pattern");
    let mut used = BTreeSet::new();
    let mut problems = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let name = file.strip_prefix(&root).unwrap_or(file).display().to_string();
        for id in literal
            .captures_iter(&text)
            .filter_map(|c| c.get(1))
            .map(|m| m.as_str())
        {
            if prefixes.contains(id.split('-').next().unwrap_or_default()) {
                used.insert(id.to_string());
                if !english.contains_key(id) && !core.contains_key(id) {
                    problems.push(format!("{name}: {id} is in neither en/ui.ftl nor en/core.ftl"));
                }
            }
        }
        if !name.ends_with(".html") {
            continue;
        }
        for c in tag.captures_iter(&text) {
            let (attributes, words) = (&c[2], c[3].trim().replace("&amp;", "&").replace("&nbsp;", "\u{a0}"));
            let id = l10n_id.captures(attributes).map(|m| m[1].to_string());
            if words.chars().any(char::is_alphabetic) {
                match &id {
                    None => problems.push(format!("{name}: <{}> says {words:?} outside the catalog", &c[1])),
                    Some(id) if english.get(id).is_some_and(|s| s.value.is_some()) => {
                        let said = catalog.text(id);
                        if said.split_whitespace().ne(words.split_whitespace()) {
                            problems.push(format!("{name}: {id} reads {words:?}, the catalog {said:?}"));
                        }
                    }
                    Some(_) => {}
                }
            }
        }
    }
    let unused: Vec<_> = english.keys().filter(|id| !used.contains(*id)).collect();
    assert!(unused.is_empty(), "messages in en/ui.ftl nothing uses: {unused:?}");
    assert!(problems.is_empty(), "{problems:#?}");
}
