"""The `sso-oidc` API: RegisterClient, StartDeviceAuthorization, CreateToken (device
code, authorization code with PKCE, refresh token) and the browser-facing pages
(`/authorize`, `/verify`)."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from ssotui.emulator.server import ApiError, Request, Response
from ssotui.emulator.state import (
    DEFAULT_START_URL,
    AuthCode,
    Client,
    DeviceCode,
    State,
    random_token,
)

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels: no accidental words
# Real scopes look like `sso:account:access` or `codewhisperer:completions`.
SCOPE_RE = re.compile(r"[a-z0-9-]+(:[a-z0-9_*.-]+)+")


def _bad(code: str, message: str, status: int = 400) -> ApiError:
    return ApiError(status, code, message)


def _require(body: dict[str, Any], *names: str) -> None:
    for name in names:
        if not body.get(name):
            raise _bad("InvalidRequestException", f"Missing required parameter: {name}")


def _client(state: State, body: dict[str, Any]) -> Client:
    _require(body, "clientId", "clientSecret")
    with state.lock:
        client = state.clients.get(str(body["clientId"]))
    if client is None or not secrets.compare_digest(client.client_secret,
                                                    str(body["clientSecret"])):
        raise _bad("InvalidClientException", "Invalid client credentials", 401)
    if client.expires_at < time.time():
        raise _bad("InvalidClientException", "Client registration has expired", 401)
    return client


def register_client(state: State, req: Request, base: str) -> Response:
    body = req.json()
    _require(body, "clientName", "clientType")
    if body["clientType"] != "public":
        raise _bad("InvalidClientMetadataException", "clientType must be public")
    grants = list(body.get("grantTypes") or [])
    unknown = set(grants) - {"authorization_code", "refresh_token", DEVICE_GRANT}
    if unknown:
        raise _bad("UnsupportedGrantTypeException", f"Unsupported grant types: {sorted(unknown)}")
    scopes = list(body.get("scopes") or [])
    bad_scopes = [sc for sc in scopes if not SCOPE_RE.fullmatch(str(sc))]
    if bad_scopes:
        raise _bad("InvalidScopeException", f"Invalid scopes: {bad_scopes}")
    redirects = list(body.get("redirectUris") or [])
    if "authorization_code" in grants and not redirects:
        raise _bad("InvalidRequestException", "redirectUris is required for authorization_code")
    for uri in redirects:
        if not _loopback_uri(uri):
            raise _bad("InvalidRedirectUriException", "Redirect URIs must be loopback http URLs")
    issuer = body.get("issuerUrl")
    client = state.register_direct(str(body["clientName"]), scopes, grants, redirects,
                                   str(issuer) if issuer else None)
    return Response.json({
        "clientId": client.client_id,
        "clientSecret": client.client_secret,
        "clientIdIssuedAt": int(client.expires_at) - state.registration_ttl,
        "clientSecretExpiresAt": int(client.expires_at),
    })


def _user_code() -> str:
    pick = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(8))
    return f"{pick[:4]}-{pick[4:]}"


def start_device_authorization(state: State, req: Request, base: str) -> Response:
    body = req.json()
    client = _client(state, body)
    _require(body, "startUrl")
    dc = DeviceCode(
        device_code=random_token("dc", 80),
        user_code=_user_code(),
        client_id=client.client_id,
        start_url=str(body["startUrl"]),
        expires_at=time.time() + state.device_expires_in,
    )
    with state.lock:
        while dc.user_code in state.user_codes:
            dc.user_code = _user_code()
        state.device_codes[dc.device_code] = dc
        state.user_codes[dc.user_code] = dc
    return Response.json({
        "deviceCode": dc.device_code,
        "userCode": dc.user_code,
        "verificationUri": f"{base}/verify",
        "verificationUriComplete": f"{base}/verify?{urlencode({'user_code': dc.user_code})}",
        "expiresIn": state.device_expires_in,
        "interval": state.interval,
    })


def _token_response(state: State, client: Client, start_url: str) -> Response:
    # Like the real service, refresh tokens go only to clients registered with scopes
    # (or the refresh_token grant); legacy device-flow clients get none.
    with_refresh = bool(client.scopes) or "refresh_token" in client.grant_types
    access, refresh, ttl = state.issue_tokens(start_url, client.client_id,
                                              with_refresh=with_refresh)
    data: dict[str, Any] = {"accessToken": access, "tokenType": "Bearer", "expiresIn": ttl}
    if refresh:
        data["refreshToken"] = refresh
    return Response.json(data)


def _device_grant(state: State, client: Client, body: dict[str, Any]) -> Response:
    _require(body, "deviceCode")
    with state.lock:
        dc = state.device_codes.get(str(body["deviceCode"]))
        if dc is None or dc.client_id != client.client_id or dc.status == "used":
            raise _bad("InvalidGrantException", "Invalid device code provided")
        if dc.expires_at < time.time():
            raise _bad("ExpiredTokenException", "Device code has expired")
        dc.polls += 1
        if state.slow_down_next > 0:
            state.slow_down_next -= 1
            raise _bad("SlowDownException", "Client is polling too quickly")
        if dc.status == "denied":
            raise _bad("AccessDeniedException", "Authorization was denied by the user")
        if dc.status == "pending":
            if state.approve_mode == "auto":
                dc.status = "approved"  # the next poll gets the token
            raise _bad("AuthorizationPendingException", "Authorization is still pending")
        dc.status = "used"
        start_url = dc.start_url
    return _token_response(state, client, start_url)


def _code_grant(state: State, client: Client, body: dict[str, Any]) -> Response:
    _require(body, "code", "redirectUri", "codeVerifier")
    with state.lock:
        ac = state.auth_codes.get(str(body["code"]))
        if ac is None or ac.used or ac.client_id != client.client_id:
            raise _bad("InvalidGrantException", "Invalid authorization code")
        if ac.expires_at < time.time():
            raise _bad("InvalidGrantException", "Authorization code has expired")
        if ac.redirect_uri != body["redirectUri"]:
            raise _bad("InvalidGrantException", "redirectUri does not match the authorization")
        if not secrets.compare_digest(s256(str(body["codeVerifier"])), ac.challenge):
            raise _bad("InvalidGrantException", "Code verifier does not match the challenge")
        ac.used = True
    return _token_response(state, client, client.issuer_url or DEFAULT_START_URL)


def _refresh_grant(state: State, client: Client, body: dict[str, Any]) -> Response:
    _require(body, "refreshToken")
    signin = state.signin_for_refresh(str(body["refreshToken"]), client.client_id)
    if signin is None:
        raise _bad("InvalidGrantException", "Invalid refresh token")
    access, _, ttl = state.issue_tokens(signin.start_url, client.client_id,
                                        with_refresh=False, signin=signin)
    # The same refresh token stays valid: the real service does not rotate it.
    return Response.json({"accessToken": access, "tokenType": "Bearer", "expiresIn": ttl,
                          "refreshToken": body["refreshToken"]})


def create_token(state: State, req: Request, base: str) -> Response:
    body = req.json()
    client = _client(state, body)
    _require(body, "grantType")
    grant = body["grantType"]
    if grant == DEVICE_GRANT:
        return _device_grant(state, client, body)
    if grant == "authorization_code":
        return _code_grant(state, client, body)
    if grant == "refresh_token":
        return _refresh_grant(state, client, body)
    raise _bad("UnsupportedGrantTypeException", f"Unsupported grant type: {grant}")


# ---- PKCE browser side ------------------------------------------------------

def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _loopback_uri(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    return parts.scheme == "http" and parts.hostname == "127.0.0.1" \
        and parts.path == "/oauth/callback"


def _registered(client: Client, uri: str) -> bool:
    """The real service accepts any port on a registered loopback redirect URI."""
    if not _loopback_uri(uri):
        return False
    return any(urlsplit(r).path == urlsplit(uri).path for r in client.redirect_uris)


def _with_query(uri: str, params: dict[str, str]) -> str:
    return uri + ("&" if "?" in uri else "?") + urlencode(params)


def _page(title: str, inner: str, status: int = 200) -> Response:
    return Response.html(
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body style='font-family:sans-serif'>"
        f"<h1>{html.escape(title)}</h1>{inner}</body></html>", status)


def authorize(state: State, req: Request, base: str) -> Response:
    q = req.query if req.method == "GET" else req.form()
    with state.lock:
        client = state.clients.get(q.get("client_id", ""))
    redirect = q.get("redirect_uri", "")
    if client is None:
        return _page("Unknown client", "<p>client_id is not registered.</p>", 400)
    if not _registered(client, redirect):
        return _page("Invalid redirect", "<p>redirect_uri is not registered.</p>", 400)
    state_param = q.get("state", "")
    if (q.get("response_type") != "code" or q.get("code_challenge_method") != "S256"
            or not q.get("code_challenge")):
        return Response.redirect(_with_query(redirect, {"error": "invalid_request",
                                                        "state": state_param}))
    decision = q.get("action", "approve" if state.approve_mode == "auto" else "")
    if state.deny_authorize or decision == "deny":
        return Response.redirect(_with_query(redirect, {"error": "access_denied",
                                                        "state": state_param}))
    if decision != "approve":  # manual mode: ask first
        hidden = "".join(f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
                         for k, v in q.items() if k != "action")
        return _page("Allow access?", (
            f"<p>Allow <b>{html.escape(client.name)}</b> to access your AWS accounts?</p>"
            f"<form method='post' action='/authorize'>{hidden}"
            "<button name='action' value='approve'>Approve</button> "
            "<button name='action' value='deny'>Deny</button></form>"))
    code = AuthCode(random_token("ac", 60), client.client_id, redirect,
                    q["code_challenge"], time.time() + 600)
    with state.lock:
        state.auth_codes[code.code] = code
    return Response.redirect(_with_query(redirect, {"code": code.code, "state": state_param}))


def verify(state: State, req: Request, base: str) -> Response:
    """The device verification page: enter or confirm a user code, approve or deny."""
    if req.method == "POST":
        form = req.form()
        user_code = form.get("user_code", "")
        action = form.get("action", "")
        if action not in ("approve", "deny"):
            return _page("Bad request", "<p>Choose Approve or Deny.</p>", 400)
        if not state.set_device_status(user_code, "approved" if action == "approve"
                                       else "denied"):
            return _page("Code not found", "<p>That code is unknown or expired.</p>", 404)
        done = "Request approved" if action == "approve" else "Request denied"
        return _page(done, "<p>You can close this window.</p>")
    code = html.escape(req.query.get("user_code", ""))
    return _page("Authorize request", (
        "<form method='post' action='/verify'>"
        f"<label>Code <input name='user_code' value='{code}'></label> "
        "<button name='action' value='approve'>Approve</button> "
        "<button name='action' value='deny'>Deny</button></form>"))

