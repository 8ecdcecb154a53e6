"""`ssotui [OPTIONS] [QUERY…]` next to the subcommands, and `--print-env QUERY…`
printing the one role it names (against the emulator, in this process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from e2e.harness import record_credentials
from ssotui.cliparser import build_parser


@pytest.mark.parametrize(("argv", "command", "query"), [
    ([], None, []),
    (["prod", "adm"], None, ["prod", "adm"]),
    (["--print-env", "prod"], None, ["prod"]),
    (["prod", "--print-env", "--format", "fish", "adm"], None, ["prod", "adm"]),
    (["--sso-session", "list", "prod"], None, ["prod"]),  # an option's value is no command
    (["--sso-session=corp", "list"], "list", []),
    (["--", "list"], None, ["list"]),  # `--`: the rest is a query, whatever it says
    (["prod", "list"], None, ["prod", "list"]),
    (["list", "--json"], "list", []),
    (["shell-init", "fish"], "shell-init", []),
])
def test_query_words_and_subcommands(argv: list[str], command: str | None,
                                     query: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert (args.command, args.query) == (command, query)


def test_options_keep_their_meaning_around_query_words() -> None:
    args = build_parser().parse_args(["prod", "--print-env", "--format", "fish", "adm"])
    assert args.print_env and args.format == "fish"
    args = build_parser().parse_args(["--sso-session", "list", "prod"])
    assert args.sso_session == "list"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["prod", "--no-such-option"])


def _run(*argv: str) -> int:
    from ssotui.commands import tui

    return tui.run(build_parser().parse_args(list(argv)))


def test_print_env_query_naming_one_role_prints_it(signed_in: str, aws_env: Any,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    issued = record_credentials(monkeypatch)
    # no listing cache yet: listed first, then the one role printed
    assert _run("--print-env", "dev-api", "admin") == 0
    out = capsys.readouterr().out
    key = out.splitlines()[0].removeprefix("export AWS_ACCESS_KEY_ID=")
    assert issued == {key: ("156419011138", "AdministratorAccess")}
    listed = aws_env.calls.get("ListAccounts", 0)
    assert listed >= 1

    # from the cache now (no listing), in the format asked for, by an ARN
    arn = "arn:aws:iam::761670025794:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_9f8e"
    assert _run("--print-env", "--format", "fish", arn) == 0
    out = capsys.readouterr().out
    assert out.startswith("set -gx AWS_ACCESS_KEY_ID ")
    assert aws_env.calls.get("ListAccounts", 0) == listed
    assert sorted(issued.values()) == [("156419011138", "AdministratorAccess"),
                                       ("761670025794", "ReadOnly")]


@pytest.mark.parametrize("query", ["staging", "zzz-nothing", "readonly", "156419011138"])
def test_anything_but_one_role_leaves_it_to_the_picker(query: str, signed_in: str,
                                                       aws_env: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from ssotui.commands.assume import exports_for

    issued = record_credentials(monkeypatch)
    assert exports_for(query, None, None) is None
    assert issued == {}


def test_signed_out_leaves_it_to_the_picker(aws_env: Any, isolated_home: Path) -> None:
    from ssotui.commands.assume import exports_for

    assert exports_for("dev-api admin", None, None) is None  # the picker signs in
    assert aws_env.calls.get("GetRoleCredentials", 0) == 0


def test_printing_one_role_never_imports_textual(signed_in: str, aws_env: Any) -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom ssotui.commands.assume import exports_for\n"
            "out = exports_for('dev-api admin', None, None)\n"
            "print(out is not None and out.startswith('export AWS_ACCESS_KEY_ID='))\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert proc.stdout.splitlines() == ["True", "[]"], proc.stderr
