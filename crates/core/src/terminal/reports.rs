//! Reports: the day and X figures, the close of day and its numbered Z
//! reports, CSV exports and reconciliation with the gateway.

use super::audit::refusal_code;
use super::{Result, Terminal, TerminalError};
use crate::audit::{Action, Outcome};
use crate::auth::{Actor, Permission};
use crate::config::Mode;
use crate::reports::closing::{self, Discrepancy, ZReport};
use crate::reports::reconcile::{self, Reconciliation};
use crate::reports::{DateRange, Figures, ReportError, ShopZone};

impl Terminal {
    /// Where Z report PDFs and CSV exports are written.
    pub fn reports_dir(&self) -> std::path::PathBuf {
        self.home.root().join("reports")
    }

    pub(super) fn zone(&self) -> Result<ShopZone> {
        Ok(ShopZone::new(self.settings.time_zone.as_deref())?)
    }

    /// Today's date in the shop's time zone.
    pub fn today(&self) -> std::result::Result<jiff::civil::Date, ReportError> {
        let zone = ShopZone::new(self.settings.time_zone.as_deref())?;
        Ok(zone.local(crate::clock::now_ms()).0)
    }

    pub(super) fn training(&self) -> bool {
        self.mode() == Mode::Training
    }

    /// The day view over local dates `range` (both included).
    pub fn day_report(&self, actor: &Actor, range: &DateRange) -> Result<Figures> {
        self.require(actor, Permission::ViewReports)?;
        let zone = self.zone()?;
        let period = range.period(&zone)?;
        let store = self.counter()?.store();
        let staff = self.staff_names()?;
        let f = crate::reports::figures(store, period, &zone, self.training(), &self.names(&staff))?;
        Ok(self.headed(f))
    }

    /// How the shop's reports name their lines.
    fn names<'a>(&'a self, staff: &'a dyn Fn(&str) -> String) -> crate::reports::Names<'a> {
        crate::reports::Names {
            staff,
            words: &self.words,
        }
    }

    /// `f` under the shop's heading as it is now.
    fn headed(&self, f: Figures) -> Figures {
        Figures {
            shop: self.shop().header_lines(&self.words),
            ..f
        }
    }

    /// The X report: figures since the last close of day, nothing closed.
    pub fn x_report(&self, actor: &Actor) -> Result<Figures> {
        self.require(actor, Permission::ViewReports)?;
        let store = self.counter()?.store();
        let f = closing::x_report(
            store,
            &self.zone()?,
            self.training(),
            &self.names(&self.staff_names()?),
            crate::clock::now_ms(),
        )?;
        Ok(self.headed(f))
    }

    /// Closes the day: the next Z report. Audited with its hash.
    pub fn close_day(&self, actor: &Actor) -> Result<ZReport> {
        self.require(actor, Permission::CloseDay)?;
        self.audit_unrecorded_closes(actor)?;
        let store = self.counter()?.store();
        let z = closing::close_day(
            store,
            &self.zone()?,
            self.training(),
            &self.names(&self.staff_names()?),
            &actor.name,
            &self.shop().header_lines(&self.words),
            crate::clock::now_ms(),
        );
        let z = match z {
            Ok(z) => z,
            Err(e) => {
                let e = TerminalError::from(e);
                self.record(
                    Some(actor),
                    Action::CloseDay,
                    None,
                    Outcome::Refused,
                    Some(&refusal_code((&e).into())),
                )?;
                return Err(e);
            }
        };
        let detail = format!("items={} sha256={}", z.items, z.covered_hash);
        self.record(
            Some(actor),
            Action::CloseDay,
            Some(&format!("Z{}", z.number)),
            Outcome::Ok,
            Some(&detail),
        )?;
        Ok(z)
    }

    /// A stored Z report and what has changed since it was closed.
    pub fn z_report(&self, actor: &Actor, number: i64) -> Result<(ZReport, Vec<Discrepancy>)> {
        self.require(actor, Permission::ViewReports)?;
        let store = self.counter()?.store();
        let z = closing::load(store, number, &self.zone()?)?;
        Ok((z, closing::discrepancies(store, number)?))
    }

    /// Every Z report: (number, closed at ms, closed by), newest first.
    pub fn z_reports(&self, actor: &Actor) -> Result<Vec<(i64, i64, String)>> {
        self.require(actor, Permission::ViewReports)?;
        Ok(closing::list(self.counter()?.store())?)
    }

    /// Writes Z report `number` as a PDF into `out` (identical every time).
    pub fn save_z_pdf(&self, actor: &Actor, number: i64, out: &std::path::Path) -> Result<()> {
        let (z, _) = self.z_report(actor, number)?;
        let pdf = crate::pdf::render(&crate::reports::print::z_lines(&self.words, &z));
        write_file(out, &pdf)?;
        Ok(())
    }

    /// Where the app keeps Z report `number` as a PDF.
    pub fn z_pdf_path(&self, number: i64) -> std::path::PathBuf {
        let mode = if self.training() { "training-" } else { "" };
        self.reports_dir().join(format!("{mode}z-{number:04}.pdf"))
    }

    /// Exports `range` as CSV into `out`; returns the rows written. Audited.
    pub fn export_csv(&self, actor: &Actor, range: &DateRange, out: &std::path::Path) -> Result<u64> {
        self.require(actor, Permission::ViewReports)?;
        let zone = self.zone()?;
        let period = range.period(&zone)?;
        let store = self.counter()?.store();
        let mut bytes = Vec::new();
        let rows = crate::reports::csv::write(store, period, &zone, &self.staff_names()?, &self.words, &mut bytes)?;
        write_file(out, &bytes)?;
        let detail = format!("from={} to={} rows={rows}", range.from, range.to);
        self.record(
            Some(actor),
            Action::ReportExport,
            Some("csv"),
            Outcome::Ok,
            Some(&detail),
        )?;
        Ok(rows)
    }

    /// Compares the cache with the gateway's records for `range`.
    pub async fn reconcile(&self, actor: &Actor, range: &DateRange) -> Result<Reconciliation> {
        self.require(actor, Permission::ViewReports)?;
        let period = range.period(&self.zone()?)?;
        let counter = self.counter()?;
        let mut r = reconcile::reconcile(counter.store(), counter.gateway(), &self.terminal_id, period).await?;
        let anchors = self.gateway_anchors().await;
        let checked = self.audit.verify_against(&self.db, &anchors)?;
        r.mismatches.extend(reconcile::anchor_mismatch(&checked));
        Ok(r)
    }

    /// Imports what the gateway has and the cache lacks in `range`. Audited.
    pub async fn import_missing(&self, actor: &Actor, range: &DateRange) -> Result<u64> {
        self.require(actor, Permission::CloseDay)?;
        let period = range.period(&self.zone()?)?;
        let counter = self.counter()?;
        let n = reconcile::import_missing(counter.store(), counter.gateway(), &self.terminal_id, period).await?;
        let detail = format!("from={} to={} imported={n}", range.from, range.to);
        self.record(Some(actor), Action::ReconcileImport, None, Outcome::Ok, Some(&detail))?;
        Ok(n)
    }
}

/// Writes a report file whole or not at all (temp file, then rename).
pub(super) fn write_file(out: &std::path::Path, bytes: &[u8]) -> std::result::Result<(), ReportError> {
    use std::io::Write;
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    // The system's reason only: an I/O error's text (tempfile's adds the
    // path) would repeat the place the person typed.
    let cannot = |e: &std::io::Error| ReportError::Write(e.kind().to_string());
    std::fs::create_dir_all(dir).map_err(|e| cannot(&e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| cannot(&e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| cannot(&e))?;
    tmp.persist(out).map_err(|e| cannot(&e.error))?;
    Ok(())
}
