"""With `--print-env` the picker's result still says which role it is for
(core.models.PickedText): `exec` and `--profile-var` rely on it."""

from __future__ import annotations

from typing import Any

from ssotui.core.models import PickedText
from tui.tuikit import wait_for, wait_main_loaded


async def test_print_env_result_names_the_role(tui_signed_in: Any, start: Any) -> None:
    async with start(print_env=True, fmt="env") as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press(*"prod-pay read", "enter")
        await wait_for(pilot, lambda: not app.is_running, "exit")
    result = app.return_value
    assert isinstance(result, PickedText)
    assert result.startswith("export AWS_ACCESS_KEY_ID=ASIA")
    assert result.role == "ReadOnly" and len(result.account_id) == 12
    assert result.session  # the session it was picked in
