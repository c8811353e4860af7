"""What a filter lets through, counted per category without a pass over the entries.

Entries are numbered in document order, and a category's entries (its own, then its
sub-categories') hold one run of those numbers: headings nest as they come. The matches of a
filter come in document order too, so how many of them a category holds is the difference of
two bisections of their numbers. A keystroke then costs what the categories on screen cost,
not what the whole index costs, and TODO counts are only taken for the labels painted.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, is_

from app.core.model import Category, Entry, Index, Status

Span = tuple[int, int, int]  # first position, end of its own entries, end of its sub-categories'


@dataclass(frozen=True, slots=True)
class Counts:
    total: int
    todo: int


def category_spans(index: Index) -> dict[int, Span] | None:
    """Each category's run of entry positions, by the category's ``id`` (two headings of the
    same name under the same parent share a key, not their entries); None if the index is not
    laid out so (then ``Shown`` counts the way that needs no order)."""
    spans: dict[int, Span] = {}

    def walk(category: Category, start: int) -> int | None:
        own = category.entries
        if own and (own[0].position != start or own[-1].position != start + len(own) - 1):
            return None
        end = start + len(own)
        for child in category.children:
            after = walk(child, end)
            if after is None:
                return None
            end = after
        spans[id(category)] = (start, start + len(own), end)
        return end

    end = walk(index.tree, 0)
    if end != len(index.entries) or any(
        entry.position != number for number, entry in _ends(index.entries)
    ):
        return None
    return spans


def _ends(entries: list[Entry]) -> Iterable[tuple[int, Entry]]:
    """The first and last entries with their list positions (the rest follow from the runs)."""
    if entries:
        yield 0, entries[0]
        yield len(entries) - 1, entries[-1]


class Runs:
    """What ``Shown`` needs of an index, made once per index (a filter keystroke makes a new
    ``Shown``): each category's run of positions (None: counted without them), and which
    entries are TODO (taken when a filtered TODO count is first asked for).

    It also names each category uniquely (``uid``) and says which categories hold an item:
    two headings of one name under one parent share a key and a path, so neither tells them
    apart."""

    def __init__(self, index: Index, spans: dict[int, Span] | None) -> None:
        self.index = index
        self.spans = spans
        self._flags: bytes | None = None
        self._categories: list[Category] | None = None
        self._uids: dict[int, str] | None = None
        self._by_uid: dict[str, Category] = {}
        self._parents: dict[int, Category] = {}

    @classmethod
    def of(cls, index: Index) -> Runs:
        return cls(index, category_spans(index))

    @property
    def categories(self) -> list[Category]:
        """Every category but the root, in document order."""
        if self._categories is None:
            self._categories = self.index.tree.walk()[1:]
        return self._categories

    def uid(self, category: Category) -> str:
        """The category's key, and for a later heading of the same key ``key\\x1eN`` (N its
        occurrence): as lasting across saves as the key, and unique."""
        return self._named()[0].get(id(category), category.key)

    def category(self, uid: str) -> Category | None:
        """The category named ``uid`` (see ``uid``)."""
        return self._named()[1].get(uid)

    def holders(self, item: Category | Entry) -> list[Category]:
        """The categories holding ``item``, outermost first, neither the root nor ``item``."""
        if isinstance(item, Category):
            parents = self._named()[2]
            chain: list[Category] = []
            parent = parents.get(id(item))
            while parent is not None and parent is not self.index.tree:
                chain.append(parent)
                parent = parents.get(id(parent))
            return chain[::-1]
        return self._entry_holders(item)

    def _entry_holders(self, entry: Entry) -> list[Category]:
        spans = self.spans
        chain: list[Category] = []
        if spans is None:  # by path: of headings of one name, the first
            for depth in range(1, len(entry.category) + 1):
                key = "\x1f".join(entry.category[:depth])
                found = self.category(key)
                if found is None:
                    break
                chain.append(found)
            return chain
        node, position = self.index.tree, entry.position
        while not spans[id(node)][0] <= position < spans[id(node)][1]:
            inner = next(
                (c for c in node.children if spans[id(c)][0] <= position < spans[id(c)][2]), None
            )
            if inner is None:
                break
            chain.append(inner)
            node = inner
        return chain

    def _named(self) -> tuple[dict[int, str], dict[str, Category], dict[int, Category]]:
        if self._uids is None:
            uids: dict[int, str] = {}
            seen: dict[str, int] = {}
            for category in self.categories:
                occurrence = seen.get(category.key, 0)
                seen[category.key] = occurrence + 1
                uid = category.key if not occurrence else f"{category.key}\x1e{occurrence}"
                uids[id(category)] = uid
                self._by_uid[uid] = category
            for category in [self.index.tree, *self.categories]:
                for child in category.children:
                    self._parents[id(child)] = category
            self._uids = uids
        return self._uids, self._by_uid, self._parents

    @property
    def todo_flags(self) -> bytes:
        """One byte per entry, by position: 1 for TODO."""
        if self._flags is None:
            statuses = map(_STATUS, self.index.entries)
            self._flags = bytes(map(is_, statuses, repeat(Status.TODO)))
        return self._flags


class Shown:
    """The entries a filter shows (``matches``, in document order; None: every entry)."""

    def __init__(self, runs: Runs, matches: list[Entry] | None) -> None:
        self.index = runs.index
        self.matches = matches
        self._runs = runs
        self._spans = spans = runs.spans
        self._todo: dict[int, int] = {}  # by the category's id
        self._counted: dict[str, Counts] | None = None  # without spans: counted up front
        self._members: set[int] | None = None
        if matches is not None and spans is None:
            self._counted = count_by_category(matches)

    @property
    def filtering(self) -> bool:
        return self.matches is not None

    def total(self, category: Category) -> int:
        if self.matches is None:
            return category.total
        if self._counted is not None:
            return self._counted.get(category.key, _NONE).total
        start, _, end = self._span(category)
        return self._at(end) - self._at(start)

    def counts(self, category: Category) -> Counts:
        if self.matches is None:
            return Counts(category.total, category.todo)
        if self._counted is not None:
            return self._counted.get(category.key, _NONE)
        return Counts(self.total(category), self._todo_in(category))

    def own(self, category: Category) -> list[Entry]:
        """The category's own entries that are shown, in order."""
        matches = self.matches
        if matches is None:
            return category.entries
        if self._counted is not None:
            return [entry for entry in category.entries if self.contains(entry)]
        start, own_end, _ = self._span(category)
        return matches[self._at(start) : self._at(own_end)]

    def own_total(self, category: Category) -> int:
        if self.matches is None:
            return len(category.entries)
        if self._counted is not None:
            return len(self.own(category))
        start, own_end, _ = self._span(category)
        return self._at(own_end) - self._at(start)

    def within(self, category: Category) -> list[Entry]:
        """Its entries and its sub-categories' that are shown, in document order."""
        matches = self.matches
        if matches is None:
            return category.all_entries()
        if self._counted is not None:
            return [entry for entry in category.all_entries() if self.contains(entry)]
        start, _, end = self._span(category)
        return matches[self._at(start) : self._at(end)]

    def contains(self, entry: Entry) -> bool:
        matches = self.matches
        if matches is None:
            return True
        if self._counted is not None:
            if self._members is None:
                self._members = set(map(id, matches))
            return id(entry) in self._members
        at = self._at(entry.position)
        return at < len(matches) and matches[at] is entry

    def _at(self, position: int) -> int:
        """Where ``position`` is, or would go, among the matches: bisected by each match's
        position (``key``) rather than over a list of the positions, which cost 1.5 ms a
        keystroke to make at 50,000 matches, far more than the bisections."""
        assert self.matches is not None
        return bisect_left(self.matches, position, key=_POSITION)

    def _span(self, category: Category) -> Span:
        assert self._spans is not None
        span = self._spans.get(id(category))
        if span is None:  # a category of another model of the index: the one with its key
            twin = next((c for c in self._runs.categories if c.key == category.key), None)
            span = self._spans.get(id(twin), (0, 0, 0))
        return span

    def _todo_in(self, category: Category) -> int:
        known = self._todo.get(id(category))
        if known is not None:
            return known
        flags = self._runs.todo_flags
        within = self.within(category)
        count = sum(map(flags.__getitem__, map(_POSITION, within))) if within else 0
        self._todo[id(category)] = count
        return count


_NONE = Counts(0, 0)
_CATEGORY, _STATUS, _POSITION = attrgetter("category"), attrgetter("status"), attrgetter("position")


def count_by_category(entries: Iterable[Entry]) -> dict[str, Counts]:
    """Counts for every category key, each entry counted in all of its ancestors (the way that
    needs no order: one pass over the entries)."""
    totals: dict[str, list[int]] = {}
    for path, (total, todo) in _own_counts(entries).items():
        for depth in range(len(path) + 1):
            key = "\x1f".join(path[:depth])
            slot = totals.get(key)
            if slot is None:
                totals[key] = [total, todo]
            else:
                slot[0] += total
                slot[1] += todo
    return {key: Counts(total, todo) for key, (total, todo) in totals.items()}


def _own_counts(entries: Iterable[Entry]) -> dict[tuple[str, ...], list[int]]:
    """Entries and TODO entries per category path (not its ancestors)."""
    # Counted in C (``Counter`` over ``map``), keyed by the path's id: a category's entries share
    # one path tuple, and a tuple's hash is not cached.
    entries = entries if isinstance(entries, list) else list(entries)
    categories = list(map(_CATEGORY, entries))
    ids = list(map(id, categories))
    paths = dict(zip(ids, categories, strict=True))
    totals = Counter(ids)
    todos = Counter(compress(ids, map(is_, map(_STATUS, entries), repeat(Status.TODO))))
    merged: dict[tuple[str, ...], list[int]] = {}
    for ident, total in totals.items():
        slot = merged.setdefault(paths[ident], [0, 0])  # equal paths from different tuples
        slot[0] += total
        slot[1] += todos.get(ident, 0)
    return merged
