"""Command palette: "go to entry", fuzzy over every title of the index.

Textual's ``Matcher`` costs ~0.5 s per query over 20,000 titles, so the titles are narrowed first
with plain string tests on lower-cased copies (substring, then in-order characters), capped, and
only those few candidates are scored and highlighted by the ``Matcher``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Protocol

from textual.command import Hit, Hits, Provider
from textual.screen import Screen
from textual.style import Style

from app.core.model import Entry, Index
from app.core.sanitize import inert_line
from app.render.preview import category_trail

CANDIDATE_LIMIT = 60


class EntryBrowser(Protocol):
    """What the provider needs from the app."""

    @property
    def index(self) -> Index | None: ...

    def go_to_entry(self, key: str) -> None: ...


def candidates(
    titles: list[str], entries: list[Entry], query: str, limit: int = CANDIDATE_LIMIT
) -> list[Entry]:
    """Entries whose lower-cased title holds the query, then those holding its characters in order.

    Substring hits come first in document order; the subsequence pass runs only when they leave
    room under ``limit``.
    """
    needle = query.casefold().strip()
    if not needle:
        return []
    found: list[Entry] = []
    seen: set[int] = set()
    for number, title in enumerate(titles):
        if needle in title:
            found.append(entries[number])
            seen.add(number)
            if len(found) >= limit:
                return found
    letters = [re.escape(char) for char in needle if not char.isspace()]
    pattern = re.compile(".*?".join(letters))
    for number, title in enumerate(titles):
        if number not in seen and pattern.search(title):
            found.append(entries[number])
            if len(found) >= limit:
                break
    return found


class GoToEntryProvider(Provider):
    """Every entry by title; choosing one moves the tree cursor there."""

    def __init__(self, screen: Screen[object], match_style: Style | None = None) -> None:
        super().__init__(screen, match_style)
        self._titles: list[str] = []
        self._entries: list[Entry] = []

    @property
    def _browser(self) -> EntryBrowser:
        return self.app  # type: ignore[return-value]

    async def startup(self) -> None:
        index = self._browser.index
        if index is not None:
            self._entries = index.entries
            self._titles = [inert_line(entry.title).casefold() for entry in index.entries]

    def _command(self, entry: Entry) -> Callable[[], None]:
        return partial(self._browser.go_to_entry, entry.key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in candidates(self._titles, self._entries, query):
            title = inert_line(entry.title)
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    self._command(entry),
                    text=title,
                    help=category_trail(entry.category) or None,
                )
