"""pulldown-cmark's events for one chunk, turned into its heading and entry rows.

pulldown-cmark (through pyromark) does the Markdown: it is a real CommonMark parser, an order of
magnitude faster than markdown-it-py on big indexes, and it reports UTF-8 byte ranges, which the
editor needs to change one marker and nothing else.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

import pyromark

from app.core.model import Link, Marker, MarkerKind, Status
from app.core.parse.items import (
    DONE_SIGNS,
    DONE_VALUES,
    MAX_DESCRIPTION,
    TODO_VALUES,
    cell_word,
    description,
    is_self_anchor,
    leading_title,
    line_starts,
    note_of,
    only_separators,
    row_lead,
    row_title,
    squash,
    starts_content,
    status_column,
    without_boxes,
    word_marker,
    word_start,
)
from app.core.parse.options import BODY_OPTIONS
from app.core.parse.read import decode
from app.core.parse.rows import (
    KIND_NUMBER,
    PARAGRAPH,
    ROW,
    ChunkResult,
    EntryRow,
    HeadingRow,
)

MAX_TEXT = 2_000  # a title, heading or link label longer than this is cut, with a warning


@dataclass(slots=True)
class _Item:
    """An open list item while events stream by."""

    start: int
    depth: int
    texts: list[str] = field(default_factory=list)
    first_line_done: bool = False
    links: list[Link] = field(default_factory=list)
    link_depth: int = 0
    link_label: list[str] = field(default_factory=list)
    link_url: str = ""
    first_title: str | None = None
    checkbox: tuple[bool, int, int] | None = None  # (checked, start, end)
    first_text_at: int | None = None
    in_nested_list: int = 0
    prefix: list[str] = field(default_factory=list)  # own text before the first link
    words: list[str] = field(default_factory=list)  # all its own text, for the description
    words_length: int = 0
    shape: int = 0  # a list item (0), a table row (ROW) or a paragraph (PARAGRAPH)
    outside: str = ""  # a paragraph's text outside its links so far
    # A table row's own (unset for others: a list item allocates no more lists than it needs).
    cells: list[tuple[int, int]] = field(init=False)  # its cells' byte ranges
    cell_texts: list[list[str]] = field(init=False)  # <br> as "\n"
    bold: list[str] = field(init=False)  # the first bold text of its first cell
    bold_depth: int = 0
    bold_done: bool = False
    before_link: str | None = None  # a first cell's text before its first link
    lead_label: str | None = None  # the label of the first cell's first link


_BOX_TEXT = re.compile(r"\[[ xX]\]")  # a task box as a cell shows it
_ROW_NUMBER = re.compile(rb"\d{1,4}[.)][ \t]+")  # "1) ", "12. ": a row's numbering


def _offset_of(row: EntryRow) -> int:
    return row[1]


class _Builder:
    """Turns one chunk's events into heading and entry rows."""

    def __init__(
        self,
        data: bytes,
        text: str,
        offset: int,
        refs: Refs | None = None,
        options: pyromark.Options = BODY_OPTIONS,
    ) -> None:
        self.options = options
        self.data = data
        self.text = text
        self.offset = offset
        self.refs = refs
        self.line_starts = line_starts(data)
        self.headings: list[HeadingRow] = []
        self.rows: list[EntryRow] = []
        self.items: list[_Item] = []
        self.heading: list[str] | None = None
        self.heading_level = 0
        self.heading_start = 0
        self.uses_done_word = False
        self.todo_styles: dict[bytes, int] = {}
        self.ticks: dict[bytes, int] = {}
        self.in_code = 0
        self.current: _Item | None = None  # an open table row or paragraph outside any list
        self.table: list[_Item] | None = None  # the rows of an open table outside any list
        self.head: list[list[str]] | None = None  # the header cells' texts of that table
        self.status_column: int | None = None
        self.in_footnote = 0
        self.shortened: dict[str, int] = {}  # plural noun ("titles") -> how many were cut

    def result(self) -> ChunkResult:
        self.rows.sort(key=_offset_of)  # items close inner-first: put them in document order
        return (
            self.headings,
            self.rows,
            self.todo_styles,
            self.ticks,
            self.uses_done_word,
            self.shortened,
        )

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    def run(self) -> None:
        """One tight loop over the events: this is the hot path of opening a 50,000-entry index."""
        offset = self.offset
        items = self.items
        callback = self.refs.resolve if self.refs is not None else None
        events = pyromark.events_with_range(
            self.text, options=self.options, broken_link_callback=callback
        )
        event: Any
        for event, span in events:
            start = span["start"] + offset
            own = (items[-1] if not items[-1].in_nested_list else None) if items else self.current
            if own is not None and own.first_text_at is None and starts_content(event):
                own.first_text_at = start
            if type(event) is str:
                if event != "Rule":
                    self._text(" ", own, soft_break=True)
                continue
            ((kind, value),) = event.items()  # one key: a dict event is {kind: value}
            if kind == "Text":
                self._text(value, own)
            elif kind == "Start":
                if value == "TableCell" and own is not None and own.shape == ROW:
                    own.cells.append((start, span["end"] + offset))  # twice a row: inline
                    own.cell_texts.append([])
                else:
                    self._start(value, own, start, span["end"] + offset)
            elif kind == "End":
                if value != "TableCell":  # a cell's end changes nothing (its text is kept)
                    self._end(value, own)
            elif kind == "Code":
                self._text(value, own, code=True)
            elif kind == "TaskListMarker" and own is not None and own.first_text_at is None:
                own.checkbox = own.checkbox or (bool(value), start, span["end"] + offset)
            elif own is not None and own.shape:
                if kind == "InlineHtml" and value.strip().lower() in ("<br>", "<br/>", "<br />"):
                    self._text(" ", own, soft_break=True)
                else:
                    self._not_links(own)

    def _start(self, tag: Any, own: _Item | None, start: int, end: int) -> None:
        if type(tag) is str:
            if tag == "Item":
                # After a tab, pulldown-cmark starts the item at the previous line's end.
                while self.data[start : start + 1] in (b"\n", b"\r", b" ", b"\t"):
                    start += 1
                self.items.append(_Item(start=start, depth=len(self.items)))
            elif tag == "Paragraph":
                if not self.items and self.current is None and not self.in_footnote:
                    self.current = _Item(start=start, depth=0, shape=PARAGRAPH)
            elif tag == "Strong":
                first_cell = own is not None and own.shape == ROW and len(own.cells) == 1
                if first_cell and own is not None and not own.bold_done:
                    own.bold_depth += 1
            elif self.table is not None:
                if tag == "TableRow":
                    row = _Item(start=start, depth=0, shape=ROW)
                    row.cells, row.cell_texts, row.bold = [], [], []
                    self.current = row
                elif tag == "TableHead":
                    self.head = []
                elif tag == "TableCell" and self.head is not None:
                    self.head.append([])
            return
        ((kind, value),) = tag.items()
        if kind == "Link":
            if own is not None:
                own.link_depth += 1
                if own.link_depth == 1:
                    own.link_label = []
                    own.link_url = value["dest_url"]
                    if own.shape == ROW and len(own.cells) == 1 and own.before_link is None:
                        own.before_link = "".join(own.cell_texts[0])
        elif kind == "Image":
            if own is not None:
                self._not_links(own)
        elif kind == "Table":
            if self.items:
                self.items[-1].first_line_done = True  # its cells are no part of its title
            else:
                self.table = []
                self.status_column = None
        elif kind == "FootnoteDefinition":
            self.in_footnote += 1
        elif kind == "List":
            if self.items:
                self.items[-1].in_nested_list += 1
        elif kind == "Heading":
            self.heading = []
            self.heading_level = int(value["level"][1])
            self.heading_start = start
        elif kind == "CodeBlock":
            self.in_code += 1

    def _end(self, tag: Any, own: _Item | None) -> None:
        if type(tag) is str:
            if tag == "Link":
                if own is not None and own.link_depth:
                    own.link_depth -= 1
                    if own.link_depth == 0:
                        label = squash("".join(own.link_label))
                        own.links.append(Link(self._shorten(label, "link labels"), own.link_url))
                        if own.first_title is None:
                            own.first_title = label
                        if own.before_link is not None and own.lead_label is None:
                            own.lead_label = label
            elif tag == "Item":
                self._close_item(self.items.pop())
            elif own is not None and own.shape:
                if tag == "Strong" and own.bold_depth:
                    own.bold_depth -= 1
                    own.bold_done = not own.bold_depth
                elif tag == "Paragraph" and own.shape == PARAGRAPH:
                    self.current = None
                    self._close_paragraph(own)
                elif tag == "TableRow" and self.table is not None:
                    self.current = None
                    self.table.append(own)
            elif tag == "TableHead" and self.head is not None:
                self.status_column = status_column([squash("".join(h)) for h in self.head])
                self.head = None
            elif tag == "Table" and self.table is not None:
                self._close_table(self.table)
                self.table = None
            elif tag == "CodeBlock":
                self.in_code = max(0, self.in_code - 1)
            return
        if "Heading" in tag:
            self._close_heading()
        elif "FootnoteDefinition" in tag:
            self.in_footnote = max(0, self.in_footnote - 1)
        elif "List" in tag and self.items:
            self.items[-1].in_nested_list = max(0, self.items[-1].in_nested_list - 1)

    def _text(
        self, value: str, item: _Item | None, *, code: bool = False, soft_break: bool = False
    ) -> None:
        if self.heading is not None:
            self.heading.append(value)
            return
        if item is None or self.in_code:
            if self.head:
                self.head[-1].append(value)
            return
        if item.shape == ROW:  # a row is read from its cells (``_close_row``): nothing else
            if item.cell_texts:
                item.cell_texts[-1].append("\n" if soft_break else value)
                if item.bold_depth:
                    item.bold.append(value)
            if item.link_depth:
                item.link_label.append(value)
            return
        if item.shape and not item.link_depth:
            item.outside += value
            if code or not only_separators(item.outside):
                self._not_links(item)  # prose or code: no entry, and not followed any further
                return
        if item.words_length < MAX_DESCRIPTION:
            item.words.append(value)
            item.words_length += len(value)
        if item.link_depth:
            item.link_label.append(value)
        elif not item.links and not code and not item.first_line_done and not soft_break:
            item.prefix.append(value)
        if soft_break:
            item.first_line_done = True
        elif not item.first_line_done:
            item.texts.append(value)

    def _close_heading(self) -> None:
        text = self._shorten(squash("".join(self.heading or [])), "headings")
        start = self.heading_start
        self.headings.append((self.heading_level, text, start, self.line_of(start)))
        self.heading = None

    def _close_item(self, item: _Item) -> None:
        if item.links and all("#" in lk.url and is_self_anchor(lk.url) for lk in item.links):
            return  # a table of contents or "back to top" link
        raw_first = squash("".join(item.texts))
        marker, status, rest = self._marker(item, raw_first)
        if item.links:
            title = leading_title(item.prefix, marker) or item.first_title or rest
        else:
            title = rest or raw_first
        if not title and not item.links:
            return  # an item with no text of its own, such as "- ### Heading"
        title = self._shorten(title, "titles") if title else "(untitled)"
        note, escapes = note_of(item.links)
        folded = title.casefold()
        self.rows.append(
            (
                len(self.headings) - 1,
                item.start,
                self.line_of(item.start),
                item.depth,
                title,
                folded,
                status is Status.TODO,
                note,
                tuple((link.label, link.url) for link in item.links),
                KIND_NUMBER[marker.kind],
                marker.start,
                marker.end,
                marker.word_start,
                marker.word_end,
                escapes,
                description(item.words, marker),
                f"{folded}\x1f{note or ''}\x1f0",
                item.shape,
            )
        )

    def _not_links(self, item: _Item) -> None:
        """A paragraph that turns out to hold more than links (prose, code, an image) is dropped
        at once: the rest of its events go by as outside any entry."""
        if item.shape == PARAGRAPH and self.current is item:
            self.current = None

    def _close_paragraph(self, item: _Item) -> None:
        """A paragraph of links (and a marker, years, separators) is an entry like a list item."""
        if not item.links:
            return
        at = item.first_text_at if item.first_text_at is not None else item.start
        box = self.data[at : at + 4]
        if box[:3] in (b"[ ]", b"[x]", b"[X]") and box[3:4] in (b" ", b"\t"):
            item.checkbox = (box[1:2] != b" ", at, at + 3)
            item.prefix = []  # the box is no text before the first link ("x" is no title)
        self._close_item(item)

    def _close_table(self, rows: list[_Item]) -> None:
        """A table's rows are entries when one of them links somewhere (not to a heading here)."""
        if not any(not is_self_anchor(link.url) for row in rows for link in row.links):
            return
        for row in rows:
            self._close_row(row)

    def _close_row(self, row: _Item) -> None:
        if not row.cells or (row.links and all(is_self_anchor(lk.url) for lk in row.links)):
            return
        texts = ["".join(cell) for cell in row.cell_texts]
        first = row_lead(texts[0])
        before = row.before_link
        lead = before is not None and not row_lead(before).strip()
        # Text before the cell's first link, when there is some: "Some Paper [pdf](...)".
        own = row_lead(before) if before and not lead else first
        title = row_title(own, "".join(row.bold), row.lead_label if lead else None)
        if not title[:1].isalpha() and not any(char.isalpha() for char in title):
            title = row.first_title or title  # a date or a number: the row's paper instead
        if not title and not row.links:
            return
        marker, status = self._row_marker(row, texts)
        title = self._shorten(title, "titles") if title else "(untitled)"
        note, escapes = note_of(row.links)
        folded = title.casefold()
        cells = [squash(first)]  # squash makes a <br> ("\n") a space
        status_column = self.status_column
        for number in range(1, len(texts)):
            if number != status_column:  # the status is not text: a mark changes it
                cell = squash(without_boxes(texts[number]))
                if cell:
                    cells.append(cell)
        text = " | ".join(cells)[:MAX_DESCRIPTION] if cells[0] else " | ".join(cells[1:])
        self.rows.append(
            (
                len(self.headings) - 1,
                row.start,
                self.line_of(row.start),
                0,
                title,
                folded,
                status is Status.TODO,
                note,
                tuple((link.label, link.url) for link in row.links),
                KIND_NUMBER[marker.kind],
                marker.start,
                marker.end,
                0,
                0,
                escapes,
                text,
                f"{folded}\x1f{note or ''}\x1f0",
                ROW,
            )
        )

    def _row_marker(self, row: _Item, texts: list[str]) -> tuple[Marker, Status]:
        """A table row's status: a TODO/DONE word starting its first cell, a task box in any
        cell, its Status (Read, Done) column's value, or a ✅/✔ starting its first cell."""
        data = self.data
        cell_start, cell_end = row.cells[0]
        at = cell_start
        while at < cell_end and data[at : at + 1] in (b" ", b"\t"):
            at += 1
        word = cell_word(data, at, cell_end)
        numbered = _ROW_NUMBER.match(data, at, cell_end) if word is None else None
        if numbered is not None:  # "1) TODO Title": the word after the row's numbering
            word = cell_word(data, numbered.end(), cell_end)
            if word is not None:
                at = numbered.end()
        if word is not None and word[0] == "TODO":
            style = data[at : word[1]]
            self.todo_styles[style] = self.todo_styles.get(style, 0) + 1
            return Marker(MarkerKind.TODO_WORD, at, word[1]), Status.TODO
        for (start, end), text in zip(row.cells, texts, strict=True):
            if "[" not in text or not _BOX_TEXT.search(text):  # most cells are done here
                continue
            box_at = self._cell_box(start, end)
            if box_at is not None:
                tick = data[box_at + 1 : box_at + 2]
                if tick != b" ":
                    self.ticks[tick] = self.ticks.get(tick, 0) + 1
                return (
                    Marker(MarkerKind.CHECKBOX, box_at, box_at + 3),
                    Status.TODO if tick == b" " else Status.DONE,
                )
        if word is not None:
            self.uses_done_word = True
            return Marker(MarkerKind.DONE_WORD, at, word[1]), Status.DONE
        column = self.status_column
        if column is not None and column < len(row.cells):
            start, end = row.cells[column]
            value = data[start:end].decode(errors="replace").strip(" \t")
            folded = value.casefold()
            if folded in TODO_VALUES or folded in DONE_VALUES:
                value_at = data.find(value.encode(), start, end) if value else -1
                if value_at == -1:  # empty: after the cell's first space
                    value_at = start + (1 if data[start:end].startswith(b" ") else 0)
                marker = Marker(MarkerKind.STATUS_CELL, value_at, value_at + len(value.encode()))
                return marker, Status.DONE if folded in DONE_VALUES else Status.TODO
        for sign in DONE_SIGNS:
            if data.startswith(sign, at) and data[at + len(sign) : cell_end].strip():
                return Marker(MarkerKind.DONE_SIGN, at, at + len(sign)), Status.DONE
        return Marker(MarkerKind.NONE, at, at), Status.DONE

    def _cell_box(self, start: int, end: int) -> int | None:
        """Where a cell's first task box ("[ ]", "[x]", "[X]") is, read from the text the cell
        shows: a box is three characters written as they show, never a link's label ("[x](…)")
        or its brackets, so marking it and marking it back rewrite the same three bytes."""
        written_cell = self.data[start:end]
        cell = decode(written_cell)
        callback = self.refs.resolve if self.refs is not None else None
        shown: list[str] = []
        where: list[int] = []  # each shown character's byte offset, -1 when not written so
        for event, span in pyromark.events_with_range(
            cell, options=self.options, broken_link_callback=callback
        ):
            if type(event) is not dict or "Text" not in event:
                shown.append("\x00")  # breaks a box across an event that is not text
                where.append(-1)
                continue
            value: str = event["Text"]
            written = written_cell[span["start"] : span["end"]]
            at = start + span["start"]
            for char in value:
                shown.append(char)
                where.append(at if written == value.encode() else -1)
                at += len(char.encode())
        text = "".join(shown)
        for found in _BOX_TEXT.finditer(text):
            first = where[found.start()]
            if first != -1 and where[found.start() + 2] == first + 2:
                return first
        return None

    def _shorten(self, text: str, what: str) -> str:
        """Cut text past MAX_TEXT characters (a 10 MB line stays usable), counting what was cut."""
        if len(text) <= MAX_TEXT:
            return text
        self.shortened[what] = self.shortened.get(what, 0) + 1
        return text[:MAX_TEXT]

    def _marker(self, item: _Item, first_text: str) -> tuple[Marker, Status, str]:
        at = item.first_text_at if item.first_text_at is not None else item.start
        word = word_marker(self.data, at)
        if item.checkbox is not None:
            checked, cb_start, cb_end = item.checkbox
            todo_word = word is not None and word[0] == "TODO"
            status = Status.TODO if (not checked or todo_word) else Status.DONE
            if checked:
                tick = self.data[cb_start + 1 : cb_start + 2]
                self.ticks[tick] = self.ticks.get(tick, 0) + 1
            if todo_word and word is not None:
                rest = first_text[word[1] - at :].strip()
                marker = Marker(MarkerKind.CHECKBOX, cb_start, cb_end, at, word[1])
                return marker, status, rest
            return Marker(MarkerKind.CHECKBOX, cb_start, cb_end), status, first_text
        if word is not None:
            name, end = word
            rest = first_text[end - at :].strip()
            if name == "TODO":
                style = self.data[at:end]
                self.todo_styles[style] = self.todo_styles.get(style, 0) + 1
                return Marker(MarkerKind.TODO_WORD, at, end), Status.TODO, rest
            self.uses_done_word = True
            return Marker(MarkerKind.DONE_WORD, at, end), Status.DONE, rest
        insert_at = word_start(self.data, at, item.start)
        return Marker(MarkerKind.NONE, insert_at, insert_at), Status.DONE, first_text


class Refs:
    """The document's link reference definitions, for chunks that use one defined elsewhere.

    Found when first asked for (a pass of the parser over the whole file): an index opened from
    the disk cache parses no chunk, and knows its ``salt`` from there."""

    def __init__(self, data: bytes, start: int, salt: bytes | None = None) -> None:
        self._data = data
        self._start = start
        self._urls: dict[str, str] | None = None
        self._salt = salt

    @property
    def urls(self) -> dict[str, str]:
        if self._urls is None:
            text = decode(self._data[self._start :])
            definitions = pyromark.reference_definitions(text, options=BODY_OPTIONS)
            self._urls = {_normal_label(label): d["dest"] for label, d in definitions.items()}
        return self._urls

    @property
    def salt(self) -> bytes:
        """Part of every chunk's cache key: a chunk's rows depend on the references it can use."""
        if self._salt is None:
            urls = self.urls
            text = repr(sorted(urls.items())).encode()
            self._salt = hashlib.blake2b(text, digest_size=8).digest() if urls else b""
        return self._salt

    def resolve(self, link: Any) -> tuple[str, str] | None:
        url = self.urls.get(_normal_label(link["reference"]))
        return (url, "") if url is not None else None


def _normal_label(label: str) -> str:
    return " ".join(label.casefold().split())


def parse_chunk(
    chunk: bytes, refs: Refs | None, warnings: list[str], options: pyromark.Options
) -> ChunkResult:
    builder = _Builder(chunk, decode(chunk), 0, refs, options)
    try:
        builder.run()
    except RecursionError:
        warnings.append("The index nests too deeply; entries past the limit were dropped")
    return builder.result()
