"""The full command-line parser (argparse): every subcommand, help and the error
messages. The picker's own command lines skip it (ssotui.argv.picker_args): importing
argparse and building this parser cost ~3 ms of the picker's start."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ssotui import __version__
from ssotui.argv import DEFAULT_SECTION, FORMATS, HANDLERS, VALUE_OPTIONS

SHELLS = ["bash", "zsh", "fish", "powershell"]

COMPLETION_SHELLS = ["bash", "zsh", "fish"]


def _session_opt(p: argparse.ArgumentParser, top: bool = False) -> None:
    # SUPPRESS on subcommands so a top-level `--sso-session X` is not reset to None
    p.add_argument(
        "--sso-session", metavar="NAME", help="the sso-session to use",
        default=None if top else argparse.SUPPRESS,
    )


class _Parser(argparse.ArgumentParser):
    """`ssotui [OPTIONS] [QUERY…]` next to `ssotui [OPTIONS] COMMAND …`: words that are
    not a command start the picker with its filter filled (`args.query`). argparse
    cannot mix a free positional with subcommands, so the words are taken out first."""

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None,
                         ) -> tuple[argparse.Namespace, list[str]]:
        rest = list(sys.argv[1:] if args is None else args)
        options: list[str] = []
        query: list[str] = []
        command_line: list[str] | None = None
        i = 0
        while i < len(rest):
            word = rest[i]
            if word == "--":
                query += rest[i + 1:]
                break
            if word.startswith("-") and word != "-":
                options.append(word)
                if word in VALUE_OPTIONS and i + 1 < len(rest):
                    options.append(rest[i + 1])
                    i += 1
            elif not query and word in HANDLERS:
                tail = rest[i:]
                if word == "exec" and "--" in tail:  # argparse mixes `--` up with ROLE
                    cut = tail.index("--")
                    tail, command_line = tail[:cut], tail[cut + 1:]
                options += tail  # a subcommand: argparse takes it from here
                break
            else:
                query.append(word)
            i += 1
        ns, extra = super().parse_known_args(options, namespace)
        if getattr(ns, "command", None) == "list":  # `list pay --json adm`: FILTER words
            ns.filter = [*ns.filter, *(w for w in extra if not w.startswith("-"))]
            extra = [w for w in extra if w.startswith("-")]
        ns.query = query
        if command_line is not None:
            ns.command_line = command_line
        return ns, extra


def _duration(text: str) -> float:
    from ssotui.core.freshness import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The whole parser; with `commands` False only the top level (the picker's own
    options): ~5 ms less on the picker's start, for a command line naming no command."""
    parser = _Parser(
        prog="ssotui",
        usage="ssotui [OPTIONS] [QUERY ...]\n       ssotui [OPTIONS] COMMAND ...",
        description="Pick AWS IAM Identity Center accounts and roles from the terminal. "
        "QUERY starts the picker with its filter filled: an account name, id or email, "
        "a role or assumed-role ARN, or a profile name. With --print-env and one "
        "matching role, its exports are printed at once.",
    )
    parser.add_argument("--version", action="version", version=f"ssotui {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    _session_opt(parser, top=True)
    parser.add_argument(
        "--demo", action="store_true",
        help="run against the built-in emulator with a sample org and throwaway files",
    )
    parser.add_argument(
        "--print-env", action="store_true",
        help="on Enter, exit printing the role's exports on stdout (for eval)",
    )
    parser.add_argument("--format", choices=FORMATS, help="export format for --print-env")
    from ssotui.commands.credparsers import add_commands, creds_options, yes_option

    creds_options(parser)
    # plain parsers below: only the top level takes QUERY words
    sub = parser.add_subparsers(dest="command", metavar="COMMAND",
                                parser_class=argparse.ArgumentParser)
    if not commands:
        return parser

    p = sub.add_parser("login", help="sign in to an sso-session")
    _session_opt(p)
    p.add_argument("--device-code", action="store_true", help="use the device-code flow")
    p.add_argument("--no-browser", action="store_true", help="print the URL, do not open a browser")
    p.add_argument("--browser-flow", action="store_true",
                   help="use the browser (PKCE) flow even where ssotui guesses no browser can "
                   "reach you (SSH, containers); prints the URL to open")
    p.add_argument("--callback-port", type=int, metavar="PORT",
                   help="browser flow: take the redirect on 127.0.0.1:PORT (for port "
                   "forwarding, e.g. ssh -L PORT:127.0.0.1:PORT); implies --browser-flow")
    p.add_argument("--start-url", help="start URL for a new sso-session")
    p.add_argument("--region", help="region for a new sso-session")

    p = sub.add_parser("logout", help="sign out of an sso-session")
    _session_opt(p)

    p = sub.add_parser("list", help="list accounts and roles")
    _session_opt(p)
    p.add_argument("filter", nargs="*", metavar="FILTER",
                   help="only the roles these words pick, as in the picker's filter")
    p.add_argument("--json", action="store_true", help="print JSON")
    fresh = p.add_mutually_exclusive_group()
    fresh.add_argument("--refresh", action="store_true",
                       help="list now and wait for it, whatever the cache's age")
    fresh.add_argument("--cached", action="store_true",
                       help="print the cached listing only: no network at all")
    p.add_argument("--max-age", type=_duration, metavar="DURATION",
                   help="revalidate a cache older than this in the background "
                   "(e.g. 15m, 1h, 2d; default 1h or list_max_age in prefs.toml)")

    p = sub.add_parser("creds", help="get role credentials")
    p.add_argument("account", metavar="ACCOUNT", help="account id or exact account name")
    p.add_argument("role", metavar="ROLE", help="role name")
    _session_opt(p)
    # SUPPRESS: `ssotui --format fish creds ...` keeps the top-level value
    p.add_argument(
        "--format", choices=FORMATS, default=argparse.SUPPRESS,
        help="output format (default env, or the preference)",
    )
    p.add_argument("--copy", action="store_true", help="put the output on the clipboard")
    p.add_argument(
        # a bare flag means "the default section name"; an explicit "" is an error
        "--write-credentials", nargs="?", const=DEFAULT_SECTION, default=None, metavar="SECTION",
        help="write a section in the shared credentials file",
    )
    p.add_argument("--force", action="store_true", help="overwrite a conflicting section "
                   "(or write a production account's credentials)")
    yes_option(p)
    creds_options(p)

    add_commands(sub, _session_opt)  # exec, serve, status

    p = sub.add_parser("profile", help="write a [profile] block into the AWS config")
    p.add_argument("account", metavar="ACCOUNT", help="account id or exact account name")
    p.add_argument("role", metavar="ROLE", help="role name")
    _session_opt(p)
    p.add_argument("--name", help="profile name (default from the name template)")
    p.add_argument("--region", help="default region for the profile")
    p.add_argument("--output", help="default output format for the profile")
    p.add_argument("--force", action="store_true", help="replace a different block of that name")
    p.add_argument("--dry-run", action="store_true", help="print a diff, write nothing")

    p = sub.add_parser("console", help="open the AWS console signed in as a role")
    p.add_argument("account", metavar="ACCOUNT", help="account id or exact account name")
    p.add_argument("role", metavar="ROLE", help="role name")
    _session_opt(p)
    p.add_argument("--destination", metavar="SERVICE-or-URL",
                   help="a service (s3, ec2, cloudshell, …) or a console URL (default: home)")
    p.add_argument("--region", help="console region (default: the sso-session's)")
    p.add_argument("--duration", type=int, metavar="SECONDS",
                   help="console session length, 900-43200 (default 3600)")
    p.add_argument("--print-url", action="store_true",
                   help="print the sign-in URL (a credential, valid 15 min), open nothing")
    p.add_argument("--browser", metavar="CMD", help="open the URL with CMD (default: $BROWSER "
                   "or the system's browser; the URL is printed where none can open)")
    yes_option(p)

    _profiles_parser(sub)

    p = sub.add_parser("shell-init", help="print a shell function that switches roles "
                       "(eval it in your shell's startup file)")
    p.add_argument("shell", choices=SHELLS, metavar="SHELL", help=" | ".join(SHELLS))
    p.add_argument("--name", default="sa", help="the function's name (default: sa)")

    p = sub.add_parser("completion", help="print the shell completion script "
                       "(eval it in your shell's startup file)")
    p.add_argument("shell", choices=COMPLETION_SHELLS, metavar="SHELL",
                   help=" | ".join(COMPLETION_SHELLS))

    p = sub.add_parser("emulator", help="run a local IAM Identity Center emulator")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--accounts", type=int, default=40)
    p.add_argument("--roles-per-account", type=int, default=3)
    p.add_argument("--latency-ms", type=float, default=0.0)
    p.add_argument("--tps", default=None, help="portal requests/s before 429, or a schedule "
                   "of them: 60@0,20@10s (seconds from the first portal call)")
    p.add_argument("--fault-rate", type=float, default=0.0)
    p.add_argument("--approve", choices=["auto", "manual"], default="auto")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--token-ttl", type=int, default=8 * 3600, help="access token seconds")
    p.add_argument("--org", metavar="FILE",
                   help="serve the accounts, roles and credentials of a JSON org file")
    return parser


def _profiles_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`profiles sync` (a subcommand group, so more `profiles` verbs can join it)."""
    group = sub.add_parser("profiles", help="manage [profile] blocks in bulk")
    verbs = group.add_subparsers(dest="profiles_command", metavar="VERB", required=True)
    p = verbs.add_parser("sync", help="write a [profile] for every account and role "
                         "(or those FILTER matches), keeping every other byte")
    p.add_argument("filter", nargs="*", metavar="FILTER",
                   help="only roles whose account name, id or role name contains every word")
    _session_opt(p)
    p.add_argument("--name-template", metavar="T",
                   help="profile names, e.g. '{account_name}-{role_name}' (default: the "
                   "name_template preference, {account_id}_{role_name})")
    p.add_argument("--region", help="region for every synced profile (default: set only in "
                   "new profiles and ones lacking a region)")
    p.add_argument("--prune", action="store_true",
                   help="remove profiles ssotui synced whose account or role is gone")
    p.add_argument("--dry-run", action="store_true", help="print a diff and a summary, write nothing")
    p.add_argument("--yes", "-y", action="store_true", help="write without asking")
    p.add_argument("--force", action="store_true", help="resolve the named conflicts")
    p.add_argument("--cached", action="store_true",
                   help="use the cached listing (no network) instead of listing again")
