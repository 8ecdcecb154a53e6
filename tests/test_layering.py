"""ssotui.core must never import Textual: the UI calls core, never the other way."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import ssotui
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


# -- the house: file sizes and import circles ----------------------------------------

SRC = Path(ssotui.__file__).parent
MAX_LINES = 400


def test_no_source_file_reaches_400_lines() -> None:
    sizes = {p.relative_to(SRC.parent).as_posix(): len(p.read_text(encoding="utf-8")
                                                        .splitlines())
             for p in SRC.rglob("*.py")}
    assert len(sizes) > 20  # the walk found the package
    big = {p: n for p, n in sizes.items() if n >= MAX_LINES}
    assert not big, f"split these (at most {MAX_LINES - 1} lines): {big}"


def imports_of(path: Path, module: str) -> set[str]:
    """The ssotui modules `module` (at `path`) imports, at any depth in the file
    (a function-level import is a dependency too), TYPE_CHECKING ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m.startswith("ssotui.")}


def module_graph() -> dict[str, set[str]]:
    modules = {}
    for p in SRC.rglob("*.py"):
        rel = p.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        modules[name] = p
    return {m: {d for d in imports_of(p, m) if d in modules and d != m}
            for m, p in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle() -> None:
    # guards the test below against passing on a graph it cannot read
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    graph = module_graph()
    assert "ssotui.tui.screens.main" in graph["ssotui.tui.app"]


def test_no_import_circle_in_ssotui() -> None:
    graph = module_graph()
    # a package's __init__ importing its own modules is not a circle worth breaking
    for m in graph:
        graph[m] = {d for d in graph[m] if not m.startswith(d + ".")}
    assert cycles(graph) == []


def test_screens_never_import_the_app() -> None:
    graph = module_graph()
    screens = [m for m in graph if m.startswith("ssotui.tui.screens.")]
    assert len(screens) >= 5
    offenders = [m for m in screens if "ssotui.tui.app" in graph[m]]
    assert offenders == []


def test_the_picker_start_leaves_heavy_modules_alone(tmp_path: Path) -> None:
    """What the picker's start reads (config, token, listing cache, preferences, the
    app's modules) imports none of the modules kept off that path for its speed:
    each cost 1-3 ms there (hashlib's OpenSSL set-up, configparser, tomllib without a
    prefs.toml, guardrails without rules, the error screen, argparse for the
    picker's own command line)."""
    home = tmp_path / "picker-home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(
        "[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n")
    code = (
        "import sys\n"
        "import ssotui.cli, ssotui.commands.tui\n"
        "from ssotui.tui import backend as be\n"
        "p = be.Prefetch('s')\n"
        "assert p.sessions and p.sessions[0].name == 's', p.sessions\n"
        "from ssotui.core.models import SsoSession\n"
        "be.Backend(p.sessions[0]).cached_org(); be.load_token(p.sessions[0])\n"
        "import ssotui.tui.app as a\n"
        "a._load_keys(a._load_prefs()[0])\n"
        "from ssotui.argv import picker_args; assert picker_args(['--sso-session', 's'])\n"
        "heavy = ['hashlib', 'configparser', 'tomllib', 'ssotui.core.guardrails', 'argparse',\n"
        "         'ssotui.tui.screens.error', 'ssotui.commands.listing']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
           "XDG_CACHE_HOME": str(tmp_path / "xdgc"), "SSOTUI_CACHE_DIR": str(tmp_path / "c")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    assert out.stdout.strip() == "", f"imported on the way to the first frame: {out.stdout}"
