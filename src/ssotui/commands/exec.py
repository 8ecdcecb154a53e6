"""`ssotui exec [ACCOUNT ROLE | PROFILE] [-- CMD ARGS…]`: run one command with a role's
credentials in its environment, or `$SHELL` when no command is given.

The child gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION/AWS_DEFAULT_REGION and SSOTUI_ACCOUNT /
SSOTUI_ROLE (for a prompt, and so a second exec inside notices); AWS_PROFILE is
removed so no SDK prefers a profile over them. Credentials come through the shared
cache (core.credcache). ssotui waits for the child and exits with its status, or
128+N when a signal N ended it (as a shell reports it). Terminal signals (Ctrl-C,
Ctrl-\\) reach the child from the terminal itself; SIGTERM and SIGHUP sent to ssotui
are passed on.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from types import FrameType

from ssotui.commands import creds as creds_cmd
from ssotui.core import exports
from ssotui.core.errors import SsotuiError, UsageError
from ssotui.core.text import shown

#: Variables that would make an SDK look elsewhere than the keys we set.
_DROPPED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ROLE_ARN")


class CommandFailed(SsotuiError):
    """The command could not be started: 127 not found, 126 not executable (as sh)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _command(args: argparse.Namespace) -> list[str]:
    return list(getattr(args, "command_line", None) or [])


def child_environment(base: dict[str, str], fetched: creds_cmd.Fetched,
                      region: str) -> dict[str, str]:
    env = {k: v for k, v in base.items() if k not in _DROPPED}
    env.update(exports.variables(fetched.credentials))  # type: ignore[arg-type]
    env.update(exports.region_vars(region))
    env["SSOTUI_ACCOUNT"] = fetched.account_id
    env["SSOTUI_ROLE"] = fetched.wanted.role
    env["SSOTUI_SESSION"] = fetched.wanted.session.name
    if fetched.account_name:
        env["SSOTUI_ACCOUNT_NAME"] = fetched.account_name
    return env


def _refuse_nesting(args: argparse.Namespace) -> None:
    outer = os.environ.get("SSOTUI_ACCOUNT")
    if outer and not getattr(args, "nest", False):
        role = os.environ.get("SSOTUI_ROLE", "?")
        raise UsageError(
            f"already inside `ssotui exec` for {shown(outer)}/{shown(role)} (SSOTUI_ACCOUNT "
            "is set): exit that shell first, or pass --nest to run inside it anyway")


def _picked(args: argparse.Namespace) -> creds_cmd.Wanted:
    """No ACCOUNT on a terminal: the picker chooses (as `--print-env` does)."""
    from ssotui.commands.tui import pick

    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise UsageError("give ACCOUNT ROLE or a profile name (the picker needs a terminal)")
    picked = pick(getattr(args, "sso_session", None))
    if picked is None:
        raise UsageError("nothing chosen; nothing run")
    ns = argparse.Namespace(account=picked.account_id, role=picked.role,
                            sso_session=picked.session)
    return creds_cmd.wanted(ns)


def run(args: argparse.Namespace) -> int:
    _refuse_nesting(args)
    command = _command(args)
    w = _picked(args) if args.account is None else creds_cmd.wanted(args)
    fetched = creds_cmd.credentials(w, yes=bool(getattr(args, "yes", False)))
    env = child_environment(dict(os.environ), fetched, creds_cmd.region_of(w))
    if not command:
        command = [os.environ.get("SHELL") or "/bin/sh"]
        until = exports.expiration_iso(fetched.credentials)  # type: ignore[arg-type]
        print(f"ssotui: {command[0]} with {fetched.account_id}/{shown(w.role)} until {until} "
              "(SSOTUI_ACCOUNT is set; exit to leave)", file=sys.stderr, flush=True)
    return run_child(command, env)


def run_child(command: list[str], env: dict[str, str]) -> int:
    """Run `command`, pass SIGTERM/SIGHUP on, return its exit status (128+N for signal N)."""
    sys.stdout.flush()
    try:
        child = subprocess.Popen(command, env=env)
    except FileNotFoundError:
        raise CommandFailed(f"{shown(command[0])}: command not found", 127) from None
    except PermissionError:
        raise CommandFailed(f"{shown(command[0])}: permission denied", 126) from None
    except OSError as exc:
        raise CommandFailed(f"{shown(command[0])}: {exc.strerror}", 126) from None

    def forward(signum: int, _frame: FrameType | None) -> None:
        child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGHUP)}
    # The terminal sends Ctrl-C / Ctrl-\ to the child too; ssotui just waits for it.
    ignored = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGQUIT)}
    try:
        code = child.wait()
    finally:
        for s, handler in {**previous, **ignored}.items():
            signal.signal(s, handler)
    return code if code >= 0 else 128 - code
