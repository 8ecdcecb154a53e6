"""`ssotui [QUERY…]` with no subcommand: the full-screen picker, `--demo` and `--print-env`.

The UI draws on stderr (Textual's Linux driver writes to `sys.__stderr__`) and reads
the keyboard from stdin, so with `--print-env` stdout carries only the exports:
`eval "$(ssotui --print-env)"` works from any POSIX shell. It is sized from that
terminal too (tui.driver), not from stdout. `--print-env QUERY…` naming one role
prints at once, without drawing (commands.assume).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

DEMO_SESSION = "demo"
DEMO_ACCOUNTS = 60
# Accounts named so that each single-letter action key (c e p w r s f q) starts the
# name of some demo account: typing any name must filter, never act (issue 11).
DEMO_EXTRA = [
    ("core-network", "713201984455", ["AdministratorAccess", "NetworkAdministrator"]),
    ("edge-cdn", "520473316092", ["PowerUser", "ReadOnly"]),
    ("wiki-docs", "908112734561", ["ReadOnly"]),
    ("research-ml", "375590218846", ["DataScientist", "ReadOnly"]),
    ("finance-reporting", "689014427735", ["Billing", "ReadOnly"]),
]


def headless_browser(url: str) -> bool:
    """Play the user's browser against the emulator: follow /authorize to the loopback
    callback (auto-approve), on a thread so the sign-in screen shows its progress."""

    import urllib.request  # demo only: kept off the startup path

    def visit() -> None:
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 - local emulator
                resp.read()
        except Exception:  # noqa: BLE001 - the flow reports the failure itself
            pass

    threading.Thread(target=visit, daemon=True, name="ssotui-demo-browser").start()
    return True


@contextmanager
def demo_environment(base: Path | None = None, accounts: int = DEMO_ACCOUNTS,
                     seed: int = 22) -> Iterator[dict[str, str]]:
    """An emulator and throwaway HOME/AWS files; the user's ~/.aws is never touched."""
    from ssotui.core.models import Account
    from ssotui.emulator import DEFAULT_START_URL, Emulator, generate_org

    root = base or Path(tempfile.mkdtemp(prefix="ssotui-demo-"))
    home = root / "home"
    (home / ".aws").mkdir(parents=True, exist_ok=True)
    paths = {
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "SSOTUI_CACHE_DIR": str(root / "cache"),
        "XDG_CONFIG_HOME": str(root / "xdg-config"),
        "XDG_CACHE_HOME": str(root / "xdg-cache"),
    }
    saved = {k: os.environ.get(k) for k in
             [*paths, "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_PROFILE",
              "SSOTUI_FEDERATION_ENDPOINT"]}
    extra = DEMO_EXTRA[:max(0, accounts - 1)]
    org = generate_org(accounts - len(extra), 3, seed) + [
        (Account(i, name, f"aws+{name}@example-corp.com"), list(roles))
        for name, i, roles in extra]
    emu = Emulator(org=org, approve="auto")
    url = emu.start()
    try:
        os.environ.update(paths)
        os.environ["AWS_ENDPOINT_URL_SSO"] = url
        os.environ["AWS_ENDPOINT_URL_SSO_OIDC"] = url
        os.environ["SSOTUI_FEDERATION_ENDPOINT"] = url + "/federation"  # console sign-in
        os.environ.pop("AWS_PROFILE", None)
        config = Path(paths["AWS_CONFIG_FILE"])
        if not config.exists():
            config.write_text(
                f"[sso-session {DEMO_SESSION}]\n"
                f"sso_start_url = {DEFAULT_START_URL}\n"
                "sso_region = us-east-1\n"
                "sso_registration_scopes = sso:account:access\n"
            )
        yield {**paths, "root": str(root), "url": url}
    finally:
        emu.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _run_app(args: argparse.Namespace, demo: bool) -> Any:
    from ssotui.tui.backend import Prefetch

    name = getattr(args, "sso_session", None) or (DEMO_SESSION if demo else None)
    prefetch = Prefetch(name)  # config, token and cache, for the first frame
    from ssotui.tui.app import SsotuiApp

    app = SsotuiApp(
        session_name=name, prefetch=prefetch,
        print_env=bool(getattr(args, "print_env", False)),
        fmt=getattr(args, "format", None),
        open_browser=headless_browser if demo else None,
        query=query_text(args),
    )
    if sys.platform != "win32":
        from ssotui.tui.driver import TerminalDriver

        app.driver_class = TerminalDriver
    result = app.run()
    return result, app.return_code


def query_text(args: argparse.Namespace) -> str:
    return " ".join(getattr(args, "query", None) or [])


def _direct(args: argparse.Namespace, demo: bool) -> str | None:
    """`--print-env QUERY…` naming one role: its exports, nothing drawn."""
    if not (getattr(args, "print_env", False) and query_text(args).strip()):
        return None
    from ssotui.commands.assume import exports_for

    name = getattr(args, "sso_session", None) or (DEMO_SESSION if demo else None)
    return exports_for(query_text(args), name, getattr(args, "format", None))


def pick(session_name: str | None) -> Any:
    """The picker as `--print-env` runs it: the chosen role's core.models.PickedText
    (which knows the session, account and role), or None when the user quit."""
    import argparse  # off the picker's own start (cli.main reads its argv without it)

    from ssotui.core.models import PickedText

    args = argparse.Namespace(sso_session=session_name, print_env=True, format="env",
                              query=[])
    result, _code = _run_app(args, demo=False)
    return result if isinstance(result, PickedText) else None


def _opt_ins(args: argparse.Namespace, text: str) -> str:
    """--profile-var (AWS_PROFILE instead of keys) and --with-region, for the role the
    printed text is for."""
    profile_var = bool(getattr(args, "profile_var", False))
    with_region = bool(getattr(args, "with_region", False))
    if not (profile_var or with_region) or not getattr(text, "session", ""):
        return text
    import argparse

    from ssotui.commands import creds as creds_cmd
    from ssotui.core import exports

    ns = argparse.Namespace(account=text.account_id, role=text.role,  # type: ignore[attr-defined]
                            sso_session=text.session)  # type: ignore[attr-defined]
    w = creds_cmd.wanted(ns)
    fmt = getattr(args, "format", None) or "env"
    if profile_var:
        return creds_cmd.profile_var(w, fmt, with_region)
    return text + exports.render_vars(exports.region_vars(creds_cmd.region_of(w)), fmt)


def _check_opt_ins(args: argparse.Namespace) -> None:
    from ssotui.core.errors import UsageError

    if not (getattr(args, "profile_var", False) or getattr(args, "with_region", False)):
        return
    if not getattr(args, "print_env", False) or getattr(args, "demo", False):
        raise UsageError("--with-region and --profile-var go with --print-env (not --demo)")
    if getattr(args, "format", None) == "process":
        raise UsageError("--with-region and --profile-var print variables; --format "
                         "process has none (use another format)")


def run(args: argparse.Namespace) -> int:
    print_env = bool(getattr(args, "print_env", False))
    _check_opt_ins(args)
    if not getattr(args, "demo", False):
        direct = _direct(args, demo=False)
        if direct is not None:
            sys.stdout.write(_opt_ins(args, direct) if hasattr(direct, "session") else direct)
            sys.stdout.flush()
            return 0
    if getattr(args, "demo", False):
        with demo_environment() as env:
            result, code = _run_app(args, demo=True)
        print(f"ssotui demo: throwaway files kept in {env['root']} "
              f"(config {env['AWS_CONFIG_FILE']}, credentials "
              f"{env['AWS_SHARED_CREDENTIALS_FILE']}); your ~/.aws was not touched",
              file=sys.stderr)
    else:
        result, code = _run_app(args, demo=False)
    if print_env:
        if not result:
            print("ssotui: nothing chosen", file=sys.stderr)
            return 1
        if not getattr(args, "demo", False) and hasattr(result, "session"):
            result = _opt_ins(args, result)
        sys.stdout.write(result)
        sys.stdout.flush()
    return int(code or 0)
