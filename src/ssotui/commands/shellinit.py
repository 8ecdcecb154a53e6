"""`ssotui shell-init bash|zsh|fish|powershell`: the shell function that switches roles.

A program cannot change its parent shell's environment, so switching is a function
in the shell (as `zoxide init` or granted's `assume` do): it runs `ssotui --print-env`
with the shell's own export format, and applies the output only when ssotui exits 0
(a cancelled picker or a failure leaves the shell as it was).

    eval "$(ssotui shell-init bash)"            # ~/.bashrc
    eval "$(ssotui shell-init zsh)"             # ~/.zshrc
    ssotui shell-init fish | source             # ~/.config/fish/config.fish
    ssotui shell-init powershell | Out-String | Invoke-Expression   # $PROFILE
"""

from __future__ import annotations

import argparse
import re
import sys

from ssotui.core.errors import UsageError

# `--format` for each shell: what its eval understands
FORMAT = {"bash": "env", "zsh": "env", "fish": "fish", "powershell": "powershell"}

POSIX = """\
# ssotui: `{name} [QUERY...]` picks an AWS role and switches this shell to it
{name}() {{
  local __ssotui_env
  __ssotui_env="$(command ssotui --print-env --format {fmt} "$@")" || return $?
  eval "$__ssotui_env"
}}
"""

FISH = """\
# ssotui: `{name} [QUERY...]` picks an AWS role and switches this shell to it
function {name} --description 'ssotui: switch this shell to an AWS role'
    set -l __ssotui_env (command ssotui --print-env --format {fmt} $argv)
    or return $status
    printf '%s\\n' $__ssotui_env | source
end
"""

POWERSHELL = """\
# ssotui: `{name} [QUERY...]` picks an AWS role and switches this shell to it
function {name} {{
    $__ssotui_env = & ssotui --print-env --format {fmt} @args
    if ($LASTEXITCODE -ne 0) {{ return }}
    Invoke-Expression ($__ssotui_env -join "`n")
}}
"""

TEMPLATES = {"bash": POSIX, "zsh": POSIX, "fish": FISH, "powershell": POWERSHELL}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def script(shell: str, name: str = "sa") -> str:
    if shell not in TEMPLATES:
        raise UsageError(f"unknown shell {shell!r}; choose one of {', '.join(TEMPLATES)}")
    if not _NAME.fullmatch(name):
        raise UsageError(f"--name {name!r}: use letters, digits, '_' or '-' "
                         "(starting with a letter or '_')")
    return TEMPLATES[shell].format(name=name, fmt=FORMAT[shell])


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(script(args.shell, getattr(args, "name", "sa") or "sa"))
    return 0
