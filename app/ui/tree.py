"""The category/entry tree: lazy, filter-aware, and faithful to the user's place.

Drawn with Textual's line API rather than with ``textual.widgets.Tree``: the tree on screen is a
flat list of lines (an item and the guides drawn before it) made from the model, for what is
expanded only, and a line is rendered when it is painted. A filter keystroke at 10,000 entries
makes a few hundred such lines and renders the thirty on screen; ``Tree`` made a node per line,
measured every label and rendered its lines again (about 20 ms a key). Counts come from
``Shown``, which bisects the matches' positions instead of counting every entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from app.core.model import Category, Entry, Index, Status
from app.core.sanitize import inert_line
from app.core.shown import Counts, Runs, Shown
from app.ui.scrolling import set_virtual_size

__all__ = ["EXPAND_ALL_LIMIT", "FILTER_LEAF_BUDGET", "Counts", "IndexTree", "Item"]

Item = Category | Entry

EXPAND_ALL_LIMIT = 200  # at most this many entries: every category starts expanded
FIRST_LEVEL_LEAF_BUDGET = 2_000  # bigger: first-level categories open until this many leaves
# A filter opens the categories holding matches, in document order, while they add at most this
# many leaves (about ten screens); the rest stay closed with their counts, and open on demand.
FILTER_LEAF_BUDGET = 300
TODO_MARK = "○ "
DONE_MARK = "✓ "
EXPANDED_ICON, COLLAPSED_ICON = "▼ ", "▶ "
BRANCH, LAST_BRANCH, PASS, BLANK = "├ ", "└ ", "│ ", "  "
STRIP_CACHE_LIMIT = 1_000


class Line(NamedTuple):
    """One line of the tree: the item, the guides drawn before it, the guides its children get."""

    item: Item
    guide: str
    inner: str


_TODO_STYLE = Style(color="yellow", bold=True)
_DONE_STYLE = Style(color="green")


def entry_label(entry: Entry) -> Text:
    # Built directly rather than with ``Text.assemble``: labels for 50,000 entries add up.
    todo = entry.status is Status.TODO
    mark, style = (TODO_MARK, _TODO_STYLE) if todo else (DONE_MARK, _DONE_STYLE)
    return Text(mark + inert_line(entry.title), spans=[Span(0, len(mark), style)], end="")


_BOLD, _DIM, _YELLOW = Style(bold=True), Style(dim=True), Style(color="yellow")


def category_label(category: Category, counts: Counts) -> Text:
    title = inert_line(category.title)
    total = f"  {counts.total}"
    end = len(title) + len(total)
    spans = [Span(0, len(title), _BOLD), Span(len(title), end, _DIM)]
    if not counts.todo:
        return Text(title + total, spans=spans, end="")
    todo = f" · {counts.todo} TODO"
    spans.append(Span(end, end + len(todo), _YELLOW))
    return Text(title + total + todo, spans=spans, end="")


class _Styles(NamedTuple):
    base: Style
    hover: Style
    guide: Style
    guide_selected: Style  # the guides below the category with the cursor
    label: Style
    cursor: Style


class IndexTree(ScrollView, can_focus=True):
    """Categories nested as in the index, entries as leaves, counts as currently filtered."""

    ALLOW_SELECT = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="tree.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="tree.up"),
        Binding(
            "left,h", "collapse_or_parent", "Collapse / to category", show=False, id="tree.left"
        ),
        Binding("right,l", "expand_category", "Expand", show=False, id="tree.right"),
        Binding("pagedown", "page_down", "Page down", show=False, id="tree.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="tree.page_up"),
        Binding("home", "scroll_home", "First line", show=False, id="tree.home"),
        Binding("end", "scroll_end", "Last line", show=False, id="tree.end"),
        Binding("enter", "activate", "Open", id="tree.enter"),
        Binding("space", "toggle_category", "Expand/collapse", show=False, id="tree.toggle"),
        Binding("escape", "app.clear_text_filter", "Clear filter", show=False, id="tree.escape"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tree--cursor",
        "tree--guides",
        "tree--guides-selected",
        "tree--highlight-line",
        "tree--label",
    }

    cursor_line: var[int] = var(-1, always_update=True)
    """The line with the cursor, or -1 when the tree is empty."""
    hover_line: var[int] = var(-1)

    class EntryActivated(Message):
        """Enter on an entry: the reader wants to read it."""

        def __init__(self, entry: Entry) -> None:
            self.entry = entry
            super().__init__()

    class Highlighted(Message):
        """The cursor is on another item (moved, or the tree changed under it)."""

        def __init__(self, item: Item) -> None:
            self.item = item
            super().__init__()

    class Toggled(Message):
        """The reader opened or closed a category."""

    on_cursor: Callable[[Item | None], None] | None = None
    """Told at once when the reader moves the cursor (``Highlighted`` comes later)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._index: Index | None = None
        self._matches: list[Entry] | None = None  # the entries that pass the filter, as shown
        self._shown: Shown | None = None
        self._runs: Runs | None = None
        self._filtering = False
        # Open categories by ``Runs.uid``: the key, but unique, so of two headings of one name
        # only the one opened is open (and stays so across saves and sessions).
        self._expanded: set[str] = set()
        self._expanded_before_filter: set[str] = set()
        self._lines: list[Line] = []
        self._labels: dict[Entry, Text] = {}
        self._category_labels: dict[int, Text] = {}  # by the category's id: names repeat
        self._strips: dict[tuple[int, bool, bool, int, bool, int], Strip] = {}
        self._styles: _Styles | None = None
        self._cursor_item: Item | None = None
        # The cursor's line, where its category's lines end, and their depth: which lines get
        # the cursor's guide colour (see ``_selected_from``); dropped when the lines change.
        self._cursor_block: tuple[int, int, int] | None = None
        self._building = False
        self.restored_expansion: set[str] | None = None  # remembered: used by the first build

    # -- what the rest of the app asks --------------------------------------------------------

    @property
    def cursor_item(self) -> Item | None:
        return self.item_at(self.cursor_line)

    @property
    def cursor_entry(self) -> Entry | None:
        item = self.cursor_item
        return item if isinstance(item, Entry) else None

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def item_at(self, line: int) -> Item | None:
        return self._lines[line].item if 0 <= line < len(self._lines) else None

    def label_at(self, line: int) -> Text:
        """The label of a line, without its guides and icon."""
        return self._label(self._lines[line].item)

    def counts_for(self, category: Category) -> Counts:
        return self._shown.counts(category) if self._shown is not None else Counts(0, 0)

    def visible_entries(self, category: Category) -> list[Entry]:
        """The category's entries (and its sub-categories') as currently filtered."""
        return self._shown.within(category) if self._shown is not None else []

    def expanded_keys(self) -> set[str]:
        return set(self._expanded)

    def remembered_expansion(self) -> set[str]:
        """What to restore next time: while filtering, the expansion the filter will give back."""
        return set(self._expanded_before_filter) if self._filtering else self.expanded_keys()

    # -- building -------------------------------------------------------------------------------

    def show_index(self, index: Index, matches: list[Entry] | None) -> None:
        """Show ``index`` with only ``matches`` (None: no filter), keeping the reader's place."""
        filtering = matches is not None
        if index is self._index and filtering == self._filtering and matches == self._matches:
            return  # a keystroke that changed no match: the tree on screen is already right
        old_item = self.cursor_item
        refiltered = index is self._index  # the same index, other matches: a filter keystroke
        first = self._index is None
        if first:
            restored = self.restored_expansion
            expanded = self._initial_expansion(index) if restored is None else set(restored)
            if filtering:
                self._expanded_before_filter = expanded
        elif filtering:
            if not self._filtering:
                self._expanded_before_filter = set(self._expanded)
            expanded = set()  # below: the categories holding matches
        elif self._filtering:
            expanded = self._expanded_before_filter | self._holder_uids(old_item)
        else:
            expanded = set(self._expanded)

        if index is not self._index:
            self._labels = {}
        self._index = index
        self._matches = matches
        self._filtering = filtering
        shown = self._shown = Shown(self._runs_of(index), matches)
        if filtering:
            expanded = self._matching_categories(index, shown)
        self._expanded = expanded
        self._building = True  # the cursor moves while the tree is rebuilt: no ``on_cursor``
        try:
            self._set_lines(self._lines_of(index.tree, "", top=True))
            self._restore_cursor(index, old_item)
            if refiltered and 0 <= self.cursor_line < self.scrollable_content_region.height:
                self.scroll_to(y=0, animate=False, force=True)  # the matches above it too
        finally:
            self._building = False

    def _runs_of(self, index: Index) -> Runs:
        if self._runs is None or self._runs.index is not index:
            self._runs = Runs.of(index)
        return self._runs

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
        shown = self._shown
        assert shown is not None
        entries = shown.own(category)
        children = category.children
        if shown.filtering:
            children = [child for child in children if shown.total(child)]
        if top:
            branch = last = inner
        else:
            branch, last = inner + BRANCH, inner + LAST_BRANCH
        lines = [Line(entry, branch, "") for entry in entries]
        if lines and not children:
            lines[-1] = Line(entries[-1], last, "")
        expanded, uid = self._expanded, self._uid
        for number, child in enumerate(children, 1):
            final = number == len(children)
            deeper = inner if top else inner + (BLANK if final else PASS)
            lines.append(Line(child, last if final else branch, deeper))
            if uid(child) in expanded:
                lines.extend(self._lines_of(child, deeper))
        return lines

    def _set_lines(self, lines: list[Line]) -> None:
        self._lines = lines
        self._cursor_block = None
        self._category_labels = {}
        self._strips = {}
        set_virtual_size(self, Size(0, len(lines)))
        self.refresh()

    def _label(self, item: Item) -> Text:
        if isinstance(item, Entry):
            label = self._labels.get(item)
            if label is None:
                label = self._labels[item] = entry_label(item)
            return label
        label = self._category_labels.get(id(item))
        if label is None:
            label = self._category_labels[id(item)] = category_label(item, self.counts_for(item))
        return label

    # -- opening and closing ----------------------------------------------------------------------

    def _expand(self, line: int) -> None:
        item = self.item_at(line)
        if not isinstance(item, Category) or self._uid(item) in self._expanded:
            return
        inner = self._lines[line].inner
        self._expanded.add(self._uid(item))
        below = self._lines_of(item, inner)
        lines = self._lines
        lines[line + 1 : line + 1] = below
        self._changed_below(line, len(below))

    def _collapse(self, line: int) -> None:
        item = self.item_at(line)
        if not isinstance(item, Category) or self._uid(item) not in self._expanded:
            return
        guide = self._lines[line].guide
        self._expanded.discard(self._uid(item))
        lines = self._lines
        end = line + 1
        depth = len(guide)
        while end < len(lines) and len(lines[end].guide) > depth:
            end += 1
        del lines[line + 1 : end]
        self._changed_below(line, line + 1 - end)

    def _changed_below(self, line: int, added: int) -> None:
        """Lines were added (or, negative, removed) below ``line``: keep the cursor's item."""
        self._strips = {}
        self._cursor_block = None
        cursor = self.cursor_line
        set_virtual_size(self, Size(0, len(self._lines)))
        self.refresh()
        if cursor > line:
            if cursor + added > line:  # the same item, further down or up
                self.set_reactive(IndexTree.cursor_line, cursor + added)
            else:  # it was inside the category just closed: to the category
                self.cursor_line = line
        self.post_message(self.Toggled())

    def collapse_category(self, category: Category) -> bool:
        """Close ``category``, if it is shown."""
        line = self._line_of_item(category)
        if line is None:
            return False
        self._collapse(line)
        return True

    def _toggle(self, line: int) -> None:
        item = self.item_at(line)
        if isinstance(item, Category):
            if self._uid(item) in self._expanded:
                self._collapse(line)
            else:
                self._expand(line)

    # -- the cursor -----------------------------------------------------------------------------

    def validate_cursor_line(self, value: int) -> int:
        return max(0, min(value, len(self._lines) - 1)) if self._lines else -1

    def watch_cursor_line(self, previous_line: int, line: int) -> None:
        if previous_line != line:
            if isinstance(self.item_at(previous_line), Category) or isinstance(
                self.item_at(line), Category
            ):
                self.refresh()  # the guides below a category with the cursor are coloured
            else:
                self._refresh_line(previous_line)
                self._refresh_line(line)
        item = self.item_at(line)
        if item is self._cursor_item:
            return
        self._cursor_item = item
        # Called here, a preview the app already has is painted in the same frame as the
        # highlight; ``Highlighted`` reaches the app a frame or two later.
        if not self._building and self.on_cursor is not None:
            self.on_cursor(item)
        if item is not None:
            self.post_message(self.Highlighted(item))

    def watch_hover_line(self, previous_line: int, line: int) -> None:
        self._refresh_line(previous_line)
        self._refresh_line(line)

    def _refresh_line(self, line: int) -> None:
        if 0 <= line < len(self._lines):
            self.refresh_line(line)

    def _move_to(self, line: int) -> None:
        self.cursor_line = line
        self.scroll_to_line(self.cursor_line)

    def scroll_to_line(self, line: int) -> None:
        """Scroll just enough to show ``line``."""
        height = self.scrollable_content_region.height
        if not height:  # not laid out yet: once it is
            self.call_after_refresh(self._scroll_to_cursor)
            return
        top = round(self.scroll_offset.y)
        if line < top:
            self.scroll_to(y=line, animate=False, force=True)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, force=True)

    def _scroll_to_cursor(self) -> None:
        if self.scrollable_content_region.height and self.cursor_line >= 0:
            self.scroll_to_line(self.cursor_line)

    def _restore_cursor(self, index: Index, old: Item | None) -> None:
        line: int | None = None
        if isinstance(old, Entry):
            line = self._line_of(old.key, Entry)
            if line is None:
                line = self._neighbour_of(index, old)
        elif isinstance(old, Category):
            line = self._same_category_line(old)
            if line is None:
                line = self._nearest_category_line(old.path[:-1])
        self._cursor_item = None
        self._move_to(line if line is not None else 0)

    def _line_of(self, key: str, kind: type[Item]) -> int | None:
        for number, line in enumerate(self._lines):
            item = line.item
            if isinstance(item, kind) and item.key == key:
                return number
        return None

    def _neighbour_of(self, index: Index, old: Entry) -> int | None:
        """The visible entry closest to where ``old`` was, else its category."""
        shown = self._shown
        categories = [index.tree, *self._runs_of(index).categories]
        category = next((c for c in categories if c.path == old.category), None)
        if category is not None and shown is not None:
            candidates = shown.own(category)
            after = [e for e in candidates if e.position >= old.position]
            before = [e for e in candidates if e.position < old.position]
            pick = after[0] if after else (before[-1] if before else None)
            if pick is not None and self.reveal_entry(pick.key, move=False):
                return self._line_of(pick.key, Entry)
        return self._nearest_category_line(old.category)

    def _same_category_line(self, old: Category) -> int | None:
        """The line of the category ``old`` was: of two headings of one name, the one whose
        heading is nearer in the file."""
        candidates = [
            (abs(item.line - old.line), number)
            for number, (item, _, _) in enumerate(self._lines)
            if isinstance(item, Category) and item.key == old.key
        ]
        return min(candidates)[1] if candidates else None

    def _nearest_category_line(self, path: tuple[str, ...]) -> int | None:
        for depth in range(len(path), 0, -1):
            line = self._line_of("\x1f".join(path[:depth]), Category)
            if line is not None:
                return line
        return None

    def reveal_entry(self, key: str, *, move: bool = True) -> bool:
        """Expand the entry's categories and (with ``move``) put the cursor on it."""
        index, shown = self._index, self._shown
        if index is None or shown is None:
            return False
        entry = index.find(key)
        if entry is None or not shown.contains(entry):
            return False
        line = self._open_to(entry)
        if line is None:
            return False
        if move:
            self._move_to(line)
        return True

    def reveal_category(self, uid: str) -> bool:
        """Expand the categories above the one named ``uid`` (see ``uid``) and move to it."""
        category = self._runs.category(uid) if self._runs is not None else None
        line = self._open_to(category) if category is not None else None
        if line is None:
            return False
        self._move_to(line)
        return True

    def _open_to(self, item: Item) -> int | None:
        """Expand the categories holding ``item``, outermost first; its line, if shown."""
        assert self._runs is not None
        for holder in self._runs.holders(item):
            line = self._line_of_item(holder)
            if line is None:
                return None
            self._expand(line)
        return self._line_of_item(item)

    def _line_of_item(self, item: Item) -> int | None:
        for number, line in enumerate(self._lines):
            if line.item is item:
                return number
        return None

    def uid(self, category: Category) -> str:
        """The category's name for places and for what is open (see ``Runs.uid``)."""
        return self._uid(category)

    def category(self, uid: str) -> Category | None:
        return self._runs.category(uid) if self._runs is not None else None

    def _uid(self, category: Category) -> str:
        return self._runs.uid(category) if self._runs is not None else category.key

    def _holder_uids(self, item: Item | None) -> set[str]:
        """The categories holding ``item`` (of the index now shown), by ``uid``."""
        if item is None or self._runs is None:
            return set()
        return {self._runs.uid(holder) for holder in self._runs.holders(item)}

    def first_entry(self) -> bool:
        """Move to the first visible entry in document order."""
        index, shown = self._index, self._shown
        if index is None or shown is None:
            return False
        entries = shown.matches if shown.matches is not None else index.entries
        return bool(entries) and self.reveal_entry(entries[0].key)

    # -- keys and the mouse -----------------------------------------------------------------------

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

    def action_cursor_down(self) -> None:
        self._move_to(self.cursor_line + 1)

    def action_cursor_up(self) -> None:
        self._move_to(self.cursor_line - 1 if self.cursor_line >= 0 else len(self._lines) - 1)

    def action_page_down(self) -> None:
        self._move_to(self.cursor_line + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self._move_to(self.cursor_line - max(1, self.scrollable_content_region.height - 1))

    def action_scroll_home(self) -> None:
        self._move_to(0)

    def action_scroll_end(self) -> None:
        self._move_to(len(self._lines) - 1)

    def action_collapse_or_parent(self) -> None:
        line = self.cursor_line
        item = self.item_at(line)
        if item is None or self._runs is None:
            return
        if isinstance(item, Category) and self._uid(item) in self._expanded:
            self._collapse(line)
            return
        holders = self._runs.holders(item)
        parent = self._line_of_item(holders[-1]) if holders else None
        if parent is not None:
            self._move_to(parent)

    def action_expand_category(self) -> None:
        self._expand(self.cursor_line)

    def action_toggle_category(self) -> None:
        self._toggle(self.cursor_line)

    def action_activate(self) -> None:
        item = self.cursor_item
        if isinstance(item, Category):
            self._toggle(self.cursor_line)
        elif isinstance(item, Entry):
            self.post_message(self.EntryActivated(item))

    def _line_under(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        line = offset.y + round(self.scroll_offset.y)
        return line if 0 <= line < len(self._lines) else None

    def on_click(self, event: events.Click) -> None:
        line = self._line_under(event)
        if line is None:
            return
        self._move_to(line)
        self._toggle(line)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        line = self._line_under(event)
        self.hover_line = -1 if line is None else line

    def on_leave(self, _: events.Leave) -> None:
        self.hover_line = -1

    # -- painting -------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips = {}

    def on_resize(self, _: events.Resize) -> None:
        self._strips = {}
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self._styles = None

    def on_blur(self) -> None:
        self._styles = None

    def _line_styles(self) -> _Styles:
        styles = self._styles
        if styles is None:
            base = self.rich_style
            styles = self._styles = _Styles(
                base,
                base + self.get_component_rich_style("tree--highlight-line"),
                self.get_component_rich_style("tree--guides", partial=True),
                self.get_component_rich_style("tree--guides", partial=True)
                + self.get_component_rich_style("tree--guides-selected", partial=True),
                self.get_component_rich_style("tree--label", partial=True),
                self.get_component_rich_style("tree--cursor", partial=False),
            )
        return styles

    def render_line(self, y: int) -> Strip:
        line = y + round(self.scroll_offset.y)
        width = self.size.width
        if not 0 <= line < len(self._lines):
            return Strip.blank(width, self.rich_style)
        focused = self.has_focus
        selected = self._selected_from(line) if focused else -1
        key = (line, line == self.cursor_line, line == self.hover_line, selected, focused, width)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > STRIP_CACHE_LIMIT:
                self._strips = {}
            strip = self._render_strip(line, key[1], key[2], selected, width)
            self._strips[key] = strip
        return strip

    def _selected_from(self, line: int) -> int:
        """Below the category with the cursor, where the guides drawn in its colour begin (as
        ``Tree`` draws them); -1 elsewhere."""
        cursor = self.cursor_line
        if line <= cursor or not isinstance(self.item_at(cursor), Category):
            return -1
        lines = self._lines
        block = self._cursor_block
        if block is None or block[0] != cursor:
            # The category's lines run on from it: found once per cursor, not per line painted.
            depth = len(lines[cursor].guide)
            end = cursor + 1
            while end < len(lines) and len(lines[end].guide) > depth:
                end += 1
            block = self._cursor_block = (cursor, end, depth)
        return block[2] if line < block[1] else -1

    def _render_strip(
        self, number: int, cursor: bool, hover: bool, selected: int, width: int
    ) -> Strip:
        styles = self._line_styles()
        item, guide, _ = self._lines[number]
        line_style = styles.hover if hover else styles.base
        segments: list[Segment] = []
        if selected > 0:
            segments.append(Segment(guide[:selected], line_style + styles.guide))
        if selected >= 0:
            segments.append(Segment(guide[selected:], line_style + styles.guide_selected))
        elif guide:
            segments.append(Segment(guide, line_style + styles.guide))
        if isinstance(item, Category):
            icon = EXPANDED_ICON if self._uid(item) in self._expanded else COLLAPSED_ICON
            segments.append(Segment(icon, line_style))
        overlay = styles.label + styles.cursor if cursor else styles.label
        segments.extend(_label_segments(self._label(item), line_style, overlay))
        return Strip(segments).crop_extend(0, width, line_style)


def _label_segments(label: Text, base: Style, overlay: Style) -> list[Segment]:
    """A one-line label's segments: each span's style over ``base``, ``overlay`` over all."""
    text = label.plain
    segments: list[Segment] = []
    at = 0
    for span in sorted(label.spans, key=lambda span: span.start):
        if span.start > at:
            segments.append(Segment(text[at : span.start], base + overlay))
        style = span.style if isinstance(span.style, Style) else Style.parse(span.style)
        segments.append(Segment(text[span.start : span.end], base + style + overlay))
        at = max(at, span.end)
    if at < len(text):
        segments.append(Segment(text[at:], base + overlay))
    return segments


def _bound_action(widget: IndexTree, key: str) -> str | None:
    active = widget.app.active_bindings.get(key)
    return active.binding.action if active is not None else None
