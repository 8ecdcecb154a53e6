"""The reference for ssotui's warm start: about the least a Textual app can do to show
1,000 rows (an OptionList of the names in a JSON file, read at start as ssotui reads
its listing cache).

    python bench/minimal_app.py names.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import OptionList


class Minimal(App[None]):
    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        yield OptionList(*self.names)


if __name__ == "__main__":
    Minimal(json.loads(Path(sys.argv[1]).read_text())).run()
