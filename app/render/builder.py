"""The Markdown event stream turned into the lines of a note, one leaf block at a time.

pyromark (a Rust pull parser) yields events; each leaf block (paragraph, heading, code, table,
...) becomes one rich renderable, laid out on the `Page` at the width its containers leave.
Knowing the line where each block starts gives heading anchors and the outline for free.
`run` can stop after any block and resume later, so a long note's first screen comes early.
Every string from the note goes through `inert` before it reaches a Text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyromark
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from app.core.anchors import HeadingSlugs
from app.core.sanitize import inert, inert_line
from app.render.code import code_block
from app.render.inline import Inline, image_info, image_label, math_display, math_inline
from app.render.layout import Container, Page
from app.render.rendered import FigureRef, FigureSizer, HeadingRef, ImageProbe, ImageRef, Rendered
from app.render.tables import TableState, table_renderable
from app.render.theme import RenderTheme
from app.render.wrap import is_wide

__all__ = ["Builder"]

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_MATH
    | pyromark.Options.ENABLE_FOOTNOTES
)
_PARSER = pyromark.Markdown(options=_OPTIONS)

_BULLETS = ("•", "◦", "▪")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(slots=True)
class _ListState:
    number: int | None  # the next item's number, None for a bullet list
    depth: int


class Builder:
    """Turns the event stream into lines; `run` can stop after a block and resume later."""

    def __init__(
        self,
        body: str,
        width: int,
        theme: RenderTheme,
        image_probe: ImageProbe | None,
        cancelled: Callable[[], bool] | None,
        figure_sizer: FigureSizer | None = None,
    ) -> None:
        width = max(1, width)
        self.events: Iterator[Any] = _PARSER.events(body)
        self.width = width
        self.theme = theme
        self.image_probe = image_probe
        self.cancelled = cancelled
        self.was_cancelled = False
        self.page = Page(width, theme.quote)
        self.anchors: dict[str, int] = {}
        self.slugs = HeadingSlugs()
        self.headings: list[HeadingRef] = []
        self.links: list[str] = []
        self.images: list[ImageRef] = []
        self.figure_sizer = figure_sizer
        self.figures: list[FigureRef] = []
        self.image_pixels: dict[int, tuple[int, int]] = {}  # images that can be drawn
        self.lists: list[_ListState] = []
        self.inline: Inline | None = None
        self.inline_is_tight = False  # text directly inside a tight list item
        self.heading_level = 0
        self.code: list[str] | None = None
        self.code_language = ""
        self.html: list[str] | None = None
        self.table: TableState | None = None
        self.image_alt: list[str] | None = None
        self.image_target = ""
        self.link_depth = 0
        self.pending_math: str | None = None  # inline math waiting for the event after it

    # -- driver -------------------------------------------------------------------------

    def run(self, max_blocks: int | None) -> bool:
        """Handle events until `max_blocks` blocks exist in all; True when the note is done."""
        blocks = self.page.blocks
        for event in self.events:
            self.handle(event)
            if self.page.blocks != blocks:
                blocks = self.page.blocks
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
            lines=list(self.page.lines),
            width=self.width,
            anchors=dict(self.anchors),
            headings=list(self.headings),
            links=list(self.links),
            images=list(self.images),
            figures=list(self.figures),
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
            self.page.emit([[Segment("─" * self.page.inner_width(), self.theme.rule)]])

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
            self.inline = Inline()
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
            self.page.gap_now()
            bar = [Segment("▌ ", self.theme.quote_bar)]
            self.page.containers.append(Container(bar, bar, 2))
        elif kind == "CodeBlock":
            self.flush_inline()
            self.code = []
            fenced = value.get("Fenced") if isinstance(value, dict) else None
            self.code_language = fenced.split(maxsplit=1)[0] if fenced and fenced.split() else ""
        elif kind == "Table":
            self.flush_inline()
            self.table = TableState(tuple(value))
        elif kind == "FootnoteDefinition":
            self.flush_inline()
            label = f"[{inert_line(value)}] "
            width = Text(label).cell_len
            self.page.containers.append(
                Container([Segment(label, self.theme.footnote)], [Segment(" " * width)], width)
            )

    def on_start_simple(self, tag: str) -> None:
        if tag == "Paragraph":
            self.flush_inline()
            self.inline = Inline()
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
            self.inline = Inline()
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
            self.page.containers.pop()
        elif kind == "List":
            self.lists.pop()
            self.page.need_gap = True
        elif kind in ("BlockQuote", "FootnoteDefinition"):
            self.flush_inline()
            self.page.containers.pop()
            self.page.need_gap = True
        elif kind == "CodeBlock":
            self.end_code()
        elif kind == "HtmlBlock":
            html, self.html = self.html, None
            if html:
                self.page.emit_renderable(Text(inert("".join(html).rstrip("\n")), self.theme.html))
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
        self.inline = Inline()
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
            if not (is_wide(inline.text.plain[-1:]) and is_wide(text[:1])):
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
        self.add_inline(*math_inline(source, self.theme))

    def display_math(self, source: str) -> None:
        self.flush_inline(keep_open=True)
        self.page.emit_renderable(math_display(source, self.theme))

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
        info = image_info(self.image_probe, target)
        if info.problem is None and info.size is not None and self.link_depth == 0:
            self.image_pixels[index] = info.size
        style = self.theme.image_missing if info.problem else self.theme.image
        if self.link_depth == 0:
            style += Style(meta={"@click": f"image({index})"})
        if self.inline is None:
            self.start_tight_inline()
        assert self.inline is not None
        self.inline.images.append(index)
        start = len(self.inline.text)
        self.add_inline(image_label(alt, target, info), style)
        self.inline.text.stylize(Style(meta={"image": index}), start, len(self.inline.text))

    def on_task(self, done: bool) -> None:
        if not self.page.containers:
            return
        item = self.page.containers[-1]
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
            self.inline = Inline(styles=list(inline.styles))
        else:
            self.inline = None
            self.inline_is_tight = False
        text = inline.text
        text.rstrip()
        if not text.plain.strip():
            return
        start = len(self.page.lines)
        self.page.emit_renderable(text, gap_after=not tight)
        if inline.images:
            self.locate_images(inline.images, start)
            self.keep_figure_lines(inline.images)

    def keep_figure_lines(self, indexes: list[int]) -> None:
        """Below the paragraph, blank lines for each of its images the terminal can draw."""
        sizer = self.figure_sizer
        if sizer is None:
            return
        for index in indexes:
            pixels = self.image_pixels.get(index)
            if pixels is None:
                continue
            box = sizer(pixels, self.page.inner_width())
            if box is None:
                continue
            line = len(self.page.lines)
            click = Style(meta={"@click": f"image({index})"})  # like its placeholder
            self.page.add_lines([[Segment(" " * box.cols, click)] for _ in range(box.rows)])
            x = Segment.get_line_length(self.page.lines[line]) - box.cols
            self.figures.append(FigureRef(index, self.images[index].target, line, x, box))

    def locate_images(self, indexes: list[int], start: int) -> None:
        for index, line in self.page.lines_of("image", indexes, start).items():
            self.images[index] = self.images[index]._replace(line=line)

    # -- leaf blocks --------------------------------------------------------------------

    def end_heading(self) -> None:
        inline, self.inline = self.inline, None
        level, self.heading_level = self.heading_level, 0
        if inline is None:
            return
        text = inline.text
        text.style = self.theme.headings[level - 1]
        plain = text.plain.strip()
        slug = self.slugs.add(plain)
        self.page.need_gap = bool(self.page.lines)
        self.page.begin_block()
        line = len(self.page.lines)
        self.anchors[slug] = line
        self.headings.append(HeadingRef(level, plain, line, slug))
        lines = self.page.render(text)
        if level <= 2:
            rule = self.theme.heading_rules[level - 1]
            lines.append([Segment(rule * self.page.inner_width(), self.theme.headings[level - 1])])
        self.page.add_lines(lines)
        self.page.need_gap = True

    def end_code(self) -> None:
        code = inert("".join(self.code or ())).rstrip("\n")
        self.code = None
        self.page.emit_renderable(code_block(code, self.code_language, self.theme))

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
        renderable = table_renderable(state, self.page.inner_width(), self.theme)
        if renderable is not None:
            self.page.emit_renderable(renderable)

    # -- containers ---------------------------------------------------------------------

    def start_item(self) -> None:
        state = self.lists[-1] if self.lists else _ListState(None, 0)
        if state.number is None:
            marker = _BULLETS[state.depth % len(_BULLETS)] + " "
        else:
            marker = f"{state.number}. "
            state.number += 1
        width = len(marker)
        self.page.containers.append(
            Container([Segment(marker, self.theme.bullet)], [Segment(" " * width)], width)
        )
