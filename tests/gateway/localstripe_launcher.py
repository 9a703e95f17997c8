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

usage: localstripe_launcher.py PORT [CERT_PEM KEY_PEM]
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

from aiohttp import web  # noqa: E402
from localstripe.server import app  # noqa: E402

FAULTS = []
SAVED = {}  # idempotency key -> (fingerprint, status, body)
RUNNING = set()


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
    if request.path.startswith("/_faults"):
        return await handler(request)
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
        response = await handler(request)
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
    if len(sys.argv) == 4:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    # Outermost, so faults and replays wrap localstripe's own handling.
    app.middlewares.insert(0, faults_and_idempotency)
    app.router.add_get("/_faults", faults_get)
    app.router.add_post("/_faults", faults_post)
    app.router.add_delete("/_faults", faults_delete)
    web.run_app(app, host="127.0.0.1", port=port, ssl_context=ctx,
                access_log=None, print=lambda *_: print("ready", flush=True))


if __name__ == "__main__":
    main()
