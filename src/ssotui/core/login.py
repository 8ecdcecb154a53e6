"""Sign-in flows as generators the CLI and the TUI both drive.

Each flow yields small events and blocks (in the caller's thread: run it in a worker)
only between yields:

    ShowUrl(url, opened)          the browser was (or should be) pointed at url
    ShowCode(user_code, ...)      device flow: the code the user confirms
    Waiting(seconds_left, ...)    still waiting for the user (each poll / each second)
    Done(token)                   signed in; the token is already in the cache
    Failed(reason)                one line, no secrets; nothing was written

Setting the `cancel` Event ends a flow with Failed("cancelled") within a second.
Closing the generator early (KeyboardInterrupt) also shuts the loopback server.

    for event in device_flow(session, clients):
        ...
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import secrets
import string
import sys
import threading
import time
import uuid
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from ssotui.core import awsconfig, tokens
from ssotui.core.models import SsoSession, Token
from ssotui.core.tokens import Registration

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_INTERVAL = 5  # RFC 8628 default when the service sends none
SLOW_DOWN_STEP = 5  # RFC 8628: add 5 s on slow_down
CALLBACK_PATH = "/oauth/callback"
REDIRECT_WITHOUT_PORT = "http://127.0.0.1/oauth/callback"
PKCE_TIMEOUT = 600.0  # the AWS CLI waits 10 minutes for the browser too
VERIFIER_CHARS = string.ascii_letters + string.digits + "-._~"

OpenBrowser = Callable[[str], Any]


@dataclass(frozen=True)
class ShowUrl:
    url: str
    opened: bool


@dataclass(frozen=True)
class ShowCode:
    user_code: str
    verification_uri: str
    verification_uri_complete: str


@dataclass(frozen=True)
class Waiting:
    seconds_left: float
    interval: float = 0.0  # device flow: seconds until the next poll (grows on slow_down)


@dataclass(frozen=True)
class Done:
    token: Token = field(repr=False)


@dataclass(frozen=True)
class Failed:
    reason: str


Event = ShowUrl | ShowCode | Waiting | Done | Failed


def browser_available(
    env: dict[str, str] | None = None,
    platform: str | None = None,
    in_container: bool | None = None,
) -> bool:
    """False where a browser on this machine cannot reach the user: SSH, headless Linux,
    containers. Then the device-code flow is the one that works."""
    env = dict(os.environ) if env is None else env
    platform = platform or sys.platform
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"):
        return False
    if platform.startswith("linux"):
        if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
            return False
        if in_container is None:
            in_container = bool(env.get("container")) or any(
                Path(p).exists() for p in ("/.dockerenv", "/run/.containerenv"))
        if in_container:
            return False
    return True


def default_open_browser(url: str) -> bool:
    try:
        return bool(webbrowser.open_new_tab(url))
    except Exception:  # noqa: BLE001 - any browser failure just means "print the URL"
        return False


def _describe(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code") or "Error"
        msg = err.get("Message") or ""
        return f"{code}: {msg}".rstrip(": ")
    return f"{type(exc).__name__}: {exc}"


def _open(open_browser: OpenBrowser | None, url: str) -> bool:
    if open_browser is None:
        return False
    try:
        return open_browser(url) is not False
    except Exception:  # noqa: BLE001
        return False


# ---------------------------------------------------------------- device code


def _device_registration(session: SsoSession, clients: Any) -> Registration:
    reg = tokens.load_registration(session, auth_code=False)
    if reg is not None:
        return reg
    kwargs: dict[str, Any] = {"clientName": _client_name(session), "clientType": "public"}
    scopes = tokens.registration_scopes(session)
    if scopes:
        kwargs["scopes"] = scopes
    resp = clients.oidc.register_client(**kwargs)
    reg = Registration(
        client_id=resp["clientId"],
        client_secret=resp["clientSecret"],
        expires_at=datetime.fromtimestamp(int(resp["clientSecretExpiresAt"]), UTC),
        scopes=tuple(scopes) if scopes else None,
    )
    tokens.save_registration(session, reg)
    return reg


def _client_name(session: SsoSession) -> str:
    # The AWS CLI uses a timestamp for legacy (session-less) configurations.
    suffix = str(int(time.time())) if session.is_legacy else session.name
    return f"botocore-client-{suffix}"


def device_flow(
    session: SsoSession,
    clients: Any,
    *,
    open_browser: OpenBrowser | None = None,
    cancel: threading.Event | None = None,
) -> Iterator[Event]:
    """RegisterClient, StartDeviceAuthorization, then poll CreateToken (RFC 8628)."""
    cancel = cancel or threading.Event()
    try:
        reg = _device_registration(session, clients)
        auth = clients.oidc.start_device_authorization(
            clientId=reg.client_id, clientSecret=reg.client_secret, startUrl=session.start_url
        )
    except (ClientError, BotoCoreError) as exc:
        yield Failed(f"could not start sign-in: {_describe(exc)}")
        return
    complete = auth.get("verificationUriComplete") or auth["verificationUri"]
    yield ShowCode(auth["userCode"], auth["verificationUri"], complete)
    yield ShowUrl(complete, _open(open_browser, complete))
    interval = float(auth.get("interval") or DEFAULT_INTERVAL)
    deadline = time.monotonic() + float(auth.get("expiresIn") or 600)
    while True:
        if cancel.is_set():
            yield Failed("cancelled")
            return
        now = datetime.now(UTC)
        try:
            resp = clients.oidc.create_token(
                grantType=DEVICE_GRANT,
                clientId=reg.client_id,
                clientSecret=reg.client_secret,
                deviceCode=auth["deviceCode"],
            )
        except clients.oidc.exceptions.AuthorizationPendingException:
            pass
        except clients.oidc.exceptions.SlowDownException:
            interval += SLOW_DOWN_STEP
        except clients.oidc.exceptions.ExpiredTokenException:
            yield Failed("the code expired before it was approved; start over")
            return
        except clients.oidc.exceptions.AccessDeniedException:
            yield Failed("sign-in was denied in the browser")
            return
        except (ClientError, BotoCoreError) as exc:
            yield Failed(f"sign-in failed: {_describe(exc)}")
            return
        else:
            token = tokens.token_for_registration(session, reg, resp, now)
            tokens.save_token(session, token)
            yield Done(token)
            return
        left = deadline - time.monotonic()
        if left <= 0:
            yield Failed("the code expired before it was approved; start over")
            return
        yield Waiting(left, interval)
        if cancel.wait(min(interval, left)):
            yield Failed("cancelled")
            return


# ---------------------------------------------------------------- PKCE


def make_verifier() -> str:
    return "".join(secrets.choice(VERIFIER_CHARS) for _ in range(64))


def challenge_for(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _pkce_registration(session: SsoSession, clients: Any) -> Registration:
    reg = tokens.load_registration(session, auth_code=True)
    if reg is not None:
        return reg
    scopes = tokens.registration_scopes(session) or ["sso:account:access"]
    resp = clients.oidc.register_client(
        clientName=_client_name(session),
        clientType="public",
        grantTypes=list(tokens.AUTH_CODE_GRANTS),
        redirectUris=[REDIRECT_WITHOUT_PORT],
        issuerUrl=session.start_url,
        scopes=scopes,
    )
    reg = Registration(
        client_id=resp["clientId"],
        client_secret=resp["clientSecret"],
        expires_at=datetime.fromtimestamp(int(resp["clientSecretExpiresAt"]), UTC),
        scopes=tuple(scopes),
        grant_types=tokens.AUTH_CODE_GRANTS,
    )
    tokens.save_registration(session, reg)
    return reg


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
    """The one redirect the loopback server accepts: query values or an error."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.code: str | None = None
        self.state: str | None = None
        self.error: str | None = None


class _LoopbackServer(ThreadingHTTPServer):
    # Threads: a browser's idle speculative connection must not block the real callback.
    daemon_threads = True
    callback: _Callback
    expected_state: str


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
        cb = self.server.callback
        with cb.lock:  # exactly one callback counts, even if two arrive together
            if cb.done.is_set():
                self._page(410, "Already used",
                           "This sign-in already finished; return to the terminal.")
                return
            self._accept(cb, parse_qs(parts.query))
            cb.done.set()

    def _accept(self, cb: _Callback, query: dict[str, list[str]]) -> None:
        if "error" in query:
            cb.error = query["error"][0]
            self._page(400, "Sign-in failed", f"The sign-in was not completed ({cb.error}). "
                       "Return to the terminal and try again.")
        elif "code" in query and "state" in query:
            cb.code, cb.state = query["code"][0], query["state"][0]
            if cb.state != self.server.expected_state:
                self._page(400, "Sign-in failed",
                           "The response did not match this sign-in (state mismatch). "
                           "Return to the terminal and try again.")
            else:
                self._page(200, "Signed in",
                           "ssotui is signed in. You can close this tab and return to the terminal.")
        else:
            cb.error = "missing_code"
            self._page(400, "Sign-in failed", "The callback had no code. Try again.")


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
) -> Iterator[Event]:
    """Authorization code with PKCE through a loopback server on 127.0.0.1 only."""
    cancel = cancel or threading.Event()
    timeout = PKCE_TIMEOUT if timeout is None else timeout
    try:
        reg = _pkce_registration(session, clients)
    except (ClientError, BotoCoreError) as exc:
        yield Failed(f"could not start sign-in: {_describe(exc)}")
        return
    callback = _Callback()
    try:
        server = _LoopbackServer(("127.0.0.1", 0), _Handler)
    except OSError as exc:
        yield Failed(f"could not listen on 127.0.0.1 for the browser: {exc.strerror}")
        return
    server.callback = callback
    server.expected_state = str(uuid.uuid4())
    stop = threading.Event()
    thread = threading.Thread(target=_serve, args=(server, stop), daemon=True, name="ssotui-pkce")
    thread.start()
    try:
        redirect_uri = f"http://127.0.0.1:{server.server_address[1]}{CALLBACK_PATH}"
        verifier = make_verifier()
        url = authorize_url(
            oidc_base_url(clients), reg.client_id, redirect_uri, server.expected_state,
            challenge_for(verifier), list(reg.scopes) if reg.scopes else None,
        )
        yield ShowUrl(url, _open(open_browser, url))
        deadline = time.monotonic() + timeout
        while not callback.done.wait(min(1.0, max(0.0, deadline - time.monotonic()))):
            if cancel.is_set():
                yield Failed("cancelled")
                return
            left = deadline - time.monotonic()
            if left <= 0:
                yield Failed("timed out waiting for the browser sign-in")
                return
            yield Waiting(left)
        if callback.error is not None:
            reason = "denied" if callback.error == "access_denied" else callback.error
            yield Failed(f"sign-in failed in the browser ({reason})")
            return
        if callback.state != server.expected_state:
            yield Failed("sign-in failed: the browser's response did not match (state mismatch)")
            return
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
            yield Failed(f"sign-in failed: {_describe(exc)}")
            return
        token = tokens.token_for_registration(session, reg, resp, now)
        tokens.save_token(session, token)
        yield Done(token)
    finally:
        stop.set()
        thread.join(timeout=2)
        server.server_close()


def choose_flow(session: SsoSession, device_code: bool = False) -> str:
    """"device" or "pkce", as the AWS CLI decides plus the no-browser-here cases."""
    if device_code or session.is_legacy or not browser_available():
        return "device"
    return "pkce"


def run_flow(
    session: SsoSession,
    clients: Any,
    *,
    device_code: bool = False,
    open_browser: OpenBrowser | None = default_open_browser,
    cancel: threading.Event | None = None,
) -> Iterator[Event]:
    if choose_flow(session, device_code) == "device":
        return device_flow(session, clients, open_browser=open_browser, cancel=cancel)
    return pkce_flow(session, clients, open_browser=open_browser, cancel=cancel)


# ---------------------------------------------------------------- sign-out


def _cli_cache_keys(session: SsoSession) -> set[str]:
    """Names of `~/.aws/cli/cache` files botocore writes for profiles on this session.

    botocore's SSOCredentialFetcher key: sha1 of compact sorted JSON of roleName,
    accountId and sessionName (startUrl for legacy profiles)."""
    keys: set[str] = set()
    for values in awsconfig.load_profiles().values():
        account, role = values.get("sso_account_id"), values.get("sso_role_name")
        if not account or not role:
            continue
        args: dict[str, str] = {"roleName": role, "accountId": account}
        if session.is_legacy:
            if values.get("sso_session") or values.get("sso_start_url") != session.start_url:
                continue
            args["startUrl"] = session.start_url
        else:
            if values.get("sso_session") != session.name:
                continue
            args["sessionName"] = session.name
        text = json.dumps(args, sort_keys=True, separators=(",", ":"))
        keys.add(hashlib.sha1(text.encode("utf-8")).hexdigest())
    return keys


def clear_cli_cache(session: SsoSession) -> int:
    """Delete the AWS CLI's cached role credentials for this session's profiles.

    Unlike `aws sso logout` (which deletes every `"ProviderType": "sso"` file), only
    files we can tie to this session are removed: other sessions stay signed in."""
    cache = Path(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
    removed = 0
    for key in _cli_cache_keys(session):
        path = cache / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("ProviderType") == "sso":
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def sign_out(session: SsoSession, clients: Any) -> tuple[bool, str | None]:
    """Portal Logout (a 401 means already signed out), delete this session's token file,
    its AWS CLI role-credential cache files and ssotui's listing cache.
    Returns (was signed in, warning)."""
    warning = None
    token = tokens.load_token(session)
    if token is not None:
        try:
            clients.sso.logout(accessToken=token.access_token)
        except ClientError:
            pass  # 401: already signed out or expired; the local sign-out still happens
        except BotoCoreError as exc:
            warning = (f"could not reach the portal to sign out ({type(exc).__name__}); "
                       "removed the local sign-in anyway")
    removed = tokens.delete_token(session)
    clear_cli_cache(session)
    # The account listing belongs to the sign-in: signed out, `ssotui list` must not go
    # on printing the org (nor should anyone else on a shared machine read it).
    from ssotui.core import dircache

    dircache.cache_path(session).unlink(missing_ok=True)
    return removed, warning
