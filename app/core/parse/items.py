"""What an item's own text says: its status word, title, description, note and link targets.

Pure functions over an item's bytes and text, used while the events of a chunk stream by.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any
from urllib.parse import unquote

from app.core.model import Link, Marker, MarkerKind

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


def word_marker(data: bytes, at: int) -> tuple[str, int] | None:
    """A ``TODO``/``DONE`` word at ``at`` followed by a space or a colon: (word, end of marker).

    The word marks something only when text follows it on its line: an item that reads just
    ``TODO`` is titled so, and marking it done must not leave an empty item that is no entry.
    """
    head = data[at : at + 4]
    if head not in (b"TODO", b"DONE"):
        return None
    end = at + 4
    if data[end : end + 1] == b":":
        end += 1
    elif data[end : end + 1] not in (b" ", b"\t"):
        return None
    while data[end : end + 1] in (b" ", b"\t"):
        end += 1
        if end - at > 8:
            break
    if data[end : end + 1] in (b"", b"\r", b"\n"):
        return None
    return head.decode(), end


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
