"""The preview's plain parts, without an app: its render cache, its find, its requests."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

from app.render.cache import RenderCache
from app.render.find import FindState
from app.render.rendered import Rendered
from app.ui.note_requests import RenderRequests

LINES = [[Segment("a pear")], [Segment("no fruit")], [Segment("pear and "), Segment("pear")]]


def rendered(width: int, *, complete: bool = True) -> Rendered:
    return Rendered(lines=[[Segment("x")]], width=width, complete=complete)


def test_the_cache_keeps_complete_renders_and_drops_the_least_recently_used() -> None:
    cache = RenderCache(2)
    a, b, c = rendered(40), rendered(40), rendered(40)
    cache.put("a", 1, a)
    cache.put("b", 1, b)
    assert cache.get("a", 1, 40) is a  # now the most recently used
    cache.put("c", 1, c)
    assert cache.get("b", 1, 40) is None
    assert cache.get("a", 1, 40) is a and cache.get("c", 1, 40) is c
    assert cache.get("a", 2, 40) is None and cache.get("a", 1, 60) is None
    cache.put("d", 1, rendered(40, complete=False))  # a first screen is not kept
    assert cache.get("d", 1, 40) is None


def test_a_find_goes_to_the_first_match_below_and_wraps_both_ways() -> None:
    find = FindState()
    find.collect(LINES, "pear")
    assert [(m.line, m.start) for m in find.matches] == [(0, 2), (2, 0), (2, 9)]
    find.go_to_first_from(1)
    assert (find.current, find.position) == (1, 2)
    assert find.step(1) and find.position == 3
    assert find.step(1) and find.position == 1
    assert find.step(-1) and find.position == 3
    find.go_to_first_from(5)  # nothing below: the first of all, as less does
    assert find.position == 1


def test_a_find_without_matches_has_no_current_match_to_move_to() -> None:
    find = FindState()
    find.collect(LINES, "durian")
    find.go_to_first_from(0)
    assert find.current is None and find.position == 0
    assert not find.step(1) and not find.select(0)
    assert find.line_to_reveal(0, 10) is None


def test_after_a_new_render_the_find_keeps_its_place_if_it_can() -> None:
    find = FindState()
    find.collect(LINES, "pear")
    find.select(2)
    find.collect(LINES[:1], "pear")  # the note changed: one match left
    find.keep_current(2)
    assert find.current == 0


def test_the_current_match_is_revealed_a_quarter_down_the_view() -> None:
    find = FindState()
    find.collect([[Segment("pear")] if n == 50 else [] for n in range(100)], "pear")
    find.go_to_first_from(0)
    assert find.line_to_reveal(top=45, height=20) is None  # in view already
    assert find.line_to_reveal(top=0, height=20) == 45


def test_only_the_current_match_gets_the_current_style() -> None:
    find = FindState()
    find.collect(LINES, "pear")
    find.select(2)
    match, current = Style(underline=True), Style(bold=True)
    line = find.highlighted(2, LINES[2], match, current)
    styled = [(segment.text, segment.style) for segment in line if segment.style is not None]
    assert styled == [("pear", match), ("pear", current)]


def test_a_newer_request_makes_older_renders_stale() -> None:
    requests = RenderRequests()
    first = requests.ask("a", "# A", None, [], 1, keep_scroll=False, anchor="intro")
    assert requests.pending_anchor == "intro" and not requests.painted
    second = requests.ask("b", "# B", None, [], 1, keep_scroll=False, anchor=None)
    assert not requests.is_current(first) and requests.is_current(second)
    assert requests.painting(second) and not requests.painting(second)  # first paint once
    assert requests.painted
    again = requests.again_at(0.5)
    assert again is not None and again.keep_scroll and again.scroll_fraction == 0.5
    assert again.doc_key == "b" and not requests.is_current(second) and not requests.painted
    requests.drop()
    assert requests.current is None and requests.again_at(0.5) is None
