"""Everything the emulator remembers: org, clients, device and authorization codes,
tokens, knobs and statistics. One lock guards it all; every operation is tiny."""

from __future__ import annotations

import secrets
import string
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from ssotui.emulator.org import CredentialOverrides, OrgEntry
from ssotui.emulator.throttle import Schedule, parse_tps, rate_at

DEFAULT_START_URL = "https://d-emulator.awsapps.com/start"
PORTAL_OPS = ("ListAccounts", "ListAccountRoles", "GetRoleCredentials", "Logout")
OIDC_OPS = ("RegisterClient", "StartDeviceAuthorization", "CreateToken")


def random_token(prefix: str, length: int) -> str:
    return prefix + secrets.token_urlsafe(length)[:length]


def random_upper(length: int) -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(length))


@dataclass
class Client:
    client_id: str
    client_secret: str = field(repr=False)
    name: str = ""
    expires_at: float = 0.0
    scopes: list[str] = field(default_factory=list)
    grant_types: list[str] = field(default_factory=list)
    redirect_uris: list[str] = field(default_factory=list)
    issuer_url: str | None = None


@dataclass
class DeviceCode:
    device_code: str
    user_code: str
    client_id: str
    start_url: str
    expires_at: float
    status: str = "pending"  # pending | approved | denied | used
    polls: int = 0


@dataclass
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    challenge: str
    expires_at: float
    used: bool = False


@dataclass
class SignIn:
    """A sign-in session: its access tokens and refresh token die together on logout."""

    start_url: str
    client_id: str | None
    revoked: bool = False
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> expires_at


class State:
    """Knobs are plain attributes, safe to change while the server runs."""

    def __init__(
        self,
        org: list[OrgEntry],
        *,
        latency_ms: float = 0.0,
        tps: float | str | None = None,
        fault_rate: float = 0.0,
        approve: str = "auto",
        token_ttl: int = 8 * 3600,
        interval: int = 1,
        device_expires_in: int = 600,
        credentials: CredentialOverrides | None = None,
    ) -> None:
        self.lock = threading.Lock()
        self._org = org
        #: (account id, role) -> credential fields served verbatim (from an org file).
        self.credential_overrides: CredentialOverrides = dict(credentials or {})
        #: Every roleCredentials object GetRoleCredentials answered with, in order.
        self.issued_credentials: list[dict[str, object]] = []
        self._roles = {acct.account_id: roles for acct, roles in org}
        # knobs
        self.latency_ms = latency_ms
        #: The limit now; with a schedule (`tps="60@0,20@10s"`) it follows the schedule.
        self.tps: float | None = None
        self.tps_schedule: Schedule | None = None
        if isinstance(tps, str):
            self.tps_schedule = parse_tps(tps)
            self.tps = self.tps_schedule[0][1]
        else:
            self.tps = tps
        self.fault_rate = fault_rate
        self.approve_mode = approve
        self.token_ttl = token_ttl
        self.interval = interval
        self.device_expires_in = device_expires_in
        self.registration_ttl = 90 * 24 * 3600
        self.role_credentials_ttl = 3600
        self.default_page_size = 20
        self.deny_authorize = False
        #: Answer this many CreateToken device polls with SlowDownException.
        self.slow_down_next = 0
        # data
        self.clients: dict[str, Client] = {}
        self.device_codes: dict[str, DeviceCode] = {}  # by device_code
        self.user_codes: dict[str, DeviceCode] = {}  # by user_code
        self.auth_codes: dict[str, AuthCode] = {}
        self.signins: list[SignIn] = []
        self._by_access: dict[str, SignIn] = {}
        self._by_refresh: dict[str, SignIn] = {}
        self._refresh_client: dict[str, str | None] = {}
        #: console sign-in: access key id -> (account, role, secret key, session token)
        self.role_sessions: dict[str, tuple[str, str, str, str]] = {}
        #: sign-in token -> (account, role, expires at); landing pages shown, in order
        self.signin_tokens: dict[str, tuple[str, str, float]] = {}
        self.console_logins: list[dict[str, str]] = []
        self.issued_signin_tokens: list[str] = []
        self.reset_stats()

    # ---- org -------------------------------------------------------------
    @property
    def org(self) -> list[OrgEntry]:
        """Ground truth: (Account, role names) in the order ListAccounts pages them."""
        return [(acct, list(roles)) for acct, roles in self._org]

    def set_org(self, org: list[OrgEntry]) -> None:
        """Serve another org from the next request on (an org that gained or lost
        accounts and roles since the last listing)."""
        with self.lock:
            self._org = list(org)
            self._roles = {acct.account_id: roles for acct, roles in self._org}

    def accounts_slice(self, start: int, stop: int) -> list[OrgEntry]:
        return self._org[start:stop]

    @property
    def account_count(self) -> int:
        return len(self._org)

    def roles_of(self, account_id: str) -> list[str] | None:
        return self._roles.get(account_id)

    def issued_secrets(self) -> list[str]:
        """Every secret this emulator handed out: client secrets, device and
        authorization codes, access and refresh tokens, role credentials (the access
        key id included). Tests grep logs and output for them."""
        with self.lock:
            found = [c.client_secret for c in self.clients.values()]
            found += list(self.device_codes) + list(self.auth_codes)
            found += list(self._by_access) + list(self._by_refresh)
            found += list(self.issued_signin_tokens)
            for creds in self.issued_credentials:
                found += [str(creds[k]) for k in ("accessKeyId", "secretAccessKey",
                                                  "sessionToken") if creds.get(k)]
        return found

    # ---- statistics --------------------------------------------------------
    def reset_stats(self) -> None:
        with self.lock:
            self._calls: dict[str, int] = dict.fromkeys(PORTAL_OPS + OIDC_OPS, 0)
            self._window: deque[float] = deque()
            self._peak = 0
            self.throttled = 0
            self.faults = 0
            self._in_flight = 0
            self.peak_concurrency = 0
            if self.tps_schedule:
                self.tps = self.tps_schedule[0][1]
            self._bucket = float(self.tps or 0)
            self._bucket_at = time.monotonic()
            self._schedule_from: float | None = None

    @property
    def calls(self) -> dict[str, int]:
        """Requests received per operation (throttled and faulted ones included)."""
        with self.lock:
            return dict(self._calls)

    @property
    def peak_rps(self) -> float:
        """Most portal requests seen in any one-second sliding window."""
        with self.lock:
            return float(self._peak)

    def count(self, op: str) -> None:
        with self.lock:
            self._calls[op] = self._calls.get(op, 0) + 1
            if op in PORTAL_OPS:
                now = time.monotonic()
                self._window.append(now)
                while self._window and self._window[0] <= now - 1.0:
                    self._window.popleft()
                self._peak = max(self._peak, len(self._window))

    def enter(self) -> None:
        """A request started (counts requests being handled at the same time)."""
        with self.lock:
            self._in_flight += 1
            self.peak_concurrency = max(self.peak_concurrency, self._in_flight)

    def leave(self) -> None:
        with self.lock:
            self._in_flight -= 1

    def take_token(self) -> bool:
        """Token bucket over portal calls: capacity ~tps, refilled at tps per second."""
        with self.lock:
            now = time.monotonic()
            if self.tps_schedule:
                if self._schedule_from is None:
                    self._schedule_from = now
                self.tps = rate_at(self.tps_schedule, now - self._schedule_from)
            tps = self.tps
            if not tps:
                return True
            capacity = max(1.0, float(tps))
            self._bucket = min(capacity, self._bucket + (now - self._bucket_at) * tps)
            self._bucket_at = now
            if self._bucket >= 1.0:
                self._bucket -= 1.0
                return True
            self.throttled += 1
            return False

    def note_fault(self) -> None:
        with self.lock:
            self.faults += 1

    # ---- tokens ------------------------------------------------------------
    def issue_tokens(
        self, start_url: str, client_id: str | None, ttl: int | None = None,
        *, with_refresh: bool, signin: SignIn | None = None,
    ) -> tuple[str, str | None, int]:
        """New access token (and refresh token) in a new or existing sign-in."""
        ttl = self.token_ttl if ttl is None else ttl
        access = random_token("aoa", 220)
        refresh = random_token("aor", 300) if with_refresh else None
        with self.lock:
            if signin is None:
                signin = SignIn(start_url, client_id)
                self.signins.append(signin)
            signin.access_tokens[access] = time.time() + ttl
            self._by_access[access] = signin
            if refresh:
                self._by_refresh[refresh] = signin
                self._refresh_client[refresh] = client_id
        return access, refresh, ttl

    def check_access(self, access: str) -> bool:
        with self.lock:
            signin = self._by_access.get(access)
            if signin is None or signin.revoked:
                return False
            return signin.access_tokens.get(access, 0) > time.time()

    def signin_for_refresh(self, refresh: str, client_id: str) -> SignIn | None:
        with self.lock:
            signin = self._by_refresh.get(refresh)
            if signin is None or signin.revoked or self._refresh_client[refresh] != client_id:
                return None
            return signin

    def revoke(self, access: str) -> bool:
        """End the sign-in an access token belongs to (all its tokens stop working)."""
        with self.lock:
            signin = self._by_access.get(access)
            if signin is None:
                return False
            signin.revoked = True
            return True

    def register_direct(self, name: str, scopes: list[str], grant_types: list[str] | None = None,
                        redirect_uris: list[str] | None = None,
                        issuer_url: str | None = None) -> Client:
        client = Client(
            client_id=random_token("cid", 40),
            client_secret=random_token("csec", 600),
            name=name,
            expires_at=int(time.time()) + self.registration_ttl,
            scopes=scopes,
            grant_types=grant_types or [],
            redirect_uris=redirect_uris or [],
            issuer_url=issuer_url,
        )
        with self.lock:
            self.clients[client.client_id] = client
        return client

    def revoke_clients(self) -> int:
        """Forget every client registration, as if revoked: calls with them get
        InvalidClientException (tests of re-registration). Returns how many."""
        with self.lock:
            count = len(self.clients)
            self.clients.clear()
            return count

    # ---- device approval ---------------------------------------------------
    def set_device_status(self, user_code: str, status: str) -> bool:
        with self.lock:
            dc = self.user_codes.get(user_code.strip().upper())
            if dc is None or dc.status not in ("pending", "approved", "denied"):
                return False
            if dc.expires_at < time.time():
                return False
            dc.status = status
            return True

    def pending_user_codes(self) -> list[str]:
        with self.lock:
            now = time.time()
            return [d.user_code for d in self.device_codes.values()
                    if d.status == "pending" and d.expires_at > now]
