"""The command line's vocabulary, and the picker's own command lines read without
argparse.

`ssotui`, `ssotui QUERY…`, `ssotui --print-env`, `ssotui --sso-session NAME` start
the picker, where importing argparse (and gettext) and building the parser cost ~3 ms
of the start. `picker_args` reads exactly those
command lines; anything else (a subcommand, help, --version, an unknown or
abbreviated option, a missing value) returns None and goes to the full parser
(ssotui.cliparser), which owns every error message. tests/test_cli_fastpath.py
checks that both give the same namespace.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from types import SimpleNamespace

from ssotui.core.exports import FORMATS

# subcommand -> "module:function"; the function takes the parsed Namespace, returns an exit code
HANDLERS = {
    None: "ssotui.commands.tui:run",
    "login": "ssotui.commands.login:run_login",
    "logout": "ssotui.commands.login:run_logout",
    "list": "ssotui.commands.listing:run",
    "creds": "ssotui.commands.creds:run",
    "exec": "ssotui.commands.exec:run",
    "serve": "ssotui.commands.serve:run",
    "status": "ssotui.commands.status:run",
    "profile": "ssotui.commands.actions:run_profile",
    "emulator": "ssotui.commands.emulator:run",
    "shell-init": "ssotui.commands.shellinit:run",
    "completion": "ssotui.commands.completion:run",
    "console": "ssotui.commands.console:run",
    "profiles": "ssotui.commands.sync:run",
}

#: what the parser stores for a bare `--write-credentials` (no SECTION given); NUL
#: cannot come from a real argument
DEFAULT_SECTION = "\0default"

#: top-level options followed by a value (so the value is not taken for a QUERY word)
VALUE_OPTIONS = {"--sso-session", "--format"}

#: the picker's flags. --with-region and --profile-var are SUPPRESS options in the
#: full parser: absent from the namespace unless given, as here.
_FLAGS = {"--debug": "debug", "--demo": "demo", "--print-env": "print_env",
          "--with-region": "with_region", "--profile-var": "profile_var"}


def names_a_command(argv: Sequence[str] | None) -> bool:
    """Whether the command line may need a subcommand's parser: any word naming one,
    a request for help, or a shell asking for completions."""
    words = sys.argv[1:] if argv is None else argv
    return ("_ARGCOMPLETE" in os.environ
            or any(w in HANDLERS or w in ("-h", "--help") for w in words))


def picker_args(argv: Sequence[str] | None) -> SimpleNamespace | None:
    """The namespace the full parser would give a command line that only starts the
    picker, or None for any other command line (the full parser takes it)."""
    words = list(sys.argv[1:] if argv is None else argv)
    if names_a_command(words):
        return None
    ns = SimpleNamespace(debug=False, sso_session=None, demo=False, print_env=False,
                         format=None, command=None, query=[])
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            ns.query += words[i + 1:]
            break
        if not word.startswith("-") or word == "-":
            ns.query.append(word)
        elif word in _FLAGS:
            setattr(ns, _FLAGS[word], True)
        else:
            name, eq, value = word.partition("=")
            if name not in VALUE_OPTIONS:
                return None  # --version, -x, an abbreviation, a flag given a value
            if not eq:
                if i + 1 == len(words) or words[i + 1].startswith("-"):
                    return None  # argparse says what is missing
                i += 1
                value = words[i]
            if name == "--format" and value not in FORMATS:
                return None  # argparse lists the choices
            setattr(ns, name[2:].replace("-", "_"), value)
        i += 1
    return ns
