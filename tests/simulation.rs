//! A deterministic simulation of the money path.
//!
//! In one thread, on a simulated clock, with every choice drawn from one
//! seeded generator: the real counter and the real SQLite cache (a file,
//! reopened after every crash) against a model gateway with Stripe's
//! semantics: idempotency replay, a rate limiter that answers before the
//! replay, TLS and connection failures before acting, acting then failing
//! (a 500 saved for the key), timeouts after acting, requests that land
//! later (inside the in-flight window), reader waits and cancel races,
//! authorise then partial capture or void, partial refunds.
//!
//! The process "crashes" at any step: at a named crash point in the core
//! (journaled, answered), inside the gateway right after it acted, or
//! between operations. A crash unwinds the operation, drops the counter and
//! its connection (uncommitted work is lost, as in a real crash) and
//! reopens everything from the files.
//!
//! Invariants, checked after every step by reading the file directly and
//! the model's own records: no sale charged twice, no charge the gateway
//! took recorded as not charged, refunds never above what was captured
//! (locally and at the gateway), every local refund that succeeded exists at
//! the gateway. At quiet points (faults off, the window passed) every
//! in-doubt operation must have resolved to the gateway's truth, both ways,
//! and the audit chain must verify.
//!
//! `MERCHANT_SIM_SEED=<n>` replays one seed (printed on failure);
//! `MERCHANT_SIM_OPS` sets the total (at least 100,000 under CI).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use merchant_core::audit::{Action, Anchor, AuditLog, Event, Outcome, Verification};
use merchant_core::clock;
use merchant_core::config::{Mode, Settings};
use merchant_core::counter::{ChargeInput, Counter, CounterError, RefundInput};
use merchant_core::crashpoint;
use merchant_core::gateway::{
    CaptureMode, CardSummary, ChargeOutcome, ChargeRequest, DeclineReason, Gateway, GatewayError, GatewayKind,
    GatewayRef, PaymentOp, PaymentSource, PaymentState, RefundOutcome, RefundReason, RefundRequest,
};
use merchant_core::money::MinorUnits;
use merchant_core::store::{SaleId, Store, TerminalDb};
use merchant_core::vault::{CacheEpoch, KeyVersion, MasterKey, Sealer, SubKeys};
use merchant_tests::{summary, TestResult};
use tokio_util::sync::CancellationToken;

/// How long after a request the model gateway may still act on it.
const WINDOW_MS: i64 = 30_000;
/// How long an authorisation can be captured; then the gateway cancels it
/// (Stripe: two days in person; short here so a run sees it happen).
const CAPTURE_WINDOW_MS: i64 = 15 * 60_000;
/// Operations per seed; a quiet check every `QUIET_EVERY`.
const OPS_PER_SEED: u64 = 400;
const QUIET_EVERY: u64 = 100;

/// splitmix64: small, fast, and the same on every machine.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The panic payload of a simulated crash.
struct SimCrash;

fn crash() -> ! {
    std::panic::panic_any(SimCrash)
}

/// A task that did not finish: a crash this simulation armed is a restart,
/// any other panic (an overflow, an `unreachable!`) is a bug in the code
/// under test and fails the run, never counted as a crash.
fn armed_crash(e: tokio::task::JoinError) -> TestResult {
    if !e.is_panic() {
        return Err(format!("a task was cancelled: {e}").into());
    }
    let payload = e.into_panic();
    if payload.is::<SimCrash>() {
        return Ok(());
    }
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    Err(format!("a panic nobody armed: {message}").into())
}

/// What the model gateway does to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    None,
    /// 429 before acting (Stripe answers before looking at the key).
    RateLimited,
    /// Connection refused / reset before the request was read.
    Unreachable,
    /// The handshake failed: nothing was sent.
    Tls,
    /// Acted, then answered 500 (saved for the key: a replay gets it too).
    ActThenFail,
    /// Acted, the answer never arrived.
    TimeoutAfterActing,
    /// Accepted, acted on later (inside the in-flight window).
    ActsLater,
    /// Acted, then the terminal's process died before reading the answer.
    CrashAfterActing,
}

const FAULTS: [Fault; 7] = [
    Fault::RateLimited,
    Fault::Unreachable,
    Fault::Tls,
    Fault::ActThenFail,
    Fault::TimeoutAfterActing,
    Fault::ActsLater,
    Fault::CrashAfterActing,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PiStatus {
    Succeeded,
    RequiresCapture,
    Canceled,
    Declined,
}

#[derive(Clone, Debug)]
struct Intent {
    id: String,
    sale_id: String,
    amount: i64,
    captured: i64,
    status: PiStatus,
    capture_before_ms: i64,
    /// Cancelled by the gateway because nobody captured it in time.
    lapsed: bool,
}

#[derive(Clone, Debug)]
struct GwRefund {
    id: String,
    refund_id: String,
    intent: String,
    amount: i64,
}

/// A saved answer for an idempotency key: what the request was, and what
/// every replay gets.
#[derive(Clone, Debug)]
struct Saved {
    fingerprint: String,
    answer: Answer,
}

#[derive(Clone, Debug)]
enum Answer {
    Charge(Box<ChargeOutcome>),
    Refund(RefundOutcome),
    Captured(i64),
    Voided,
    Failed(GatewayError),
}

#[derive(Clone, Debug)]
enum Delayed {
    Charge(ChargeRequest, bool),
    Refund(RefundRequest),
    Capture(PaymentOp),
    Void(PaymentOp),
}

#[derive(Default)]
struct Model {
    rng: Option<Rng>,
    /// Faults on (normal running) or off (a quiet check).
    faulty: bool,
    intents: Vec<Intent>,
    refunds: Vec<GwRefund>,
    saved: BTreeMap<String, Saved>,
    later: Vec<(i64, String, Delayed)>,
    fired: BTreeMap<&'static str, u64>,
    violations: Vec<String>,
    next_id: u64,
    /// Set when the gateway acted and the terminal is to die before the answer.
    crash_now: bool,
    /// Sales a cashier asked to capture or void (whatever came of it).
    touched: BTreeSet<String>,
    /// The audit head the running terminal was last given: its refunds,
    /// captures and voids must carry it.
    anchor: Option<String>,
}

impl Model {
    /// Stripe is searched for an unanswered charge by the time it was
    /// journaled; a time that is not the sale's would search the wrong day.
    fn check_journal_time(&mut self, request: &ChargeRequest) {
        let now = clock::now_ms();
        if !(now - 86_400_000..=now).contains(&request.journaled_at_ms) {
            self.violations.push(format!(
                "sale {}: journaled at {} asked at {now}",
                request.sale_id, request.journaled_at_ms
            ));
        }
    }

    fn rng(&mut self) -> &mut Rng {
        self.rng.get_or_insert(Rng(1))
    }

    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}_{}", self.next_id)
    }

    fn fault(&mut self, can_act: bool) -> Fault {
        if !self.faulty || !self.rng().chance(18) {
            return Fault::None;
        }
        let choices: Vec<Fault> = FAULTS
            .iter()
            .copied()
            .filter(|f| can_act || matches!(f, Fault::RateLimited | Fault::Unreachable | Fault::Tls))
            .collect();
        let f = choices[self.rng().below(choices.len() as u64) as usize];
        *self.fired.entry(fault_name(f)).or_default() += 1;
        f
    }

    /// Acts on every delayed request whose time has come, and cancels the
    /// authorisations nobody captured in time.
    fn deliver_due(&mut self) {
        let now = clock::now_ms();
        for pi in &mut self.intents {
            if pi.status == PiStatus::RequiresCapture && pi.capture_before_ms <= now {
                pi.status = PiStatus::Canceled;
                pi.lapsed = true;
            }
        }
        let (due, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut self.later)
            .into_iter()
            .partition(|(t, ..)| *t <= now);
        self.later = keep;
        for (_, key, request) in due {
            if self.saved.contains_key(&key) {
                continue; // a retry with the same key got there first
            }
            let (fingerprint, answer) = self.act(&request);
            self.saved.insert(key, Saved { fingerprint, answer });
        }
    }

    fn act(&mut self, request: &Delayed) -> (String, Answer) {
        let answer = match request {
            Delayed::Charge(r, cancelled) => Answer::Charge(Box::new(self.act_charge(r, *cancelled))),
            Delayed::Refund(r) => self.act_refund(r),
            Delayed::Capture(op) => self.act_capture(op),
            Delayed::Void(op) => self.act_void(op),
        };
        (describe(request), answer)
    }

    fn act_charge(&mut self, r: &ChargeRequest, cancelled: bool) -> ChargeOutcome {
        let sale = r.sale_id.to_string();
        if self.intents.iter().any(|pi| pi.sale_id == sale) {
            self.violations.push(format!("sale {sale} charged twice"));
        }
        let id = self.id("pi");
        let amount = r.money.amount.get();
        let card = CardSummary {
            brand: "visa".into(),
            last4: "4242".into(),
            exp_month: 12,
            exp_year: 2030,
            receipt: None,
        };
        // A cashier's cancel reaching the reader: the customer may have
        // tapped at the same moment (then the card was taken).
        let status = if cancelled && self.rng().chance(50) {
            PiStatus::Canceled
        } else if amount % 13 == 0 {
            PiStatus::Declined
        } else if r.capture == CaptureMode::Manual {
            PiStatus::RequiresCapture
        } else {
            PiStatus::Succeeded
        };
        let captured = if status == PiStatus::Succeeded { amount } else { 0 };
        self.intents.push(Intent {
            id: id.clone(),
            sale_id: sale,
            amount,
            captured,
            status,
            capture_before_ms: clock::now_ms() + CAPTURE_WINDOW_MS,
            lapsed: false,
        });
        outcome_of(&id, status, card, clock::now_ms() + CAPTURE_WINDOW_MS)
    }

    fn act_refund(&mut self, r: &RefundRequest) -> Answer {
        let Some(pi) = self.intents.iter().find(|pi| pi.id == r.charge.0).cloned() else {
            return Answer::Failed(GatewayError::NotFound);
        };
        let refunded: i64 = self
            .refunds
            .iter()
            .filter(|x| x.intent == pi.id)
            .map(|x| x.amount)
            .sum();
        if pi.status != PiStatus::Succeeded || refunded + r.money.amount.get() > pi.captured {
            self.violations.push(format!(
                "refund {} asks {} of {} with {refunded} refunded",
                r.refund_id,
                r.money.amount.get(),
                pi.id
            ));
            return Answer::Failed(GatewayError::InvalidRequest);
        }
        let id = self.id("re");
        self.refunds.push(GwRefund {
            id: id.clone(),
            refund_id: r.refund_id.clone(),
            intent: pi.id,
            amount: r.money.amount.get(),
        });
        Answer::Refund(RefundOutcome::Succeeded {
            gateway_ref: GatewayRef(id),
        })
    }

    fn act_capture(&mut self, op: &PaymentOp) -> Answer {
        match self.intents.iter_mut().find(|pi| pi.id == op.payment.0) {
            Some(pi) if pi.status == PiStatus::RequiresCapture && op.money.amount.get() <= pi.amount => {
                pi.status = PiStatus::Succeeded;
                pi.captured = op.money.amount.get();
                Answer::Captured(pi.captured)
            }
            _ => Answer::Failed(GatewayError::InvalidRequest),
        }
    }

    fn act_void(&mut self, op: &PaymentOp) -> Answer {
        match self.intents.iter_mut().find(|pi| pi.id == op.payment.0) {
            Some(pi) if pi.status == PiStatus::RequiresCapture => {
                pi.status = PiStatus::Canceled;
                Answer::Voided
            }
            _ => Answer::Failed(GatewayError::InvalidRequest),
        }
    }

    /// One POST with an idempotency key, as Stripe handles it: faults before
    /// acting, the replay of a saved answer, acting, faults after acting.
    fn post(&mut self, key: &str, request: Delayed) -> Result<Answer, GatewayError> {
        self.deliver_due();
        // The audit head a refund, capture or void carries must be one.
        let anchor = match &request {
            Delayed::Charge(r, _) => r.audit_anchor.clone(),
            Delayed::Refund(r) => r.audit_anchor.clone(),
            Delayed::Capture(op) | Delayed::Void(op) => op.audit_anchor.clone(),
        };
        if anchor.as_deref().is_some_and(|a| Anchor::decode(a).is_none()) {
            self.violations
                .push(format!("request {key} carries a malformed audit anchor"));
        }
        if !matches!(request, Delayed::Charge(..)) && self.anchor.is_some() && anchor != self.anchor {
            self.violations
                .push(format!("request {key} does not carry the terminal's audit head"));
        }
        let fault = self.fault(true);
        match fault {
            Fault::RateLimited => return Err(GatewayError::RateLimited),
            Fault::Unreachable => return Err(GatewayError::Unreachable),
            Fault::Tls => return Err(GatewayError::TlsFailure),
            _ => {}
        }
        let fingerprint = describe(&request);
        if let Some(saved) = self.saved.get(key) {
            if saved.fingerprint != fingerprint {
                self.violations.push(format!("key {key} reused with other parameters"));
                return Err(GatewayError::InvalidRequest);
            }
            return into_result(saved.answer.clone());
        }
        if fault == Fault::ActsLater {
            let at = clock::now_ms() + 1 + self.rng().below((WINDOW_MS / 2) as u64) as i64;
            self.later.push((at, key.to_string(), request));
            return Err(GatewayError::OutcomeUnknown);
        }
        let (fingerprint, answer) = self.act(&request);
        let saved = match fault {
            Fault::ActThenFail => Answer::Failed(GatewayError::OutcomeUnknown),
            _ => answer.clone(),
        };
        self.saved.insert(
            key.to_string(),
            Saved {
                fingerprint,
                answer: saved,
            },
        );
        self.crash_now = fault == Fault::CrashAfterActing;
        match fault {
            Fault::ActThenFail | Fault::TimeoutAfterActing => Err(GatewayError::OutcomeUnknown),
            _ => into_result(answer),
        }
    }

    /// A read (a lookup by metadata, a retrieve): may fail before reading.
    fn read(&mut self) -> Result<(), GatewayError> {
        self.deliver_due();
        match self.fault(false) {
            Fault::RateLimited => Err(GatewayError::RateLimited),
            Fault::Unreachable => Err(GatewayError::Unreachable),
            Fault::Tls => Err(GatewayError::TlsFailure),
            _ => Ok(()),
        }
    }
}

fn fault_name(f: Fault) -> &'static str {
    match f {
        Fault::None => "none",
        Fault::RateLimited => "rate_limited",
        Fault::Unreachable => "unreachable",
        Fault::Tls => "tls",
        Fault::ActThenFail => "act_then_fail",
        Fault::TimeoutAfterActing => "timeout_after_acting",
        Fault::ActsLater => "acts_later",
        Fault::CrashAfterActing => "crash_after_acting",
    }
}

fn fingerprint_charge(r: &ChargeRequest) -> String {
    format!("charge {} {} {:?}", r.sale_id, r.money.amount.get(), r.capture)
}

fn fingerprint_refund(r: &RefundRequest) -> String {
    format!("refund {} {} {}", r.refund_id, r.charge.0, r.money.amount.get())
}

fn fingerprint_op(kind: &str, op: &PaymentOp) -> String {
    format!("{kind} {} {}", op.payment.0, op.money.amount.get())
}

fn describe(request: &Delayed) -> String {
    match request {
        Delayed::Charge(r, _) => fingerprint_charge(r),
        Delayed::Refund(r) => fingerprint_refund(r),
        Delayed::Capture(op) => fingerprint_op("capture", op),
        Delayed::Void(op) => fingerprint_op("void", op),
    }
}

fn into_result(answer: Answer) -> Result<Answer, GatewayError> {
    match answer {
        Answer::Failed(e) => Err(e),
        other => Ok(other),
    }
}

fn outcome_of(id: &str, status: PiStatus, card: CardSummary, capture_before_ms: i64) -> ChargeOutcome {
    let gateway_ref = GatewayRef(id.to_string());
    match status {
        PiStatus::Succeeded => ChargeOutcome::Approved {
            gateway_ref,
            card: Some(card),
            risk: None,
        },
        PiStatus::RequiresCapture => ChargeOutcome::Authorized {
            gateway_ref,
            card: Some(card),
            risk: None,
            capture_before_ms: Some(capture_before_ms),
        },
        PiStatus::Canceled => ChargeOutcome::Cancelled,
        PiStatus::Declined => ChargeOutcome::Declined {
            gateway_ref: Some(gateway_ref),
            reason: DeclineReason::InsufficientFunds,
            card: Some(card),
        },
    }
}

#[derive(Clone, Default)]
struct ModelGateway(Arc<Mutex<Model>>);

impl ModelGateway {
    fn lock(&self) -> MutexGuard<'_, Model> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs a keyed POST; dies after acting when the fault says so.
    fn post(&self, key: &str, request: Delayed) -> Result<Answer, GatewayError> {
        let mut model = self.lock();
        let result = model.post(key, request);
        let crash_now = std::mem::take(&mut model.crash_now);
        drop(model);
        if crash_now {
            crash();
        }
        result
    }
}

#[async_trait::async_trait]
impl Gateway for ModelGateway {
    fn kind(&self) -> GatewayKind {
        GatewayKind::Stripe
    }

    fn test_mode(&self) -> bool {
        true
    }

    fn in_flight_window(&self) -> Duration {
        Duration::from_millis(WINDOW_MS as u64)
    }

    async fn charge(&self, request: &ChargeRequest, cancel: CancellationToken) -> Result<ChargeOutcome, GatewayError> {
        if matches!(request.source, PaymentSource::Reader { .. }) {
            // The reader waits for the customer: the cashier may cancel now.
            tokio::task::yield_now().await;
        }
        self.lock().check_journal_time(request);
        let delayed = Delayed::Charge(request.clone(), cancel.is_cancelled());
        match self.post(request.idempotency_key.as_str(), delayed)? {
            Answer::Charge(outcome) => Ok(*outcome),
            _ => Err(GatewayError::MalformedResponse),
        }
    }

    async fn find_charge(&self, request: &ChargeRequest) -> Result<Option<ChargeOutcome>, GatewayError> {
        let mut model = self.lock();
        model.check_journal_time(request);
        model.read()?;
        let card = CardSummary {
            brand: "visa".into(),
            last4: "4242".into(),
            exp_month: 12,
            exp_year: 2030,
            receipt: None,
        };
        Ok(model
            .intents
            .iter()
            .find(|pi| pi.sale_id == request.sale_id.to_string())
            .map(|pi| outcome_of(&pi.id, pi.status, card, pi.capture_before_ms)))
    }

    async fn refund(&self, request: &RefundRequest) -> Result<RefundOutcome, GatewayError> {
        match self.post(request.idempotency_key.as_str(), Delayed::Refund(request.clone()))? {
            Answer::Refund(outcome) => Ok(outcome),
            _ => Err(GatewayError::MalformedResponse),
        }
    }

    async fn find_refund(&self, request: &RefundRequest) -> Result<Option<RefundOutcome>, GatewayError> {
        let mut model = self.lock();
        model.read()?;
        Ok(model
            .refunds
            .iter()
            .find(|r| r.refund_id == request.refund_id)
            .map(|r| RefundOutcome::Succeeded {
                gateway_ref: GatewayRef(r.id.clone()),
            }))
    }

    async fn capture(&self, op: &PaymentOp) -> Result<MinorUnits, GatewayError> {
        match self.post(op.idempotency_key.as_str(), Delayed::Capture(op.clone()))? {
            Answer::Captured(n) => Ok(MinorUnits::new(n)),
            _ => Err(GatewayError::MalformedResponse),
        }
    }

    async fn void(&self, op: &PaymentOp) -> Result<(), GatewayError> {
        match self.post(op.idempotency_key.as_str(), Delayed::Void(op.clone()))? {
            Answer::Voided => Ok(()),
            _ => Err(GatewayError::MalformedResponse),
        }
    }

    async fn payment_state(&self, payment: &GatewayRef) -> Result<PaymentState, GatewayError> {
        let mut model = self.lock();
        model.read()?;
        let pi = model
            .intents
            .iter()
            .find(|pi| pi.id == payment.0)
            .ok_or(GatewayError::NotFound)?;
        Ok(match pi.status {
            PiStatus::Succeeded => PaymentState::Captured {
                amount: MinorUnits::new(pi.captured),
            },
            PiStatus::RequiresCapture => PaymentState::Authorized,
            PiStatus::Canceled => PaymentState::Voided,
            PiStatus::Declined => PaymentState::Other,
        })
    }
}

/// A local row, read straight from the file.
#[derive(Debug)]
struct Row {
    id: String,
    status: String,
    amount: i64,
    captured: Option<i64>,
    sale: String,
    /// A capture or void journaled and not yet settled.
    op: Option<String>,
    outcome: Option<String>,
}

fn rows(db: &rusqlite::Connection, sql: &str) -> TestResult<Vec<Row>> {
    let mut stmt = db.prepare_cached(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(Row {
            id: r.get(0)?,
            status: r.get(1)?,
            amount: r.get(2)?,
            captured: r.get(3)?,
            sale: r.get(4)?,
            op: r.get(5)?,
            outcome: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const SALES: &str =
    "SELECT id, status, amount_minor, captured_minor, id, op_kind, outcome_code FROM sales ORDER BY rowid";
const REFUNDS: &str = "SELECT id, status, amount_minor, NULL, sale_id, NULL, NULL FROM refunds ORDER BY rowid";

/// The invariants, from the file and the model. `quiet`: everything must
/// have resolved to the gateway's truth.
fn check(db: &rusqlite::Connection, gw: &ModelGateway, quiet: bool) -> TestResult<Vec<String>> {
    let mut model = gw.lock();
    model.deliver_due();
    let now = clock::now_ms();
    let mut v = std::mem::take(&mut model.violations);
    let sales = rows(db, SALES)?;
    let refunds = rows(db, REFUNDS)?;
    let by_sale: BTreeMap<&str, &Intent> = model.intents.iter().map(|pi| (pi.sale_id.as_str(), pi)).collect();
    for s in &sales {
        let pi = by_sale.get(s.id.as_str());
        let money_at_gateway =
            pi.is_some_and(|pi| matches!(pi.status, PiStatus::Succeeded | PiStatus::RequiresCapture));
        match s.status.as_str() {
            "failed" | "cancelled" | "declined" if money_at_gateway => v.push(format!(
                "sale {}: {} here, but the gateway took the card",
                s.id, s.status
            )),
            "approved" => match pi {
                Some(pi) if pi.status == PiStatus::Succeeded => {
                    if s.captured != Some(pi.captured) {
                        v.push(format!(
                            "sale {}: captured {:?} here, {} at the gateway",
                            s.id, s.captured, pi.captured
                        ));
                    }
                }
                // A capture the gateway has not done yet cannot be approved.
                _ => v.push(format!("sale {}: approved here, not captured at the gateway", s.id)),
            },
            // With a capture or void in flight the gateway may be ahead; an
            // authorisation the gateway let lapse is learnt of by asking.
            "authorized" if s.op.is_none() => match pi {
                Some(pi) if pi.status == PiStatus::RequiresCapture => {}
                Some(pi) if pi.status == PiStatus::Canceled && pi.capture_before_ms <= now && !quiet => {}
                _ => v.push(format!("sale {}: authorised here, not at the gateway", s.id)),
            },
            "voided" if !pi.is_some_and(|pi| pi.status == PiStatus::Canceled) => {
                v.push(format!("sale {}: voided here, not at the gateway", s.id))
            }
            "pending" | "in_doubt" if quiet => v.push(format!("sale {} still {} at a quiet point", s.id, s.status)),
            _ => {}
        }
        // A lapse is told apart from a cashier's void: "expired" only when
        // the gateway let it lapse, and always when nobody asked to capture
        // or void it.
        let lapsed = pi.is_some_and(|pi| pi.lapsed);
        let expired = s.outcome.as_deref() == Some("authorisation_expired");
        if expired && !lapsed {
            v.push(format!("sale {}: recorded as expired, not lapsed at the gateway", s.id));
        }
        if s.status == "voided" && lapsed && !expired && !model.touched.contains(&s.id) {
            v.push(format!(
                "sale {}: lapsed at the gateway, recorded as voided by a cashier",
                s.id
            ));
        }
        if quiet && s.op.is_some() {
            v.push(format!(
                "sale {}: a capture or void still in doubt at a quiet point",
                s.id
            ));
        }
    }
    let mut local_refunded: BTreeMap<&str, i64> = BTreeMap::new();
    for r in &refunds {
        if matches!(r.status.as_str(), "succeeded" | "pending" | "in_doubt") {
            *local_refunded.entry(r.sale.as_str()).or_default() += r.amount;
        }
        let at_gateway = model.refunds.iter().find(|g| g.refund_id == r.id);
        match (r.status.as_str(), at_gateway) {
            ("succeeded", None) => v.push(format!("refund {} succeeded here, unknown at the gateway", r.id)),
            ("failed", Some(_)) => v.push(format!("refund {} failed here, made at the gateway", r.id)),
            ("succeeded", Some(g)) if g.amount != r.amount => v.push(format!("refund {}: amounts differ", r.id)),
            ("pending" | "in_doubt", _) if quiet => {
                v.push(format!("refund {} still {} at a quiet point", r.id, r.status))
            }
            _ => {}
        }
    }
    for s in &sales {
        let refunded = local_refunded.get(s.id.as_str()).copied().unwrap_or(0);
        if refunded > s.captured.unwrap_or(0) {
            v.push(format!(
                "sale {}: {refunded} refunded or held for refunds, {:?} captured",
                s.id, s.captured
            ));
        }
    }
    for g in &model.refunds {
        if !refunds.iter().any(|r| r.id == g.refund_id) {
            v.push(format!("refund {} at the gateway has no local record", g.refund_id));
        }
    }
    for pi in &model.intents {
        if !sales.iter().any(|s| s.id == pi.sale_id) {
            v.push(format!("{} at the gateway has no local sale", pi.id));
        }
    }
    Ok(v)
}

/// What one seed did.
#[derive(Default)]
struct Tally {
    ops: u64,
    crashes: u64,
    in_doubt: u64,
    quiet_checks: u64,
    by_kind: BTreeMap<&'static str, u64>,
    fired: BTreeMap<&'static str, u64>,
}

/// The crash point armed for the next operation, if any.
static ARMED: Mutex<Option<&'static str>> = Mutex::new(None);

fn arm(point: Option<&'static str>) {
    *ARMED.lock().unwrap_or_else(PoisonError::into_inner) = point;
}

const POINTS: [&str; 6] = [
    crashpoint::CHARGE_JOURNALED,
    crashpoint::CHARGE_ANSWERED,
    crashpoint::REFUND_JOURNALED,
    crashpoint::REFUND_ANSWERED,
    crashpoint::OP_JOURNALED,
    crashpoint::OP_ANSWERED,
];

struct World {
    dir: tempfile::TempDir,
    gw: ModelGateway,
    counter: Option<Arc<Counter>>,
    audit: AuditLog,
    terminal_db: TerminalDb,
}

fn sealer() -> TestResult<Sealer> {
    let master = MasterKey::from_slice(&[6u8; 32]).ok_or("master key")?;
    let epoch = CacheEpoch::from_slice(&[9u8; 32]).ok_or("epoch")?;
    Ok(Sealer::new(&SubKeys::new(master), &[(KeyVersion::FIRST, &epoch)]))
}

impl World {
    fn cache(&self) -> std::path::PathBuf {
        self.dir.path().join("cache.sqlite3")
    }

    /// (Re)starts the terminal from its files; start-up settles what it can.
    async fn start(&mut self) -> TestResult {
        self.counter = None;
        self.gw.lock().anchor = None;
        let store = Store::open(&self.cache(), sealer()?)?;
        let settings = Settings {
            mode: Mode::Live,
            ..Settings::default()
        };
        let gateway: Arc<dyn Gateway> = Arc::new(self.gw.clone());
        // Start-up itself may be cut by a crash inside the gateway.
        let task = tokio::spawn(Counter::from_parts(settings, "t-sim".into(), store, gateway));
        match task.await {
            Ok(counter) => {
                self.counter = Some(Arc::new(counter?));
                Ok(())
            }
            Err(e) => {
                armed_crash(e)?;
                Box::pin(self.start()).await
            }
        }
    }

    fn counter(&self) -> TestResult<Arc<Counter>> {
        self.counter.clone().ok_or_else(|| "not started".into())
    }
}

fn money(minor: u64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

fn minor(units: u64) -> MinorUnits {
    MinorUnits::new(i64::try_from(units).unwrap_or(i64::MAX))
}

/// One seed: `ops` operations, crashes and quiet checks. Returns the tally
/// or the first violation.
async fn run_seed(seed: u64, ops: u64) -> TestResult<Tally> {
    let mut rng = Rng(seed);
    clock::simulate(Some(1_900_000_000_000 + (seed % 1_000_000) as i64 * 1_000));
    let gw = ModelGateway::default();
    gw.lock().rng = Some(Rng(seed ^ 0x06a7_e3a7));
    gw.lock().faulty = true;
    let base = if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")?
    } else {
        tempfile::tempdir()?
    };
    let terminal_db = TerminalDb::open(&base.path().join("terminal.sqlite3"))?;
    let mut world = World {
        dir: base,
        gw: gw.clone(),
        counter: None,
        audit: AuditLog::new(secrecy::SecretBox::new(Box::new([3u8; 32])), "t-sim".into()),
        terminal_db,
    };
    world.start().await?;
    let reader = rusqlite::Connection::open_with_flags(world.cache(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut tally = Tally::default();
    for step in 0..ops {
        tally.ops += 1;
        clock::advance(rng.below(3_000) as i64);
        if rng.chance(4) {
            arm(Some(POINTS[rng.below(POINTS.len() as u64) as usize]));
        }
        let counter = world.counter()?;
        let sales = rows(&reader, SALES)?;
        let pick = |rng: &mut Rng, status: &str| -> Option<SaleId> {
            let of: Vec<&Row> = sales.iter().filter(|s| s.status == status).collect();
            (!of.is_empty())
                .then(|| SaleId::parse(&of[rng.below(of.len() as u64) as usize].id))
                .flatten()
        };
        let roll = rng.below(100);
        let mut target: Option<SaleId> = None;
        let (kind, task): (
            &'static str,
            tokio::task::JoinHandle<Result<Option<String>, CounterError>>,
        ) = match roll {
            0..=49 => {
                let manual = roll >= 40;
                let amount = money(100 + rng.below(20_000));
                let input = ChargeInput {
                    amount,
                    currency: None,
                    description: None,
                    simulated_card: None,
                    payment_method: Some("pm_card_visa".into()),
                    capture: if manual {
                        CaptureMode::Manual
                    } else {
                        CaptureMode::Automatic
                    },
                    phone_order: false,
                    staff_id: Some("sim".into()),
                    audit_anchor: None,
                };
                let c = counter.clone();
                let kind = if manual { "authorise" } else { "charge" };
                (
                    kind,
                    tokio::spawn(
                        async move { c.charge(input).await.map(|s| Some(format!("{}:{:?}", s.id, s.status))) },
                    ),
                )
            }
            50..=54 => {
                // At the reader, with the cashier pressing cancel meanwhile.
                let input = ChargeInput {
                    amount: money(100 + rng.below(20_000)),
                    currency: None,
                    description: None,
                    simulated_card: None,
                    payment_method: None,
                    capture: CaptureMode::Automatic,
                    phone_order: false,
                    staff_id: Some("sim".into()),
                    audit_anchor: None,
                };
                let c = counter.clone();
                let task =
                    tokio::spawn(
                        async move { c.charge(input).await.map(|s| Some(format!("{}:{:?}", s.id, s.status))) },
                    );
                let c = counter.clone();
                tokio::spawn(async move {
                    let _ = c.cancel_charge();
                });
                ("reader_cancel", task)
            }
            55..=77 => match pick(&mut rng, "approved") {
                Some(sale_id) => {
                    let amount = if rng.chance(25) {
                        None
                    } else {
                        Some(minor(1 + rng.below(8_000)))
                    };
                    let c = counter.clone();
                    let input = RefundInput {
                        sale_id,
                        amount,
                        reason: RefundReason::RequestedByCustomer,
                        note: None,
                        staff_id: Some("sim".into()),
                    };
                    (
                        "refund",
                        tokio::spawn(
                            async move { c.refund(input).await.map(|r| Some(format!("{}:{:?}", r.id, r.status))) },
                        ),
                    )
                }
                None => ("nothing", tokio::spawn(async { Ok(None) })),
            },
            78..=87 => match pick(&mut rng, "authorized") {
                Some(sale_id) => {
                    target = Some(sale_id);
                    gw.lock().touched.insert(sale_id.to_string());
                    let amount = if rng.chance(50) {
                        None
                    } else {
                        Some(minor(50 + rng.below(10_000)))
                    };
                    let c = counter.clone();
                    (
                        "capture",
                        tokio::spawn(async move {
                            c.capture(sale_id, amount)
                                .await
                                .map(|s| Some(format!("{}:{:?}", s.id, s.status)))
                        }),
                    )
                }
                None => ("nothing", tokio::spawn(async { Ok(None) })),
            },
            88..=91 => match pick(&mut rng, "authorized") {
                Some(sale_id) => {
                    gw.lock().touched.insert(sale_id.to_string());
                    let c = counter.clone();
                    (
                        "void",
                        tokio::spawn(
                            async move { c.void(sale_id).await.map(|s| Some(format!("{}:{:?}", s.id, s.status))) },
                        ),
                    )
                }
                None => ("nothing", tokio::spawn(async { Ok(None) })),
            },
            92..=95 => {
                let c = counter.clone();
                (
                    "resolve",
                    tokio::spawn(async move { c.resolve_in_doubt().await.map(|n| Some(n.to_string())) }),
                )
            }
            96..=97 => {
                clock::advance(WINDOW_MS + rng.below(WINDOW_MS as u64) as i64);
                ("time_passes", tokio::spawn(async { Ok(None) }))
            }
            _ => ("restart", tokio::spawn(async { Ok(None) })),
        };
        *tally.by_kind.entry(kind).or_default() += 1;
        drop(counter);
        match task.await {
            // What resolve says is left must be what the file says is left.
            Ok(Ok(Some(left))) if kind == "resolve" => {
                let unsettled: i64 = reader.query_row(
                    "SELECT (SELECT count(*) FROM sales WHERE status IN ('pending', 'in_doubt') OR op_kind IS NOT NULL)
                          + (SELECT count(*) FROM refunds WHERE status IN ('pending', 'in_doubt'))",
                    [],
                    |r| r.get(0),
                )?;
                if left != unsettled.to_string() {
                    return Err(format!(
                        "seed {seed}, step {step}: resolve reported {left} left, the file holds {unsettled}"
                    )
                    .into());
                }
                // Nothing it looked at is left as an untouched journal entry:
                // what could not be settled is marked in doubt.
                let pending: i64 = reader.query_row(
                    "SELECT (SELECT count(*) FROM sales WHERE status = 'pending')
                          + (SELECT count(*) FROM refunds WHERE status = 'pending')",
                    [],
                    |r| r.get(0),
                )?;
                if pending > 0 {
                    return Err(
                        format!("seed {seed}, step {step}: resolve left {pending} journal entries pending").into(),
                    );
                }
            }
            Ok(Ok(done)) => {
                if let Some(done) = &done {
                    if done.ends_with("InDoubt") {
                        tally.in_doubt += 1;
                    }
                    // As the terminal does after every money action.
                    let action = match kind {
                        "refund" => Action::Refund,
                        "capture" => Action::Capture,
                        "void" => Action::Void,
                        _ => Action::Charge,
                    };
                    let object = done.split_once(':').map_or(done.as_str(), |(object, _)| object);
                    let outcome = if done.ends_with("InDoubt") {
                        Outcome::InDoubt
                    } else {
                        Outcome::Ok
                    };
                    let anchor = world.audit.record(
                        &world.terminal_db,
                        &Event {
                            actor: Some("sim"),
                            action,
                            object: Some(object),
                            outcome,
                            detail: None,
                        },
                    )?;
                    world.counter()?.set_audit_anchor(Some(anchor.encode()));
                    world.gw.lock().anchor = Some(anchor.encode());
                }
                if kind == "restart" {
                    world.start().await?;
                }
            }
            // Refusals (in doubt elsewhere, over the refundable amount, a
            // capture above the authorisation, a gateway failure) are answers.
            // The till asks the cashier to settle what is in doubt first.
            Ok(Err(CounterError::InDoubt(_))) => {
                *tally.by_kind.entry("refused_in_doubt").or_default() += 1;
                clock::advance(rng.below(WINDOW_MS as u64) as i64);
                let c = world.counter()?;
                match tokio::spawn(async move { c.resolve_in_doubt().await }).await {
                    Ok(result) => {
                        result?;
                    }
                    Err(e) => {
                        armed_crash(e).map_err(|why| format!("seed {seed}, step {step} (resolve): {why}"))?;
                        tally.crashes += 1;
                        world.start().await?;
                    }
                }
            }
            Ok(Err(e)) => {
                // A refusal must have a reason: valid charges are never
                // refused as bad input, and a capture is refused as expired
                // only once the gateway's deadline has passed.
                let unjustified = match (&e, kind) {
                    (CounterError::Input(_) | CounterError::Money(_), "charge" | "authorise" | "reader_cancel") => {
                        Some("a valid charge was refused as bad input")
                    }
                    (CounterError::CaptureExpired, _) => {
                        let now = clock::now_ms();
                        let sale = target.map(|t| t.to_string());
                        let model = gw.lock();
                        let lapsed = model
                            .intents
                            .iter()
                            .find(|pi| Some(&pi.sale_id) == sale.as_ref())
                            .is_some_and(|pi| pi.capture_before_ms <= now);
                        (!lapsed).then_some("a capture was refused as expired before its deadline")
                    }
                    _ => None,
                };
                if let Some(why) = unjustified {
                    return Err(format!("seed {seed}, step {step} ({kind}): {why}: {e}").into());
                }
                *tally.by_kind.entry("refused").or_default() += 1
            }
            Err(e) => {
                armed_crash(e).map_err(|why| format!("seed {seed}, step {step} ({kind}): {why}"))?;
                tally.crashes += 1;
                world.start().await?;
            }
        }
        arm(None);
        let violations = check(&reader, &gw, false)?;
        if !violations.is_empty() {
            return Err(format!("seed {seed}, step {step} ({kind}): {violations:#?}").into());
        }
        if (step + 1) % QUIET_EVERY == 0 || step + 1 == ops {
            quiet_check(&mut world, &reader, seed, step).await?;
            tally.quiet_checks += 1;
        }
    }
    tally.fired = std::mem::take(&mut gw.lock().fired);
    Ok(tally)
}

/// Faults off, the in-flight window passed: every in-doubt operation must
/// resolve to what the gateway did, both ways, and the audit chain verify.
async fn quiet_check(world: &mut World, reader: &rusqlite::Connection, seed: u64, step: u64) -> TestResult {
    world.gw.lock().faulty = false;
    clock::advance(WINDOW_MS + 1);
    world.gw.lock().deliver_due();
    for _ in 0..3 {
        if world.counter()?.resolve_in_doubt().await? == 0 {
            break;
        }
        clock::advance(WINDOW_MS + 1);
    }
    let violations = check(reader, &world.gw, true)?;
    if !violations.is_empty() {
        return Err(format!("seed {seed}, quiet check after step {step}: {violations:#?}").into());
    }
    match world.audit.verify(&world.terminal_db, None)? {
        Verification::Intact { .. } => {}
        other => return Err(format!("seed {seed}, step {step}: the audit chain does not verify: {other:?}").into()),
    }
    world.gw.lock().faulty = true;
    Ok(())
}

#[test]
fn the_money_path_keeps_its_invariants_through_100k_simulated_operations() -> TestResult {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let total: u64 = std::env::var("MERCHANT_SIM_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    if ci && total < 100_000 {
        return Err("MERCHANT_SIM_OPS below 100000 is refused under CI".into());
    }
    let replay: Option<u64> = std::env::var("MERCHANT_SIM_SEED").ok().and_then(|v| v.parse().ok());
    let first_seed: u64 = 20_261_201;

    // A simulated crash unwinds quietly; any other panic is reported.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload().downcast_ref::<SimCrash>().is_none() {
            default_hook(info);
        }
    }));
    crashpoint::set_handler(Some(Box::new(|point| {
        let mut armed = ARMED.lock().unwrap_or_else(PoisonError::into_inner);
        if *armed == Some(point) {
            *armed = None;
            drop(armed);
            crash();
        }
    })));

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let seeds: Vec<u64> = match replay {
        Some(seed) => vec![seed],
        None => (0..total.div_ceil(OPS_PER_SEED)).map(|i| first_seed + i).collect(),
    };
    let mut all = Tally::default();
    let mut kinds: BTreeMap<&'static str, u64> = BTreeMap::new();
    for seed in &seeds {
        let tally = match runtime.block_on(run_seed(*seed, OPS_PER_SEED)) {
            Ok(t) => t,
            Err(e) => {
                clock::simulate(None);
                return Err(format!("{e}\nreplay with MERCHANT_SIM_SEED={seed}").into());
            }
        };
        all.ops += tally.ops;
        all.crashes += tally.crashes;
        all.in_doubt += tally.in_doubt;
        all.quiet_checks += tally.quiet_checks;
        for (k, v) in tally.by_kind {
            *kinds.entry(k).or_default() += v;
        }
        for (k, v) in tally.fired {
            *all.fired.entry(k).or_default() += v;
        }
    }
    clock::simulate(None);
    crashpoint::set_handler(None);
    let fired: Vec<String> = all.fired.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let ops: Vec<String> = kinds.iter().map(|(k, v)| format!("{k}={v}")).collect();
    summary(
        "simulation",
        &format!(
            "ops={} seeds={} crashes={} in_doubt={} quiet_checks={} violations=0 seed={}..{} faults: {} ops: {}",
            all.ops,
            seeds.len(),
            all.crashes,
            all.in_doubt,
            all.quiet_checks,
            seeds[0],
            seeds[seeds.len() - 1],
            fired.join(" "),
            ops.join(" ")
        ),
    );
    // The run exercised what it claims.
    if replay.is_none() {
        assert!(all.ops >= total, "ran {} of {total} operations", all.ops);
        assert!(all.crashes > 0 && all.in_doubt > 0, "no crash or no in-doubt case");
        for f in FAULTS {
            assert!(
                all.fired.get(fault_name(f)).copied().unwrap_or(0) > 0,
                "{f:?} never fired"
            );
        }
    }
    Ok(())
}
