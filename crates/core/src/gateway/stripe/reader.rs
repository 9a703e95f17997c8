//! The card reader path (Stripe Terminal, server-driven): hand the
//! PaymentIntent to the reader, watch the reader's action, stop it, and
//! settle the payment from what the gateway says, never from the reader's
//! word alone.

use serde::de::IgnoredAny;

use super::wire::{IntentStatus, PaymentIntent, Reader, ReaderAction};
use super::{path_id, StripeGateway};
use crate::gateway::{ChargeOutcome, ChargeRequest, GatewayError, GatewayRef};

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

impl StripeGateway {
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
    pub(super) async fn charge_on_reader(
        &self,
        request: &ChargeRequest,
        reader: &str,
        cancel: tokio_util::sync::CancellationToken,
    ) -> Result<ChargeOutcome, GatewayError> {
        let reader = path_id(reader).ok_or(GatewayError::ReaderOffline)?;
        let key = request.idempotency_key.as_str();
        let mut form = Self::intent_form(request);
        form.push(("payment_method_types[]".into(), "card_present".into()));
        let pi: PaymentIntent = self
            .call(reqwest::Method::POST, "v1/payment_intents", &form, Some(key))
            .await?;
        let pi = pi.gateway_ref()?;
        let hand_off = vec![("payment_intent".to_string(), pi.0.clone())];
        let process_key = format!("{key}-process");
        match self
            .call::<Reader>(
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
                let simulated = state.device_type.is_some_and(|t| t.starts_with("simulated_"));
                if self.test_mode && simulated {
                    let tap = format!("v1/test_helpers/terminal/readers/{reader}/present_payment_method");
                    if let Err(e) = self
                        .call::<Reader>(reqwest::Method::POST, &tap, &[], Some(&format!("{key}-present")))
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
    pub(super) async fn watch_reader(
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
                    self.call::<Reader>(reqwest::Method::GET, &path, &[], None).await
                } => r,
            };
            match read {
                Err(e) => {
                    tracing::warn!(error = %e, "reading the reader failed; still waiting");
                    poll = (poll * 2).min(READER_POLL_ERROR_MAX);
                }
                Ok(state) => {
                    poll = (poll * 3 / 2).min(READER_POLL_MAX);
                    match &state.action {
                        Some(action) if action.is_for(pi) => {
                            seen_ours = true;
                            match action.status() {
                                Some("succeeded") => return self.settled_payment(pi).await,
                                Some("failed") => return self.after_reader_failure(pi, action).await,
                                _ => {}
                            }
                        }
                        // The reader serves another payment (another till's):
                        // ours is not on it any more, or never reached it.
                        // Never touch the other one.
                        Some(_) => return self.leave_reader(pi, GatewayError::ReaderBusy).await,
                        // Our action is gone from the reader: the payment says
                        // what became of it.
                        None if seen_ours => {
                            if let Some(taken) = self.outcome_of(&self.read_payment(pi).await?).await? {
                                return Ok(taken);
                            }
                        }
                        None => {}
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
    pub(super) async fn settled_payment(&self, pi: &GatewayRef) -> Result<ChargeOutcome, GatewayError> {
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
    pub(super) async fn after_reader_failure(
        &self,
        pi: &GatewayRef,
        action: &ReaderAction,
    ) -> Result<ChargeOutcome, GatewayError> {
        if let Some(taken) = self.outcome_of(&self.read_payment(pi).await?).await? {
            return Ok(taken);
        }
        let failure = action.failure_code.as_deref().unwrap_or("");
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
    pub(super) async fn leave_reader(&self, pi: &GatewayRef, why: GatewayError) -> Result<ChargeOutcome, GatewayError> {
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
    pub(super) async fn stop_reader(&self, reader: &str, pi: &GatewayRef) -> Result<ChargeOutcome, GatewayError> {
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
    pub(super) async fn cancel_our_action(&self, reader: &str, pi: &GatewayRef) -> Result<bool, GatewayError> {
        let path = format!("v1/terminal/readers/{reader}");
        let state: Reader = self.call(reqwest::Method::GET, &path, &[], None).await?;
        if !state
            .action
            .is_some_and(|action| action.is_for(pi) && action.status() == Some("in_progress"))
        {
            return Ok(false);
        }
        // A fresh key per stop: a replayed refusal must not stand in for a
        // later attempt (retries of this one request reuse it).
        let stop_key = format!("{}-stop-{}", pi.0, uuid::Uuid::new_v4());
        self.call::<IgnoredAny>(
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
    pub(super) async fn read_payment(&self, pi: &GatewayRef) -> Result<PaymentIntent, GatewayError> {
        let path = Self::payment_path(pi, "")?;
        let q = [("expand[]".to_string(), "latest_charge".to_string())];
        let mut pause = READER_POLL_FIRST;
        for _ in 0..READER_SETTLE_READS {
            match self.call::<PaymentIntent>(reqwest::Method::GET, &path, &q, None).await {
                Ok(found) if found.status != Some(IntentStatus::Processing) => return Ok(found),
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
    pub(super) async fn cancel_unconfirmed(&self, pi: &GatewayRef) -> Result<Option<ChargeOutcome>, GatewayError> {
        let cancel_key = format!("{}-cancel", pi.0);
        let answer = self
            .call::<PaymentIntent>(
                reqwest::Method::POST,
                &Self::payment_path(pi, "/cancel")?,
                &[],
                Some(&cancel_key),
            )
            .await;
        let now = match answer {
            Ok(pi) if pi.status == Some(IntentStatus::Canceled) => return Ok(None),
            // Refused (already succeeded, processing, …) or unanswered: the
            // PaymentIntent says which.
            _ => self.read_payment(pi).await?,
        };
        if now.status == Some(IntentStatus::Canceled) {
            return Ok(None);
        }
        match self.outcome_of(&now).await? {
            Some(taken) => Ok(Some(taken)),
            None => Err(GatewayError::OutcomeUnknown),
        }
    }
}
