"""Console sign-in: role credentials exchanged at the AWS federation endpoint for a
sign-in token, and the console URL that redeems it.

From the IAM user guide, "Enable custom identity broker access to the AWS console":
`GET <federation>?Action=getSigninToken&SessionDuration=S&Session=<JSON>` answers
`{"SigninToken": ...}`; `<federation>?Action=login&Issuer=..&Destination=..&SigninToken=..`
signs the browser in. The sign-in token is valid for 15 minutes and is a credential
(the URL holding it too): it is never logged, never in an exception or notification.

Hosts per partition (the AWS "Sign-In endpoints" and "Management Console endpoints"
pages): `aws` signs in at signin.aws.amazon.com and opens
`<region>.console.aws.amazon.com`; `aws-us-gov` signin.amazonaws-us-gov.com /
console.amazonaws-us-gov.com; `aws-cn` signin.amazonaws.cn / console.amazonaws.cn.
The partition is the sso-session region's; a console region outside it is refused.
`SSOTUI_FEDERATION_ENDPOINT` replaces the federation URL (the emulator in tests and
`--demo`), as AWS_ENDPOINT_URL_SSO replaces the portal's.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from ssotui.core.errors import RuntimeFailure, UsageError
from ssotui.core.models import RoleCredentials
from ssotui.core.text import shown

ENDPOINT_ENV = "SSOTUI_FEDERATION_ENDPOINT"
#: How long AWS accepts a sign-in token (the IAM user guide).
TOKEN_VALID_MINUTES = 15
#: SessionDuration bounds for role credentials (900 s to 12 h, the IAM user guide).
MIN_DURATION, MAX_DURATION = 900, 43200
DEFAULT_DURATION = 3600
TIMEOUT = 10.0


@dataclass(frozen=True)
class Partition:
    id: str
    region_regex: str  # botocore's partitions.json regionRegex, checked by a test
    signin_host: str
    console_host: str  # the console's domain; the aws partition adds `<region>.`
    regional_console: bool


PARTITIONS: tuple[Partition, ...] = (
    Partition("aws", r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$", "signin.aws.amazon.com",
              "console.aws.amazon.com", True),
    Partition("aws-us-gov", r"^us\-gov\-\w+\-\d+$", "signin.amazonaws-us-gov.com",
              "console.amazonaws-us-gov.com", False),
    Partition("aws-cn", r"^cn\-\w+\-\d+$", "signin.amazonaws.cn", "console.amazonaws.cn",
              False),
)

#: Service names to console paths. Most are `<name>/home`; these differ or are
#: common enough to list (peers: granted's service map, aws-sso-util's console).
SERVICES: dict[str, str] = {
    name: f"{name}/home" for name in (
        "acm", "apigateway", "athena", "backup", "batch", "cloudformation", "cloudfront",
        "cloudshell", "cloudtrail", "cloudwatch", "codebuild", "codecommit", "codepipeline",
        "cognito", "config", "dynamodbv2", "ec2", "ecr", "ecs", "eks", "elasticache",
        "events", "glue", "guardduty", "iam", "kinesis", "kms", "lambda", "rds",
        "route53", "sagemaker", "secretsmanager", "securityhub", "ses", "sns", "sqs",
        "ssm", "states", "vpc", "wafv2",
    )
}
SERVICES.update({
    "console": "console/home",
    "home": "console/home",
    "s3": "s3/buckets",
    "dynamodb": "dynamodbv2/home",
    "logs": "cloudwatch/home#logsV2:log-groups",
    "billing": "billing/home",
    "costexplorer": "cost-management/home",
    "organizations": "organizations/v2/home",
    "sso": "singlesignon/home",
    "stepfunctions": "states/home",
    "secrets": "secretsmanager/home",
    "parameterstore": "systems-manager/parameters",
})


def partition_of(region: str) -> Partition:
    """The partition a region belongs to; UsageError for one ssotui cannot sign in to."""
    for p in PARTITIONS:
        if re.fullmatch(p.region_regex, region):
            return p
    known = ", ".join(p.id for p in PARTITIONS)
    raise UsageError(f"region {shown(region)!s} is in no partition the console sign-in "
                     f"supports ({known})")


def check_region(region: str, partition: Partition) -> None:
    """UsageError unless `region` is in `partition` (the sso-session's)."""
    if not re.fullmatch(partition.region_regex, region):
        raise UsageError(f"--region {shown(region)} is not in the {partition.id} partition of "
                         "this sso-session; give a region of that partition")


def console_base(partition: Partition, region: str) -> str:
    host = f"{region}.{partition.console_host}" if partition.regional_console \
        else partition.console_host
    return f"https://{host}/"


def destination_url(destination: str | None, partition: Partition, region: str) -> str:
    """The console URL to land on: a service name (`s3`, `ec2`, `cloudshell`) in
    `region`, or a full console URL of the partition (kept as given)."""
    dest = (destination or "console").strip()
    if "://" in dest:
        parts = urllib.parse.urlsplit(dest)
        host = (parts.hostname or "").lower()
        domain = partition.console_host
        if parts.scheme != "https" or not (host == domain or host.endswith("." + domain)):
            raise UsageError(f"--destination {shown(dest)} is not an https URL on {domain} "
                             f"(the {partition.id} console); give a console URL or a "
                             "service name such as s3, ec2 or cloudshell")
        return dest
    path = SERVICES.get(dest.lower())
    if path is None:
        import difflib

        close = difflib.get_close_matches(dest.lower(), sorted(SERVICES), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else \
            "; give a console URL or one of " + ", ".join(sorted(SERVICES)[:8]) + ", …"
        raise UsageError(f"--destination {shown(dest)}: unknown service{hint}")
    path, _, fragment = path.partition("#")
    url = f"{console_base(partition, region)}{path}?region={region}"
    return url + (f"#{fragment}" if fragment else "")


def federation_endpoint(partition: Partition) -> str:
    override = os.environ.get(ENDPOINT_ENV, "").strip()
    if override:
        parts = urllib.parse.urlsplit(override)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"{ENDPOINT_ENV}={shown(override)} is not an http(s) URL")
        return override if parts.path not in ("", "/") else override.rstrip("/") + "/federation"
    return f"https://{partition.signin_host}/federation"


def session_json(creds: RoleCredentials) -> str:
    """The `Session` parameter: the three credential values under the names the
    federation endpoint reads, compact JSON (it is URL-encoded as a whole)."""
    return json.dumps({"sessionId": creds.access_key_id, "sessionKey": creds.secret_access_key,
                       "sessionToken": creds.session_token}, separators=(",", ":"))


def signin_token_url(endpoint: str, creds: RoleCredentials, duration: int | None) -> str:
    params = [("Action", "getSigninToken")]
    if duration is not None:
        params.append(("SessionDuration", str(duration)))
    params.append(("Session", session_json(creds)))
    return f"{endpoint}?{urllib.parse.urlencode(params)}"


def login_url(endpoint: str, token: str, destination: str, issuer: str) -> str:
    params = [("Action", "login"), ("Issuer", issuer), ("Destination", destination),
              ("SigninToken", token)]
    return f"{endpoint}?{urllib.parse.urlencode(params)}"


def check_duration(seconds: int | None) -> int | None:
    if seconds is not None and not MIN_DURATION <= seconds <= MAX_DURATION:
        raise UsageError(f"--duration {seconds}: the console session lasts "
                         f"{MIN_DURATION}–{MAX_DURATION} seconds (15 min to 12 h)")
    return seconds


def get_signin_token(endpoint: str, creds: RoleCredentials, duration: int | None) -> str:
    """Exchange credentials for a sign-in token. RuntimeFailure (one line naming the
    endpoint's host, never the query: it holds the credentials) when that fails."""
    host = urllib.parse.urlsplit(endpoint).netloc
    request = urllib.request.Request(signin_token_url(endpoint, creds, duration),
                                     headers={"User-Agent": "ssotui"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as resp:  # noqa: S310
            body = resp.read(1 << 16)
    except urllib.error.HTTPError as exc:
        raise RuntimeFailure(f"the federation endpoint {shown(host)} refused the credentials "
                             f"(HTTP {exc.code}); the role may not allow console sign-in, or not a "
                             "session this long (try a shorter --duration)") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RuntimeFailure(f"cannot reach the federation endpoint {shown(host)}: "
                             f"{shown(str(reason))}") from None
    try:
        token = json.loads(body)["SigninToken"]
    except (ValueError, KeyError, TypeError):
        token = None
    if not isinstance(token, str) or not re.fullmatch(r"[A-Za-z0-9_\-.=+/%]{8,8192}", token):
        raise RuntimeFailure(f"the federation endpoint {shown(host)} answered without a "
                             "usable SigninToken")
    return token


@dataclass(frozen=True)
class ConsoleLink:
    url: str  # a credential: never log or notify it
    destination: str  # the console URL it lands on (no secret)
    partition: str
    valid_minutes: int = TOKEN_VALID_MINUTES

    def __repr__(self) -> str:  # never the URL, even in a traceback's locals
        return f"ConsoleLink(destination={self.destination!r}, partition={self.partition!r})"


def console_link(creds: RoleCredentials, *, session_region: str, issuer: str,
                 destination: str | None = None, region: str | None = None,
                 duration: int | None = DEFAULT_DURATION) -> ConsoleLink:
    """The sign-in URL for `destination` in `region` (default: the sso-session's).
    Bad input (unknown destination, region outside the partition) raises UsageError
    before any network call."""
    partition = partition_of(session_region)
    region = region or session_region
    check_region(region, partition)
    dest = destination_url(destination, partition, region)
    endpoint = federation_endpoint(partition)
    token = get_signin_token(endpoint, creds, check_duration(duration))
    return ConsoleLink(login_url(endpoint, token, dest, issuer), dest, partition.id)


def _launch(argv: list[str]) -> None:
    """Start a browser detached, its output away from our terminal (a full-screen
    picker would be drawn over by its warnings)."""
    import subprocess

    subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,  # noqa: S603
                     stderr=subprocess.DEVNULL, start_new_session=True)


def run_browser(command: str, url: str) -> None:
    """Run COMMAND URL (no shell; `%s` in COMMAND is replaced by the URL instead)."""
    import shlex

    argv = shlex.split(command)
    if not argv:
        raise UsageError("--browser '' names no command")
    argv = [a.replace("%s", url) for a in argv] if "%s" in command else [*argv, url]
    try:
        _launch(argv)
    except OSError as exc:
        raise UsageError(f"--browser {shown(command)}: cannot run it ({exc.strerror}); "
                         "give a browser command") from None


def open_in_browser(url: str) -> bool:
    """$BROWSER (each of its `:`-separated commands in turn, as the webbrowser module
    reads it), else the system browser where one can reach the user: not over SSH,
    in a container or without a display, where webbrowser would start a text browser
    in this very terminal. False when none opened."""
    for command in filter(None, os.environ.get("BROWSER", "").split(os.pathsep)):
        try:
            run_browser(command, url)
            return True
        except UsageError:
            continue
    from ssotui.core.login import browser_available

    if not browser_available():
        return False
    import webbrowser

    try:
        browser = webbrowser.get()
        args = getattr(browser, "args", None)
        if isinstance(args, list) and getattr(browser, "name", None):  # a plain command line
            _launch([browser.name, *(a.replace("%s", url) for a in args)])
            return True
        return bool(browser.open(url, new=2))
    except (webbrowser.Error, OSError):
        return False


def validate(*, session_region: str, destination: str | None, region: str | None,
             duration: int | None) -> str:
    """Check the input as console_link would, without a network call; the destination URL."""
    partition = partition_of(session_region)
    check_region(region or session_region, partition)
    check_duration(duration)
    return destination_url(destination, partition, region or session_region)
