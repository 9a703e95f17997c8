"""Starts the test gateway: localstripe (an independent Stripe fake) behind
two layers written from Stripe's documented behaviour for what localstripe
lacks, bound to 127.0.0.1 only, state in memory only, optionally over TLS.

- Idempotency (https://docs.stripe.com/api/idempotent_requests): the first
  answer to a POST with an `Idempotency-Key` is saved, whatever its status,
  and replayed for later requests with the same key and parameters; the same
  key with other parameters is a 400 `idempotency_error`; a request while the
  first with that key is still running is a 409.
- Listing PaymentIntents and refunds by `created` (https://docs.stripe.com/api/payment_intents/list,
  https://docs.stripe.com/api/refunds/list): localstripe's lists refuse the
  filter; here they keep `gt`/`gte`/`lt`/`lte` (Unix seconds) and return
  newest first, as Stripe does.
- Captured amounts (https://docs.stripe.com/api/payment_intents/object#payment_intent_object-amount_received):
  localstripe records a partial capture as a refund of the rest; Stripe
  keeps no such refund and reports `amount_received` on the PaymentIntent
  (and `amount_captured` on the charge). Both are reproduced here.
- `receipt_email` on a PaymentIntent (https://docs.stripe.com/api/payment_intents/update):
  localstripe refuses the field; here it is kept and returned (no email is sent).
- Stripe Terminal, server-driven (https://docs.stripe.com/terminal/payments/collect-card-payment?terminal-sdk-platform=server-driven),
  which localstripe lacks entirely: one reader `tmr_sim_counter` (see
  tests/gateway/README.md for what it models and what it does not).
  `POST /_readers` scripts the reader and its customer (JSON, every field
  optional): {"status": "online"|"offline", "device_type": "simulated_wisepos_e"
  |"bbpos_wisepos_e", "card": "visa"|"declined"|a decline code|"none",
  "tap_after_ms": N (the customer taps by themselves), "customer_cancel_after_ms":
  N (the customer cancels on the reader), "process": ["timeout_delivered"|
  "timeout_undelivered", ...] (answers of the next process_payment_intent calls),
  "race_cancel": true (the next cancel_action is refused because a card is being
  read, and the tap lands just before the PaymentIntent's cancel),
  "capture_window_s": N (seconds a card-present authorisation may be captured),
  "read_method": Stripe's `read_method` of the next cards (contactless_emv),
  "cvm": their `cardholder_verification_method` (none),
  "reset": true (forget the action and the log)}. `GET /_readers` returns the
  reader and a log of what the terminal asked of it.
- Faults, queued through `POST /_faults` (JSON list) and consumed in order by
  matching requests:
    {"path": "/v1/payment_intents", "method": "POST", "kind": K, "ms": N, "status": S}
  kinds: "delay_before" (wait, then handle), "delay_after" (handle, then wait
  before answering), "status_before" (answer S without handling),
  "status_after" (handle, then answer S instead, saved for the key like
  Stripe does), "reset_after" (handle, then drop the connection unanswered),
  "patch_after" (handle, then deep-merge the fault's "patch" object into the
  JSON answer: fields Stripe sends and localstripe does not, e.g. a charge's
  `outcome` and card `checks`), "huge_after" (handle, then answer 200 with a
  valid JSON body of "mb" MiB, streamed without a length), "endless_pages"
  (answer a list page of one PaymentIntent that always says `has_more`),
  "tls_refuse" (no path: the next TLS handshake is refused with a
  handshake_failure alert, as a broken middlebox or a swapped certificate
  would). A fault with "repeat": true stays queued; one with "then": [...]
  queues those faults when it fires.
  "status_before" is answered ahead of the idempotency replay, as Stripe's
  rate limiter and load balancers answer before the API runs.
  `GET /_faults` returns how many are still queued and how many fired;
  `DELETE /_faults` clears.
- Stripe.js (https://docs.stripe.com/js): localstripe's own stand-in at
  `/js.stripe.com/v3/` mounts plain inputs into the page and cannot create
  a payment method. Here `/js.stripe.com/v3/` serves tests/gateway/stripe_js/
  instead: the card element is an iframe of this origin, which itself posts
  the card to `POST /v1/payment_methods` with the publishable key (Stripe
  takes a publishable key there; localstripe takes only secret keys, so
  that one route also takes `pk_` keys here).
- Rolled keys (https://docs.stripe.com/keys#rolling-keys): `POST /_keys`
  {"revoke": KEY} makes every later request with KEY a 401
  `api_key_expired`, as Stripe answers once a rolled key's expiry passes.

usage: localstripe_launcher.py PORT [CERT_PEM KEY_PEM [tls1.0]]
("tls1.0": a server that speaks only TLS 1.0, which the terminal must refuse.)
Prints "ready" once listening.
"""
import asyncio
import json
import os
import ssl
import sys
import zlib

from localstripe import resources

# localstripe pickles its whole state to a fixed temp file after every write
# and reloads it at start; tests need isolated, in-memory state.
resources.Store.dump_to_disk = lambda self: None
resources.Store.try_load_from_disk = lambda self: None



def _created_bounds(created):
    """The `created` filter of a Stripe list: `gt`/`gte`/`lt`/`lte`, Unix seconds."""
    bounds = created if isinstance(created, dict) else {}
    tests = {"gt": lambda c, v: c > v, "gte": lambda c, v: c >= v,
             "lt": lambda c, v: c < v, "lte": lambda c, v: c <= v}
    if set(bounds) - set(tests):
        raise resources.UserError(400, 'Bad request')
    return lambda obj: all(tests[op](obj.created, int(val)) for op, val in bounds.items())


def _list_payment_intents(cls, url, created=None, limit=None, starting_after=None, **kwargs):
    if kwargs:
        raise resources.UserError(400, 'Unexpected ' + ', '.join(kwargs.keys()))
    within = _created_bounds(created)
    li = resources.List(url, limit=limit, starting_after=starting_after)
    li._list = [v for k, v in resources.store.items() if k.startswith('payment_intent:') and within(v)]
    li._list.sort(key=lambda pi: pi.created, reverse=True)
    return li


_list_refunds = resources.Refund._api_list_all


def _list_refunds_by_created(cls, url, created=None, **kwargs):
    # Stripe lists refunds by `created` too (https://docs.stripe.com/api/refunds/list);
    # localstripe does not.
    within = _created_bounds(created)
    li = _list_refunds.__func__(cls, url, **kwargs)
    li._list = [r for r in li._list if within(r)]
    return li


resources.Refund._api_list_all = classmethod(_list_refunds_by_created)
resources.PaymentIntent._api_list_all = classmethod(_list_payment_intents)

_charge_capture = resources.Charge._capture


def _capture(self, amount, on_success=None):
    def done():
        for key in [k for k, r in resources.store.items()
                    if k.startswith('refund:') and r.charge == self.id]:
            del resources.store[key]
        self.amount_captured = self.amount if amount is None else int(amount)
        if on_success:
            on_success()
    return _charge_capture(self, amount, on_success=done)


resources.Charge._capture = _capture

_export = resources.PaymentIntent._export


CARD_DETAILS = os.environ.get("LOCALSTRIPE_CARD_DETAILS") == "1"
_CARDS = {}


def _card_of(pm_id):
    """The card of a PaymentMethod, looked up once per id: localstripe turns
    a test id (`pm_card_visa`) into a new stored object on every lookup."""
    if not isinstance(pm_id, str):
        return None
    if pm_id not in _CARDS:
        try:
            _CARDS[pm_id] = resources.PaymentMethod._api_retrieve(pm_id).card
        except Exception:  # no such PaymentMethod, or not a card
            _CARDS[pm_id] = None
    return _CARDS[pm_id]


def _export_payment_intent(self, expand=None):
    obj = _export(self, expand=expand)
    charge = getattr(self, 'latest_charge', None)
    if obj.get('status') == 'succeeded' and isinstance(charge, resources.Charge):
        obj['amount_received'] = getattr(charge, 'amount_captured', charge.amount)
    # Stripe's charge carries the card it was made with
    # (`payment_method_details.card`); localstripe's does not, which costs
    # every keyed charge a second request for the PaymentMethod. The
    # benchmarks turn this on (LOCALSTRIPE_CARD_DETAILS=1) to time the
    # requests Stripe would see; the suite keeps localstripe's answers,
    # which also cover the terminal's fetch of the PaymentMethod.
    exported = obj.get('latest_charge')
    if CARD_DETAILS and isinstance(exported, dict) and not exported.get('payment_method_details'):
        card = _card_of(getattr(self, 'payment_method', None))
        if isinstance(card, dict):
            exported['payment_method_details'] = {
                "type": "card",
                "card": {k: card.get(k) for k in ("brand", "last4", "exp_month", "exp_year", "funding", "country")},
            }
    return obj


resources.PaymentIntent._export = _export_payment_intent

# A class default makes the field known to localstripe's update check; an
# update then stores it on the object, and it is exported like any field.
resources.PaymentIntent.receipt_email = None

import time  # noqa: E402

# The reader and its scripted customer (see tests/gateway/README.md).
READER = {"id": "tmr_sim_counter", "object": "terminal.reader", "label": "Counter",
          "status": "online", "device_type": "simulated_wisepos_e", "action": None,
          "livemode": False, "location": None, "metadata": {}, "serial_number": "sim-counter-0001",
          "device_sw_version": "2.37.2.0", "ip_address": "0.0.0.0", "last_seen_at": None}
SCRIPT = {"card": "visa", "tap_after_ms": None, "customer_cancel_after_ms": None, "process": [],
          "race_cancel": False, "capture_window_s": 2 * 24 * 3600,
          "read_method": "contactless_emv", "cvm": "none"}
LOG = {"process": [], "present": 0, "cancel_action": [], "cancelled": [], "reads": 0}
# PaymentIntent id -> what the reader read, exported as Stripe's card_present details.
CARD_PRESENT = {}
# PaymentIntent id -> card: a tap that lands just before that PaymentIntent is cancelled.
RACES = {}

# The networks' application identifiers (EMV tag 84) by brand.
AIDS = {"visa": "A0000000031010", "mastercard": "A0000000041010"}

# Card-present test cards (brand, last 4) and the decline code each produces.
# Stripe produces the PIN declines with test amounts; here they are named.
CARDS = {
    "visa": ("visa", "4242", None),
    "mastercard": ("mastercard", "4444", None),
    "declined": ("visa", "0002", "generic_decline"),
    "generic_decline": ("visa", "0002", "generic_decline"),
    "insufficient_funds": ("visa", "9995", "insufficient_funds"),
    "lost_card": ("visa", "9987", "lost_card"),
    "stolen_card": ("visa", "9979", "stolen_card"),
    "expired_card": ("visa", "0069", "expired_card"),
    "incorrect_pin": ("visa", "4242", "incorrect_pin"),
    "pin_try_exceeded": ("visa", "4242", "pin_try_exceeded"),
    "offline_pin_required": ("visa", "4242", "offline_pin_required"),
    "online_or_offline_pin_required": ("visa", "4242", "online_or_offline_pin_required"),
}


def _tap(pi_id, card):
    """The customer presents `card` for `pi_id`: the PaymentIntent is
    confirmed as a card_present payment and the reader's action ends."""
    brand, last4, decline = CARDS.get(card, CARDS["visa"])
    act = READER["action"]
    ours = act is not None and act["process_payment_intent"]["payment_intent"] == pi_id
    pi = resources.PaymentIntent._api_retrieve(pi_id)
    if pi.status != "requires_payment_method":
        # Cancelled meanwhile (or already paid): the reader cannot confirm it.
        if ours and act["status"] == "in_progress":
            READER["action"] = dict(act, status="failed", failure_code="payment_intent_unexpected_state",
                                    failure_message="The PaymentIntent can no longer be confirmed.")
        return
    pm = "pm_card_chargeCustomerFail" if decline else "pm_card_visa"
    pi.payment_method = resources.PaymentMethod._api_retrieve(pm).id
    now = int(time.time())
    CARD_PRESENT[pi_id] = {
        "brand": brand, "last4": last4, "exp_month": 12, "exp_year": 2034, "decline": decline,
        "read_method": SCRIPT["read_method"], "cvm": SCRIPT["cvm"],
        "pi": pi_id,
        "capture_before": now + int(SCRIPT["capture_window_s"]) if pi.capture_method == "manual" else None,
    }
    try:
        pi._confirm(on_failure_now=pi._report_failure)
        result = {"status": "succeeded"}
    except resources.UserError:
        result = {"status": "failed", "failure_code": "card_declined", "failure_message": "The card was declined."}
    if ours:
        READER["action"] = dict(act, **result)


def _card_present(d):
    return {
        "type": "card_present",
        "card_present": {
            "brand": d["brand"], "last4": d["last4"], "exp_month": d["exp_month"], "exp_year": d["exp_year"],
            "funding": "credit", "network": d["brand"], "read_method": d["read_method"],
            "capture_before": d["capture_before"],
            "incremental_authorization_supported": False, "overcapture_supported": False,
            "receipt": {
                "account_type": "credit", "application_cryptogram": "7F1A2B3C4D5E6F70",
                "application_preferred_name": d["brand"].upper() + " CREDIT",
                "authorization_code": None if d["decline"] else "%06d" % (zlib.crc32(d["pi"].encode()) % 1000000),
                "authorization_response_code": "3035" if d["decline"] else "3030",
                "cardholder_verification_method": d["cvm"],
                "dedicated_file_name": AIDS.get(d["brand"], AIDS["visa"]),
                "terminal_verification_results": "0000008000",
                "transaction_status_information": "0000",
            },
        },
    }


def _reader_payment_export(obj):
    """A PaymentIntent paid on the reader, as Stripe reports it."""
    d = CARD_PRESENT.get(obj.get("id"))
    if d is None:
        return obj
    obj["payment_method_types"] = ["card_present"]
    charge = obj.get("latest_charge")
    if isinstance(charge, dict):
        charge["payment_method_details"] = _card_present(d)
        if d["decline"]:
            charge["failure_code"] = "card_declined"
            charge["outcome"] = {"network_status": "declined_by_network", "type": "issuer_declined",
                                 "reason": d["decline"]}
    if d["decline"] and obj.get("status") == "requires_payment_method":
        obj["last_payment_error"] = {"type": "card_error", "code": "card_declined", "decline_code": d["decline"],
                                     "message": "Your card was declined.",
                                     "charge": charge.get("id") if isinstance(charge, dict) else charge}
    return obj


_init_before_reader = resources.PaymentIntent.__init__


def _init_keeping_types(self, payment_method_types=None, payment_method_options=None, **kwargs):
    # Stripe returns `payment_method_types` as created (card_present for a
    # reader payment); localstripe accepts the field and drops it.
    _init_before_reader(self, payment_method_types=payment_method_types, **kwargs)
    self.payment_method_types = list(payment_method_types or ["card"])
    # The options asked for (e.g. `card[moto]` on a phone order), kept as
    # sent so a test can read what the terminal asked; localstripe drops
    # them, and Stripe answers with its own view of them.
    self.payment_method_options = payment_method_options or {}


resources.PaymentIntent.__init__ = _init_keeping_types

_export_before_reader = resources.PaymentIntent._export
resources.PaymentIntent._export = lambda self, expand=None: _reader_payment_export(
    _export_before_reader(self, expand=expand))


def _wrap_extra_api(path, wrap):
    for i, (method, url, func) in enumerate(resources.extra_apis):
        if method == "POST" and url == path:
            resources.extra_apis[i] = (method, url, wrap(func))


def _cancel_racing_a_tap(cancel):
    def f(id=None, **kwargs):
        if id in RACES:
            _tap(id, RACES.pop(id))
        try:
            return cancel(id=id, **kwargs)
        except resources.UserError as e:
            if e.code == 400 and "code" not in e.body["error"]:
                e.body["error"]["code"] = "payment_intent_unexpected_state"
            raise
    return f


def _capture_before_deadline(capture):
    # An uncaptured card-present payment can be captured only until its
    # charge's `payment_method_details.card_present.capture_before`.
    def f(id=None, **kwargs):
        d = CARD_PRESENT.get(id)
        if d and d["capture_before"] is not None and time.time() > d["capture_before"]:
            raise resources.UserError(400, "This PaymentIntent could not be captured because its authorization "
                                      "has expired.", {"code": "charge_expired_for_capture"})
        return capture(id=id, **kwargs)
    return f


# Stripe takes `metadata` on capture and merges it into the PaymentIntent's
# (https://docs.stripe.com/api/payment_intents/capture#capture_payment_intent-metadata);
# localstripe refuses it. The route table is built from `extra_apis` when the
# server module is imported below, so the entry is replaced first.
_pi_capture = resources.PaymentIntent._api_capture


def _capture_with_metadata(id, metadata=None, **kwargs):
    obj = _pi_capture(id, **kwargs)
    if isinstance(metadata, dict):
        obj.metadata = {**(obj.metadata or {}), **metadata}
    return obj


resources.extra_apis[:] = [(m, u, _capture_with_metadata if f == _pi_capture else f)
                           for m, u, f in resources.extra_apis]


# Routes are built from `extra_apis` when the server module is imported below.
_wrap_extra_api("/v1/payment_intents/{id}/cancel", _cancel_racing_a_tap)
_wrap_extra_api("/v1/payment_intents/{id}/capture", _capture_before_deadline)

from aiohttp import web  # noqa: E402
from localstripe import server as _server  # noqa: E402
from localstripe.server import app  # noqa: E402

_secret_key_of = _server.get_api_key


def _api_key(request):
    """localstripe's key check, and a publishable key where Stripe takes one."""
    key = _secret_key_of(request)
    bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if key is None and request.method == "POST" and request.path == "/v1/payment_methods" and bearer.startswith("pk_"):
        return bearer
    return key


_server.get_api_key = _api_key

STRIPE_JS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stripe_js")
STRIPE_JS_FILES = {"": ("v3.js", "application/javascript"),
                   "card-frame.html": ("card-frame.html", "text/html"),
                   "card-frame.js": ("card-frame.js", "application/javascript")}


def _stripe_js(request):
    name, kind = STRIPE_JS_FILES.get(request.path.removeprefix("/js.stripe.com/v3/"), (None, None))
    if name is None:
        return web.Response(status=404)
    with open(os.path.join(STRIPE_JS, name), encoding="utf-8") as f:
        return web.Response(text=f.read(), content_type=kind)

FAULTS = []
FIRED = {}  # kind -> how many times a fault of that kind was applied
SAVED = {}  # idempotency key -> (fingerprint, status, body)
RUNNING = set()
REVOKED = set()


def _error(status, kind, message):
    body = json.dumps({"error": {"type": kind, "message": message}})
    return web.Response(status=status, text=body, content_type="application/json")


def _merge(into, patch):
    for k, v in patch.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v


def _fired(fault):
    FIRED[fault["kind"]] = FIRED.get(fault["kind"], 0) + 1
    # Faults armed only once this one fires (a TLS refusal for the retry
    # that follows a timeout, say).
    FAULTS.extend(fault.get("then", []))
    return fault


def _take_fault(request):
    for i, f in enumerate(FAULTS):
        if f["kind"] == "tls_refuse":
            continue
        if f.get("method", "POST") == request.method and request.path.startswith(f.get("path", "/v1/")):
            return _fired(f if f.get("repeat") else FAULTS.pop(i))
    return None


def _sni(_sslobj, server_name, _ctx):
    """Called on every handshake (with or without SNI): refuses one if armed.
    The test harness's own connections (named control.test) are never refused."""
    if server_name == "control.test":
        return None
    for i, f in enumerate(FAULTS):
        if f["kind"] == "tls_refuse":
            _fired(FAULTS.pop(i))
            return ssl.ALERT_DESCRIPTION_HANDSHAKE_FAILURE
    return None


async def _huge(request, mb):
    resp = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    await resp.write(b'{"object": "list", "data": [], "has_more": false, "pad": "')
    chunk = b"x" * (1 << 20)
    try:
        for _ in range(mb):
            await resp.write(chunk)
        await resp.write(b'"}')
        await resp.write_eof()
    except (ConnectionError, asyncio.CancelledError):
        pass  # the client hung up, as it should
    return resp


def _endless_page():
    pi = {"id": "pi_endless_%d" % FIRED.get("endless_pages", 0), "object": "payment_intent",
          "amount": 100, "currency": "usd", "status": "canceled", "created": 1,
          "metadata": {}, "latest_charge": None}
    return web.json_response({"object": "list", "data": [pi], "has_more": True,
                              "url": "/v1/payment_intents"})


def _lapse_expired_authorisations():
    """Stripe cancels an uncaptured card-present payment once its
    `capture_before` has passed (cancellation_reason `automatic`)."""
    now = time.time()
    for pi_id, d in CARD_PRESENT.items():
        if d["capture_before"] is None or now <= d["capture_before"] or d.get("lapsed"):
            continue
        pi = resources.PaymentIntent._api_retrieve(pi_id)
        if pi.status == "requires_capture":
            resources.PaymentIntent._api_cancel(pi_id)
            pi.cancellation_reason = "automatic"
        d["lapsed"] = True


@web.middleware
async def faults_and_idempotency(request, handler):
    if request.path.startswith(("/_faults", "/_readers", "/_keys")):
        return await handler(request)
    if request.path.startswith("/js.stripe.com/v3/"):
        return _stripe_js(request)
    _lapse_expired_authorisations()
    bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if bearer in REVOKED:
        body = {"error": {"type": "invalid_request_error", "code": "api_key_expired",
                          "message": "Expired API Key provided: " + bearer[:8] + "***" + bearer[-4:]}}
        return web.json_response(body, status=401)
    fault = _take_fault(request)
    kind = fault["kind"] if fault else None
    if kind == "status_before":
        # Not acted on: Stripe does not save such an answer for the key.
        kinds = {429: "rate_limit_error", 401: "invalid_request_error"}
        return _error(fault["status"], kinds.get(fault["status"], "api_error"), "injected")
    if kind == "endless_pages":
        return _endless_page()
    key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
    body = await request.read() if key else b""
    fingerprint = (request.path, body)
    if key is not None:
        if key in RUNNING:
            return _error(409, "idempotency_error", "A request with this key is in progress.")
        if key in SAVED:
            saved_fp, status, text = SAVED[key]
            if saved_fp != fingerprint:
                return _error(400, "idempotency_error", "Keys must be used with the same parameters.")
            return web.Response(status=status, text=text, content_type="application/json",
                                headers={"Idempotent-Replayed": "true"})
        RUNNING.add(key)
    try:
        if kind == "delay_before":
            await asyncio.sleep(fault["ms"] / 1000)
        terminal = request.path.startswith(("/v1/terminal/", "/v1/test_helpers/terminal/"))
        response = await (terminal_double(request) if terminal else handler(request))
        status, text = response.status, response.text
        if kind == "patch_after":
            data = json.loads(text)
            _merge(data, fault["patch"])
            text = json.dumps(data)
        if kind == "status_after":
            status = fault["status"]
            text = json.dumps({"error": {"type": "api_error", "message": "injected after acting"}})
        if key is not None:
            SAVED[key] = (fingerprint, status, text)
        if kind == "huge_after":
            return await _huge(request, int(fault.get("mb", 100)))
        if kind == "delay_after":
            await asyncio.sleep(fault["ms"] / 1000)
        if kind == "reset_after":
            request.transport.abort()
            raise asyncio.CancelledError()
        return web.Response(status=status, text=text, content_type="application/json")
    finally:
        if key is not None:
            RUNNING.discard(key)


def _reader_error(code, message):
    return web.json_response({"error": {"type": "invalid_request_error", "code": code, "message": message}},
                             status=400)


def _later(ms, fn, *args):
    if ms is not None:
        asyncio.get_event_loop().call_later(int(ms) / 1000, fn, *args)


def _tap_if_waiting(pi_id, card):
    act = READER["action"]
    if (READER["status"] == "online" and act and act["status"] == "in_progress"
            and act["process_payment_intent"]["payment_intent"] == pi_id):
        try:
            _tap(pi_id, card)
        except resources.UserError:
            pass


def _customer_cancels(pi_id):
    # A failure on the reader itself: Stripe leaves the PaymentIntent as it
    # was (`requires_payment_method`) and reports the failure on the action.
    act = READER["action"]
    if act and act["status"] == "in_progress" and act["process_payment_intent"]["payment_intent"] == pi_id:
        READER["action"] = dict(act, status="failed", failure_code="customer_canceled",
                                failure_message="The customer canceled the payment on the reader.")


def _start_action(pi_id):
    READER["action"] = {"type": "process_payment_intent", "status": "in_progress",
                        "failure_code": None, "failure_message": None,
                        "process_payment_intent": {"payment_intent": pi_id}}
    card = SCRIPT["card"]
    if card != "none":
        _later(SCRIPT["tap_after_ms"], _tap_if_waiting, pi_id, card)
    _later(SCRIPT["customer_cancel_after_ms"], _customer_cancels, pi_id)


async def terminal_double(request):
    """The Terminal endpoints the terminal uses, from Stripe's documentation."""
    try:
        return await _terminal(request)
    except resources.UserError as e:
        return web.json_response(e.body, status=e.code)


async def _terminal(request):
    parts = request.path.strip("/").split("/")
    if request.method == "GET" and parts == ["v1", "terminal", "readers"]:
        return web.json_response({"object": "list", "data": [READER], "has_more": False,
                                  "url": "/v1/terminal/readers"})
    reader_id = parts[3] if len(parts) > 3 and parts[1] == "terminal" else (parts[4] if len(parts) > 4 else "")
    if reader_id != READER["id"]:
        return web.json_response({"error": {"type": "invalid_request_error", "code": "resource_missing",
                                            "message": "No such reader"}}, status=404)
    action = parts[-1]
    if request.method == "GET":
        LOG["reads"] += 1
        return web.json_response(READER)
    form = await request.post()
    if action == "process_payment_intent":
        pi_id = form.get("payment_intent", "")
        LOG["process"].append(pi_id)
        if READER["status"] != "online":
            return _reader_error("terminal_reader_offline", "Reader is offline.")
        if READER["action"] and READER["action"]["status"] == "in_progress":
            return _reader_error("terminal_reader_busy", "Reader is currently busy processing another request.")
        pi = resources.PaymentIntent._api_retrieve(pi_id)
        if pi.status != "requires_payment_method":
            return _reader_error("payment_intent_unexpected_state",
                                 "The PaymentIntent is in the wrong state for this action.")
        answer = SCRIPT["process"].pop(0) if SCRIPT["process"] else "ok"
        if answer != "timeout_undelivered":
            _start_action(pi_id)
        if answer.startswith("timeout"):
            # The reader did not answer Stripe in time: it may or may not have
            # received the action.
            return _reader_error("terminal_reader_timeout", "The reader did not respond in time.")
        return web.json_response(READER)
    if action == "cancel_action":
        act = READER["action"]
        LOG["cancel_action"].append(act["process_payment_intent"]["payment_intent"] if act else None)
        if READER["status"] != "online":
            return _reader_error("terminal_reader_offline", "Reader is offline.")
        if not act or act["status"] != "in_progress":
            return _reader_error("terminal_reader_invalid_state", "The reader has no action in progress.")
        if SCRIPT["race_cancel"]:
            # A card is being read: the cancel is refused and the payment
            # goes through moments later.
            SCRIPT["race_cancel"] = False
            card = SCRIPT["card"] if SCRIPT["card"] != "none" else "visa"
            RACES[act["process_payment_intent"]["payment_intent"]] = card
            return _reader_error("terminal_reader_busy", "The reader is processing a payment and cannot cancel.")
        LOG["cancelled"].append(act["process_payment_intent"]["payment_intent"])
        READER["action"] = None
        return web.json_response(READER)
    if action == "present_payment_method":
        LOG["present"] += 1
        if not READER["device_type"].startswith("simulated_"):
            return _reader_error("terminal_reader_invalid_state",
                                 "Test helpers can only be used with simulated readers.")
        act = READER["action"]
        if not act or act["status"] != "in_progress":
            return _reader_error("terminal_reader_invalid_state", "No payment is waiting on the reader.")
        if SCRIPT["card"] != "none":
            _tap(act["process_payment_intent"]["payment_intent"], SCRIPT["card"])
        return web.json_response(READER)
    return web.json_response({"error": {"type": "invalid_request_error", "message": "Unknown action"}},
                             status=404)


async def readers_post(request):
    body = await request.json()
    for field in ("status", "device_type"):
        READER[field] = body.get(field, READER[field])
    for field in ("card", "tap_after_ms", "customer_cancel_after_ms", "process", "race_cancel",
                  "capture_window_s", "read_method", "cvm"):
        if field in body:
            SCRIPT[field] = body[field]
    if body.get("reset"):
        READER["action"] = None
        LOG.update({"process": [], "present": 0, "cancel_action": [], "cancelled": [], "reads": 0})
    # Going offline keeps the action, as Stripe does: it is still the reader's.
    return web.json_response(READER)


async def readers_get(_request):
    return web.json_response({"reader": READER, "log": LOG})


async def keys_post(request):
    REVOKED.add((await request.json())["revoke"])
    return web.json_response({"revoked": len(REVOKED)})


async def faults_get(_request):
    return web.json_response({"queued": len(FAULTS), "fired": FIRED})


async def faults_post(request):
    FAULTS.extend(await request.json())
    return web.json_response({"queued": len(FAULTS)})


async def faults_delete(_request):
    FAULTS.clear()
    return web.json_response({"queued": 0})


def main():
    port = int(sys.argv[1])
    ctx = None
    if len(sys.argv) >= 4:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if sys.argv[4:] == ["tls1.0"]:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        ctx.sni_callback = _sni
    # Outermost, so faults and replays wrap localstripe's own handling.
    app.middlewares.insert(0, faults_and_idempotency)
    app.router.add_get("/_faults", faults_get)
    app.router.add_post("/_faults", faults_post)
    app.router.add_delete("/_faults", faults_delete)
    app.router.add_post("/_readers", readers_post)
    app.router.add_get("/_readers", readers_get)
    app.router.add_post("/_keys", keys_post)
    web.run_app(app, host="127.0.0.1", port=port, ssl_context=ctx,
                access_log=None, print=lambda *_: print("ready", flush=True))


if __name__ == "__main__":
    main()
