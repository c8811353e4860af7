"""The category/entry tree: lazy, filter-aware, and faithful to the user's place.

Drawn with Textual's line API rather than with ``textual.widgets.Tree``: the tree on screen is a
flat list of lines (an item and the guides drawn before it) made from the model, for what is
expanded only, and a line is rendered when it is painted. A filter keystroke at 10,000 entries
makes a few hundred such lines and renders the thirty on screen; ``Tree`` made a node per line,
measured every label and rendered its lines again (about 20 ms a key). Counts come from
``Shown``, which bisects the matches' positions instead of counting every entry.

The lines and what is open are ``TreeLines`` (plain data); how a line looks is ``tree_paint``;
this widget holds the cursor, the keys, the mouse and the painting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from app.core.model import Category, Entry, Index
from app.core.shown import Counts
from app.ui.scrolling import set_virtual_size
from app.ui.tree_lines import EXPAND_ALL_LIMIT, FILTER_LEAF_BUDGET, Item, TreeLines
from app.ui.tree_paint import LineStyles, StripCache, TreeLabels, line_strip, line_styles

__all__ = ["EXPAND_ALL_LIMIT", "FILTER_LEAF_BUDGET", "Counts", "IndexTree", "Item"]


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
        Binding("g", "scroll_home", "First line", show=False, id="tree.first"),
        Binding("G", "scroll_end", "Last line", show=False, id="tree.last"),
        Binding("ctrl+d", "half_page(1)", "Half a page down / up", show=False, id="tree.half_down"),
        Binding("ctrl+u", "half_page(-1)", "Half a page down / up", show=False, id="tree.half_up"),
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
        self._lines = TreeLines()
        self._labels = TreeLabels()
        self._strips = StripCache()
        self._styles: LineStyles | None = None
        self._cursor_item: Item | None = None
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
        return self._lines.item_at(line)

    def counts_for(self, category: Category) -> Counts:
        return self._lines.counts_for(category)

    def visible_entries(self, category: Category) -> list[Entry]:
        """The category's entries (and its sub-categories') as currently filtered."""
        return self._lines.visible_entries(category)

    def remembered_expansion(self) -> set[str]:
        """What to restore next time: while filtering, the expansion the filter will give back."""
        return self._lines.remembered_expansion()

    def uid(self, category: Category) -> str:
        """The category's name for places and for what is open (see ``Runs.uid``)."""
        return self._lines.uid(category)

    def category(self, uid: str) -> Category | None:
        return self._lines.category(uid)

    # -- building -------------------------------------------------------------------------------

    def show_index(self, index: Index, matches: list[Entry] | None) -> None:
        """Show ``index`` with only ``matches`` (None: no filter), keeping the reader's place."""
        lines = self._lines
        if lines.shows(index, matches):
            return  # a keystroke that changed no match: the tree on screen is already right
        old_item = self.cursor_item
        refiltered = index is lines.index  # the same index, other matches: a filter keystroke
        if not refiltered:
            self._labels.forget_all()
        lines.show(index, matches, cursor=old_item, restored=self.restored_expansion)
        self._building = True  # the cursor moves while the tree is rebuilt: no ``on_cursor``
        try:
            self._lines_changed()
            self._labels.forget_counts()
            self._restore_cursor(old_item)
            if refiltered and 0 <= self.cursor_line < self.scrollable_content_region.height:
                self.scroll_to(y=0, animate=False, force=True)  # the matches above it too
        finally:
            self._building = False

    def _lines_changed(self) -> None:
        self._strips.clear()
        set_virtual_size(self, Size(0, len(self._lines)))
        self.refresh()

    # -- opening and closing ----------------------------------------------------------------------

    def _expand(self, line: int) -> None:
        added = self._lines.expand(line)
        if added is not None:
            self._changed_below(line, added)

    def _collapse(self, line: int) -> None:
        added = self._lines.collapse(line)
        if added is not None:
            self._changed_below(line, added)

    def _changed_below(self, line: int, added: int) -> None:
        """Lines were added (or, negative, removed) below ``line``: keep the cursor's item."""
        cursor = self.cursor_line
        self._lines_changed()
        if cursor > line:
            if cursor + added > line:  # the same item, further down or up
                self.set_reactive(IndexTree.cursor_line, cursor + added)
            else:  # it was inside the category just closed: to the category
                self.cursor_line = line
        self.post_message(self.Toggled())

    def _toggle(self, line: int) -> None:
        item = self.item_at(line)
        if isinstance(item, Category):
            if self._lines.is_open(item):
                self._collapse(line)
            else:
                self._expand(line)

    # -- the cursor -----------------------------------------------------------------------------

    def validate_cursor_line(self, value: int) -> int:
        return max(0, min(value, len(self._lines) - 1)) if len(self._lines) else -1

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

    def _restore_cursor(self, old: Item | None) -> None:
        """After the lines were made again: the cursor on ``old``'s line, found by its key (the
        index may be a new one), else on the nearest thing to it that is shown."""
        lines = self._lines
        line: int | None = None
        if isinstance(old, Entry):
            line = lines.line_of(old.key, Entry)
            if line is None:
                line = self._neighbour_line(old)
        elif isinstance(old, Category):
            line = lines.same_category_line(old)
            if line is None:
                line = lines.nearest_category_line(old.path[:-1])
        self._cursor_item = None
        self._move_to(line if line is not None else 0)

    def _neighbour_line(self, old: Entry) -> int | None:
        """The line of the entry shown closest to where ``old`` was, else of its category."""
        pick = self._lines.neighbour_of(old)
        if pick is not None and self.reveal_entry(pick.key, move=False):
            return self._lines.line_of(pick.key, Entry)
        return self._lines.nearest_category_line(old.category)

    def reveal_entry(self, key: str, *, move: bool = True) -> bool:
        """Expand the entry's categories and (with ``move``) put the cursor on it."""
        index, shown = self._lines.index, self._lines.shown
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
        category = self._lines.category(uid)
        line = self._open_to(category) if category is not None else None
        if line is None:
            return False
        self._move_to(line)
        return True

    def _open_to(self, item: Item) -> int | None:
        """Expand the categories holding ``item``, outermost first; its line, if shown."""
        lines = self._lines
        for holder in lines.holders(item):
            line = lines.line_of_item(holder)
            if line is None:
                return None
            self._expand(line)
        return lines.line_of_item(item)

    def first_entry(self) -> bool:
        """Move to the first visible entry in document order."""
        entry = self._lines.first_shown_entry()
        return entry is not None and self.reveal_entry(entry.key)

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

    def action_half_page(self, direction: int) -> None:
        """``ctrl+d`` / ``ctrl+u``: half a page, as in less and vim."""
        half = max(1, self.scrollable_content_region.height // 2)
        self._move_to(max(0, self.cursor_line) + direction * half)

    def action_scroll_home(self) -> None:
        self._move_to(0)

    def action_scroll_end(self) -> None:
        self._move_to(len(self._lines) - 1)

    def action_collapse_or_parent(self) -> None:
        line = self.cursor_line
        item = self.item_at(line)
        if item is None or self._lines.index is None:
            return
        if isinstance(item, Category) and self._lines.is_open(item):
            self._collapse(line)
            return
        holders = self._lines.holders(item)
        parent = self._lines.line_of_item(holders[-1]) if holders else None
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
        self._strips.clear()

    def on_resize(self, _: events.Resize) -> None:
        self._strips.clear()
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self._styles = None

    def on_blur(self) -> None:
        self._styles = None

    def _line_styles(self) -> LineStyles:
        if self._styles is None:
            self._styles = line_styles(self)
        return self._styles

    def render_line(self, y: int) -> Strip:
        line = y + round(self.scroll_offset.y)
        width = self.size.width
        lines = self._lines.lines
        if not 0 <= line < len(lines):
            return Strip.blank(width, self.rich_style)
        focused = self.has_focus
        selected = self._lines.guides_selected_from(self.cursor_line, line) if focused else -1
        cursor, hover = line == self.cursor_line, line == self.hover_line
        key = (line, cursor, hover, selected, focused, width)
        strip = self._strips.get(key)
        if strip is None:
            shown = lines[line]
            item = shown.item
            strip = line_strip(
                shown,
                is_open=isinstance(item, Category) and self._lines.is_open(item),
                label=self._labels.label(item, self._lines.counts_for),
                styles=self._line_styles(),
                cursor=cursor,
                hover=hover,
                selected=selected,
                width=width,
            )
            self._strips.put(key, strip)
        return strip


def _bound_action(widget: IndexTree, key: str) -> str | None:
    active = widget.app.active_bindings.get(key)
    return active.binding.action if active is not None else None
