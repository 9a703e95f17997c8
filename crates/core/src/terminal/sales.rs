//! The counter as staff use it: charges, refunds, captures and voids, each
//! permitted, limited and audited; receipts; the recovery of what is in doubt.

use secrecy::SecretString;

use super::audit::refusal_code;
use super::reports::write_file;
use super::{Limit, Result, Terminal, TerminalError};
use crate::audit::{Action, Outcome};
use crate::auth::{Actor, Permission, Role};
use crate::card_entry::{CardEntryError, CardFields};
use crate::counter::{ChargeInput, CounterError, InputError, RefundInput, SalesFilter};
use crate::gateway::{RefundReason, TestCard};
use crate::money::{Currency, MinorUnits, Money};
use crate::receipt::{self, ReceiptContext, ReceiptCopy};
use crate::store::{CapReached, RateKind, RefundCap, StoreError};
use crate::store::{Refund, Sale, SaleId};
use crate::vault::GatewayKeys;

impl Terminal {
    pub async fn charge(&self, actor: &Actor, mut input: ChargeInput) -> Result<Sale> {
        self.require(actor, Permission::Charge)?;
        if input.phone_order {
            self.require(actor, Permission::PhoneOrder)?;
        }
        // The budget is the terminal's, shared with every other process.
        let now = self.clock.now_ms();
        if !self
            .db
            .take_rate_slot(RateKind::Charge, self.settings.charges_per_minute, now)?
        {
            self.record(Some(actor), Action::Charge, None, Outcome::RateLimited, None)?;
            return Err(TerminalError::LimitReached(Limit::ChargesPerMinute(
                self.settings.charges_per_minute,
            )));
        }
        input.staff_id = Some(actor.staff_id.clone());
        input.audit_anchor = self.audit.head(&self.db)?.map(|a| a.encode());
        let result = self.counter()?.charge(input).await;
        crate::crashpoint::reached(crate::crashpoint::CHARGE_RECORDED);
        match &result {
            Ok(sale) => {
                let detail = format!("amount={} {}", sale.money.amount.get(), sale.money.currency);
                self.record(
                    Some(actor),
                    Action::Charge,
                    Some(&sale.id.to_string()),
                    status_word(sale),
                    Some(&detail),
                )?;
            }
            Err(e) => {
                self.record(
                    Some(actor),
                    Action::Charge,
                    None,
                    Outcome::Refused,
                    Some(&refusal_code(e.into())),
                )?;
            }
        }
        Ok(result?)
    }

    pub fn cancel_charge(&self, actor: &Actor) -> Result<()> {
        self.require(actor, Permission::CancelCharge)?;
        Ok(self.counter()?.cancel_charge()?)
    }

    pub fn list_sales(&self, actor: &Actor, since_ms: i64, until_ms: i64) -> Result<Vec<Sale>> {
        self.require(actor, Permission::ListSales)?;
        Ok(self.counter()?.list_sales(since_ms, until_ms)?)
    }

    /// Searches sales (status, last 4, amount, staff, date range).
    /// `staff_name` is matched case-insensitively to an account.
    pub fn search_sales(&self, actor: &Actor, mut filter: SalesFilter, staff_name: Option<&str>) -> Result<Vec<Sale>> {
        self.require(actor, Permission::ListSales)?;
        filter.staff_id = self.staff_id_named(staff_name)?;
        Ok(self.counter()?.search_sales(&filter)?)
    }

    /// The live gateway's card readers (managers, for set-up).
    pub async fn list_readers(&self, actor: &Actor) -> Result<Vec<crate::gateway::ReaderInfo>> {
        self.require(actor, Permission::ConfigureGateway)?;
        let key = GatewayKeys::new(&self.keychain, &self.keys)
            .for_gateway(&self.settings.gateway.binding())?
            .ok_or(CounterError::LiveNotConfigured)?;
        let gateway = crate::gateway::connect(&self.settings.gateway, key).map_err(CounterError::from)?;
        Ok(gateway.list_readers().await.map_err(CounterError::Gateway)?)
    }

    /// The gateway's hosted card fields for a phone order's card window
    /// (see [`crate::card_entry`]): a live gateway and its publishable key.
    /// The order is checked first, as its charge will be, so that a card
    /// is never read out for an order the terminal would refuse.
    pub fn card_fields(&self, actor: &Actor, order: &ChargeInput) -> Result<CardFields> {
        self.require(actor, Permission::Charge)?;
        self.require(actor, Permission::PhoneOrder)?;
        let test_key = match &self.counter {
            Ok(c) if self.settings.mode == crate::config::Mode::Live => c.gateway().test_mode(),
            _ => return Err(CardEntryError::NotConfigured.into()),
        };
        let fields = CardFields::from_settings(&self.settings.gateway, test_key)?;
        self.counter()?.check(order)?;
        Ok(fields)
    }

    /// Whether `actor` may take a phone order here, now (the counter's
    /// Phone order button), without auditing a refusal.
    pub fn offers_phone_orders(&self, actor: &Actor) -> bool {
        let may = self.permits(actor, Permission::PhoneOrder);
        let live = self.counter.is_ok() && self.settings.mode == crate::config::Mode::Live;
        may && live && self.settings.gateway.publishable_key.is_some() && !self.settings.back_office
    }

    /// The gateway's test cards, when its key is a test-mode key.
    pub fn test_cards(&self) -> Vec<TestCard> {
        match &self.counter {
            Ok(c) if c.gateway().test_mode() => TestCard::ALL.to_vec(),
            _ => Vec::new(),
        }
    }

    /// A receipt for a sale, or for one of its refunds, as print lines.
    pub fn receipt(&self, actor: &Actor, sale: SaleId, refund: Option<&str>, copy: ReceiptCopy) -> Result<Vec<String>> {
        self.require(actor, Permission::ListSales)?;
        let store = self.counter()?.store();
        let sale = store.get(sale)?.ok_or(CounterError::SaleNotFound)?;
        let refund = match refund {
            Some(id) => Some(
                store
                    .refunds_for_sale(sale.id)?
                    .into_iter()
                    .find(|r| r.id == id)
                    .ok_or(CounterError::SaleNotFound)?,
            ),
            None => None,
        };
        let staff = refund
            .as_ref()
            .map_or(sale.staff_id.as_deref(), |r| r.staff_id.as_deref())
            .map(self.staff_names()?);
        let zone = self.zone()?;
        let shop = self.shop();
        let ctx = ReceiptContext {
            shop: &shop,
            zone: &zone,
            training: self.training(),
            staff: staff.as_deref(),
            paper: shop.receipt_paper,
            words: &self.words,
        };
        Ok(match &refund {
            None => receipt::sale_lines(&sale, copy, &ctx),
            Some(r) => receipt::refund_lines(&sale, r, copy, &ctx),
        })
    }

    /// Writes the receipt as a PDF under `<home>/receipts/` (the same bytes
    /// every time) and returns the lines and the path.
    pub fn save_receipt(
        &self,
        actor: &Actor,
        sale: SaleId,
        refund: Option<&str>,
        copy: ReceiptCopy,
    ) -> Result<(Vec<String>, std::path::PathBuf)> {
        let lines = self.receipt(actor, sale, refund, copy)?;
        let mode = if self.training() { "training-" } else { "" };
        let what = refund.map_or_else(|| format!("sale-{sale}"), |r| format!("refund-{}", file_safe(r)));
        let path = self
            .home
            .root()
            .join("receipts")
            .join(format!("{mode}{what}-{}.pdf", copy.file_word()));
        write_file(&path, &self.receipt_pdf(&lines))?;
        Ok((lines, path))
    }

    /// Receipt `lines` as a PDF on the shop's receipt paper.
    pub fn receipt_pdf(&self, lines: &[String]) -> Vec<u8> {
        crate::pdf::render_on(self.settings.receipt_paper, lines)
    }

    /// Asks the gateway to email its receipt for a sale. The address is
    /// checked, used once and not kept; the audit records that it was sent.
    pub async fn email_receipt(&self, actor: &Actor, sale: SaleId, email: &str) -> Result<()> {
        self.require(actor, Permission::ListSales)?;
        let email = email.trim();
        let plausible = email.len() <= 254
            && email.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
            })
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == ',' || c == ';')
            && !crate::pan::contains_card_number(email);
        if !plausible {
            return Err(CounterError::from(InputError::NotAnEmail).into());
        }
        let counter = self.counter()?;
        let found = counter.store().get(sale)?.ok_or(CounterError::SaleNotFound)?;
        let payment = found
            .gateway_ref
            .filter(|_| found.status == crate::store::SaleStatus::Approved)
            .ok_or(CounterError::Input(InputError::NoReceiptToEmail))?;
        let result = counter.gateway().email_receipt(&payment, email).await;
        let outcome = if result.is_ok() { Outcome::Ok } else { Outcome::Failed };
        self.record(
            Some(actor),
            Action::ReceiptEmailed,
            Some(&sale.to_string()),
            outcome,
            None,
        )?;
        result.map_err(|e| CounterError::Gateway(e).into())
    }

    /// What is left to refund on a sale.
    pub fn refundable(&self, actor: &Actor, sale: SaleId) -> Result<Money> {
        self.require(actor, Permission::ListSales)?;
        Ok(self.counter()?.store().refundable(sale)?)
    }

    /// Refunds part or all of a sale. Above the approval limit a manager's
    /// name and PIN must come with it (unless the actor is a manager);
    /// cashiers are held to their daily count and amount.
    pub async fn refund(
        &self,
        actor: &Actor,
        form: RefundForm,
        approver: Option<(&str, &SecretString)>,
    ) -> Result<Refund> {
        self.require(actor, Permission::Refund)?;
        let counter = self.counter()?;
        let sale = counter.store().get(form.sale_id)?.ok_or(CounterError::SaleNotFound)?;
        let currency = sale.money.currency;
        let amount = match self.typed_amount(form.amount.as_deref(), currency)? {
            Some(amount) => amount,
            None => counter.store().refundable(sale.id)?.amount,
        };
        let object = sale.id.to_string();
        let limit = major(self.settings.refund_approval_above_major, currency);
        let mut approved_by = None;
        if amount > limit && !actor.role.allows(Permission::ApproveRefund) {
            let Some((name, pin)) = approver else {
                self.record(Some(actor), Action::Refund, Some(&object), Outcome::NeedsApproval, None)?;
                return Err(TerminalError::NeedsApproval(Money::new(limit, currency)));
            };
            let manager = self.sign_in(name, pin)?;
            if let Err(e) = manager.require(Permission::ApproveRefund) {
                self.record(
                    Some(&manager),
                    Action::RefundApproval,
                    Some(&object),
                    Outcome::Denied,
                    None,
                )?;
                return Err(e.into());
            }
            self.record(
                Some(&manager),
                Action::RefundApproval,
                Some(&object),
                Outcome::Ok,
                Some(&format!("for={}", actor.staff_id)),
            )?;
            approved_by = Some(manager.staff_id);
        }
        // Cashiers' limits are checked where the refund is journaled, in one
        // transaction, so parallel refunds cannot all pass a stale count.
        let cap = (actor.role == Role::Cashier).then(|| RefundCap {
            staff_id: actor.staff_id.clone(),
            since_ms: crate::clock::now_ms() - 24 * 60 * 60 * 1000,
            max_count: i64::from(self.settings.refund_limit_count),
            max_total_minor: major(self.settings.refund_limit_major, currency).get(),
        });
        let input = RefundInput {
            sale_id: form.sale_id,
            amount: Some(amount),
            reason: form.reason,
            note: form.note,
            staff_id: Some(actor.staff_id.clone()),
        };
        counter.set_audit_anchor(self.audit.head(&self.db)?.map(|a| a.encode()));
        let result = counter.refund_within(input, cap).await;
        if let Err(CounterError::Store(StoreError::RefundLimit(reached))) = &result {
            return Err(self.refund_limit_reached(actor, *reached, currency)?);
        }
        let approval = approved_by.map(|m| format!(" approved_by={m}")).unwrap_or_default();
        match &result {
            Ok(r) => {
                let detail = format!("amount={} {} refund={}{approval}", r.money.amount.get(), currency, r.id);
                self.record(
                    Some(actor),
                    Action::Refund,
                    Some(&object),
                    refund_word(r),
                    Some(&detail),
                )?;
            }
            Err(e) => {
                self.record(
                    Some(actor),
                    Action::Refund,
                    Some(&object),
                    Outcome::Refused,
                    Some(&refusal_code(e.into())),
                )?;
            }
        }
        Ok(result?)
    }

    /// The refusal of a refund over a cashier's limits, audited.
    fn refund_limit_reached(&self, actor: &Actor, reached: CapReached, currency: Currency) -> Result<TerminalError> {
        let limit = match reached {
            CapReached::Count => Limit::RefundCount(self.settings.refund_limit_count),
            CapReached::Amount => {
                Limit::RefundAmount(Money::new(major(self.settings.refund_limit_major, currency), currency))
            }
        };
        self.record(Some(actor), Action::Refund, None, Outcome::LimitReached, None)?;
        Ok(TerminalError::LimitReached(limit))
    }

    /// Captures an authorisation: `amount` as typed, or all of it.
    pub async fn capture(&self, actor: &Actor, sale: SaleId, amount: Option<&str>) -> Result<Sale> {
        self.require(actor, Permission::CaptureVoid)?;
        let counter = self.counter()?;
        let currency = counter
            .store()
            .get(sale)?
            .ok_or(CounterError::SaleNotFound)?
            .money
            .currency;
        let amount = self.typed_amount(amount, currency)?;
        counter.set_audit_anchor(self.audit.head(&self.db)?.map(|a| a.encode()));
        let result = counter.capture(sale, amount).await;
        self.record_op(actor, Action::Capture, sale, &result)?;
        Ok(result?)
    }

    pub async fn void(&self, actor: &Actor, sale: SaleId) -> Result<Sale> {
        self.require(actor, Permission::CaptureVoid)?;
        let result = self.counter()?.void(sale).await;
        self.record_op(actor, Action::Void, sale, &result)?;
        Ok(result?)
    }

    fn record_op(
        &self,
        actor: &Actor,
        action: Action,
        sale: SaleId,
        result: &std::result::Result<Sale, CounterError>,
    ) -> Result<()> {
        let outcome = match result {
            Ok(s) => status_word(s),
            Err(_) => Outcome::Refused,
        };
        let detail = result
            .as_ref()
            .ok()
            .and_then(|s| s.captured)
            .map(|c| format!("captured={}", c.get()));
        self.record(Some(actor), action, Some(&sale.to_string()), outcome, detail.as_deref())?;
        Ok(())
    }

    pub async fn resolve_in_doubt(&self, actor: &Actor) -> Result<usize> {
        self.require(actor, Permission::ResolveInDoubt)?;
        let unresolved = self.counter()?.resolve_in_doubt().await?;
        self.record_settled(Some(actor))?;
        self.audit_unrecorded_money(Some(actor))?;
        if actor.require(Permission::CloseDay).is_ok() {
            self.audit_unrecorded_closes(actor)?;
        }
        let outcome = if unresolved == 0 { Outcome::Ok } else { Outcome::InDoubt };
        self.record(
            Some(actor),
            Action::ResolveInDoubt,
            None,
            outcome,
            Some(&format!("unresolved={unresolved}")),
        )?;
        Ok(unresolved)
    }
}

/// A refund id as part of a file name.
fn file_safe(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect()
}

fn major(units: u64, currency: Currency) -> MinorUnits {
    MinorUnits::new(
        i64::try_from(units)
            .unwrap_or(i64::MAX)
            .saturating_mul(currency.minor_per_major()),
    )
}

/// A refund as a person asked for it at the till or the command line.
#[derive(Debug, Clone)]
pub struct RefundForm {
    pub sale_id: SaleId,
    /// As typed, in the sale's currency; `None` refunds everything left.
    pub amount: Option<String>,
    pub reason: RefundReason,
    pub note: Option<String>,
}

impl Terminal {
    /// An amount as typed, read once, here, where the sale's currency is
    /// known: the counter is handed minor units only.
    fn typed_amount(&self, typed: Option<&str>, currency: Currency) -> Result<Option<MinorUnits>> {
        typed
            .map(|t| crate::money::parse_amount(t, currency, &self.settings.parse_rules()).map_err(CounterError::from))
            .transpose()
            .map_err(Into::into)
    }
}

/// A sale as the trail records it: one still pending is in doubt.
fn status_word(sale: &Sale) -> Outcome {
    match sale.status {
        crate::store::SaleStatus::Pending => Outcome::InDoubt,
        status => status.into(),
    }
}

/// A refund as the trail records it, from the cashier's side.
fn refund_word(r: &Refund) -> Outcome {
    use crate::store::RefundStatus::*;
    match r.status {
        Succeeded => Outcome::Refunded,
        Failed => Outcome::Failed,
        Pending | InDoubt => Outcome::InDoubt,
    }
}
