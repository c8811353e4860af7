"""How one preview renders its notes: theme, image checks, and what runs where.

The preview widget decides when and on which thread a render runs; this says what each render
is. A short note's first screen is rendered at once (the thread hop would cost more), the rest
and a long note by `render_in_steps` in a worker, and a note read ahead as a whole.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from functools import partial
from pathlib import Path

from rich.text import Text

from app.core.images import probe_image
from app.render.markdown import RenderInSteps, render_markdown, render_progressively, render_texts
from app.render.rendered import FigureSizer, ImageProbe, Line, Rendered
from app.render.theme import DEFAULT_THEME, RenderTheme

__all__ = ["SYNC_FIRST_SCREEN_CHARS", "NoteRenderer"]

SYNC_FIRST_SCREEN_CHARS = 100_000
"""Notes up to this size get their first screen rendered at once, without a thread.

The parser is lazy: a first screen costs ~6 ms whether the body is 8 KB or 130 KB (a category
overview of 500 entries is ~70 KB), while a worker's result waits for the interpreter behind the
tree and the first paint (50-130 ms at start-up).
"""

HEADER_CACHE_SIZE = 64  # headers laid out, by their texts and width (a few hundred bytes each)

_WARM_UP = "# W\n\n*a* $x_i^2$\n\n```python\nx = 1\n```\n\n| a |\n|---|\n| b |\n"


class NoteRenderer:
    """The renders of one preview; `root` is the notes folder its image paths are checked in."""

    def __init__(
        self,
        theme: RenderTheme = DEFAULT_THEME,
        render_in_steps: RenderInSteps = render_progressively,
        sync_first_screen_chars: int = SYNC_FIRST_SCREEN_CHARS,
    ) -> None:
        self.theme = theme
        self.root: Path | None = None  # None: image paths are not checked
        self.figure_sizer: FigureSizer | None = None  # None: images stay one line
        self._render_in_steps = render_in_steps
        self._sync_first_screen_chars = sync_first_screen_chars
        self._headers: OrderedDict[Hashable, list[Line]] = OrderedDict()

    def header(self, texts: list[Text], width: int) -> list[Line]:
        """The header's lines at ``width``, laid out once for the same texts (by their content):
        a note rendered ahead has its header laid out then (``NoteView.remember``), not in the
        frame that shows it, where laying out its seven lines cost about a millisecond."""
        if not texts:
            return []
        key = (width, *map(_text_key, texts))
        headers = self._headers
        lines = headers.get(key)
        if lines is None:
            lines = headers[key] = render_texts(texts, width=width)
            while len(headers) > HEADER_CACHE_SIZE:
                headers.popitem(last=False)
        else:
            headers.move_to_end(key)
        return lines

    def first_screen_now(self, body: str, base: str | None, width: int, blocks: int) -> Rendered:
        """The first `blocks` blocks, rendered on the caller's thread."""
        return render_markdown(
            body,
            width=width,
            theme=self.theme,
            max_blocks=blocks,
            image_probe=self.probe(base),
            figure_sizer=self.figure_sizer,
        )

    def renders_first_screen_now(self, body: str) -> bool:
        """Whether a note this long has its first screen rendered without a thread."""
        return len(body) <= self._sync_first_screen_chars

    def in_steps(
        self,
        body: str,
        base: str | None,
        width: int,
        first_blocks: int | None,
        cancelled: Callable[[], bool],
    ) -> Iterator[Rendered]:
        """The first screen (unless `first_blocks` is None), then the whole note; for a worker."""
        return self._render_in_steps(
            body,
            width=width,
            first_blocks=first_blocks,
            theme=self.theme,
            image_probe=self.probe(base),
            cancelled=cancelled,
            figure_sizer=self.figure_sizer,
        )

    def whole(self, body: str, base: str | None, width: int) -> Rendered:
        """The whole note at once (read ahead of the cursor); safe in a thread."""
        return render_markdown(
            body,
            width=width,
            theme=self.theme,
            image_probe=self.probe(base),
            figure_sizer=self.figure_sizer,
        )

    def probe(self, base: str | None) -> ImageProbe | None:
        """What checks the images of the note at `base` (root-relative), if there is a root."""
        return partial(probe_image, self.root, base) if self.root is not None else None

    @staticmethod
    def warm_up() -> None:
        """Import the lexers and math converter before the first note needs them."""
        render_markdown(_WARM_UP, width=80)


def _text_key(text: Text) -> Hashable:
    """What a text is laid out from: equal keys, equal lines."""
    return (
        text.plain,
        text.style,
        tuple(text.spans),
        text.justify,
        text.overflow,
        text.no_wrap,
        text.end,
        text.tab_size,
    )
