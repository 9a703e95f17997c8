"""A TLS listener that stands in for a gateway at an address a terminal was
pointed to: it answers every request with a Stripe-shaped 401 and remembers
each request's path and Authorization header. `GET /_seen` returns what it
saw (that request itself is not recorded). Tests use it to check, from the
listener's side, that a gateway key is never sent to an address it was not
checked against.

usage: recorder.py PORT CERT KEY
"""
import ssl
import sys

from aiohttp import web

seen = []


async def seen_get(_request):
    return web.json_response(seen)


async def anything(request):
    seen.append({
        "method": request.method,
        "path": request.path,
        "authorization": request.headers.get("Authorization"),
    })
    return web.json_response(
        {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}},
        status=401,
    )


def main():
    port = int(sys.argv[1])
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    app = web.Application()
    app.router.add_get("/_seen", seen_get)
    app.router.add_route("*", "/{tail:.*}", anything)
    web.run_app(app, host="127.0.0.1", port=port, ssl_context=ctx,
                access_log=None, print=lambda *_: print("ready", flush=True))


if __name__ == "__main__":
    main()
