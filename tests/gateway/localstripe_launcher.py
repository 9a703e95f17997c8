"""Starts localstripe for the test suite: bound to 127.0.0.1 only, state in
memory only (no pickle file in the system temp folder), optionally over TLS.

usage: localstripe_launcher.py PORT [CERT_PEM KEY_PEM]
Prints "ready" once listening.
"""
import ssl
import sys

from localstripe import resources

# localstripe pickles its whole state to a fixed temp file after every write
# and reloads it at start; tests need isolated, in-memory state.
resources.Store.dump_to_disk = lambda self: None
resources.Store.try_load_from_disk = lambda self: None

from aiohttp import web  # noqa: E402
from localstripe.server import app  # noqa: E402


def main():
    port = int(sys.argv[1])
    ctx = None
    if len(sys.argv) == 4:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    web.run_app(app, host="127.0.0.1", port=port, ssl_context=ctx,
                access_log=None, print=lambda *_: print("ready", flush=True))


if __name__ == "__main__":
    main()
