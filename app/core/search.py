"""Full-text search over every note of an index: bodies and frontmatter, streamed as found.

A query matches as one case-insensitive substring, spaces included, the way ctrl+f does in a
browser: ``flash attention`` finds that phrase, not the two words apart. Notes are visited in the
index's order (a note once, for the first entry that points to it; a folder note is its README
and the Markdown files in it), so the first hits come from the top of the index and arrive while
the rest of the folder is still being read.

Speed comes from never decoding a note that does not match: an ASCII query (the usual case) is
looked for with ``bytes.lower().find``, which runs in C over the raw file; only matching lines
are decoded. A query with other letters falls back to ``str.casefold`` on the decoded text.
Files over 2 MB, binary files, FIFOs and devices are skipped, and nothing outside the notes
folder is read (``safe_path`` judges every path after symlinks).
"""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.core.display_names import shown_name
from app.core.links import real_folder, safe_path
from app.core.model import Entry, Index
from app.core.names import folder_note_name
from app.core.notes import split_frontmatter
from app.core.sanitize import inert_line

__all__ = ["MAX_NOTE_BYTES", "Hit", "match_spans", "search_notes"]

MAX_NOTE_BYTES = 2_000_000
EXCERPT_CHARS = 120
_BEFORE_MATCH = 30  # characters kept before the match when a long line is trimmed
_FOLDER_FILES_LIMIT = 200
_SNIFF_BYTES = 8192
_BINARY_STARTS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF-", b"PK\x03\x04")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching line of one note; every string is inert, ready to display."""

    key: str | None  # the entry whose note this is; None for a file inside a folder note
    note: str  # the file's root-relative POSIX path
    title: str
    category: tuple[str, ...]
    line: int  # 1-based, in the file
    text: str  # the line, trimmed around the match to about EXCERPT_CHARS
    start: int  # the match within ``text``
    end: int
    frontmatter: bool = False  # the line is in the note's frontmatter
    ordinal: int = 0  # matches before it in its part of the file (frontmatter or body)

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "note": self.note,
            "title": self.title,
            "category": list(self.category),
            "line": self.line,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "frontmatter": self.frontmatter,
        }


@dataclass(frozen=True, slots=True)
class _Source:
    """A file to search and what its hits are reported under."""

    rel: str
    path: str  # its real path, checked to be inside the root
    key: str | None
    title: str
    category: tuple[str, ...]


def search_notes(
    index: Index, text: str, *, cancelled: Callable[[], bool] = lambda: False
) -> Iterator[Hit]:
    """Every line of every note that holds ``text``, case-insensitively, in index order.

    ``cancelled`` is asked before each file (and between hits): when it says True, the search
    stops. An empty query finds nothing.
    """
    if not text or text.isspace():
        return
    find = _ascii_finder(text) if text.isascii() else _text_finder(text)
    for source in _sources(index, cancelled):
        if cancelled():
            return
        data = _read_note(source.path)
        if data is None:
            continue
        for hit in find(source, data):
            yield hit
            if cancelled():
                return


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where ``query`` occurs in ``text`` ignoring case: non-overlapping (start, end) pairs.

    Case folding may lengthen text (``ß`` folds to ``ss``); the spans are mapped back to
    ``text``'s own characters.
    """
    needle = query.casefold()
    if not needle:
        return []
    folded = text.casefold()
    if len(folded) == len(text):  # no character changed length: positions agree
        origin: list[int] | None = None
    else:
        origin = [i for i, char in enumerate(text) for _ in char.casefold()]
        origin.append(len(text))
    spans: list[tuple[int, int]] = []
    at = folded.find(needle)
    while at >= 0:
        end = at + len(needle)
        if origin is None:
            spans.append((at, end))
        else:
            spans.append((origin[at], origin[end - 1] + 1))
        at = folded.find(needle, end)
    return spans


# -- which files ----------------------------------------------------------------------------


def _sources(index: Index, cancelled: Callable[[], bool]) -> Iterator[_Source]:
    """Each note file once, for the first entry that points to it, in index order."""
    root = real_folder(index.root)  # once for the pass, not once a note
    if root is None:
        return
    seen: set[str] = set()
    for entry in index.entries:
        if cancelled():
            return
        note = entry.note
        if note is None or note in seen:
            continue
        seen.add(note)
        real = safe_path(root, note, root_is_real=True)
        if real is None:
            continue
        if note.endswith("/") or os.path.isdir(real):
            yield from _folder_sources(root, entry, note, seen)
        else:
            rel = posixpath.normpath(note)
            seen.add(rel)
            yield _Source(rel, str(real), entry.key, _title(entry), _category(entry))


def _folder_sources(root: Path, entry: Entry, note: str, seen: set[str]) -> Iterator[_Source]:
    """A folder note: its README (under the entry's key), then its other Markdown files
    (``root``: the notes folder, its symlinks resolved)."""
    folder = note.strip("/")
    files = _markdown_files(root, folder)
    readme = folder_note_name(f for f in files if "/" not in f)
    ordered = ([readme] if readme is not None else []) + [f for f in files if f != readme]
    for inner in ordered:
        rel = f"{folder}/{inner}" if folder else inner
        if rel in seen:
            continue
        seen.add(rel)
        real = safe_path(root, rel, root_is_real=True)
        if real is None:
            continue
        if inner == readme:
            yield _Source(rel, str(real), entry.key, _title(entry), _category(entry))
        else:
            title = f"{_title(entry)} › {shown_name(inner)}"
            yield _Source(rel, str(real), None, title, _category(entry))


def _markdown_files(root: Path, folder: str) -> list[str]:
    """Visible ``.md`` files under a folder note, relative to it, at most a few hundred."""
    top = safe_path(root, folder, root_is_real=True)
    if top is None:
        return []
    found: list[str] = []
    for current, dirs, files in os.walk(top, followlinks=False):
        dirs[:] = sorted((d for d in dirs if not d.startswith(".")), key=str.casefold)
        prefix = os.path.relpath(current, top)
        for name in sorted(files, key=str.casefold):
            if name.startswith(".") or not name.lower().endswith(".md"):
                continue
            found.append(name if prefix == "." else f"{prefix}/{name}")
            if len(found) >= _FOLDER_FILES_LIMIT:
                return found
    return found


def _title(entry: Entry) -> str:
    return inert_line(entry.title)


def _category(entry: Entry) -> tuple[str, ...]:
    return tuple(inert_line(part) for part in entry.category)


def _read_note(path: str) -> bytes | None:
    """The file's bytes, or None when it is missing, not a regular file, too big or binary."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_NOTE_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_NOTE_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_NOTE_BYTES or b"\x00" in data[:_SNIFF_BYTES]:
        return None
    if data.startswith(_BINARY_STARTS):
        return None
    return data


# -- matching -------------------------------------------------------------------------------

_Finder = Callable[[_Source, bytes], Iterator[Hit]]


def _ascii_finder(query: str) -> _Finder:
    """Find an ASCII query in raw bytes: lower-cased in C, only matching lines decoded."""
    needle = query.lower().encode("ascii")

    def find(source: _Source, data: bytes) -> Iterator[Hit]:
        lowered = data.lower()
        at = lowered.find(needle)
        if at < 0:
            return
        frontmatter_lines = _frontmatter_lines(data)
        line, counted_to, ordinal = 1, 0, 0
        in_body = frontmatter_lines == 0
        while at >= 0:
            start = lowered.rfind(b"\n", 0, at) + 1
            end = lowered.find(b"\n", at)
            end = len(data) if end < 0 else end
            line += data.count(b"\n", counted_to, start)
            counted_to = start
            if not in_body and line > frontmatter_lines:
                in_body, ordinal = True, 0  # the body's matches count apart from the frontmatter's
            raw = data[start:end]
            before = len(raw[: at - start].decode("utf-8", errors="replace"))
            decoded = raw.decode("utf-8", errors="replace")
            yield _hit(source, line, decoded, before, len(query), frontmatter_lines, ordinal)
            ordinal += lowered.count(needle, start, end)
            at = lowered.find(needle, end)

    return find


def _text_finder(query: str) -> _Finder:
    """Find a query with non-ASCII letters: decode, casefold, then look line by line."""
    folded_query = query.casefold()

    def find(source: _Source, data: bytes) -> Iterator[Hit]:
        text = data.decode("utf-8", errors="replace")
        if folded_query not in text.casefold():
            return
        frontmatter_lines = _frontmatter_lines(data)
        ordinal = 0
        for number, raw in enumerate(text.split("\n"), start=1):
            if number == frontmatter_lines + 1:
                ordinal = 0  # the body's matches count apart from the frontmatter's
            spans = match_spans(raw, query)
            if spans:
                start, end = spans[0]
                yield _hit(source, number, raw, start, end - start, frontmatter_lines, ordinal)
                ordinal += len(spans)

    return find


def _frontmatter_lines(data: bytes) -> int:
    """How many lines at the top of the file are frontmatter (0: none)."""
    body = data[3:] if data.startswith(_BOM) else data
    if not body.startswith((b"---", b"+++")):
        return 0
    text = body.decode("utf-8", errors="replace")
    rest = split_frontmatter(text).body
    if len(rest) == len(text):
        return 0
    return text[: len(text) - len(rest)].count("\n")


def _hit(
    source: _Source,
    line: int,
    raw: str,
    start: int,
    length: int,
    frontmatter_lines: int,
    ordinal: int,
) -> Hit:
    if line == 1 and raw.startswith("\ufeff"):
        raw, start = raw[1:], start - 1
    text, begin, end = _excerpt(raw.rstrip("\r"), start, start + length)
    return Hit(
        key=source.key,
        note=source.rel,
        title=source.title,
        category=source.category,
        line=line,
        text=text,
        start=begin,
        end=end,
        frontmatter=line <= frontmatter_lines,
        ordinal=ordinal,
    )


def _excerpt(line: str, start: int, end: int) -> tuple[str, int, int]:
    """The line around the match, at most about EXCERPT_CHARS, made inert; the match's span."""
    lead = len(line) - len(line.lstrip())
    left, right = min(lead, start), len(line.rstrip())
    if right - left > EXCERPT_CHARS:
        left = max(left, min(start - _BEFORE_MATCH, right - EXCERPT_CHARS))
        right = min(right, left + EXCERPT_CHARS)
    end = min(max(end, start), right)
    head = ("…" if left > lead else "") + inert_line(line[left:start])
    match = inert_line(line[start:end])
    tail = inert_line(line[end:right]) + ("…" if right < len(line.rstrip()) else "")
    return head + match + tail, len(head), len(head) + len(match)
