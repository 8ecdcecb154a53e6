"""The portal API (`sso`) of the emulator, spoken to by plain boto3 clients that find
it only through AWS_ENDPOINT_URL_SSO."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ssotui.core.models import Account
from ssotui.emulator import Emulator


@pytest.fixture
def big() -> Iterator[Emulator]:
    with Emulator(accounts=1234, roles_per_account=3, seed=11) as emu:
        yield emu


def sso_client(emu: Emulator, monkeypatch: pytest.MonkeyPatch, **config: object):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", emu.url)
    return boto3.client("sso", region_name="us-east-1", config=Config(**config))  # type: ignore[arg-type]


def no_retries() -> dict[str, object]:
    return {"retries": {"mode": "standard", "total_max_attempts": 1}}


def all_accounts(sso, token: str, **kw: object) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    pages = sso.get_paginator("list_accounts").paginate(accessToken=token, **kw)
    return [a for page in pages for a in page["accountList"]]


def error_code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_paginator_returns_exactly_the_ground_truth(big, monkeypatch):
    sso = sso_client(big, monkeypatch)
    token = big.mint_token()
    got = all_accounts(sso, token)
    want = [{"accountId": a.account_id, "accountName": a.account_name,
             "emailAddress": a.email_address} for a, _ in big.org]
    assert got == want
    assert len(got) == 1234
    # The default page size is small, so this took many pages.
    assert big.calls["ListAccounts"] == -(-1234 // big.default_page_size)

    big.reset_stats()
    got100 = all_accounts(sso, token, PaginationConfig={"PageSize": 100})
    assert got100 == want
    assert big.calls["ListAccounts"] == 13


def test_role_paginator_matches_ground_truth_for_every_account(big, monkeypatch):
    sso = sso_client(big, monkeypatch)
    token = big.mint_token()
    for account, roles in big.org[:60]:
        pages = sso.get_paginator("list_account_roles").paginate(
            accessToken=token, accountId=account.account_id)
        got = [(r["accountId"], r["roleName"]) for p in pages for r in p["roleList"]]
        assert got == [(account.account_id, r) for r in roles]


def _org(n: int, roles: list[str] | None = None) -> list[tuple[Account, list[str]]]:
    return [(Account(f"{i:012d}", f"acct-{i:05d}", f"a{i}@example.com"),
             list(roles if roles is not None else ["ReadOnly"])) for i in range(n)]


@pytest.mark.parametrize("n,pages", [(0, 1), (1, 1), (100, 1), (101, 2), (250, 3)])
def test_page_boundaries(n, pages, monkeypatch):
    with Emulator(org=_org(n)) as emu:
        sso = sso_client(emu, monkeypatch)
        token = emu.mint_token()
        first = sso.list_accounts(accessToken=token, maxResults=100)
        # No nextToken when the page ends exactly at the last account.
        assert ("nextToken" in first) == (n > 100)
        got = all_accounts(sso, token, PaginationConfig={"PageSize": 100})
        assert [a["accountId"] for a in got] == [f"{i:012d}" for i in range(n)]
        assert emu.calls["ListAccounts"] == 1 + pages


def test_accounts_with_no_roles_and_with_many_roles(monkeypatch):
    many = [f"role-{i:03d}" for i in range(150)]
    org = [(Account("000000000001", "empty"), []), (Account("000000000002", "crowded"), many)]
    with Emulator(org=org) as emu:
        sso = sso_client(emu, monkeypatch)
        token = emu.mint_token()
        empty = sso.list_account_roles(accessToken=token, accountId="000000000001")
        assert empty["roleList"] == [] and "nextToken" not in empty
        pages = list(sso.get_paginator("list_account_roles").paginate(
            accessToken=token, accountId="000000000002", PaginationConfig={"PageSize": 100}))
        assert [len(p["roleList"]) for p in pages] == [100, 50]
        assert [r["roleName"] for p in pages for r in p["roleList"]] == many


def test_ten_thousand_accounts(monkeypatch):
    with Emulator(accounts=10_000, roles_per_account=2, seed=3) as emu:
        sso = sso_client(emu, monkeypatch)
        got = all_accounts(sso, emu.mint_token(), PaginationConfig={"PageSize": 100})
        assert len(got) == 10_000
        assert len({a["accountId"] for a in got}) == 10_000
        assert [a["accountName"] for a in got] == [a.account_name for a, _ in emu.org]


def test_get_role_credentials(big, monkeypatch):
    sso = sso_client(big, monkeypatch)
    account, roles = next((a, r) for a, r in big.org if r)
    token = big.mint_token()

    class Frozen:  # the portal's clock, fixed: the expiration is exact, not "about"
        @staticmethod
        def time() -> float:
            return 1_700_000_000.25

    monkeypatch.setattr("ssotui.emulator.portal.time", Frozen)
    big.role_credentials_ttl = 2345
    creds = sso.get_role_credentials(accessToken=token, accountId=account.account_id,
                                     roleName=roles[0])["roleCredentials"]
    assert creds["accessKeyId"].startswith("ASIA") and len(creds["accessKeyId"]) == 20
    assert len(creds["secretAccessKey"]) == 40
    assert len(creds["sessionToken"]) > 300
    # Epoch milliseconds, role_credentials_ttl after the answer.
    assert creds["expiration"] == (1_700_000_000 + 2345) * 1000 + 250
    assert datetime.fromtimestamp(creds["expiration"] / 1000, UTC).year == 2023


@pytest.mark.parametrize("call,code", [
    (lambda s, t: s.list_accounts(accessToken=t, maxResults=101), "InvalidRequestException"),
    (lambda s, t: s.list_accounts(accessToken=t, nextToken="garbage"), "InvalidRequestException"),
    (lambda s, t: s.list_account_roles(accessToken=t, accountId="999999999999"),
     "ResourceNotFoundException"),
    (lambda s, t: s.get_role_credentials(accessToken=t, accountId="999999999999",
                                         roleName="ReadOnly"), "ResourceNotFoundException"),
    (lambda s, t: s.list_accounts(accessToken="not-a-token"), "UnauthorizedException"),
    (lambda s, t: s.list_account_roles(accessToken="x", accountId="1"), "UnauthorizedException"),
    (lambda s, t: s.get_role_credentials(accessToken="x", accountId="1", roleName="r"),
     "UnauthorizedException"),
    (lambda s, t: s.logout(accessToken="not-a-token"), "UnauthorizedException"),
])
def test_modelled_errors_arrive_as_client_error_codes(big, monkeypatch, call, code):
    sso = sso_client(big, monkeypatch, **no_retries())
    with pytest.raises(ClientError) as exc:
        call(sso, big.mint_token())
    assert error_code(exc) == code
    # The modelled exception class, not just a code string.
    assert type(exc.value).__name__ == code
    assert exc.value.response["Error"]["Message"]


def test_unassigned_role_is_forbidden(big, monkeypatch):
    sso = sso_client(big, monkeypatch, **no_retries())
    account = big.org[0][0]
    with pytest.raises(ClientError) as exc:
        sso.get_role_credentials(accessToken=big.mint_token(), accountId=account.account_id,
                                 roleName="NoSuchRole")
    assert error_code(exc) == "ForbiddenException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def _raw(url: str, path: str, token: str) -> tuple[int, dict[str, str], dict[str, object]]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", path, headers={"x-amz-sso_bearer_token": token})
    resp = conn.getresponse()
    body = json.loads(resp.read() or b"{}")
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


@pytest.mark.parametrize("query", ["max_result=0", "max_result=-5", "max_result=abc"])
def test_max_result_bounds_on_the_wire(big, query):
    status, headers, body = _raw(big.url, f"/assignment/accounts?{query}", big.mint_token())
    assert status == 400
    assert headers["x-amzn-errortype"].split(":")[0] == "InvalidRequestException"
    assert str(body["__type"]).endswith("#InvalidRequestException")


def test_expired_token_is_unauthorized(big, monkeypatch):
    sso = sso_client(big, monkeypatch, **no_retries())
    with pytest.raises(ClientError) as exc:
        sso.list_accounts(accessToken=big.mint_token(ttl=-1))
    assert error_code(exc) == "UnauthorizedException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401


def test_logout_and_revoke_end_the_token(big, monkeypatch):
    sso = sso_client(big, monkeypatch, **no_retries())
    token, other = big.mint_token(), big.mint_token()
    assert sso.list_accounts(accessToken=token)["accountList"]
    sso.logout(accessToken=token)
    with pytest.raises(ClientError) as exc:
        sso.list_accounts(accessToken=token)
    assert error_code(exc) == "UnauthorizedException"
    # Another sign-in is untouched; revoke() ends it from the test side.
    assert sso.list_accounts(accessToken=other)["accountList"]
    assert big.revoke(other)
    with pytest.raises(ClientError):
        sso.list_accounts(accessToken=other)
    assert big.calls["Logout"] == 1
