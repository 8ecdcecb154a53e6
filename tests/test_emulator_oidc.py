"""The OIDC side of the emulator (`sso-oidc`): device flow, PKCE, refresh, errors;
driven through plain boto3 clients found via AWS_ENDPOINT_URL_SSO_OIDC."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ssotui.emulator import Emulator

START_URL = "https://d-emulator.awsapps.com/start"
DEVICE = "urn:ietf:params:oauth:grant-type:device_code"
REDIRECT = "http://127.0.0.1/oauth/callback"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(accounts=5, seed=2) as e:
        yield e


@pytest.fixture
def clients(emu, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", emu.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", emu.url)
    cfg = Config(retries={"mode": "standard", "total_max_attempts": 1})
    return (boto3.client("sso-oidc", region_name="us-east-1", config=cfg),
            boto3.client("sso", region_name="us-east-1", config=cfg))


def register(oidc, **kw):  # type: ignore[no-untyped-def]
    return oidc.register_client(clientName="botocore-client-corp", clientType="public",
                                scopes=["sso:account:access"], **kw)


def start(oidc, reg):  # type: ignore[no-untyped-def]
    return oidc.start_device_authorization(clientId=reg["clientId"],
                                           clientSecret=reg["clientSecret"], startUrl=START_URL)


def poll(oidc, reg, device_code):  # type: ignore[no-untyped-def]
    return oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                             grantType=DEVICE, deviceCode=device_code)


def code_of(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_device_flow_auto_approves_after_first_poll(emu, clients):
    oidc, sso = clients
    reg = register(oidc)
    assert reg["clientSecretExpiresAt"] > reg["clientIdIssuedAt"]
    auth = start(oidc, reg)
    assert auth["verificationUri"] == f"{emu.url}/verify"
    assert auth["verificationUriComplete"] == f"{emu.url}/verify?user_code={auth['userCode']}"
    assert auth["interval"] == 1 and auth["expiresIn"] > 0
    assert len(auth["userCode"]) == 9 and auth["userCode"][4] == "-"
    with pytest.raises(ClientError) as exc:
        poll(oidc, reg, auth["deviceCode"])
    assert code_of(exc) == "AuthorizationPendingException"
    assert type(exc.value).__name__ == "AuthorizationPendingException"
    token = poll(oidc, reg, auth["deviceCode"])
    assert token["tokenType"] == "Bearer"
    assert token["expiresIn"] == emu.token_ttl
    assert token["refreshToken"]
    assert sso.list_accounts(accessToken=token["accessToken"])["accountList"]
    # A device code is good for one token only.
    with pytest.raises(ClientError) as exc:
        poll(oidc, reg, auth["deviceCode"])
    assert code_of(exc) == "InvalidGrantException"
    assert emu.calls["RegisterClient"] == 1
    assert emu.calls["StartDeviceAuthorization"] == 1
    assert emu.calls["CreateToken"] == 3


def test_no_refresh_token_for_a_client_without_scopes(emu, clients):
    oidc, _ = clients
    reg = oidc.register_client(clientName="legacy", clientType="public")
    auth = start(oidc, reg)
    emu.approve(auth["userCode"])
    assert "refreshToken" not in poll(oidc, reg, auth["deviceCode"])


@pytest.fixture
def manual(monkeypatch) -> Iterator[tuple[Emulator, object]]:  # type: ignore[type-arg]
    with Emulator(accounts=3, approve="manual") as e:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", e.url)
        cfg = Config(retries={"mode": "standard", "total_max_attempts": 1})
        yield e, boto3.client("sso-oidc", region_name="us-east-1", config=cfg)


def test_manual_mode_waits_for_approve(manual):
    emu, oidc = manual
    reg = register(oidc)
    auth = start(oidc, reg)
    for _ in range(3):  # stays pending however often it is polled
        with pytest.raises(ClientError) as exc:
            poll(oidc, reg, auth["deviceCode"])
        assert code_of(exc) == "AuthorizationPendingException"
    assert emu.pending_user_codes() == [auth["userCode"]]
    assert emu.approve(auth["userCode"])
    assert poll(oidc, reg, auth["deviceCode"])["accessToken"]


def test_manual_mode_deny(manual):
    emu, oidc = manual
    reg = register(oidc)
    auth = start(oidc, reg)
    assert emu.deny(auth["userCode"])
    with pytest.raises(ClientError) as exc:
        poll(oidc, reg, auth["deviceCode"])
    assert code_of(exc) == "AccessDeniedException"
    assert not emu.approve("ZZZZ-ZZZZ")  # unknown codes are refused


@pytest.mark.parametrize("action,outcome", [("approve", None), ("deny", "AccessDeniedException")])
def test_verify_page_form(manual, action, outcome):
    emu, oidc = manual
    reg = register(oidc)
    auth = start(oidc, reg)
    page = urllib.request.urlopen(auth["verificationUriComplete"], timeout=10).read().decode()
    assert auth["userCode"] in page and "Approve" in page and "Deny" in page
    form = urllib.parse.urlencode({"user_code": auth["userCode"], "action": action}).encode()
    done = urllib.request.urlopen(f"{emu.url}/verify", data=form, timeout=10).read().decode()
    assert ("approved" if action == "approve" else "denied") in done
    if outcome is None:
        assert poll(oidc, reg, auth["deviceCode"])["accessToken"]
    else:
        with pytest.raises(ClientError) as exc:
            poll(oidc, reg, auth["deviceCode"])
        assert code_of(exc) == outcome


def test_verify_page_unknown_code(emu):
    form = urllib.parse.urlencode({"user_code": "NOPE-NOPE", "action": "approve"}).encode()
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(f"{emu.url}/verify", data=form, timeout=10)
    assert exc.value.code == 404


def test_slow_down_and_expired_device_code(emu, clients):
    oidc, _ = clients
    reg = register(oidc)
    auth = start(oidc, reg)
    emu.slow_down_next = 2
    for _ in range(2):
        with pytest.raises(ClientError) as exc:
            poll(oidc, reg, auth["deviceCode"])
        assert code_of(exc) == "SlowDownException"
    emu.device_expires_in = -1
    auth = start(oidc, reg)
    with pytest.raises(ClientError) as exc:
        poll(oidc, reg, auth["deviceCode"])
    assert code_of(exc) == "ExpiredTokenException"


@pytest.mark.parametrize("kwargs,code", [
    ({"clientSecret": "wrong"}, "InvalidClientException"),
    ({"clientId": "unknown"}, "InvalidClientException"),
    ({"deviceCode": "unknown"}, "InvalidGrantException"),
    ({"deviceCode": None}, "InvalidRequestException"),
    ({"grantType": "password"}, "UnsupportedGrantTypeException"),
    ({"grantType": "refresh_token", "deviceCode": None, "refreshToken": "bad"},
     "InvalidGrantException"),
])
def test_create_token_errors(clients, kwargs, code):
    oidc, _ = clients
    reg = register(oidc)
    auth = start(oidc, reg)
    call = {"clientId": reg["clientId"], "clientSecret": reg["clientSecret"],
            "grantType": DEVICE, "deviceCode": auth["deviceCode"], **kwargs}
    call = {k: v for k, v in call.items() if v is not None}
    with pytest.raises(ClientError) as exc:
        oidc.create_token(**call)
    assert code_of(exc) == code
    assert type(exc.value).__name__ == code
    status = 401 if code == "InvalidClientException" else 400
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_oauth_error_body_on_the_wire(emu, clients):
    oidc, _ = clients
    reg = register(oidc)
    auth = start(oidc, reg)
    body = json.dumps({"clientId": reg["clientId"], "clientSecret": reg["clientSecret"],
                       "grantType": DEVICE, "deviceCode": auth["deviceCode"]}).encode()
    req = urllib.request.Request(f"{emu.url}/token", data=body,
                                 headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(req, timeout=10)
    assert exc.value.code == 400
    assert exc.value.headers["x-amzn-ErrorType"].split(":")[0] == "AuthorizationPendingException"
    payload = json.loads(exc.value.read())
    assert payload["error"] == "authorization_pending" and payload["error_description"]


def test_expired_registration_is_an_invalid_client(emu, clients):
    oidc, _ = clients
    emu.registration_ttl = -1
    reg = register(oidc)
    with pytest.raises(ClientError) as exc:
        start(oidc, reg)
    assert code_of(exc) == "InvalidClientException"


def test_refresh_grant_issues_a_working_token_and_dies_with_logout(emu, clients):
    oidc, sso = clients
    reg = register(oidc)
    auth = start(oidc, reg)
    emu.approve(auth["userCode"])
    first = poll(oidc, reg, auth["deviceCode"])
    emu.token_ttl = 60
    new = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                            grantType="refresh_token", refreshToken=first["refreshToken"])
    assert new["accessToken"] != first["accessToken"] and new["expiresIn"] == 60
    assert sso.list_accounts(accessToken=new["accessToken"])["accountList"]
    # Another client may not use this refresh token.
    other = register(oidc)
    with pytest.raises(ClientError) as exc:
        oidc.create_token(clientId=other["clientId"], clientSecret=other["clientSecret"],
                          grantType="refresh_token", refreshToken=first["refreshToken"])
    assert code_of(exc) == "InvalidGrantException"
    sso.logout(accessToken=new["accessToken"])
    for token in (first["accessToken"], new["accessToken"]):
        with pytest.raises(ClientError) as exc:
            sso.list_accounts(accessToken=token)
        assert code_of(exc) == "UnauthorizedException"
    with pytest.raises(ClientError) as exc:
        oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                          grantType="refresh_token", refreshToken=first["refreshToken"])
    assert code_of(exc) == "InvalidGrantException"


# ---- PKCE ---------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def browser_get(url: str) -> tuple[int, str]:
    """What a browser would see first: the status and Location, without following it."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        resp = opener.open(url, timeout=10)
        return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Location") or err.read().decode()


def pkce_pair() -> tuple[str, str]:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    verifier = "".join(secrets.choice(alphabet) for _ in range(64))
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def register_pkce(oidc):  # type: ignore[no-untyped-def]
    return register(oidc, grantTypes=["authorization_code", "refresh_token"],
                    redirectUris=[REDIRECT], issuerUrl=START_URL)


def authorize_url(emu: Emulator, reg, challenge: str, redirect: str, state: str) -> str:  # type: ignore[no-untyped-def]
    return f"{emu.url}/authorize?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": reg["clientId"], "redirect_uri": redirect,
        "state": state, "code_challenge_method": "S256", "scopes": "sso:account:access",
        "code_challenge": challenge})


def get_code(emu: Emulator, reg, challenge: str, redirect: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    status, location = browser_get(authorize_url(emu, reg, challenge, redirect, "st-123"))
    assert status == 302
    assert location.startswith(redirect + "?")
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def test_pkce_flow(emu, clients):
    oidc, sso = clients
    reg = register_pkce(oidc)
    verifier, challenge = pkce_pair()
    redirect = "http://127.0.0.1:45678/oauth/callback"  # any port, as the real service allows
    params = get_code(emu, reg, challenge, redirect)
    assert params["state"] == "st-123" and params["code"]
    token = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                              grantType="authorization_code", redirectUri=redirect,
                              codeVerifier=verifier, code=params["code"])
    assert token["refreshToken"] and token["tokenType"] == "Bearer"
    assert sso.list_accounts(accessToken=token["accessToken"])["accountList"]
    with pytest.raises(ClientError) as exc:  # a code works once
        oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                          grantType="authorization_code", redirectUri=redirect,
                          codeVerifier=verifier, code=params["code"])
    assert code_of(exc) == "InvalidGrantException"


@pytest.mark.parametrize("bad", ["verifier", "redirect", "client"])
def test_pkce_exchange_rejects_mismatches(emu, clients, bad):
    oidc, _ = clients
    reg = register_pkce(oidc)
    verifier, challenge = pkce_pair()
    redirect = "http://127.0.0.1:40001/oauth/callback"
    params = get_code(emu, reg, challenge, redirect)
    call = {"clientId": reg["clientId"], "clientSecret": reg["clientSecret"],
            "grantType": "authorization_code", "redirectUri": redirect,
            "codeVerifier": verifier, "code": params["code"]}
    if bad == "verifier":
        call["codeVerifier"] = pkce_pair()[0]
    elif bad == "redirect":
        call["redirectUri"] = "http://127.0.0.1:40002/oauth/callback"
    else:
        other = register_pkce(oidc)
        call.update(clientId=other["clientId"], clientSecret=other["clientSecret"])
    with pytest.raises(ClientError) as exc:
        oidc.create_token(**call)
    assert code_of(exc) == "InvalidGrantException"


@pytest.mark.parametrize("redirect", [
    "http://evil.example/oauth/callback",
    "https://127.0.0.1:5000/oauth/callback",
    "http://127.0.0.1:5000/elsewhere",
])
def test_authorize_refuses_unregistered_redirects(emu, clients, redirect):
    oidc, _ = clients
    reg = register_pkce(oidc)
    status, body = browser_get(authorize_url(emu, reg, pkce_pair()[1], redirect, "s"))
    assert status == 400 and "redirect" in body.lower()


def test_authorize_unknown_client(emu):
    status, _ = browser_get(authorize_url(emu, {"clientId": "nope"}, "c",
                                          "http://127.0.0.1:1/oauth/callback", "s"))
    assert status == 400


def test_authorize_denied(emu, clients):
    oidc, _ = clients
    reg = register_pkce(oidc)
    emu.deny_authorize = True
    redirect = "http://127.0.0.1:40003/oauth/callback"
    params = get_code(emu, reg, pkce_pair()[1], redirect)
    assert params == {"error": "access_denied", "state": "st-123"}


def test_authorize_manual_page_then_approve(manual):
    emu, oidc = manual
    reg = register_pkce(oidc)
    verifier, challenge = pkce_pair()
    redirect = "http://127.0.0.1:40004/oauth/callback"
    status, page = browser_get(authorize_url(emu, reg, challenge, redirect, "xyz"))
    assert status == 200 and "Approve" in page and "Deny" in page
    fields = {"response_type": "code", "client_id": reg["clientId"], "redirect_uri": redirect,
              "state": "xyz", "code_challenge_method": "S256", "code_challenge": challenge,
              "action": "approve"}
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as exc:
        opener.open(f"{emu.url}/authorize", data=urllib.parse.urlencode(fields).encode())
    location = exc.value.headers["Location"]
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert params["state"] == "xyz"
    token = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                              grantType="authorization_code", redirectUri=redirect,
                              codeVerifier=verifier, code=params["code"])
    assert token["accessToken"]


@pytest.mark.parametrize("kwargs,code", [
    ({"clientType": "confidential"}, "InvalidClientMetadataException"),
    ({"grantTypes": ["authorization_code"]}, "InvalidRequestException"),
    ({"grantTypes": ["authorization_code"], "redirectUris": ["http://evil.example/cb"]},
     "InvalidRedirectUriException"),
    ({"grantTypes": ["password"]}, "UnsupportedGrantTypeException"),
    ({"scopes": ["not a scope"]}, "InvalidScopeException"),
])
def test_register_client_errors(clients, kwargs, code):
    oidc, _ = clients
    call = {"clientName": "x", "clientType": "public", **kwargs}
    with pytest.raises(ClientError) as exc:
        oidc.register_client(**call)
    assert code_of(exc) == code


def test_mint_login_gives_a_refreshable_sign_in(emu, clients):
    oidc, sso = clients
    login = emu.mint_login(ttl=60)
    assert sso.list_accounts(accessToken=login["accessToken"])["accountList"]
    assert login["registrationExpiresAt"] > 0
    new = oidc.create_token(clientId=login["clientId"], clientSecret=login["clientSecret"],
                            grantType="refresh_token", refreshToken=login["refreshToken"])
    assert sso.list_accounts(accessToken=new["accessToken"])["accountList"]
