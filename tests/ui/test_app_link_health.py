"""Link health in the browser: the marks beside an entry's links, L, is:dead, fixing a moved
link from the palette, p / c / b, and the vim-like tree keys g, G, ctrl+d, ctrl+u."""

from __future__ import annotations

import time
from pathlib import Path

from app_harness import (
    SIZE,
    FakeEffects,
    cursor_entry,
    fakes_of,
    go_to,
    make_app,
    press,
    preview_text,
    settle,
    started,
    tree_labels,
    wait_until,
)
from textual.command import CommandList, CommandPalette

from app.core.link_health import Health, Kind
from app.core.link_store import LinkStore

ATTENTION = "https://arxiv.org/abs/1706.03762"
FLASH_PAPER = "https://arxiv.org/abs/2205.14135"
FLASH_CODE = "https://github.com/Dao-AILab/flash-attention"
LLAMA_CODE = "https://github.com/facebookresearch/llama"


def remember(results: dict[str, Health]) -> None:
    LinkStore().save(results, now=time.time())


async def test_each_link_shows_its_last_known_health_and_age(notes_copy: Path) -> None:
    hours_ago = time.time() - 2 * 3600
    remember(
        {
            FLASH_PAPER: Health(Kind.DEAD, 404, checked=hours_ago),
            FLASH_CODE: Health(Kind.MOVED, 200, "https://github.com/new/place", checked=hours_ago),
            ATTENTION: Health(Kind.UNREACHABLE, None, reason="timeout", checked=time.time()),
        }
    )
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_until(pilot, lambda: bool(app.link_checks.known))
        await go_to(pilot, "FlashAttention")
        text = preview_text(app)
        assert f"1  paper  {FLASH_PAPER}  ✗ 404 2h" in text
        assert f"2  code  {FLASH_CODE}  ↪ moved 2h" in text
        await go_to(pilot, "Attention Is All")
        assert f"1  paper  {ATTENTION}  ? timeout now" in preview_text(app)
        await go_to(pilot, "LLAMA 2")
        assert "✓" not in preview_text(app) and "✗" not in preview_text(app)


async def test_L_checks_the_entries_in_view_and_shows_the_results(notes_copy: Path) -> None:
    fakes = FakeEffects(links={LLAMA_CODE: Health(Kind.DEAD, 410)})
    app = make_app(notes_copy, fakes)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "slash", *"llama", "enter")
        await press(pilot, "L")
        await wait_until(pilot, lambda: not app.link_checks.running)
        assert fakes.checked == [["https://arxiv.org/abs/2307.09288", LLAMA_CODE]]
        await settle(pilot)
        assert cursor_entry(app).title.startswith("LLAMA 2")
        text = preview_text(app)
        assert f"{LLAMA_CODE}  ✗ 410 now" in text
        assert "https://arxiv.org/abs/2307.09288  ✓ now" in text
        assert LinkStore().load()[LLAMA_CODE].code == 410  # kept for check --links and later


async def test_escape_stops_a_check_and_keys_never_wait(notes_copy: Path) -> None:
    first = "https://arxiv.org/abs/2110.02861v1"  # the first entry's paper
    fakes = FakeEffects(hold_links=True, links={first: Health(Kind.DEAD, 404)})
    app = make_app(notes_copy, fakes)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Attention Is All")
        await pilot.press("L")
        status = "checking links 1/22, 1 with problems"
        await wait_until(pilot, lambda: status in str(app.status_line.render()))
        assert "(escape or L stops)" in str(app.status_line.render())
        before = cursor_entry(app)
        await pilot.press("j")  # the tree moves while the check runs
        await wait_until(pilot, lambda: app.index_tree.cursor_entry is not before)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not app.link_checks.running)
        assert "checking links" not in str(app.status_line.render())
        assert len(app.link_checks.known) == 1


async def test_L_again_stops_the_check(notes_copy: Path) -> None:
    app = make_app(notes_copy, FakeEffects(hold_links=True))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("L")
        await wait_until(pilot, lambda: app.link_checks.running and bool(app.link_checks.known))
        await pilot.press("L")
        await wait_until(pilot, lambda: not app.link_checks.running)


async def test_is_dead_keeps_the_entries_with_dead_links(notes_copy: Path) -> None:
    remember(
        {
            FLASH_PAPER: Health(Kind.DEAD, 404, checked=time.time()),
            LLAMA_CODE: Health(Kind.MOVED, 200, "https://x.test/", checked=time.time()),
        }
    )
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_until(pilot, lambda: bool(app.link_checks.known))
        await press(pilot, "slash", *"is:dead")
        entries = [label for label in tree_labels(app) if "Flash" in label or "LLAMA" in label]
        assert len(entries) == 1 and "FlashAttention" in entries[0]
        assert "1 shown" in str(app.status_line.render())
        await press(pilot, *["backspace"] * 4, *"moved")
        assert any("LLAMA" in label for label in tree_labels(app))
        assert "1 shown" in str(app.status_line.render())


async def test_the_palette_fixes_the_moved_link_of_the_entry(notes_copy: Path) -> None:
    new = "https://github.com/meta-llama/llama"
    remember({LLAMA_CODE: Health(Kind.MOVED, 200, new, checked=time.time())})
    index = notes_copy / "README.md"
    before = index.read_bytes()
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_until(pilot, lambda: bool(app.link_checks.known))
        await go_to(pilot, "LLAMA 2")
        await press(pilot, "ctrl+p", *"fix moved")
        assert isinstance(app.screen, CommandPalette)
        commands = app.screen.query_one(CommandList)
        await wait_until(pilot, lambda: commands.option_count > 0)
        await press(pilot, "enter")
        await wait_until(pilot, lambda: index.read_bytes() != before)
        await settle(pilot)
    assert index.read_bytes() == before.replace(LLAMA_CODE.encode(), new.encode())


async def test_p_c_and_b_open_the_paper_code_and_blog_links(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "FlashAttention")
        await press(pilot, "c")
        await press(pilot, "p")
        assert fakes_of(app).opened == [FLASH_CODE, FLASH_PAPER]
        await press(pilot, "b")
        assert fakes_of(app).opened == [FLASH_CODE, FLASH_PAPER]
        assert any("no blog link" in str(n.message) for n in app._notifications)
        rows = {row.description: row.keys for s in app.key_sections() for row in s.rows}
        assert rows["Open paper / code / blog link"] == "p, c, b"
        palette = {command.title: command for command in app.get_system_commands(app.screen)}
        assert {"Open paper link", "Open code link", "Open blog link"} <= palette.keys()
        assert "Open paper / code / blog link" not in palette
        assert (rows["Check links"], rows["First line"], rows["Last line"]) == (
            "L",
            "home, g",
            "end, G",
        )
        assert rows["Half a page down / up"] == "^d, ^u"


async def test_g_G_and_half_pages_in_the_tree(tmp_path: Path) -> None:
    lines = ["# Long", "", "## Part", ""] + [
        f"* [Entry {n}](https://e.test/{n})" for n in range(80)
    ]
    (tmp_path / "README.md").write_text("\n".join(lines) + "\n")
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        tree = app.index_tree
        await press(pilot, "G")
        assert cursor_entry(app).title == "Entry 79"
        await press(pilot, "g")
        assert tree.cursor_line == 0
        half = tree.scrollable_content_region.height // 2
        await press(pilot, "ctrl+d")
        assert tree.cursor_line == half
        await press(pilot, "ctrl+d", "ctrl+u")
        assert tree.cursor_line == half


async def test_a_check_that_cannot_go_online_says_so_and_ends(notes_copy: Path) -> None:
    from app.edges.link_check import no_link_checks

    app = make_app(notes_copy, FakeEffects(check_links=no_link_checks))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "L")
        await wait_until(pilot, lambda: not app.link_checks.running)
        messages = [str(n.message) for n in app._notifications]
        assert any("without network access" in m for m in messages)
        assert "checking links" not in str(app.status_line.render())


async def test_no_fix_command_without_a_moved_link(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "LLAMA 2")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Fix moved link" not in titles and "Check links" in titles


async def test_quitting_during_a_check_stops_it(notes_copy: Path) -> None:
    import threading

    stopped = threading.Event()

    def endless(urls: object, on_result: object, stop: threading.Event) -> dict[str, Health]:
        stop.wait(30)
        stopped.set()
        return {}

    app = make_app(notes_copy, FakeEffects(check_links=endless))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("L")
        await wait_until(pilot, lambda: app.link_checks.running)
    assert stopped.wait(5)
