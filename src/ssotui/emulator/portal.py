"""The `sso` portal API: ListAccounts, ListAccountRoles, GetRoleCredentials, Logout."""

from __future__ import annotations

import base64
import json
import secrets
import string
import time

from ssotui.emulator.server import ApiError, Request, Response
from ssotui.emulator.state import State, random_upper

BEARER = "x-amz-sso_bearer_token"


def _token(state: State, req: Request) -> str:
    token = req.headers.get(BEARER, "")
    if not token or not state.check_access(token):
        raise ApiError(401, "UnauthorizedException", "Session token not found or invalid")
    return token


def _page_size(state: State, req: Request) -> int:
    raw = req.query.get("max_result")
    if raw is None:
        return state.default_page_size
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= 100:
        raise ApiError(400, "InvalidRequestException",
                       "max_result must be between 1 and 100")
    return size


def _encode_next(kind: str, offset: int) -> str:
    raw = json.dumps({"k": kind, "o": offset, "n": secrets.token_hex(8)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_next(req: Request, kind: str) -> int:
    raw = req.query.get("next_token")
    if not raw:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if data["k"] != kind or not isinstance(data["o"], int) or data["o"] < 0:
            raise ValueError
        return int(data["o"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ApiError(400, "InvalidRequestException", "Invalid next_token") from exc


def list_accounts(state: State, req: Request, base: str) -> Response:
    _token(state, req)
    size = _page_size(state, req)
    start = _decode_next(req, "accounts")
    page = state.accounts_slice(start, start + size)
    data: dict[str, object] = {"accountList": [
        {"accountId": a.account_id, "accountName": a.account_name,
         "emailAddress": a.email_address} for a, _ in page]}
    if start + size < state.account_count:
        data["nextToken"] = _encode_next("accounts", start + size)
    return Response.json(data)


def list_account_roles(state: State, req: Request, base: str) -> Response:
    _token(state, req)
    account_id = req.query.get("account_id", "")
    size = _page_size(state, req)
    if not account_id:
        raise ApiError(400, "InvalidRequestException", "account_id is required")
    roles = state.roles_of(account_id)
    if roles is None:
        raise ApiError(404, "ResourceNotFoundException", "Account not found")
    start = _decode_next(req, "roles:" + account_id)
    data: dict[str, object] = {"roleList": [
        {"roleName": r, "accountId": account_id} for r in roles[start:start + size]]}
    if start + size < len(roles):
        data["nextToken"] = _encode_next("roles:" + account_id, start + size)
    return Response.json(data)


def get_role_credentials(state: State, req: Request, base: str) -> Response:
    _token(state, req)
    account_id = req.query.get("account_id", "")
    role_name = req.query.get("role_name", "")
    if not account_id or not role_name:
        raise ApiError(400, "InvalidRequestException", "account_id and role_name are required")
    roles = state.roles_of(account_id)
    if roles is None:
        raise ApiError(404, "ResourceNotFoundException", "Account not found")
    if role_name not in roles:
        # What the real portal answers for a role the user is not assigned.
        raise ApiError(403, "ForbiddenException", "No access")
    alphabet = string.ascii_letters + string.digits + "+/"
    creds: dict[str, object] = {
        "accessKeyId": "ASIA" + random_upper(16),
        "secretAccessKey": "".join(secrets.choice(alphabet) for _ in range(40)),
        "sessionToken": base64.b64encode(secrets.token_bytes(480)).decode(),
        "expiration": int((time.time() + state.role_credentials_ttl) * 1000),
    }
    # An org file may serve any value here, hostile ones included, verbatim.
    creds.update(state.credential_overrides.get((account_id, role_name), {}))
    with state.lock:
        state.issued_credentials.append(dict(creds))
        state.role_sessions[str(creds["accessKeyId"])] = (
            account_id, role_name, str(creds["secretAccessKey"]), str(creds["sessionToken"]))
    return Response.json({"roleCredentials": creds})


def logout(state: State, req: Request, base: str) -> Response:
    token = _token(state, req)
    state.revoke(token)
    return Response(200, b"")
