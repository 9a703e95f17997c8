//! Accessibility checked by a tool: `axe-core` (the UI's npm dev
//! dependency, installed by `scripts/setup`) run inside the real window on
//! what the screen shows now. A serious or critical violation fails the
//! test, named by rule and element.

use std::path::Path;

use crate::*;

/// The impacts that fail a test; moderate and minor ones are reported only.
const FAILING: &[&str] = &["serious", "critical"];

impl AppDriver {
    /// Runs axe on the page as it is; `screen` names it in the failure.
    pub async fn check_accessibility(&self, screen: &str) -> TestResult {
        let loaded = self
            .client
            .execute("return typeof window.axe === 'object';", vec![])
            .await?
            .as_bool()
            == Some(true);
        if !loaded {
            let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js");
            let axe = std::fs::read_to_string(&source)
                .map_err(|e| format!("{}: {e} (install with scripts/setup)", source.display()))?;
            self.client.execute(&format!("{axe}\nreturn true;"), vec![]).await?;
        }
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(JSON.stringify(r.violations.map(v => ({
                      id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.map(n => n.target.join(' ')) })))))
                   .catch(e => done(JSON.stringify([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }])));",
                vec![],
            )
            .await?;
        let violations: serde_json::Value = serde_json::from_str(found.as_str().unwrap_or("[]"))?;
        let all = violations.as_array().cloned().unwrap_or_default();
        let (failing, reported): (Vec<_>, Vec<_>) = all
            .iter()
            .partition(|v| FAILING.contains(&v["impact"].as_str().unwrap_or("")));
        for v in &reported {
            println!("axe ({screen}): {} {}: {}", v["impact"], v["id"], v["help"]);
        }
        if failing.is_empty() {
            return Ok(());
        }
        let lines: Vec<String> = failing
            .iter()
            .map(|v| format!("{} {} ({}): {}", v["impact"], v["id"], v["help"], v["nodes"]))
            .collect();
        fail(format!("accessibility on {screen}:\n{}", lines.join("\n")))
    }
}
