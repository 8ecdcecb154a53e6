"""Read and edit the shared AWS config file without disturbing a byte of it.

The INI reading and byte-keeping editing live in `inifile` (botocore's rules;
see there). This module knows the config file's sections: `[profile NAME]`,
`[default]`, `[sso-session NAME]`, found by name the way botocore finds them
(`[profile x ]`, `[profile  x]` and `[profile "x"]` are all profile x).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from pathlib import Path

from ssotui.core import files
from ssotui.core.errors import ConfigError, UsageError
from ssotui.core.inifile import (  # noqa: F401 - re-exported for callers
    BOM,
    Document,
    KeyLine,
    Section,
    describe_difference,
    edit_in_place,
    parse,
    render_block,
    splice,
    unified_diff,
    verify,
)
from ssotui.core.models import SsoSession


def config_path() -> Path:
    """AWS_CONFIG_FILE, else ~/.aws/config (as botocore resolves it)."""
    env = os.environ.get("AWS_CONFIG_FILE")
    return Path(os.path.expanduser(os.path.expandvars(env))) if env else Path.home() / ".aws" / "config"


def read(path: str | os.PathLike[str] | None = None) -> Document:
    p = Path(path) if path is not None else config_path()
    return parse(files.read_text(p), p)


def load_profiles(path: str | os.PathLike[str] | None = None) -> dict[str, dict[str, str]]:
    """Profile name -> its keys (`[default]` included), in file order."""
    doc = read(path)
    return {s.name: dict(s.values) for s in doc.sections if s.kind == "profile"}


def load_sessions(path: str | os.PathLike[str] | None = None) -> list[SsoSession]:
    """Every `[sso-session NAME]` block, then every legacy profile that carries
    `sso_start_url` without `sso_session` (named after the profile)."""
    doc = read(path)
    out: list[SsoSession] = []
    for s in doc.sections:
        if s.kind == "sso-session":
            out.append(_session(doc, s, s.name, None))
    for s in doc.sections:
        if s.kind == "profile" and "sso_start_url" in s.values and "sso_session" not in s.values:
            out.append(_session(doc, s, s.name, s.name))
    return out


def _session(doc: Document, s: Section, name: str, legacy: str | None) -> SsoSession:
    for key, example in (("sso_start_url", "https://d-1234567890.awsapps.com/start"),
                         ("sso_region", "us-east-1")):
        if not s.values.get(key):
            raise ConfigError(
                f"{doc.path}:{s.lineno}: [{s.header}] has no {key}; add `{key} = {example}`"
            )
    scopes = tuple(x.strip() for x in s.values.get("sso_registration_scopes", "").split(",") if x.strip())
    return SsoSession(name=name, start_url=s.values["sso_start_url"], region=s.values["sso_region"],
                      scopes=scopes, legacy_profile=legacy)


# --- editing -----------------------------------------------------------------


def profile_header(name: str) -> str:
    return "default" if name == "default" else f"profile {name}"


class Upsert:
    """What writing `values` into a block would do: `text` is the result with the
    managed keys set (the forced result when the block differs); `existing` the
    block found (None: a new one is appended); `differs` the managed keys whose
    value would change in an existing block (empty: no conflict). (Not a dataclass:
    this module is read on the way to the picker's first frame.)"""

    def __init__(self, text: str, existing: Section | None, differs: dict[str, str],
                 old: dict[str, str]) -> None:
        self.text = text
        self.existing = existing
        self.differs = differs
        self.old = old

    def refusal(self, path: str, what: str) -> str:
        assert self.existing is not None
        return (f"[{self.existing.header}] in {path}:{self.existing.lineno} differs "
                f"({describe_difference(self.old, self.differs)})")


def plan_upsert(doc: Document, kind: str, name: str, header: str, values: Mapping[str, str],
                if_absent: Collection[str] = ()) -> Upsert:
    """Add the block, or update the managed keys (`values`) of the existing one in place.

    Keys in `if_absent` are defaults: written in a new block, or added to an
    existing block that lacks them; a value the user set there is kept and never
    counts as a difference. Every other line of an existing block stays as it is.
    Never raises for a difference: the caller decides (see `Upsert.differs`)."""
    values = dict(values)
    existing = doc.find(kind, name)
    if existing is None:
        new = splice(doc, None, render_block(header, values, doc.newline))
        verify(doc.text, new, header, values, doc.path)
        return Upsert(new, None, {}, {})
    old = dict(existing.values)
    wanted = {k: v for k, v in values.items() if k not in if_absent}
    differs = {k: v for k, v in wanted.items() if old.get(k) != v}
    if not differs:  # already there (extra keys and a region the user set are theirs)
        return Upsert(doc.text, existing, {}, old)
    changes = dict(wanted)
    changes.update({k: v for k, v in values.items() if k in if_absent and k not in old})
    new = edit_in_place(doc, existing, changes)
    # botocore's name for the block is the header as written ([profile x ] included)
    verify(doc.text, new, existing.header, {**old, **changes}, doc.path, keep_others=True)
    return Upsert(new, existing, differs, old)


def _upsert(doc: Document, kind: str, name: str, header: str, values: dict[str, str],
            force: bool, what: str, if_absent: Collection[str] = ()) -> str:
    plan = plan_upsert(doc, kind, name, header, values, if_absent)
    if plan.differs and not force:
        raise UsageError(
            plan.refusal(doc.path, what) + "; use --force to replace it"
            + (" or --name to choose another name" if what == "profile" else "")
        )
    return plan.text


def upsert_profile(text: str | None, name: str, values: Mapping[str, str], *,
                   force: bool = False, path: str | os.PathLike[str] = "config",
                   if_absent: Collection[str] = ()) -> str:
    """New config text with `[profile NAME]` holding `values` (in that order).

    Identical values already there -> `text` unchanged. Different ones ->
    UsageError showing the difference, unless `force`, which updates only those
    keys in place (other keys, comments and nested blocks are kept). Keys named
    in `if_absent` (say a default region) never conflict: they are written only
    into a new block, or by `force` into a block that lacks them."""
    doc = parse(text, path)
    return _upsert(doc, "profile", name, profile_header(name), dict(values), force, "profile",
                   if_absent)


def session_values(session: SsoSession) -> dict[str, str]:
    values = {"sso_start_url": session.start_url, "sso_region": session.region}
    if session.scopes:
        values["sso_registration_scopes"] = ",".join(session.scopes)
    return values


def upsert_sso_session(text: str | None, session: SsoSession, *, force: bool = False,
                       path: str | os.PathLike[str] = "config") -> str:
    """New config text with an `[sso-session NAME]` block for `session`."""
    doc = parse(text, path)
    return _upsert(doc, "sso-session", session.name, f"sso-session {session.name}",
                   session_values(session), force, "sso-session")


def profile_values(session: SsoSession, account_id: str, role: str, region: str | None,
                   output: str | None) -> dict[str, str]:
    """The keys of a profile block for a role, in the order the AWS CLI writes them
    (a legacy session gets the legacy sso_start_url/sso_region keys)."""
    if session.is_legacy:
        values = {"sso_start_url": session.start_url, "sso_region": session.region}
    else:
        values = {"sso_session": session.name}
    values["sso_account_id"] = account_id
    values["sso_role_name"] = role
    if region:
        values["region"] = region
    if output:
        values["output"] = output
    return values


def plan_profile(old: str | None, session: SsoSession, name: str, values: dict[str, str],
                 *, force: bool = False, path: str | os.PathLike[str] = "config",
                 if_absent: Collection[str] = ()) -> str:
    """The config text with the profile (and, when missing, its sso-session block)."""
    text = old
    if not session.is_legacy and parse(old, path).find("sso-session", session.name) is None:
        text = upsert_sso_session(old, session, path=path)
    return upsert_profile(text, name, values, force=force, path=path, if_absent=if_absent)


# --- committing (read-modify-write under the file lock) ------------------------


def save_profile(name: str, values: Mapping[str, str], *, force: bool = False,
                 path: str | os.PathLike[str] | None = None,
                 if_absent: Collection[str] = ()) -> bool:
    """Upsert `[profile NAME]` in the config file; False when it was already there."""
    p = Path(path) if path is not None else config_path()
    return files.update(p, lambda old: upsert_profile(old, name, values, force=force, path=p,
                                                      if_absent=if_absent))


def save_sso_session(session: SsoSession, *, force: bool = False,
                     path: str | os.PathLike[str] | None = None) -> bool:
    """Add (or, with `force`, replace) the `[sso-session NAME]` block for `session`."""
    p = Path(path) if path is not None else config_path()
    return files.update(p, lambda old: upsert_sso_session(old, session, force=force, path=p))


def write_profile(session: SsoSession, name: str, values: Mapping[str, str], *,
                  force: bool = False, path: str | os.PathLike[str] | None = None,
                  if_absent: Collection[str] = ()) -> bool:
    """Commit `plan_profile` to the config file; False when nothing changed."""
    p = Path(path) if path is not None else config_path()
    return files.update(p, lambda old: plan_profile(old, session, name, dict(values), force=force,
                                                    path=p, if_absent=if_absent))
