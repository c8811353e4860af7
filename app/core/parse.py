"""Parse an index file into the model, with byte-exact source positions.

pulldown-cmark (through pyromark) does the Markdown: it is a real CommonMark parser, an order of
magnitude faster than markdown-it-py on big indexes, and it reports UTF-8 byte ranges, which the
editor needs to change one marker and nothing else.
"""

from __future__ import annotations

import codecs
import hashlib
import posixpath
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

import pyromark

from app.core.errors import IndexNotFoundError, ReadnotesError
from app.core.model import Category, Entry, Index, Link, Marker, MarkerKind, Status

INDEX_NAMES = ("readme.md", "index.md")
BOM = b"\xef\xbb\xbf"

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_YAML_STYLE_METADATA_BLOCKS
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_MAX_DESCRIPTION = 600  # characters of an item's text kept for the preview
_MAX_TEXT = 2_000  # a title, heading or link label longer than this is cut, with a warning


def _substitute_invalid(error: UnicodeError) -> tuple[str, int]:
    """Replace each undecodable byte by one ASCII byte, so byte offsets stay exact."""
    assert isinstance(error, UnicodeDecodeError)
    return "?" * (error.end - error.start), error.end


codecs.register_error("readnotes-same-length", _substitute_invalid)


def find_index(path: Path) -> Path:
    """The index file for a notes folder, or the file itself when one is named."""
    if not path.exists():
        if path.is_symlink():
            raise IndexNotFoundError(f"A symlink that leads nowhere (broken or a loop): {path}")
        raise IndexNotFoundError(f"No such file or folder: {path}")
    if path.is_file():
        return path
    if not path.is_dir():
        raise IndexNotFoundError(f"Not a file or folder: {path}")
    try:
        names = {child.name.lower(): child for child in path.iterdir() if child.is_file()}
    except OSError as exc:
        raise IndexNotFoundError(f"Cannot read folder {path}: {exc.strerror}") from exc
    for wanted in INDEX_NAMES:
        if wanted in names:
            return names[wanted]
    raise IndexNotFoundError(f"No index in {path}: expected README.md or index.md")


def load_index(path: Path) -> Index:
    """Read and parse the index at ``path`` (a folder or a file)."""
    index_path = find_index(path)
    try:
        data = index_path.read_bytes()
    except IsADirectoryError as exc:
        raise ReadnotesError(f"The index {index_path} is a folder, not a file") from exc
    except OSError as exc:
        raise ReadnotesError(f"Cannot read {index_path}: {exc.strerror or exc}") from exc
    return parse_index(data, index_path)


def decode_index(data: bytes) -> tuple[str, int, list[str]]:
    """Text to hand the parser, the byte offset it starts at, and warnings.

    Offsets into the UTF-8 encoding of the returned text equal offsets into ``data`` plus the
    start offset, even when ``data`` holds invalid UTF-8.
    """
    warnings: list[str] = []
    start = 3 if data.startswith(BOM) else 0
    body = data[start:]
    if b"\x00" in body[:8192] and body.count(b"\x00") > 16:
        warnings.append("The index looks binary; showing what could be read")
    text = body.decode("utf-8", errors="readnotes-same-length")
    if "?" in text:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            warnings.append("The index is not valid UTF-8; undecodable bytes are shown as '?'")
    return text, start, warnings


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


class _Builder:
    def __init__(self, data: bytes, path: Path, text: str, offset: int) -> None:
        self.data = data
        self.path = path
        self.root = path.parent
        self.text = text
        self.offset = offset
        self.line_starts = _line_starts(data)
        self.tree = Category(title="", level=0, line=0, path=())
        self.stack: list[Category] = [self.tree]
        self.entries: list[Entry] = []
        self.items: list[_Item] = []
        self.h1s: list[tuple[str, int]] = []
        self.heading: list[str] | None = None
        self.heading_level = 0
        self.heading_start = 0
        self.uses_done_word = False
        self.todo_styles: dict[bytes, int] = {}
        self.ticks: dict[bytes, int] = {}
        self.in_code = 0
        self.shortened: dict[str, int] = {}  # plural noun ("titles") -> how many were cut

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    def run(self) -> None:
        """One tight loop over the events: this is the hot path of opening a 50,000-entry index."""
        offset = self.offset
        items = self.items
        for event, span in pyromark.events_with_range(self.text, options=_OPTIONS):
            start = span["start"] + offset
            own = items[-1] if items and not items[-1].in_nested_list else None
            if own is not None and own.first_text_at is None and _starts_content(event):
                own.first_text_at = start
            if type(event) is str:
                if event != "Rule":
                    self._text(" ", own, soft_break=True)
                continue
            ((kind, value),) = cast(dict[str, Any], event).items()
            if kind == "Text":
                self._text(value, own)
            elif kind == "Start":
                self._start(value, own, start)
            elif kind == "End":
                self._end(value, own)
            elif kind == "Code":
                self._text(value, own, code=True)
            elif kind == "TaskListMarker" and own is not None and own.first_text_at is None:
                own.checkbox = own.checkbox or (bool(value), start, span["end"] + offset)

    def _start(self, tag: Any, own: _Item | None, start: int) -> None:
        if type(tag) is str:
            if tag == "Item":
                self.items.append(_Item(start=start, depth=len(self.items)))
            return
        ((kind, value),) = tag.items()
        if kind == "Link":
            if own is not None:
                own.link_depth += 1
                if own.link_depth == 1:
                    own.link_label = []
                    own.link_url = value["dest_url"]
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
                        label = _squash("".join(own.link_label))
                        own.links.append(Link(self._shorten(label, "link labels"), own.link_url))
                        if own.first_title is None:
                            own.first_title = label
            elif tag == "Item":
                self._close_item()
            elif tag == "CodeBlock":
                self.in_code = max(0, self.in_code - 1)
            return
        if "Heading" in tag:
            self._close_heading()
        elif "List" in tag and self.items:
            self.items[-1].in_nested_list = max(0, self.items[-1].in_nested_list - 1)

    def _text(
        self, value: str, item: _Item | None, *, code: bool = False, soft_break: bool = False
    ) -> None:
        if self.heading is not None:
            self.heading.append(value)
            return
        if item is None or self.in_code:
            return
        if item.words_length < _MAX_DESCRIPTION:
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
        text = self._shorten(_squash("".join(self.heading or [])), "headings")
        level = self.heading_level
        line = self.line_of(self.heading_start)
        self.heading = None
        if level == 1:
            self.h1s.append((text, len(self.entries)))
        while len(self.stack) > 1 and self.stack[-1].level >= level:
            self.stack.pop()
        parent = self.stack[-1]
        category = Category(title=text, level=level, line=line, path=(*parent.path, text))
        parent.children.append(category)
        self.stack.append(category)

    def _close_item(self) -> None:
        item = self.items.pop()
        if item.links and all(link.url.startswith("#") for link in item.links):
            return  # a table of contents or "back to top" link
        raw_first = _squash("".join(item.texts))
        marker, status, rest = self._marker(item, raw_first)
        if item.links:
            title = _leading_title(item.prefix, marker) or item.first_title or rest
        else:
            title = rest or raw_first
        if not title and not item.links:
            return  # an item with no text of its own, such as "- ### Heading"
        title = self._shorten(title, "titles") if title else "(untitled)"
        note, escapes = _note_of(item.links)
        category = self.stack[-1]
        entry = Entry(
            title=title,
            category=category.path,
            status=status,
            note=note,
            links=tuple(item.links),
            line=self.line_of(item.start),
            marker=marker,
            key="",
            position=item.start,  # made an ordinal once every item is closed
            haystack=f"{title}\x1f{' / '.join(category.path)}".casefold(),
            escapes_root=escapes,
            depth=item.depth,
            text=_description(item.words, marker),
        )
        self.entries.append(entry)
        category.entries.append(entry)

    def _shorten(self, text: str, what: str) -> str:
        """Cut text past _MAX_TEXT characters (a 10 MB line stays usable), counting what was cut."""
        if len(text) <= _MAX_TEXT:
            return text
        self.shortened[what] = self.shortened.get(what, 0) + 1
        return text[:_MAX_TEXT]

    def _marker(self, item: _Item, first_text: str) -> tuple[Marker, Status, str]:
        at = item.first_text_at if item.first_text_at is not None else item.start
        word = _word_marker(self.data, at)
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
        insert_at = _word_start(self.data, at, item.start)
        return Marker(MarkerKind.NONE, insert_at, insert_at), Status.DONE, first_text

    def _order_entries(self) -> None:
        """Items close inner-first; put entries back in document order and give them keys."""
        self.entries.sort(key=lambda e: e.position)
        counts: dict[str, int] = {}
        for ordinal, entry in enumerate(self.entries):
            entry.position = ordinal
            base = f"{entry.title.casefold()}\x1f{entry.note or ''}"
            occurrence = counts.get(base, 0)
            counts[base] = occurrence + 1
            entry.key = f"{base}\x1f{occurrence}"
        for category in self.tree.walk():
            category.entries.sort(key=lambda e: e.position)

    def finish(self, warnings: list[str]) -> Index:
        self._order_entries()
        for what, count in self.shortened.items():
            name, verb = (what, "were") if count > 1 else (what.removesuffix("s"), "was")
            warnings.append(
                f"{count:,} {name} longer than {_MAX_TEXT:,} characters {verb} shortened"
            )
        title: str | None = None
        if len(self.h1s) == 1 and self.h1s[0][1] == 0:
            title = self._promote_title()
        _count(self.tree)
        todo_style = "TODO "
        if self.todo_styles:
            best = max(self.todo_styles.items(), key=lambda kv: kv[1])[0]
            todo_style = best.decode("utf-8", errors="replace")
        return Index(
            path=self.path,
            root=self.root,
            title=title,
            tree=self.tree,
            entries=self.entries,
            data=self.data,
            digest=hashlib.sha256(self.data).hexdigest(),
            warnings=warnings,
            uses_done_word=self.uses_done_word,
            todo_style=todo_style,
            checked_style="X" if self.ticks.get(b"X", 0) > self.ticks.get(b"x", 0) else "x",
        )

    def _promote_title(self) -> str:
        """Turn the lone leading H1 into the document title; its sub-headings move up a level."""
        h1 = next(c for c in self.tree.children if c.level == 1)
        position = self.tree.children.index(h1)
        self.tree.children[position : position + 1] = h1.children
        self.tree.entries.extend(h1.entries)
        for category in self.tree.walk()[1:]:
            category.path = category.path[1:]
        for entry in self.entries:
            entry.category = entry.category[1:]
            entry.haystack = f"{entry.title}\x1f{' / '.join(entry.category)}".casefold()
        return h1.title


def _starts_content(event: Any) -> bool:
    """Whether an event is the first of an item's own text (where a marker sits)."""
    if type(event) is not dict:
        return True
    if "TaskListMarker" in event or "End" in event:
        return False
    tag = event.get("Start")
    return not (tag in ("Item", "Paragraph") or (type(tag) is dict and "List" in tag))


def _word_start(data: bytes, at: int, floor: int) -> int:
    """Where the word holding ``at`` begins: a text event can start past a backslash escape
    (``\\*x`` gives the text ``*x``), and a marker inserted there would be escaped itself."""
    while at > floor and data[at - 1] not in b" \t\r\n":
        at -= 1
    return at


def _word_marker(data: bytes, at: int) -> tuple[str, int] | None:
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


def _description(words: list[str], marker: Marker) -> str:
    """The item's own text in one line, marker removed, as the index shows it."""
    text = _squash("".join(words))
    if marker.kind in (MarkerKind.TODO_WORD, MarkerKind.DONE_WORD) or marker.word_has_todo:
        text = _WORD_MARKER.sub("", text, count=1)
    return text[:_MAX_DESCRIPTION]


def _leading_title(prefix: list[str], marker: Marker) -> str | None:
    """Plain text before an item's first link, as in ``- Some Paper [[arXiv](...)]``."""
    text = _squash("".join(prefix))
    if marker.kind in (MarkerKind.TODO_WORD, MarkerKind.DONE_WORD) or marker.word_has_todo:
        text = _WORD_MARKER.sub("", text, count=1)
    text = text.lstrip(_PREFIX_TRIM_LEFT).rstrip(_PREFIX_TRIM_RIGHT)
    if not any(char.isalnum() for char in text):
        return None
    return text


def _squash(text: str) -> str:
    """Runs of whitespace (newlines, tabs) as one space, as a title reads on one line."""
    return " ".join(text.split())


def _line_starts(data: bytes) -> list[int]:
    """Byte offset of every line start after the first (for bisect: line = count of starts <= x)."""
    starts = [0]
    find = data.find
    position = find(b"\n")
    while position != -1:
        starts.append(position + 1)
        position = find(b"\n", position + 1)
    return starts


def _note_of(links: list[Link]) -> tuple[str | None, bool]:
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


def _count(category: Category) -> tuple[int, int]:
    total = len(category.entries)
    todo = sum(1 for entry in category.entries if entry.status is Status.TODO)
    for child in category.children:
        child_total, child_todo = _count(child)
        total += child_total
        todo += child_todo
    category.total, category.todo = total, todo
    return total, todo


def parse_index(data: bytes, path: Path) -> Index:
    """Parse index bytes. Never raises on content: problems become ``Index.warnings``."""
    text, offset, warnings = decode_index(data)
    builder = _Builder(data, path, text, offset)
    try:
        builder.run()
    except RecursionError:
        warnings.append("The index nests too deeply; entries past the limit were dropped")
    return builder.finish(warnings)
