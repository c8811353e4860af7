"""What a line of the tree looks like: its label, and the strip painted for it.

Apart from the widget so how a line looks is one place: the marks and counts of a label, the
guides coloured below the category with the cursor, the cursor and hover styles over them.
Labels are made once (an entry's for as long as its index, a category's until its counts
change) and strips once per look, so a repaint costs a dictionary look-up per line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual.strip import Strip
from textual.widget import Widget

from app.core.model import Category, Entry, Status
from app.core.sanitize import inert_line
from app.core.shown import Counts
from app.ui.tree_lines import Item, Line

__all__ = [
    "LineStyles",
    "StripCache",
    "TreeLabels",
    "category_label",
    "entry_label",
    "label_of",
    "line_strip",
    "line_styles",
]

TODO_MARK = "○ "
DONE_MARK = "✓ "
EXPANDED_ICON, COLLAPSED_ICON = "▼ ", "▶ "
STRIP_CACHE_LIMIT = 1_000

_TODO_STYLE = Style(color="yellow", bold=True)
_DONE_STYLE = Style(color="green")
_BOLD, _DIM, _YELLOW = Style(bold=True), Style(dim=True), Style(color="yellow")


def entry_label(entry: Entry) -> Text:
    # Built directly rather than with ``Text.assemble``: labels for 50,000 entries add up.
    todo = entry.status is Status.TODO
    mark, style = (TODO_MARK, _TODO_STYLE) if todo else (DONE_MARK, _DONE_STYLE)
    return Text(mark + inert_line(entry.title), spans=[Span(0, len(mark), style)], end="")


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


def label_of(item: Item, counts_for: Callable[[Category], Counts]) -> Text:
    """An item's label, without its guides and icon: an entry's mark and title, a category's
    title and its counts as ``counts_for`` gives them."""
    if isinstance(item, Entry):
        return entry_label(item)
    return category_label(item, counts_for(item))


class TreeLabels:
    """Labels by the item's identity: an entry's kept while its index is shown, a category's
    until the counts change (names repeat, so by ``id``)."""

    def __init__(self) -> None:
        self._entries: dict[int, Text] = {}
        self._categories: dict[int, Text] = {}

    def label(self, item: Item, counts_for: Callable[[Category], Counts]) -> Text:
        labels = self._entries if isinstance(item, Entry) else self._categories
        label = labels.get(id(item))
        if label is None:
            label = labels[id(item)] = label_of(item, counts_for)
        return label

    def forget_counts(self) -> None:
        self._categories = {}

    def forget_all(self) -> None:
        self._entries = {}
        self._categories = {}


class LineStyles(NamedTuple):
    base: Style
    hover: Style
    guide: Style
    guide_selected: Style  # the guides below the category with the cursor
    label: Style
    cursor: Style


def line_styles(widget: Widget) -> LineStyles:
    """The styles of ``widget``'s lines, from its component classes (``tree--*``)."""
    base = widget.rich_style
    return LineStyles(
        base,
        base + widget.get_component_rich_style("tree--highlight-line"),
        widget.get_component_rich_style("tree--guides", partial=True),
        widget.get_component_rich_style("tree--guides", partial=True)
        + widget.get_component_rich_style("tree--guides-selected", partial=True),
        widget.get_component_rich_style("tree--label", partial=True),
        widget.get_component_rich_style("tree--cursor", partial=False),
    )


# A painted line's look: the line, cursor on it, hover on it, where its selected guides begin,
# focused, width.
StripKey = tuple[int, bool, bool, int, bool, int]


class StripCache(dict[StripKey, Strip]):
    """Strips by their look (a dictionary, so a look-up costs no more), dropped whole when the
    lines or the styles change, or when it grows past ``STRIP_CACHE_LIMIT``."""

    def put(self, key: StripKey, strip: Strip) -> None:
        if len(self) > STRIP_CACHE_LIMIT:
            self.clear()
        self[key] = strip


def line_strip(
    line: Line,
    *,
    is_open: bool,
    label: Text,
    styles: LineStyles,
    cursor: bool,
    hover: bool,
    selected: int,
    width: int,
) -> Strip:
    """The strip of one line: guides (from ``selected`` on in the cursor's category colour, -1:
    none), a category's icon, then the label."""
    item, guide, _ = line
    line_style = styles.hover if hover else styles.base
    segments: list[Segment] = []
    if selected > 0:
        segments.append(Segment(guide[:selected], line_style + styles.guide))
    if selected >= 0:
        segments.append(Segment(guide[selected:], line_style + styles.guide_selected))
    elif guide:
        segments.append(Segment(guide, line_style + styles.guide))
    if isinstance(item, Category):
        segments.append(Segment(EXPANDED_ICON if is_open else COLLAPSED_ICON, line_style))
    overlay = styles.label + styles.cursor if cursor else styles.label
    segments.extend(_label_segments(label, line_style, overlay))
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
