"""The detached revalidation `ssotui list` starts for a stale listing cache.

Run as `python -m ssotui.commands.revalidate --sso-session=NAME --seen=MTIME_NS`
with stdin, stdout and stderr on /dev/null (see core/freshness.spawn_revalidation).
It lists only while holding the sso-session's revalidation lock, and only if the
cache file is still the one its parent saw (`--seen`, its mtime in ns): a second
revalidation, running or finished, makes this one exit at once. Exit status: 0
listed or nothing to do, 1 the listing failed (nobody reads it; the cache stays).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ssotui-revalidate")
    parser.add_argument("--sso-session", required=True)
    parser.add_argument("--seen", type=int, default=0, help="the cache mtime_ns the caller saw")
    args = parser.parse_args(argv)
    try:  # a background job: the caller's pipeline (and the user) go first for the CPU
        os.nice(10)
    except (AttributeError, OSError):
        pass

    from ssotui.core import freshness
    from ssotui.core.errors import SsotuiError
    from ssotui.core.sessions import resolve_session

    try:
        session = resolve_session(args.sso_session)
        with freshness.revalidation_lock(session, 0) as got:
            if not got or freshness.cache_stamp(session) != args.seen:
                return 0  # another revalidation is running, or has rewritten the cache
            from ssotui.commands.listing import list_org

            final = list_org(session, lambda _event: None)
    except SsotuiError:
        return 1
    return 1 if final.error else 0


if __name__ == "__main__":
    raise SystemExit(main())
