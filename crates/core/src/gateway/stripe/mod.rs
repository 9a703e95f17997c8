//! Stripe over HTTPS.
//!
//! Covers what the counter needs: PaymentIntents (create + confirm for a
//! tokenised card, retrieve, list by created range with pagination, find by
//! the sale id in metadata), Refunds (create, list by PaymentIntent), PaymentMethods (retrieve, for brand and
//! last 4 when the charge does not carry them) and a key check (balance).
//!
//! Answers are read into typed structs ([`wire`]), then into domain types
//! ([`answers`]): leniently where Stripe documents variation
//! (`latest_charge` may be an id or an expanded object; unknown fields are
//! ignored) and strictly where money is concerned (amount, currency and
//! status must be present and well-formed, or the answer is not trusted).
//! Raw bodies never leave this module: failures become [`GatewayError`]s.

mod answers;
mod ledger;
mod pages;
mod reader;
mod wire;

use secrecy::{ExposeSecret, SecretString};
use serde::de::{DeserializeOwned, IgnoredAny};

use answers::*;
use pages::Pages;
use wire::*;

use super::http::{build_client, send_with_retries, Attempt, HttpConfig, HttpSetupError};
use super::{
    CardSummary, ChargeOutcome, ChargeRequest, DeclineReason, Gateway, GatewayError, GatewayKind, GatewayRef, KeyCheck,
    ListedPayment, ListedRefund, PaymentOp, PaymentSource, PaymentState, ReaderInfo, RefundOutcome, RefundRequest,
};
use crate::money::MinorUnits;

/// Differences of Stripe-compatible servers the client must tolerate.
#[derive(Debug, Clone, Copy, Default)]
pub struct StripeCompat {
    /// Some Stripe-compatible test servers reject `reason` on refunds; the
    /// reason is then sent in metadata only (it is always kept locally).
    pub omit_refund_reason: bool,
    /// The account may mark card-not-present orders as MOTO
    /// ([`crate::config::GatewaySettings::moto`]).
    pub moto: bool,
}

pub struct StripeGateway {
    client: reqwest::Client,
    base: reqwest::Url,
    cfg: HttpConfig,
    key: SecretString,
    compat: StripeCompat,
    test_mode: bool,
    /// How long a card reader may wait for a card before the terminal
    /// cancels the reader's action.
    reader_wait: std::time::Duration,
}

/// Shape of a Stripe secret or restricted key, without revealing it.
pub fn key_kind(key: &str) -> Option<KeyCheck> {
    let (restricted, rest) = if let Some(r) = key.strip_prefix("rk_") {
        (true, r)
    } else if let Some(r) = key.strip_prefix("sk_") {
        (false, r)
    } else {
        return None;
    };
    let live = if rest.starts_with("live_") {
        true
    } else if rest.starts_with("test_") {
        false
    } else {
        return None;
    };
    let body = &rest[5..];
    (body.len() >= 8 && body.chars().all(|c| c.is_ascii_alphanumeric())).then_some(KeyCheck { restricted, live })
}

/// `rk_live_…abcd`: enough to recognise a key, never enough to use it.
pub fn mask_key(key: &str) -> String {
    let prefix: String = key.chars().take(8).collect();
    let tail: String = key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{prefix}…{tail}")
}

/// The till and staff member, in the metadata of a payment or refund
/// (keys left out when empty: Stripe drops empty metadata values anyway).
fn attribute(form: &mut Vec<(String, String)>, by: &crate::gateway::Attribution) {
    form.push(("metadata[terminal_id]".into(), by.terminal_id.clone()));
    if !by.till_name.is_empty() {
        form.push(("metadata[till_name]".into(), by.till_name.clone()));
    }
    if let Some(staff) = &by.staff_id {
        form.push(("metadata[staff_id]".into(), staff.clone()));
    }
}

impl StripeGateway {
    pub fn new(mut cfg: HttpConfig, key: SecretString, compat: StripeCompat) -> Result<Self, HttpSetupError> {
        cfg.retry_header = Some("stripe-should-retry");
        let (client, base) = build_client(&cfg)?;
        let test_mode = key_kind(key.expose_secret()).is_some_and(|k| !k.live);
        Ok(Self {
            client,
            base,
            cfg,
            key,
            compat,
            test_mode,
            reader_wait: std::time::Duration::from_secs(60),
        })
    }

    /// How long the reader may wait for a card.
    pub fn with_reader_wait(mut self, wait: std::time::Duration) -> Self {
        self.reader_wait = wait;
        self
    }

    /// The PaymentIntent fields every charge sends.
    fn intent_form(request: &ChargeRequest) -> Vec<(String, String)> {
        let mut form = vec![
            ("amount".to_string(), request.money.amount.get().to_string()),
            ("currency".into(), request.money.currency.code().to_ascii_lowercase()),
            ("capture_method".into(), request.capture.as_str().into()),
            ("metadata[sale_id]".into(), request.sale_id.to_string()),
        ];
        attribute(&mut form, &request.by);
        if let Some(a) = &request.audit_anchor {
            form.push(("metadata[audit_head]".into(), a.clone()));
        }
        form
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, GatewayError> {
        self.base.join(path).map_err(|_| GatewayError::InvalidRequest)
    }

    /// One logical call with retries, its answer read as `T`;
    /// `idempotency` is required for POSTs.
    async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        form: &[(String, String)],
        idempotency: Option<&str>,
    ) -> Result<T, GatewayError> {
        let url = self.url(path)?;
        let started = std::time::Instant::now();
        let sent = send_with_retries(&self.cfg, || {
            let mut req = self
                .client
                .request(method.clone(), url.clone())
                .bearer_auth(self.key.expose_secret())
                .header("Stripe-Version", "2024-06-20");
            if let Some(key) = idempotency {
                req = req.header("Idempotency-Key", key);
            }
            if method == reqwest::Method::GET {
                req.query(form)
            } else {
                req.form(form)
            }
        })
        .await;
        let status = match &sent.last {
            Attempt::Answered { status, .. } => status.to_string(),
            Attempt::NotSent { .. } => "not_sent".into(),
            Attempt::Lost => "lost".into(),
            Attempt::Oversized => "oversized".into(),
        };
        tracing::info!(
            method = %method,
            endpoint = %endpoint_label(path),
            status,
            elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "gateway call"
        );
        conclude(sent, idempotency.is_some())
    }

    /// The card a payment was made with, as the gateway reports it; `None`
    /// when it cannot be read, which says nothing about the money.
    async fn card_for(&self, pi: &PaymentIntent) -> Option<CardSummary> {
        if let Some(card) = pi.charged_card() {
            return Some(card);
        }
        let pm = pi.payment_method.as_ref()?.id()?;
        let pm: PaymentMethod = self
            .call(
                reqwest::Method::GET,
                &format!("v1/payment_methods/{}", path_id(pm)?),
                &[],
                None,
            )
            .await
            .inspect_err(|e| tracing::warn!(error = %e, "the card of a payment could not be read"))
            .ok()?;
        pm.card?.summary()
    }

    /// What one of this terminal's payments came to. A PaymentIntent that
    /// cannot be read (a field missing, a status this terminal does not
    /// know) says nothing either way: whether money moved is unknown, never
    /// "not charged".
    async fn outcome_of(&self, pi: &PaymentIntent) -> Result<Option<ChargeOutcome>, GatewayError> {
        let gateway_ref = acted_on(pi.gateway_ref())?;
        acted_on(pi.money())?;
        match acted_on(pi.status())? {
            IntentStatus::Succeeded => Ok(Some(ChargeOutcome::Approved {
                card: self.card_for(pi).await,
                risk: pi.risk(),
                gateway_ref,
            })),
            IntentStatus::RequiresPaymentMethod | IntentStatus::Canceled if pi.last_payment_error.is_some() => {
                Ok(Some(ChargeOutcome::Declined {
                    gateway_ref: Some(gateway_ref),
                    reason: pi
                        .last_payment_error
                        .as_ref()
                        .map_or(DeclineReason::Generic, ApiError::decline_reason),
                    card: self.card_for(pi).await,
                }))
            }
            IntentStatus::RequiresCapture => Ok(Some(ChargeOutcome::Authorized {
                card: self.card_for(pi).await,
                risk: pi.risk(),
                capture_before_ms: pi.capture_before_ms(),
                gateway_ref,
            })),
            IntentStatus::RequiresAction => Err(GatewayError::AuthenticationRequired),
            IntentStatus::Processing => Err(GatewayError::OutcomeUnknown),
            // Created but never confirmed, or cancelled before any attempt:
            // no money moved.
            IntentStatus::RequiresPaymentMethod | IntentStatus::RequiresConfirmation | IntentStatus::Canceled => {
                Ok(None)
            }
            IntentStatus::Other => Err(GatewayError::OutcomeUnknown),
        }
    }

    /// Every refund of one PaymentIntent (`GET /v1/refunds?payment_intent=`).
    async fn list_refunds(&self, payment: &GatewayRef) -> Result<Vec<ListedRefund>, GatewayError> {
        let mut refunds = Vec::new();
        let mut pages = Pages::<Refund>::new(
            self,
            "v1/refunds",
            vec![("payment_intent".to_string(), payment.0.clone())],
        );
        while let Some(page) = pages.next().await? {
            for r in &page {
                refunds.push(r.listed()?);
            }
        }
        Ok(refunds)
    }

    /// Finds the PaymentIntent whose metadata names the sale, among those
    /// created around the time the sale was journaled (every page of that
    /// window: on a busy account the sale may be far from the newest).
    /// Search is eventually consistent and not on every server, so the list
    /// is read instead.
    async fn find_by_sale(&self, request: &ChargeRequest) -> Result<Option<PaymentIntent>, GatewayError> {
        let sale_id = request.sale_id.to_string();
        let slack_ms = i64::try_from(LOOKUP_CLOCK_SLACK.as_millis()).unwrap_or(i64::MAX);
        let open_ms = i64::try_from((self.in_flight_window() + self.reader_wait).as_millis()).unwrap_or(i64::MAX);
        let from = request.journaled_at_ms.saturating_sub(slack_ms).div_euclid(1000);
        let to = request
            .journaled_at_ms
            .saturating_add(open_ms)
            .saturating_add(slack_ms)
            .div_euclid(1000);
        let window = vec![
            ("created[gte]".to_string(), from.to_string()),
            ("created[lte]".to_string(), to.to_string()),
        ];
        let mut pages = Pages::<PaymentIntent>::new(self, "v1/payment_intents", window);
        while let Some(page) = pages.next().await? {
            if let Some(found) = page.into_iter().find(|pi| pi.sale_id() == Some(sale_id.as_str())) {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }
}

#[async_trait::async_trait]
impl Gateway for StripeGateway {
    /// Validates the key against the gateway (`GET /v1/balance`).
    async fn check_key(&self) -> Result<KeyCheck, GatewayError> {
        let shape = key_kind(self.key.expose_secret()).ok_or(GatewayError::KeyRejected)?;
        self.call::<IgnoredAny>(reqwest::Method::GET, "v1/balance", &[], None)
            .await?;
        Ok(shape)
    }

    /// The account's card readers (`GET /v1/terminal/readers`).
    async fn list_readers(&self) -> Result<Vec<ReaderInfo>, GatewayError> {
        let q = vec![("limit".to_string(), "100".to_string())];
        let list: List<Reader> = self.call(reqwest::Method::GET, "v1/terminal/readers", &q, None).await?;
        let data = list.data.ok_or(GatewayError::MalformedResponse)?;
        Ok(data
            .into_iter()
            .filter_map(|r| {
                Some(ReaderInfo {
                    id: r.id?,
                    label: r.label.unwrap_or_default(),
                    status: r.status.unwrap_or_else(|| "offline".into()),
                })
            })
            .collect())
    }

    fn kind(&self) -> GatewayKind {
        GatewayKind::Stripe
    }

    async fn charge(
        &self,
        request: &ChargeRequest,
        cancel: tokio_util::sync::CancellationToken,
    ) -> Result<ChargeOutcome, GatewayError> {
        let payment_method = match &request.source {
            PaymentSource::PaymentMethod { id } => id.clone(),
            PaymentSource::Reader { reader_id, .. } => return self.charge_on_reader(request, reader_id, cancel).await,
        };
        let mut form = Self::intent_form(request);
        if request.phone_order {
            form.push(("metadata[order]".into(), "phone".into()));
            if self.compat.moto {
                form.push(("payment_method_options[card][moto]".into(), "true".into()));
            }
        }
        form.extend([
            ("payment_method".to_string(), payment_method),
            ("payment_method_types[]".into(), "card".into()),
            ("confirm".into(), "true".into()),
            ("expand[]".into(), "latest_charge".into()),
        ]);
        let call = self.call::<PaymentIntent>(
            reqwest::Method::POST,
            "v1/payment_intents",
            &form,
            Some(request.idempotency_key.as_str()),
        );
        // A keyed charge cannot be taken back once sent: cancelling only
        // stops the wait, which leaves the sale in doubt to be looked up.
        let result = tokio::select! {
            r = call => r,
            () = cancel.cancelled() => return Err(GatewayError::OutcomeUnknown),
        };
        match result {
            Ok(pi) => self.outcome_of(&pi).await?.ok_or(GatewayError::ProcessingError),
            Err(GatewayError::Declined { reason, payment_intent }) => Ok(ChargeOutcome::Declined {
                gateway_ref: payment_intent.map(GatewayRef),
                reason,
                card: None,
            }),
            Err(e) => Err(e),
        }
    }

    fn in_flight_window(&self) -> std::time::Duration {
        self.cfg.worst_case_span()
    }

    async fn find_charge(&self, request: &ChargeRequest) -> Result<Option<ChargeOutcome>, GatewayError> {
        let Some(pi) = self.find_by_sale(request).await? else {
            return Ok(None);
        };
        if let Some(outcome) = self.outcome_of(&pi).await? {
            return Ok(Some(outcome));
        }
        let id = pi.gateway_ref()?;
        if pi.is_reader_payment() {
            // A reader wait cut short (a crash). The reader may still be
            // prompting for it: stop our action there, then cancel the
            // PaymentIntent; its answer decides (a tap that landed first is
            // found, not recorded as cancelled).
            if let PaymentSource::Reader { reader_id, .. } = &request.source {
                if let Some(reader) = path_id(reader_id) {
                    if let Err(e) = self.cancel_our_action(reader, &id).await {
                        tracing::warn!(error = %e, "the interrupted payment's reader action was not stopped");
                    }
                }
            }
            return match self.cancel_unconfirmed(&id).await? {
                Some(taken) => Ok(Some(taken)),
                None => Ok(Some(ChargeOutcome::Cancelled)),
            };
        }
        // Created, never confirmed. Something could still confirm it while
        // its window lasts; after that it is cancelled so nothing ever can,
        // and the sale is not charged.
        let created_ms = pi.created_ms().unwrap_or(0);
        let open_for = self.in_flight_window() + self.reader_wait;
        let settled_by = created_ms.saturating_add(i64::try_from(open_for.as_millis()).unwrap_or(i64::MAX));
        if crate::clock::now_ms() < settled_by {
            return Err(GatewayError::OutcomeUnknown);
        }
        match self.cancel_unconfirmed(&id).await? {
            Some(taken) => Ok(Some(taken)),
            None => Ok(None),
        }
    }

    async fn refund(&self, request: &RefundRequest) -> Result<RefundOutcome, GatewayError> {
        let mut form = vec![
            ("payment_intent".to_string(), request.charge.0.clone()),
            ("amount".into(), request.money.amount.get().to_string()),
            ("metadata[refund_id]".into(), request.refund_id.clone()),
            ("metadata[sale_id]".into(), request.sale_id.to_string()),
            ("metadata[reason]".into(), request.reason.code().into()),
        ];
        attribute(&mut form, &request.by);
        if !self.compat.omit_refund_reason {
            form.push(("reason".into(), request.reason.code().into()));
        }
        if let Some(a) = &request.audit_anchor {
            form.push(("metadata[audit_head]".into(), a.clone()));
        }
        let r: Refund = self
            .call(
                reqwest::Method::POST,
                "v1/refunds",
                &form,
                Some(request.idempotency_key.as_str()),
            )
            .await?;
        acted_on(r.outcome())
    }

    async fn capture(&self, op: &PaymentOp) -> Result<MinorUnits, GatewayError> {
        let form = vec![("amount_to_capture".to_string(), op.money.amount.get().to_string())];
        let path = Self::payment_path(&op.payment, "/capture")?;
        let mut form = [form, vec![("expand[]".to_string(), "latest_charge".to_string())]].concat();
        // Stripe merges capture's `metadata` into the PaymentIntent's.
        if let Some(a) = &op.audit_anchor {
            form.push(("metadata[audit_head]".into(), a.clone()));
        }
        let pi: PaymentIntent = self
            .call(reqwest::Method::POST, &path, &form, Some(op.idempotency_key.as_str()))
            .await?;
        match acted_on(pi.state())? {
            PaymentState::Captured { amount } => Ok(amount),
            _ => Err(GatewayError::OutcomeUnknown),
        }
    }

    async fn void(&self, op: &PaymentOp) -> Result<(), GatewayError> {
        let path = Self::payment_path(&op.payment, "/cancel")?;
        let pi: PaymentIntent = self
            .call(reqwest::Method::POST, &path, &[], Some(op.idempotency_key.as_str()))
            .await?;
        match acted_on(pi.state())? {
            PaymentState::Voided => Ok(()),
            _ => Err(GatewayError::OutcomeUnknown),
        }
    }

    async fn payment_state(&self, payment: &GatewayRef) -> Result<PaymentState, GatewayError> {
        let pi: PaymentIntent = self
            .call(reqwest::Method::GET, &Self::payment_path(payment, "")?, &[], None)
            .await?;
        pi.state()
    }

    /// `GET /v1/payment_intents?created[gte]=…&created[lt]=…`, every page,
    /// then `GET /v1/refunds?payment_intent=…` for each payment that took
    /// money.
    async fn list_payments(&self, since_ms: i64, until_ms: i64) -> Result<Vec<ListedPayment>, GatewayError> {
        let mut listed = Vec::new();
        let window = vec![
            ("created[gte]".to_string(), since_ms.div_euclid(1000).to_string()),
            ("created[lt]".into(), (until_ms + 999).div_euclid(1000).to_string()),
        ];
        let mut pages = Pages::<PaymentIntent>::new(self, "v1/payment_intents", window);
        while let Some(page) = pages.next().await? {
            for pi in &page {
                let created_ms = pi.created_ms().ok_or(GatewayError::MalformedResponse)?;
                let money = pi.money()?;
                let state = pi.state()?;
                let gateway_ref = pi.gateway_ref()?;
                let refunds = match state {
                    PaymentState::Captured { .. } => self.list_refunds(&gateway_ref).await?,
                    _ => Vec::new(),
                };
                listed.push(ListedPayment {
                    sale_id: pi.sale_id().map(String::from),
                    terminal_id: pi.terminal_id().map(String::from),
                    money,
                    state,
                    created_ms,
                    card: self.card_for(pi).await,
                    refunds,
                    gateway_ref,
                });
            }
        }
        Ok(listed)
    }

    async fn ledger(&self, since_ms: i64, until_ms: i64) -> Result<super::ledger::Ledger, GatewayError> {
        self.read_ledger(since_ms, until_ms).await
    }

    fn test_mode(&self) -> bool {
        self.test_mode
    }

    /// `POST /v1/payment_intents/{id}` with `receipt_email`: Stripe emails
    /// its receipt for the charge. Updating the same field is idempotent.
    async fn email_receipt(&self, payment: &GatewayRef, email: &str) -> Result<(), GatewayError> {
        let form = vec![("receipt_email".to_string(), email.to_string())];
        self.call::<IgnoredAny>(reqwest::Method::POST, &Self::payment_path(payment, "")?, &form, None)
            .await
            .map(|_| ())
    }

    async fn health(&self) -> Result<(), GatewayError> {
        self.call::<IgnoredAny>(reqwest::Method::GET, "v1/balance", &[], None)
            .await
            .map(|_| ())
    }

    /// `GET /v1/payment_intents?limit=100` (Stripe lists newest first):
    /// the `audit_head` of each of this terminal's PaymentIntents on that
    /// one page. One page is enough: only the newest anchors matter.
    async fn recent_anchors(&self, terminal_id: &str) -> Result<Vec<(i64, String)>, GatewayError> {
        let q = vec![("limit".to_string(), "100".to_string())];
        let list: List<PaymentIntent> = self.call(reqwest::Method::GET, "v1/payment_intents", &q, None).await?;
        let data = list.data.ok_or(GatewayError::MalformedResponse)?;
        Ok(data
            .iter()
            .filter(|pi| pi.terminal_id() == Some(terminal_id))
            .filter_map(|pi| Some((pi.created_ms()?, pi.audit_head()?.chars().take(100).collect())))
            .collect())
    }

    async fn find_refund(&self, request: &RefundRequest) -> Result<Option<RefundOutcome>, GatewayError> {
        let mut pages = Pages::<Refund>::new(
            self,
            "v1/refunds",
            vec![("payment_intent".to_string(), request.charge.0.clone())],
        );
        while let Some(page) = pages.next().await? {
            if let Some(r) = page.iter().find(|r| r.refund_id() == Some(request.refund_id.as_str())) {
                return r.outcome().map(Some);
            }
        }
        Ok(None)
    }
}

impl StripeGateway {
    fn payment_path(payment: &GatewayRef, action: &str) -> Result<String, GatewayError> {
        let id = path_id(&payment.0).ok_or(GatewayError::InvalidRequest)?;
        Ok(format!("v1/payment_intents/{id}{action}"))
    }
}

/// How far the terminal's clock may have been from the gateway's when an
/// interrupted charge is looked up by its creation time. A till's clock
/// can be hours off (set to local time instead of UTC, a lost battery)
/// while TLS still works; a payment outside the window would read as "not
/// charged". A day and two hours covers every time zone either way; the
/// cost is more pages to read in a rare lookup.
const LOOKUP_CLOCK_SLACK: std::time::Duration = std::time::Duration::from_secs(26 * 3600);

#[cfg(test)]
mod tests;
