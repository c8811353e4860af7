"""Line breaking in Chinese and Japanese, which write no spaces between words.

Rich breaks lines only at whitespace, so a CJK sentence would be one long "word". Here a line may
also break between two CJK characters, unless kinsoku (the punctuation rules) forbids it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from rich.cells import cell_len, chop_cells
from rich.console import Console, JustifyMethod, OverflowMethod
from rich.containers import Lines
from rich.text import Text

__all__ = ["WrappingText", "is_wide", "words"]

# Ideographs, kana, CJK punctuation and full-width forms: a line may break between any two of
# them. (Hangul is left out: Korean puts spaces between words.)
_WIDE_CLASS = (
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u33ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
)
# Kinsoku: what may not begin a line (closing marks, small kana) and what may not end one.
_NO_LINE_START = frozenset(
    "，。、；：！？）］｝〕〉》」』】〙〗〟’”｠»ー…‥・゠々〻"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ,.;:!?)]}%"
)
_NO_LINE_END = frozenset("（［｛〔〈《「『【〘〖〝‘“｟«([{")
_RICH_WORD = re.compile(r"\s*\S+\s*")


@cache
def _wide() -> re.Pattern[str]:
    """The class compiled for the first text that is not ASCII (~2 ms, a class of many ranges:
    most first screens never need it)."""
    return re.compile(_WIDE_CLASS)


def _has_wide(text: str) -> bool:
    return not text.isascii() and _wide().search(text) is not None


def is_wide(char: str) -> bool:
    return bool(char) and not char.isascii() and _wide().match(char) is not None


def words(text: str) -> Iterator[tuple[int, str]]:
    """Pieces of `text` that a line may not break inside, each with its trailing spaces.

    Like rich's words (split at spaces), but a line may also break before or after a CJK
    character, unless punctuation forbids it.
    """
    if not _has_wide(text):
        for match in _RICH_WORD.finditer(text):
            yield match.start(), match.group()
        return
    start = 0
    for position in range(1, len(text)):
        before, char = text[position - 1], text[position]
        if char.isspace():
            continue
        if before.isspace():
            breakable = True
        else:
            breakable = (
                (is_wide(before) or is_wide(char))
                and char not in _NO_LINE_START
                and before not in _NO_LINE_END
            )
        if breakable and text[start:position].strip():
            yield start, text[start:position]
            start = position
    if text[start:].strip():
        yield start, text[start:]


def _divide_line(text: str, width: int) -> list[int]:
    """Offsets at which to break `text` into lines `width` cells wide (rich's `divide_line`,
    with `words` for words): a word longer than a line is folded."""
    breaks: list[int] = []
    offset = 0
    for start, word in words(text):
        length = cell_len(word.rstrip())
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width:
            pieces = chop_cells(word, width)
            for number, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if number == len(pieces) - 1:
                    offset = cell_len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


class WrappingText(Text):
    """Text that wraps Chinese and Japanese between characters, not only at spaces.

    Rich breaks lines only at whitespace, so a CJK sentence is one long "word" that moves whole
    to the next line (leaving the line before half empty) and is then chopped at the width.
    """

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        if no_wrap or self.no_wrap or overflow == "ignore" or not _has_wide(self.plain):
            return super().wrap(
                console,
                width,
                justify=justify,
                overflow=overflow,
                tab_size=tab_size,
                no_wrap=no_wrap,
            )
        wrap_justify = justify or self.justify or "default"
        wrap_overflow = overflow or self.overflow or "fold"
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            new_lines = line.divide(_divide_line(line.plain, width))
            for new_line in new_lines:
                new_line.rstrip_end(width)
            new_lines.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for new_line in new_lines:
                new_line.truncate(width, overflow=wrap_overflow)
            lines.extend(new_lines)
        return lines
