"""The picker's own command lines are read without argparse (ssotui.argv.picker_args);
every one of them must give exactly the namespace the full parser gives, and every
other command line must go to the full parser (which owns help and errors)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ssotui.argv import picker_args
from ssotui.cliparser import build_parser

READ_FAST = [
    [],
    ["prod"],
    ["prod", "adm"],
    ["--sso-session", "corp"],
    ["--sso-session=corp"],
    ["--sso-session="],
    ["--sso-session", "a", "--sso-session", "b"],  # the last wins, as in argparse
    ["--print-env"],
    ["--print-env", "pay", "adm"],
    ["pay", "--print-env", "--format", "fish", "adm"],
    ["--format=dotenv", "--print-env"],
    ["--debug", "--demo"],
    ["--print-env", "--with-region", "pay"],
    ["--print-env", "--profile-var", "pay"],
    ["--", "--json", "pay"],  # after `--` every word is a query word
    ["-"],
    ["prod", "--", "-x"],
    ["arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_abcd/user"],
    ["--sso-session", "corp", "dev@example.com"],
]

FULL_PARSER = [
    ["list"],
    ["prod", "list"],  # may name a command: the full parser decides
    ["--", "list"],
    ["--sso-session", "list"],
    ["-h"],
    ["--help"],
    ["--version"],
    ["--print"],  # an abbreviation argparse expands
    ["--sso-session"],  # a missing value: argparse says so
    ["--sso-session", "--debug"],
    ["--format", "yaml"],  # not a format: argparse lists the choices
    ["--format=yaml"],
    ["--debug=1"],
    ["-x"],
    ["--no-such-option"],
    ["-5"],
]


@pytest.mark.parametrize("argv", READ_FAST, ids=" ".join)
def test_the_fast_reading_matches_the_full_parser(argv: list[str]) -> None:
    fast = picker_args(argv)
    assert fast is not None
    assert vars(fast) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", FULL_PARSER, ids=" ".join)
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    assert picker_args(argv) is None


def test_completion_requests_go_to_the_full_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_ARGCOMPLETE", "1")
    assert picker_args(["prod"]) is None


@pytest.mark.parametrize(("argv", "message"), [
    (["--sso-session"], "expected one argument"),
    (["--format", "yaml"], "invalid choice"),
    (["--no-such-option"], "unrecognized arguments"),
])
def test_errors_still_come_from_argparse(argv: list[str], message: str) -> None:
    out = subprocess.run([sys.executable, "-m", "ssotui", *argv], capture_output=True,
                         text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert out.returncode == 2
    assert message in out.stderr and out.stderr.startswith("usage: ssotui")
