"""ssotui as users run it: a wheel installed into a scratch venv.

The worktree's editable install is no good for start-up figures: the environment sets
PYTHONDONTWRITEBYTECODE, so an editable ssotui compiles its sources at every start,
while an installed wheel's modules were compiled by pip at install time.

    python bench/installed.py          # builds one, prints the scratch venv's bin dir

Set SSOTUI_BENCH_BIN to a bin dir built earlier to skip the build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _pip(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(python), "-m", "pip", "-q", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, check=False)


def build(root: Path) -> Path:
    """Build a wheel of this checkout and install it into `root`/venv; returns its bin dir."""
    if os.environ.get("SSOTUI_BENCH_BIN"):
        return Path(os.environ["SSOTUI_BENCH_BIN"])
    wheels = root / "wheels"
    proc = _pip(Path(sys.executable), "wheel", "--no-deps", "-w", str(wheels), str(REPO))
    if proc.returncode != 0:
        raise SystemExit(f"bench: could not build a wheel:\n{proc.stderr}")
    wheel = next(wheels.glob("ssotui-*.whl"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    if _pip(python, "install", str(wheel)).returncode != 0:
        # offline: the wheel alone, its dependencies from this interpreter's environment
        # (added after the venv's own site-packages, so the wheel's ssotui comes first)
        proc = _pip(python, "install", "--no-deps", str(wheel))
        if proc.returncode != 0:
            raise SystemExit(f"bench: could not install the wheel:\n{proc.stderr}")
        site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
        Path(site, "ssotui-bench-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = subprocess.run([str(python), "-c", "import ssotui; print(ssotui.__file__)"],
                           capture_output=True, text=True, check=True).stdout.strip()
    if not where.startswith(str(venv)):
        raise SystemExit(f"bench: the scratch venv imports ssotui from {where}")
    return venv / "bin"


if __name__ == "__main__":
    import tempfile

    print(build(Path(tempfile.mkdtemp(prefix="ssotui-installed-"))))
