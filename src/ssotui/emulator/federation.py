"""The AWS federation endpoint (`/federation`: getSigninToken and login) and a small
console landing page, so console sign-in runs end to end against the emulator.

getSigninToken accepts only credentials this emulator's GetRoleCredentials issued
(all three values must match) and answers `{"SigninToken": ...}`; login redeems a
token once, within 15 minutes, and redirects to `/console/landing`, which shows the
account id, role and destination it was signed in to (escaped: they are data)."""

from __future__ import annotations

import html
import json
import secrets
import time
import urllib.parse

from ssotui.emulator.server import ApiError, Request, Response
from ssotui.emulator.state import State

SIGNIN_TOKEN_TTL = 15 * 60


def federation(state: State, req: Request, base: str) -> Response:
    action = req.query.get("Action", "")
    if action == "getSigninToken":
        return _get_signin_token(state, req)
    if action == "login":
        return _login(state, req, base)
    raise ApiError(400, "InvalidRequestException", "unknown Action")


def _get_signin_token(state: State, req: Request) -> Response:
    state.count("getSigninToken")
    try:
        session = json.loads(req.query.get("Session", ""))
        key_id, secret, token = (session["sessionId"], session["sessionKey"],
                                 session["sessionToken"])
    except (ValueError, KeyError, TypeError):
        raise ApiError(400, "InvalidRequestException", "malformed Session") from None
    duration = req.query.get("SessionDuration")
    if duration is not None and not (duration.isdigit() and 900 <= int(duration) <= 43200):
        raise ApiError(400, "InvalidRequestException", "SessionDuration out of range")
    with state.lock:
        issued = state.role_sessions.get(key_id)
    if issued is None or issued[2:] != (secret, token):
        raise ApiError(400, "InvalidRequestException", "invalid credentials")
    signin = "st" + secrets.token_urlsafe(300)
    with state.lock:
        state.signin_tokens[signin] = (issued[0], issued[1], time.time() + SIGNIN_TOKEN_TTL)
        state.issued_signin_tokens.append(signin)
    return Response.json({"SigninToken": signin})


def _login(state: State, req: Request, base: str) -> Response:
    token = req.query.get("SigninToken", "")
    destination = req.query.get("Destination", "")
    issuer = req.query.get("Issuer", "")
    with state.lock:
        found = state.signin_tokens.pop(token, None)
    if found is None or found[2] < time.time() or not destination:
        return Response.html("<h1>Amazon Web Services Sign-In</h1><p>Your request included "
                             "an invalid sign-in token.</p>", 400)
    landing = secrets.token_urlsafe(16)
    with state.lock:
        state.console_logins.append({"account_id": found[0], "role": found[1],
                                     "destination": destination, "issuer": issuer,
                                     "landing": landing})
    return Response.redirect(f"{base}/console/landing?{urllib.parse.urlencode({'s': landing})}")


def landing(state: State, req: Request, base: str) -> Response:
    with state.lock:
        hits = [c for c in state.console_logins if c["landing"] == req.query.get("s")]
    if not hits:
        return Response.html("<h1>not signed in</h1>", 403)
    c = {k: html.escape(v) for k, v in hits[0].items()}
    return Response.html(
        "<!doctype html><html><head><title>AWS console (ssotui emulator)</title></head>"
        "<body style='font-family:sans-serif'><h1>AWS Management Console</h1>"
        "<p>emulated by ssotui</p><dl>"
        f"<dt>Account</dt><dd id='account'>{c['account_id']}</dd>"
        f"<dt>Role</dt><dd id='role'>{c['role']}</dd>"
        f"<dt>Destination</dt><dd id='destination'>{c['destination']}</dd>"
        f"<dt>Issuer</dt><dd id='issuer'>{c['issuer']}</dd>"
        "</dl></body></html>")
