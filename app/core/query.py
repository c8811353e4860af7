"""The live filter: status plus words over precomputed lower-cased haystacks.

Plain substring tests over ``Entry.haystack`` keep a keystroke over 50,000 entries in the
milliseconds; fuzzy scoring is for the command palette's small candidate sets only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.model import Entry, Index, Status

if TYPE_CHECKING:
    from app.core.link_health import Health
    from app.core.word_index import WordIndex


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


class _TagText:
    """Each entry's tags folded and joined, for the tags mapping last filtered with (the app's,
    replaced when the notes' tags are read again): a keystroke then tests one string per tagged
    entry instead of folding every tag of every entry that failed on its title."""

    def __init__(self) -> None:
        self._source: Mapping[str, tuple[str, ...]] | None = None
        self._text: dict[str, str] = {}

    def holding(self, word: str, lookup: Mapping[str, tuple[str, ...]]) -> set[str]:
        """The keys of the entries with a tag holding ``word`` (a word holds no whitespace, so
        it never spans the separator)."""
        if not lookup:
            return set()
        if lookup is not self._source:
            self._source = lookup
            self._text = {
                key: "\x1f".join(tag.casefold() for tag in tags) for key, tags in lookup.items()
            }
        return {key for key, text in self._text.items() if word in text}


_TAG_TEXT = _TagText()


def narrows(previous: Query, query: Query) -> bool:
    """Whether only entries matching ``previous`` can match ``query``: the reader typed on.

    Every word of ``previous`` is then part of a word of ``query``, so an entry failing one
    fails the other. Not with ``#``: ``#`` alone is a plain word, ``#x`` asks the tags only.
    """
    return (
        query.status == previous.status
        and query.text.startswith(previous.text)
        and "#" not in query.text
        and "is:" not in query.text.casefold()
    )


def filter_entries(
    index: Index,
    query: Query,
    tags: Mapping[str, tuple[str, ...]] | None = None,
    *,
    within: Sequence[Entry] | None = None,
    health: Mapping[str, Health] | None = None,
    words: WordIndex | None = None,
) -> list[Entry]:
    """Entries matching ``query``, in document order.

    ``within``: the entries of ``index`` that matched a query this one ``narrows``; only those
    are tested (each keystroke of a growing filter tests fewer). ``health``: the links' last
    known health, for ``is:dead``, ``is:moved`` and ``is:unreachable``. ``words``: the index's
    words (built for ``index`` and ``tags``), which answer plain words without testing every
    entry; the answer is the same.
    """
    if "is:" in query.text.casefold():
        return _by_health(index, query, tags, within, health, words)
    return _filter(index, query, tags, within, words)


def _by_health(
    index: Index,
    query: Query,
    tags: Mapping[str, tuple[str, ...]] | None,
    within: Sequence[Entry] | None,
    health: Mapping[str, Health] | None,
    words: WordIndex | None,
) -> list[Entry]:
    """``is:dead`` and its kind: the other words filter, then the links' health."""
    from app.core.link_health import FILTER_WORDS, entry_has  # the first screen needs neither

    kinds = [FILTER_WORDS[word] for word in query.words if word in FILTER_WORDS]
    if kinds:
        rest = " ".join(word for word in query.words if word not in FILTER_WORDS)
        found = filter_entries(index, Query(rest, query.status), tags, within=within, words=words)
        known = health or {}
        return [e for e in found if all(entry_has(e, kind, known) for kind in kinds)]
    return _filter(index, query, tags, within, words)


def _holding_all(by_words: WordIndex, words: tuple[str, ...]) -> list[Entry] | None:
    """The entries holding every word (in their haystack or their tags), from the index's
    words; None when a word is held by too many rare words for that to be faster."""
    mask: int | None = None
    for word in words:
        bits = by_words.holding(word)
        if bits is None:
            return None
        mask = bits if mask is None else mask & bits
    return by_words.entries(mask or 0)


def _filter(
    index: Index,
    query: Query,
    tags: Mapping[str, tuple[str, ...]] | None,
    within: Sequence[Entry] | None,
    by_words: WordIndex | None = None,
) -> list[Entry]:
    if not query.active:
        return list(index.entries)
    words = query.words
    status = query.status
    lookup = tags or {}
    plain = not any(word.startswith("#") for word in words)
    source = index.entries if within is None else within
    if plain and words and status is None:  # what typing in the filter asks
        if by_words is not None and by_words.serves(index, tags):
            found = _holding_all(by_words, words)
            if found is not None:  # over the whole index: what ``within`` would have given
                return found
        if len(words) == 1:
            (word,) = words
            tagged = _TAG_TEXT.holding(word, lookup)
            if not tagged:
                return [e for e in source if word in e.haystack]
            return [e for e in source if word in e.haystack or e.key in tagged]
        return [
            e
            for e in source
            if all(word in e.haystack for word in words)
            or (e.key in lookup and _words_match(words, e.haystack, lookup[e.key]))
        ]
    out: list[Entry] = []
    for entry in source:
        if status is not None and entry.status is not status:
            continue
        if words:
            haystack = entry.haystack
            if plain:  # inline, the common case: plain words, most entries without tags
                for word in words:
                    if word not in haystack:
                        break
                else:
                    out.append(entry)
                    continue
                entry_tags = lookup.get(entry.key)
                if not entry_tags or not _words_match(words, haystack, entry_tags):
                    continue
            elif not _words_match(words, haystack, lookup.get(entry.key, ())):
                continue
        out.append(entry)
    return out
