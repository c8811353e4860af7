"""The category/entry tree: lazy, filter-aware, and faithful to the user's place.

Only category nodes are built up front; a category's entries become nodes the first time it is
expanded (20,000 eager nodes block for over a second, 200 categories take milliseconds). Every
rebuild is a ``clear()`` and a fresh build (``remove_children()`` is quadratic); the cursor is then
put back on the same entry by its key and the same categories are expanded again by their keys.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, is_, is_not
from typing import ClassVar

from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from app.core.model import Category, Entry, Index, Status
from app.core.sanitize import inert_line

Item = Category | Entry
Node = TreeNode[Item]

EXPAND_ALL_LIMIT = 200  # at most this many entries: every category starts expanded
FIRST_LEVEL_LEAF_BUDGET = 2_000  # bigger: first-level categories open until this many leaves
# A filter opens the categories holding matches, in document order, while they add at most this
# many leaves (about ten screens); the rest stay closed with their counts, and open on demand.
# Each leaf is a line Textual lays out again per keystroke: 5,000 cost ~100 ms a key at 10k.
FILTER_LEAF_BUDGET = 300
TODO_MARK = "○ "
DONE_MARK = "✓ "


@dataclass(frozen=True, slots=True)
class Counts:
    total: int
    todo: int


_TODO_STYLE = Style(color="yellow", bold=True)
_DONE_STYLE = Style(color="green")


def entry_label(entry: Entry) -> Text:
    # Built directly rather than with ``Text.assemble``: labels for 50,000 entries add up.
    todo = entry.status is Status.TODO
    mark, style = (TODO_MARK, _TODO_STYLE) if todo else (DONE_MARK, _DONE_STYLE)
    return Text(mark + inert_line(entry.title), spans=[Span(0, len(mark), style)], end="")


_BOLD, _DIM, _YELLOW = Style(bold=True), Style(dim=True), Style(color="yellow")


def category_label(category: Category, counts: Counts) -> Text:
    # Built directly, as entry labels are: a filter keystroke relabels hundreds of categories.
    title = inert_line(category.title)
    total = f"  {counts.total}"
    end = len(title) + len(total)
    spans = [Span(0, len(title), _BOLD), Span(len(title), end, _DIM)]
    if not counts.todo:
        return Text(title + total, spans=spans, end="")
    todo = f" · {counts.todo} TODO"
    spans.append(Span(end, end + len(todo), _YELLOW))
    return Text(title + total + todo, spans=spans, end="")


def count_by_category(
    entries: Iterable[Entry], own: dict[tuple[str, ...], list[int]] | None = None
) -> dict[str, Counts]:
    """Counts for every category key, each entry counted in all of its ancestors.

    ``own``: the entries' ``_own_counts``, when the caller has them already.
    """
    # Counted per category first, then added up the ancestors: one dict lookup per entry.
    totals: dict[str, list[int]] = {}
    for path, (total, todo) in (_own_counts(entries) if own is None else own).items():
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
    # one path tuple, and a tuple's hash is not cached. This runs on every filter keystroke.
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


_CATEGORY, _STATUS = attrgetter("category"), attrgetter("status")


class IndexTree(Tree[Item]):
    """Categories nested as in the index, entries as leaves, counts as currently filtered."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="tree.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="tree.up"),
        Binding(
            "left,h", "collapse_or_parent", "Collapse / to category", show=False, id="tree.left"
        ),
        Binding("right,l", "expand_category", "Expand", show=False, id="tree.right"),
        Binding("enter", "activate", "Open", id="tree.enter"),
        Binding("escape", "app.clear_text_filter", "Clear filter", show=False, id="tree.escape"),
    ]

    class EntryActivated(Message):
        """Enter on an entry: the reader wants to read it."""

        def __init__(self, entry: Entry) -> None:
            self.entry = entry
            super().__init__()

    async def on_key(self, event: events.Key) -> None:
        """Let fast typing after ``/`` reach the filter.

        Keys that arrive in one burst ("/dist") are all queued here before a binding runs, so the
        filter key is acted on at once and the keys queued behind it are passed on to the filter.
        """
        focused = self.screen.focused
        if focused is not self and isinstance(focused, Input) and event.is_printable:
            focused.insert_text_at_cursor(event.character or "")
        elif focused is self and _bound_action(self, event.key) == "focus_filter":
            await self.run_action("app.focus_filter")
        else:
            return
        event.prevent_default()
        event.stop()

    on_cursor: Callable[[Item | None], None] | None = None
    """Told at once when the reader moves the cursor (``NodeHighlighted`` comes later)."""
    _building = False  # class-level: the base class moves the cursor during ``__init__``

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("index"), id=id)
        self.show_root = False
        self.guide_depth = 2
        self._index: Index | None = None
        self._visible: set[str] | None = None  # entry keys that pass the filter; None: all
        self._matches: list[Entry] | None = None  # the entries that pass it, as last shown
        self._counts: dict[str, Counts] = {}
        self._filtering = False
        self._expanded_before_filter: set[str] = set()
        self._filled: set[str] = set()
        self._category_nodes: dict[str, Node] = {}
        self._entry_nodes: dict[str, Node] = {}
        self._labels: dict[Entry, Text] = {}
        self.restored_expansion: set[str] | None = None  # remembered: used by the first build

    # -- what the rest of the app asks --------------------------------------------------------

    @property
    def cursor_item(self) -> Item | None:
        node = self.cursor_node
        return node.data if node is not None else None

    @property
    def cursor_entry(self) -> Entry | None:
        item = self.cursor_item
        return item if isinstance(item, Entry) else None

    def counts_for(self, category: Category) -> Counts:
        return self._counts.get(category.key, Counts(0, 0))

    def visible_entries(self, category: Category) -> list[Entry]:
        """The category's entries (and its sub-categories') as currently filtered."""
        return [e for e in category.all_entries() if self._is_visible(e)]

    def expanded_keys(self) -> set[str]:
        return {key for key, node in self._category_nodes.items() if node.is_expanded}

    def remembered_expansion(self) -> set[str]:
        """What to restore next time: while filtering, the expansion the filter will give back."""
        return set(self._expanded_before_filter) if self._filtering else self.expanded_keys()

    def process_label(self, label: str | Text) -> Text:
        """Labels are built here as one-line ``Text``; skip the base class's split and copy."""
        return label if isinstance(label, Text) else Text(label)

    def get_label_width(self, node: Node) -> int:
        """Measured without rendering the label: this runs for every line on each rebuild."""
        icon = len(self.ICON_NODE) if node.allow_expand else 0
        return node.label.cell_len + icon if isinstance(node.label, Text) else icon

    # -- building -------------------------------------------------------------------------------

    def show_index(self, index: Index, matches: list[Entry] | None) -> None:
        """Show ``index`` with only ``matches`` (None: no filter), keeping the reader's place."""
        self._building = True  # the cursor moves while the tree is rebuilt: no ``on_cursor``
        try:
            self._show_index(index, matches)
        finally:
            self._building = False

    def _show_index(self, index: Index, matches: list[Entry] | None) -> None:
        filtering = matches is not None
        if index is self._index and filtering == self._filtering and matches == self._matches:
            return  # a keystroke that changed no match: the tree on screen is already right
        self._matches = matches
        visible = None if matches is None else {e.key for e in matches}
        if self._can_update_in_place(index, filtering, visible, matches):
            self._update_in_place(index)
            return
        first = self._index is None
        old_item = self.cursor_item
        if first:
            restored = self.restored_expansion
            expanded = self._initial_expansion(index) if restored is None else set(restored)
            if filtering:
                self._expanded_before_filter = expanded
        elif filtering:
            if not self._filtering:
                self._expanded_before_filter = self.expanded_keys()
            expanded = set()  # below: every category holding a match
        elif self._filtering:
            expanded = self._expanded_before_filter | self._ancestors_of(old_item)
        else:
            expanded = self.expanded_keys()

        if index is not self._index:
            self._labels = {}
        self._index = index
        self._filtering = filtering
        self._visible = visible
        own = _own_counts(matches if matches is not None else index.entries)
        self._counts = count_by_category([], own)
        if filtering:
            expanded = self._matching_categories(index, own)
        self._rebuild(index, expanded)
        self._restore_cursor(index, old_item)

    def _can_update_in_place(
        self,
        index: Index,
        filtering: bool,
        visible: set[str] | None,
        matches: list[Entry] | None,
    ) -> bool:
        """Whether a rebuild would give the same nodes: only statuses changed (a mark).

        The same entries and categories in the same order, the same ones shown, the same
        categories open. Then only labels need redrawing, not the whole tree.
        """
        old = self._index
        if old is None or index is old or filtering != self._filtering or visible != self._visible:
            return False
        if len(old.entries) != len(index.entries) or not _same_categories(old, index):
            return False
        replaced = _replaced(old.entries, index.entries)
        if any(a.key != b.key or a.category != b.category for a, b in replaced):
            return False
        if filtering:  # a rebuild would open the categories holding matches again
            own = _own_counts(matches or [])
            opened = self._matching_categories(index, own, count_by_category([], own))
            return opened == self.expanded_keys()
        return True

    def _update_in_place(self, index: Index) -> None:
        """Point the nodes at the new model; relabel the entries whose status changed and the
        categories whose counts changed."""
        old = self._index
        assert old is not None
        counts = dict(self._counts)  # the same entries shown: only TODO counts can change
        widths_changed = False
        labels = dict(self._labels)
        for before, after in _replaced(old.entries, index.entries):
            label = labels.pop(before, None)
            if label is not None and before.status is after.status:
                labels[after] = label
            if before.status is not after.status and self._is_visible(after):
                _count_todo(counts, after.category, 1 if after.status is Status.TODO else -1)
            node = self._entry_nodes.get(after.key)
            if node is None:
                continue
            node.data = after
            if before.status is not after.status:
                label = labels[after] = entry_label(after)
                widths_changed |= self._relabel(node, label)
        for category in index.categories()[1:]:
            node = self._category_nodes.get(category.key)
            if node is None:
                continue
            node.data = category
            fresh = counts.get(category.key, Counts(0, 0))
            if fresh != self._counts.get(category.key, Counts(0, 0)):
                widths_changed |= self._relabel(node, category_label(category, fresh))
        self._index = index
        self._labels = labels
        self._counts = counts
        if widths_changed:  # the tree's width is that of its widest line
            self._invalidate()

    def _relabel(self, node: Node, label: Text) -> bool:
        """A node's new label, repainted alone; whether its width changed."""
        width = node.label.cell_len if isinstance(node.label, Text) else -1
        if node.is_expanded and node.children:
            # ``set_label`` counts as a change to every line below the node, and they would all
            # be rendered again: a mark relabels the categories above the entry, a whole screen.
            node._label = label
            self._repaint_line(node)
        else:
            node.set_label(label)
        return label.cell_len != width

    def _repaint_line(self, node: Node) -> None:
        """Render the node's own line again (its cached rendering is dropped) and repaint it."""
        self._line_count()  # node lines are computed lazily
        line = node.line
        if line < 0:
            return  # inside a collapsed category: rendered when it is shown
        cache = self._line_cache
        for key in [key for key in cache.keys() if key[0] == line]:  # noqa: SIM118 (no __iter__)
            cache.discard(key)
        self._refresh_line(line)

    def _initial_expansion(self, index: Index) -> set[str]:
        """Everything for a small index; else the first level, while it adds few leaves."""
        categories = index.categories()[1:]
        if len(index.entries) <= EXPAND_ALL_LIMIT:
            return {c.key for c in categories}
        expanded: set[str] = set()
        leaves = 0
        for category in index.tree.children:
            leaves += len(category.entries)
            if leaves > FIRST_LEVEL_LEAF_BUDGET:
                break
            expanded.add(category.key)
        return expanded

    def _matching_categories(
        self,
        index: Index,
        own_counts: dict[tuple[str, ...], list[int]],
        counts: dict[str, Counts] | None = None,
    ) -> set[str]:
        """Categories holding matches, in document order, while they add few enough leaves.

        ``own_counts``: the matches' ``_own_counts``.
        """
        counts = self._counts if counts is None else counts
        own = {"\x1f".join(path): total for path, (total, _) in own_counts.items()}
        expanded: set[str] = set()
        leaves = 0
        for category in index.categories()[1:]:
            if category.key in counts and counts[category.key].total:
                leaves += own.get(category.key, 0)
                if leaves > FILTER_LEAF_BUDGET:
                    break
                expanded.add(category.key)
        return expanded

    def _rebuild(self, index: Index, expanded: set[str]) -> None:
        self.clear()
        self._filled = set()
        self._category_nodes = {}
        self._entry_nodes = {}
        self._add_categories(self.root, index.tree, expanded)
        self._fill(self.root, invalidate=False)
        self._invalidate()

    def _add_categories(self, parent: Node, category: Category, expanded: set[str]) -> None:
        # Nodes are made and linked directly: ``add()`` re-lays out the tree per call, and a
        # filter keystroke at 10,000 entries rebuilds some 750 categories (~0.1 s that way).
        for child in category.children:
            counts = self.counts_for(child)
            if self._filtering and counts.total == 0:
                continue
            label = category_label(child, counts)
            node = self._add_node(parent, label, child, expand=child.key in expanded)
            parent._children.append(node)
            parent._updates += 1
            self._category_nodes[child.key] = node
            self._add_categories(node, child, expanded)
            if node.is_expanded:
                self._fill(node, invalidate=False)

    def _fill(self, node: Node, *, invalidate: bool = True) -> None:
        """Add the category's own entries as leaves, before its sub-categories."""
        category = node.data if node is not self.root else self._root_category()
        if not isinstance(category, Category) or category.key in self._filled:
            return
        self._filled.add(category.key)
        # ``add_leaf`` re-lays out the whole tree per call (10,000 leaves: ~0.6 s); build the
        # leaves and insert them in one go, then invalidate once.
        leaves: list[Node] = []
        for entry in category.entries:
            if self._is_visible(entry):
                leaf = self._add_node(node, self._label_of(entry), entry)
                leaf.allow_expand = False
                self._entry_nodes[entry.key] = leaf
                leaves.append(leaf)
        if leaves:
            node._children[0:0] = leaves
            node._updates += 1
            if invalidate:
                self._invalidate()

    def _label_of(self, entry: Entry) -> Text:
        """Labels are kept per parsed entry, so filter keystrokes rebuild without re-rendering."""
        label = self._labels.get(entry)
        if label is None:
            label = self._labels[entry] = entry_label(entry)
        return label

    def _root_category(self) -> Category | None:
        return self._index.tree if self._index is not None else None

    def _is_visible(self, entry: Entry) -> bool:
        return self._visible is None or entry.key in self._visible

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[Item]) -> None:
        self._fill(event.node)

    # -- the cursor -----------------------------------------------------------------------------

    def watch_cursor_line(self, previous_line: int, line: int) -> None:
        super().watch_cursor_line(previous_line, line)
        # ``NodeHighlighted`` bubbles to the app after the screen has painted the moved
        # highlight: a preview shown from it comes a frame or two later. Called here, a preview
        # the app already has is painted in the same frame as the highlight.
        if previous_line != line and not self._building and self.on_cursor is not None:
            node = self.cursor_node
            self.on_cursor(node.data if node is not None else None)

    def _restore_cursor(self, index: Index, old: Item | None) -> None:
        node: Node | None = None
        if isinstance(old, Entry):
            node = self._entry_nodes.get(old.key) or self._neighbour_of(index, old)
        elif isinstance(old, Category):
            node = self._nearest_category_node(old.path)
        self.unselect()  # the old cursor node belongs to the cleared tree
        if node is None:
            if self._line_count():
                self.cursor_line = 0
            return
        self._move_to(node)

    def _neighbour_of(self, index: Index, old: Entry) -> Node | None:
        """The visible entry closest to where ``old`` was, else its category."""
        category = next((c for c in index.categories() if c.path == old.category), None)
        if category is not None:
            candidates = [e for e in category.entries if self._is_visible(e)]
            after = [e for e in candidates if e.position >= old.position]
            before = [e for e in candidates if e.position < old.position]
            pick = after[0] if after else (before[-1] if before else None)
            if pick is not None and self.reveal_entry(pick.key, move=False):
                return self._entry_nodes.get(pick.key)
        return self._nearest_category_node(old.category)

    def _nearest_category_node(self, path: tuple[str, ...]) -> Node | None:
        for depth in range(len(path), 0, -1):
            node = self._category_nodes.get("\x1f".join(path[:depth]))
            if node is not None:
                return node
        return None

    def _ancestors_of(self, item: Item | None) -> set[str]:
        if isinstance(item, Entry):
            path = item.category
        elif isinstance(item, Category):
            path = item.path[:-1]
        else:
            return set()
        return {"\x1f".join(path[:depth]) for depth in range(1, len(path) + 1)}

    def _line_count(self) -> int:
        return len(self._tree_lines)

    def _move_to(self, node: Node) -> None:
        # Node lines are computed lazily; reading the lines builds them so ``node.line`` is right.
        self._line_count()
        self.move_cursor(node)

    def reveal_entry(self, key: str, *, move: bool = True) -> bool:
        """Expand the entry's categories and (with ``move``) put the cursor on it."""
        if self._index is None:
            return False
        entry = self._index.find(key)
        if entry is None or not self._is_visible(entry):
            return False
        for depth in range(1, len(entry.category) + 1):
            node = self._category_nodes.get("\x1f".join(entry.category[:depth]))
            if node is None:
                return False
            self._fill(node)
            if not node.is_expanded:
                node.expand()
        leaf = self._entry_nodes.get(key)
        if leaf is None:
            return False
        if move:
            self._move_to(leaf)
        return True

    def reveal_category(self, key: str) -> bool:
        node = self._category_nodes.get(key)
        if node is None:
            return False
        parent = node.parent
        while parent is not None and parent is not self.root:
            parent.expand()
            parent = parent.parent
        self._move_to(node)
        return True

    def first_entry(self) -> bool:
        """Move to the first visible entry in document order."""
        if self._index is None:
            return False
        first = next((e for e in self._index.entries if self._is_visible(e)), None)
        return first is not None and self.reveal_entry(first.key)

    # -- actions --------------------------------------------------------------------------------

    def action_collapse_or_parent(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if isinstance(node.data, Category) and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self._move_to(node.parent)

    def action_expand_category(self) -> None:
        node = self.cursor_node
        if node is not None and isinstance(node.data, Category) and not node.is_expanded:
            self._fill(node)
            node.expand()

    def action_activate(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if isinstance(node.data, Category):
            self._fill(node)
            node.toggle()
        elif isinstance(node.data, Entry):
            self.post_message(self.EntryActivated(node.data))


def _count_todo(counts: dict[str, Counts], path: tuple[str, ...], change: int) -> None:
    """One TODO more (or fewer) in the category at ``path`` and in each of its ancestors."""
    for depth in range(len(path) + 1):
        key = "\x1f".join(path[:depth])
        known = counts.get(key)
        if known is not None:
            counts[key] = Counts(known.total, known.todo + change)


def _replaced(old: list[Entry], new: list[Entry]) -> Iterator[tuple[Entry, Entry]]:
    """The pairs of entries at the same position that are not the same object (compared in C:
    after a mark, which re-parses one chunk, all but a few are)."""
    return compress(zip(old, new, strict=True), map(is_not, old, new))


def _same_categories(old: Index, new: Index) -> bool:
    """The same headings, nested the same way, in the same order."""
    return [c.path for c in old.categories()] == [c.path for c in new.categories()]


def _bound_action(widget: Tree[Item], key: str) -> str | None:
    active = widget.app.active_bindings.get(key)
    return active.binding.action if active is not None else None
