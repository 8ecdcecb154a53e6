"""Run Python code in a separate process, so the real botocore (not anything this
test process imported or patched) proves what it accepts from us and the emulator.

    proc = run_python(code, env={"HOME": str(home), "AWS_CONFIG_FILE": ..., ...})
    assert proc.returncode == 0, proc.stderr

The child sees only `env` plus PATH (and locale variables), never the test
process's AWS variables, so the machine's real ~/.aws cannot leak in.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping

_PASS_THROUGH = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")


def child_env(env: Mapping[str, str]) -> dict[str, str]:
    base = {k: os.environ[k] for k in _PASS_THROUGH if k in os.environ}
    base.update({k: str(v) for k, v in env.items()})
    return base


def run_python(code: str, env: Mapping[str, str], timeout: float = 120,
               args: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `code` with this virtualenv's interpreter; capture text stdout/stderr."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *(args or [])],
        env=child_env(env), capture_output=True, text=True, timeout=timeout, check=False,
    )


def aws_env(home: os.PathLike[str] | str, url: str, **extra: str) -> dict[str, str]:
    """The environment a child needs to use a throwaway HOME and the emulator."""
    home = os.fspath(home)
    return {
        "HOME": home,
        "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, ".aws", "credentials"),
        "AWS_ENDPOINT_URL_SSO": url,
        "AWS_ENDPOINT_URL_SSO_OIDC": url,
        **extra,
    }
