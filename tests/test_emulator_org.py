"""The seeded org generator: deterministic, unique, realistic, spread around K."""

from __future__ import annotations

import re
import statistics

from ssotui.emulator import Emulator
from ssotui.emulator.org import STANDARD_ROLES, generate_org


def test_same_seed_same_org_other_seed_other_org():
    assert generate_org(300, 3, seed=9) == generate_org(300, 3, seed=9)
    assert generate_org(300, 3, seed=9) != generate_org(300, 3, seed=10)
    # A smaller org from the same seed is a prefix of a bigger one: ids stay stable
    # when a demo grows.
    assert generate_org(300, 3, seed=9)[:50] == generate_org(50, 3, seed=9)


def test_accounts_are_unique_and_well_formed():
    org = generate_org(10_000, 3, seed=1)
    ids = [a.account_id for a, _ in org]
    names = [a.account_name for a, _ in org]
    assert len(set(ids)) == len(ids) == 10_000
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"\d{12}", i) for i in ids)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", n) for n in names)
    assert all(a.email_address.endswith("@example-corp.com") for a, _ in org)
    # Realistic shapes are present.
    assert any(n.startswith("prod-") for n in names)
    assert any(n.startswith("sandbox-") for n in names)
    assert any(n.startswith("shared-") for n in names)
    assert "management" in names


def test_roles_spread_around_k():
    org = generate_org(2000, 4, seed=5)
    counts = [len(roles) for _, roles in org]
    assert 3 <= statistics.mean(counts) <= 6
    assert counts.count(1) > 100  # plenty of single-role accounts
    assert max(counts) >= 16  # a few crowded ones
    assert all(len(set(roles)) == len(roles) for _, roles in org)
    everything = {r for _, roles in org for r in roles}
    assert {"AdministratorAccess", "ReadOnly", "PowerUser", "Billing"} <= everything
    assert any(r.endswith("-deploy") for r in everything)  # team roles
    assert set(STANDARD_ROLES) & everything


def test_zero_roles_per_account():
    assert all(roles == [] for _, roles in generate_org(20, 0, seed=1))


def test_emulator_org_is_a_copy_of_the_ground_truth():
    emu = Emulator(accounts=5, roles_per_account=2, seed=3)
    org = emu.org
    org[0][1].append("Injected")
    assert "Injected" not in emu.org[0][1]
    assert org[0][0] == generate_org(5, 2, seed=3)[0][0]
