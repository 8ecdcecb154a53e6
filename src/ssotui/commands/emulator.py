"""`ssotui emulator`: serve a local IAM Identity Center until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from ssotui.core.errors import UsageError
from ssotui.emulator import DEFAULT_START_URL, Emulator, OrgFileError
from ssotui.emulator.throttle import TpsError, parse_tps


def run(args: argparse.Namespace) -> int:
    if args.accounts < 0 or args.roles_per_account < 0:
        raise UsageError("--accounts and --roles-per-account must be 0 or more")
    if not 0.0 <= args.fault_rate <= 1.0:
        raise UsageError("--fault-rate must be between 0 and 1")
    if args.tps is not None:
        try:
            parse_tps(args.tps)  # refused here, with a usage line, not in the server
        except TpsError as exc:
            raise UsageError(str(exc)) from None
    try:
        emu = Emulator(
            accounts=args.accounts, roles_per_account=args.roles_per_account, seed=args.seed,
            latency_ms=args.latency_ms, tps=args.tps, fault_rate=args.fault_rate,
            approve=args.approve, token_ttl=args.token_ttl, host=args.host, port=args.port,
            org_file=getattr(args, "org", None),
        )
    except OrgFileError as exc:
        raise UsageError(str(exc)) from None
    try:
        url = emu.start()
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from exc

    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    # The first stdout line is the URL alone: scripts and tests read it.
    print(url, flush=True)
    print(
        f"# {emu.account_count} accounts, approve={args.approve}. Point the AWS tools at it:\n"
        f"#   export AWS_ENDPOINT_URL_SSO={url} AWS_ENDPOINT_URL_SSO_OIDC={url}\n"
        f"#   sso_start_url = {DEFAULT_START_URL}   (any start URL works)\n"
        "# Ctrl-C to stop.",
        file=sys.stderr, flush=True,
    )
    try:
        while not stop.wait(0.5):
            pass
    finally:
        emu.stop()
    return 0
