"""What an item's own text says: its status word, title, description, note and link targets.

Pure functions over an item's bytes and text, used while the events of a chunk stream by.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any
from urllib.parse import unquote

from app.core.model import Link, Marker, MarkerKind
from app.core.names import FOLDER_NOTE_NAMES

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
MAX_DESCRIPTION = 600  # characters of an item's text kept for the preview


def starts_content(event: Any) -> bool:
    """Whether an event is the first of an item's own text (where a marker sits)."""
    if type(event) is not dict:
        return True
    if "TaskListMarker" in event or "End" in event:
        return False
    tag = event.get("Start")
    return not (tag in ("Item", "Paragraph") or (type(tag) is dict and "List" in tag))


def word_start(data: bytes, at: int, floor: int) -> int:
    """Where the word holding ``at`` begins: a text event can start past a backslash escape
    (``\\*x`` gives the text ``*x``), and a marker inserted there would be escaped itself."""
    while at > floor and data[at - 1] not in b" \t\r\n":
        at -= 1
    return at


def word_marker(data: bytes, at: int, end: int | None = None) -> tuple[str, int] | None:
    """A ``TODO``/``DONE`` word at ``at`` followed by a space or a colon: (word, end of marker).

    The word marks something only when text follows it on its line (``end`` given: in its table
    cell, which ends there): an item that reads just ``TODO`` is titled so, and marking it done
    must not leave an empty item that is no entry.
    """
    head = data[at : at + 4]
    if head not in (b"TODO", b"DONE"):
        return None
    stop = at + 4
    if data[stop : stop + 1] == b":":
        stop += 1
    elif data[stop : stop + 1] not in (b" ", b"\t"):
        return None
    limit = len(data) if end is None else end
    while stop < limit and data[stop : stop + 1] in (b" ", b"\t") and stop - at <= 8:
        stop += 1
    if end is None:
        if data[stop : stop + 1] in (b"", b"\r", b"\n"):
            return None
    elif not data[stop:end].strip():
        return None
    return head.decode(), stop


_PREFIX_TRIM_LEFT = " \t:-–—|*•"
_PREFIX_TRIM_RIGHT = " \t[(:-–—|*•"
_WORD_MARKER = re.compile(r"^\s*(?:TODO|DONE)(?::|\s|$)\s*")


def description(words: list[str], marker: Marker) -> str:
    """The item's own text in one line, marker removed, as the index shows it."""
    text = squash("".join(words))
    if marker.kind in (MarkerKind.TODO_WORD, MarkerKind.DONE_WORD) or marker.word_has_todo:
        text = _WORD_MARKER.sub("", text, count=1)
    return text[:MAX_DESCRIPTION]


def leading_title(prefix: list[str], marker: Marker) -> str | None:
    """Plain text before an item's first link, as in ``- Some Paper [[arXiv](...)]``."""
    text = squash("".join(prefix))
    if marker.kind in (MarkerKind.TODO_WORD, MarkerKind.DONE_WORD) or marker.word_has_todo:
        text = _WORD_MARKER.sub("", text, count=1)
    text = text.lstrip(_PREFIX_TRIM_LEFT).rstrip(_PREFIX_TRIM_RIGHT)
    if not any(char.isalnum() for char in text):
        return None
    return text


def squash(text: str) -> str:
    """Runs of whitespace (newlines, tabs) as one space, as a title reads on one line."""
    return " ".join(text.split())


def line_starts(data: bytes) -> list[int]:
    """Byte offset of every line start after the first (for bisect: line = count of starts <= x)."""
    starts = [0]
    find = data.find
    position = find(b"\n")
    while position != -1:
        starts.append(position + 1)
        position = find(b"\n", position + 1)
    return starts


def note_of(links: list[Link]) -> tuple[str | None, bool]:
    """The first relative local link, normalised to the root; and whether one escaped the root."""
    for link in links:
        if "#" in link.url and is_self_anchor(link.url):
            continue
        rel = local_target(link.url)
        if rel is None:
            continue
        if rel == "":
            continue
        if rel.startswith("../") or rel == "..":
            return None, True
        return rel, False
    return None, False


def local_target(url: str) -> str | None:
    """A link's root-relative POSIX path, or None when it is not a local file link.

    Folders keep their trailing slash; ``#fragment`` and ``?query`` are dropped; percent escapes
    are decoded. A path that climbs out of the root comes back starting with ``../``.
    """
    target = url.strip()
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1]
    if not target or target.startswith("#") or _SCHEME.match(target):
        return None
    if target.startswith(("/", "\\", "~")):
        return None
    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target:
        return None
    target = unquote(target).replace("\\", "/")
    is_folder = target.endswith("/")
    normal = posixpath.normpath(target)
    if normal == ".":
        return ""
    if normal.startswith("../") or normal == "..":
        return normal
    return normal + "/" if is_folder else normal


_INDEX_NAMES = frozenset(name.casefold() for name in FOLDER_NOTE_NAMES)


def is_self_anchor(url: str) -> bool:
    """A link to one of the index's own headings: ``#x``, ``./#x``, ``README.md#x`` or
    ``index.md#x`` (the names an index goes by, at the root). It is navigation, never an entry's
    link that makes it an entry, nor its note."""
    if url.startswith("#"):
        return True
    if "#" not in url:
        return False
    target = url.strip().partition("#")[0]
    target = target.removeprefix("./")
    return target == "" or target.casefold() in _INDEX_NAMES


_SEPARATORS = r"\s\-–—|,;:·•/()\[\]."
_LINK_PARAGRAPH_REST = re.compile(rf"[{_SEPARATORS}]*(?:(?:1[89]|20)\d\d[{_SEPARATORS}]*)*")


_LEADING_BOX = re.compile(r"^\s*\[[ xX]?\]?")  # also its start alone, while text streams in


def only_separators(text: str) -> bool:
    """Whether a paragraph's text outside its links is only a status marker, years and
    separators (``TODO [A](a.md) · 2021``): then the paragraph is an entry, like a list item."""
    text = _WORD_MARKER.sub("", _LEADING_BOX.sub("", text, count=1), count=1)
    return _LINK_PARAGRAPH_REST.fullmatch(text) is not None


STATUS_HEADERS = frozenset({"status", "read", "done"})
# A status column's values (casefolded, outer spaces removed): TODO, or done.
TODO_VALUES = frozenset({"todo", "unread", "no", "", "[ ]"})
DONE_VALUES = frozenset({"done", "read", "yes", "✅", "✔", "✔️", "[x]"})
DONE_SIGNS = ("✅".encode(), "✔️".encode(), "✔".encode())
TITLE_MAX = 150  # a title is a title, not a paragraph: longer ones are cut at a word


def status_column(headers: list[str]) -> int | None:
    """Which column of a table holds its entries' status: the first headed Status, Read or Done."""
    for number, header in enumerate(headers):
        name = "".join(char for char in header.casefold() if char.isalnum())
        if name in STATUS_HEADERS:
            return number
    return None


_ROW_LEAD = re.compile(
    r"^\s*(?:(?:TODO|DONE)(?::|\s|$)|\[[ xX]\]|✅|✔️?)?\s*(?:\d{1,4}[.)](?=\s|$))?\s*"
    r"(?:(?:TODO|DONE)(?::\s*|\s+))?"  # "1) TODO Title": a word after the numbering too
)
_TITLE_BREAK = re.compile(r"\n|  | - |(?<=[^\s.!?][.!?])\s")


def row_lead(text: str) -> str:
    """A first cell's text without its status marker and numbering (``TODO 1) Title``)."""
    return _ROW_LEAD.sub("", text, count=1)


def row_title(text: str, bold: str, lead_label: str | None) -> str:
    """A table row's title, from its first cell: the text of a link it starts with, else its bold
    text, else its ``text`` (its marker and numbering removed by ``row_lead``) up to a sentence
    break, ``<br>`` (``\\n`` here), two spaces or `` - ``. At most about TITLE_MAX characters,
    cut at a word with ``…``."""
    if lead_label:
        title = lead_label
    elif bold.strip():
        title = bold
    else:
        found = _TITLE_BREAK.search(text)
        title = text[: found.start()].rstrip(".") if found is not None else text
    title = squash(title)
    if len(title) > TITLE_MAX:
        cut = title.rfind(" ", 0, TITLE_MAX)
        title = title[: cut if cut > TITLE_MAX // 2 else TITLE_MAX].rstrip(" ,;:-–—") + "…"
    return title


def cell_word(data: bytes, at: int, end: int) -> tuple[str, int] | None:
    """A ``TODO``/``DONE`` word at ``at`` in a table cell ending at ``end``: :func:`word_marker`."""
    return word_marker(data, at, end)


_BOX = re.compile(r"\[[ xX]\]\s*")


def without_boxes(text: str) -> str:
    """A cell's text without its task boxes (a mark ticks them: they are no text of the entry)."""
    return _BOX.sub("", text) if "[" in text else text
