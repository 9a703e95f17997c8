//! The message catalogs (`locales/`), read as plain text: what a test
//! looks for on a screen or a paper, with its own eyes rather than the
//! product's catalog code.

use std::collections::BTreeMap;
use std::path::Path;

use crate::TestResult;

/// A catalog file's plain messages (one line, no variables): id → text.
fn plain(file: &str) -> TestResult<BTreeMap<String, String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../locales");
    let text = std::fs::read_to_string(root.join(file))?;
    Ok(text
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .filter(|(id, v)| !id.starts_with(['#', ' ', '.']) && !v.contains('{'))
        .map(|(id, v)| (id.trim().to_string(), v.trim().to_string()))
        .collect())
}

/// The English messages of `part` (`core` or `ui`) that `language` words
/// differently, of six characters or more: none of them may show when the
/// shop speaks `language`.
pub fn english_only_words(language: &str, part: &str) -> TestResult<Vec<String>> {
    let english = plain(&format!("en/{part}.ftl"))?;
    let theirs = plain(&format!("{language}/{part}.ftl"))?;
    let words: Vec<String> = english
        .into_iter()
        .filter(|(id, v)| v.chars().count() >= 6 && theirs.get(id).is_some_and(|t| t != v))
        .map(|(_, v)| v)
        .collect();
    if words.len() < 50 {
        return crate::fail(format!("the {part} catalogs were not read: {} words", words.len()));
    }
    Ok(words)
}

/// `text` holds `words` as whole words (`Filter` is not in `Filtern`).
fn holds_word(text: &str, words: &str) -> bool {
    text.match_indices(words).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + words.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Fails when `text` (what `what` shows) holds English the shop's language
/// words otherwise.
pub fn assert_speaks(language: &str, part: &str, what: &str, text: &str) -> TestResult {
    let left: Vec<String> = english_only_words(language, part)?
        .into_iter()
        .filter(|w| holds_word(text, w))
        .collect();
    if left.is_empty() {
        Ok(())
    } else {
        crate::fail(format!("{what} still says in English: {left:?}\n{text}"))
    }
}
