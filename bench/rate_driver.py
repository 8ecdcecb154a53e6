"""One listing as `ssotui list --refresh` runs it, for bench/rate_bench.py.

    python rate_driver.py ACCOUNTS      # env: a signed-in HOME pointed at the emulator

Runs in the installed wheel's venv; prints one JSON line: the listing's time, its
requests and 429s, and whether it equals the emulator's org (generated with the
emulator's defaults: 3 roles per account, seed 0).
"""

from __future__ import annotations

import json
import sys
import time

from ssotui.core import directory as d
from ssotui.core import tokens
from ssotui.core.clients import make_clients
from ssotui.core.models import SsoSession
from ssotui.emulator import DEFAULT_START_URL, generate_org


def main() -> int:
    accounts = int(sys.argv[1])
    session = SsoSession("bench", DEFAULT_START_URL, "us-east-1", ("sso:account:access",))
    clients = make_clients(session)
    token = tokens.ensure_token(session, clients).access_token
    loader = d.DirectoryLoader(clients.listing, lambda: token, None, session=session)
    t0 = time.monotonic()
    loader.start(refresh=True)
    final = loader.wait()
    elapsed = time.monotonic() - t0
    loader.close()
    assert final is not None
    truth = {a.account_id: tuple(sorted(r)) for a, r in generate_org(accounts, 3, 0)}
    learned = loader.pacer.learned()
    print(json.dumps({
        "elapsed_s": round(elapsed, 2), "requests": final.requests,
        "throttled": final.throttled, "failed": len(final.failed), "error": final.error,
        "matches_ground_truth": final.roles == truth and not final.failed,
        "start_rate": round(loader.pacer.initial, 1),
        "learned_rate": round(learned, 1) if learned is not None else None,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
