"""A local IAM Identity Center (OIDC + portal APIs) over real HTTP.

Used by tests, benchmarks and `--demo`. Point botocore at it with
`AWS_ENDPOINT_URL_SSO` and `AWS_ENDPOINT_URL_SSO_OIDC` set to `Emulator.url`::

    with Emulator(accounts=1000, roles_per_account=3, seed=1) as emu:
        os.environ["AWS_ENDPOINT_URL_SSO"] = emu.url
        token = emu.mint_token()
        ...
        emu.calls["ListAccounts"], emu.peak_rps

Knobs (`latency_ms`, `tps`, `fault_rate`, `approve_mode`, `token_ttl`, `interval`,
`device_expires_in`, `deny_authorize`, `slow_down_next`, `default_page_size`,
`registration_ttl`, `role_credentials_ttl`) are attributes that may be changed while
it runs; `tps` may also be a schedule, `tps="60@0,20@10s"` (see `emulator.throttle`),
after which `tps` reads the limit in force. Pass `org=[(Account, [role, ...]), ...]` to serve an exact org instead of
a generated one.

Hostile orgs: `Emulator(org_file=PATH)` (or `ssotui emulator --org PATH`) serves the
accounts, emails, roles and credential values of a JSON file verbatim, so tests
can throw markup, control characters and shell syntax at every consumer::

    {"credentials": {...},                  # optional: default for every role
     "accounts": [
       {"accountId": "111111111111", "accountName": "[/]",
        "emailAddress": "x\u001b]52;c;ZXZpbA==\u0007@e.example",
        "roles": ["ReadOnly",               # a plain role: generated credentials
                  {"roleName": "Evil",      # or a role with its own credentials
                   "credentials": {"accessKeyId": "ASIA$(touch /tmp/pwn)",
                                   "secretAccessKey": "...", "sessionToken": "...",
                                   "expiration": 1893456000000}}]}]}

Credential fields left out are generated (valid) per call; `expiration` (epoch ms)
is served as given, whatever its JSON type. `parse_org(data)` takes the same shape
from Python. `tests/data/hostile_org.json` is a ready-made hostile org (see its
"_about" key). After a run, `emu.issued_secrets()` lists every secret the emulator
handed out (client secrets, codes, tokens, role credentials) and
`emu.issued_credentials` every roleCredentials answer, for grepping logs.

Console sign-in: `/federation` (getSigninToken, login) accepts the role credentials
it issued and redirects to `/console/landing`; `emu.console_logins` lists each
sign-in (account_id, role, destination, issuer). Point ssotui at it with
`SSOTUI_FEDERATION_ENDPOINT=<url>/federation`.
"""

from __future__ import annotations

import os
import threading
from types import TracebackType

from ssotui.emulator import federation, oidc, portal
from ssotui.emulator.org import (
    CredentialOverrides,
    OrgEntry,
    OrgFileError,
    generate_org,
    load_org_file,
    parse_org,
)
from ssotui.emulator.server import EmulatorHTTPServer, Route
from ssotui.emulator.state import DEFAULT_START_URL, State

__all__ = ["Emulator", "generate_org", "load_org_file", "parse_org", "OrgFileError",
           "DEFAULT_START_URL"]

ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/client/register"): ("RegisterClient", False, oidc.register_client),
    ("POST", "/device_authorization"): ("StartDeviceAuthorization", False,
                                        oidc.start_device_authorization),
    ("POST", "/token"): ("CreateToken", False, oidc.create_token),
    ("GET", "/authorize"): (None, False, oidc.authorize),
    ("POST", "/authorize"): (None, False, oidc.authorize),
    ("GET", "/verify"): (None, False, oidc.verify),
    ("POST", "/verify"): (None, False, oidc.verify),
    ("GET", "/assignment/accounts"): ("ListAccounts", True, portal.list_accounts),
    ("GET", "/assignment/roles"): ("ListAccountRoles", True, portal.list_account_roles),
    ("GET", "/federation/credentials"): ("GetRoleCredentials", True,
                                         portal.get_role_credentials),
    ("POST", "/logout"): ("Logout", True, portal.logout),
    ("GET", "/federation"): (None, False, federation.federation),
    ("GET", "/console/landing"): (None, False, federation.landing),
}


class Emulator(State):
    def __init__(
        self,
        accounts: int = 40,
        roles_per_account: int = 3,
        seed: int = 0,
        latency_ms: float = 0.0,
        tps: float | str | None = None,
        fault_rate: float = 0.0,
        approve: str = "auto",
        token_ttl: int = 8 * 3600,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        org: list[OrgEntry] | None = None,
        org_file: str | os.PathLike[str] | None = None,
        credentials: CredentialOverrides | None = None,
        interval: int = 1,
        device_expires_in: int = 600,
    ) -> None:
        if approve not in ("auto", "manual"):
            raise ValueError("approve must be 'auto' or 'manual'")
        if org_file is not None:
            if org is not None:
                raise ValueError("give org or org_file, not both")
            org, from_file = load_org_file(org_file)
            credentials = {**from_file, **(credentials or {})}
        super().__init__(
            org if org is not None else generate_org(accounts, roles_per_account, seed),
            latency_ms=latency_ms, tps=tps, fault_rate=fault_rate, approve=approve,
            token_ttl=token_ttl, interval=interval, device_expires_in=device_expires_in,
            credentials=credentials,
        )
        self.host = host
        self.port = port
        self.url = ""
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Bind, serve on a background thread and return the base URL."""
        if self._server is not None:
            return self.url
        server = EmulatorHTTPServer((self.host, self.port), self, ROUTES)
        host, port = str(server.server_address[0]), int(server.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        self.port = port
        self.url = server.url = f"http://{shown}:{self.port}"
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="ssotui-emulator", daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_all()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        """Serve on the calling thread until `stop()` is called from elsewhere."""
        self.start()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ---- test helpers ------------------------------------------------------
    def approve(self, user_code: str) -> bool:
        """Approve a pending device code as a user at the verification page would."""
        return self.set_device_status(user_code, "approved")

    def deny(self, user_code: str) -> bool:
        return self.set_device_status(user_code, "denied")

    def mint_token(self, start_url: str = DEFAULT_START_URL, ttl: int = 8 * 3600) -> str:
        """A valid portal access token without any sign-in flow."""
        access, _, _ = self.issue_tokens(start_url, None, ttl, with_refresh=False)
        return access

    def mint_login(self, start_url: str = DEFAULT_START_URL, ttl: int = 8 * 3600,
                   scopes: tuple[str, ...] = ("sso:account:access",)) -> dict[str, object]:
        """What a finished sign-in leaves behind, without running a flow: a registered
        client plus an access and refresh token (keys as in the AWS CLI's cache, with
        `registrationExpiresAt` as epoch seconds)."""
        client = self.register_direct("botocore-client-emulator", list(scopes))
        access, refresh, _ = self.issue_tokens(start_url, client.client_id, ttl,
                                               with_refresh=True)
        return {"accessToken": access, "refreshToken": refresh, "clientId": client.client_id,
                "clientSecret": client.client_secret,
                "registrationExpiresAt": int(client.expires_at)}

    def __repr__(self) -> str:
        return f"Emulator(url={self.url!r}, accounts={self.account_count})"
