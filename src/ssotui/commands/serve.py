"""`ssotui serve ACCOUNT ROLE`: a container credentials endpoint for one role.

botocore and the AWS SDKs read `AWS_CONTAINER_CREDENTIALS_FULL_URI` and send
`AWS_CONTAINER_AUTHORIZATION_TOKEN` as the `Authorization` header; the answer is
JSON with AccessKeyId, SecretAccessKey, Token and Expiration, and they come back
before Expiration (botocore: 15 minutes before). Every answer comes through the
shared cache (core.credcache), so credentials are renewed once fewer than
credcache.MARGIN remain, and the SSO token is refreshed as it ages.

Loopback only unless --allow-non-loopback (botocore takes plain http only from
loopback hosts anyway). A random token is required on every request, compared in
constant time; a request without it or with another gets 401 and a log line that
never holds the header's value.
"""

from __future__ import annotations

import argparse
import errno
import hmac
import ipaddress
import json
import secrets
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any

from ssotui.commands import creds as creds_cmd
from ssotui.core import credcache, exports
from ssotui.core.errors import RuntimeFailure, SsotuiError, UsageError
from ssotui.core.text import shown


def _say(text: str) -> None:
    print(f"ssotui serve: {text}", file=sys.stderr, flush=True)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Source:
    """The role's current credentials, renewed through the shared cache (one renewal
    at a time; the portal clients are made once)."""

    def __init__(self, first: creds_cmd.Fetched) -> None:
        self.wanted = first.wanted
        self.account_id = first.account_id
        self._clients: Any = None
        self._lock = threading.Lock()

    def current(self) -> Any:
        w = self.wanted
        with self._lock:
            hit = credcache.cached(w.session, self.account_id, w.role)
            if hit is not None:
                return hit
            from ssotui.core.clients import make_clients
            from ssotui.core.tokens import ensure_token

            if self._clients is None:
                self._clients = make_clients(w.session)
            token = ensure_token(w.session, self._clients)
            return credcache.get(w.session, self._clients, token, self.account_id, w.role)


def answer(creds: Any) -> bytes:
    """The container provider's JSON (what ECS and EKS serve)."""
    return json.dumps({
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key,
        "Token": creds.session_token,
        "Expiration": exports.expiration_iso(creds),
    }).encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "ssotui-serve"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # one line per request of our own (below), never the headers

    def do_GET(self) -> None:
        given = self.headers.get("Authorization")
        if given is None or not hmac.compare_digest(given.encode("utf-8", "replace"),
                                                    self.server.token.encode()):
            why = "no Authorization header" if given is None else "a wrong token"
            self._send(401, {"message": "unauthorized"})
            _say(f"401 for {self.client_address[0]}: {why}")
            return
        try:
            creds = self.server.source.current()
        except SsotuiError as exc:
            self._send(503, {"message": "credentials unavailable"})
            _say(f"503: {exc}")
            return
        self._send(200, answer(creds))
        _say(f"200 for {self.client_address[0]}: {self.server.label}, "
             f"expires {exports.expiration_iso(creds)}")

    def _send(self, status: int, body: bytes | dict[str, str]) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    token: str
    source: Source
    label: str


def _bind(host: str, port: int) -> _Server:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    cls = type("_BoundServer", (_Server,), {"address_family": family})
    try:
        return cls((host, port), _Handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise RuntimeFailure(f"port {port} on {host} is in use (another `ssotui serve`?); "
                                 "choose another --port or stop that one") from None
        raise RuntimeFailure(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _check(args: argparse.Namespace) -> None:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: give a port from 0 to 65535 (0: a free one)")
    if not is_loopback(args.host) and not args.allow_non_loopback:
        raise UsageError(
            f"--host {shown(args.host)} is not a loopback address: anyone who reaches it "
            "with the token gets the credentials (and SDKs take plain http only from "
            "loopback); pass --allow-non-loopback to listen there anyway")


def run(args: argparse.Namespace) -> int:
    _check(args)
    w = creds_cmd.wanted(args)
    first = creds_cmd.credentials(w, yes=bool(getattr(args, "yes", False)))  # an unknown role or no sign-in fails before listening
    server = _bind(args.host, args.port)
    server.token = secrets.token_urlsafe(32)
    server.source = Source(first)
    server.label = f"{first.account_id}/{shown(w.role)}"
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{server.server_address[1]}/"
    print(f"export AWS_CONTAINER_CREDENTIALS_FULL_URI={url}\n"
          f"export AWS_CONTAINER_AUTHORIZATION_TOKEN={server.token}\n"
          "# docker run --rm --network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI "
          "-e AWS_CONTAINER_AUTHORIZATION_TOKEN amazon/aws-cli sts get-caller-identity",
          flush=True)
    _say(f"serving {server.label} on {url} (Ctrl-C stops)")

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        _say("stopped")
    finally:
        server.server_close()
    return 0
