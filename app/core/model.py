"""The index model: categories and entries with their source positions.

Plain data, built once per parse, shared read-only by the CLI and the TUI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple


class Status(StrEnum):
    TODO = "todo"
    DONE = "done"


class MarkerKind(StrEnum):
    """How an entry's status is written in the file."""

    NONE = "none"  # no marker: done
    TODO_WORD = "todo-word"  # "TODO " / "TODO: " before the text
    DONE_WORD = "done-word"  # "DONE " / "DONE: " before the text
    CHECKBOX = "checkbox"  # "[ ]" / "[x]" task list marker
    STATUS_CELL = "status-cell"  # a table row's Status/Read/Done cell: "todo", "yes", "✅", ""...
    DONE_SIGN = "done-sign"  # "✅ " / "✔ " before a table row's first cell text


class Link(NamedTuple):
    """A link as the index writes it. A named tuple: tens of thousands are made per parse."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Marker:
    """Where the status marker sits, as byte offsets into the index file (or, as an entry keeps
    it, into the entry's chunk: see ``Index.marker``).

    ``start``/``end`` cover the marker bytes (``TODO `` or ``[ ]``); for ``NONE`` both equal the
    offset of the item's first text byte, where a marker would be inserted.
    """

    kind: MarkerKind
    start: int
    end: int
    word_start: int = 0  # a checkbox item whose text also starts with TODO: that word's bytes
    word_end: int = 0

    @property
    def word_has_todo(self) -> bool:
        return self.word_end > self.word_start


@dataclass(slots=True, eq=False)
class Entry:
    """One list item of the index."""

    title: str
    category: tuple[str, ...]
    status: Status
    note: str | None  # root-relative POSIX path; a folder ends with "/"
    links: tuple[Link, ...]
    line: int  # 1-based line of the item in the file
    # Offsets from the start of its chunk (``Index.chunk_starts``), so that a marker edit, which
    # shifts every later byte, leaves the entries of other chunks as they are. ``Index.marker``
    # gives the offsets into the file.
    local_marker: Marker
    key: str  # identity that survives re-parsing (title + note + occurrence)
    position: int  # index in document order
    haystack: str = ""  # lower-cased title + category, for the live filter
    escapes_root: bool = False  # its first local link points outside the root
    depth: int = 0  # how many list items enclose it (0 for a top-level item)
    text: str = ""  # the item's own text in one line (title, links, description), marker removed
    chunk: int = 0  # which of the index's parsed chunks holds it
    file: str = ""  # the index file it is in, relative to the root; "" for the root index
    shape: str = "item"  # what the index writes it as: "item" (of a list), "row" (of a table)
    # or "paragraph" (of links)

    @property
    def web_links(self) -> tuple[Link, ...]:
        return tuple(link for link in self.links if is_web_url(link.url))

    @property
    def description(self) -> str:
        """What the item says beside its title, as in ``[name](url) - A library for …``."""
        text = self.text
        if text.startswith(self.title):
            text = text[len(self.title) :]
        text = text.strip(" \t-–—:|")
        if text.startswith((". ", "; ", ", ")):  # the rest of a title cut at a sentence break
            text = text[2:]
        if self.shape == "row" and " | " in text:  # a table's cells: not those of links alone
            text = " | ".join(cell for cell in text.split(" | ") if self._says_more(cell))
        if not self._says_more(text):
            return ""  # only the links' own labels, as in "[paper] [code]"
        return "" if text.casefold() == self.title.casefold() else text

    def _says_more(self, text: str) -> bool:
        """Whether ``text`` holds words beside the entry's link labels."""
        for link in self.links:
            text = text.replace(link.label, "")
        return any(char.isalnum() for char in text)

    @property
    def primary_url(self) -> str | None:
        web = self.web_links
        return web[0].url if web else None

    def to_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "category": list(self.category),
            "status": str(self.status),
            "note": self.note,
            "links": [{"label": link.label, "url": link.url} for link in self.links],
            "line": self.line,
            **({"file": self.file} if self.file else {}),
        }


@dataclass(slots=True, eq=False)
class Category:
    """A heading, its entries and its sub-headings. The root category has level 0."""

    title: str
    level: int
    line: int
    path: tuple[str, ...]
    entries: list[Entry] = field(default_factory=list)
    children: list[Category] = field(default_factory=list)
    total: int = 0  # entries here and below
    todo: int = 0
    # The path joined: a filter keystroke looks categories up by key hundreds of times.
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.key = "\x1f".join(self.path)

    def walk(self) -> list[Category]:
        """This category and every descendant, in document order."""
        out: list[Category] = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def all_entries(self) -> list[Entry]:
        out = list(self.entries)
        for child in self.children:
            out.extend(child.all_entries())
        out.sort(key=lambda e: e.position)
        return out


@dataclass(slots=True, eq=False)
class Index:
    path: Path  # the index file
    root: Path  # the notes folder (the index's parent)
    title: str | None  # the document title (a lone leading H1), if any
    tree: Category  # level-0 root; entries before any heading live here
    entries: list[Entry]  # every entry in document order
    data: bytes  # the bytes that were parsed
    digest: str  # sha256 of data
    warnings: list[str] = field(default_factory=list)
    uses_done_word: bool = False
    todo_style: str = "TODO "  # how this file writes a TODO marker
    checked_style: str = "x"  # how this file ticks a task box: "x" or "X"
    chunk_starts: tuple[int, ...] = (0,)  # byte offset of each parsed chunk (see Entry.chunk)
    # Sub-indexes (app.core.subindex): each index file of the tree, its own model ("" for this
    # file, unstitched), the category path each sub-index is grafted at, and the digest of every
    # file read or tried as a sub-index (None: unreadable), so a re-read sees a change in any.
    parts: dict[str, Index] = field(default_factory=dict)
    grafts: dict[tuple[str, ...], str] = field(default_factory=dict)
    sources: dict[str, str | None] = field(default_factory=dict)

    @property
    def todo_count(self) -> int:
        return self.tree.todo  # the root category counts every entry: no pass over them

    def marker(self, entry: Entry) -> Marker:
        """Where one of this index's entries has its status marker, as offsets into ``data``."""
        local = entry.local_marker
        begin = self.chunk_starts[entry.chunk]
        if not begin:
            return local
        word_start, word_end = local.word_start, local.word_end
        if word_end:
            word_start, word_end = word_start + begin, word_end + begin
        return Marker(local.kind, local.start + begin, local.end + begin, word_start, word_end)

    def by_key(self) -> dict[str, Entry]:
        return {e.key: e for e in self.entries}

    def find(self, key: str) -> Entry | None:
        for entry in self.entries:
            if entry.key == key:
                return entry
        return None

    def categories(self) -> list[Category]:
        return self.tree.walk()


def is_web_url(url: str) -> bool:
    lower = url.lower()
    return lower.startswith("http://") or lower.startswith("https://")
