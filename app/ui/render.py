"""Markdown to terminal lines, fast enough for a preview that follows the cursor.

Textual's `Markdown` widget builds one widget per block and needs ~38 s for a 2,000-line note.
Here pyromark (a Rust pull parser) yields events, each leaf block (paragraph, heading, code,
table, ...) becomes one rich renderable, and rich renders it straight to lines of segments at the
pane width. Knowing the line where each block starts gives heading anchors and the outline for
free. Containers (lists, quotes, footnotes) are not renderables: their bullets and bars are
prefixed to the lines of the blocks inside them, so a long list can stop after any item.

Pure and thread-safe: no Textual import, a fresh Console per call, nothing shared but caches of
immutable values. Every string from the note goes through `inert` before it reaches a Text.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import pyromark
from rich import box
from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, JustifyMethod, OverflowMethod, RenderableType
from rich.containers import Lines
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from app.core.images import ImageInfo
from app.core.sanitize import inert, inert_line

if TYPE_CHECKING:
    from pygments.lexer import Lexer

# Pygments (with rich.syntax) and pylatexenc are imported by the first note that needs them, or
# by NoteView's warm-up after the first paint: together they would add ~0.1 s to every start.

__all__ = [
    "DEFAULT_THEME",
    "HeadingRef",
    "ImageProbe",
    "ImageRef",
    "RenderTheme",
    "Rendered",
    "render_markdown",
    "render_progressively",
    "render_texts",
    "slugify",
]

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_MATH
    | pyromark.Options.ENABLE_FOOTNOTES
)
_PARSER = pyromark.Markdown(options=_OPTIONS)

Line = list[Segment]
_MIN_BLOCK_WIDTH = 12
_BULLETS = ("•", "◦", "▪")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MIN_SQUEEZED_COLUMN = 10  # a table whose columns would be narrower is shown as records
_IMAGE_TARGET_CELLS = 60  # a longer image path (a data: URI) is shortened in its placeholder

ImageProbe = Callable[[str], ImageInfo]
"""Says, for an image path in the note, whether it is missing and how big it is."""


class RenderTheme(NamedTuple):
    """Styles of the preview; the defaults suit a dark terminal (`_replace` to change one)."""

    headings: tuple[Style, Style, Style, Style, Style, Style] = (
        Style(color="#ffb86c", bold=True),
        Style(color="#8be9fd", bold=True),
        Style(color="#50fa7b", bold=True),
        Style(color="#bd93f9", bold=True),
        Style(color="#bd93f9", bold=True, italic=True),
        Style(color="#bd93f9", italic=True),
    )
    heading_rules: tuple[str, str] = ("━", "─")
    rule: Style = Style(color="#6272a4")
    link: Style = Style(color="#8be9fd", underline=True)
    code_inline: Style = Style(color="#f1fa8c", bgcolor="#303446")
    code_theme: str = "monokai"
    quote_bar: Style = Style(color="#6272a4")
    quote: Style = Style(italic=True)
    bullet: Style = Style(color="#ffb86c", bold=True)
    task_done: Style = Style(color="#50fa7b", bold=True)
    task_open: Style = Style(color="#ffb86c", bold=True)
    math: Style = Style(color="#ff79c6")
    math_source: Style = Style(color="#ff79c6", dim=True, italic=True)
    html: Style = Style(dim=True)
    image: Style = Style(color="#bd93f9")
    image_missing: Style = Style(color="#ff5555")
    table_border: Style = Style(color="#6272a4")
    table_header: Style = Style(bold=True, color="#8be9fd")
    footnote: Style = Style(color="#6272a4")


DEFAULT_THEME = RenderTheme()


class HeadingRef(NamedTuple):
    level: int
    text: str
    line: int
    slug: str


class ImageRef(NamedTuple):
    alt: str
    target: str
    line: int


@dataclass(frozen=True, slots=True)
class Rendered:
    """A note laid out at one width: lines of segments plus what points into them."""

    lines: list[Line]
    width: int
    anchors: dict[str, int] = field(default_factory=dict)
    headings: list[HeadingRef] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)
    complete: bool = True


def slugify(text: str) -> str:
    """GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def render_texts(texts: list[Text], *, width: int) -> list[Line]:
    """Lay out already-built Text lines (a header above the note) at `width`."""
    console = _console(width)
    options = console.options.update_width(max(1, width))
    lines: list[Line] = []
    for text in texts:
        lines.extend(console.render_lines(text, options, pad=False, new_lines=False))
    return lines


def render_markdown(
    body: str,
    *,
    width: int,
    theme: RenderTheme = DEFAULT_THEME,
    max_blocks: int | None = None,
    image_probe: ImageProbe | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Rendered:
    """Render a note's Markdown `body` to lines `width` cells wide.

    `image_probe` tells each image's placeholder whether the file is missing and its size
    (without it, placeholders show only the alt text and path). `max_blocks` stops after that
    many blocks (the first screen of a long note); `cancelled` is polled after every block.
    Either way `complete` is then False.
    """
    builder = _Builder(body, width, theme, image_probe, cancelled)
    done = builder.run(max_blocks)
    return builder.snapshot(complete=done)


def render_progressively(
    body: str,
    *,
    width: int,
    first_blocks: int | None,
    theme: RenderTheme = DEFAULT_THEME,
    image_probe: ImageProbe | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[Rendered]:
    """Yield the first `first_blocks` blocks early (if given and the note is longer), then all.

    The second result continues where the first stopped: the top is rendered once. Nothing more
    is yielded once `cancelled()` turns true.
    """
    builder = _Builder(body, width, theme, image_probe, cancelled)
    if not builder.run(first_blocks):
        if builder.was_cancelled:
            return
        yield builder.snapshot(complete=False)
        if not builder.run(None):
            return
    yield builder.snapshot(complete=True)


def _image_label(alt: str, target: str, info: ImageInfo) -> str:
    """`🖼 alt (path, 240×160)`, or `🖼 alt (path) — missing image`."""
    shown = inert_line(target)
    if len(shown) > _IMAGE_TARGET_CELLS:
        shown = shown[: _IMAGE_TARGET_CELLS - 1] + "…"
    if info.size is not None:
        shown += f", {info.size[0]}×{info.size[1]}"
    label = f"🖼 {alt or 'image'} ({shown})"
    return f"{label} — {info.problem}" if info.problem else label


# -- line breaking in Chinese and Japanese -------------------------------------------------------

# Ideographs, kana, CJK punctuation and full-width forms: a line may break between any two of
# them. (Hangul is left out: Korean puts spaces between words.)
_WIDE = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u33ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
)
# Kinsoku: what may not begin a line (closing marks, small kana) and what may not end one.
_NO_LINE_START = frozenset(
    "，。、；：！？）］｝〕〉》」』】〙〗〟’”｠»ー…‥・゠々〻"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ,.;:!?)]}%"
)
_NO_LINE_END = frozenset("（［｛〔〈《「『【〘〖〝‘“｟«([{")
_RICH_WORD = re.compile(r"\s*\S+\s*")


def _is_wide(char: str) -> bool:
    return bool(char) and _WIDE.match(char) is not None


def _words(text: str) -> Iterator[tuple[int, str]]:
    """Pieces of `text` that a line may not break inside, each with its trailing spaces.

    Like rich's words (split at spaces), but a line may also break before or after a CJK
    character, unless punctuation forbids it.
    """
    if _WIDE.search(text) is None:
        for match in _RICH_WORD.finditer(text):
            yield match.start(), match.group()
        return
    start = 0
    for position in range(1, len(text)):
        before, char = text[position - 1], text[position]
        if char.isspace():
            continue
        if before.isspace():
            breakable = True
        else:
            breakable = (
                (_is_wide(before) or _is_wide(char))
                and char not in _NO_LINE_START
                and before not in _NO_LINE_END
            )
        if breakable and text[start:position].strip():
            yield start, text[start:position]
            start = position
    if text[start:].strip():
        yield start, text[start:]


def _divide_line(text: str, width: int) -> list[int]:
    """Offsets at which to break `text` into lines `width` cells wide (rich's `divide_line`,
    with `_words` for words): a word longer than a line is folded."""
    breaks: list[int] = []
    offset = 0
    for start, word in _words(text):
        length = cell_len(word.rstrip())
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width:
            pieces = chop_cells(word, width)
            for number, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if number == len(pieces) - 1:
                    offset = cell_len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


class _WrappingText(Text):
    """Text that wraps Chinese and Japanese between characters, not only at spaces.

    Rich breaks lines only at whitespace, so a CJK sentence is one long "word" that moves whole
    to the next line (leaving the line before half empty) and is then chopped at the width.
    """

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        if no_wrap or self.no_wrap or overflow == "ignore" or _WIDE.search(self.plain) is None:
            return super().wrap(
                console,
                width,
                justify=justify,
                overflow=overflow,
                tab_size=tab_size,
                no_wrap=no_wrap,
            )
        wrap_justify = justify or self.justify or "default"
        wrap_overflow = overflow or self.overflow or "fold"
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            new_lines = line.divide(_divide_line(line.plain, width))
            for new_line in new_lines:
                new_line.rstrip_end(width)
            new_lines.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for new_line in new_lines:
                new_line.truncate(width, overflow=wrap_overflow)
            lines.extend(new_lines)
        return lines


def _console(width: int) -> Console:
    return Console(
        width=max(1, width),
        file=io.StringIO(),
        color_system="truecolor",
        force_terminal=True,
        legacy_windows=False,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )


def _column_widths(rows: list[list[Text]], width: int) -> tuple[list[int] | None, int]:
    """Column widths (padding included) for a table `width` cells wide, and the padding.

    None when the table fits as it is. Otherwise every column gets its longest word if the pane
    allows, and the room left is shared in proportion to how much more each column wants; the
    padding goes first when room is short. When even the longest words do not fit, only the
    columns with the longest words are narrowed (to a common cap), so that most words stay
    whole. Too narrow for a readable grid (the cap below `_MIN_SQUEEZED_COLUMN`): an empty list.
    """
    count = len(rows[0])
    minimum = [1] * count
    maximum = [1] * count
    for row in rows:
        for column, cell in enumerate(row):
            minimum[column] = max(minimum[column], _longest_word(cell.plain))
            maximum[column] = max(maximum[column], _widest_line(cell.plain))
    borders = count + 1
    if sum(maximum) + borders + 2 * count <= width:
        return None, 1
    padding = 1 if sum(minimum) + borders + 2 * count <= width else 0
    available = width - borders - 2 * padding * count
    if sum(minimum) > available:
        widths = _squeezed(minimum, available)
        if not widths:
            return [], 0
    else:
        widths = _shared(minimum, maximum, available)
    return [w + 2 * padding for w in widths], padding


def _squeezed(minimum: list[int], available: int) -> list[int]:
    """Widths within `available`: the widest columns cut down to one cap, the cap as high as
    possible; an empty list when that cap would be too narrow to read."""
    cap = max(minimum)
    while cap > 1 and sum(min(low, cap) for low in minimum) > available:
        cap -= 1
    if cap < min(_MIN_SQUEEZED_COLUMN, max(minimum)):
        return []
    widths = [min(low, cap) for low in minimum]
    spare = available - sum(widths)
    for column, low in enumerate(minimum):
        if spare and low > widths[column]:
            widths[column] += 1
            spare -= 1
    return widths


def _shared(minimum: list[int], maximum: list[int], available: int) -> list[int]:
    """Every column its longest word, then the room left shared out evenly (max-min fair):
    a column that wants little more (a short header) gets all of it, the long ones share the
    rest."""
    widths = list(minimum)
    spare = available - sum(widths)
    wanting = sorted(
        (column for column, high in enumerate(maximum) if high > widths[column]),
        key=lambda column: maximum[column] - widths[column],
    )
    while wanting and spare > 0:
        share, extra = divmod(spare, len(wanting))
        want = maximum[wanting[0]] - widths[wanting[0]]
        if want <= share:
            widths[wanting.pop(0)] += want
            spare -= want
            continue
        for rank, column in enumerate(wanting):
            widths[column] += share + (1 if rank < extra else 0)
        spare = 0
    return widths


def _longest_word(text: str) -> int:
    """Cells of the longest piece of `text` that cannot be broken across lines."""
    return max((cell_len(word.rstrip()) for _, word in _words(text)), default=1) or 1


def _widest_line(text: str) -> int:
    return max((cell_len(line) for line in text.split("\n")), default=1) or 1


def _latex_to_unicode(source: str) -> str | None:
    from app.ui.math import latex_to_unicode

    return latex_to_unicode(source)


@lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer | None:
    """A Pygments lexer by fence name; cached because a miss scans plugin entry points."""
    if not language:
        return None
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language)
    except (ClassNotFound, ValueError, TypeError):
        return None


@dataclass(slots=True)
class _Container:
    """A list item, quote or footnote: prefixes for its first line and the lines after."""

    first: Line
    rest: Line
    width: int
    used: bool = False


@dataclass(slots=True)
class _ListState:
    number: int | None  # the next item's number, None for a bullet list
    depth: int


@dataclass(slots=True)
class _Inline:
    """Inline content being collected for one paragraph, heading or table cell."""

    text: Text = field(default_factory=_WrappingText)
    styles: list[Style] = field(default_factory=list)
    images: list[int] = field(default_factory=list)
    soft_break: bool = False  # a line break in the source, not yet known to be a space


@dataclass(slots=True)
class _TableState:
    alignments: tuple[str, ...]
    header: list[Text] = field(default_factory=list)
    rows: list[list[Text]] = field(default_factory=list)
    in_head: bool = False


class _Builder:
    """Turns the event stream into lines; `run` can stop after a block and resume later."""

    def __init__(
        self,
        body: str,
        width: int,
        theme: RenderTheme,
        image_probe: ImageProbe | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        width = max(1, width)
        self.events: Iterator[Any] = _PARSER.events(body)
        self.width = width
        self.theme = theme
        self.image_probe = image_probe
        self.cancelled = cancelled
        self.was_cancelled = False
        self.console = _console(width)
        self.options: ConsoleOptions = self.console.options
        self.lines: list[Line] = []
        self.anchors: dict[str, int] = {}
        self.headings: list[HeadingRef] = []
        self.links: list[str] = []
        self.images: list[ImageRef] = []
        self.blocks = 0
        self.need_gap = False
        self.containers: list[_Container] = []
        self.lists: list[_ListState] = []
        self.inline: _Inline | None = None
        self.inline_is_tight = False  # text directly inside a tight list item
        self.heading_level = 0
        self.code: list[str] | None = None
        self.code_language = ""
        self.html: list[str] | None = None
        self.table: _TableState | None = None
        self.image_alt: list[str] | None = None
        self.image_target = ""
        self.link_depth = 0
        self.pending_math: str | None = None  # inline math waiting for the event after it

    # -- driver -------------------------------------------------------------------------

    def run(self, max_blocks: int | None) -> bool:
        """Handle events until `max_blocks` blocks exist in all; True when the note is done."""
        blocks = self.blocks
        for event in self.events:
            self.handle(event)
            if self.blocks != blocks:
                blocks = self.blocks
                if self.cancelled is not None and self.cancelled():
                    self.was_cancelled = True
                    return False
                if max_blocks is not None and blocks >= max_blocks:
                    return False
        if self.pending_math is not None:
            self.resolve_math(None)
        self.flush_inline()
        return True

    def snapshot(self, *, complete: bool) -> Rendered:
        """The lines so far, copied so that a resumed run cannot change what was handed out."""
        return Rendered(
            lines=list(self.lines),
            width=self.width,
            anchors=dict(self.anchors),
            headings=list(self.headings),
            links=list(self.links),
            images=list(self.images),
            complete=complete,
        )

    def handle(self, event: Any) -> None:
        if self.pending_math is not None:
            self.resolve_math(event)
        if isinstance(event, str):
            self.handle_bare(event)
            return
        ((kind, value),) = event.items()
        if kind == "Text":
            self.on_text(value)
        elif kind == "Start":
            self.on_start(value)
        elif kind == "End":
            self.on_end(value)
        elif kind == "Code":
            self.add_inline(inert(value), self.theme.code_inline)
        elif kind == "InlineMath":
            self.pending_math = value  # math or a price: the next event tells
        elif kind == "DisplayMath":
            self.display_math(value)
        elif kind == "Html" or kind == "InlineHtml":
            self.on_html(value, block=kind == "Html")
        elif kind == "FootnoteReference":
            self.add_inline(f"[{inert_line(value)}]", self.theme.footnote)
        elif kind == "TaskListMarker":
            self.on_task(bool(value))

    def handle_bare(self, event: str) -> None:
        if event == "SoftBreak":
            if self.code is not None:
                self.code.append("\n")
            elif self.image_alt is not None:
                self.image_alt.append(" ")
            elif self.inline is not None:
                self.inline.soft_break = True
        elif event == "HardBreak":
            self.add_inline("\n")
        elif event == "Rule":
            self.flush_inline()
            self.emit([[Segment("─" * self.inner_width(), self.theme.rule)]])

    # -- events -------------------------------------------------------------------------

    def on_text(self, value: str) -> None:
        if self.code is not None:
            self.code.append(value)
        elif self.html is not None:
            self.html.append(value)
        elif self.image_alt is not None:
            self.image_alt.append(value)
        else:
            self.add_inline(inert(value))

    def on_start(self, tag: Any) -> None:
        if isinstance(tag, str):
            self.on_start_simple(tag)
            return
        ((kind, value),) = tag.items()
        if kind == "Heading":
            self.flush_inline()
            self.heading_level = int(value["level"][1])
            self.inline = _Inline()
        elif kind == "Link":
            self.push_link(value["dest_url"])
        elif kind == "Image":
            self.image_alt = []
            self.image_target = value["dest_url"]
        elif kind == "List":
            self.flush_inline()
            self.lists.append(_ListState(value, len(self.lists)))
        elif kind == "BlockQuote":
            self.flush_inline()
            self.gap_now()
            bar = [Segment("▌ ", self.theme.quote_bar)]
            self.containers.append(_Container(bar, bar, 2))
        elif kind == "CodeBlock":
            self.flush_inline()
            self.code = []
            fenced = value.get("Fenced") if isinstance(value, dict) else None
            self.code_language = fenced.split(maxsplit=1)[0] if fenced and fenced.split() else ""
        elif kind == "Table":
            self.flush_inline()
            self.table = _TableState(tuple(value))
        elif kind == "FootnoteDefinition":
            self.flush_inline()
            label = f"[{inert_line(value)}] "
            width = Text(label).cell_len
            self.containers.append(
                _Container([Segment(label, self.theme.footnote)], [Segment(" " * width)], width)
            )

    def on_start_simple(self, tag: str) -> None:
        if tag == "Paragraph":
            self.flush_inline()
            self.inline = _Inline()
        elif tag == "Item":
            self.flush_inline()
            self.start_item()
        elif tag == "HtmlBlock":
            self.flush_inline()
            self.html = []
        elif tag == "TableHead" and self.table is not None:
            self.table.in_head = True
        elif tag == "TableRow" and self.table is not None:
            self.table.rows.append([])
        elif tag == "TableCell":
            self.inline = _Inline()
        elif tag == "Emphasis":
            self.push_style(Style(italic=True))
        elif tag == "Strong":
            self.push_style(Style(bold=True))
        elif tag == "Strikethrough":
            self.push_style(Style(strike=True))
        elif tag in ("Superscript", "Subscript"):
            self.push_style(Style(dim=True))

    def on_end(self, tag: Any) -> None:
        if isinstance(tag, dict):
            ((kind, _value),) = tag.items()
        else:
            kind = tag
        if kind == "Paragraph":
            self.flush_inline()
        elif kind == "Heading":
            self.end_heading()
        elif kind in ("Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript"):
            self.pop_style()
        elif kind == "Link":
            self.pop_style()
            self.link_depth -= 1
        elif kind == "Image":
            self.end_image()
        elif kind == "Item":
            self.flush_inline()
            self.containers.pop()
        elif kind == "List":
            self.lists.pop()
            self.need_gap = True
        elif kind in ("BlockQuote", "FootnoteDefinition"):
            self.flush_inline()
            self.containers.pop()
            self.need_gap = True
        elif kind == "CodeBlock":
            self.end_code()
        elif kind == "HtmlBlock":
            html, self.html = self.html, None
            if html:
                self.emit_renderable(Text(inert("".join(html).rstrip("\n")), self.theme.html))
        elif kind == "TableCell":
            self.end_cell()
        elif kind == "TableHead" and self.table is not None:
            self.table.in_head = False
        elif kind == "Table":
            self.end_table()

    # -- inline -------------------------------------------------------------------------

    def current_style(self) -> Style | None:
        if self.inline is None or not self.inline.styles:
            return None
        return self.inline.styles[-1]

    def push_style(self, style: Style) -> None:
        if self.inline is None:
            self.start_tight_inline()
        assert self.inline is not None
        current = self.current_style()
        self.inline.styles.append(current + style if current is not None else style)

    def pop_style(self) -> None:
        if self.inline is not None and self.inline.styles:
            self.inline.styles.pop()

    def push_link(self, target: str) -> None:
        index = len(self.links)
        self.links.append(target)
        self.link_depth += 1
        self.push_style(self.theme.link + Style(meta={"@click": f"link({index})"}))

    def start_tight_inline(self) -> None:
        """Inline content straight inside a list item (a tight list has no paragraphs)."""
        self.inline = _Inline()
        self.inline_is_tight = True

    def add_inline(self, text: str, style: Style | None = None) -> None:
        if self.image_alt is not None:
            self.image_alt.append(text)
            return
        if self.inline is None:
            if not text.strip():
                return
            self.start_tight_inline()
        inline = self.inline
        assert inline is not None
        current = self.current_style()
        if inline.soft_break:
            # Chinese and Japanese lines join without a space, as CSS Text 3 has browsers do.
            inline.soft_break = False
            if not (_is_wide(inline.text.plain[-1:]) and _is_wide(text[:1])):
                inline.text.append(" ", current)
        if style is not None and current is not None:
            style = current + style
        inline.text.append(text, style or current)

    def resolve_math(self, following: Any) -> None:
        """Pandoc's rule that pulldown-cmark lacks: a closing `$` followed by a digit does not
        end math, so `$5-$10` is a price range, not the formula `5-` before a 10."""
        source, self.pending_math = self.pending_math, None
        assert source is not None
        text = following.get("Text") if isinstance(following, dict) else None
        if isinstance(text, str) and text[:1].isdigit():
            self.add_inline(inert(f"${source}$"))
        else:
            self.add_math(source)

    def add_math(self, source: str) -> None:
        converted = _latex_to_unicode(source)
        if converted is None:
            self.add_inline(f"${inert_line(source)}$", self.theme.math_source)
        else:
            self.add_inline(inert_line(converted), self.theme.math)

    def display_math(self, source: str) -> None:
        self.flush_inline(keep_open=True)
        converted = _latex_to_unicode(source.strip())
        if converted is None:
            text = Text(f"$${inert(source.strip())}$$", self.theme.math_source, justify="center")
        else:
            text = Text(inert_line(converted), self.theme.math, justify="center")
        self.emit_renderable(text)

    def on_html(self, value: str, *, block: bool) -> None:
        if self.html is not None:
            self.html.append(value)
        elif not block and _BR.fullmatch(value.strip()):
            self.add_inline("\n")
        else:
            self.add_inline(inert(value), self.theme.html)

    def end_image(self) -> None:
        alt = inert_line("".join(self.image_alt or ())).strip()
        self.image_alt = None
        target = self.image_target
        index = len(self.images)
        self.images.append(ImageRef(alt, target, -1))
        info = self.probe(target)
        style = self.theme.image_missing if info.problem else self.theme.image
        if self.link_depth == 0:
            style += Style(meta={"@click": f"image({index})"})
        if self.inline is None:
            self.start_tight_inline()
        assert self.inline is not None
        self.inline.images.append(index)
        start = len(self.inline.text)
        self.add_inline(_image_label(alt, target, info), style)
        self.inline.text.stylize(Style(meta={"image": index}), start, len(self.inline.text))

    def probe(self, target: str) -> ImageInfo:
        if self.image_probe is None:
            return ImageInfo()
        try:
            return self.image_probe(target)
        except (OSError, ValueError):
            return ImageInfo(problem="unreadable image")

    def on_task(self, done: bool) -> None:
        if not self.containers:
            return
        item = self.containers[-1]
        mark = "☑ " if done else "☐ "
        style = self.theme.task_done if done else self.theme.task_open
        item.first = [Segment(" " * (item.width - 2)), Segment(mark, style)]

    def flush_inline(self, *, keep_open: bool = False) -> None:
        """Emit the paragraph (or tight item text) collected so far."""
        inline = self.inline
        if inline is None or self.heading_level or self.table is not None:
            return
        tight = self.inline_is_tight
        if keep_open:
            self.inline = _Inline(styles=list(inline.styles))
        else:
            self.inline = None
            self.inline_is_tight = False
        text = inline.text
        text.rstrip()
        if not text.plain.strip():
            return
        start = len(self.lines)
        self.emit_renderable(text, gap_after=not tight)
        if inline.images:
            self.locate_images(inline.images, start)

    def locate_images(self, indexes: list[int], start: int) -> None:
        pending = set(indexes)
        for number in range(start, len(self.lines)):
            for segment in self.lines[number]:
                style = segment.style
                if style is None or style._meta is None:
                    continue
                index = style.meta.get("image")
                if index in pending:
                    pending.discard(index)
                    image = self.images[index]
                    self.images[index] = image._replace(line=number)
            if not pending:
                return

    # -- leaf blocks --------------------------------------------------------------------

    def end_heading(self) -> None:
        inline, self.inline = self.inline, None
        level, self.heading_level = self.heading_level, 0
        if inline is None:
            return
        text = inline.text
        text.style = self.theme.headings[level - 1]
        plain = text.plain.strip()
        slug = slugify(plain)
        if slug in self.anchors:
            n = 1
            while f"{slug}-{n}" in self.anchors:
                n += 1
            slug = f"{slug}-{n}"
        self.need_gap = bool(self.lines)
        self.begin_block()
        line = len(self.lines)
        self.anchors[slug] = line
        self.headings.append(HeadingRef(level, plain, line, slug))
        lines = self.render(text)
        if level <= 2:
            rule = self.theme.heading_rules[level - 1]
            lines.append([Segment(rule * self.inner_width(), self.theme.headings[level - 1])])
        self.add_lines(lines)
        self.need_gap = True

    def end_code(self) -> None:
        code = inert("".join(self.code or ())).rstrip("\n")
        self.code = None
        lexer = _lexer(self.code_language.lower())
        from rich.syntax import Syntax

        syntax = Syntax(
            code,
            lexer if lexer is not None else "text",
            theme=self.theme.code_theme,
            word_wrap=True,
            padding=(0, 1),
            tab_size=4,
        )
        self.emit_renderable(syntax)

    def end_cell(self) -> None:
        inline, self.inline = self.inline, None
        table = self.table
        if table is None or inline is None:
            return
        if table.in_head:
            table.header.append(inline.text)
        elif table.rows:
            table.rows[-1].append(inline.text)

    def end_table(self) -> None:
        state, self.table = self.table, None
        if state is None:
            return
        count = max([len(state.header), *(len(row) for row in state.rows)], default=0)
        if count == 0:
            return
        header = state.header + [Text() for _ in range(count - len(state.header))]
        rows = [row + [Text() for _ in range(count - len(row))] for row in state.rows]
        widths, padding = _column_widths([header, *rows], self.inner_width())
        if widths is not None and not widths:
            self.emit_renderable(self.table_as_records(header, rows))
            return
        table = Table(
            box=box.ROUNDED,
            expand=False,
            border_style=self.theme.table_border,
            header_style=self.theme.table_header,
            padding=(0, padding),
        )
        justify = {"Left": "left", "Center": "center", "Right": "right"}
        for column in range(count):
            align = state.alignments[column] if column < len(state.alignments) else "None"
            table.add_column(
                header[column],
                justify=justify.get(align, "left"),  # type: ignore[arg-type]
                overflow="fold",
                width=widths[column] if widths else None,
            )
        for row in rows:
            table.add_row(*row)
        self.emit_renderable(table)

    def table_as_records(self, header: list[Text], rows: list[list[Text]]) -> Text:
        """A table too wide for any grid: each row as `header: value` lines."""
        text = _WrappingText()
        for number, row in enumerate(rows):
            if number:
                text.append("\n")
            for name, cell in zip(header, row, strict=True):
                text.append(name.plain or "·", self.theme.table_header)
                text.append(": ")
                text.append_text(cell)
                text.append("\n")
        text.rstrip()
        return text

    # -- layout -------------------------------------------------------------------------

    def inner_width(self) -> int:
        indent = sum(container.width for container in self.containers)
        return max(min(self.width, _MIN_BLOCK_WIDTH), self.width - indent)

    def start_item(self) -> None:
        state = self.lists[-1] if self.lists else _ListState(None, 0)
        if state.number is None:
            marker = _BULLETS[state.depth % len(_BULLETS)] + " "
        else:
            marker = f"{state.number}. "
            state.number += 1
        width = len(marker)
        self.containers.append(
            _Container([Segment(marker, self.theme.bullet)], [Segment(" " * width)], width)
        )

    def gap_now(self) -> None:
        """Put a pending gap before a container opens, so it is not drawn with its prefix."""
        if self.need_gap and self.lines:
            self.lines.append(self.prefix(gap=True))
        self.need_gap = False

    def begin_block(self) -> None:
        """Count a block and put a gap before it."""
        self.blocks += 1
        if self.need_gap and self.lines:
            self.lines.append(self.prefix(gap=True))
        self.need_gap = False

    def emit_renderable(self, renderable: RenderableType, *, gap_after: bool = True) -> None:
        self.begin_block()
        self.add_lines(self.render(renderable))
        self.need_gap = gap_after

    def emit(self, lines: list[Line]) -> None:
        self.begin_block()
        self.add_lines(lines)
        self.need_gap = True

    def render(self, renderable: RenderableType) -> list[Line]:
        options = self.options.update_width(self.inner_width())
        return self.console.render_lines(renderable, options, pad=False, new_lines=False)

    def add_lines(self, lines: list[Line]) -> None:
        quoted = any(container.first is container.rest for container in self.containers)
        for line in lines:
            prefix = self.prefix()
            if quoted:
                line = list(Segment.apply_style(line, self.theme.quote))
            combined = prefix + line if prefix else line
            if Segment.get_line_length(combined) > self.width:
                combined = Segment.adjust_line_length(combined, self.width)
            self.lines.append(combined)

    def prefix(self, *, gap: bool = False) -> Line:
        segments: Line = []
        budget = self.width - _MIN_BLOCK_WIDTH
        used = 0
        for container in self.containers:
            if used + container.width > budget:
                container.used = True
                continue
            used += container.width
            if gap:
                if container.first is container.rest:
                    segments.extend(container.rest)
                continue
            segments.extend(container.rest if container.used else container.first)
            container.used = True
        return segments
