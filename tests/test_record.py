"""core.record.Record: what the frozen dataclasses it replaced gave (==, hash, repr
without secrets, no assignment), for the models the whole program shares."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime

import pytest

from ssotui.core.dircache import CachedDirectory, ChangeReport
from ssotui.core.models import Account, Role, RoleCredentials, SsoSession, Token
from ssotui.core.tokens import Registration

WHEN = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_equal_and_hashed_by_value() -> None:
    a, b = Account("111122223333", "pay", "p@x"), Account("111122223333", "pay", "p@x")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != Account("111122223333", "pay", "other@x")
    assert Role("1", "Admin") != Account("1", "Admin")  # another class is never equal
    assert SsoSession("s", "u", "r") == SsoSession("s", "u", "r", (), None)


def test_fields_cannot_be_assigned_or_deleted() -> None:
    a = Account("1", "n")
    with pytest.raises(FrozenInstanceError):
        a.account_name = "other"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del a.account_id  # type: ignore[misc]
    assert a.account_name == "n"


def test_repr_leaves_secrets_out() -> None:
    creds = RoleCredentials("ASIAKEY", "secret-key-value", "session-token-value", WHEN)
    token = Token("access-token-value", WHEN, "https://x/start", "us-east-1",
                  refresh_token="refresh-token-value", client_secret="client-secret-value")
    reg = Registration("client-id", "client-secret-2", WHEN)
    text = repr(creds) + repr(token) + repr(reg)
    for secret in ("secret-key-value", "session-token-value", "access-token-value",
                   "refresh-token-value", "client-secret-value", "client-secret-2"):
        assert secret not in text
    assert "ASIAKEY" in text and "us-east-1" in text and "client-id" in text


def test_copies_and_pickles() -> None:
    a = Account("1", "n", "e")
    assert pickle.loads(pickle.dumps(a)) == a
    assert copy.copy(a) == a and copy.deepcopy(a) == a


def test_a_dict_field_is_left_out_of_the_hash() -> None:
    cached = CachedDirectory("u", WHEN, (Account("1", "n"),), {"1": ("Admin",)})
    assert hash(cached) == hash(CachedDirectory("u", WHEN, (Account("1", "n"),), {}))
    assert cached != CachedDirectory("u", WHEN, (Account("1", "n"),), {})
    assert ChangeReport() == ChangeReport((), (), (), ()) and ChangeReport().empty
