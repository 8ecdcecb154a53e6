"""ssotui.core must never import Textual: the UI calls core, never the other way."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import ssotui.core


def core_modules() -> list[str]:
    return sorted(
        f"ssotui.core.{m.name}" for m in pkgutil.iter_modules(ssotui.core.__path__)
    )


def test_core_has_modules() -> None:
    # Guards the test below against passing vacuously on an empty package.
    assert "ssotui.core.models" in core_modules()
    assert len(core_modules()) >= 5


def test_core_never_imports_textual() -> None:
    mods = core_modules()
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}: importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k == 'textual' or k.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core pulled in Textual: {out.stdout.strip()}"


def test_emulator_never_imports_textual() -> None:
    code = "import sys, ssotui.emulator; print(any(k.startswith('textual') for k in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
