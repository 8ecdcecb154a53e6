"""Sign-in against hostile or broken surroundings, over real HTTP to the emulator:
forged loopback callbacks, revoked registrations, a failed login for a new session,
a fixed callback port, and the forced browser flow."""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import REGION, START_URL
from interop import aws_env as child_aws_env
from interop import child_env
from ssotui.core import login, login_pkce, tokens
from ssotui.core.clients import make_clients
from test_login import CORP, Browser, _get, _replace_query, _run

TIMEOUT = 30.0  # a broken flow fails the test instead of waiting 10 minutes


def _callback_port(url: str) -> int:
    port = urlsplit(parse_qs(urlsplit(url).query)["redirect_uri"][0]).port
    assert port
    return port


# ---------------------------------------------------------------- loopback callbacks


def test_forged_error_with_wrong_state_is_ignored(aws_env: object) -> None:
    real = Browser()

    def browser(url: str) -> bool:
        port = _callback_port(url)
        status, _, body = _get(f"http://127.0.0.1:{port}/oauth/callback?error=access_denied"
                               "&state=forged")
        assert status == 400 and "did not match" in body
        status, _, _ = _get(f"http://127.0.0.1:{port}/oauth/callback?error=access_denied")
        assert status == 400  # no state at all: ignored too
        return real(url)

    events = _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=browser,
                                  timeout=TIMEOUT))
    assert isinstance(events[-1], login.Done), events
    assert real.pages[0][0] == 200


def test_error_with_the_right_state_ends_the_flow_shown_inert(aws_env: object) -> None:
    evil = "bad\x1b]52;c;ZWNobyBwd25lZA==\x07\r\nthing\u202e"
    browser = Browser(tamper=lambda loc: _replace_query(loc, error=evil, code=""))
    events = _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=browser,
                                  timeout=TIMEOUT))
    last = events[-1]
    assert isinstance(last, login.Failed), events
    assert "sign-in failed in the browser" in last.reason
    assert "\\x1b]52;c;ZWNobyBwd25lZA==\\x07\\x0d\\x0athing\\u202e" in last.reason
    assert last.reason.isprintable()
    assert browser.pages[0][0] == 400
    assert not tokens.token_path(CORP).exists()


def _reset(sock: socket.socket) -> None:
    """Close with a TCP RST (SO_LINGER 0), as a crashing client does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def test_resets_and_half_requests_print_nothing(aws_env: object,
                                                capfd: pytest.CaptureFixture[str]) -> None:
    real = Browser()

    def browser(url: str) -> bool:
        port = _callback_port(url)
        half = socket.create_connection(("127.0.0.1", port), timeout=5)
        half.sendall(b"GET /oauth/callback?code=x&st")
        _reset(half)
        truncated = socket.create_connection(("127.0.0.1", port), timeout=5)
        truncated.sendall(b"GET /oauth/callback?code=x&state=y HTTP/1.1\r\nHost: 127.0")
        truncated.close()
        early = socket.create_connection(("127.0.0.1", port), timeout=5)
        early.sendall(b"GET /oauth/callback?state=nope HTTP/1.1\r\nHost: x\r\n\r\n")
        _reset(early)
        time.sleep(0.5)  # let the server's threads meet the resets before the real redirect
        return real(url)

    events = _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=browser,
                                  timeout=TIMEOUT))
    assert isinstance(events[-1], login.Done), events
    time.sleep(0.3)
    out, err = capfd.readouterr()
    assert "Traceback" not in err and "Exception" not in err, err
    assert out == ""


# ---------------------------------------------------------------- fixed port


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_fixed_callback_port(aws_env: object) -> None:
    port = _free_port()
    browser = Browser()
    events = _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=browser,
                                  timeout=TIMEOUT, port=port))
    assert isinstance(events[0], login.ShowUrl) and events[0].callback_port == port
    assert _callback_port(browser.urls[0]) == port
    assert isinstance(events[-1], login.Done), events


def test_fixed_callback_port_in_use_fails_in_one_line(aws_env: object) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        events = _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=Browser(),
                                      timeout=TIMEOUT, port=port))
    last = events[-1]
    assert isinstance(last, login.Failed) and f"127.0.0.1:{port}" in last.reason
    assert "\n" not in last.reason


# ---------------------------------------------------------------- revoked registrations


def test_device_flow_registers_again_when_the_cached_client_is_revoked(
        aws_env: object) -> None:
    assert isinstance(_run(login.device_flow(CORP, make_clients(CORP)))[-1], login.Done)
    first = tokens.load_registration(CORP, auth_code=False)
    assert first is not None
    assert aws_env.revoke_clients() == 1  # type: ignore[attr-defined]
    events = _run(login.device_flow(CORP, make_clients(CORP)))
    assert isinstance(events[-1], login.Done), events
    again = tokens.load_registration(CORP, auth_code=False)
    assert again is not None and again.client_id != first.client_id
    assert aws_env.calls["RegisterClient"] == 2  # type: ignore[attr-defined]


def test_device_flow_registers_again_when_revoked_while_waiting(aws_env: object) -> None:
    aws_env.approve_mode = "manual"  # type: ignore[attr-defined]
    codes: list[str] = []
    events: list[login.Event] = []
    for event in login.device_flow(CORP, make_clients(CORP)):
        events.append(event)
        if isinstance(event, login.ShowCode):
            codes.append(event.user_code)
            if len(codes) == 1:
                aws_env.revoke_clients()  # type: ignore[attr-defined]
            else:
                assert aws_env.approve(event.user_code)  # type: ignore[attr-defined]
    assert len(codes) == 2 and codes[0] != codes[1]
    assert isinstance(events[-1], login.Done), events


def test_device_flow_gives_up_after_one_new_registration(aws_env: object) -> None:
    aws_env.approve_mode = "manual"  # type: ignore[attr-defined]
    events: list[login.Event] = []
    for event in login.device_flow(CORP, make_clients(CORP)):
        events.append(event)
        if isinstance(event, login.ShowCode):
            aws_env.revoke_clients()  # type: ignore[attr-defined]
    last = events[-1]
    assert isinstance(last, login.Failed) and "InvalidClientException" in last.reason
    assert aws_env.calls["RegisterClient"] == 2  # type: ignore[attr-defined]


def test_pkce_registers_again_when_create_token_refuses_the_client(aws_env: object) -> None:
    real = Browser()
    calls: list[str] = []

    def browser(url: str) -> bool:
        calls.append(url)
        if len(calls) == 1:  # revoked between the browser step and CreateToken
            status, location, _ = _get(url)
            assert status in (302, 303)
            aws_env.revoke_clients()  # type: ignore[attr-defined]
            assert _get(location)[0] == 200
            return True
        return real(url)

    events = _run(login.pkce_flow(CORP, make_clients(CORP), open_browser=browser,
                                  timeout=TIMEOUT))
    assert isinstance(events[-1], login.Done), events
    assert len(calls) == 2
    assert aws_env.calls["RegisterClient"] == 2  # type: ignore[attr-defined]


# ---------------------------------------------------------------- new sso-session


def test_failed_login_for_a_new_session_writes_no_config(
        aws_env: object, isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ssotui.cli import main

    config = isolated_home / ".aws" / "config"
    before = config.read_bytes()
    aws_env.approve_mode = "manual"  # type: ignore[attr-defined]
    aws_env.device_expires_in = 1  # type: ignore[attr-defined]
    args = ["login", "--sso-session", "z", "--start-url", START_URL, "--region", REGION,
            "--device-code"]
    assert main(args) == 1
    assert "login failed" in capsys.readouterr().err
    assert config.read_bytes() == before
    # signed in, the new block is written
    aws_env.approve_mode = "auto"  # type: ignore[attr-defined]
    aws_env.device_expires_in = 600  # type: ignore[attr-defined]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "Added [sso-session z]" in err and "Signed in to sso-session z" in err
    after = config.read_text()
    assert after.startswith(before.decode()) and "[sso-session z]" in after


# ---------------------------------------------------------------- forced browser flow


def test_login_help_documents_the_new_options() -> None:
    proc = subprocess.run([sys.executable, "-m", "ssotui", "login", "--help"],
                          env=child_env({}), capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0
    assert "--browser-flow" in proc.stdout and "--callback-port PORT" in proc.stdout
    assert "ssh -L" in proc.stdout


def test_forced_browser_flow_over_ssh_with_a_fixed_port(aws_env: object,
                                                        isolated_home: Path) -> None:
    port = _free_port()
    env = child_aws_env(isolated_home, aws_env.url,  # type: ignore[attr-defined]
                        SSH_CONNECTION="10.0.0.1 5000 10.0.0.2 22", DISPLAY="")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ssotui", "login", "--callback-port", str(port)],
        env=child_env(env), stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        assert proc.stderr is not None
        seen: list[str] = []
        for line in proc.stderr:
            seen.append(line)
            if "/authorize?" in line:
                break
        text = "".join(seen)
        assert f"ssh -L {port}:127.0.0.1:{port}" in text, text
        Browser()(seen[-1].strip())
        rest = proc.stderr.read()
        assert proc.wait(timeout=60) == 0, text + rest
        assert "Signed in to sso-session corp" in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("args,needle", [
    (["--browser-flow", "--device-code"], "not both"),
    (["--callback-port", "70000"], "1 to 65535"),
])
def test_conflicting_flow_options_are_refused(aws_env: object, args: list[str], needle: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from ssotui.cli import main

    assert main(["login", *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1
    assert aws_env.calls.get("RegisterClient", 0) == 0  # type: ignore[attr-defined]


def test_pkce_module_keeps_the_timeout_name() -> None:
    assert login.PKCE_TIMEOUT == login_pkce.PKCE_TIMEOUT
