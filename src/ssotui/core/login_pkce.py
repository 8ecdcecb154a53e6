"""The browser sign-in: authorization code with PKCE, the redirect caught by a
loopback server on 127.0.0.1 only.

Any local process can reach that port, so only a request carrying this sign-in's
`state` counts: others get a 400 and the flow keeps waiting for the real redirect.
A client that resets or sends half a request costs nothing and prints nothing.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import string
import threading
import time
import uuid
from collections.abc import Generator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from ssotui.core import tokens
from ssotui.core.errors import SsotuiError
from ssotui.core.login_events import (
    Event,
    Failed,
    OpenBrowser,
    ShowUrl,
    Waiting,
    cache_token,
    client_name,
    default_open_browser,
    describe,
    is_invalid_client,
    register,
    try_open,
)
from ssotui.core.models import SsoSession
from ssotui.core.text import shown
from ssotui.core.tokens import Registration

CALLBACK_PATH = "/oauth/callback"
REDIRECT_WITHOUT_PORT = "http://127.0.0.1/oauth/callback"
PKCE_TIMEOUT = 600.0  # the AWS CLI waits 10 minutes for the browser too
VERIFIER_CHARS = string.ascii_letters + string.digits + "-._~"


def make_verifier() -> str:
    return "".join(secrets.choice(VERIFIER_CHARS) for _ in range(64))


def challenge_for(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def pkce_registration(session: SsoSession, clients: Any, *, fresh: bool = False
                      ) -> Registration:
    """The cached auth-code registration, else (or with `fresh`) a new one."""
    reg = None if fresh else tokens.load_registration(session, auth_code=True)
    if reg is not None:
        return reg
    scopes = tokens.registration_scopes(session) or ["sso:account:access"]
    kwargs = {
        "clientName": client_name(session),
        "clientType": "public",
        "grantTypes": list(tokens.AUTH_CODE_GRANTS),
        "redirectUris": [REDIRECT_WITHOUT_PORT],
        "issuerUrl": session.start_url,
        "scopes": scopes,
    }
    return register(session, clients, kwargs, scopes, tokens.AUTH_CODE_GRANTS)


def oidc_base_url(clients: Any) -> str:
    """The OIDC client's resolved endpoint (AWS_ENDPOINT_URL_SSO_OIDC moves it)."""
    parts = urlsplit(clients.oidc.meta.endpoint_url)
    return f"{parts.scheme}://{parts.netloc}"


def authorize_url(
    base: str, client_id: str, redirect_uri: str, state: str, challenge: str,
    scopes: list[str] | None,
) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "code_challenge_method": "S256",
        "scopes": " ".join(scopes or ["sso:account:access"]),
        "code_challenge": challenge,
    }
    # quote_via=quote: spaces as %20, as the AWS CLI's percent_encode_sequence does.
    return f"{base}/authorize?{urlencode(query, quote_via=quote, safe='-._~')}"


_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>ssotui</title></head>
<body style="font-family:sans-serif;margin:3em"><h1>{title}</h1><p>{body}</p></body></html>"""


class _Callback:
    """The one redirect that counts (right state): its code, or its error."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.code: str | None = None
        self.error: str | None = None


class _LoopbackServer(ThreadingHTTPServer):
    # Threads: a browser's idle speculative connection must not block the real callback.
    daemon_threads = True
    callback: _Callback
    expected_state: str

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a reset or half-sent request: nothing to report, the flow keeps waiting


class _Handler(BaseHTTPRequestHandler):
    server: _LoopbackServer
    timeout = 10  # seconds a connection may sit idle

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # the query holds the authorization code: never log it

    def _page(self, status: int, title: str, body: str) -> None:
        data = _PAGE.format(title=html.escape(title), body=html.escape(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self._page(404, "Not found", "This is ssotui's sign-in callback.")
            return
        query = parse_qs(parts.query)
        state = (query.get("state") or [""])[0]
        if not secrets.compare_digest(state.encode(), self.server.expected_state.encode()):
            # not the redirect of this sign-in (a stale tab, another process): ignored
            self._page(400, "Sign-in failed",
                       "The response did not match this sign-in (state mismatch). "
                       "Return to the terminal and try again.")
            return
        cb = self.server.callback
        with cb.lock:  # exactly one callback counts, even if two arrive together
            if cb.done.is_set():
                used = True
            else:
                used = False
                if "error" in query:
                    described = (query.get("error_description") or [""])[0]
                    cb.error = query["error"][0] + (f": {described}" if described else "")
                elif "code" in query:
                    cb.code = query["code"][0]
                else:
                    cb.error = "missing_code"
                cb.done.set()
        if used:
            self._page(410, "Already used",
                       "This sign-in already finished; return to the terminal.")
        elif cb.error is not None:
            self._page(400, "Sign-in failed", f"The sign-in was not completed ({cb.error}). "
                       "Return to the terminal and try again.")
        else:
            self._page(200, "Signed in",
                       "ssotui is signed in. You can close this tab and return to the terminal.")


def _serve(server: _LoopbackServer, stop: threading.Event) -> None:
    server.timeout = 0.2
    while not stop.is_set() and not server.callback.done.is_set():
        server.handle_request()


def pkce_flow(
    session: SsoSession,
    clients: Any,
    *,
    open_browser: OpenBrowser | None = default_open_browser,
    cancel: threading.Event | None = None,
    timeout: float | None = None,
    port: int = 0,
) -> Generator[Event, None, None]:
    """Authorization code with PKCE through a loopback server on 127.0.0.1 only.

    `port`: a fixed callback port (for SSH port forwarding); 0 picks a free one.
    A cached registration the service no longer knows (InvalidClientException) is
    replaced by a new one, once, and the browser step starts again."""
    cancel = cancel or threading.Event()
    timeout = PKCE_TIMEOUT if timeout is None else timeout
    fresh = False
    while True:
        try:
            reg = pkce_registration(session, clients, fresh=fresh)
        except (ClientError, BotoCoreError) as exc:
            yield Failed(f"could not start sign-in: {describe(exc)}")
            return
        except SsotuiError as exc:  # the registration could not be cached
            yield Failed(str(exc))
            return
        refused = yield from _attempt(session, clients, reg, open_browser, cancel, timeout, port)
        if refused is None:
            return
        if fresh:
            yield Failed(f"sign-in failed: {refused}")
            return
        fresh = True


def _attempt(session: SsoSession, clients: Any, reg: Registration,
             open_browser: OpenBrowser | None, cancel: threading.Event, timeout: float,
             port: int) -> Generator[Event, None, str | None]:
    """One browser round trip. Returns None once a final event was yielded, or the
    error text when CreateToken refused the client registration."""
    callback = _Callback()
    try:
        server = _LoopbackServer(("127.0.0.1", port), _Handler)
    except OSError as exc:
        where = f"127.0.0.1:{port}" if port else "127.0.0.1"
        yield Failed(f"could not listen on {where} for the browser: {exc.strerror}")
        return None
    server.callback = callback
    server.expected_state = str(uuid.uuid4())
    stop = threading.Event()
    thread = threading.Thread(target=_serve, args=(server, stop), daemon=True, name="ssotui-pkce")
    thread.start()
    try:
        bound = int(server.server_address[1])
        redirect_uri = f"http://127.0.0.1:{bound}{CALLBACK_PATH}"
        verifier = make_verifier()
        url = authorize_url(
            oidc_base_url(clients), reg.client_id, redirect_uri, server.expected_state,
            challenge_for(verifier), list(reg.scopes) if reg.scopes else None,
        )
        yield ShowUrl(url, try_open(open_browser, url), bound)
        deadline = time.monotonic() + timeout
        while not callback.done.wait(min(1.0, max(0.0, deadline - time.monotonic()))):
            if cancel.is_set():
                yield Failed("cancelled")
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                yield Failed("timed out waiting for the browser sign-in")
                return None
            yield Waiting(left)
        if callback.error is not None:
            error = callback.error
            reason = "denied" if error == "access_denied" else shown(error)[:200]
            yield Failed(f"sign-in failed in the browser ({reason})")
            return None
        now = datetime.now(UTC)
        try:
            resp = clients.oidc.create_token(
                grantType="authorization_code",
                clientId=reg.client_id,
                clientSecret=reg.client_secret,
                redirectUri=redirect_uri,
                codeVerifier=verifier,
                code=callback.code,
            )
        except (ClientError, BotoCoreError) as exc:
            if is_invalid_client(exc):
                return describe(exc)
            yield Failed(f"sign-in failed: {describe(exc)}")
            return None
        yield from cache_token(session, reg, resp, now)
        return None
    finally:
        stop.set()
        thread.join(timeout=2)
        server.server_close()
