//! Reports: date ranges, the day, X and Z reports, exports and imports.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A range of the shop's local dates, both included (`YYYY-MM-DD`): the
/// request of `get_day_report`, `export_csv`, `reconcile_day` and
/// `import_missing`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DateRangeRequest {
    pub from: String,
    pub to: String,
}

impl DateRangeRequest {
    pub fn range(&self) -> Result<crate::reports::DateRange, crate::reports::ReportError> {
        crate::reports::DateRange::parse(&self.from, &self.to)
    }
}

/// `get_x_report` and `close_day`: the open period since the last close.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OpenPeriodRequest {}

/// `get_z_report`: reprint a closed day.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GetZReportRequest {
    #[ts(type = "number")]
    pub number: i64,
}

/// `list_z_reports`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ListZReportsRequest {}

/// Figures and the same figures as print lines.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportView {
    pub figures: crate::reports::Figures,
    pub lines: Vec<String>,
}

impl ReportView {
    /// `title_id` is the report's title in the catalog.
    pub fn new(words: &crate::messages::Catalog, title_id: &str, figures: crate::reports::Figures) -> Self {
        Self {
            lines: crate::reports::print::figure_lines(words, title_id, &figures),
            figures,
        }
    }
}

/// The shop's combined day (every till, from the gateway) and the same as
/// print lines.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ShopDayView {
    pub day: crate::reports::shop::ShopDay,
    pub lines: Vec<String>,
}

impl ShopDayView {
    pub fn new(words: &crate::messages::Catalog, day: crate::reports::shop::ShopDay) -> Self {
        Self {
            lines: crate::reports::print::shop_lines(words, &day),
            day,
        }
    }
}

/// A Z report, its print lines (a reprint is identical), where its PDF is,
/// and what changed since it was closed.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ZReportView {
    pub report: crate::reports::closing::ZReport,
    pub lines: Vec<String>,
    pub pdf_path: String,
    pub discrepancies: Vec<crate::reports::closing::Discrepancy>,
}

impl ZReportView {
    pub fn new(
        words: &crate::messages::Catalog,
        report: crate::reports::closing::ZReport,
        discrepancies: Vec<crate::reports::closing::Discrepancy>,
        pdf_path: &std::path::Path,
    ) -> Self {
        Self {
            lines: crate::reports::print::z_lines(words, &report),
            report,
            pdf_path: pdf_path.display().to_string(),
            discrepancies,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ZSummary {
    #[ts(type = "number")]
    pub number: i64,
    #[ts(type = "number")]
    pub closed_at_ms: i64,
    pub closed_by: String,
}

/// Where an export was written.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportView {
    pub path: String,
    #[ts(type = "number")]
    pub rows: u64,
}

/// `import_missing`: how many records came in, and the comparison after.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportView {
    #[ts(type = "number")]
    pub imported: u64,
    pub reconciliation: crate::reports::reconcile::Reconciliation,
}
