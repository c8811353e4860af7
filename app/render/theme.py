"""The preview's colours and marks, one value a note is rendered with (a light theme swaps it).

Plain Rich styles, so the rendering layer needs nothing from Textual to paint a note.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style

__all__ = ["DEFAULT_THEME", "RenderTheme"]


class RenderTheme(NamedTuple):
    """Styles of the preview; the defaults suit a dark terminal (`_replace` to change one)."""

    headings: tuple[Style, Style, Style, Style, Style, Style] = (
        Style(color="#ffb86c", bold=True),
        Style(color="#8be9fd", bold=True),
        Style(color="#50fa7b", bold=True),
        Style(color="#bd93f9", bold=True),
        Style(color="#bd93f9", bold=True, italic=True),
        Style(color="#bd93f9", italic=True),
    )
    heading_rules: tuple[str, str] = ("━", "─")
    rule: Style = Style(color="#6272a4")
    link: Style = Style(color="#8be9fd", underline=True)
    code_inline: Style = Style(color="#f1fa8c", bgcolor="#303446")
    code_theme: str = "monokai"
    quote_bar: Style = Style(color="#6272a4")
    quote: Style = Style(italic=True)
    bullet: Style = Style(color="#ffb86c", bold=True)
    task_done: Style = Style(color="#50fa7b", bold=True)
    task_open: Style = Style(color="#ffb86c", bold=True)
    math: Style = Style(color="#ff79c6")
    math_source: Style = Style(color="#ff79c6", dim=True, italic=True)
    html: Style = Style(dim=True)
    image: Style = Style(color="#bd93f9")
    image_missing: Style = Style(color="#ff5555")
    table_border: Style = Style(color="#6272a4")
    table_header: Style = Style(bold=True, color="#8be9fd")
    footnote: Style = Style(color="#6272a4")


DEFAULT_THEME = RenderTheme()
