//! The support bundle: health checks and the sealed diagnostics export.
//! Nothing secret and nothing about customers goes into either.

use super::{Result, Terminal};
use crate::audit::{Action, Outcome, Verification};
use crate::auth::{Actor, Permission, Role};
use crate::config::{Mode, Settings};

/// Health of the terminal, as support sees it in the bundle.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Diagnostics {
    pub keychain: String,
    pub mode: Mode,
    pub gateway: GatewayHealth,
    pub cache_integrity: Option<String>,
    pub cache_schema_version: Option<i64>,
    pub terminal_db_integrity: String,
    pub in_doubt: Option<i64>,
    pub audit: Option<Verification>,
    pub audit_head: Option<String>,
    pub app_version: String,
    pub webview_version: Option<String>,
    pub os: String,
    /// Settings hold no secrets (the gateway key is in the keychain).
    pub settings: Settings,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct GatewayHealth {
    pub kind: String,
    pub reachable: bool,
    pub tls_ok: bool,
    pub latency_ms: u64,
    pub error: Option<String>,
}

impl Terminal {
    /// Health checks for support: nothing secret, nothing about customers.
    pub async fn diagnostics(&self) -> Diagnostics {
        let check = |r: std::result::Result<(), crate::store::StoreError>| match r {
            Ok(()) => "ok".to_string(),
            Err(e) => e.to_string(),
        };
        let counter = self.counter.as_ref().ok();
        let gateway = match counter {
            Some(c) => {
                let started = std::time::Instant::now();
                let health = c.gateway().health().await;
                GatewayHealth {
                    kind: format!("{:?}", c.gateway().kind()).to_lowercase(),
                    reachable: health.is_ok(),
                    tls_ok: !matches!(health, Err(crate::gateway::GatewayError::TlsFailure)),
                    latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    error: health.err().map(|e| e.to_string()),
                }
            }
            None => GatewayHealth {
                kind: "not configured".into(),
                reachable: false,
                tls_ok: false,
                latency_ms: 0,
                error: self.counter().err().map(|e| e.to_string()),
            },
        };
        Diagnostics {
            keychain: "reachable (the master key opened)".into(),
            mode: self.settings.mode,
            gateway,
            cache_integrity: counter.map(|c| check(c.store().integrity_check())),
            cache_schema_version: counter.and_then(|c| c.store().schema_version().ok()),
            terminal_db_integrity: check(self.db.integrity_check()),
            in_doubt: counter.and_then(|c| c.store().in_doubt_count().ok()),
            audit: self
                .audit
                .verify_against(&self.db, &self.setup.head().into_iter().collect::<Vec<_>>())
                .ok(),
            audit_head: self.audit.head(&self.db).ok().flatten().map(|a| a.encode()),
            app_version: env!("CARGO_PKG_VERSION").into(),
            webview_version: self.webview_version.clone(),
            os: std::fs::read_to_string("/etc/os-release")
                .ok()
                .and_then(|t| {
                    t.lines()
                        .find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_string()))
                })
                .unwrap_or_else(|| std::env::consts::OS.to_string()),
            settings: self.settings.clone(),
        }
    }

    /// The bundle's files for `actor`: a manager's carries the whole audit
    /// trail, a support member's only what happened and when (no sales data).
    fn bundle_parts(
        &self,
        actor: &Actor,
        diagnostics: &Diagnostics,
    ) -> Result<(crate::export::Manifest, Vec<crate::export::Part>)> {
        use crate::export::{Manifest, Part};
        let json = |v: &Diagnostics| serde_json::to_vec_pretty(v).unwrap_or_default();
        let full_audit = actor.role == Role::Manager;
        let mut audit_lines = Vec::new();
        for e in self.audit.recent(&self.db, u32::MAX)?.iter().rev() {
            let line = if full_audit {
                serde_json::to_vec(e)
            } else {
                serde_json::to_vec(&crate::export::SupportAuditEntry::from(e))
            };
            audit_lines.extend(line.unwrap_or_default());
            audit_lines.push(b'\n');
        }
        let mut parts = vec![
            Part::Bytes {
                path: "diagnostics.json".into(),
                bytes: json(diagnostics),
            },
            Part::Bytes {
                path: "audit.jsonl".into(),
                bytes: audit_lines,
            },
        ];
        let logs = self.home.root().join("logs");
        if let Ok(entries) = std::fs::read_dir(&logs) {
            let mut files: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
            files.sort();
            for source in files {
                let name = source
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let path = format!("logs/{name}");
                parts.push(if full_audit {
                    Part::Log { path, source }
                } else {
                    Part::SupportLog { path, source }
                });
            }
        }
        let manifest = Manifest {
            terminal_id: self.terminal_id.clone(),
            created_at_ms: crate::clock::now_ms(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            audit_head: diagnostics.audit_head.clone(),
            recipients: self.recipient_keys(),
            files: Vec::new(),
        };
        Ok((manifest, parts))
    }

    fn recipient_keys(&self) -> Vec<String> {
        let mut keys = self.settings.support_recipients.clone();
        keys.extend(self.settings.owner_recipient.clone());
        keys
    }

    /// What the bundle would contain, for the person exporting to check.
    pub async fn preview_bundle(&self, actor: &Actor) -> Result<crate::export::Manifest> {
        self.require(actor, Permission::ExportBundle)?;
        let diagnostics = self.diagnostics().await;
        let (manifest, parts) = self.bundle_parts(actor, &diagnostics)?;
        Ok(crate::export::preview(manifest, &parts)?)
    }

    /// Seals the bundle to the configured recipients into `out`. Audited.
    pub async fn export_bundle(&self, actor: &Actor, out: &std::path::Path) -> Result<crate::export::Manifest> {
        self.require(actor, Permission::ExportBundle)?;
        let recipients = crate::export::parse_recipients(&self.recipient_keys())?;
        let diagnostics = self.diagnostics().await;
        let (manifest, parts) = self.bundle_parts(actor, &diagnostics)?;
        let file = std::fs::File::create(out).map_err(crate::export::ExportError::from)?;
        let manifest = crate::export::seal(manifest, parts, &recipients, std::io::BufWriter::new(file))?;
        let bytes: u64 = manifest.files.iter().map(|f| f.bytes).sum();
        let detail = format!(
            "files={} bytes={bytes} recipients={}",
            manifest.files.len(),
            recipients.len()
        );
        self.record(Some(actor), Action::Export, None, Outcome::Ok, Some(&detail))?;
        Ok(manifest)
    }
}
