"""The main screen's layout (a grid of the screen itself, styles.tcss): the panes
split the width, the details pane keeps its 9 rows and the roles pane its 4, also in a
small terminal (where a grid row of its own would have given the roles nothing)."""

from __future__ import annotations

from typing import Any

import pytest

from tui.tuikit import wait_main_loaded


@pytest.mark.parametrize("size", [(120, 36), (81, 25), (40, 16)], ids=str)
async def test_panes_share_the_width_and_keep_their_rows(tui_signed_in: Any, start: Any,
                                                         size: tuple[int, int]) -> None:
    width, height = size
    async with start(size=size) as pilot:
        await wait_main_loaded(pilot)
        screen = pilot.app.screen
        title, filt, counts, accounts, roles, details, status = (
            screen.query_one(f"#{name}").region
            for name in ("title", "filter", "counts", "accounts", "roles", "details", "status"))
        assert (title.y, title.height, filt.y, filt.height, counts.y) == (0, 1, 1, 3, 4)
        assert title.width == filt.width == counts.width == status.width == width
        assert accounts.x == 0 and accounts.width in (width // 2, (width + 1) // 2)
        assert roles.x == details.x == accounts.width == width - roles.width
        assert accounts.y == roles.y == 5 and roles.height >= 4
        assert details.y == roles.bottom
        if height >= 5 + 4 + 9 + 2:  # room for both right-hand panes whole
            assert details.height == 9 and details.bottom == accounts.bottom
        assert status.y == accounts.bottom == height - 2  # the key bar is the last row
