"""A seeded, realistic-looking organisation: accounts and the roles assigned in each.

The same (accounts, roles_per_account, seed) always gives the same org, so tests,
benchmarks and screenshots can compare against it.
"""

from __future__ import annotations

import json
import math
import os
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


#: The credential fields GetRoleCredentials answers with; an org file may set any of them.
CREDENTIAL_FIELDS = ("accessKeyId", "secretAccessKey", "sessionToken", "expiration")

#: (account id, role name) -> credential fields served instead of freshly generated ones.
CredentialOverrides = dict[tuple[str, str], dict[str, object]]


class OrgFileError(ValueError):
    """An org file that cannot be served; the message names the file and the problem."""


def _credentials(raw: object, where: str) -> dict[str, object]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise OrgFileError(f"{where}: credentials must be an object")
    unknown = sorted(set(raw) - set(CREDENTIAL_FIELDS))
    if unknown:
        raise OrgFileError(f"{where}: unknown credential field(s) {unknown}; "
                           f"use {', '.join(CREDENTIAL_FIELDS)}")
    return dict(raw)


def parse_org(data: object, source: str = "org") -> tuple[list[OrgEntry], CredentialOverrides]:
    """An org file's JSON (see the `ssotui.emulator` docstring) as (org, overrides).

    Names, emails, role names and credential values are taken verbatim: serving
    hostile data is the point."""
    if not isinstance(data, dict) or not isinstance(data.get("accounts"), list):
        raise OrgFileError(f"{source}: expected an object with an \"accounts\" list")
    default = _credentials(data.get("credentials"), f"{source}: credentials")
    org: list[OrgEntry] = []
    overrides: CredentialOverrides = {}
    seen: set[str] = set()
    for i, entry in enumerate(data["accounts"]):
        where = f"{source}: accounts[{i}]"
        if not isinstance(entry, dict):
            raise OrgFileError(f"{where}: must be an object")
        account_id, name = entry.get("accountId"), entry.get("accountName")
        email = entry.get("emailAddress", "")
        if not isinstance(account_id, str) or not account_id or not isinstance(name, str):
            raise OrgFileError(f"{where}: accountId (non-empty) and accountName must be strings")
        if not isinstance(email, str):
            raise OrgFileError(f"{where}: emailAddress must be a string")
        if account_id in seen:
            raise OrgFileError(f"{where}: duplicate accountId {account_id!r}")
        seen.add(account_id)
        roles: list[str] = []
        for j, role in enumerate(entry.get("roles", [])):
            creds: dict[str, object] = {}
            if isinstance(role, dict):
                creds = _credentials(role.get("credentials"), f"{where}.roles[{j}]")
                role = role.get("roleName")
            if not isinstance(role, str) or not role:
                raise OrgFileError(f"{where}.roles[{j}]: a role is a name or "
                                   "{\"roleName\": ..., \"credentials\": {...}}")
            roles.append(role)
            merged = {**default, **creds}
            if merged:
                overrides[(account_id, role)] = merged
        org.append((Account(account_id, name, email), roles))
    return org, overrides


def load_org_file(path: str | os.PathLike[str]) -> tuple[list[OrgEntry], CredentialOverrides]:
    """Read and check an org file (JSON, UTF-8); OrgFileError names what is wrong."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as exc:
        raise OrgFileError(f"cannot read org file {path}: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise OrgFileError(f"org file {path} is not valid JSON: {exc}") from None
    return parse_org(data, str(path))
