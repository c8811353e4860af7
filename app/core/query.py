"""The live filter: status plus words over precomputed lower-cased haystacks.

Plain substring tests over ``Entry.haystack`` keep a keystroke over 50,000 entries in the
milliseconds; fuzzy scoring is for the command palette's small candidate sets only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.core.model import Entry, Index, Status


@dataclass(frozen=True, slots=True)
class Query:
    text: str = ""
    status: Status | None = None

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.casefold().split())

    @property
    def active(self) -> bool:
        return bool(self.words) or self.status is not None

    def matches(self, entry: Entry, tags: tuple[str, ...] = ()) -> bool:
        if self.status is not None and entry.status is not self.status:
            return False
        return _words_match(self.words, entry.haystack, tags)

    def describe(self) -> list[str]:
        """Short phrases for the status line: "TODO only", "filter: distill"."""
        parts: list[str] = []
        if self.status is Status.TODO:
            parts.append("TODO only")
        elif self.status is Status.DONE:
            parts.append("done only")
        if self.text.strip():
            parts.append(f"filter: {self.text.strip()}")
        return parts


def _words_match(words: tuple[str, ...], haystack: str, tags: tuple[str, ...]) -> bool:
    for word in words:
        if word.startswith("#") and len(word) > 1:
            wanted = word[1:]
            if not any(wanted in tag.casefold() for tag in tags):
                return False
        elif word not in haystack and not any(word in tag.casefold() for tag in tags):
            return False
    return True


def filter_entries(
    index: Index, query: Query, tags: Mapping[str, tuple[str, ...]] | None = None
) -> list[Entry]:
    """Entries matching ``query``, in document order."""
    if not query.active:
        return list(index.entries)
    words = query.words
    status = query.status
    lookup = tags or {}
    out: list[Entry] = []
    for entry in index.entries:
        if status is not None and entry.status is not status:
            continue
        if words and not _words_match(words, entry.haystack, lookup.get(entry.key, ())):
            continue
        out.append(entry)
    return out
