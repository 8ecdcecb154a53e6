"""HTTP plumbing: a threaded HTTP/1.1 server, routing, errors in the wire formats
botocore parses, and the realism knobs (latency, throttling, faults)."""

from __future__ import annotations

import json
import logging
import random
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ssotui.emulator.state import State

log = logging.getLogger(__name__)

PORTAL_NS = "com.amazonaws.switchboard.portal"
# OIDC error bodies carry an OAuth error string; the exception name goes in the header.
OAUTH_ERRORS = {
    "AuthorizationPendingException": "authorization_pending",
    "SlowDownException": "slow_down",
    "ExpiredTokenException": "expired_token",
    "AccessDeniedException": "access_denied",
    "InvalidClientException": "invalid_client",
    "InvalidGrantException": "invalid_grant",
    "InvalidRequestException": "invalid_request",
    "InvalidScopeException": "invalid_scope",
    "UnsupportedGrantTypeException": "unsupported_grant_type",
    "UnauthorizedClientException": "unauthorized_client",
    "InvalidClientMetadataException": "invalid_client_metadata",
    "InvalidRedirectUriException": "invalid_redirect_uri",
    "InternalServerException": "server_error",
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> dict[str, Any]:
        if not self.body:
            return {}
        try:
            data = json.loads(self.body)
        except ValueError as exc:
            raise ApiError(400, "InvalidRequestException", "Malformed JSON body") from exc
        if not isinstance(data, dict):
            raise ApiError(400, "InvalidRequestException", "Body must be a JSON object")
        return data

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: dict[str, Any], status: int = 200) -> Response:
        return cls(status, json.dumps(data).encode())

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode(), "text/html; charset=utf-8")

    @classmethod
    def redirect(cls, location: str) -> Response:
        return cls(302, b"", "text/plain", {"Location": location})


#: (method, path) -> (operation name for stats or None, is_portal, handler)
Route = tuple[str | None, bool, Callable[[State, Request, str], Response]]


def error_response(err: ApiError, portal: bool) -> Response:
    if portal:
        body: dict[str, Any] = {"__type": f"{PORTAL_NS}#{err.code}", "message": err.message}
    else:
        body = {"error": OAUTH_ERRORS.get(err.code, "invalid_request"),
                "error_description": err.message}
    resp = Response.json(body, err.status)
    resp.headers["x-amzn-ErrorType"] = f"{err.code}:"
    return resp


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: botocore pools connections
    server_version = "ssotui-emulator"
    # A buffered writer sends headers and body in one segment: two small writes on
    # a keep-alive socket meet Nagle + delayed ACK and cost ~40 ms per request.
    wbufsize = 1 << 16
    server: EmulatorHTTPServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        state = self.server.state
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request(self.command, split.path, query,
                      {k.lower(): v for k, v in self.headers.items()}, body)
        route = self.server.routes.get((self.command, split.path))
        if route is None:
            self._send(Response.json({"message": f"No route for {self.command} {split.path}"}, 404))
            return
        op, portal, handler = route
        if op:
            state.count(op)
        state.enter()
        try:
            self._handle(state, req, portal, handler)
        finally:
            state.leave()

    def _handle(self, state: State, req: Request, portal: bool,
                handler: Callable[[State, Request, str], Response]) -> None:
        if state.latency_ms > 0:  # sleeps on this request's own thread only
            time.sleep(state.latency_ms / 1000.0 * random.uniform(0.8, 1.2))
        if portal and state.fault_rate > 0 and random.random() < state.fault_rate:
            state.note_fault()
            if random.random() < 0.5:
                self._drop()
                return
            err = ApiError(500, "InternalServerException", "Injected fault")
            self._send(error_response(err, portal))
            return
        if portal and not state.take_token():
            self._send(error_response(ApiError(429, "TooManyRequestsException",
                                               "Too many requests"), portal))
            return
        try:
            resp = handler(state, req, self.server.url)
        except ApiError as err:
            resp = error_response(err, portal)
        except Exception:  # a bug in the emulator: report it as the service would
            log.exception("emulator handler failed")
            resp = error_response(ApiError(500, "InternalServerException", "Internal error"),
                                  portal)
        self._send(resp)

    def _send(self, resp: Response) -> None:
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for name, value in resp.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(resp.body)
        self.wfile.flush()

    def _drop(self) -> None:
        """Close the connection without answering (a dropped request)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], state: State, routes: dict[tuple[str, str], Route]):
        self.state = state
        self.routes = routes
        self.url = ""
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(addr, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conns_lock:
            self._conns.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conns_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (faults, cancelled listings, shutdown) are normal here;
        # anything else is a real emulator bug and still gets its traceback.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            return
        super().handle_error(request, client_address)

    def close_all(self) -> None:
        """Drop idle keep-alive connections so their threads end with the server."""
        with self._conns_lock:
            conns = list(self._conns)
            self._conns.clear()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
