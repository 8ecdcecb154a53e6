"""The filter's matching rules (pure functions, no terminal)."""

from __future__ import annotations

from ssotui.tui.filtering import Entry, Query, best_role, filter_entries, match_spans, sort_key


def entry(name: str, account_id: str, roles: list[str] | None) -> Entry:
    e = Entry(account_id, name, roles=roles)
    e.rebuild()
    return e


ORG = sorted([
    entry("prod-payments", "111122223333", ["AdministratorAccess", "ReadOnly"]),
    entry("sandbox", "333344445555", ["PowerUser"]),
    entry("payroll", "444455556666", ["ReadOnly"]),
    entry("dev-admin-tools", "555566667777", ["Developer"]),
], key=sort_key)  # the screen keeps its accounts in this order


def names(query: str, entries: list[Entry] = ORG) -> list[str]:
    return [e.name for e in filter_entries(entries, Query.parse(query))]


def test_every_term_must_match_some_field() -> None:
    assert names("pay adm") == ["prod-payments"]
    assert names("pay read") == ["payroll", "prod-payments"]  # field start beats word start
    assert names("5566") == ["dev-admin-tools", "payroll"]  # account ids (ties: by name)
    assert names("poweruser") == ["sandbox"]


def test_fuzzy_stays_within_one_field() -> None:
    assert names("pdpy") == ["prod-payments"]  # p-d-p-y in order inside the name
    # "x" appears nowhere; letters spread over two fields do not combine
    assert names("sandboxpower") == []


def test_empty_query_keeps_order_and_roles_unknown_are_searchable_by_name() -> None:
    pending = entry("prod-new", "999900001111", None)
    assert names("", [*ORG, pending])[-1] == "prod-new"
    assert names("new", [pending]) == ["prod-new"]


def test_refines_allows_narrowing_from_previous_results() -> None:
    assert Query.parse("pay a").refines(Query.parse("pay"))
    assert Query.parse("pays").refines(Query.parse("pay"))
    assert not Query.parse("pa").refines(Query.parse("pay"))
    assert not Query.parse("adm").refines(Query.parse("pay"))


def test_best_role_and_spans() -> None:
    assert best_role(["AdministratorAccess", "ReadOnly"], ["read"]) == 1
    assert best_role(["AdministratorAccess", "ReadOnly"], []) == 0
    assert match_spans("prod-payments", ["pay"]) == [(5, 8)]
    assert match_spans("legacy-[eu]", ["[eu"]) == [(7, 10)]
    assert match_spans("prod-payments", ["pdy"]) == [(0, 1), (3, 4), (7, 8)]


# -- the widgets the filter drives (they skip Textual's full re-layout per keystroke) --

async def test_rowlist_scrollbar_follows_row_count_without_relayout_per_change() -> None:
    from rich.segment import Segment
    from textual.app import App, ComposeResult

    from ssotui.tui.widgets.rowlist import RowList

    class Lists(App[None]):
        CSS = "RowList { height: 12; }"

        def compose(self) -> ComposeResult:
            yield RowList(lambda row, width: [Segment(str(row))], id="rows")

    app = Lists()
    async with app.run_test(size=(40, 20)) as pilot:
        rows = app.query_one(RowList)
        rows.set_rows(list(range(100)))
        await pilot.pause()
        assert rows.show_vertical_scrollbar and rows.virtual_size.height == 100
        rows.set_cursor(80)
        await pilot.pause()
        assert rows.scroll_y <= 80 < rows.scroll_y + 12  # the cursor row is in view
        rows.set_rows(list(range(50)))  # still scrolls: same layout, new bounds
        await pilot.pause()
        assert rows.virtual_size.height == 50 and rows.max_scroll_y == 50 - 12
        assert rows.vertical_scrollbar.window_virtual_size == 50
        rows.set_rows([1, 2, 3])  # fits: the scrollbar goes
        await pilot.pause()
        assert not rows.show_vertical_scrollbar and rows.scroll_y == 0
        rows.set_rows(list(range(30)))  # and comes back
        await pilot.pause()
        assert rows.show_vertical_scrollbar and rows.virtual_size.height == 30


async def test_filter_input_scrolls_to_a_long_query_without_relayout() -> None:
    from textual.app import App, ComposeResult

    from ssotui.tui.widgets.filterinput import FilterInput

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield FilterInput(id="filter")

    app = One()
    async with app.run_test(size=(30, 5)) as pilot:
        filt = app.query_one(FilterInput)
        filt.focus()
        await pilot.press(*"abcdefghijklmnopqrstuvwxyz0123456789")
        await pilot.pause()
        assert filt.value.endswith("789")
        assert filt.scroll_x > 0  # the end of the text (and the cursor) stay in view
        assert filt.virtual_size.width >= len(filt.value)


def test_joined_scan_scores_like_one_entry_at_a_time() -> None:
    """Past 64 accounts the filter scans all of them joined into one text; it must
    keep exactly the accounts, and scores, that `Query.score` gives one by one."""
    from ssotui.emulator import generate_org
    from ssotui.tui.filtering import match_entries

    entries = [entry(a.account_name, a.account_id, list(r)) for a, r in generate_org(400, 3, seed=5)]
    entries += [entry("odd [name] (x)*", "000000000001", ["Role+Plus"]),
                entry("two\nlines", "000000000002", None)]
    entries.sort(key=sort_key)
    queries = ["p", "pay", "pay adm", "adm", "dmn", "pdpy", "0", "1234", "read only",
               "[name]", "(x)*", "+plus", "o l", "zzz", "a a a", "es"]
    for text in queries:
        q = Query.parse(text)
        one_by_one = [(s, e) for e in entries if (s := q.score(e))]
        assert match_entries(entries, q) == one_by_one, text
    assert names("two lines", entries) == ["two\nlines"]
