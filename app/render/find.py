"""Find in the note shown: where a query occurs in rendered lines, and those lines highlighted.

The preview paints lines of segments (``NoteView`` is a Line-API widget), so a find works on what
is on screen, not on the Markdown source: ``**attention**`` is found as ``attention``, a link by
its text. Matches are looked for once per query (and per render) over each line's plain text;
painting then only splits the few segments a match covers. A match that a soft wrap cuts in two
is not found, as in ``less`` with wrapped lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style

from app.render.rendered import Line

__all__ = ["FindMatch", "FindState", "find_matches", "highlight", "match_for_hit"]


@dataclass(frozen=True, slots=True)
class FindMatch:
    line: int  # counted from the top of the view (header included)
    start: int  # characters of the line's plain text
    end: int


def plain(line: Sequence[Segment]) -> str:
    return "".join(segment.text for segment in line if not segment.control)


def find_matches(lines: Sequence[Sequence[Segment]], query: str) -> list[FindMatch]:
    """Every occurrence of ``query`` (case-insensitive) in the lines, top to bottom."""
    if not query:
        return []
    from app.core.search import match_spans  # the first find, not the first screen, loads it

    found: list[FindMatch] = []
    for number, line in enumerate(lines):
        spans = match_spans(plain(line), query)
        found.extend(FindMatch(number, start, end) for start, end in spans)
    return found


def highlight(line: Sequence[Segment], spans: Sequence[tuple[int, int, Style]]) -> list[Segment]:
    """The line with each (start, end) character span restyled; spans sorted, not overlapping."""
    out: list[Segment] = []
    next_span = 0
    at = 0  # characters of plain text before the current segment
    for segment in line:
        text, style, control = segment
        if control or not text:
            out.append(segment)
            continue
        end_of_segment = at + len(text)
        cut = 0
        while next_span < len(spans) and spans[next_span][0] < end_of_segment:
            start, end, extra = spans[next_span]
            low, high = max(start, at) - at, min(end, end_of_segment) - at
            if low > cut:
                out.append(Segment(text[cut:low], style))
            if high > low:
                out.append(Segment(text[low:high], (style or Style()) + extra))
            cut = max(cut, high)
            if end > end_of_segment:
                break  # the span goes on in the next segment
            next_span += 1
        if cut < len(text):
            out.append(Segment(text[cut:], style))
        at = end_of_segment
    return out


def match_for_hit(
    matches: Sequence[FindMatch], header_lines: int, *, frontmatter: bool, ordinal: int
) -> int | None:
    """Which on-screen match stands for a search hit, given where the hit was in the file.

    Frontmatter is shown as header lines and the body below them, so a frontmatter hit is the
    first match in the header, and a body hit the body match with the same count before it
    (a match inside a link's URL in the file is not on screen: the count is then capped).
    """
    if not matches:
        return None
    in_header = [n for n, match in enumerate(matches) if match.line < header_lines]
    in_body = [n for n, match in enumerate(matches) if match.line >= header_lines]
    if frontmatter and in_header:
        return in_header[0]
    if in_body:
        return in_body[min(ordinal, len(in_body) - 1)]
    return in_header[0]


class FindState:
    """A find in one document: the query, where it is in the painted lines, the current match.

    The widget that paints the lines owns one and asks it which spans to highlight; moving
    between matches is plain bookkeeping here.
    """

    __slots__ = ("_by_line", "current", "matches", "query")

    def __init__(self) -> None:
        self.query = ""
        self.matches: list[FindMatch] = []
        self.current: int | None = None  # index into `matches`
        self._by_line: dict[int, list[int]] = {}  # line -> indexes into `matches`

    def collect(self, lines: Sequence[Sequence[Segment]], query: str) -> None:
        """Find `query` in `lines` again (a new query, or a new render of the document)."""
        self.query = query
        self.matches = find_matches(lines, query)
        self._by_line = {}
        for number, match in enumerate(self.matches):
            self._by_line.setdefault(match.line, []).append(number)

    def go_to_first_from(self, top: int) -> None:
        """The first match at or below line `top`, else the first of all, as `less` does."""
        below = (n for n, match in enumerate(self.matches) if match.line >= top)
        self.current = next(below, 0) if self.matches else None

    def keep_current(self, previous: int | None) -> None:
        """After a new render: the match numbered `previous` again, or the last there is."""
        count = len(self.matches)
        self.current = None if not count else min(previous or 0, count - 1)

    def select(self, number: int) -> bool:
        """Make match `number` the current one; False if there is no such match."""
        if 0 <= number < len(self.matches):
            self.current = number
            return True
        return False

    def step(self, step: int) -> bool:
        """Move `step` matches on (wrapping round); False if there is no match to move to."""
        if not self.matches:
            return False
        current = self.current
        start = (-1 if step > 0 else 0) if current is None else current
        self.current = (start + step) % len(self.matches)
        return True

    @property
    def position(self) -> int:
        """The current match counted from 1, as the find bar shows it; 0 when there is none."""
        return 0 if self.current is None else self.current + 1

    def line_to_reveal(self, top: int, height: int) -> int | None:
        """Where to scroll a view of `height` lines from `top` so that the current match is a
        quarter down it; None when the match is in view already (or there is none)."""
        current = self.current
        if current is None or current >= len(self.matches):
            return None
        line = self.matches[current].line
        height = max(1, height)
        if top <= line < top + height:
            return None
        return max(0, line - height // 4)

    def has_matches_on(self, line: int) -> bool:
        return line in self._by_line

    def highlighted(self, line: int, segments: Line, match: Style, current: Style) -> Line:
        """Line `line` with its matches restyled, the current one in `current`."""
        spans: list[tuple[int, int, Style]] = []
        for number in self._by_line.get(line, ()):
            found = self.matches[number]
            spans.append((found.start, found.end, current if number == self.current else match))
        return highlight(segments, spans)
