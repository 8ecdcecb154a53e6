"""rolecreds (against the emulator) and names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conftest import REGION, SESSION, START_URL
from ssotui.core import names, rolecreds
from ssotui.core.clients import make_clients
from ssotui.core.errors import NeedsLogin, UsageError
from ssotui.core.models import SsoSession, Token


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    rolecreds.clear_cache()


def _setup(emulator: object, access_token: str) -> tuple[object, Token, str, str]:
    session = SsoSession(SESSION, START_URL, REGION)
    token = Token(access_token, datetime.now(UTC) + timedelta(hours=8), START_URL, REGION)
    account, roles = emulator.org[1]  # type: ignore[attr-defined]
    return make_clients(session), token, account.account_id, roles[0]


def test_epoch_ms_to_aware_utc() -> None:
    assert rolecreds.from_epoch_ms(1_700_000_000_999) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_cached_until_five_minutes_before_expiry(signed_in: str, emulator: object) -> None:
    clients, token, acct, role = _setup(emulator, signed_in)
    first = rolecreds.get_role_credentials(clients, token, acct, role)
    assert first.expiration.tzinfo is not None and first.access_key_id.startswith("ASIA")
    assert rolecreds.get_role_credentials(clients, token, acct, role) is first
    assert emulator.calls["GetRoleCredentials"] == 1  # type: ignore[attr-defined]
    almost = first.expiration - timedelta(minutes=5, seconds=1)
    assert rolecreds.get_role_credentials(clients, token, acct, role, now=almost) is first
    late = first.expiration - timedelta(minutes=4)
    fresh = rolecreds.get_role_credentials(clients, token, acct, role, now=late)
    assert fresh is not first
    assert emulator.calls["GetRoleCredentials"] == 2  # type: ignore[attr-defined]


def test_other_token_is_not_served_from_cache(signed_in: str, emulator: object) -> None:
    clients, token, acct, role = _setup(emulator, signed_in)
    rolecreds.get_role_credentials(clients, token, acct, role)
    other = emulator.mint_token(start_url=START_URL)  # type: ignore[attr-defined]
    token2 = Token(other, token.expires_at, START_URL, REGION)
    rolecreds.get_role_credentials(clients, token2, acct, role)
    assert emulator.calls["GetRoleCredentials"] == 2  # type: ignore[attr-defined]


def test_revoked_token_needs_login(signed_in: str, emulator: object) -> None:
    clients, token, acct, role = _setup(emulator, signed_in)
    emulator.revoke(signed_in)  # type: ignore[attr-defined]
    with pytest.raises(NeedsLogin) as info:
        rolecreds.get_role_credentials(clients, token, acct, role)
    assert signed_in not in str(info.value) and "ssotui login" in str(info.value)


def test_unknown_role_is_usage_error_without_secrets(signed_in: str, emulator: object) -> None:
    clients, token, acct, _ = _setup(emulator, signed_in)
    with pytest.raises(UsageError) as info:
        rolecreds.get_role_credentials(clients, token, acct, "NoSuchRole")
    assert str(info.value) == f"no role NoSuchRole in account {acct} for this sign-in"


# --- names -------------------------------------------------------------------------


def test_default_template_is_the_cli_suggestion() -> None:
    assert names.render(names.DEFAULT_TEMPLATE, account_name="Prod", account_id="111122223333",
                        role_name="ReadOnly", session="corp") == "111122223333_ReadOnly"


def test_template_result_sanitized() -> None:
    got = names.render("{account_name} [{role_name}] #{session}", account_name="Pay (EU) — prod",
                       account_id="1", role_name="Admin", session="corp")
    assert got == "Pay-EU-prod-Admin-corp"
    assert names.check_name(got) == got


def test_template_errors() -> None:
    with pytest.raises(UsageError, match=r"uses \{acct\}; available"):
        names.render("{acct}", account_name="a", account_id="1", role_name="r", session="s")
    with pytest.raises(UsageError, match="empty name"):
        names.render("[]", account_name="a", account_id="1", role_name="r", session="s")


@pytest.mark.parametrize("bad", ["a b", "[x]", "x]", "q\"uote", "", "semi;colon", "tab\t"])
def test_check_name_refuses(bad: str) -> None:
    with pytest.raises(UsageError, match="is not allowed") as info:
        names.check_name(bad)
    assert info.value.exit_code == 2


@pytest.mark.parametrize("good", ["dev", "111122223333_AdministratorAccess", "a.b@c+d=e,f-g"])
def test_check_name_accepts(good: str) -> None:
    assert names.check_name(good) == good
