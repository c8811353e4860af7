"""Parse an index file into the model, with byte-exact source positions.

pulldown-cmark (through pyromark) does the Markdown: it is a real CommonMark parser, an order of
magnitude faster than markdown-it-py on big indexes, and it reports UTF-8 byte ranges, which the
editor needs to change one marker and nothing else.
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import os
import posixpath
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from itertools import pairwise, repeat
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

import pyromark

from app.core import parse_cache
from app.core.errors import IndexNotFoundError, ReadnotesError
from app.core.index_file import not_an_index_file, odd_index_in
from app.core.model import Category, Entry, Index, Link, Marker, MarkerKind, Status
from app.core.names import folder_note_name

BOM = b"\xef\xbb\xbf"

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_YAML_STYLE_METADATA_BLOCKS
)
# Past the top, pulldown-cmark would take any "---" line followed by text up to the next "---" for
# a metadata block and hide the entries in between: only the frontmatter chunk parses with it.
_BODY_OPTIONS = _OPTIONS & ~pyromark.Options.ENABLE_YAML_STYLE_METADATA_BLOCKS
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
            raise IndexNotFoundError(not_an_index_file(path) or f"A broken symlink: {path}")
        raise IndexNotFoundError(f"No such file or folder: {path}")
    if path.is_file():
        return path
    if not path.is_dir():
        raise IndexNotFoundError(not_an_index_file(path) or f"Not a file or folder: {path}")
    try:
        names = [child.name for child in path.iterdir() if child.is_file()]
    except OSError as exc:
        raise IndexNotFoundError(f"Cannot read folder {path}: {exc.strerror}") from exc
    found = folder_note_name(names)
    if found is not None:
        return path / found
    raise IndexNotFoundError(
        odd_index_in(path) or f"No index in {path}: expected README.md or index.md"
    )


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


# One parsed chunk, in plain tuples (cheap to cache and to marshal to disk):
# headings: (level, title, offset, line); rows, in document order: (heading, offset, line, depth,
# title, title casefolded, whether TODO, note, links ((label, url), ...), marker kind (its number
# in _KINDS), marker start, end, word_start, word_end, escapes, text, key if it is the first entry
# with its title and note);
# then todo styles, ticks, whether DONE words are used, and how many texts were shortened.
# Offsets and lines are relative to the chunk; heading -1 means "before the chunk's first heading".
# A row holds all of an entry that does not depend on the rest of the file, so that assembling
# the model from cached rows (every open of a big index) does the least per entry.
HeadingRow = tuple[int, str, int, int]
EntryRow = tuple[
    int,
    int,
    int,
    int,
    str,
    str,
    bool,
    str | None,
    tuple[tuple[str, str], ...],
    int,
    int,
    int,
    int,
    int,
    bool,
    str,
    str,
]
_KINDS = tuple(MarkerKind)
_KIND_NUMBER = {kind: number for number, kind in enumerate(_KINDS)}
_STATUSES = (Status.DONE, Status.TODO)  # by "whether TODO"
ChunkResult = tuple[
    list[HeadingRow], list[EntryRow], dict[bytes, int], dict[bytes, int], bool, dict[str, int]
]


class _Builder:
    """Turns one chunk's events into heading and entry rows."""

    def __init__(
        self,
        data: bytes,
        text: str,
        offset: int,
        refs: _Refs | None = None,
        options: pyromark.Options = _BODY_OPTIONS,
    ) -> None:
        self.options = options
        self.data = data
        self.text = text
        self.offset = offset
        self.refs = refs
        self.line_starts = _line_starts(data)
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
        for event, span in events:
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
                # After a tab, pulldown-cmark starts the item at the previous line's end.
                while self.data[start : start + 1] in (b"\n", b"\r", b" ", b"\t"):
                    start += 1
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
        start = self.heading_start
        self.headings.append((self.heading_level, text, start, self.line_of(start)))
        self.heading = None

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
                _KIND_NUMBER[marker.kind],
                marker.start,
                marker.end,
                marker.word_start,
                marker.word_end,
                escapes,
                _description(item.words, marker),
                f"{folded}\x1f{note or ''}\x1f0",
            )
        )

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


def _offset_of(row: EntryRow) -> int:
    return row[1]


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
    """Totals of the tree, whose categories count only their own TODO entries so far."""
    total = len(category.entries)
    todo = category.todo
    for child in category.children:
        child_total, child_todo = _count(child)
        total += child_total
        todo += child_todo
    category.total, category.todo = total, todo
    return total, todo


class _Refs:
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
            text = _decode(self._data[self._start :])
            definitions = pyromark.reference_definitions(text, options=_BODY_OPTIONS)
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


ChunkCache = dict[bytes, ChunkResult]  # _chunk_key (a digest) -> rows


_MEMORY: dict[str, ChunkCache] = {}  # index path -> its chunks, as last parsed
_MEMORY_PATHS = 4


def _cache_for(path: Path, size: int) -> tuple[ChunkCache, object, bool]:
    """The chunk cache of this index: in memory, else from disk for a big index, with the
    layout of the file it was saved for (see ``_stored_chunks``); and whether it was read from
    disk just now."""
    name = os.path.realpath(path)
    cache = _MEMORY.get(name)
    if cache is not None:
        return cache, None, False
    cache, layout = ({}, None)
    if size >= parse_cache.MIN_BYTES:
        cache, layout = parse_cache.load_with_layout(path)
    while len(_MEMORY) >= _MEMORY_PATHS:
        _MEMORY.pop(next(iter(_MEMORY)))
    _MEMORY[name] = cache
    return cache, layout, bool(cache)


_FROZEN: list[bool] = []  # the first parse's model was frozen


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Tens of thousands of new objects would set off full collections over all of them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # The model lives as long as it is shown and holds no cycles: keep the collector from
        # walking it again and again (a full pass over 50,000 entries stalls the UI). Only the
        # first one: a freeze at each reload also froze the workers alive then, which hold the
        # old index; finished, they are cycles no collector frees (bench/soak.py: +4 GiB in
        # 2.5 minutes of saves every 200 ms at 10k entries).
        if not _FROZEN:
            _FROZEN.append(True)
            gc.freeze()
        if was_enabled:
            gc.enable()


def parse_index(data: bytes, path: Path, *, cache: ChunkCache | None = None) -> Index:
    """Parse index bytes. Never raises on content: problems become ``Index.warnings``.

    The file is cut into chunks at top-level ATX headings (never inside a code fence, an HTML
    block or a comment), each parsed on its own. With a ``cache`` (chunk key -> rows), a chunk
    seen before is not parsed again: saving a 10,000-entry index re-parses the section edited.
    A big index opened again as it was when its cache was saved is not even cut into chunks.
    """
    own_cache = cache is None
    stored: object = None
    from_disk = False
    with _gc_paused():  # unmarshalling a big cache makes a million objects too
        if cache is None:
            cache, stored, from_disk = _cache_for(path, len(data))
        try:
            index, changed, how, layout = _parse(data, path, cache, stored)
        except (LookupError, TypeError, ValueError):
            if not from_disk:
                raise
            # Rows of another make under this format's name (its CRC was right): parse anew.
            cache.clear()
            index, changed, how, layout = _parse(data, path, cache, None)
    if own_cache:  # a mark re-parses one chunk of it (see reparse_marked), into this cache
        _remember(index, how)
        if changed and len(data) >= parse_cache.MIN_BYTES:
            parse_cache.save_later(path, cache, layout)
    return index


# How a file was cut, saved with its chunks: (sha256 of the file, where its frontmatter ends,
# the references' salt, ((begin, first line, key) of each chunk, ...)). Opening that same file
# again takes its chunks in this order, without cutting it (~60 ms at 50,000 entries).
Layout = tuple[bytes, int, bytes, list[tuple[int, int, bytes]]]


def _parse(
    data: bytes, path: Path, cache: ChunkCache, stored: object
) -> tuple[Index, bool, _Parsed, Layout]:
    """The model, whether the cache on disk should be written again, how it was parsed, and the
    layout of the file to save with the cache."""
    start = 3 if data.startswith(BOM) else 0
    header = _header_warnings(data, start)
    warnings = list(header)
    digest = hashlib.sha256(data)
    whole = digest.digest()
    laid = _stored_chunks(stored, whole, cache, start, len(data))
    if laid is not None:
        front_end, salt, results, order = laid
        refs = _Refs(data, start, salt) if b"]:" in data else None
        parsed = 0
    else:
        refs = _Refs(data, start) if b"]:" in data else None
        salt = _salt(refs)
        front_end = _skip_front_matter(data, start)
        results, order, parsed = _cut_and_look_up(
            data, start, front_end, refs, salt, cache, warnings
        )
    cache.clear()
    cache.update((key, result) for (_, _, key), (_, _, result) in zip(order, results, strict=True))
    index = _assemble(data, path, results, warnings, digest.hexdigest())
    changed = parsed > 0 or (stored is not None and laid is None)
    layout = (whole, front_end, salt, order)
    return index, changed, _Parsed(results, refs, front_end, header, cache), layout


def _cut_and_look_up(
    data: bytes,
    start: int,
    front_end: int,
    refs: _Refs | None,
    salt: bytes,
    cache: ChunkCache,
    warnings: list[str],
) -> tuple[list[tuple[int, int, ChunkResult]], list[tuple[int, int, bytes]], int]:
    """Cut the file into chunks and parse those not in ``cache``: the chunks, their layout, and
    how many were parsed."""
    results: list[tuple[int, int, ChunkResult]] = []
    order: list[tuple[int, int, bytes]] = []
    line = 1
    parsed = 0
    view = memoryview(data)
    for begin, end in chunk_bounds(data, start):
        top = front_end > start and begin == start  # the frontmatter, a chunk of its own
        key = _chunk_key(top, salt, view[begin:end])
        result = cache.get(key)
        if result is None:
            options = _OPTIONS if top else _BODY_OPTIONS
            result = _parse_chunk(data[begin:end], refs, warnings, options)
            parsed += 1
        results.append((begin, line, result))
        order.append((begin, line, key))
        line += data.count(b"\n", begin, end)
    return results, order, parsed


def _stored_chunks(
    stored: object, whole: bytes, cache: ChunkCache, start: int, size: int
) -> tuple[int, bytes, list[tuple[int, int, ChunkResult]], list[tuple[int, int, bytes]]] | None:
    """The chunks of the file as the cache on disk laid it out, when it was saved for this very
    file (``whole`` is its sha256) and holds every chunk: (where the frontmatter ends, the
    references' salt, the chunks, their layout). None when anything is amiss."""
    try:
        digest, front_end, salt, order = cast(Layout, stored)
        if digest != whole or type(front_end) is not int or type(salt) is not bytes:
            return None
        results = [(begin, line, cache[key]) for begin, line, key in order]
    except (TypeError, ValueError, KeyError):
        return None
    # Sanity only (a file that matches its digest was laid out so): chunks in order, in the file.
    begins = [begin for begin, _, _ in results]
    lines = [line for _, line, _ in results]
    if not begins or begins[0] != start or begins[-1] >= size or not start <= front_end <= size:
        return None
    if not all(type(x) is int and type(y) is int and x < y for x, y in pairwise(begins)):
        return None
    if not all(type(x) is int and type(y) is int and x <= y for x, y in pairwise(lines)):
        return None
    if lines[0] != 1:
        return None
    return front_end, salt, results, list(order)


def _header_warnings(data: bytes, start: int) -> list[str]:
    """What is wrong with the file as a whole."""
    warnings: list[str] = []
    if b"\x00" in data[:8192] and data.count(b"\x00") > 16:
        warnings.append("The index looks binary; showing what could be read")
    if _has_invalid_utf8(data[start:]):
        warnings.append("The index is not valid UTF-8; undecodable bytes are shown as '?'")
    return warnings


def _salt(refs: _Refs | None) -> bytes:
    return refs.salt if refs is not None else b""


def _chunk_key(top: bool, salt: bytes, chunk: bytes | memoryview) -> bytes:
    """A chunk's cache key: the digest of its bytes and of what else its rows depend on (a
    digest, not the bytes: the cache would hold a second copy of the whole file)."""
    digest = hashlib.sha256(b"\x01" if top else b"\x00")
    digest.update(salt)
    digest.update(chunk)
    return digest.digest()


@dataclass(frozen=True, slots=True)
class _Parsed:
    """How an index was parsed: what re-parsing one of its chunks alone needs."""

    chunks: list[tuple[int, int, ChunkResult]]  # (byte offset, first line, rows) of each chunk
    refs: _Refs | None
    front_end: int  # where the frontmatter ends (where the text starts when there is none)
    header: list[str]  # warnings about the file as a whole
    cache: ChunkCache  # the chunk cache it was parsed with (it holds these chunks)


_PARSED: dict[tuple[Path, str], _Parsed] = {}  # (path, digest) of the last few models parsed
_PARSED_KEPT = 4
_parsed_lock = threading.Lock()


def _remember(index: Index, parsed: _Parsed) -> None:
    with _parsed_lock:
        _PARSED[(index.path, index.digest)] = parsed
        while len(_PARSED) > _PARSED_KEPT:
            del _PARSED[next(iter(_PARSED))]


def reparse_marked(index: Index, data: bytes, entry: Entry, status: Status) -> Index | None:
    """The model of ``data``, which is ``index.data`` with ``entry``'s marker rewritten to give it
    ``status``, from a parse of the entry's chunk alone (a full parse rebuilds every entry).

    None when it cannot be shown to equal a full parse in which every entry keeps its line,
    depth, title, links, text and status, but ``entry``, which gets ``status``: the bytes changed
    outside the chunk, the chunk no longer ends where it did, a reference definition changed,
    or the chunk reads differently. The caller then parses the whole file.
    """
    with _parsed_lock:
        parsed = _PARSED.get((index.path, index.digest))
    old = index.data
    if parsed is None or len(parsed.chunks) != len(index.chunk_starts) or old is data:
        return None
    number = entry.chunk
    begin, first_line, old_result = parsed.chunks[number]
    end = parsed.chunks[number + 1][0] if number + 1 < len(parsed.chunks) else len(old)
    delta = len(data) - len(old)
    if end + delta < begin or data[:begin] != old[:begin] or data[end + delta :] != old[end:]:
        return None
    start = 3 if data.startswith(BOM) else 0
    if _header_warnings(data, start) != parsed.header or not parsed.front_end <= begin:
        return None
    if _skip_front_matter(data, start) != parsed.front_end:
        return None
    chunk = data[begin : end + delta]
    if not _still_one_chunk(data, parsed.chunks, number, delta):
        return None
    refs = parsed.refs
    if (b"]:" in data) != (refs is not None):
        return None
    if refs is not None and _definitions(old[begin:end]) != _definitions(chunk):
        return None
    top = parsed.front_end > start and begin == start
    key = _chunk_key(top, _salt(refs), chunk)
    result = parsed.cache.get(key)
    if result is None:
        problems: list[str] = []
        result = _parse_chunk(chunk, refs, problems, _OPTIONS if top else _BODY_OPTIONS)
        if problems:
            return None
    if not _reads_the_same(old_result, result, entry.local_marker, status):
        return None
    reentered = _reentered(index, result, number, first_line)
    if reentered is None:
        return None
    entries, changed = reentered
    # The next full parse (a reload) finds the chunk as it is now. The copy on disk is not
    # written: that marshals every chunk (~12 ms holding the GIL at 10,000 entries) while the
    # screen shows the mark; the next start parses the chunks marked since, and saves them.
    parsed.cache[key] = result
    chunks = list(parsed.chunks)
    chunks[number] = (begin, first_line, result)
    for later in range(number + 1, len(chunks)):
        at, line, rows = chunks[later]
        chunks[later] = (at + delta, line, rows)
    uses_done_word, todo_style, checked_style = _file_styles(chunks)
    new = Index(
        path=index.path,
        root=index.root,
        title=index.title,
        tree=_tree_with(index.tree, entries, {entry.category for entry in changed}),
        entries=entries,
        data=data,
        digest=hashlib.sha256(data).hexdigest(),
        warnings=list(index.warnings),
        uses_done_word=uses_done_word,
        todo_style=todo_style,
        checked_style=checked_style,
        chunk_starts=tuple(at for at, _, _ in chunks),
    )
    _remember(new, _Parsed(chunks, refs, parsed.front_end, parsed.header, parsed.cache))
    return new


def _still_one_chunk(
    data: bytes, chunks: list[tuple[int, int, ChunkResult]], number: int, delta: int
) -> bool:
    """Whether the edited chunk still ends where the next one begins, and holds no new cut.

    The scan from the chunk's start, through the next chunk, must cut exactly before the next
    chunk: from there on it scans what it scanned before (an edit that opened a code fence or a
    comment would skip that heading, and the chunks after it would be cut differently)."""
    begin = chunks[number][0]
    if number + 1 == len(chunks):
        return not _heading_cuts(data[begin:], 0, 0)
    following = chunks[number + 2][0] + delta if number + 2 < len(chunks) else len(data)
    return _heading_cuts(data[begin:following], 0, 0) == [chunks[number + 1][0] + delta - begin]


def _definitions(chunk: bytes) -> dict[str, tuple[Any, Any]]:
    """The link reference definitions a chunk makes, without where (a mark shifts them)."""
    definitions = pyromark.reference_definitions(_decode(chunk), options=_BODY_OPTIONS)
    return {label: (d["dest"], d["title"]) for label, d in definitions.items()}


def _reads_the_same(
    before: ChunkResult, after: ChunkResult, marker: Marker, status: Status
) -> bool:
    """The same headings and entries, each with the same text, links and status, but the one
    whose (chunk-relative) marker is ``marker``, which must now have ``status``."""
    old_headings, old_rows = before[0], before[1]
    new_headings, new_rows = after[0], after[1]
    if before[5] != after[5] or len(old_headings) != len(new_headings):
        return False
    for (level, title, _, line), (new_level, new_title, _, new_line) in zip(
        old_headings, new_headings, strict=True
    ):
        if (level, title, line) != (new_level, new_title, new_line):
            return False
    if len(old_rows) != len(new_rows):
        return False
    kind = _KIND_NUMBER[marker.kind]
    marked = (kind, marker.start, marker.end, marker.word_start, marker.word_end)
    wanted = status is Status.TODO
    for old, new in zip(old_rows, new_rows, strict=True):
        heading, _, line, depth, title, _, old_todo, note, links = old[:9]
        escapes, text = old[14], old[15]
        if (heading, line, depth, title, note, links, escapes, text) != (
            new[0],
            new[2],
            new[3],
            new[4],
            new[7],
            new[8],
            new[14],
            new[15],
        ):
            return False
        if old[9:14] == marked:
            if new[6] is not wanted:
                return False
        elif new[6] is not old_todo or new[9] != old[9]:
            return False
    return True


def _chunk_of(entry: Entry) -> int:
    return entry.chunk


def _reentered(
    index: Index, result: ChunkResult, number: int, first_line: int
) -> tuple[list[Entry], list[Entry]] | None:
    """Every entry of ``index``, those of chunk ``number`` with their status and marker as in
    ``result``; and the entries that changed (new objects: the old model keeps the old ones)."""
    entries = index.entries
    low = bisect_left(entries, number, key=_chunk_of)
    high = bisect_right(entries, number, lo=low, key=_chunk_of)
    rows = result[1]  # in document order, as the entries are
    if high - low != len(rows):
        return None
    out = list(entries)
    changed: list[Entry] = []
    for entry, row in zip(entries[low:high], rows, strict=True):
        line, title, todo = row[2], row[4], row[6]
        if (entry.line, entry.title) != (first_line - 1 + line, title):
            return None
        kind, start, end, word_start, word_end = row[9:14]
        local = Marker(_KINDS[kind], start, end, word_start, word_end)
        new_status = _STATUSES[todo]
        if local == entry.local_marker and new_status is entry.status:
            continue
        fresh = Entry(
            entry.title,
            entry.category,
            new_status,
            entry.note,
            entry.links,
            entry.line,
            local,
            entry.key,
            entry.position,
            entry.haystack,
            entry.escapes_root,
            entry.depth,
            entry.text,
            entry.chunk,
        )
        out[entry.position] = fresh
        changed.append(fresh)
    return out, changed


def _tree_with(category: Category, entries: list[Entry], paths: set[tuple[str, ...]]) -> Category:
    """A copy of the category tree holding ``entries`` (where an entry's position says), with
    its TODO counts. Only the categories at ``paths`` hold entries that changed."""
    children = [_tree_with(child, entries, paths) for child in category.children]
    own = category.entries
    todo = category.todo
    if category.path in paths:
        own = [entries[entry.position] for entry in own]
        todo = sum(child.todo for child in children)
        todo += sum(1 for entry in own if entry.status is Status.TODO)
    else:
        own = list(own)
        todo += sum(
            new.todo - old.todo for new, old in zip(children, category.children, strict=True)
        )
    return Category(
        category.title,
        category.level,
        category.line,
        category.path,
        own,
        children,
        category.total,
        todo,
    )


def _parse_chunk(
    chunk: bytes, refs: _Refs | None, warnings: list[str], options: pyromark.Options
) -> ChunkResult:
    builder = _Builder(chunk, _decode(chunk), 0, refs, options)
    try:
        builder.run()
    except RecursionError:
        warnings.append("The index nests too deeply; entries past the limit were dropped")
    return builder.result()


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="readnotes-same-length")


def _has_invalid_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _assemble(
    data: bytes,
    path: Path,
    chunks: list[tuple[int, int, ChunkResult]],
    warnings: list[str],
    digest: str,
) -> Index:
    """Join the chunks' rows into one model: nest headings, make entries, count.

    This runs on every open and every save, over every entry: it is kept to one pass.
    """
    title = _lone_leading_h1(chunks)
    tree = Category(title="", level=0, line=0, path=())
    stack: list[Category] = [tree]
    entries: list[Entry] = []
    shortened: dict[str, int] = {}
    keys: set[str] = set()  # the keys of first occurrences so far
    repeats: dict[str, int] = {}  # such a key -> the occurrence number of the next repeat
    for number, (_, first_line, result) in enumerate(chunks):
        headings, rows = result[0], result[1]
        _add_counts(shortened, result[5])
        before = stack[-1]
        placed: list[Category] = []
        for level, heading, _offset, line in headings:
            if title is not None and level == 1:
                placed.append(tree)  # the document title: its entries and sub-headings move up
                continue
            while len(stack) > 1 and stack[-1].level >= level:
                stack.pop()
            parent = stack[-1]
            category = Category(heading, level, first_line + line - 1, (*parent.path, heading))
            parent.children.append(category)
            stack.append(category)
            placed.append(category)
        _make_entries(rows, placed, before, first_line, number, entries, keys, repeats)
    _count(tree)
    for what, count in shortened.items():
        name, verb = (what, "were") if count > 1 else (what.removesuffix("s"), "was")
        warnings.append(f"{count:,} {name} longer than {_MAX_TEXT:,} characters {verb} shortened")
    uses_done_word, todo_style, checked_style = _file_styles(chunks)
    return Index(
        path=path,
        root=path.parent,
        title=title,
        tree=tree,
        entries=entries,
        data=data,
        digest=digest,
        warnings=warnings,
        uses_done_word=uses_done_word,
        todo_style=todo_style,
        checked_style=checked_style,
        chunk_starts=tuple(begin for begin, _, _ in chunks),
    )


def _file_styles(chunks: list[tuple[int, int, ChunkResult]]) -> tuple[bool, str, str]:
    """Whether the file writes DONE words, how it writes TODO and how it ticks a task box."""
    todo_styles: dict[bytes, int] = {}
    ticks: dict[bytes, int] = {}
    uses_done_word = False
    for _, _, result in chunks:
        _add_counts(todo_styles, result[2])
        _add_counts(ticks, result[3])
        uses_done_word = uses_done_word or result[4]
    todo_style = "TODO "
    if todo_styles:
        todo_style = max(todo_styles.items(), key=lambda kv: kv[1])[0].decode(errors="replace")
    checked_style = "X" if ticks.get(b"X", 0) > ticks.get(b"x", 0) else "x"
    return uses_done_word, todo_style, checked_style


def _lone_leading_h1(chunks: list[tuple[int, int, ChunkResult]]) -> str | None:
    """The title of the document: its only H1, when no entry comes before it."""
    h1s = [
        (heading, begin + offset)
        for begin, _, result in chunks
        for level, heading, offset, _ in result[0]
        if level == 1
    ]
    if len(h1s) != 1:
        return None
    title, at = h1s[0]
    for begin, _, result in chunks:
        rows = result[1]  # in document order: the first is the chunk's first entry
        if rows and begin + rows[0][1] < at:
            return None
    return title


_MARKER_FIELDS = ("kind", "start", "end", "word_start", "word_end")
_set_kind, _set_start, _set_end, _set_word_start, _set_word_end = (
    getattr(Marker, name).__set__ for name in _MARKER_FIELDS
)


def _fast_marker(kind: MarkerKind, start: int, end: int, word_start: int, word_end: int) -> Marker:
    """``Marker(kind, start, end, word_start, word_end)`` at twice the speed (a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__``): ~10 ms of opening
    a 50,000-entry index."""
    marker = object.__new__(Marker)
    _set_kind(marker, kind)
    _set_start(marker, start)
    _set_end(marker, end)
    _set_word_start(marker, word_start)
    _set_word_end(marker, word_end)
    return marker


# Only while Marker is what _fast_marker expects: these fields, set as given.
_marker = (
    _fast_marker
    if tuple(f.name for f in fields(Marker)) == _MARKER_FIELDS
    and not hasattr(Marker, "__post_init__")
    else Marker
)


_LINK = repeat(Link)  # for map(tuple.__new__, ...): makes each pair a Link without a Python call


def _make_entries(
    rows: list[EntryRow],
    placed: list[Category],
    before: Category,
    first_line: int,
    chunk: int,
    out: list[Entry],
    keys: set[str],
    repeats: dict[str, int],
) -> None:
    """Every entry of one chunk, in document order, each in its category (rows come in
    document order, chunk after chunk: no sorting), keyed and counted.

    This runs over every entry on every open and save: what a row can hold is made when the
    chunk is parsed (and cached), the rest here with as few calls as can be."""
    line_base = first_line - 1
    # By a row's heading number; -1 (before the chunk's first heading) takes the last one.
    where = [(category, f"\x1f{' / '.join(category.path)}".casefold()) for category in placed]
    where.append((before, f"\x1f{' / '.join(before.path)}".casefold()))
    new_link = tuple.__new__
    link_type = _LINK
    statuses = _STATUSES
    kinds = _KINDS
    position = len(out)
    append = out.append
    add_key = keys.add
    known = len(keys)
    for row in rows:
        (heading, _, line, depth, title, folded, todo, note, links, kind, start, end) = row[:12]
        category, trail = where[heading]
        key = row[16]  # "title\x1fnote\x1f0": the key of the first entry with that title and note
        add_key(key)
        if len(keys) == known:  # a repeat: "\x1f1", "\x1f2"... in document order
            occurrence = repeats.get(key, 1)
            repeats[key] = occurrence + 1
            key = f"{key[:-1]}{occurrence}"
        else:
            known += 1
        entry = Entry(
            title,
            category.path,
            statuses[todo],
            note,
            tuple(map(new_link, link_type, links)),
            line_base + line,
            _marker(kinds[kind], start, end, row[12], row[13]),
            key,
            position,
            folded + trail,  # f"{title}\x1f{trail}".casefold(): casefold maps each character
            row[14],
            depth,
            row[15],
            chunk,
        )
        position += 1
        append(entry)
        category.entries.append(entry)
        if todo:
            category.todo += 1  # its own, until _count adds those below


def _add_counts(total: dict[Any, int], more: dict[Any, int]) -> None:
    for key, count in more.items():
        total[key] = total.get(key, 0) + count


_FENCE = re.compile(rb" {0,3}(`{3,}|~{3,})")
_ATX = re.compile(rb"#{1,6}(?:[ \t]|\r?$)")
_RAW_HTML = re.compile(rb" {0,3}<(script|pre|style|textarea)(?:[ \t>]|\r?$)", re.IGNORECASE)
_OTHER_HTML = ((b"<?", b"?>"), (b"<![CDATA[", b"]]>"), (b"<!--", b"-->"))


_INTERESTING = re.compile(rb"^(?: {0,3}(?:`{3}|~{3}|<)|#)|<!--|<\?|<!\[CDATA\[", re.MULTILINE)
# Each match of _INTERESTING holds one of these ("#" only at the start of a line).
_NEEDLES = (b"<", b"\n#", b"```", b"~~~")


class _Interesting:
    """``_INTERESTING.search(data, position)``, for positions that only go up, faster:
    ``bytes.find`` looks for what a match holds, and the expression runs only on the lines that
    hold one (searching the whole file, it tries every byte: cutting a 50,000-entry index took
    65 ms, 16 ms so).

    The expression runs over the whole line it is on, so it finds what a search of the whole
    file finds first there. Past many lines that hold a "<" but no match, it goes back to the
    plain search, which is then faster."""

    def __init__(self, data: bytes, position: int) -> None:
        self.data = data
        self.began = position
        self.next = [-2] * len(_NEEDLES)  # where each needle is next: -1 nowhere, -2 not looked
        self.misses = 0
        self.plain = False

    def search(self, position: int) -> re.Match[bytes] | None:
        data = self.data
        size = len(data)
        while position < size and not self.plain:
            nearest = size
            found = self.next
            for number in range(len(_NEEDLES)):
                at = found[number]
                if -1 != at < position:
                    at = found[number] = self._find(number, position)
                if -1 != at < nearest:
                    nearest = at
            if nearest == size:
                return None
            line_start = data.rfind(b"\n", 0, nearest) + 1
            line_end = _line_end(data, nearest)
            match = _INTERESTING.search(data, max(position, line_start), line_end)
            if match is not None:
                return match
            position = line_end
            self.misses += 1
            self.plain = self.misses >= 32 and self.misses * 512 > position - self.began
        return _INTERESTING.search(data, position) if position < size else None

    def _find(self, number: int, position: int) -> int:
        data = self.data
        if number != 1:
            return data.find(_NEEDLES[number], position)
        if position == 0 and data.startswith(b"#"):
            return 0
        at = data.find(b"\n#", max(position - 1, 0))
        return -1 if at == -1 else at + 1


def chunk_bounds(data: bytes, start: int = 0) -> list[tuple[int, int]]:
    """Where the index can be cut into independently parsed chunks: before each ATX heading at
    column 0 that follows a blank line outside any code fence, HTML block or comment. Such a
    heading closes every open block, so each chunk parses as it does inside the whole file.

    Only lines that can open or close something are looked at (a regular expression finds them),
    which keeps this to a few milliseconds on a 50,000-entry index."""
    cuts = [start]
    begin = _skip_front_matter(data, start)
    if begin > start:
        cuts.append(begin)  # the frontmatter is a chunk of its own
    cuts.extend(_heading_cuts(data, start, begin))
    cuts.append(len(data))
    return [(a, b) for a, b in pairwise(cuts) if b > a] or [(start, len(data))]


def _heading_cuts(data: bytes, start: int, begin: int) -> list[int]:
    """The cuts before headings, scanning from ``begin`` (past any frontmatter) on.

    The scan holds no state from one line it stops at to the next: scanning from any cut gives
    the cuts after it that a scan of the whole file gives (the edit of one chunk relies on it)."""
    cuts: list[int] = []
    position = begin
    size = len(data)
    interesting = _Interesting(data, position)
    while position < size:
        found = interesting.search(position)
        if found is None:
            break
        line_start = data.rfind(b"\n", 0, found.start()) + 1
        end = _line_end(data, line_start)
        line = data[line_start:end]
        if (opening := _FENCE.match(line)) is not None:
            fence = opening.group(1)
            closing = re.compile(
                rb"^[ \t]*" + re.escape(fence[:1]) + rb"{%d,}[ \t\r]*$" % len(fence), re.MULTILINE
            )
            position = _past(data, closing.search(data, end))
            continue
        if (raw := _RAW_HTML.match(line)) is not None:
            closer = b"</" + raw.group(1).lower() + b">"
            if closer not in line[raw.end() :].lower():
                position = _past(data, re.compile(re.escape(closer), re.I).search(data, end))
                continue
            position = end
            continue
        if _starts_html_block(line, data, line_start, begin):
            blank_line = _BLANK_LINE.search(data, end)
            position = size if blank_line is None else blank_line.end()
            continue
        ending = _unclosed_html(line)
        if ending:
            found_at = data.find(ending, end)
            position = size if found_at == -1 else _line_end(data, found_at)
            continue
        if line_start > start and _ATX.match(line) and _after_blank(data, line_start, begin):
            cuts.append(line_start)
        position = end
    return cuts


_BLOCK_TAGS = frozenset(
    b"address article aside base basefont blockquote body caption center col colgroup dd details "
    b"dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 "
    b"head header hr html iframe legend li link main menu menuitem nav noframes ol optgroup option "
    b"p param search section summary table tbody td tfoot th thead title tr track ul".split()
)
_HTML_BLOCK_6 = re.compile(rb" {0,3}</?([A-Za-z][A-Za-z0-9]*)(?:[ \t>]|/>|\r?\n|\r?$)")
_HTML_BLOCK_7 = re.compile(
    rb" {0,3}(?:<[A-Za-z][A-Za-z0-9-]*"
    rb"(?:[ \t]+[A-Za-z_:][\w.:-]*(?:[ \t]*=[ \t]*(?:[^ \t\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*"
    rb"[ \t]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \t]*>)[ \t]*\r?\n?$"
)
_BLANK_LINE = re.compile(rb"^[ \t]*\r?$\n?", re.MULTILINE)


def _starts_html_block(line: bytes, data: bytes, line_start: int, begin: int) -> bool:
    """An HTML block of CommonMark's kinds 6 and 7: it runs to the next blank line, and a fence
    or heading inside it is only HTML text."""
    block = _HTML_BLOCK_6.match(line)
    if block is not None and block.group(1).lower() in _BLOCK_TAGS:
        return True
    # Kind 7 (a lone complete tag) cannot interrupt a paragraph.
    return _HTML_BLOCK_7.match(line) is not None and _after_blank(data, line_start, begin)


def _line_end(data: bytes, at: int) -> int:
    """The offset just past the line holding ``at``."""
    newline = data.find(b"\n", at)
    return len(data) if newline == -1 else newline + 1


def _past(data: bytes, match: re.Match[bytes] | None) -> int:
    return len(data) if match is None else _line_end(data, match.start())


def _unclosed_html(line: bytes) -> bytes:
    """The closing sequence a comment, processing instruction or CDATA opened here waits for."""
    for opener, ending in _OTHER_HTML:
        at = line.find(opener)
        if at != -1 and line.find(ending, at + len(opener)) == -1:
            return ending
    return b""


def _after_blank(data: bytes, line_start: int, begin: int) -> bool:
    if line_start <= begin:
        return True
    previous = data.rfind(b"\n", 0, line_start - 1) + 1
    return not data[previous : line_start - 1].strip()


def _skip_front_matter(data: bytes, start: int) -> int:
    """Past a YAML metadata block at the top (it is never cut); the end of the data when unsure.

    pulldown-cmark decides what a metadata block is (no blank first line, not empty, a closing
    ``---`` or ``...``), so it is asked, on the first 64 KB only.
    """
    if not data.startswith(b"---", start):
        return start
    head = data[start : start + 65536]
    if len(head) < len(data) - start:
        head = head[: head.rfind(b"\n") + 1]
    events = pyromark.events_with_range(_decode(head), options=_OPTIONS)
    first = next(iter(events), None)
    if first is None or not (isinstance(first[0], dict) and "Start" in first[0]):
        return start
    tag = cast(dict[str, Any], first[0])["Start"]
    if not (isinstance(tag, dict) and "MetadataBlock" in tag):
        return start
    end = start + first[1]["end"]
    if end >= start + len(head) and len(head) < len(data) - start:
        return len(data)  # a metadata block longer than 64 KB: no cut at all
    newline = data.find(b"\n", end)
    return len(data) if newline == -1 else newline + 1
