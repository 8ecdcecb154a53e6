"""The TUI's one doorway into `ssotui.core`.

Every call here may block (disk, network) and is made from a thread worker; the
screens never import core modules themselves, so adapting to a core API change
happens in this file only. Nothing here touches Textual.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssotui.core.errors import NeedsLogin
from ssotui.core.models import Account, RoleCredentials, SsoSession, Token

if TYPE_CHECKING:  # imported when a write is planned, not at start-up
    from ssotui.core.profilesync import SyncPlan
    from ssotui.core.writeplan import WritePlan as Preview

FORMATS = ["env", "env-no-export", "fish", "powershell", "windows-cmd", "dotenv", "process"]
FORMAT_LABELS = {
    "env": "bash/zsh exports",
    "env-no-export": "NAME=value lines",
    "fish": "fish",
    "powershell": "PowerShell",
    "windows-cmd": "Windows cmd",
    "dotenv": ".env file",
    "process": "credential_process JSON",
}


class _LazyClients:
    """`Clients` built on the first attribute access (thread-safe)."""

    def __init__(self, session: SsoSession) -> None:
        self._session = session
        self._real: Any = None
        self._lock = threading.Lock()

    def real(self) -> Any:
        with self._lock:
            if self._real is None:
                from ssotui.core.clients import make_clients

                self._real = make_clients(self._session)
            return self._real

    def __getattr__(self, name: str) -> Any:
        real = self.real()
        if name == "listing":  # Clients.listing is None when made without one
            return real.listing or real.sso
        return getattr(real, name)  # a proxy: any attribute of Clients


GATE_TIMEOUT = 1.0  # the longest a listing call waits for the UI to let it go


class _LazyAttr:
    """Stands for `owner.<name>` until something is asked of it; with a `gate`, the
    first call waits (at most GATE_TIMEOUT) until the gate is set."""

    def __init__(self, owner: Any, name: str, gate: threading.Event | None = None) -> None:
        self._owner = owner
        self._name = name
        self._gate = gate

    def __getattr__(self, attr: str) -> Any:
        if self._gate is not None:
            self._gate.wait(GATE_TIMEOUT)
        return getattr(getattr(self._owner, self._name), attr)


class Prefetch:
    """Reads what the first screen needs (sessions, a token that needs no refresh,
    the listing cache) before the app starts, so the main screen is the app's first
    screen, with the list in the first frame: no blank screen, no worker round trip
    after start-up. Disk only, never the network.

    In this thread, not a thread of its own: the reading is CPU work (parsing, from
    the page cache) that overlapped nothing but Textual's import, itself CPU work
    under the same GIL, and the hand-offs cost the first frame 4-8 ms (measured:
    Thread.start waits for the GIL the new thread holds, then each thread waits out
    the other's switch interval)."""

    def __init__(self, session_name: str | None) -> None:
        self.session_name = session_name
        self.sessions: list[SsoSession] | None = None
        self.session: SsoSession | None = None
        self.token: Token | None = None
        self.cached: Any = None
        self._run()

    def _run(self) -> None:
        try:
            from ssotui.core import tokens

            self.sessions = load_sessions()
            if self.session_name is None:
                match = self.sessions if len(self.sessions) == 1 else []
            else:
                match = [s for s in self.sessions
                         if self.session_name in (s.name, s.legacy_profile)]
            if match:
                token = tokens.load_token(match[0])
                # only a token ensure_token would hand back as it is
                if token is not None and tokens.remaining(token) >= tokens.REFRESH_WINDOW:
                    self.session, self.token = match[0], token
                    self.cached = Backend(match[0]).cached_org()
        except Exception:  # noqa: BLE001 - the app reads everything again and says why
            self.sessions = None
            self.session = self.token = self.cached = None


def load_sessions() -> list[SsoSession]:
    from ssotui.core import awsconfig

    return list(awsconfig.load_sessions())


def config_path() -> Path:
    from ssotui.core import awsconfig

    return Path(awsconfig.config_path())


def credentials_path() -> Path:
    from ssotui.core import credfile

    return Path(credfile.credentials_path())


def load_token(session: SsoSession) -> Token | None:
    from ssotui.core import tokens

    return tokens.load_token(session)


def create_session(name: str, start_url: str, region: str) -> SsoSession:
    from ssotui.core import sessions

    return sessions.create_session(name=name, start_url=start_url, region=region)


def load_prefs() -> Any:
    from ssotui.core import prefs

    return prefs.load_prefs()


class Backend:
    """One sso-session's clients, token and the calls the screens make."""

    def __init__(self, session: SsoSession) -> None:
        self.session = session
        self._clients: Any = None
        self.token: Token | None = None
        self.pacer: Any = None  # the listing's: GetRoleCredentials shares its budget

    @property
    def clients(self) -> Any:
        """The boto3 clients, made on first use: importing boto3 and building clients
        costs ~0.4 s, and a warm start shows the cached list before any call."""
        if self._clients is None:
            self._clients = _LazyClients(self.session)
        return self._clients

    # -- sign-in ------------------------------------------------------------
    def ensure_token(self) -> Token:
        """A usable token (refreshed when near expiry) or NeedsLogin."""
        from ssotui.core import tokens

        self.token = tokens.ensure_token(self.session, self.clients)
        return self.token

    def access_token(self) -> str:
        return self.ensure_token().access_token

    def flow_kind(self, device: bool = False) -> str:
        """"pkce" or "device" (device where no browser can reach the user)."""
        from ssotui.core import login

        return str(login.choose_flow(self.session, device))

    def login_flow(self, kind: str, open_browser: Callable[[str], Any] | None,
                   cancel: threading.Event) -> Iterator[Any]:
        """The sign-in events of core.login (ShowUrl/ShowCode/Waiting/Done/Failed)."""
        from ssotui.core import login

        if kind == "device":
            return login.device_flow(self.session, self.clients, cancel=cancel)
        return login.pkce_flow(self.session, self.clients, open_browser=open_browser,
                               cancel=cancel)

    def logout(self) -> None:
        """The same sign-out as `ssotui logout`: portal Logout (best effort), token file,
        AWS CLI role-credential cache and the listing cache."""
        from ssotui.core import login

        login.sign_out(self.session, self.clients)
        self.token = None

    # -- listing ------------------------------------------------------------
    def cached_org(self) -> Any:
        """The cached listing (core.dircache.CachedDirectory) or None. Never raises:
        the loader reads it again and reports a corrupt cache itself."""
        try:
            from ssotui.core import dircache

            return dircache.load(self.session)
        except Exception:  # noqa: BLE001
            return None

    def start_loader(self, on_event: Callable[[Any], None], refresh: bool = False,
                     gate: threading.Event | None = None) -> Any:
        """Start a DirectoryLoader. With `gate`, its calls (and so the boto3 import, a
        few hundred ms of CPU) wait until the gate is set: the UI sets it once the
        cached list is on screen, so the refresh does not slow down the first paint."""
        from ssotui.core import directory

        sso = _LazyAttr(self.clients, "listing", gate)
        loader = directory.DirectoryLoader(
            sso, self.access_token, on_event, session=self.session
        )
        loader.start(refresh=refresh)
        self.pacer = loader.pacer  # after start(): it may be the cache-seeded one
        return loader

    # -- credentials and exports -------------------------------------------
    def role_credentials(self, account_id: str, role: str) -> RoleCredentials:
        from ssotui.core import credcache

        token = self.ensure_token()  # shared with credential_process, exec and serve
        return credcache.get(self.session, self.clients, token, account_id, role,
                             pacer=self.pacer)

    @staticmethod
    def render(creds: RoleCredentials, fmt: str, extra: list[tuple[str, str]] | None = None) -> str:
        from ssotui.core import exports

        return str(exports.render(creds, fmt, extra or ()))

    def console(self, account_id: str, role: str) -> tuple[Any, bool]:
        """(core.federation.ConsoleLink to the console home, whether a browser opened it)."""
        from ssotui.core import federation

        link = federation.console_link(self.role_credentials(account_id, role),
                                       session_region=self.session.region,
                                       issuer=self.session.start_url)
        return link, federation.open_in_browser(link.url)

    @staticmethod
    def system_clipboard(text: str, autoclear_seconds: float = 0) -> str:
        """Copy to the system clipboard (the app has already written OSC 52) and
        schedule auto-clear of both; returns what happened, as a line for the user."""
        from ssotui.core import clipboard

        try:
            system: str | None = str(clipboard.copy(text))
        except Exception:  # noqa: BLE001 - OSC 52 still copied
            system = None
        tty = _terminal_device()
        tmux = "TMUX" in os.environ
        plan = clipboard.plan_clear(autoclear_seconds, system=system, osc52=True,
                                    clear_terminal=tty is not None, tmux=tmux)
        if plan.seconds > 0:
            # the detached clearer also outlives ssotui; it writes OSC 52 to the tty
            clipboard.schedule_clear(text, autoclear_seconds, tty=tty, tmux=tmux)
        where = (f"also on the system clipboard ({system})" if system
                 else "through the terminal (OSC 52); no system clipboard tool found")
        return where + (f"\n{plan.note}" if plan.note else "")

    # -- profiles and credentials-file sections -----------------------------
    def profile_name(self, account: Account, role: str, template: str | None) -> str:
        from ssotui.core import names

        try:
            return str(names.render(template or names.DEFAULT_TEMPLATE,
                                    account_name=account.account_name,
                                    account_id=account.account_id, role_name=role,
                                    session=self.session.name))
        except Exception:  # noqa: BLE001 - a bad template falls back to the CLI's default
            return f"{account.account_id}_{role}"

    def profile_values(self, account: Account, role: str) -> dict[str, str]:
        """Exactly what `ssotui profile` writes (legacy sessions, default_region)."""
        from ssotui.core import awsconfig

        region = getattr(load_prefs(), "default_region", None) or self.session.region
        return awsconfig.profile_values(self.session, account.account_id, role, region, None)

    def preview_profile(self, account: Account, role: str, name: str) -> Preview:
        """The core's write plan for the profile (what `ssotui profile` would do)."""
        from ssotui.core import names, writeplan

        names.check_name(name)
        # region is only a default: a user-set region in an existing block is kept
        return writeplan.plan_profile(self.session, name, self.profile_values(account, role),
                                      path=config_path(), if_absent=("region",))

    def preview_credentials(self, account: Account, role: str, name: str,
                            creds: RoleCredentials) -> Preview:
        """The core's write plan for the section (what `creds --write-credentials` would do)."""
        from ssotui.core import names, writeplan

        names.check_name(name, "section name")
        return writeplan.plan_credentials(name, creds, account_id=account.account_id, role=role,
                                          account_name=account.account_name,
                                          email=account.email_address)

    def plan_sync(self, selected: list[tuple[Account, str]], listed: set[str]) -> SyncPlan:
        """What `ssotui profiles sync` would do for the marked roles (no pruning)."""
        from ssotui.core import profilesync

        prefs = load_prefs()
        return profilesync.plan_sync(self.session, selected, listed=listed,
                                     template=prefs.name_template, path=config_path(),
                                     region=prefs.default_region or self.session.region)

    @staticmethod
    def commit(preview: Preview) -> None:
        """Write the plan (atomic, locked, mode-keeping); refused plans and files
        changed since the plan raise."""
        from ssotui.core import writeplan

        writeplan.commit(preview)

    # -- details ------------------------------------------------------------
    def profiles_for_all(self) -> list[tuple[str, str, str]]:
        """(profile name, account id, role) for every profile of this sso-session."""
        try:
            from ssotui.core import awsconfig

            profiles = awsconfig.load_profiles()
        except Exception:  # noqa: BLE001 - details are best effort
            return []
        out = []
        for name, v in profiles.items():
            if "sso_account_id" not in v:
                continue
            if v.get("sso_session", self.session.name) != self.session.name and \
                    v.get("sso_start_url") != self.session.start_url:
                continue
            out.append((name, v["sso_account_id"], v.get("sso_role_name", "")))
        return sorted(out)

    def profiles_for(self, account_id: str, role: str | None) -> list[str]:
        """Profile names in the config already pointing at this account (and role)."""
        try:
            from ssotui.core import awsconfig

            profiles = awsconfig.load_profiles()
        except Exception:  # noqa: BLE001 - details are best effort
            return []
        out = []
        for name, values in profiles.items():
            if values.get("sso_account_id") != account_id:
                continue
            if role and values.get("sso_role_name") != role:
                continue
            out.append(name)
        return sorted(out)


def credential_sections() -> set[str]:
    """Section names of the shared credentials file (read only)."""
    from ssotui.core import credfile

    try:
        return set(credfile.section_names())
    except Exception:  # noqa: BLE001 - details are best effort
        return set()


def describe_error(exc: BaseException) -> tuple[str, bool]:
    """One line for a notification, and whether a new sign-in would fix it."""
    if isinstance(exc, NeedsLogin):
        return (str(exc) or "sign-in needed", True)
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return (text[:200], False)


def _terminal_device() -> str | None:
    """The terminal the picker draws on (stderr), for the OSC 52 clear; None if none."""
    for stream in (sys.__stderr__, sys.__stdin__):
        try:
            if stream is not None and os.isatty(stream.fileno()):
                return os.ttyname(stream.fileno())
        except (OSError, ValueError):
            continue
    return None
