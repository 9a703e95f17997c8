//! Stripe over HTTPS.
//!
//! Covers what the counter needs: PaymentIntents (create + confirm for a
//! tokenised card, retrieve, list by created range with pagination, find by
//! the sale id in metadata), Refunds (create, list by PaymentIntent), PaymentMethods (retrieve, for brand and
//! last 4 when the charge does not carry them) and a key check (balance).
//!
//! Responses are read leniently where Stripe documents variation
//! (`latest_charge` may be an id or an expanded object; unknown fields are
//! ignored) and strictly where money is concerned (amount, currency and
//! status must be present and well-formed, or the answer is not trusted).
//! Raw bodies never leave this module: failures become [`GatewayError`]s.

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::http::{build_client, send_with_retries, Attempt, HttpConfig, HttpSetupError, Sent};
use super::{
    CardReceipt, CardSummary, CardholderVerification, ChargeOutcome, ChargeRequest, DeclineReason, EntryMode, Gateway,
    GatewayError, GatewayKind, GatewayRef, KeyCheck, ListedPayment, ListedRefund, PaymentOp, PaymentSource,
    PaymentState, ReaderInfo, RefundOutcome, RefundRequest, RiskSignals,
};
use crate::money::{Currency, MinorUnits, Money};

/// Differences of Stripe-compatible servers the client must tolerate.
#[derive(Debug, Clone, Copy, Default)]
pub struct StripeCompat {
    /// Some Stripe-compatible test servers reject `reason` on refunds; the
    /// reason is then sent in metadata only (it is always kept locally).
    pub omit_refund_reason: bool,
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

/// The reader wait's first read comes after this; each later one 1.5 times
/// later, up to [`READER_POLL_MAX`]. A till waiting a minute makes about 33
/// reads instead of 150 at a fixed 400 ms (see the README for how many
/// tills one account supports).
const READER_POLL_FIRST: std::time::Duration = std::time::Duration::from_millis(500);
const READER_POLL_MAX: std::time::Duration = std::time::Duration::from_secs(2);
/// After a failed read (a 429 among them) reads slow down to this.
const READER_POLL_ERROR_MAX: std::time::Duration = std::time::Duration::from_secs(8);
/// Reads of the PaymentIntent before a reader payment is left in doubt.
const READER_SETTLE_READS: usize = 6;

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

impl StripeGateway {
    pub fn new(cfg: HttpConfig, key: SecretString, compat: StripeCompat) -> Result<Self, HttpSetupError> {
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
            ("metadata[terminal_id]".into(), request.terminal_id.clone()),
        ];
        if let Some(a) = &request.audit_anchor {
            form.push(("metadata[audit_head]".into(), a.clone()));
        }
        form
    }

    /// A card-present charge, server-driven: create the PaymentIntent, hand
    /// it to the reader (`process_payment_intent`), then watch the reader's
    /// action until the card is read, the wait runs out, or the cashier
    /// cancels (`cancel_action`).
    ///
    /// The promise is the keyed path's: a customer who tapped is never
    /// recorded as not charged. "Not charged" is returned only once the
    /// PaymentIntent is cancelled at the gateway (so no reader can confirm
    /// it later), or when the reader refused the payment outright; anything
    /// the terminal could not see (a reader timeout, lost reads) keeps it
    /// watching, and what it still cannot settle is `OutcomeUnknown`.
    async fn charge_on_reader(
        &self,
        request: &ChargeRequest,
        reader: &str,
        cancel: tokio_util::sync::CancellationToken,
    ) -> Result<ChargeOutcome, GatewayError> {
        let reader = path_id(reader).ok_or(GatewayError::ReaderOffline)?;
        let key = request.idempotency_key.as_str();
        let mut form = Self::intent_form(request);
        form.push(("payment_method_types[]".into(), "card_present".into()));
        let pi = self
            .call(reqwest::Method::POST, "v1/payment_intents", &form, Some(key))
            .await?;
        let pi = GatewayRef(pi["id"].as_str().ok_or(GatewayError::MalformedResponse)?.to_string());
        let hand_off = vec![("payment_intent".to_string(), pi.0.clone())];
        let process_key = format!("{key}-process");
        match self
            .call(
                reqwest::Method::POST,
                &format!("v1/terminal/readers/{reader}/process_payment_intent"),
                &hand_off,
                Some(&process_key),
            )
            .await
        {
            Ok(state) => {
                // The test helper exists for simulated readers only; a
                // physical reader in test mode waits for a real card.
                let simulated = state["device_type"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("simulated_"));
                if self.test_mode && simulated {
                    let tap = format!("v1/test_helpers/terminal/readers/{reader}/present_payment_method");
                    if let Err(e) = self
                        .call(reqwest::Method::POST, &tap, &[], Some(&format!("{key}-present")))
                        .await
                    {
                        // The wait below still settles the payment.
                        tracing::warn!(error = %e, "the simulated reader was not presented a card");
                    }
                }
            }
            // The reader may have received it: watch it like any other.
            Err(GatewayError::OutcomeUnknown) => {}
            // Refused before the reader had it (offline, busy with another
            // payment, refused): cancel the PaymentIntent, then report.
            Err(refused) => {
                return match self.cancel_unconfirmed(&pi).await {
                    Ok(None) => Err(refused),
                    Ok(Some(taken)) => Ok(taken),
                    Err(e) => {
                        // Not handed to any reader, so nothing can confirm it.
                        tracing::warn!(error = %e, "an unused reader PaymentIntent could not be cancelled");
                        Err(refused)
                    }
                };
            }
        }
        self.watch_reader(reader, &pi, cancel).await
    }

    /// Watches the reader until our action ends, the wait runs out or the
    /// cashier cancels. Reads back off (quick at first, when most taps come,
    /// then every [`READER_POLL_MAX`]) and a failed read only slows them:
    /// the reader does not depend on the terminal seeing it.
    async fn watch_reader(
        &self,
        reader: &str,
        pi: &GatewayRef,
        cancel: tokio_util::sync::CancellationToken,
    ) -> Result<ChargeOutcome, GatewayError> {
        let path = format!("v1/terminal/readers/{reader}");
        let deadline = tokio::time::Instant::now() + self.reader_wait;
        let mut poll = READER_POLL_FIRST;
        let mut seen_ours = false;
        loop {
            let read = tokio::select! {
                () = cancel.cancelled() => return self.stop_reader(reader, pi).await,
                r = async {
                    tokio::time::sleep(poll).await;
                    self.call(reqwest::Method::GET, &path, &[], None).await
                } => r,
            };
            match read {
                Err(e) => {
                    tracing::warn!(error = %e, "reading the reader failed; still waiting");
                    poll = (poll * 2).min(READER_POLL_ERROR_MAX);
                }
                Ok(state) => {
                    poll = (poll * 3 / 2).min(READER_POLL_MAX);
                    let action = &state["action"];
                    if action_is_for(action, pi) {
                        seen_ours = true;
                        match action["status"].as_str() {
                            Some("succeeded") => return self.settled_payment(pi).await,
                            Some("failed") => return self.after_reader_failure(pi, action).await,
                            _ => {}
                        }
                    } else if action.is_object() {
                        // The reader serves another payment (another till's):
                        // ours is not on it any more, or never reached it.
                        // Never touch the other one.
                        return self.leave_reader(pi, GatewayError::ReaderBusy).await;
                    } else if seen_ours {
                        // Our action is gone from the reader: the payment says
                        // what became of it.
                        if let Some(taken) = self.outcome_of(&self.read_payment(pi).await?).await? {
                            return Ok(taken);
                        }
                    }
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return match self.stop_reader(reader, pi).await? {
                    ChargeOutcome::Cancelled => Err(GatewayError::ReaderTimeout),
                    taken => Ok(taken),
                };
            }
        }
    }

    /// The reader finished our action: the PaymentIntent holds the result.
    async fn settled_payment(&self, pi: &GatewayRef) -> Result<ChargeOutcome, GatewayError> {
        match self.outcome_of(&self.read_payment(pi).await?).await? {
            Some(taken) => Ok(taken),
            // Succeeded on the reader yet unconfirmed at the gateway: not
            // something to call "not charged".
            None => Err(GatewayError::OutcomeUnknown),
        }
    }

    /// The reader's action failed. A decline leaves its reason on the
    /// PaymentIntent; a failure on the reader itself (the customer cancelled
    /// there) does not, and leaves the PaymentIntent open, so it is
    /// cancelled here and its answer decides.
    async fn after_reader_failure(&self, pi: &GatewayRef, action: &Value) -> Result<ChargeOutcome, GatewayError> {
        if let Some(taken) = self.outcome_of(&self.read_payment(pi).await?).await? {
            return Ok(taken);
        }
        let failure = action["failure_code"].as_str().unwrap_or("");
        match self
            .cancel_unconfirmed(pi)
            .await
            .map_err(|_| GatewayError::OutcomeUnknown)?
        {
            Some(taken) => Ok(taken),
            None if failure == "customer_canceled" => Ok(ChargeOutcome::Cancelled),
            None => Err(GatewayError::ProcessingError),
        }
    }

    /// Our payment is no longer on the reader: settle it without touching
    /// the reader. Taken → the outcome; otherwise cancelled, then `why`.
    async fn leave_reader(&self, pi: &GatewayRef, why: GatewayError) -> Result<ChargeOutcome, GatewayError> {
        if let Some(taken) = self.outcome_of(&self.read_payment(pi).await?).await? {
            return Ok(taken);
        }
        match self
            .cancel_unconfirmed(pi)
            .await
            .map_err(|_| GatewayError::OutcomeUnknown)?
        {
            Some(taken) => Ok(taken),
            None => Err(why),
        }
    }

    /// Stops our action on the reader (only ours: a reader shared by tills
    /// may be serving another payment), then settles the PaymentIntent: a
    /// card read before the stop wins; otherwise the PaymentIntent is
    /// cancelled and its answer checked, so a tap landing during the stop
    /// is found, not recorded as cancelled. A refused or failed
    /// `cancel_action` leaves the reader prompting, but the cancelled
    /// PaymentIntent can no longer be confirmed by it.
    async fn stop_reader(&self, reader: &str, pi: &GatewayRef) -> Result<ChargeOutcome, GatewayError> {
        if let Err(e) = self.cancel_our_action(reader, pi).await {
            tracing::warn!(error = %e, "the reader's action was not stopped; cancelling the payment");
        }
        if let Some(taken) = self.outcome_of(&self.read_payment(pi).await?).await? {
            return Ok(taken);
        }
        match self
            .cancel_unconfirmed(pi)
            .await
            .map_err(|_| GatewayError::OutcomeUnknown)?
        {
            Some(taken) => Ok(taken),
            None => Ok(ChargeOutcome::Cancelled),
        }
    }

    /// `cancel_action`, sent only while the reader's action is ours and in
    /// progress. `Ok(true)`: stopped; `Ok(false)`: nothing of ours to stop.
    async fn cancel_our_action(&self, reader: &str, pi: &GatewayRef) -> Result<bool, GatewayError> {
        let path = format!("v1/terminal/readers/{reader}");
        let state = self.call(reqwest::Method::GET, &path, &[], None).await?;
        let action = &state["action"];
        if !action_is_for(action, pi) || action["status"].as_str() != Some("in_progress") {
            return Ok(false);
        }
        // A fresh key per stop: a replayed refusal must not stand in for a
        // later attempt (retries of this one request reuse it).
        let stop_key = format!("{}-stop-{}", pi.0, uuid::Uuid::new_v4());
        self.call(
            reqwest::Method::POST,
            &format!("{path}/cancel_action"),
            &[],
            Some(&stop_key),
        )
        .await?;
        Ok(true)
    }

    /// Reads the PaymentIntent (with its charge) for a settling decision,
    /// riding out brief losses and the moment a tapped card is
    /// `processing`. What cannot be read is in doubt, never "not charged".
    async fn read_payment(&self, pi: &GatewayRef) -> Result<Value, GatewayError> {
        let path = Self::payment_path(pi, "")?;
        let q = [("expand[]".to_string(), "latest_charge".to_string())];
        let mut pause = READER_POLL_FIRST;
        for _ in 0..READER_SETTLE_READS {
            match self.call(reqwest::Method::GET, &path, &q, None).await {
                Ok(found) if found["status"].as_str() != Some("processing") => return Ok(found),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reading the reader's payment failed; trying again"),
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(READER_POLL_ERROR_MAX);
        }
        Err(GatewayError::OutcomeUnknown)
    }

    /// Cancels a PaymentIntent nobody confirmed, and checks the answer:
    /// `Ok(None)` once it is cancelled; `Ok(Some(_))` when the cancel was
    /// refused because a card was taken after all (succeeded, awaiting
    /// capture); an error when neither can be established.
    async fn cancel_unconfirmed(&self, pi: &GatewayRef) -> Result<Option<ChargeOutcome>, GatewayError> {
        let cancel_key = format!("{}-cancel", pi.0);
        let answer = self
            .call(
                reqwest::Method::POST,
                &Self::payment_path(pi, "/cancel")?,
                &[],
                Some(&cancel_key),
            )
            .await;
        let now = match answer {
            Ok(pi) if pi["status"].as_str() == Some("canceled") => return Ok(None),
            // Refused (already succeeded, processing, …) or unanswered: the
            // PaymentIntent says which.
            _ => self.read_payment(pi).await?,
        };
        if now["status"].as_str() == Some("canceled") {
            return Ok(None);
        }
        match self.outcome_of(&now).await? {
            Some(taken) => Ok(Some(taken)),
            None => Err(GatewayError::OutcomeUnknown),
        }
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, GatewayError> {
        self.base.join(path).map_err(|_| GatewayError::InvalidRequest)
    }

    /// One logical call with retries; `idempotency` is required for POSTs.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        form: &[(String, String)],
        idempotency: Option<&str>,
    ) -> Result<Value, GatewayError> {
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

    async fn card_for(&self, pi: &Value) -> Option<CardSummary> {
        let charge = &pi["latest_charge"];
        if let Some(card) = card_summary(&charge["payment_method_details"]["card"]) {
            return Some(card);
        }
        if let Some(card) = card_summary(&charge["payment_method_details"]["card_present"]) {
            return Some(card);
        }
        let pm = pi["payment_method"]
            .as_str()
            .or_else(|| pi["payment_method"]["id"].as_str())?;
        let pm = self
            .call(
                reqwest::Method::GET,
                &format!("v1/payment_methods/{}", path_id(pm)?),
                &[],
                None,
            )
            .await
            .ok()?;
        card_summary(&pm["card"])
    }

    async fn outcome_of(&self, pi: &Value) -> Result<Option<ChargeOutcome>, GatewayError> {
        let id = pi["id"].as_str().ok_or(GatewayError::MalformedResponse)?;
        let gateway_ref = GatewayRef(id.to_string());
        strict_money(pi)?;
        match pi["status"].as_str() {
            Some("succeeded") => Ok(Some(ChargeOutcome::Approved {
                card: self.card_for(pi).await.ok_or(GatewayError::MalformedResponse)?,
                risk: risk_signals(&pi["latest_charge"]),
                gateway_ref,
            })),
            Some("requires_payment_method") | Some("canceled") if !pi["last_payment_error"].is_null() => {
                let reason = decline_reason(&pi["last_payment_error"]);
                Ok(Some(ChargeOutcome::Declined {
                    gateway_ref: Some(gateway_ref),
                    reason,
                    card: self.card_for(pi).await,
                }))
            }
            Some("requires_capture") => Ok(Some(ChargeOutcome::Authorized {
                card: self.card_for(pi).await.ok_or(GatewayError::MalformedResponse)?,
                risk: risk_signals(&pi["latest_charge"]),
                capture_before_ms: capture_before_ms(&pi["latest_charge"]),
                gateway_ref,
            })),
            Some("requires_action") => Err(GatewayError::AuthenticationRequired),
            Some("processing") => Err(GatewayError::OutcomeUnknown),
            // Created but never confirmed, or cancelled before any attempt:
            // no money moved.
            Some(_) => Ok(None),
            None => Err(GatewayError::MalformedResponse),
        }
    }

    /// Every refund of one PaymentIntent (`GET /v1/refunds?payment_intent=`).
    async fn list_refunds(&self, payment: &GatewayRef) -> Result<Vec<ListedRefund>, GatewayError> {
        let mut refunds = Vec::new();
        let mut pages = self.pages("v1/refunds", vec![("payment_intent".to_string(), payment.0.clone())]);
        while let Some(page) = pages.next().await? {
            for r in &page {
                refunds.push(listed_refund(r)?);
            }
        }
        Ok(refunds)
    }

    /// Finds the PaymentIntent whose metadata names the sale, among those
    /// created around the time the sale was journaled (every page of that
    /// window: on a busy account the sale may be far from the newest).
    /// Search is eventually consistent and not on every server, so the list
    /// is read instead.
    async fn find_by_sale(&self, request: &ChargeRequest) -> Result<Option<Value>, GatewayError> {
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
        let mut pages = self.pages("v1/payment_intents", window);
        while let Some(page) = pages.next().await? {
            if let Some(found) = page
                .into_iter()
                .find(|pi| pi["metadata"]["sale_id"].as_str() == Some(sale_id.as_str()))
            {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    fn pages<'a>(&'a self, path: &'a str, filter: Vec<(String, String)>) -> Pages<'a> {
        Pages {
            gateway: self,
            path,
            filter,
            after: None,
            read: 0,
            done: false,
        }
    }
}

#[async_trait::async_trait]
impl Gateway for StripeGateway {
    /// Validates the key against the gateway (`GET /v1/balance`).
    async fn check_key(&self) -> Result<KeyCheck, GatewayError> {
        let shape = key_kind(self.key.expose_secret()).ok_or(GatewayError::KeyRejected)?;
        self.call(reqwest::Method::GET, "v1/balance", &[], None).await?;
        Ok(shape)
    }

    /// The account's card readers (`GET /v1/terminal/readers`).
    async fn list_readers(&self) -> Result<Vec<ReaderInfo>, GatewayError> {
        let q = vec![("limit".to_string(), "100".to_string())];
        let list = self.call(reqwest::Method::GET, "v1/terminal/readers", &q, None).await?;
        let data = list["data"].as_array().ok_or(GatewayError::MalformedResponse)?;
        Ok(data
            .iter()
            .filter_map(|r| {
                Some(ReaderInfo {
                    id: r["id"].as_str()?.to_string(),
                    label: r["label"].as_str().unwrap_or("").to_string(),
                    status: r["status"].as_str().unwrap_or("offline").to_string(),
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
        form.extend([
            ("payment_method".to_string(), payment_method),
            ("payment_method_types[]".into(), "card".into()),
            ("confirm".into(), "true".into()),
            ("expand[]".into(), "latest_charge".into()),
        ]);
        let call = self.call(
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
        // Every attempt (first + retries) may still be processed up to one
        // request timeout after it was sent, plus one more for the gateway's
        // own processing.
        let attempts = u32::try_from(self.cfg.max_retries)
            .unwrap_or(u32::MAX)
            .saturating_add(2);
        self.cfg.request_timeout.saturating_mul(attempts) + self.cfg.max_backoff
    }

    async fn find_charge(&self, request: &ChargeRequest) -> Result<Option<ChargeOutcome>, GatewayError> {
        let Some(pi) = self.find_by_sale(request).await? else {
            return Ok(None);
        };
        if let Some(outcome) = self.outcome_of(&pi).await? {
            return Ok(Some(outcome));
        }
        let id = GatewayRef(pi["id"].as_str().ok_or(GatewayError::MalformedResponse)?.to_string());
        if is_reader_payment(&pi) {
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
        let created_ms = pi["created"].as_i64().unwrap_or(0).saturating_mul(1000);
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
        if !self.compat.omit_refund_reason {
            form.push(("reason".into(), request.reason.code().into()));
        }
        if let Some(a) = &request.audit_anchor {
            form.push(("metadata[audit_head]".into(), a.clone()));
        }
        let r = self
            .call(
                reqwest::Method::POST,
                "v1/refunds",
                &form,
                Some(request.idempotency_key.as_str()),
            )
            .await?;
        refund_outcome(&r)
    }

    async fn capture(&self, op: &PaymentOp) -> Result<MinorUnits, GatewayError> {
        let form = vec![("amount_to_capture".to_string(), op.money.amount.get().to_string())];
        let path = Self::payment_path(&op.payment, "/capture")?;
        let mut form = [form, vec![("expand[]".to_string(), "latest_charge".to_string())]].concat();
        // Stripe merges capture's `metadata` into the PaymentIntent's.
        if let Some(a) = &op.audit_anchor {
            form.push(("metadata[audit_head]".into(), a.clone()));
        }
        let pi = self
            .call(reqwest::Method::POST, &path, &form, Some(op.idempotency_key.as_str()))
            .await?;
        match payment_state(&pi)? {
            PaymentState::Captured { amount } => Ok(amount),
            _ => Err(GatewayError::MalformedResponse),
        }
    }

    async fn void(&self, op: &PaymentOp) -> Result<(), GatewayError> {
        let path = Self::payment_path(&op.payment, "/cancel")?;
        let pi = self
            .call(reqwest::Method::POST, &path, &[], Some(op.idempotency_key.as_str()))
            .await?;
        match payment_state(&pi)? {
            PaymentState::Voided => Ok(()),
            _ => Err(GatewayError::MalformedResponse),
        }
    }

    async fn payment_state(&self, payment: &GatewayRef) -> Result<PaymentState, GatewayError> {
        let pi = self
            .call(reqwest::Method::GET, &Self::payment_path(payment, "")?, &[], None)
            .await?;
        payment_state(&pi)
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
        let mut pages = self.pages("v1/payment_intents", window);
        while let Some(page) = pages.next().await? {
            for pi in &page {
                let created_ms = pi["created"].as_i64().ok_or(GatewayError::MalformedResponse)? * 1000;
                let (amount, currency) = strict_money(pi)?;
                let state = payment_state(pi)?;
                let gateway_ref = GatewayRef(pi["id"].as_str().ok_or(GatewayError::MalformedResponse)?.into());
                let refunds = match state {
                    PaymentState::Captured { .. } => self.list_refunds(&gateway_ref).await?,
                    _ => Vec::new(),
                };
                listed.push(ListedPayment {
                    sale_id: pi["metadata"]["sale_id"].as_str().map(String::from),
                    terminal_id: pi["metadata"]["terminal_id"].as_str().map(String::from),
                    money: Money::new(amount, currency),
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

    fn test_mode(&self) -> bool {
        self.test_mode
    }

    /// `POST /v1/payment_intents/{id}` with `receipt_email`: Stripe emails
    /// its receipt for the charge. Updating the same field is idempotent.
    async fn email_receipt(&self, payment: &GatewayRef, email: &str) -> Result<(), GatewayError> {
        let form = vec![("receipt_email".to_string(), email.to_string())];
        self.call(reqwest::Method::POST, &Self::payment_path(payment, "")?, &form, None)
            .await
            .map(|_| ())
    }

    async fn health(&self) -> Result<(), GatewayError> {
        self.call(reqwest::Method::GET, "v1/balance", &[], None)
            .await
            .map(|_| ())
    }

    /// `GET /v1/payment_intents?limit=100` (Stripe lists newest first):
    /// the `audit_head` of each of this terminal's PaymentIntents on that
    /// one page. One page is enough: only the newest anchors matter.
    async fn recent_anchors(&self, terminal_id: &str) -> Result<Vec<(i64, String)>, GatewayError> {
        let q = vec![("limit".to_string(), "100".to_string())];
        let list = self.call(reqwest::Method::GET, "v1/payment_intents", &q, None).await?;
        let data = list["data"].as_array().ok_or(GatewayError::MalformedResponse)?;
        Ok(data
            .iter()
            .filter(|pi| pi["metadata"]["terminal_id"].as_str() == Some(terminal_id))
            .filter_map(|pi| {
                let head = pi["metadata"]["audit_head"].as_str()?;
                let created_ms = pi["created"].as_i64()?.saturating_mul(1000);
                Some((created_ms, head.chars().take(100).collect()))
            })
            .collect())
    }

    async fn find_refund(&self, request: &RefundRequest) -> Result<Option<RefundOutcome>, GatewayError> {
        let mut pages = self.pages(
            "v1/refunds",
            vec![("payment_intent".to_string(), request.charge.0.clone())],
        );
        while let Some(page) = pages.next().await? {
            if let Some(r) = page
                .iter()
                .find(|r| r["metadata"]["refund_id"].as_str() == Some(request.refund_id.as_str()))
            {
                return refund_outcome(r).map(Some);
            }
        }
        Ok(None)
    }
}

/// How far the terminal's clock may be from the gateway's when an
/// interrupted charge is looked up by its creation time.
const LOOKUP_CLOCK_SLACK: std::time::Duration = std::time::Duration::from_secs(3600);

/// Most pages one listing reads (100 items each: 50,000 PaymentIntents, far
/// beyond a shop's date range). A gateway that keeps answering `has_more`
/// is stopped here with [`GatewayError::ListTooLong`].
const MAX_PAGES: usize = 500;

/// One Stripe list, read page by page with `starting_after`.
struct Pages<'a> {
    gateway: &'a StripeGateway,
    path: &'a str,
    filter: Vec<(String, String)>,
    after: Option<String>,
    read: usize,
    done: bool,
}

impl Pages<'_> {
    async fn next(&mut self) -> Result<Option<Vec<Value>>, GatewayError> {
        if self.done {
            return Ok(None);
        }
        if self.read == MAX_PAGES {
            return Err(GatewayError::ListTooLong);
        }
        let mut q = self.filter.clone();
        q.push(("limit".into(), "100".into()));
        if let Some(after) = &self.after {
            q.push(("starting_after".into(), after.clone()));
        }
        let mut list = self.gateway.call(reqwest::Method::GET, self.path, &q, None).await?;
        let Value::Array(data) = list["data"].take() else {
            return Err(GatewayError::MalformedResponse);
        };
        self.read += 1;
        if list["has_more"].as_bool() == Some(true) {
            // A page that says "more" must say where it ended.
            let last = data
                .last()
                .and_then(|v| v["id"].as_str())
                .ok_or(GatewayError::MalformedResponse)?;
            self.after = Some(last.to_string());
        } else {
            self.done = true;
        }
        Ok(Some(data))
    }
}

impl StripeGateway {
    fn payment_path(payment: &GatewayRef, action: &str) -> Result<String, GatewayError> {
        let id = path_id(&payment.0).ok_or(GatewayError::InvalidRequest)?;
        Ok(format!("v1/payment_intents/{id}{action}"))
    }
}

fn listed_refund(r: &Value) -> Result<ListedRefund, GatewayError> {
    let (amount, currency) = strict_money(r)?;
    Ok(ListedRefund {
        gateway_ref: GatewayRef(r["id"].as_str().ok_or(GatewayError::MalformedResponse)?.into()),
        refund_id: r["metadata"]["refund_id"].as_str().map(String::from),
        money: Money::new(amount, currency),
        counts: matches!(
            refund_outcome(r)?,
            RefundOutcome::Succeeded { .. } | RefundOutcome::Pending { .. }
        ),
        created_ms: r["created"].as_i64().unwrap_or(0) * 1000,
    })
}

fn refund_outcome(r: &Value) -> Result<RefundOutcome, GatewayError> {
    let id = r["id"].as_str().ok_or(GatewayError::MalformedResponse)?;
    strict_money(r)?;
    Ok(match r["status"].as_str() {
        Some("succeeded") => RefundOutcome::Succeeded {
            gateway_ref: GatewayRef(id.into()),
        },
        Some("pending") | Some("requires_action") => RefundOutcome::Pending {
            gateway_ref: GatewayRef(id.into()),
        },
        Some("failed") | Some("canceled") => RefundOutcome::Failed {
            code: r["failure_reason"].as_str().unwrap_or("refund_failed").to_string(),
        },
        _ => return Err(GatewayError::MalformedResponse),
    })
}

fn payment_state(pi: &Value) -> Result<PaymentState, GatewayError> {
    let (authorised, _) = strict_money(pi)?;
    Ok(match pi["status"].as_str() {
        Some("requires_capture") => PaymentState::Authorized,
        // Strict: a capture is never negative nor more than was authorised.
        Some("succeeded") => PaymentState::Captured {
            amount: MinorUnits::new(
                captured_amount(pi)
                    .filter(|c| (0..=authorised.get()).contains(c))
                    .ok_or(GatewayError::MalformedResponse)?,
            ),
        },
        Some("canceled") => PaymentState::Voided,
        Some(_) => PaymentState::Other,
        None => return Err(GatewayError::MalformedResponse),
    })
}

/// What a succeeded PaymentIntent actually took. Stripe reports
/// `amount_received`; older and compatible servers only have the charge,
/// where a partial capture shows as the uncaptured rest being refunded.
fn captured_amount(pi: &Value) -> Option<i64> {
    if let Some(received) = pi["amount_received"].as_i64() {
        return Some(received);
    }
    let charge = &pi["latest_charge"];
    if let Some(captured) = charge["amount_captured"].as_i64() {
        return Some(captured);
    }
    match (charge["amount"].as_i64(), charge["amount_refunded"].as_i64()) {
        (Some(amount), Some(refunded)) => Some(amount - refunded),
        _ => pi["amount"].as_i64(),
    }
}

/// Amount and currency must be present and valid on anything about money.
fn strict_money(v: &Value) -> Result<(MinorUnits, Currency), GatewayError> {
    let amount = v["amount"]
        .as_i64()
        .filter(|a| *a >= 0)
        .ok_or(GatewayError::MalformedResponse)?;
    let currency = v["currency"]
        .as_str()
        .and_then(|c| c.parse::<Currency>().ok())
        .ok_or(GatewayError::MalformedResponse)?;
    Ok((MinorUnits::new(amount), currency))
}

/// Stripe's `outcome` and card `checks` on a charge (absent when the charge
/// is only an id, or on servers that do not report them).
fn risk_signals(charge: &Value) -> Option<RiskSignals> {
    let text = |v: &Value| {
        v.as_str()
            .map(|s| s.chars().filter(|c| !c.is_control()).take(200).collect::<String>())
    };
    let outcome = &charge["outcome"];
    let checks = if charge["payment_method_details"]["card"]["checks"].is_object() {
        &charge["payment_method_details"]["card"]["checks"]
    } else {
        &charge["payment_method_details"]["card_present"]["checks"]
    };
    let r = RiskSignals {
        network_status: text(&outcome["network_status"]),
        risk_level: text(&outcome["risk_level"]),
        seller_message: text(&outcome["seller_message"]),
        rule: text(&outcome["rule"]).or_else(|| text(&outcome["rule"]["id"])),
        cvc_check: text(&checks["cvc_check"]),
        postal_code_check: text(&checks["address_postal_code_check"]),
    };
    (r != RiskSignals::default()).then_some(r)
}

fn card_summary(card: &Value) -> Option<CardSummary> {
    let last4 = card["last4"].as_str()?;
    if last4.len() != 4 || !last4.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(CardSummary {
        receipt: Some(card_receipt(card)),
        brand: card["brand"].as_str().unwrap_or("card").chars().take(20).collect(),
        last4: last4.to_string(),
        exp_month: card["exp_month"]
            .as_u64()
            .and_then(|m| u8::try_from(m).ok())
            .unwrap_or(0),
        exp_year: card["exp_year"]
            .as_u64()
            .and_then(|y| u16::try_from(y).ok())
            .unwrap_or(0),
    })
}

/// The receipt fields of `payment_method_details.card_present` (a card read
/// on the reader: its `receipt` object and `read_method`) or of `.card` (a
/// keyed card: the authorisation code).
fn card_receipt(card: &Value) -> CardReceipt {
    let emv = &card["receipt"];
    if !card["read_method"].is_string() && !emv.is_object() {
        return CardReceipt {
            entry: Some(EntryMode::Keyed),
            authorization_code: receipt_field(&card["authorization_code"]),
            ..CardReceipt::default()
        };
    }
    CardReceipt {
        entry: card["read_method"].as_str().and_then(|m| match m {
            "contact_emv" => Some(EntryMode::Chip),
            "contactless_emv" => Some(EntryMode::Contactless),
            "contactless_magstripe_mode" => Some(EntryMode::ContactlessMagstripe),
            "magnetic_stripe_track2" => Some(EntryMode::Swipe),
            "magnetic_stripe_fallback" => Some(EntryMode::SwipeFallback),
            _ => None,
        }),
        application_name: receipt_field(&emv["application_preferred_name"]),
        aid: receipt_field(&emv["dedicated_file_name"]),
        account_type: receipt_field(&emv["account_type"]),
        authorization_code: receipt_field(&emv["authorization_code"]),
        authorization_response_code: receipt_field(&emv["authorization_response_code"]),
        verification: emv["cardholder_verification_method"].as_str().and_then(|m| match m {
            "online_pin" => Some(CardholderVerification::OnlinePin),
            "offline_pin" => Some(CardholderVerification::OfflinePin),
            "signature" => Some(CardholderVerification::Signature),
            "offline_pin_and_signature" => Some(CardholderVerification::OfflinePinAndSignature),
            "approval" => Some(CardholderVerification::Device),
            "none" => Some(CardholderVerification::None),
            "failure" => Some(CardholderVerification::Failed),
            _ => None,
        }),
    }
}

/// A receipt value from the gateway, kept only if it is short printable
/// ASCII and holds nothing card-like: it is printed as it is.
fn receipt_field(v: &Value) -> Option<String> {
    let text = v.as_str()?.trim();
    let printable = !text.is_empty() && text.len() <= 32 && text.chars().all(|c| c == ' ' || c.is_ascii_graphic());
    (printable && !crate::pan::contains_card_number(text)).then(|| text.to_string())
}

fn decline_reason(err: &Value) -> DeclineReason {
    match err["code"].as_str() {
        Some("expired_card") => DeclineReason::ExpiredCard,
        Some("incorrect_cvc") => DeclineReason::IncorrectCvc,
        _ => DeclineReason::from_code(err["decline_code"].as_str().unwrap_or("generic_decline")),
    }
}

/// The endpoint with ids replaced (`v1/payment_intents/{id}/capture`):
/// gateway ids are sealed at rest, so they stay out of the logs too.
fn endpoint_label(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            let is_id = seg.split_once('_').is_some_and(|(prefix, rest)| {
                prefix.len() <= 6 && rest.len() >= 8 && rest.chars().all(|c| c.is_ascii_alphanumeric())
            });
            if is_id {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A card-present authorisation's deadline (`capture_before`, Unix
/// seconds on the charge), in Unix ms; absent on charges without one.
fn capture_before_ms(charge: &Value) -> Option<i64> {
    charge["payment_method_details"]["card_present"]["capture_before"]
        .as_i64()
        .filter(|s| *s > 0)
        .map(|s| s.saturating_mul(1000))
}

/// Whether the reader's `action` is the processing of `pi` (Stripe sends the
/// PaymentIntent as an id, or as an object when expanded).
fn action_is_for(action: &Value, pi: &GatewayRef) -> bool {
    let target = &action["process_payment_intent"]["payment_intent"];
    action["type"].as_str() == Some("process_payment_intent")
        && target.as_str().or_else(|| target["id"].as_str()) == Some(pi.0.as_str())
}

/// Whether a PaymentIntent was made for a card reader.
fn is_reader_payment(pi: &Value) -> bool {
    pi["payment_method_types"]
        .as_array()
        .is_some_and(|t| t.iter().any(|t| t.as_str() == Some("card_present")))
}

/// Ids go into URL paths: only Stripe's id alphabet is accepted.
fn path_id(id: &str) -> Option<&str> {
    (!id.is_empty() && id.len() <= 255 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(id)
}

/// What a call came to. A mutation that may have been acted on ends only
/// on an answer about that request itself; anything else (a later 429, a
/// TLS failure, a 401, a lost answer) leaves it in doubt, to be looked up.
fn conclude(sent: Sent, mutation: bool) -> Result<Value, GatewayError> {
    if mutation && sent.may_have_landed && !sent.last.definite() {
        return Err(GatewayError::OutcomeUnknown);
    }
    match sent.last {
        Attempt::Answered { status, body, .. } => {
            let json: Value = serde_json::from_slice(&body.0).unwrap_or(Value::Null);
            if (200..300).contains(&status) {
                Ok(json)
            } else {
                Err(map_error(status, &json))
            }
        }
        Attempt::NotSent { tls: true } => Err(GatewayError::TlsFailure),
        Attempt::NotSent { tls: false } | Attempt::Lost => Err(GatewayError::Unreachable),
        Attempt::Oversized => Err(GatewayError::AnswerTooLarge),
    }
}

/// Maps an error answer to what the counter can act on.
fn map_error(status: u16, body: &Value) -> GatewayError {
    let err = &body["error"];
    let code = err["code"].as_str().unwrap_or("");
    match status {
        401 => GatewayError::KeyRejected,
        403 => GatewayError::PermissionMissing,
        402 => match code {
            "processing_error" => GatewayError::ProcessingError,
            "authentication_required" => GatewayError::AuthenticationRequired,
            _ => GatewayError::Declined {
                reason: decline_reason(err),
                payment_intent: err["payment_intent"]["id"].as_str().map(String::from),
            },
        },
        429 => GatewayError::RateLimited,
        404 => GatewayError::NotFound,
        400 if code == "terminal_reader_offline" => GatewayError::ReaderOffline,
        // The reader did not answer Stripe in time: it may still have
        // received the action, so whether a card is taken is not known.
        400 if code == "terminal_reader_timeout" => GatewayError::OutcomeUnknown,
        400 if code == "terminal_reader_busy" => GatewayError::ReaderBusy,
        // Only reached when no mutation may have landed (see `call`).
        s if s >= 500 || s == 409 => GatewayError::Unreachable,
        _ => GatewayError::InvalidRequest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::http::Body;
    use proptest::prelude::*;

    /// A PaymentIntent the issuer declined (Stripe leaves it waiting for
    /// another card, or cancelled, with the error) is a decline with its
    /// reason, wherever it is read: the charge's answer or a recovery's
    /// lookup. Without the error, no attempt was made: no money moved.
    #[tokio::test]
    async fn a_declined_payment_intent_is_a_decline_with_its_reason() {
        let gw = StripeGateway::new(
            HttpConfig::new("https://127.0.0.1:1"),
            SecretString::from("sk_test_x".to_string()),
            StripeCompat::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        for status in ["requires_payment_method", "canceled"] {
            let mut pi = serde_json::json!({
                "id": "pi_1", "amount": 1250, "currency": "usd", "status": status,
                "last_payment_error": {"code": "card_declined", "decline_code": "insufficient_funds"},
            });
            let outcome = gw.outcome_of(&pi).await;
            assert!(
                matches!(
                    &outcome,
                    Ok(Some(ChargeOutcome::Declined {
                        reason: DeclineReason::InsufficientFunds,
                        ..
                    }))
                ),
                "{status}: {outcome:?}"
            );
            pi["last_payment_error"] = Value::Null;
            assert!(
                matches!(gw.outcome_of(&pi).await, Ok(None)),
                "{status} without an attempt"
            );
        }
    }

    /// JSON shaped like a gateway answer, with anything in the fields that
    /// matter: numbers of every sign and size, strings, nulls, nesting.
    fn answer() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[a-z_]{0,12}".prop_map(Value::from),
            prop::sample::select(vec![
                "usd",
                "jpy",
                "succeeded",
                "requires_capture",
                "canceled",
                "pending"
            ])
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "id",
                        "amount",
                        "currency",
                        "status",
                        "latest_charge",
                        "amount_received",
                        "amount_captured",
                        "amount_refunded",
                        "metadata",
                        "created",
                        "outcome",
                    ]),
                    inner,
                ),
                0..8,
            )
            .prop_map(|fields| Value::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
        })
    }

    #[test]
    fn a_capture_outside_what_was_authorised_is_not_trusted() {
        for received in [-5, 101] {
            let pi = serde_json::json!({
                "id": "pi_1", "amount": 100, "currency": "usd", "status": "succeeded", "amount_received": received
            });
            assert_eq!(payment_state(&pi), Err(GatewayError::MalformedResponse), "{received}");
        }
        let pi = serde_json::json!({
            "id": "pi_1", "amount": 100, "currency": "usd", "status": "succeeded", "amount_received": 60
        });
        assert_eq!(
            payment_state(&pi),
            Ok(PaymentState::Captured {
                amount: MinorUnits::new(60)
            })
        );
    }

    proptest! {
        /// Whatever the gateway (or something pretending to be it) sends,
        /// parsing gives a typed answer or `MalformedResponse`, never a
        /// panic, and never a negative amount.
        #[test]
        fn any_answer_parses_or_is_refused(v in answer()) {
            if let Ok(PaymentState::Captured { amount }) = payment_state(&v) {
                prop_assert!(
                    amount.get() >= 0 && Some(amount.get()) <= v["amount"].as_i64(),
                    "a capture outside the authorisation was trusted: {v}"
                );
            }
            let _ = refund_outcome(&v);
            let _ = listed_refund(&v);
            let _ = risk_signals(&v);
            let _ = card_summary(&v);
            let _ = decline_reason(&v);
            let _ = map_error(402, &v);
            if let Ok((amount, _)) = strict_money(&v) {
                prop_assert!(amount.get() >= 0);
            }
        }
    }

    #[test]
    fn key_shapes_and_masking() {
        // Built at run time: no string in the source looks like a live key.
        let live_restricted = format!("rk_{}_abcdefgh1234", "live");
        assert_eq!(
            key_kind(&live_restricted),
            Some(KeyCheck {
                restricted: true,
                live: true
            })
        );
        assert_eq!(
            key_kind("sk_test_abcdefgh1234"),
            Some(KeyCheck {
                restricted: false,
                live: false
            })
        );
        assert_eq!(key_kind("pk_live_abcdefgh1234"), None, "publishable keys cannot charge");
        assert_eq!(key_kind("sk_live_short"), None);
        assert_eq!(key_kind("sk_live_abc def ghij"), None);
        assert_eq!(mask_key(&live_restricted), format!("rk_{}_…1234", "live"));
    }

    #[test]
    fn errors_map_to_what_a_cashier_can_do() {
        let decline = serde_json::json!({"error": {"type": "card_error", "code": "card_declined",
            "decline_code": "insufficient_funds", "payment_intent": {"id": "pi_1"}}});
        assert_eq!(
            map_error(402, &decline),
            GatewayError::Declined {
                reason: DeclineReason::InsufficientFunds,
                payment_intent: Some("pi_1".into())
            }
        );
        let expired = serde_json::json!({"error": {"type": "card_error", "code": "expired_card"}});
        assert!(matches!(
            map_error(402, &expired),
            GatewayError::Declined {
                reason: DeclineReason::ExpiredCard,
                ..
            }
        ));
        let processing = serde_json::json!({"error": {"type": "card_error", "code": "processing_error"}});
        assert_eq!(map_error(402, &processing), GatewayError::ProcessingError);
        // A card that needs the customer's bank to confirm (3-D Secure) is
        // not a decline: the cashier is told to ask for another way to pay.
        let sca = serde_json::json!({"error": {"type": "card_error", "code": "authentication_required"}});
        assert_eq!(map_error(402, &sca), GatewayError::AuthenticationRequired);
        assert_eq!(map_error(401, &Value::Null), GatewayError::KeyRejected);
        assert_eq!(map_error(403, &Value::Null), GatewayError::PermissionMissing);
        assert_eq!(map_error(429, &Value::Null), GatewayError::RateLimited);
        assert_eq!(map_error(404, &Value::Null), GatewayError::NotFound);
        assert_eq!(map_error(503, &Value::Null), GatewayError::Unreachable);
        assert_eq!(map_error(400, &Value::Null), GatewayError::InvalidRequest);
        // A reader timeout says the reader did not answer Stripe in time, not
        // that it did not take the card.
        let reader = |code: &str| serde_json::json!({"error": {"type": "invalid_request_error", "code": code}});
        assert_eq!(
            map_error(400, &reader("terminal_reader_timeout")),
            GatewayError::OutcomeUnknown
        );
        assert_eq!(
            map_error(400, &reader("terminal_reader_offline")),
            GatewayError::ReaderOffline
        );
        assert_eq!(
            map_error(400, &reader("terminal_reader_busy")),
            GatewayError::ReaderBusy
        );
    }

    #[test]
    fn only_our_own_action_on_a_reader_is_ours() {
        let ours = GatewayRef("pi_ours123456".into());
        let action = |pi: Value| {
            serde_json::json!({"type": "process_payment_intent", "status": "in_progress",
            "process_payment_intent": {"payment_intent": pi}})
        };
        assert!(action_is_for(&action("pi_ours123456".into()), &ours));
        assert!(action_is_for(
            &action(serde_json::json!({"id": "pi_ours123456"})),
            &ours
        ));
        assert!(!action_is_for(&action("pi_theirs12345".into()), &ours));
        assert!(!action_is_for(&Value::Null, &ours));
        let setup = serde_json::json!({"type": "process_setup_intent", "process_payment_intent": {"payment_intent": "pi_ours123456"}});
        assert!(!action_is_for(&setup, &ours));
        let charge = serde_json::json!({"payment_method_details": {"card_present": {"capture_before": 1_800_000_000}}});
        assert_eq!(capture_before_ms(&charge), Some(1_800_000_000_000));
        assert_eq!(capture_before_ms(&serde_json::json!("ch_1")), None);
    }

    /// Once an attempt may have been acted on, only a success or a decline
    /// ends a mutation; every other last answer leaves it in doubt.
    #[test]
    fn only_a_definite_answer_ends_a_mutation_that_may_have_landed() {
        let answered = |status: u16, body: &str| Attempt::Answered {
            status,
            should_retry: None,
            body: Body(body.as_bytes().to_vec()),
        };
        let sent = |last, may_have_landed| Sent { last, may_have_landed };
        let decline = r#"{"error": {"type": "card_error", "code": "card_declined"}}"#;
        for last in [
            answered(429, "{}"),
            answered(401, "{}"),
            answered(400, "{}"),
            answered(404, "{}"),
            answered(500, "{}"),
            answered(409, "{}"),
            Attempt::NotSent { tls: true },
            Attempt::NotSent { tls: false },
            Attempt::Lost,
        ] {
            let shown = format!("{last:?}");
            assert_eq!(
                conclude(sent(last, true), true),
                Err(GatewayError::OutcomeUnknown),
                "{shown}"
            );
        }
        assert!(conclude(sent(answered(200, "{}"), true), true).is_ok());
        assert!(matches!(
            conclude(sent(answered(402, decline), true), true),
            Err(GatewayError::Declined { .. })
        ));
        // Nothing may have landed: the answer means what it says.
        assert_eq!(
            conclude(sent(answered(429, "{}"), false), true),
            Err(GatewayError::RateLimited)
        );
        assert_eq!(
            conclude(sent(answered(401, "{}"), false), true),
            Err(GatewayError::KeyRejected)
        );
        assert_eq!(
            conclude(sent(Attempt::NotSent { tls: true }, false), true),
            Err(GatewayError::TlsFailure)
        );
        // A read never moves money: its failure is only a failure.
        assert_eq!(
            conclude(sent(answered(500, "{}"), true), false),
            Err(GatewayError::Unreachable)
        );
    }

    #[test]
    fn receipt_fields_are_read_for_reader_and_keyed_cards_and_junk_is_left_out() {
        let present = serde_json::json!({
            "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030, "read_method": "contact_emv",
            "receipt": {
                "application_preferred_name": "VISA CREDIT", "dedicated_file_name": "A0000000031010",
                "account_type": "credit", "authorization_code": "123456", "authorization_response_code": "3030",
                "cardholder_verification_method": "offline_pin",
            },
        });
        let r = card_summary(&present).and_then(|c| c.receipt).unwrap_or_default();
        assert_eq!(r.entry, Some(EntryMode::Chip));
        assert_eq!(r.aid.as_deref(), Some("A0000000031010"));
        assert_eq!(r.verification, Some(CardholderVerification::OfflinePin));
        assert_eq!(r.authorization_response_code.as_deref(), Some("3030"));
        let keyed = serde_json::json!({"brand": "visa", "last4": "4242", "authorization_code": "654321"});
        let r = card_summary(&keyed).and_then(|c| c.receipt).unwrap_or_default();
        assert_eq!(
            (r.entry, r.authorization_code.as_deref()),
            (Some(EntryMode::Keyed), Some("654321"))
        );
        // A card number, control characters, an endless value, a number:
        // none reaches a receipt.
        for junk in [
            serde_json::json!("4242 4242 4242 4242"),
            serde_json::json!("VISA\nCREDIT"),
            serde_json::json!("X".repeat(33)),
            serde_json::json!(3030),
            serde_json::json!("  "),
        ] {
            assert_eq!(receipt_field(&junk), None, "{junk}");
        }
    }

    #[test]
    fn money_fields_are_strict_and_the_rest_lenient() {
        assert!(strict_money(&serde_json::json!({"amount": 1250, "currency": "usd", "extra": [1]})).is_ok());
        assert!(strict_money(&serde_json::json!({"amount": "1250", "currency": "usd"})).is_err());
        assert!(strict_money(&serde_json::json!({"amount": -1, "currency": "usd"})).is_err());
        assert!(strict_money(&serde_json::json!({"amount": 1250, "currency": "xxx"})).is_err());
        assert!(strict_money(&serde_json::json!({"amount": 12.5, "currency": "usd"})).is_err());
        let card = serde_json::json!({"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030});
        assert_eq!(card_summary(&card).map(|c| c.last4), Some("4242".into()));
        assert_eq!(card_summary(&serde_json::json!({"last4": "42424"})), None);
        assert_eq!(path_id("pm_123"), Some("pm_123"));
        assert_eq!(
            endpoint_label("v1/payment_intents/pi_3abcDEF123/capture"),
            "v1/payment_intents/{id}/capture"
        );
        assert_eq!(endpoint_label("v1/payment_intents"), "v1/payment_intents");
        let charge = serde_json::json!({"outcome": {"network_status": "approved_by_network", "risk_level": "elevated",
            "seller_message": "Stripe evaluated this payment as having elevated risk."},
            "payment_method_details": {"card": {"checks": {"cvc_check": "fail", "address_postal_code_check": "pass"}}}});
        let risk = risk_signals(&charge);
        assert_eq!(risk.as_ref().and_then(|r| r.risk_level.as_deref()), Some("elevated"));
        assert!(risk
            .and_then(|r| r.warning())
            .is_some_and(|w| w.contains("security code")));
        assert_eq!(risk_signals(&serde_json::json!("ch_123")), None);
        assert_eq!(path_id("../v1/x"), None);
    }
}
