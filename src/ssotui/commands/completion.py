"""Shell completion for bash, zsh and fish, through argcomplete.

`ssotui completion SHELL` prints argcomplete's script for that shell. On each Tab
the shell runs `ssotui` with `_ARGCOMPLETE` set; cli.main() then calls `complete()`
before parsing, which answers from the parser (subcommands, flags, choices) and
from the listing cache (account ids and names, roles): never the network, never
boto3 or Textual, so a Tab costs one small Python start.

Why argcomplete rather than shtab: shtab writes static scripts, and candidates that
come from data (the accounts in the cache) would need a hand-written shell function
per shell; argcomplete asks the program itself, with one protocol for the three
shells, and quotes each candidate for the shell that asked.

Account names and roles come from the portal: untrusted. argcomplete escapes the
shell's special characters, but its separators (\\v for bash and zsh, newline and
tab for fish) and control characters cannot be escaped: a candidate holding any of
them, or starting with `-`, `~` or `#`, is left out (the account id still
completes).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from ssotui.core.models import Account


def run(args: argparse.Namespace) -> int:
    import argcomplete

    sys.stdout.write(argcomplete.shellcode(["ssotui"], shell=args.shell))
    return 0


def safe(word: str) -> bool:
    """A candidate the shell can be handed: printable, no separator, no control or
    bidi character, and nothing a shell reads specially at the start of a word."""
    if not word or word[0] in "-~#":
        return False
    if word.isascii():  # the common case, checked in C: printable ASCII has no control
        return word.isprintable()
    from ssotui.core.text import is_clean

    return word.isprintable() and is_clean(word)


def _orgs(parsed: argparse.Namespace) -> Iterator[tuple[tuple[Account, ...], dict[str, Any]]]:
    """(accounts, roles) of the sso-session the command line names, else of every
    configured one: from the cache only."""
    from ssotui.core import dircache, sessions
    from ssotui.core.errors import SsotuiError

    try:
        chosen = [sessions.resolve_session(getattr(parsed, "sso_session", None))]
    except SsotuiError:  # several sessions and none named: offer them all
        try:
            chosen = sessions.list_sessions()
        except SsotuiError:
            return
    for session in chosen:
        try:
            cached = dircache.load(session)
        except dircache.CacheCorrupt:
            continue
        if cached is not None:
            yield cached.accounts, cached.roles


def accounts(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> dict[str, str]:
    """Account ids (described by their names, as visible escapes) and names (by ids)."""
    from ssotui.core.text import shown

    found: dict[str, str] = {}
    for accts, _roles in _orgs(parsed_args):
        for a in accts:
            if a.account_id.startswith(prefix) and safe(a.account_id):
                found[a.account_id] = shown(a.account_name)
            if a.account_name.startswith(prefix) and safe(a.account_name):
                found[a.account_name] = a.account_id
    return {w: found[w] for w in sorted(found)}


def roles(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The roles of the account already on the line (all roles when it is unknown)."""
    named = getattr(parsed_args, "account", None)
    found: list[str] = []
    for accts, by_id in _orgs(parsed_args):
        ids = [a.account_id for a in accts if named in (a.account_id, a.account_name)]
        for account_id in ids or list(by_id):
            found += by_id.get(account_id) or ()
    return _candidates(found, prefix)


def words(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """Filter words: account names and ids, and roles."""
    found: list[str] = []
    for accts, by_id in _orgs(parsed_args):
        found += [a.account_name for a in accts] + [a.account_id for a in accts]
        for names in by_id.values():
            found += names
    return _candidates(found, prefix)


def session_names(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The sso-sessions (and legacy SSO profiles) in the AWS config."""
    from ssotui.core import sessions
    from ssotui.core.errors import SsotuiError

    try:
        return _candidates((s.name for s in sessions.list_sessions()), prefix)
    except SsotuiError:
        return []


def _candidates(found: Iterable[str], prefix: str) -> list[str]:
    return sorted({w for w in found if w.startswith(prefix) and safe(w)})


def _attach(parser: argparse.ArgumentParser) -> None:
    """Completers for the positionals whose values come from the listing cache."""
    completers = {("creds", "account"): accounts, ("creds", "role"): roles,
                  ("profile", "account"): accounts, ("profile", "role"): roles,
                  ("list", "filter"): words}
    for action in parser._actions:
        if action.dest == "sso_session":
            action.completer = session_names  # type: ignore[attr-defined]
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for name, sub in action.choices.items():
            for arg in sub._actions:
                completer = completers.get((name, arg.dest))
                if arg.dest == "sso_session":
                    completer = session_names
                if completer is not None:
                    arg.completer = completer  # type: ignore[attr-defined]


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request and exit (argcomplete's protocol)."""
    import argcomplete

    class Finder(argcomplete.CompletionFinder):
        def filter_completions(self, completions: list[str]) -> list[str]:
            # argcomplete's own dedupe is quadratic: 1 s for 10,000 candidates
            excluded = self.exclude or ()
            return [c for c in dict.fromkeys(completions) if c not in excluded]

    _attach(parser)
    # flags only once a "-" is typed: after `creds `, the accounts are what one wants
    Finder()(parser, always_complete_options=False)
