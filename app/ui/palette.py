"""Command palette providers for tags and themes.

Both candidate sets are small (a folder's tags, Textual's themes), so Textual's ``Matcher`` scores
them directly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from functools import partial
from typing import Protocol

from textual.command import Hit, Hits, Provider

from app.core.sanitize import inert_line


class TagBrowser(Protocol):
    """What the tag provider needs from the app."""

    @property
    def entry_tags(self) -> Mapping[str, tuple[str, ...]]: ...

    def filter_by_tag(self, tag: str) -> None: ...


def tag_counts(tags: Mapping[str, tuple[str, ...]]) -> list[tuple[str, int]]:
    """Each tag with how many entries carry it, most used first, then by name."""
    counts = Counter(tag for entry_tags in tags.values() for tag in entry_tags)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))


class TagsProvider(Provider):
    """Every tag of the notes' frontmatter; choosing one filters the tree by ``#tag``."""

    @property
    def _browser(self) -> TagBrowser:
        return self.app  # type: ignore[return-value]

    def _tags(self) -> list[tuple[str, int]]:
        return tag_counts(getattr(self.app, "entry_tags", {}))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for tag, count in self._tags():
            text = f"Tag: #{inert_line(tag)}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self._browser.filter_by_tag, tag),
                    text=text,
                    help=f"{count} entries" if count != 1 else "1 entry",
                )


class ThemesProvider(Provider):
    """Every Textual theme by name, in the main palette; the choice is remembered on quit."""

    def _set_theme(self, name: str) -> None:
        self.app.theme = name

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name in sorted(self.app.available_themes):
            text = f"Theme: {name}"
            score = matcher.match(text)
            if score > 0:
                current = " (current)" if name == self.app.theme else ""
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self._set_theme, name),
                    text=text,
                    help=f"Switch to the {name} theme{current}",
                )
