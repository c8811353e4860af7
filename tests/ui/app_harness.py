"""Helpers for driving the real app under Pilot and reading what the user sees.

Every app a test builds with :func:`make_app` gets :class:`FakeEffects`: no browser, clipboard
tool, editor or image viewer runs, and each records what it was asked; a paper's metadata comes
from ``papers`` (by id) or not at all, as offline. The folder watcher, the re-reads of the index
and the clock are the real ones, counted.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from app.core.link_health import Health, Kind
from app.core.metadata import PaperMeta
from app.core.model import Entry, Index
from app.core.paper_ids import PaperId
from app.core.reread import Reread, reread_index
from app.core.sanitize import inert_line
from app.edges.browser import OpenResult, no_browser, url_is_openable
from app.edges.clipboard import CopyResult
from app.edges.editor import editor_command
from app.edges.git import GitLog
from app.edges.network import NetworkError
from app.edges.watch import watch_folder
from app.ui.app import ReadnotesApp
from app.ui.effects import Change, Effects, Outcome, Suspend
from app.ui.tree_paint import label_of
from app.ui.writes import add_entry

SIZE = (120, 36)


async def settle(pilot: Pilot[int], rounds: int = 3) -> None:
    """Let workers finish and their results reach the screen (the folder watcher never does)."""
    for _ in range(rounds):
        await pilot.pause()
        busy = [worker for worker in pilot.app.workers if worker.group != "watch"]
        if busy:
            await pilot.app.workers.wait_for_complete(busy)
    for screen in pilot.app.screen_stack:  # a blinking cursor would be drawn or not by the clock
        for field in screen.query(Input):
            field.cursor_blink = False
    await pilot.pause()


async def wait_until(
    pilot: Pilot[int], condition: Callable[[], bool], timeout: float = 20.0
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await asyncio.sleep(0.01)
        await pilot.pause()


async def started(pilot: Pilot[int]) -> ReadnotesApp:
    """Wait until the index is on screen and the first preview rendered."""
    app = pilot.app
    assert isinstance(app, ReadnotesApp)
    await wait_until(pilot, lambda: app.index is not None)
    await settle(pilot)
    await wait_until(pilot, lambda: app.note_view.is_complete)
    return app


async def press(pilot: Pilot[int], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def screen_lines(app: ReadnotesApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def widget_text(app: ReadnotesApp, widget: Widget) -> str:
    """The text of a widget as it is painted on screen, line by line."""
    region = widget.region
    lines = screen_lines(app)[region.y : region.bottom]
    return "\n".join(line[region.x : region.right].rstrip() for line in lines)


def preview_text(app: ReadnotesApp) -> str:
    return widget_text(app, app.note_view)


def tree_labels(app: ReadnotesApp) -> list[str]:
    """Every line of the tree (also those scrolled out of view), as labels, as it paints them."""
    tree = app.index_tree
    items = [tree.item_at(line) for line in range(tree.line_count)]
    return [label_of(item, tree.counts_for).plain for item in items if item is not None]


def cursor_entry(app: ReadnotesApp) -> Entry:
    entry = app.index_tree.cursor_entry
    assert entry is not None, "the cursor is not on an entry"
    return entry


class FakeEffects:
    """The outside world of a test: what the app asked of it, and how it answers.

    ``browser``: whether a web browser is there; ``editor``: what the editor does with the
    command it is run with (it returns the exit code); ``papers``: the metadata each id (its
    value, ``2306.02707``) is known by, any other id failing as without network. Any effect can be
    replaced by keyword (``copy=copy_native``, to run the real edge under a patched pyperclip).
    """

    def __init__(
        self,
        *,
        browser: bool = True,
        editor: Callable[[list[str]], int] | None = None,
        papers: dict[str, PaperMeta] | None = None,
        links: dict[str, Health] | None = None,
        hold_links: bool = False,
        **replaced: Any,
    ) -> None:
        self.browser = browser
        self.editor = editor
        self.papers = papers or {}
        self.looked_up: list[PaperId] = []  # ids whose metadata was asked for
        self.links = links or {}  # a link's health when checked (any other: fine)
        self.hold_links = hold_links  # answer the first link, then wait to be stopped
        self.checked: list[list[str]] = []  # the URLs of each link check
        self.replaced = replaced
        self.opened: list[str] = []  # URLs handed to the browser
        self.copied: list[str] = []  # texts handed to the native clipboard
        self.viewed: list[Path] = []  # files handed to the system viewer
        self.edited: list[list[str]] = []  # editor commands run
        self.bursts = 0  # bursts of changes the watcher reported
        self.reloads = 0  # models taken from disk after the first: outside changes shown
        self.history_reads = 0  # times the fake git was asked for the index's history

    def effects(self) -> Effects:
        real = Effects(
            open_url=self.open_url,
            url_refusal=url_is_openable,
            copy=self.copy,
            open_file=self.open_file,
            editor_command=editor_command,
            run_editor=self.run_editor,
            watch=self.watch,
            today=date.today,
            reread=self.reread,
            add_entry=add_entry,
            paper_lookup=self.paper_lookup,
            git_log=self.git_log,
            check_links=self.check_links,
            environ={},  # the terminal running the tests never decides what the app draws
        )
        return dataclasses.replace(real, **self.replaced)

    def open_url(self, url: str) -> Outcome:
        self.opened.append(url)
        return OpenResult(True, f"Opened {inert_line(url)}") if self.browser else no_browser(url)

    def copy(self, text: str) -> Outcome:
        self.copied.append(text)
        return CopyResult(True, "Copied to the system clipboard")

    def open_file(self, path: Path) -> Outcome:
        self.viewed.append(path)
        return OpenResult(True, f"Opened {inert_line(path.name)} in the system viewer")

    def paper_lookup(self, found: PaperId) -> PaperMeta:
        self.looked_up.append(found)
        meta = self.papers.get(found.value)
        if meta is None:
            raise NetworkError(f"{found}: the host name could not be resolved (DNS)")
        return meta

    def check_links(
        self, urls: Sequence[str], on_result: Callable[[str, Health], None], stop: threading.Event
    ) -> Mapping[str, Health]:
        """Each URL's health from ``links`` (else fine), as the checker reports it."""
        self.checked.append(list(urls))
        found: dict[str, Health] = {}
        for url in urls:
            if stop.is_set():
                break
            health = self.links.get(url, Health(Kind.OK, 200))
            health = dataclasses.replace(health, checked=time.time())
            found[url] = health
            on_result(url, health)
            if self.hold_links:
                stop.wait(10)
        return found

    def run_editor(self, command: list[str], suspend: Suspend) -> int:
        """Runs "inside" no suspend (a headless app cannot hand the terminal over)."""
        self.edited.append(command)
        return self.editor(command) if self.editor is not None else 0

    async def watch(
        self, root: Path, index_path: Path, *, poll: bool, stop: asyncio.Event
    ) -> AsyncIterator[Change]:
        async for change in watch_folder(root, index_path, poll=poll, stop=stop):
            self.bursts += 1
            yield change

    def git_log(self, index_path: Path, since: str | None, *, clean: bool = False) -> GitLog:
        """No history unless a test hands in the real one (``git_log=read_log``): the sample
        folder lives in readnotes' own repository, whose commits would date its entries."""
        self.history_reads += 1
        return GitLog(notice="git is not asked in this test")

    def reread(self, path: Path, known: Index | None) -> Reread:
        result = reread_index(path, known)
        if known is not None and result.index is not None:
            self.reloads += 1
        return result


_FAKES: weakref.WeakKeyDictionary[ReadnotesApp, FakeEffects] = weakref.WeakKeyDictionary()


def make_app(folder: Path, fakes: FakeEffects | None = None, **options: Any) -> ReadnotesApp:
    """The real app on ``folder``, its outside world faked (``options``: ReadnotesApp's)."""
    fakes = fakes if fakes is not None else FakeEffects()
    app = ReadnotesApp(folder, effects=fakes.effects(), **options)
    _FAKES[app] = fakes
    return app


def fakes_of(app: ReadnotesApp) -> FakeEffects:
    """The fake outside world an app of :func:`make_app` was given."""
    return _FAKES[app]


async def go_to(pilot: Pilot[int], title_part: str) -> Entry:
    """Put the tree cursor on the entry whose title holds ``title_part`` (as the palette does)."""
    app = pilot.app
    assert isinstance(app, ReadnotesApp) and app.index is not None
    entry = next(e for e in app.index.entries if title_part in e.title)
    app.go_to_entry(entry.key)
    await settle(pilot)
    await wait_until(pilot, lambda: app.note_view.is_complete)
    return entry
