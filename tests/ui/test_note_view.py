"""The note preview widget, driven the way the app drives it: show a note, click, jump."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from app.render.markdown import render_progressively
from app.render.note_renderer import NoteRenderer
from app.render.rendered import Rendered
from app.ui.note_view import NoteView

NOTE = """# FlashAttention

Reading notes on [the paper](https://arxiv.org/abs/2205.14135) and [Ray](ray.md).

## Background

The runtime is $\\max~(T_{mem}, T_{math})$.

## Method

Tiling keeps blocks in SRAM.
"""

LONG_NOTE = (
    "# Top\n\n"
    + "\n\n".join(f"Paragraph number {n}." for n in range(300))
    + "\n\n## Deep section\n\n"
    + "\n\n".join(f"Later paragraph {n}." for n in range(20))
)


class NoteApp(App[None]):
    def __init__(self, note_view: NoteView | None = None) -> None:
        """The app around `note_view` (by default one as the browser builds it)."""
        super().__init__()
        self.note_view = note_view or NoteView()
        self.rendered: list[Hashable] = []
        self.clicked: list[str] = []
        self.images: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.note_view

    def on_note_view_rendered(self, message: NoteView.Rendered) -> None:
        self.rendered.append(message.doc_key)

    def on_note_view_link_clicked(self, message: NoteView.LinkClicked) -> None:
        self.clicked.append(message.target)

    def on_note_view_image_clicked(self, message: NoteView.ImageClicked) -> None:
        self.images.append(message.image.target)


def visible_lines(view: NoteView) -> list[str]:
    return [view.render_line(y).text.rstrip() for y in range(view.scrollable_content_region.height)]


async def wait_rendered(pilot: Pilot[None], app: NoteApp, doc_key: Hashable) -> None:
    for _ in range(200):
        if doc_key in app.rendered:
            return
        await pilot.pause(0.01)
    raise AssertionError(f"{doc_key!r} was never rendered")


async def test_a_shown_note_is_rendered_with_its_header_above() -> None:
    app = NoteApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(NoteView)
        view.show("flash.md", NOTE, header=[Text("status: done"), Text("1 paper https://x.org")])
        await wait_rendered(pilot, app, "flash.md")
        await pilot.pause()
        lines = visible_lines(view)
        assert lines[:3] == ["status: done", "1 paper https://x.org", "FlashAttention"]
        assert "The runtime is max (Tₘₑₘ, Tₘₐₜₕ)." in lines
        assert view.links == ["https://arxiv.org/abs/2205.14135", "ray.md"]
        assert [h.text for h in view.headings] == ["FlashAttention", "Background", "Method"]
        assert view.headings[0].line == 2


async def test_clicking_a_link_posts_its_target() -> None:
    app = NoteApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(NoteView)
        view.show("flash.md", NOTE)
        await wait_rendered(pilot, app, "flash.md")
        await pilot.pause()
        lines = visible_lines(view)
        y = next(n for n, line in enumerate(lines) if "the paper" in line)
        x = lines[y].index("the paper") + 2
        # the view has one cell of padding on the left
        assert await pilot.click(NoteView, offset=(x + 1, y))
        await pilot.pause()
        assert app.clicked == ["https://arxiv.org/abs/2205.14135"]
        x = lines[y].index("Ray") + 1
        await pilot.click(NoteView, offset=(x + 1, y))
        await pilot.pause()
        assert app.clicked[-1] == "ray.md"


async def test_clicking_an_image_placeholder_posts_the_image() -> None:
    app = NoteApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(NoteView)
        view.show("d.md", "Intro.\n\n![a diagram](assets/d.png)\n")
        await wait_rendered(pilot, app, "d.md")
        await pilot.pause()
        (image,) = view.images
        assert visible_lines(view)[image.line].startswith("🖼 a diagram (assets/d.png)")
        await pilot.click(NoteView, offset=(4, image.line))
        await pilot.pause()
        assert app.images == ["assets/d.png"]


async def test_scroll_to_anchor_moves_to_the_heading() -> None:
    app = NoteApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(NoteView)
        view.show("long.md", LONG_NOTE)
        await wait_rendered(pilot, app, "long.md")
        assert view.scroll_y == 0
        assert view.scroll_to_anchor("#deep-section")
        await pilot.pause()
        assert view.scroll_y > 500
        assert visible_lines(view)[0] == "Deep section"
        assert not view.scroll_to_anchor("no-such-heading")


async def test_keys_scroll_the_focused_preview() -> None:
    app = NoteApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(NoteView)
        view.show("long.md", LONG_NOTE)
        await wait_rendered(pilot, app, "long.md")
        view.focus()
        await pilot.press("pagedown")
        assert view.scroll_y > 0
        await pilot.press("end")
        assert view.scroll_y == view.max_scroll_y
        await pilot.press("home")
        assert view.scroll_y == 0


async def test_an_anchor_given_with_show_is_reached_once_rendered() -> None:
    app = NoteApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(NoteView)
        view.show("long.md", LONG_NOTE, anchor="deep-section")
        await wait_rendered(pilot, app, "long.md")
        await pilot.pause()
        assert visible_lines(view)[0] == "Deep section"


async def test_reload_with_keep_scroll_keeps_the_position() -> None:
    app = NoteApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(NoteView)
        view.show("long.md", LONG_NOTE, version=1)
        await wait_rendered(pilot, app, "long.md")
        view.scroll_to(y=100, animate=False, immediate=True)
        app.rendered.clear()
        view.show("long.md", LONG_NOTE + "\nOne more line.\n", version=2, keep_scroll=True)
        await wait_rendered(pilot, app, "long.md")
        await pilot.pause()
        assert view.scroll_y == 100
        view.show("other.md", NOTE)
        await wait_rendered(pilot, app, "other.md")
        assert view.scroll_y == 0


async def test_a_long_note_paints_its_top_before_the_rest() -> None:
    """The first screen goes on screen while the rest of the note is still rendering."""
    release = threading.Event()
    seen: list[bool] = []

    def gated(body: str, **kwargs: Any) -> Iterator[Rendered]:
        for rendered in render_progressively(body, **kwargs):
            seen.append(rendered.complete)
            if rendered.complete:
                release.wait(5)
            yield rendered

    app = NoteApp(NoteView(renderer=NoteRenderer(render_in_steps=gated, sync_first_screen_chars=0)))
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(NoteView)
        view.show("long.md", LONG_NOTE)
        for _ in range(100):
            await pilot.pause(0.01)
            if view.rendered.lines:
                break
        assert visible_lines(view)[0] == "Top"
        assert not view.is_complete
        assert app.rendered == []
        release.set()
        await wait_rendered(pilot, app, "long.md")
        assert view.is_complete
        assert seen == [False, True]


async def test_a_short_note_is_on_screen_as_soon_as_show_returns() -> None:
    app = NoteApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(NoteView)
        view.show("long.md", LONG_NOTE)
        assert view.rendered.lines  # the first screen, rendered without a thread
        assert not view.is_complete
        await wait_rendered(pilot, app, "long.md")
        assert view.is_complete


async def test_a_stale_render_is_cancelled_and_never_shown() -> None:
    """Moving on to another note while one is rendering drops the first note's render."""
    started = threading.Event()
    release = threading.Event()
    cancelled_seen: list[bool] = []

    def slow(body: str, **kwargs: Any) -> Iterator[Rendered]:
        if body.startswith("# Slow"):
            started.set()
            release.wait(5)
            cancel = kwargs["cancelled"]
            assert callable(cancel)
            cancelled_seen.append(bool(cancel()))
        yield from render_progressively(body, **kwargs)

    app = NoteApp(NoteView(renderer=NoteRenderer(render_in_steps=slow, sync_first_screen_chars=0)))
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(NoteView)
        view.show("slow.md", "# Slow note\n\nslow body\n")
        for _ in range(200):
            if started.is_set():
                break
            await pilot.pause(0.01)
        assert started.is_set()
        view.show("fast.md", "# Fast note\n")
        await wait_rendered(pilot, app, "fast.md")
        release.set()
        for _ in range(20):
            await pilot.pause(0.01)
        assert cancelled_seen == [True]
        assert app.rendered == ["fast.md"]
        assert visible_lines(view)[0] == "Fast note"


async def test_a_note_seen_before_comes_from_the_cache() -> None:
    app = NoteApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(NoteView)
        view.show("a.md", NOTE, version=1)
        await wait_rendered(pilot, app, "a.md")
        first: Rendered = view.rendered
        view.show("b.md", LONG_NOTE, version=1)
        await wait_rendered(pilot, app, "b.md")
        view.show("a.md", NOTE, version=1)
        assert view.rendered is first  # applied at once
        view.show("a.md", NOTE + "\nchanged\n", version=2)
        assert view.rendered is not first  # a new version is rendered again
        last_line = "".join(segment.text for segment in view.rendered.lines[-1])
        assert last_line.strip() == "changed"


async def test_a_narrower_pane_re_renders_the_note() -> None:
    app = NoteApp()
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(NoteView)
        view.show("long.md", LONG_NOTE)
        await wait_rendered(pilot, app, "long.md")
        wide = view.rendered.width
        app.rendered.clear()
        await pilot.resize_terminal(40, 20)
        await wait_rendered(pilot, app, "long.md")
        assert view.rendered.width < wide
