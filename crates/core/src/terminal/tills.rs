//! The shop's combined day across its tills, read from the gateway's
//! records ([`crate::reports::shop`]).

use super::{Result, Terminal};
use crate::audit::{Action, Outcome};
use crate::auth::{Actor, Permission};
use crate::config::Mode;
use crate::counter::{CounterError, GATEWAY_KEY};
use crate::gateway::ledger::Ledger;
use crate::reports::shop::{ShopDay, ShopNames};
use crate::reports::{DateRange, Period, ReportError};

/// The longest range the combined day reads from the gateway at once (a
/// quarter): each day is one bounded listing, so a longer range would only
/// be slower, not wrong.
pub const MAX_SHOP_DAYS: i32 = 92;

/// A range's ledger, and where its days came from.
#[derive(Default)]
struct Reading {
    ledger: Ledger,
    from_gateway: u32,
    kept: u32,
}

impl Terminal {
    /// Makes this terminal a back office: live mode, the shop's reports and
    /// combined day, no counter. Only on a terminal that has never taken a
    /// payment (its audit trail has no money action), and only with a
    /// gateway key (a restricted read-only key is enough: see the README).
    /// Audited. Takes effect on next open.
    pub fn enable_back_office(&self, actor: &Actor) -> Result<()> {
        self.require(actor, Permission::ConfigureGateway)?;
        let moved_money: bool = self
            .db
            .conn()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM audit WHERE action IN ('charge', 'capture', 'void', 'refund'))",
                [],
                |r| r.get(0),
            )
            .map_err(crate::store::StoreError::from)?;
        if moved_money {
            return Err(CounterError::NotFresh.into());
        }
        if self.keychain.secret(GATEWAY_KEY)?.is_none() {
            return Err(CounterError::LiveNotConfigured.into());
        }
        let mut settings = self.settings.clone();
        settings.back_office = true;
        settings.mode = Mode::Live;
        self.home.save_settings(&settings)?;
        self.record(
            Some(actor),
            Action::SettingsChanged,
            Some("back_office"),
            Outcome::Ok,
            Some("back office: on"),
        )?;
        Ok(())
    }

    /// Every till's payments and refunds over `range`, one local day at a
    /// time (`progress(days done, days)` after each): a day kept from an
    /// earlier look is read from the cache, any other from the gateway,
    /// and kept once it can no longer change ([`Ledger::settled`], a day
    /// after its end).
    async fn shop_ledger(
        &self,
        range: &DateRange,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<(Period, Reading)> {
        if self.training() {
            return Err(ReportError::ShopNeedsLive.into());
        }
        let days = (range.to - range.from).get_days() + 1;
        if days > MAX_SHOP_DAYS {
            return Err(ReportError::InvalidRange(format!("choose at most {MAX_SHOP_DAYS} days")).into());
        }
        let zone = self.zone()?;
        let counter = self.counter()?;
        let mut read = Reading::default();
        let mut day = range.from;
        let total = usize::try_from(days).unwrap_or(0);
        for done in 1..=total {
            let name = day.to_string();
            let kept = counter
                .store()
                .kept_day(zone.name(), &name)?
                .and_then(|bytes| serde_json::from_slice::<Ledger>(&bytes).ok());
            let part = match kept {
                Some(part) => {
                    read.kept += 1;
                    part
                }
                None => {
                    let p = DateRange { from: day, to: day }.period(&zone)?;
                    let part = counter
                        .gateway()
                        .ledger(p.from_ms, p.to_ms)
                        .await
                        .map_err(ReportError::from)?;
                    read.from_gateway += 1;
                    let over = crate::clock::now_ms() - p.to_ms > crate::gateway::ledger::SETTLE_AFTER_MS;
                    if over && part.settled() {
                        let bytes = serde_json::to_vec(&part).map_err(|e| ReportError::Write(e.to_string()))?;
                        counter.store().keep_day(zone.name(), &name, &bytes)?;
                    }
                    part
                }
            };
            read.ledger.payments.extend(part.payments);
            read.ledger.refunds.extend(part.refunds);
            progress(done, total);
            day = day.tomorrow().map_err(|e| ReportError::InvalidRange(e.to_string()))?;
        }
        Ok((range.period(&zone)?, read))
    }

    /// The shop's combined day over `range`: every till, by till, staff,
    /// card brand and hour, with this till's line checked against its own
    /// cache (a back office has none to check).
    pub async fn shop_day(
        &self,
        actor: &Actor,
        range: &DateRange,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<ShopDay> {
        self.require(actor, Permission::ViewReports)?;
        let (period, read) = self.shop_ledger(range, progress).await?;
        let zone = self.zone()?;
        let staff = self.staff.names(&self.db)?;
        let known = |id: &str| staff.get(id).cloned();
        let names = ShopNames {
            staff: &known,
            words: &self.words,
        };
        let own = if self.settings.back_office {
            None
        } else {
            let local = self.staff_names()?;
            let figures = crate::reports::figures(
                self.counter()?.store(),
                period,
                &zone,
                false,
                &crate::reports::Names {
                    staff: &local,
                    words: &self.words,
                },
            )?;
            Some(figures)
        };
        let day = crate::reports::shop::shop_day(
            &read.ledger,
            period,
            &zone,
            &names,
            own.as_ref().map(|f| (self.terminal_id.as_str(), f)),
        );
        Ok(ShopDay {
            days_from_gateway: read.from_gateway,
            days_kept: read.kept,
            ..day
        })
    }

    /// Writes every till's sales and refunds over `range` as CSV into
    /// `out` (formula-safe, as the till's own export); returns the rows.
    /// Audited.
    pub async fn export_shop_csv(
        &self,
        actor: &Actor,
        range: &DateRange,
        out: &std::path::Path,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<u64> {
        self.require(actor, Permission::ViewReports)?;
        let (period, read) = self.shop_ledger(range, progress).await?;
        let staff = self.staff.names(&self.db)?;
        let known = |id: &str| staff.get(id).cloned();
        let names = ShopNames {
            staff: &known,
            words: &self.words,
        };
        let mut bytes = Vec::new();
        let rows = crate::reports::csv::write_ledger(&read.ledger, period, &self.zone()?, &names, &mut bytes)?;
        super::reports::write_file(out, &bytes)?;
        let detail = format!("from={} to={} rows={rows}", range.from, range.to);
        self.record(
            Some(actor),
            Action::ReportExport,
            Some("shop_csv"),
            Outcome::Ok,
            Some(&detail),
        )?;
        Ok(rows)
    }
}
