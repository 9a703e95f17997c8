"""Starts the test gateway: localstripe (an independent Stripe fake) behind
two layers written from Stripe's documented behaviour for what localstripe
lacks, bound to 127.0.0.1 only, state in memory only, optionally over TLS.

- Idempotency (https://docs.stripe.com/api/idempotent_requests): the first
  answer to a POST with an `Idempotency-Key` is saved, whatever its status,
  and replayed for later requests with the same key and parameters; the same
  key with other parameters is a 400 `idempotency_error`; a request while the
  first with that key is still running is a 409.
- Listing PaymentIntents by `created` (https://docs.stripe.com/api/payment_intents/list):
  localstripe's list refuses the filter; here it keeps `gt`/`gte`/`lt`/`lte`
  (Unix seconds) and returns newest first, as Stripe does.
- Captured amounts (https://docs.stripe.com/api/payment_intents/object#payment_intent_object-amount_received):
  localstripe records a partial capture as a refund of the rest; Stripe
  keeps no such refund and reports `amount_received` on the PaymentIntent
  (and `amount_captured` on the charge). Both are reproduced here.
- `receipt_email` on a PaymentIntent (https://docs.stripe.com/api/payment_intents/update):
  localstripe refuses the field; here it is kept and returned (no email is sent).
- Stripe Terminal, server-driven (https://docs.stripe.com/terminal/payments/collect-card-payment?terminal-sdk-platform=server-driven),
  which localstripe lacks entirely: one simulated reader `tmr_sim_counter`;
  `GET /v1/terminal/readers[/{id}]`, `POST …/process_payment_intent`
  (action `in_progress`; 400 `terminal_reader_offline` when offline, 400
  `terminal_reader_busy` with an action running), `POST …/cancel_action`, and
  the test helper `POST /v1/test_helpers/terminal/readers/{id}/present_payment_method`
  (confirms the PaymentIntent with Stripe's test card; the action then
  `succeeded`, or `failed` with `card_declined`). `POST /_readers` sets the
  reader for the next payment: {"status": "online"|"offline",
  "card": "visa"|"declined"|"none"} ("none": the customer never taps).
- Faults, queued through `POST /_faults` (JSON list) and consumed in order by
  matching requests:
    {"path": "/v1/payment_intents", "method": "POST", "kind": K, "ms": N, "status": S}
  kinds: "delay_before" (wait, then handle), "delay_after" (handle, then wait
  before answering), "status_before" (answer S without handling),
  "status_after" (handle, then answer S instead, saved for the key like
  Stripe does), "reset_after" (handle, then drop the connection unanswered),
  "patch_after" (handle, then deep-merge the fault's "patch" object into the
  JSON answer: fields Stripe sends and localstripe does not, e.g. a charge's
  `outcome` and card `checks`).
  `GET /_faults` returns how many are still queued; `DELETE /_faults` clears.
- Rolled keys (https://docs.stripe.com/keys#rolling-keys): `POST /_keys`
  {"revoke": KEY} makes every later request with KEY a 401
  `api_key_expired`, as Stripe answers once a rolled key's expiry passes.

usage: localstripe_launcher.py PORT [CERT_PEM KEY_PEM [tls1.0]]
("tls1.0": a server that speaks only TLS 1.0, which the terminal must refuse.)
Prints "ready" once listening.
"""
import asyncio
import json
import ssl
import sys

from localstripe import resources

# localstripe pickles its whole state to a fixed temp file after every write
# and reloads it at start; tests need isolated, in-memory state.
resources.Store.dump_to_disk = lambda self: None
resources.Store.try_load_from_disk = lambda self: None



def _list_payment_intents(cls, url, created=None, limit=None, starting_after=None, **kwargs):
    if kwargs:
        raise resources.UserError(400, 'Unexpected ' + ', '.join(kwargs.keys()))
    bounds = created if isinstance(created, dict) else {}
    tests = {"gt": lambda c, v: c > v, "gte": lambda c, v: c >= v,
             "lt": lambda c, v: c < v, "lte": lambda c, v: c <= v}
    if set(bounds) - set(tests):
        raise resources.UserError(400, 'Bad request')
    li = resources.List(url, limit=limit, starting_after=starting_after)
    li._list = [v for k, v in resources.store.items() if k.startswith('payment_intent:')
                and all(tests[op](v.created, int(val)) for op, val in bounds.items())]
    li._list.sort(key=lambda pi: pi.created, reverse=True)
    return li


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


def _export_payment_intent(self, expand=None):
    obj = _export(self, expand=expand)
    charge = getattr(self, 'latest_charge', None)
    if obj.get('status') == 'succeeded' and isinstance(charge, resources.Charge):
        obj['amount_received'] = getattr(charge, 'amount_captured', charge.amount)
    return obj


resources.PaymentIntent._export = _export_payment_intent

# A class default makes the field known to localstripe's update check; an
# update then stores it on the object, and it is exported like any field.
resources.PaymentIntent.receipt_email = None

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

from aiohttp import web  # noqa: E402
from localstripe.server import app  # noqa: E402

FAULTS = []
READER = {"id": "tmr_sim_counter", "object": "terminal.reader", "label": "Counter",
          "status": "online", "device_type": "simulated_wisepos_e", "action": None}
READER_CARD = {"card": "visa"}
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


def _take_fault(request):
    for i, f in enumerate(FAULTS):
        if f.get("method", "POST") == request.method and request.path.startswith(f.get("path", "/v1/")):
            return FAULTS.pop(i)
    return None


@web.middleware
async def faults_and_idempotency(request, handler):
    if request.path.startswith(("/_faults", "/_readers", "/_keys")):
        return await handler(request)
    bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if bearer in REVOKED:
        body = {"error": {"type": "invalid_request_error", "code": "api_key_expired",
                          "message": "Expired API Key provided: " + bearer[:8] + "***" + bearer[-4:]}}
        return web.json_response(body, status=401)
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
        fault = _take_fault(request)
        kind = fault["kind"] if fault else None
        if kind == "delay_before":
            await asyncio.sleep(fault["ms"] / 1000)
        if kind == "status_before":
            # Not acted on: Stripe does not save such an answer for the key.
            return _error(fault["status"], "api_error" if fault["status"] >= 500 else "rate_limit_error",
                          "injected")
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


async def terminal_double(request):
    """The Terminal endpoints the terminal uses, from Stripe's documentation."""
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
        return web.json_response(READER)
    form = await request.post()
    if action == "process_payment_intent":
        if READER["status"] != "online":
            return _reader_error("terminal_reader_offline", "Reader is offline.")
        if READER["action"] and READER["action"]["status"] == "in_progress":
            return _reader_error("terminal_reader_busy", "Reader is busy.")
        resources.PaymentIntent._api_retrieve(form.get("payment_intent", ""))
        READER["action"] = {"type": "process_payment_intent", "status": "in_progress",
                            "failure_code": None, "failure_message": None,
                            "process_payment_intent": {"payment_intent": form.get("payment_intent")}}
        return web.json_response(READER)
    if action == "cancel_action":
        if READER["action"] and READER["action"]["status"] == "in_progress":
            READER["action"] = dict(READER["action"], status="failed", failure_code="action_canceled",
                                    failure_message="Canceled by the terminal.")
        return web.json_response(READER)
    if action == "present_payment_method":
        act = READER["action"]
        if not act or act["status"] != "in_progress":
            return _reader_error("terminal_reader_invalid_state", "No payment is waiting on the reader.")
        if READER_CARD["card"] == "none":
            return web.json_response(READER)
        pi = resources.PaymentIntent._api_retrieve(act["process_payment_intent"]["payment_intent"])
        test_pm = "pm_card_visa" if READER_CARD["card"] == "visa" else "pm_card_chargeCustomerFail"
        pi.payment_method = resources.PaymentMethod._api_retrieve(test_pm).id
        try:
            pi._confirm(on_failure_now=pi._report_failure)
            READER["action"] = dict(act, status="succeeded")
        except resources.UserError:
            READER["action"] = dict(act, status="failed", failure_code="card_declined",
                                    failure_message="The card was declined.")
        return web.json_response(READER)
    return web.json_response({"error": {"type": "invalid_request_error", "message": "Unknown action"}},
                             status=404)


async def readers_post(request):
    body = await request.json()
    READER["status"] = body.get("status", READER["status"])
    READER_CARD["card"] = body.get("card", READER_CARD["card"])
    READER["action"] = None
    return web.json_response(READER)


async def keys_post(request):
    REVOKED.add((await request.json())["revoke"])
    return web.json_response({"revoked": len(REVOKED)})


async def faults_get(_request):
    return web.json_response({"queued": len(FAULTS)})


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
    # Outermost, so faults and replays wrap localstripe's own handling.
    app.middlewares.insert(0, faults_and_idempotency)
    app.router.add_get("/_faults", faults_get)
    app.router.add_post("/_faults", faults_post)
    app.router.add_delete("/_faults", faults_delete)
    app.router.add_post("/_readers", readers_post)
    app.router.add_post("/_keys", keys_post)
    web.run_app(app, host="127.0.0.1", port=port, ssl_context=ctx,
                access_log=None, print=lambda *_: print("ready", flush=True))


if __name__ == "__main__":
    main()
