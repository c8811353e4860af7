"""Link health in the browser: the last known results, ``L`` to check what is in view, fixing a
moved link, and ``p``/``c``/``b`` to open a link by its role.

The checking itself is the ``check_links`` callable of :class:`~app.ui.effects.Effects` (the
edge's ``LinkChecker``; a fake in tests), run in a thread worker: every result comes back with
``call_from_thread`` as progress on the status line, and escape or ``L`` again sets the stop
event, which ends the run at once. Results are kept with :class:`app.core.link_store.LinkStore`
(the same cache ``check --links`` uses), so the preview shows the last ones with their age.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.links import link_role
from app.core.model import Entry, Index
from app.core.query import filter_entries
from app.ui.workers import thread_worker

if TYPE_CHECKING:
    from textual.app import SystemCommand

    from app.core.link_health import Health
    from app.core.link_store import LinkStore
    from app.ui.app import ReadnotesApp

# The link-health modules load with the first read of the results (after the first screen).


@dataclass(frozen=True, slots=True)
class HealthRead:
    known: dict[str, Health]


@dataclass(frozen=True, slots=True)
class LinksChecked:
    results: dict[str, Health]
    asked: int
    stopped: bool


@dataclass(frozen=True, slots=True)
class LinksFixed:
    index: Index | None
    messages: list[str]


class LinkChecks:
    def __init__(self, app: ReadnotesApp) -> None:
        self.app = app
        self._store: LinkStore | None = None
        self.known: dict[str, Health] = {}
        self._stop: threading.Event | None = None
        self._done = 0
        self._total = 0
        self._problems = 0

    @property
    def host(self) -> ReadnotesApp:
        return self.app

    @property
    def store(self) -> LinkStore:
        if self._store is None:
            from app.core.link_store import LinkStore

            self._store = LinkStore()
        return self._store

    @property
    def running(self) -> bool:
        return self._stop is not None

    # -- the last known results -------------------------------------------------------------

    def read(self) -> None:
        """Read the results kept in the cache folder (off the event loop)."""
        self.read_store()

    @thread_worker("link-health")
    def read_store(self) -> HealthRead:
        return HealthRead(self.store.load())

    def health_read(self, result: HealthRead) -> None:
        if not result.known:  # nothing kept: the first screen is not painted again
            return
        self.known = {**result.known, **self.known}
        self._shown_changed()

    def describe(self) -> list[str]:
        """The status line's phrase while a check runs."""
        if self._stop is None:
            return []
        found = f", {self._problems} with problems" if self._problems else ""
        return [f"checking links {self._done}/{self._total}{found} (escape or L stops)"]

    # -- L ------------------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.stop():
            return
        app = self.app
        index = app.index
        if index is None:
            return
        from app.core.link_health import entry_links, unique_urls

        urls = unique_urls(entry_links(self.entries_in_view(index)))
        if not urls:
            app.notify("No web links in view to check")
            return
        self._stop = threading.Event()
        self._done, self._total, self._problems = 0, len(urls), 0
        app.live.show_status()
        self.run_check(urls, self._stop)

    def entries_in_view(self, index: Index) -> list[Entry]:
        filtering = self.app.filtering
        query = filtering.query
        if not query.active:
            return list(index.entries)
        return filter_entries(index, query, filtering.tags, health=self.known)

    def stop(self) -> bool:
        """Stop a running check; whether one was running."""
        if self._stop is None:
            return False
        self._stop.set()
        return True

    @thread_worker("link-check", exclusive=True)
    def run_check(self, urls: list[str], stop: threading.Event) -> LinksChecked:
        app = self.app

        def heard(url: str, health: Health) -> None:
            if not stop.is_set():
                try:
                    app.call_from_thread(self._heard, url, health)
                except RuntimeError:  # the app is shutting down
                    stop.set()

        results = app.effects.check_links(urls, heard, stop)
        self.store.save(results, now=time.time())
        return LinksChecked(dict(results), len(urls), stop.is_set())

    def _heard(self, url: str, health: Health) -> None:
        self.known[url] = health
        self._done += 1
        self._problems += health.is_problem
        self.app.live.show_status()

    def checked(self, result: LinksChecked) -> None:
        from app.core.link_health import Kind

        self._stop = None
        self.known.update(result.results)
        counts = Counter(h.kind for h in result.results.values())
        found = ", ".join(
            f"{counts[kind]} {kind}" for kind in (Kind.DEAD, Kind.MOVED, Kind.UNREACHABLE)
        )
        if result.stopped:
            message = f"Link check stopped: {len(result.results)} of {result.asked} checked"
        else:
            message = f"Checked {result.asked} links: {found}"
        self.app.notify(message)
        self._shown_changed()

    def check_failed(self) -> None:
        self._stop = None
        self.app.live.show_status()

    def _shown_changed(self) -> None:
        """New health: the marks in the preview, an ``is:`` filter, the status line."""
        app = self.app
        app.navigator.previews.clear()
        app.navigator.refresh_preview(force=True, keep_scroll=True)
        if "is:" in app.filtering.query.text.casefold():
            app.filtering.refilter()
        app.live.show_status()

    # -- fixing a moved link ------------------------------------------------------------------

    def moved_of_current(self) -> list[tuple[str, str]]:
        from app.core.link_health import moved_links

        entry = self.app.current_entry
        return [] if entry is None else moved_links(entry, self.known)

    def commands(self) -> list[SystemCommand]:
        """The palette's "Fix moved link" for the current entry, when one of its links moved."""
        from functools import partial

        from textual.app import SystemCommand

        if self.app.current_entry is None:
            return []
        commands = [
            SystemCommand(
                f"Open {role} link",
                f"key: {key}: the entry's first {role} link",
                partial(self.open_role, role),
            )
            for role, key in (("paper", "p"), ("code", "c"), ("blog", "b"))
        ]
        commands += [
            SystemCommand(
                "Fix moved link",
                f"Rewrite {old} to {new} in the index",
                self.fix_current,
            )
            for old, new in self.moved_of_current()[:1]
        ]
        return commands

    def fix_current(self) -> None:
        entry = self.app.current_entry
        index = self.app.index
        pairs = self.moved_of_current()
        if entry is None or index is None or not pairs:
            self.app.notify("This entry has no link known to have moved")
            return
        self.fix(index, entry.key, dict(pairs))

    @thread_worker("fix-links")
    def fix(self, index: Index, key: str, pairs: dict[str, str]) -> LinksFixed:
        from app.core.fix_links import fix_moved

        result = fix_moved(index.path, {key: pairs}, known=index)
        return LinksFixed(result.index if result.changed else None, result.messages)

    def fixed(self, result: LinksFixed) -> None:
        for message in result.messages:
            self.app.notify(message)
        if result.index is not None:
            self.app.show_index(result.index)

    # -- p, c, b ------------------------------------------------------------------------------

    def open_role(self, role: str) -> None:
        entry = self.app.current_entry
        if entry is None:
            return
        for link in entry.web_links:
            if link_role(link.url, link.label) == role:
                self.app.outside.open_web(link.url)
                return
        self.app.notify(f"This entry has no {role} link")
