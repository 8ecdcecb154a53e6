"""The command-line surface of `exec`, `serve`, `status` and the opt-ins of `creds`
and `--print-env`, kept out of cliparser.py (which calls these from build_parser) so that
file stays small."""

from __future__ import annotations

import argparse
from collections.abc import Callable

SessionOpt = Callable[[argparse.ArgumentParser], None]


def yes_option(p: argparse.ArgumentParser) -> None:
    """--yes for every command that hands out a role's credentials (core.guardrails)."""
    p.add_argument("--yes", action="store_true", help="act on a production role without "
                   "asking (prefs.toml [[guardrails]])")


def creds_options(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: `ssotui --with-region creds ...` keeps the top-level value
    p.add_argument("--with-region", action="store_true", default=argparse.SUPPRESS,
                   help="also print AWS_REGION and AWS_DEFAULT_REGION")
    p.add_argument("--profile-var", action="store_true", default=argparse.SUPPRESS,
                   help="print AWS_PROFILE=NAME for a profile of that role instead of keys")


def add_commands(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                 session_opt: SessionOpt) -> None:
    p = sub.add_parser("exec", help="run a command (default: $SHELL) with a role's credentials",
                       usage="ssotui exec [ACCOUNT [ROLE]] [--nest] [--yes] [-- CMD ARGS...]")
    p.add_argument("account", metavar="ACCOUNT", nargs="?",
                   help="account id or exact account name, or a profile name")
    p.add_argument("role", metavar="ROLE", nargs="?", help="role name")
    session_opt(p)
    p.add_argument("--nest", action="store_true", help="allow running inside another exec")
    yes_option(p)
    p.set_defaults(command_line=[])  # `-- CMD ARGS...`, split off before argparse (cli.py)

    p = sub.add_parser("serve", help="serve a role's credentials to SDKs and containers "
                       "(AWS_CONTAINER_CREDENTIALS_FULL_URI)")
    p.add_argument("account", metavar="ACCOUNT", help="account id or exact account name, "
                   "or a profile name")
    p.add_argument("role", metavar="ROLE", nargs="?", help="role name")
    session_opt(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    p.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    p.add_argument("--allow-non-loopback", action="store_true",
                   help="allow a --host other than loopback (anyone reaching it with the "
                   "token gets the credentials)")
    yes_option(p)

    p = sub.add_parser("status", help="sign-ins, listing caches and cached role credentials")
    p.add_argument("--json", action="store_true", help="print JSON")
