"""The tree's lines as plain data: what is open, the flat list of lines with their guides, and
where an item is among them.

Kept apart from the widget (no Textual here) so the rules of the reader's place read on their
own: what opens at first, what a filter opens and gives back, how a category's lines are
spliced in and out, and which line an item is on after the lines were made again.
"""

from __future__ import annotations

from functools import partial
from itertools import repeat
from typing import NamedTuple

from app.core.model import Category, Entry, Index
from app.core.shown import Counts, Runs, Shown

__all__ = ["EXPAND_ALL_LIMIT", "FILTER_LEAF_BUDGET", "Item", "Line", "TreeLines"]

Item = Category | Entry

EXPAND_ALL_LIMIT = 200  # at most this many entries: every category starts expanded
FIRST_LEVEL_LEAF_BUDGET = 2_000  # bigger: first-level categories open until this many leaves
# A filter opens the categories holding matches, in document order, while they add at most this
# many leaves (about ten screens); the rest stay closed with their counts, and open on demand.
FILTER_LEAF_BUDGET = 300
BRANCH, LAST_BRANCH, PASS, BLANK = "├ ", "└ ", "│ ", "  "


class Line(NamedTuple):
    """One line of the tree: the item, the guides drawn before it, the guides its children get."""

    item: Item
    guide: str
    inner: str


# A Line from an (item, guide, inner) tuple, made in C: a filter keystroke at 50,000 entries
# makes about 900 entry lines, and ``Line(...)`` runs its __new__ in Python (about 1 µs each).
_new_line = partial(tuple.__new__, Line)


class TreeLines:
    """The lines of an index as filtered, for what is open only."""

    def __init__(self) -> None:
        self.index: Index | None = None
        self.matches: list[Entry] | None = None  # the entries that pass the filter, as shown
        self.shown: Shown | None = None
        self._runs: Runs | None = None
        self.filtering = False
        # Open categories by ``Runs.uid``: the key, but unique, so of two headings of one name
        # only the one opened is open (and stays so across saves and sessions).
        self._expanded: set[str] = set()
        self._expanded_before_filter: set[str] = set()
        self.lines: list[Line] = []
        # The cursor's line, where its category's lines end, and their depth: which lines get
        # the cursor's guide colour (see ``guides_selected_from``); dropped when the lines change.
        self._cursor_block: tuple[int, int, int] | None = None

    # -- what is asked ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.lines)

    def item_at(self, line: int) -> Item | None:
        return self.lines[line].item if 0 <= line < len(self.lines) else None

    def counts_for(self, category: Category) -> Counts:
        return self.shown.counts(category) if self.shown is not None else Counts(0, 0)

    def visible_entries(self, category: Category) -> list[Entry]:
        return self.shown.within(category) if self.shown is not None else []

    def expanded_keys(self) -> set[str]:
        return set(self._expanded)

    def remembered_expansion(self) -> set[str]:
        return set(self._expanded_before_filter) if self.filtering else self.expanded_keys()

    def is_open(self, category: Category) -> bool:
        return self.uid(category) in self._expanded

    def uid(self, category: Category) -> str:
        return self._runs.uid(category) if self._runs is not None else category.key

    def category(self, uid: str) -> Category | None:
        return self._runs.category(uid) if self._runs is not None else None

    def holders(self, item: Item) -> list[Category]:
        """The categories holding ``item``, outermost first."""
        return self._runs.holders(item) if self._runs is not None else []

    def first_shown_entry(self) -> Entry | None:
        """The first entry that passes the filter, in document order."""
        index, shown = self.index, self.shown
        if index is None or shown is None:
            return None
        entries = shown.matches if shown.matches is not None else index.entries
        return entries[0] if entries else None

    # -- making the lines ---------------------------------------------------------------------

    def shows(self, index: Index, matches: list[Entry] | None) -> bool:
        """Whether these lines already show ``index`` with ``matches``."""
        filtering = matches is not None
        return index is self.index and filtering == self.filtering and matches == self.matches

    def show(
        self,
        index: Index,
        matches: list[Entry] | None,
        *,
        cursor: Item | None,
        restored: set[str] | None,
    ) -> None:
        """Make the lines of ``index`` with only ``matches`` (None: no filter).

        What is open: at first, ``restored`` (remembered) or what ``initial_expansion`` opens;
        while filtering, the categories holding matches; when the filter goes, what was open
        before it, and the categories holding the ``cursor``.
        """
        filtering = matches is not None
        if self.index is None:
            expanded = self._initial_expansion(index) if restored is None else set(restored)
            if filtering:
                self._expanded_before_filter = expanded
        elif filtering:
            if not self.filtering:
                self._expanded_before_filter = set(self._expanded)
            expanded = set()  # below: the categories holding matches
        elif self.filtering:
            expanded = self._expanded_before_filter | self._holder_uids(cursor)
        else:
            expanded = set(self._expanded)
        self.index = index
        self.matches = matches
        self.filtering = filtering
        shown = self.shown = Shown(self._runs_of(index), matches)
        if filtering:
            expanded = self._matching_categories(index, shown)
        self._expanded = expanded
        self.lines = self._lines_of(index.tree, "", top=True)
        self._cursor_block = None

    def _runs_of(self, index: Index) -> Runs:
        if self._runs is None or self._runs.index is not index:
            self._runs = Runs.of(index)
        return self._runs

    def _holder_uids(self, item: Item | None) -> set[str]:
        """The categories holding ``item`` (of the index now shown), by ``uid``."""
        if item is None or self._runs is None:
            return set()
        return {self._runs.uid(holder) for holder in self._runs.holders(item)}

    def _initial_expansion(self, index: Index) -> set[str]:
        """Everything for a small index; else the first level, while it adds few leaves."""
        runs = self._runs_of(index)
        if len(index.entries) <= EXPAND_ALL_LIMIT:
            return {runs.uid(c) for c in runs.categories}
        expanded: set[str] = set()
        leaves = 0
        for category in index.tree.children:
            leaves += len(category.entries)
            if leaves > FIRST_LEVEL_LEAF_BUDGET:
                break
            expanded.add(runs.uid(category))
        return expanded

    def _matching_categories(self, index: Index, shown: Shown) -> set[str]:
        """Categories holding matches, in document order, while they add few enough leaves."""
        runs = self._runs_of(index)
        expanded: set[str] = set()
        leaves = 0
        for category in runs.categories:
            if shown.total(category):
                leaves += shown.own_total(category)
                if leaves > FILTER_LEAF_BUDGET:
                    break
                expanded.add(runs.uid(category))
        return expanded

    def _lines_of(self, category: Category, inner: str, *, top: bool = False) -> list[Line]:
        """The lines below an expanded category: its own entries, then its sub-categories."""
        shown = self.shown
        assert shown is not None
        entries = shown.own(category)
        children = category.children
        if shown.filtering:
            children = [child for child in children if shown.total(child)]
        if top:
            branch = last = inner
        else:
            branch, last = inner + BRANCH, inner + LAST_BRANCH
        lines = list(map(_new_line, zip(entries, repeat(branch), repeat(""))))
        if lines and not children:
            lines[-1] = Line(entries[-1], last, "")
        expanded, uid = self._expanded, self.uid
        for number, child in enumerate(children, 1):
            final = number == len(children)
            deeper = inner if top else inner + (BLANK if final else PASS)
            lines.append(Line(child, last if final else branch, deeper))
            if uid(child) in expanded:
                lines.extend(self._lines_of(child, deeper))
        return lines

    # -- opening and closing ------------------------------------------------------------------

    def expand(self, line: int) -> int | None:
        """Open the category on ``line``: the number of lines added below it, None if it is no
        closed category."""
        item = self.item_at(line)
        if not isinstance(item, Category) or self.is_open(item):
            return None
        self._expanded.add(self.uid(item))
        below = self._lines_of(item, self.lines[line].inner)
        self.lines[line + 1 : line + 1] = below
        self._cursor_block = None
        return len(below)

    def collapse(self, line: int) -> int | None:
        """Close the category on ``line``: minus the number of lines taken away below it, None
        if it is no open category."""
        item = self.item_at(line)
        if not isinstance(item, Category) or not self.is_open(item):
            return None
        self._expanded.discard(self.uid(item))
        end = self.block_end(line)
        del self.lines[line + 1 : end]
        self._cursor_block = None
        return line + 1 - end

    def block_end(self, line: int) -> int:
        """Where the lines below ``line`` (deeper than it) end."""
        lines = self.lines
        depth = len(lines[line].guide)
        end = line + 1
        while end < len(lines) and len(lines[end].guide) > depth:
            end += 1
        return end

    def guides_selected_from(self, cursor: int, line: int) -> int:
        """Below the category on line ``cursor``, where the guides of ``line`` drawn in its
        colour begin (as ``Tree`` draws them); -1 elsewhere."""
        lines = self.lines
        if line <= cursor or cursor < 0 or not isinstance(lines[cursor].item, Category):
            return -1
        block = self._cursor_block
        if block is None or block[0] != cursor:
            # The category's lines run on from it: found once per cursor, not per line painted.
            block = self._cursor_block = (cursor, self.block_end(cursor), len(lines[cursor].guide))
        return block[2] if line < block[1] else -1

    # -- finding an item ----------------------------------------------------------------------

    def line_of(self, key: str, kind: type[Item]) -> int | None:
        for number, line in enumerate(self.lines):
            item = line.item
            if isinstance(item, kind) and item.key == key:
                return number
        return None

    def line_of_item(self, item: Item) -> int | None:
        for number, line in enumerate(self.lines):
            if line.item is item:
                return number
        return None

    def neighbour_of(self, old: Entry) -> Entry | None:
        """The entry shown closest to where ``old`` was in its category: the next, else the
        one before."""
        index, shown = self.index, self.shown
        if index is None or shown is None:
            return None
        categories = [index.tree, *self._runs_of(index).categories]
        category = next((c for c in categories if c.path == old.category), None)
        if category is None:
            return None
        candidates = shown.own(category)
        after = [e for e in candidates if e.position >= old.position]
        before = [e for e in candidates if e.position < old.position]
        return after[0] if after else (before[-1] if before else None)

    def same_category_line(self, old: Category) -> int | None:
        """The line of the category ``old`` was: of two headings of one name, the one whose
        heading is nearer in the file."""
        candidates = [
            (abs(item.line - old.line), number)
            for number, (item, _, _) in enumerate(self.lines)
            if isinstance(item, Category) and item.key == old.key
        ]
        return min(candidates)[1] if candidates else None

    def nearest_category_line(self, path: tuple[str, ...]) -> int | None:
        for depth in range(len(path), 0, -1):
            line = self.line_of("\x1f".join(path[:depth]), Category)
            if line is not None:
                return line
        return None
