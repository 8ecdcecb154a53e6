"""A seeded, realistic-looking organisation: accounts and the roles assigned in each.

The same (accounts, roles_per_account, seed) always gives the same org, so tests,
benchmarks and screenshots can compare against it.
"""

from __future__ import annotations

import math
import random

from ssotui.core.models import Account

#: One org entry: an account and the permission-set (role) names assigned in it.
OrgEntry = tuple[Account, list[str]]

ENVS = ["prod", "staging", "dev", "qa", "test", "uat", "perf", "dr", "preprod", "int"]
TEAMS = [
    "payments", "search", "checkout", "identity", "billing", "ledger", "catalog",
    "inventory", "shipping", "orders", "pricing", "ads", "analytics", "ml", "data",
    "platform", "mobile", "web", "api", "gateway", "notifications", "messaging",
    "fraud", "risk", "compliance", "reporting", "crm", "support", "onboarding",
    "recommendations", "media", "streaming", "maps", "logistics", "warehouse",
    "accounts", "auth", "growth", "marketing", "partners", "loyalty", "rewards",
    "tax", "treasury", "hr", "payroll", "docs", "chat", "video", "iot",
]
SUFFIXES = ["eu", "us", "apac", "blue", "green", "east", "west", "legacy", "v2", "core"]
PEOPLE = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan",
    "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent",
    "victor", "walter", "yusuf", "zoe", "mei", "arjun", "lucia", "kofi", "sven",
]
SHARED = [
    "networking", "logging", "security", "tooling", "artifacts", "dns", "ci",
    "monitoring", "backup", "identity", "transit", "egress", "secrets",
]
SPECIAL = ["management", "log-archive", "security-audit", "shared-services"]

STANDARD_ROLES = [
    "AdministratorAccess", "ReadOnly", "PowerUser", "Billing", "ViewOnlyAccess",
    "SecurityAudit", "DatabaseAdministrator", "NetworkAdministrator",
    "SupportUser", "DataScientist", "SystemAdministrator",
]
TEAM_ROLE_KINDS = ["deploy", "developer", "readonly", "oncall", "admin"]


def _account_name(rng: random.Random, index: int) -> str:
    if index < len(SPECIAL):
        return SPECIAL[index]
    roll = rng.random()
    if roll < 0.08:
        return f"sandbox-{rng.choice(PEOPLE)}"
    if roll < 0.14:
        return f"shared-{rng.choice(SHARED)}"
    base = f"{rng.choice(ENVS)}-{rng.choice(TEAMS)}"
    if roll < 0.35:
        base += f"-{rng.choice(SUFFIXES)}"
    return base


def _role_count(rng: random.Random, k: int) -> int:
    """A spread around k: most near it, some with a single role, a few with many."""
    if k <= 0:
        return 0
    roll = rng.random()
    if roll < 0.15:
        return 1
    if roll < 0.18 and k > 1:  # ~3%: a crowded account
        return k * 4 + rng.randrange(k + 1)
    return max(1, round(rng.lognormvariate(math.log(k), 0.35)))


def _roles_for(rng: random.Random, name: str, count: int) -> list[str]:
    team = name.split("-")[1] if "-" in name else name
    pool = STANDARD_ROLES + [f"{team}-{kind}" for kind in TEAM_ROLE_KINDS]
    # Common roles first so most accounts get AdministratorAccess/ReadOnly.
    weights = [6, 6, 4, 2, 3, 1, 1, 1, 1, 1, 1] + [3, 2, 2, 1, 1]
    chosen: list[str] = []
    while len(chosen) < min(count, len(pool)):
        role = rng.choices(pool, weights)[0]
        if role not in chosen:
            chosen.append(role)
    # Beyond the pool (a few accounts carry dozens of roles): numbered team roles.
    for i in range(len(chosen), count):
        chosen.append(f"{team}-role-{i:03d}")
    return chosen


def generate_org(accounts: int, roles_per_account: int, seed: int) -> list[OrgEntry]:
    """`accounts` unique accounts (names, 12-digit ids, emails), roles around K each."""
    rng = random.Random(seed)
    names: set[str] = set()
    ids: set[str] = set()
    org: list[OrgEntry] = []
    for index in range(accounts):
        name = _account_name(rng, index)
        if name in names:  # keep names unique, the way real orgs number duplicates
            n = 2
            while f"{name}-{n:02d}" in names:
                n += 1
            name = f"{name}-{n:02d}"
        names.add(name)
        account_id = f"{rng.randrange(10**12):012d}"
        while account_id in ids:
            account_id = f"{rng.randrange(10**12):012d}"
        ids.add(account_id)
        account = Account(account_id, name, f"aws+{name}@example-corp.com")
        org.append((account, _roles_for(rng, name, _role_count(rng, roles_per_account))))
    return org
