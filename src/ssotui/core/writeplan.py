"""One write plan for the CLI and the TUI: what writing a profile or a credentials
section would do, and whether it is refused.

`plan_profile` / `plan_credentials` read the file and return a `WritePlan`: the
path, the text now and after, the conflicts (each named, with exactly what
`--force` would replace), notes, and whether it is refused. The refusal rules live
here only; the CLI prints a plan, the TUI shows it, and both hand it to `commit`,
which writes it atomically under the lock and refuses when the file changed since
the plan was made. With conflicts, `after` is what the override would write, so a
preview can show it; `refused` stays true until the plan is `forced()`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ssotui.core import awsconfig, credfile, files, guardrails
from ssotui.core.errors import RuntimeFailure, UsageError
from ssotui.core.models import RoleCredentials, SsoSession

# Conflict reasons
DIFFERS = "differs"  # an existing profile says something else
LONG_TERM = "long-term-keys"  # the section holds permanent keys
OTHER_ROLE = "other-role"  # ssotui wrote the section for another account/role
SSO_PROFILE = "sso-profile"  # a credentials section named like an SSO profile
PRODUCTION = "production"  # a production account's keys in long-lived plaintext

MASK = "••••••••"
_SECRET_LINE = re.compile(
    r"(?im)^([ \t]*aws_(?:secret_access_key|session_token|security_token)[ \t]*[=:][ \t]*)"
    r"(\S[^\r\n]*)"
)


def mask(text: str, secrets: Collection[str] = (), keep: Collection[str] = ()) -> str:
    """`text` with every static secret's value masked (any section's, ours too) and
    every occurrence of `secrets`; values in `keep` (revealed on request) stay."""
    for secret in secrets:
        if secret and secret not in keep:
            text = text.replace(secret, MASK)
    return _SECRET_LINE.sub(
        lambda m: m.group(0) if m.group(2).strip() in keep else m.group(1) + MASK, text)


@dataclass(frozen=True)
class Conflict:
    reason: str  # one of the names above
    message: str  # one line: which section, where, why
    override: str  # what --force does, as "replace …" / "write …"


class FileChanged(RuntimeFailure):
    """The file changed between the plan and the commit."""


@dataclass(frozen=True)
class WritePlan:
    kind: str  # "profile" or "credentials"
    path: Path
    name: str  # the profile / section name
    header: str  # the section header as it is (or will be) in the file
    before: str  # the file's text now ("" when it does not exist)
    after: str  # the text a commit writes (the override's result when in conflict)
    conflicts: tuple[Conflict, ...] = ()
    notes: tuple[str, ...] = ()
    force: bool = False
    private: bool = False  # a credentials file: mode 0600
    secrets: tuple[str, ...] = ()  # values every rendering of the plan must mask

    @property
    def refused(self) -> bool:
        return bool(self.conflicts) and not self.force

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def forced(self) -> WritePlan:
        """The same plan with its conflicts overridden (what `--force` does)."""
        return replace(self, force=True)

    def refusal(self) -> str:
        """One line: every conflict, and what --force would do about each."""
        other = " or --name to choose another name" if self.kind == "profile" else \
            " or choose another section name"
        return ("; ".join(c.message for c in self.conflicts) + "; use --force to "
                + " and ".join(c.override for c in self.conflicts) + other)

    def shown(self, text: str, reveal: bool = False) -> str:
        """`text` (before or after) as it may be shown: secrets masked; `reveal`
        shows the new credentials' own values, never another section's."""
        return mask(text, self.secrets, self.secrets if reveal else ())

    def diff(self, reveal: bool = False) -> str:
        """A unified diff, secrets masked."""
        return awsconfig.unified_diff(self.shown(self.before, reveal),
                                      self.shown(self.after, reveal), self.path)


def _path(path: str | os.PathLike[str] | None, default: Path) -> Path:
    return Path(path) if path is not None else default


def plan_profile(session: SsoSession, name: str, values: Mapping[str, str], *,
                 force: bool = False, path: str | os.PathLike[str] | None = None,
                 if_absent: Collection[str] = ()) -> WritePlan:
    """`[profile NAME]` holding `values` (and the sso-session block when missing).

    An existing profile whose managed keys differ is a conflict; `force` changes
    only those keys, in place. Keys in `if_absent` are defaults that never conflict."""
    p = _path(path, awsconfig.config_path())
    before = files.read_text(p) or ""
    notes: list[str] = []
    text = before
    if not session.is_legacy and awsconfig.parse(before, p).find("sso-session", session.name) is None:
        text = awsconfig.upsert_sso_session(before, session, path=p)
        notes.append(f"adds [sso-session {session.name}]")
    doc = awsconfig.parse(text, p)
    up = awsconfig.plan_upsert(doc, "profile", name, awsconfig.profile_header(name), values,
                               if_absent)
    header = up.existing.header if up.existing is not None else awsconfig.profile_header(name)
    conflicts: list[Conflict] = []
    if up.existing is None:
        notes.append(f"adds [{header}]")
    elif up.differs:
        conflicts.append(Conflict(
            DIFFERS, up.refusal(str(p), "profile"),
            f"replace {awsconfig.describe_difference(up.old, up.differs)} in [{header}] "
            "(its other keys and comments stay)",
        ))
    elif text == before:
        notes.append(f"[{header}] already says this")
    return WritePlan("profile", p, name, header, before, up.text, tuple(conflicts), tuple(notes),
                     force)


def plan_credentials(section: str, creds: RoleCredentials, *, account_id: str, role: str,
                     force: bool = False, path: str | os.PathLike[str] | None = None,
                     config: str | os.PathLike[str] | None = None,
                     account_name: str | None = None, email: str | None = None,
                     rules: Sequence[guardrails.Rule] | None = None) -> WritePlan:
    """`[section]` in the credentials file holding `creds` for ACCOUNT_ID/ROLE.

    Conflicts: the account is production (prefs.toml [[guardrails]]; `rules` default
    to those): its keys would sit in a long-lived plaintext file; the name is an SSO
    profile in the config (its static keys would be ignored); the section holds
    long-term keys; ssotui wrote it for another account or role. `force` sets only
    the keys we manage, in place (the user's comments, `region` and other keys stay)."""
    p = _path(path, credfile.credentials_path())
    before = files.read_text(p) or ""
    held = credfile.holder(account_id, role)
    edit = credfile.edit_section(before, section, creds, held, p)
    conflicts: list[Conflict] = []
    notes: list[str] = []
    if rules is None:
        from ssotui.core.prefs import production_rules

        rules = production_rules()
    found = guardrails.match(rules, account_id, account_name, email)
    if found is not None:
        conflicts.append(Conflict(
            PRODUCTION,
            f"{account_id} is a {found.reason}; its credentials do not belong in {p}, "
            "a long-lived plaintext file",
            f"write production credentials to [{section}] anyway",
        ))
    if credfile.sso_profile_conflict(section, config):
        conflicts.append(Conflict(
            SSO_PROFILE,
            f"{section!r} is an SSO profile in {config or awsconfig.config_path()}; static keys "
            "under the same name in the credentials file would be ignored for it",
            f"write [{section}] anyway",
        ))
    existing = edit.existing
    keeping = ""
    if existing is not None:
        keep = edit.kept + ([f"{edit.comments} comment line(s)"] if edit.comments else [])
        keeping = f" (keeping {', '.join(keep)})" if keep else ""
        where = f"[{existing.header}] in {p}:{existing.lineno}"
        if edit.long_term:
            key_id = edit.old.get("aws_access_key_id", "")
            conflicts.append(Conflict(
                LONG_TERM, f"{where} holds long-term keys ({key_id})",
                f"replace its aws_access_key_id {key_id} and aws_secret_access_key, "
                f"which cannot be undone{keeping}",
            ))
        elif edit.held_by is not None and edit.held_by != held:
            conflicts.append(Conflict(
                OTHER_ROLE, f"{where} holds the credentials of {edit.held_by}, not {held}",
                f"replace the credentials of {edit.held_by}{keeping}",
            ))
        else:
            notes.append(f"replaces the temporary keys in [{existing.header}]{keeping}")
    else:
        notes.append(f"adds [{section}]")
    secrets = tuple(s for s in (creds.secret_access_key, creds.session_token) if s)
    return WritePlan("credentials", p, section, existing.header if existing else section,
                     before, edit.text, tuple(conflicts), tuple(notes), force, True, secrets)


def commit(plan: WritePlan) -> bool:
    """Write `plan.after` (atomic, locked, mode-keeping; 0600 for credentials).
    UsageError when the plan is refused, FileChanged when the file no longer holds
    `plan.before`. False when there was nothing to change."""
    if plan.refused:
        raise UsageError(plan.refusal())
    if not plan.changed:
        return False
    with files.locked(plan.path) as target:
        files._remove_stale_temps(target)  # a killed writer's (see files.update)
        if (files.read_text(target) or "") != plan.before:
            raise FileChanged(f"{plan.path} changed since the preview; nothing written, try again")
        files.atomic_write(target, plan.after, mode=0o600 if plan.private else None,
                           private=plan.private)
    return True
