"""Fenced code, highlighted by Pygments through rich's `Syntax`.

Pygments (with rich.syntax) is imported by the first note with code, or by NoteView's warm-up
after the first paint, never at start: it would add to every start of the browser.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from rich.console import RenderableType

from app.render.theme import RenderTheme

if TYPE_CHECKING:
    from pygments.lexer import Lexer

__all__ = ["code_block"]


def code_block(code: str, language: str, theme: RenderTheme) -> RenderableType:
    """`code` highlighted as the fence's `language` (plain text when Pygments knows no such)."""
    lexer = _lexer(language.lower())
    from rich.syntax import Syntax

    return Syntax(
        code,
        lexer if lexer is not None else "text",
        theme=theme.code_theme,
        word_wrap=True,
        padding=(0, 1),
        tab_size=4,
    )


@lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer | None:
    """A Pygments lexer by fence name; cached because a miss scans plugin entry points."""
    if not language:
        return None
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language)
    except (ClassNotFound, ValueError, TypeError):
        return None
