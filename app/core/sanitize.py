"""Make untrusted text visible-but-inert before it reaches the terminal.

Rich and Textual strip only a few C0 controls, so an escape sequence inside a note (an OSC 52
clipboard write, a title change, a screen clear) or a bidi override in a title would reach the real
terminal. Every string that comes from a notes folder goes through :func:`inert` (multi-line text)
or :func:`inert_line` (labels, titles, notices) first. Both are idempotent: the symbols they write
are ordinary printable characters, so text may safely pass through them twice.
"""

from __future__ import annotations

import re

_TAB = 0x09
_NEWLINE = 0x0A
_DEL = 0x7F
_CONTROL_PICTURES = 0x2400
_SYMBOL_FOR_DELETE = "\u2421"

# Formatting characters that reorder or hide text (Trojan Source, CVE-2021-42574).
BIDI_CONTROLS: frozenset[int] = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def _marker(code: int) -> str:
    return f"⟨U+{code:04X}⟩"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {
        code: chr(_CONTROL_PICTURES + code) for code in range(0x20) if code not in (_TAB, _NEWLINE)
    }
    table[_DEL] = _SYMBOL_FOR_DELETE
    table.update({code: _marker(code) for code in range(0x80, 0xA0)})
    table.update({code: _marker(code) for code in BIDI_CONTROLS})
    return table


def _pattern_for(codes: list[int]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(codes)) + "]")


_TABLE = _build_table()
_LINE_TABLE = {**_TABLE, _TAB: " ", _NEWLINE: " "}
# A search is much cheaper than translate, and most notes hold nothing to replace.
_NEEDS_TRANSLATION = _pattern_for(list(_TABLE))
_NEEDS_LINE_TRANSLATION = _pattern_for(list(_LINE_TABLE))


def inert(text: str) -> str:
    """Show controls as symbols, keeping tabs and newlines so Markdown still lays out."""
    if _NEEDS_TRANSLATION.search(text) is None:
        return text
    return text.translate(_TABLE)


def inert_line(text: str) -> str:
    """Like :func:`inert`, but flattened to one line for labels, titles and notices."""
    if _NEEDS_LINE_TRANSLATION.search(text) is None:
        return text
    return text.translate(_LINE_TABLE)


def has_controls(text: str) -> bool:
    """True when the text holds anything :func:`inert` would replace (links use this to refuse)."""
    return _NEEDS_TRANSLATION.search(text) is not None
