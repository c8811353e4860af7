"""Markdown to terminal lines, fast enough for a preview that follows the cursor.

Textual's `Markdown` widget builds one widget per block and needs ~38 s for a 2,000-line note.
Here pyromark (a Rust pull parser) yields events, each leaf block (paragraph, heading, code,
table, ...) becomes one rich renderable (`app.render.builder`), and rich renders it straight to
lines of segments at the pane width.

Pure and thread-safe: no Textual import, a fresh Console per call, nothing shared but caches of
immutable values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from rich.text import Text

from app.render.builder import Builder
from app.render.layout import new_console
from app.render.rendered import FigureSizer, ImageProbe, Line, Rendered
from app.render.theme import DEFAULT_THEME, RenderTheme

# Pygments (with rich.syntax) and pylatexenc are imported by the first note that needs them, or
# by NoteView's warm-up after the first paint: together they would add ~0.1 s to every start.

__all__ = ["RenderInSteps", "render_markdown", "render_progressively", "render_texts"]


def render_texts(texts: list[Text], *, width: int) -> list[Line]:
    """Lay out already-built Text lines (a header above the note) at `width`."""
    console = new_console(width)
    options = console.options.update_width(max(1, width))
    lines: list[Line] = []
    for text in texts:
        lines.extend(console.render_lines(text, options, pad=False, new_lines=False))
    return lines


def render_markdown(
    body: str,
    *,
    width: int,
    theme: RenderTheme = DEFAULT_THEME,
    max_blocks: int | None = None,
    image_probe: ImageProbe | None = None,
    cancelled: Callable[[], bool] | None = None,
    figure_sizer: FigureSizer | None = None,
) -> Rendered:
    """Render a note's Markdown `body` to lines `width` cells wide.

    `image_probe` tells each image's placeholder whether the file is missing and its size
    (without it, placeholders show only the alt text and path). `max_blocks` stops after that
    many blocks (the first screen of a long note); `cancelled` is polled after every block.
    Either way `complete` is then False. `figure_sizer` (a terminal that draws figures) keeps
    lines free below each image's placeholder for the figure.
    """
    builder = Builder(body, width, theme, image_probe, cancelled, figure_sizer)
    done = builder.run(max_blocks)
    return builder.snapshot(complete=done)


def render_progressively(
    body: str,
    *,
    width: int,
    first_blocks: int | None,
    theme: RenderTheme = DEFAULT_THEME,
    image_probe: ImageProbe | None = None,
    cancelled: Callable[[], bool] | None = None,
    figure_sizer: FigureSizer | None = None,
) -> Iterator[Rendered]:
    """Yield the first `first_blocks` blocks early (if given and the note is longer), then all.

    The second result continues where the first stopped: the top is rendered once. Nothing more
    is yielded once `cancelled()` turns true.
    """
    builder = Builder(body, width, theme, image_probe, cancelled, figure_sizer)
    if not builder.run(first_blocks):
        if builder.was_cancelled:
            return
        yield builder.snapshot(complete=False)
        if not builder.run(None):
            return
    yield builder.snapshot(complete=True)


class RenderInSteps(Protocol):
    """What renders a note in a worker: `render_progressively`, or a test's wrapper of it."""

    def __call__(
        self,
        body: str,
        *,
        width: int,
        first_blocks: int | None,
        theme: RenderTheme = ...,
        image_probe: ImageProbe | None = ...,
        cancelled: Callable[[], bool] | None = ...,
        figure_sizer: FigureSizer | None = ...,
    ) -> Iterator[Rendered]: ...
