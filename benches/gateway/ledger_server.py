"""A read-only Stripe list server for the shop-day benchmark: a shop's
PaymentIntents and refunds, generated once (seeded), served over TLS on
127.0.0.1 the way Stripe lists them (newest first, `created` filters,
`limit` and `starting_after`), so the terminal's combined day and a plain
listing of the same PaymentIntents read the same pages from the same server.

    ledger_server.py PORT CERT KEY TILLS SALES_PER_DAY DAYS LAST_DAY_START

`LAST_DAY_START` is the Unix second the last day begins (UTC). Each sale
is a succeeded card PaymentIntent with its charge (brand, last 4) and the
metadata a till sends; one in twenty is half refunded a minute later.
`GET /_totals` answers what the lists hold, for the benchmark to check.
"""

import asyncio
import bisect
import json
import os
import random
import ssl
import sys

from aiohttp import web

BRANDS = ["visa", "mastercard", "amex"]


def generate(tills, per_day, days, last_day):
    rng = random.Random(20261203)
    intents, refunds = [], []
    totals = {"sales": 0, "gross": 0, "refunds": 0, "refunded": 0}
    for d in range(days):
        start = last_day - (days - 1 - d) * 86400 + 8 * 3600
        for t in range(tills):
            terminal = f"01930000-0000-7000-8000-00000000000{t}"
            staff = [f"01930000-0000-7000-9000-0000000{t}{s:04d}" for s in range(3)]
            for i in range(per_day):
                created = start + (i * 12 * 3600) // per_day
                amount = 500 + rng.randrange(5000)
                pid = f"pi_{d:02d}{t}{i:05d}"
                brand = BRANDS[rng.randrange(3)]
                intents.append((created, pid, json.dumps({
                    "id": pid, "object": "payment_intent", "amount": amount, "currency": "usd",
                    "status": "succeeded", "amount_received": amount, "created": created,
                    "capture_method": "automatic", "payment_method": f"pm_{pid}",
                    "payment_method_types": ["card"], "last_payment_error": None,
                    "latest_charge": {
                        "id": f"ch_{pid}", "object": "charge", "amount": amount,
                        "amount_captured": amount, "amount_refunded": 0,
                        "payment_method_details": {"type": "card", "card": {
                            "brand": brand, "last4": "4242", "exp_month": 12, "exp_year": 2034}},
                    },
                    "metadata": {"sale_id": f"01930000-0000-7000-a000-{d:02d}{t}{i:09d}",
                                 "terminal_id": terminal, "till_name": f"Till {t + 1}",
                                 "staff_id": staff[i % 3]},
                }, separators=(",", ":"))))
                totals["sales"] += 1
                totals["gross"] += amount
                if i % 20 == 0:
                    rid = f"re_{pid[3:]}"
                    half = amount // 2
                    refunds.append((created + 60, rid, json.dumps({
                        "id": rid, "object": "refund", "amount": half, "currency": "usd",
                        "status": "succeeded", "created": created + 60, "payment_intent": pid,
                        "metadata": {"refund_id": rid, "sale_id": f"s{pid}", "terminal_id": terminal,
                                     "till_name": f"Till {t + 1}", "staff_id": staff[0]},
                    }, separators=(",", ":"))))
                    totals["refunds"] += 1
                    totals["refunded"] += half
    return intents, refunds, totals


class Listing:
    """Objects sorted oldest first; pages are cut newest first, as Stripe's."""

    def __init__(self, items):
        items.sort()
        self.created = [c for c, _, _ in items]
        self.ids = {oid: n for n, (_, oid, _) in enumerate(items)}
        self.bodies = [b for _, _, b in items]

    def page(self, q):
        lo = bisect.bisect_left(self.created, int(q.get("created[gte]", "0")))
        hi = bisect.bisect_left(self.created, int(q.get("created[lt]", str(2**62))))
        after = q.get("starting_after")
        if after is not None:
            hi = min(hi, self.ids.get(after, 0))
        limit = min(int(q.get("limit", "10")), 100)
        first = max(lo, hi - limit)
        data = ",".join(reversed(self.bodies[first:hi]))
        more = "true" if first > lo else "false"
        return f'{{"object":"list","data":[{data}],"has_more":{more}}}'


def main():
    port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    tills, per_day, days, last_day = (int(a) for a in sys.argv[4:8])
    intents, refunds, totals = generate(tills, per_day, days, last_day)
    by_id = {oid: body for _, oid, body in intents}
    lists = {"/v1/payment_intents": Listing(intents), "/v1/refunds": Listing(refunds)}

    async def listing(request):
        text = lists[request.path].page(request.query)
        return web.Response(text=text, content_type="application/json")

    async def intent(request):
        body = by_id.get(request.match_info["id"])
        if body is None:
            return web.json_response({"error": {"type": "invalid_request_error"}}, status=404)
        return web.Response(text=body, content_type="application/json")

    async def balance(_request):
        return web.json_response({"object": "balance", "available": [], "pending": []})

    async def totals_get(_request):
        return web.json_response(totals)

    parent = os.getppid()

    async def follow_parent(_app):
        # A benchmark that stops on a failed step exits at once: the server
        # goes with it rather than outliving it.
        async def watch():
            while os.getppid() == parent:
                await asyncio.sleep(0.5)
            os._exit(0)
        asyncio.get_running_loop().create_task(watch())

    app = web.Application()
    app.on_startup.append(follow_parent)
    app.router.add_get("/v1/payment_intents", listing)
    app.router.add_get("/v1/refunds", listing)
    app.router.add_get("/v1/payment_intents/{id}", intent)
    app.router.add_get("/v1/balance", balance)
    app.router.add_get("/_totals", totals_get)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    web.run_app(app, host="127.0.0.1", port=port, ssl_context=ctx,
                access_log=None, print=lambda *_: print("ready", flush=True))


if __name__ == "__main__":
    main()
