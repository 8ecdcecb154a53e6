"""Sign-in flows against the emulator over real HTTP; the test plays the browser."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from conftest import REGION, SESSION, START_URL
from ssotui.core import login, tokens
from ssotui.core.clients import make_clients
from ssotui.core.models import SsoSession

CORP = SsoSession(SESSION, START_URL, REGION, scopes=("sso:account:access",))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _get(url: str) -> tuple[int, str, str]:
    """(status, Location header, body) without following redirects."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as resp:
            return resp.status, resp.headers.get("Location", ""), resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Location", ""), err.read().decode()


class Browser:
    """Plays the user's browser: follows /authorize to the loopback callback."""

    def __init__(self, tamper: Callable[[str], str] | None = None) -> None:
        self.tamper = tamper
        self.urls: list[str] = []
        self.pages: list[tuple[int, str]] = []

    def __call__(self, url: str) -> bool:
        self.urls.append(url)
        status, location, body = _get(url)
        assert status in (302, 303), (status, body)
        if self.tamper is not None:
            location = self.tamper(location)
        status, _, body = _get(location)
        self.pages.append((status, body))
        return True


def _replace_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def _run(flow: object) -> list[login.Event]:
    return list(flow)  # type: ignore[call-overload]


# ---------------------------------------------------------------- PKCE


def test_pkce_login_end_to_end(aws_env: object, isolated_home: Path) -> None:
    browser = Browser()
    events = _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=browser))
    assert isinstance(events[0], login.ShowUrl) and events[0].opened
    done = events[-1]
    assert isinstance(done, login.Done), events
    assert browser.pages[0][0] == 200 and "signed in" in browser.pages[0][1]
    # the authorize URL: the emulator's endpoint, plural `scopes`, S256, unpadded challenge
    url = urlsplit(browser.urls[0])
    assert f"{url.scheme}://{url.netloc}" == aws_env.url  # type: ignore[attr-defined]
    assert url.path == "/authorize"
    q = parse_qs(url.query)
    assert q["scopes"] == ["sso:account:access"] and "scope" not in q
    assert q["response_type"] == ["code"] and q["code_challenge_method"] == ["S256"]
    assert len(q["code_challenge"][0]) == 43 and "=" not in q["code_challenge"][0]
    redirect = urlsplit(q["redirect_uri"][0])
    assert redirect.hostname == "127.0.0.1" and redirect.path == "/oauth/callback"
    assert "%3A%2F%2F127.0.0.1%3A" in browser.urls[0]  # percent-encoded redirect_uri
    # the token is cached in the AWS CLI's format, with a refresh token and registration
    body = json.loads(tokens.token_path(CORP).read_text())
    assert body["accessToken"] == done.token.access_token
    assert {"refreshToken", "clientId", "clientSecret", "registrationExpiresAt"} <= set(body)
    reg = json.loads(tokens.registration_path(CORP).read_text())
    assert reg["grantTypes"] == ["authorization_code", "refresh_token"]
    assert reg["scopes"] == ["sso:account:access"]
    # the token works against the portal
    sso = make_clients(CORP).sso
    assert sso.list_accounts(accessToken=done.token.access_token, maxResults=5)["accountList"]
    # the loopback server accepted its one callback and is gone
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", redirect.port or 0), timeout=2).close()


def test_pkce_second_login_reuses_auth_code_registration(aws_env: object) -> None:
    _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=Browser()))
    events = _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=Browser()))
    assert isinstance(events[-1], login.Done)
    assert aws_env.calls["RegisterClient"] == 1  # type: ignore[attr-defined]


def test_pkce_does_not_reuse_device_registration(aws_env: object) -> None:
    assert isinstance(_run(login.device_flow(CORP, make_clients(CORP)))[-1], login.Done)
    assert isinstance(_run(login.pkce_flow(CORP, make_clients(CORP),
                                           open_browser=Browser()))[-1], login.Done)
    assert aws_env.calls["RegisterClient"] == 2  # type: ignore[attr-defined]


def test_pkce_wrong_state_is_ignored_and_the_real_callback_still_signs_in(
        aws_env: object) -> None:
    forged = Browser(tamper=lambda loc: _replace_query(loc, state="forged"))
    real = Browser()

    def browser(url: str) -> bool:
        forged(url)  # another local process answers first, with the wrong state
        assert forged.pages[0][0] == 400 and "did not match" in forged.pages[0][1]
        assert not tokens.token_path(CORP).exists()
        return real(url)

    events = _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=browser, timeout=30))
    assert isinstance(events[-1], login.Done), events
    assert real.pages[0][0] == 200
    assert aws_env.calls["CreateToken"] == 1  # type: ignore[attr-defined]


def test_pkce_denied_consent_fails_and_writes_nothing(aws_env: object) -> None:
    aws_env.deny_authorize = True  # type: ignore[attr-defined]
    browser = Browser()
    events = _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=browser))
    last = events[-1]
    assert isinstance(last, login.Failed) and "denied" in last.reason
    assert browser.pages[0][0] == 400 and "Sign-in failed" in browser.pages[0][1]
    assert not tokens.token_path(CORP).exists()


def test_pkce_stray_requests_do_not_block_the_callback(aws_env: object) -> None:
    def browser(url: str) -> bool:
        redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        port = urlsplit(redirect).port
        assert _get(f"http://127.0.0.1:{port}/favicon.ico")[0] == 404
        # a browser's speculative connection that never sends a request must not block
        idle.append(socket.create_connection(("127.0.0.1", port or 0), timeout=5))
        return Browser()(url)

    idle: list[socket.socket] = []

    events = _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=browser))
    idle[0].close()
    assert isinstance(events[-1], login.Done)


def test_pkce_cancel_and_timeout(aws_env: object) -> None:
    cancel = threading.Event()
    flow = login.pkce_flow(CORP, make_clients(CORP), open_browser=None, cancel=cancel)
    first = next(flow)
    assert isinstance(first, login.ShowUrl) and not first.opened
    cancel.set()
    rest = list(flow)
    assert isinstance(rest[-1], login.Failed) and rest[-1].reason == "cancelled"
    port = urlsplit(parse_qs(urlsplit(first.url).query)["redirect_uri"][0]).port
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port or 0), timeout=2).close()

    events = _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=None, timeout=0.3))
    assert isinstance(events[-1], login.Failed) and "timed out" in events[-1].reason
    assert not tokens.token_path(CORP).exists()


def test_pkce_closing_the_generator_stops_the_server(aws_env: object) -> None:
    flow = login.pkce_flow(CORP, make_clients(CORP), open_browser=None)
    first = next(flow)
    assert isinstance(first, login.ShowUrl)
    flow.close()  # what KeyboardInterrupt in the CLI amounts to
    port = urlsplit(parse_qs(urlsplit(first.url).query)["redirect_uri"][0]).port
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port or 0), timeout=2).close()


# ---------------------------------------------------------------- device code


def test_device_login_auto_approval(aws_env: object) -> None:
    events = _run(login.device_flow(CORP, make_clients(CORP)))
    code = next(e for e in events if isinstance(e, login.ShowCode))
    assert code.verification_uri_complete.endswith(code.user_code)
    assert code.verification_uri_complete.startswith(code.verification_uri)
    done = events[-1]
    assert isinstance(done, login.Done)
    assert tokens.load_token(CORP) == done.token
    assert done.token.refresh_token  # scoped registration -> refreshable
    reg = json.loads(tokens.registration_path(CORP).read_text())
    assert set(reg) == {"clientId", "clientSecret", "expiresAt", "scopes"}


def test_device_login_manual_approval(aws_env: object) -> None:
    aws_env.approve_mode = "manual"  # type: ignore[attr-defined]
    flow = login.device_flow(CORP, make_clients(CORP))
    waits = 0
    for event in flow:
        if isinstance(event, login.ShowCode):
            user_code = event.user_code
        if isinstance(event, login.Waiting):
            waits += 1
            if waits == 2:  # the user approves after a couple of polls
                assert aws_env.approve(user_code)  # type: ignore[attr-defined]
        if isinstance(event, (login.Done, login.Failed)):
            break
    assert isinstance(event, login.Done), event
    assert waits == 2


def test_device_login_denied(aws_env: object) -> None:
    aws_env.approve_mode = "manual"  # type: ignore[attr-defined]
    events: list[login.Event] = []
    for event in login.device_flow(CORP, make_clients(CORP)):
        events.append(event)
        if isinstance(event, login.ShowCode):
            aws_env.deny(event.user_code)  # type: ignore[attr-defined]
    assert isinstance(events[-1], login.Failed) and "denied" in events[-1].reason
    assert not tokens.token_path(CORP).exists()


def test_device_login_slow_down_adds_five_seconds(aws_env: object) -> None:
    aws_env.approve_mode = "manual"  # type: ignore[attr-defined]
    aws_env.slow_down_next = 1  # type: ignore[attr-defined]
    events: list[login.Event] = []
    for event in login.device_flow(CORP, make_clients(CORP)):
        events.append(event)
        if isinstance(event, login.ShowCode):  # approved at once: only slow_down delays us
            aws_env.approve(event.user_code)  # type: ignore[attr-defined]
    intervals = [e.interval for e in events if isinstance(e, login.Waiting)]
    assert intervals == [1 + 5]
    assert isinstance(events[-1], login.Done)


def test_device_code_expiry(aws_env: object) -> None:
    aws_env.approve_mode = "manual"  # type: ignore[attr-defined]
    aws_env.device_expires_in = 1  # type: ignore[attr-defined]
    events = _run(login.device_flow(CORP, make_clients(CORP)))
    last = events[-1]
    assert isinstance(last, login.Failed) and "expired" in last.reason and "start over" in last.reason
    assert not tokens.token_path(CORP).exists()


def test_device_login_cancel(aws_env: object) -> None:
    aws_env.approve_mode = "manual"  # type: ignore[attr-defined]
    cancel = threading.Event()
    events: list[login.Event] = []
    for event in login.device_flow(CORP, make_clients(CORP), cancel=cancel):
        events.append(event)
        if isinstance(event, login.Waiting):
            cancel.set()
    assert isinstance(events[-1], login.Failed) and events[-1].reason == "cancelled"


def test_device_flow_opens_the_complete_url(aws_env: object) -> None:
    opened: list[str] = []
    events = _run(login.device_flow(CORP, make_clients(CORP),
                                    open_browser=lambda u: opened.append(u) or True))
    code = next(e for e in events if isinstance(e, login.ShowCode))
    assert opened == [code.verification_uri_complete]


def test_unreachable_oidc_fails_cleanly(isolated_home: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", f"http://127.0.0.1:{port}")
    events = _run(login.device_flow(CORP, make_clients(CORP)))
    assert len(events) == 1 and isinstance(events[0], login.Failed)
    assert "could not start sign-in" in events[0].reason


# ---------------------------------------------------------------- choosing a flow


@pytest.mark.parametrize("env,platform,container,expected", [
    ({"DISPLAY": ":0"}, "linux", False, True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False, True),
    ({}, "linux", False, False),
    ({"DISPLAY": ":0", "SSH_CONNECTION": "1 2 3 4"}, "linux", False, False),
    ({"SSH_TTY": "/dev/pts/1"}, "darwin", False, False),
    ({}, "darwin", False, True),
    ({}, "win32", False, True),
    ({"DISPLAY": ":0"}, "linux", True, False),
])
def test_browser_available(env: dict[str, str], platform: str, container: bool,
                           expected: bool) -> None:
    assert login.browser_available(env, platform, in_container=container) is expected


def test_container_env_var_means_no_browser() -> None:
    assert not login.browser_available({"DISPLAY": ":0", "container": "podman"}, "linux")


def test_choose_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(login, "browser_available", lambda: True)
    assert login.choose_flow(CORP) == "pkce"
    assert login.choose_flow(CORP, device_code=True) == "device"
    legacy = SsoSession("old", START_URL, REGION, legacy_profile="old")
    assert login.choose_flow(legacy) == "device"  # as the AWS CLI does
    monkeypatch.setattr(login, "browser_available", lambda: False)
    assert login.choose_flow(CORP) == "device"


def test_verifier_and_challenge() -> None:
    v = login.make_verifier()
    assert len(v) == 64 and set(v) <= set(login.VERIFIER_CHARS)
    # RFC 7636 Appendix B's worked example: an outside answer, not our own S256 again
    rfc_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert login.challenge_for(rfc_verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    for verifier in (v, "a" * 64, "-._~" * 16):
        challenge = login.challenge_for(verifier)
        assert len(challenge) == 43 and "=" not in challenge
