"""Command-line entry point: the TUI and the scriptable subcommands.

The argument surface is a contract (see README "Command line"); handlers live in
`ssotui.commands.<name>` and are imported lazily so `ssotui` starts fast.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ssotui.argv import HANDLERS, names_a_command, picker_args
from ssotui.core.errors import SsotuiError
from ssotui.stdstreams import OutputError, guard_std_streams, silence_stdout

if TYPE_CHECKING:
    import argparse


def _resolve(spec: str):  # type: ignore[no-untyped-def]
    module, func = spec.split(":")
    return getattr(importlib.import_module(module), func)


def _needs_terminal(args: Any) -> bool:  # argparse's Namespace or argv.picker_args'
    """The picker reads keys from stdin and draws on stderr; without a terminal it
    would hang, so say so instead."""
    return args.command is None and not (
        sys.stdin.isatty() and sys.__stderr__ is not None and sys.__stderr__.isatty()
    )


def _warm_creds(argv: Sequence[str] | None) -> int | None:
    """`ssotui creds ID ROLE --format FMT` served from the shared cache before the
    parser is even built (commands.warmcreds); None: run the full command."""
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] != ["creds"] or os.environ.get("SSOTUI_DEBUG"):
        return None
    from ssotui.commands.warmcreds import text_for

    text = text_for(words[1:])
    if text is None:
        return None
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OutputError as exc:
        silence_stdout()
        print(f"ssotui: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        silence_stdout()
        return 141
    return 0


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    from ssotui.cliparser import build_parser

    parser = build_parser(names_a_command(argv))
    if "_ARGCOMPLETE" in os.environ:  # a shell asking for completions (argcomplete)
        from ssotui.commands.completion import complete

        complete(parser)  # prints the candidates and exits
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    guard_std_streams()
    warm = _warm_creds(argv)
    if warm is not None:
        return warm
    args = picker_args(argv) or _parse(argv)
    # `ssotui --sso-session X list` and `ssotui list --sso-session X` both work.
    args.sso_session = getattr(args, "sso_session", None)
    if args.command is not None:
        gc.enable()  # see entry(): only the picker's start-up runs without it
    debug = args.debug or bool(os.environ.get("SSOTUI_DEBUG"))
    if debug:
        import logging  # only here: the warm credential_process path skips the import

        logging.basicConfig(level=logging.DEBUG, format="ssotui: %(name)s: %(message)s")
        from ssotui.core import redact

        redact.install()  # botocore's DEBUG log prints every token and key it handles
    if _needs_terminal(args):
        print(
            "ssotui: the picker needs a terminal (stdin and stderr must be a TTY); "
            "in scripts use `ssotui list`, `ssotui creds` or `ssotui profile`",
            file=sys.stderr,
        )
        return 2
    try:
        code = int(_resolve(HANDLERS[args.command])(args) or 0)
        sys.stdout.flush()  # a closed pipe shows up here, inside the handler below
        return code
    except OutputError as exc:
        silence_stdout()
        if debug:
            raise
        print(f"ssotui: {exc}", file=sys.stderr)
        return exc.exit_code
    except SsotuiError as exc:
        if debug:
            raise
        print(f"ssotui: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ssotui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `ssotui list | head`: the reader left; exit quietly as SIGPIPE would
        silence_stdout()
        return 141


def entry() -> None:
    # The picker's start-up (importing Textual, building the screen) allocates a lot
    # and frees almost nothing: the cyclic collector would run dozens of times for
    # nothing (~10% of the time to first paint). The TUI turns it back on, with
    # those objects frozen, once the first screen is drawn (tui.app.settle_gc).
    gc.disable()
    sys.exit(main())


if __name__ == "__main__":
    entry()
