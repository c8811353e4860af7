"""Where an index can be cut into chunks that parse on their own as they do in the whole file.

Before each ATX heading at column 0 that follows a blank line outside any code fence, HTML block
or comment; the frontmatter is a chunk of its own. Each chunk is then parsed alone, and one seen
before (a section a save did not touch) need not be parsed again.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any, cast

import pyromark

from app.core.parse.options import MARKDOWN_OPTIONS
from app.core.parse.read import decode

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
    begin = front_matter_end(data, start)
    if begin > start:
        cuts.append(begin)  # the frontmatter is a chunk of its own
    cuts.extend(heading_cuts(data, start, begin))
    cuts.append(len(data))
    return [(a, b) for a, b in pairwise(cuts) if b > a] or [(start, len(data))]


def heading_cuts(data: bytes, start: int, begin: int) -> list[int]:
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


def front_matter_end(data: bytes, start: int) -> int:
    """Past a YAML metadata block at the top (it is never cut); the end of the data when unsure.

    pulldown-cmark decides what a metadata block is (no blank first line, not empty, a closing
    ``---`` or ``...``), so it is asked, on the first 64 KB only.
    """
    if not data.startswith(b"---", start):
        return start
    head = data[start : start + 65536]
    if len(head) < len(data) - start:
        head = head[: head.rfind(b"\n") + 1]
    events = pyromark.events_with_range(decode(head), options=MARKDOWN_OPTIONS)
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
