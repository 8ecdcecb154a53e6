"""The portal's listing calls, one page at a time, with retries.

    list_accounts(sso, access_token, session=None) -> list[Account]   # every page
    list_roles(sso, access_token, account_id, session=None) -> list[str]  # sorted

Both retry throttling (429), 5xx and connection errors with backoff, raise
`NeedsLogin` on 401 (naming `session` when given) and `RuntimeFailure` on
anything else. `classify()` is shared with the streaming loader in
`ssotui.core.directory`, which paces its own retries.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from ssotui.core import tokens
from ssotui.core.errors import NeedsLogin, RuntimeFailure
from ssotui.core.models import Account, SsoSession

PAGE_SIZE = 100  # the portal's maximum max_result
LOGIN_HINT = "the sso-session needs a new sign-in: run `ssotui login`"

# classify() verdicts
AUTH = "auth"
THROTTLE = "throttle"
RETRY = "retry"
FATAL = "fatal"

T = TypeVar("T")


def classify(exc: BaseException) -> str:
    """What to do about a failed portal call: AUTH, THROTTLE, RETRY or FATAL."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", ""))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if status == 401 or code == "UnauthorizedException":
            return AUTH
        if status == 429 or code in ("TooManyRequestsException", "ThrottlingException"):
            return THROTTLE
        if status >= 500 or code in ("InternalServerException", "ServiceUnavailableException"):
            return RETRY
        return FATAL
    if isinstance(exc, BotoConnectionError | HTTPClientError):
        return RETRY
    if isinstance(exc, BotoCoreError | OSError):
        return RETRY
    return FATAL


def describe(exc: BaseException) -> str:
    """One line about a failure, without secrets (botocore messages carry none)."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        msg = str(err.get("Message") or "").strip()
        return f"{err.get('Code', 'Error')} (HTTP {status})" + (f": {msg}" if msg else "")
    return f"{type(exc).__name__}: {exc}"


def login_hint(session: SsoSession | None) -> str:
    """The re-login line, naming the session when known (several may be configured)."""
    if session is None:
        return LOGIN_HINT
    return str(tokens.needs_login(session))


def _with_retries(
    call: Callable[[], T], attempts: int = 8, session: SsoSession | None = None
) -> T:
    """Run one portal call, retrying throttling, 5xx and connection errors."""
    for attempt in range(attempts):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - classified below
            verdict = classify(exc)
            if verdict == AUTH:
                raise NeedsLogin(login_hint(session)) from None
            if verdict == FATAL or attempt == attempts - 1:
                raise RuntimeFailure(f"portal call failed: {describe(exc)}") from None
            time.sleep(min(2.0, 0.1 * 2**attempt) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def parse_accounts(page: dict[str, Any]) -> list[Account]:
    return [
        Account(
            account_id=str(a["accountId"]),
            account_name=str(a.get("accountName") or ""),
            email_address=str(a.get("emailAddress") or ""),
        )
        for a in page.get("accountList") or []
    ]


def parse_roles(page: dict[str, Any]) -> list[str]:
    return [str(r["roleName"]) for r in page.get("roleList") or []]


def _pages(call: Callable[..., dict[str, Any]], session: SsoSession | None,
           **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every page of one paginated portal call, each with retries."""
    kwargs["maxResults"] = PAGE_SIZE
    while True:
        page = _with_retries(partial(call, **kwargs), session=session)
        yield page
        if not page.get("nextToken"):
            return
        kwargs["nextToken"] = page["nextToken"]


def list_accounts(
    sso: Any, access_token: str, session: SsoSession | None = None
) -> list[Account]:
    """Every account the token can reach, in the portal's order."""
    pages = _pages(sso.list_accounts, session, accessToken=access_token)
    return [acct for page in pages for acct in parse_accounts(page)]


def list_roles(
    sso: Any, access_token: str, account_id: str, session: SsoSession | None = None
) -> list[str]:
    """The role names the token can use in one account, sorted."""
    pages = _pages(sso.list_account_roles, session, accessToken=access_token,
                   accountId=account_id)
    return sorted(role for page in pages for role in parse_roles(page))
