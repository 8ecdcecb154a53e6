"""credfile: a credentials section upserted without touching the rest, mode 0600,
readable by botocore in a separate process."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from interop import run_python
from ssotui.core import credfile, writeplan
from ssotui.core.errors import UsageError
from ssotui.core.models import RoleCredentials

CREDS = RoleCredentials("ASIANEW", "secret/+=", "token+/==", datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
OTHER = "# my keys\r\n[static]\r\naws_access_key_id = AKIASTATIC\r\naws_secret_access_key = s\r\n"


def _path() -> Path:
    return Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])


def save(section: str, creds: RoleCredentials = CREDS, *, account: str = "111122223333",
         role: str = "Admin", force: bool = False) -> Path:
    """What `creds --write-credentials` does: plan, then commit (refused plans raise)."""
    plan = writeplan.plan_credentials(section, creds, account_id=account, role=role, force=force)
    writeplan.commit(plan)
    return plan.path


def test_new_file_0600_with_expiry_comment() -> None:
    where = save("dev")
    assert where == _path()
    assert _path().stat().st_mode & 0o777 == 0o600
    assert _path().read_text() == (
        "[dev]\n# ssotui: expires 2030-01-02T03:04:05+00:00 (111122223333/Admin)\n"
        "aws_access_key_id = ASIANEW\naws_secret_access_key = secret/+=\n"
        "aws_session_token = token+/==\n"
    )


def test_rest_of_file_kept_and_mode_tightened() -> None:
    _path().write_bytes(OTHER.encode())
    _path().chmod(0o644)
    save("dev")
    data = _path().read_bytes()
    assert data.startswith(OTHER.encode() + b"\r\n[dev]\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert _path().stat().st_mode & 0o777 == 0o600
    # Writing fresh credentials replaces only that section.
    newer = RoleCredentials("ASIANEWER", "s2", "t2", CREDS.expiration)
    save("dev", newer)
    data2 = _path().read_bytes()
    assert data2.startswith(OTHER.encode()) and b"ASIANEWER" in data2 and b"ASIANEW\r" not in data2
    assert credfile.section_names() == ["static", "dev"]


def test_long_term_keys_need_force() -> None:
    _path().write_bytes(OTHER.encode())
    with pytest.raises(UsageError, match=r"holds long-term keys"):
        save("static")
    assert _path().read_bytes() == OTHER.encode()
    save("static", force=True)
    assert "AKIASTATIC" not in _path().read_text() and "# my keys" in _path().read_text()


def test_sso_profile_name_refused_unless_force() -> None:
    Path(os.environ["AWS_CONFIG_FILE"]).write_text(
        "[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n"
    )
    with pytest.raises(UsageError, match="is an SSO profile"):
        save("dev")
    assert not _path().exists()
    save("dev", force=True)
    assert "[dev]" in _path().read_text()


def test_botocore_reads_the_section(isolated_home: Path) -> None:
    save("written")
    proc = run_python(
        """
        import botocore.session
        c = botocore.session.Session(profile="written").get_credentials().get_frozen_credentials()
        print(c.access_key, c.secret_key, c.token)
        """,
        env={"HOME": str(isolated_home), "AWS_SHARED_CREDENTIALS_FILE": str(_path()),
             "AWS_CONFIG_FILE": str(isolated_home / ".aws" / "config")},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["ASIANEW", "secret/+=", "token+/=="]
