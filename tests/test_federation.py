"""Console sign-in URLs: their shape, the Session JSON, the partition hosts (checked
against botocore's own partitions.json and the AWS endpoint pages), and the
getSigninToken exchange against the emulator's federation endpoint over HTTP."""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

import botocore
import pytest

from ssotui.core import federation
from ssotui.core.errors import RuntimeFailure, UsageError
from ssotui.core.models import RoleCredentials

CREDS = RoleCredentials("ASIAEXAMPLEEXAMPLE12", "wJalr/XUtnFEMI+K7MDENG/bPxRfiCYEXAMPLEKEY",
                        "IQoJb3JpZ2luX2VjE+/==" * 5, datetime.now(UTC) + timedelta(hours=1))


def _query(url: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query, keep_blank_values=True)


def test_session_json_names_and_round_trip() -> None:
    text = federation.session_json(CREDS)
    assert json.loads(text) == {"sessionId": CREDS.access_key_id,
                                "sessionKey": CREDS.secret_access_key,
                                "sessionToken": CREDS.session_token}
    url = federation.signin_token_url("https://signin.aws.amazon.com/federation", CREDS, 3600)
    # '+', '/' and '=' in the token survive URL encoding (a bare '+' would become a space)
    assert "+" not in urllib.parse.urlsplit(url).query.split("Session=")[1]
    q = _query(url)
    assert q["Action"] == ["getSigninToken"] and q["SessionDuration"] == ["3600"]
    assert json.loads(q["Session"][0])["sessionToken"] == CREDS.session_token
    assert list(q) == ["Action", "SessionDuration", "Session"]
    assert "SessionDuration" not in _query(
        federation.signin_token_url("https://x/federation", CREDS, None))


def test_login_url_shape() -> None:
    dest = "https://eu-west-1.console.aws.amazon.com/s3/buckets?region=eu-west-1"
    url = federation.login_url("https://signin.aws.amazon.com/federation", "TOK+/=", dest,
                               "https://d-abc.awsapps.com/start")
    parts = urllib.parse.urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "signin.aws.amazon.com",
                                                         "/federation")
    q = _query(url)
    assert q == {"Action": ["login"], "Issuer": ["https://d-abc.awsapps.com/start"],
                 "Destination": [dest], "SigninToken": ["TOK+/="]}


@pytest.mark.parametrize(("region", "partition", "signin", "console"), [
    ("us-east-1", "aws", "signin.aws.amazon.com", "https://us-east-1.console.aws.amazon.com/"),
    ("eu-central-1", "aws", "signin.aws.amazon.com",
     "https://eu-central-1.console.aws.amazon.com/"),
    ("us-gov-west-1", "aws-us-gov", "signin.amazonaws-us-gov.com",
     "https://console.amazonaws-us-gov.com/"),
    ("cn-north-1", "aws-cn", "signin.amazonaws.cn", "https://console.amazonaws.cn/"),
    ("cn-northwest-1", "aws-cn", "signin.amazonaws.cn", "https://console.amazonaws.cn/"),
])
def test_partition_hosts(region: str, partition: str, signin: str, console: str,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(federation.ENDPOINT_ENV, raising=False)
    p = federation.partition_of(region)
    assert p.id == partition
    assert federation.federation_endpoint(p) == f"https://{signin}/federation"
    assert federation.console_base(p, region) == console
    dest = federation.destination_url("ec2", p, region)
    assert dest == f"{console}ec2/home?region={region}"


def test_partition_regexes_are_botocores() -> None:
    """Our region patterns are botocore's (so `partition` means what AWS tools mean)."""
    data = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text())
    theirs = {p["id"]: p["regionRegex"] for p in data["partitions"]}
    for p in federation.PARTITIONS:
        assert theirs[p.id] == p.region_regex
    # every region botocore knows lands in the partition botocore puts it in
    for part in data["partitions"]:
        for region in part["regions"]:
            if part["id"] in {p.id for p in federation.PARTITIONS} and \
                    re.fullmatch(part["regionRegex"], region):
                assert federation.partition_of(region).id == part["id"], region


def test_bad_input_is_refused_before_any_call() -> None:
    with pytest.raises(UsageError, match="unknown service; did you mean s3"):
        federation.validate(session_region="us-east-1", destination="s4", region=None,
                            duration=None)
    with pytest.raises(UsageError, match="not in the aws partition"):
        federation.validate(session_region="us-east-1", destination="s3", region="cn-north-1",
                            duration=None)
    with pytest.raises(UsageError, match="not in the aws-cn partition"):
        federation.validate(session_region="cn-north-1", destination=None,
                            region="us-east-1", duration=None)
    with pytest.raises(UsageError, match="no partition"):
        federation.validate(session_region="us-iso-east-1", destination=None, region=None,
                            duration=None)
    with pytest.raises(UsageError, match="is not an https URL on console.aws.amazon.com"):
        federation.validate(session_region="us-east-1", region=None, duration=None,
                            destination="https://evil.example/console.aws.amazon.com")
    with pytest.raises(UsageError, match="900"):
        federation.validate(session_region="us-east-1", destination=None, region=None,
                            duration=60)
    url = "https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions"
    assert federation.validate(session_region="us-east-1", destination=url, region=None,
                               duration=None) == url


def test_endpoint_override() -> None:
    p = federation.partition_of("us-east-1")
    os.environ[federation.ENDPOINT_ENV] = "http://127.0.0.1:9"
    try:
        assert federation.federation_endpoint(p) == "http://127.0.0.1:9/federation"
        os.environ[federation.ENDPOINT_ENV] = "http://127.0.0.1:9/fed"
        assert federation.federation_endpoint(p) == "http://127.0.0.1:9/fed"
    finally:
        del os.environ[federation.ENDPOINT_ENV]


def test_signin_token_from_the_emulator(emulator: object, signed_in: str) -> None:
    """Real role credentials from the emulator's GetRoleCredentials, exchanged over HTTP;
    the login URL redeems once and lands on the console page for that account/role."""
    import urllib.request

    from ssotui.core.clients import make_clients
    from ssotui.core.rolecreds import get_role_credentials
    from ssotui.core.sessions import resolve_session
    from ssotui.core.tokens import ensure_token

    account, roles = emulator.org[1]  # type: ignore[attr-defined]
    session = resolve_session("corp")
    clients = make_clients(session)
    creds = get_role_credentials(clients, ensure_token(session, clients), account.account_id,
                                 roles[0])
    link = federation.console_link(creds, session_region="us-east-1", issuer="ssotui-test",
                                   destination="s3")
    assert "SigninToken" not in repr(link) and link.url not in repr(link)
    with urllib.request.urlopen(link.url, timeout=5) as resp:  # noqa: S310
        page = resp.read().decode()
    assert account.account_id in page and roles[0] in page and "s3/buckets" in page
    with pytest.raises(Exception):  # noqa: B017,PT011 - the token is single-use
        urllib.request.urlopen(link.url, timeout=5)  # noqa: S310
    # credentials the emulator never issued are refused
    forged = RoleCredentials(creds.access_key_id, "x" * 40, creds.session_token,
                             creds.expiration)
    with pytest.raises(RuntimeFailure, match="refused the credentials") as err:
        federation.console_link(forged, session_region="us-east-1", issuer="i")
    assert "x" * 40 not in str(err.value) and creds.session_token not in str(err.value)


def test_endpoint_down_is_one_line_without_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: connection refused
    monkeypatch.setenv(federation.ENDPOINT_ENV, f"http://127.0.0.1:{port}/federation")
    with pytest.raises(RuntimeFailure) as err:
        federation.console_link(CREDS, session_region="us-east-1", issuer="i")
    text = str(err.value)
    assert f"cannot reach the federation endpoint 127.0.0.1:{port}" in text
    assert "\n" not in text and CREDS.secret_access_key not in text
    assert "Session" not in text


def test_debug_redactor_masks_signin_urls() -> None:
    """Should a sign-in URL ever reach a --debug log line, its secrets are masked."""
    from ssotui.core.redact import MASK, Redactor

    login = federation.login_url("https://signin.aws.amazon.com/federation",
                                 "SIGNINTOKEN0123456789", "https://console.aws.amazon.com/", "i")
    exchange = federation.signin_token_url("https://signin.aws.amazon.com/federation", CREDS,
                                           3600)
    out = Redactor().text(f"GET {exchange}\nredirect {login}\n{federation.session_json(CREDS)}")
    for secret in ("SIGNINTOKEN0123456789", CREDS.secret_access_key, CREDS.session_token,
                   urllib.parse.quote_plus(CREDS.secret_access_key)):
        assert secret not in out
    assert MASK in out and "Action=login" in out
