"""Which document the preview was last asked to show, and whether its render is on screen.

Renders finish out of order (a first screen synchronously, the rest in a thread, a cached one at
once), so each `show()` gets a generation: a result for an older generation is stale and dropped.
Plain bookkeeping, kept apart from the widget that paints: the anchor a link asked for waits here
until its heading has been rendered.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace

from rich.text import Text

__all__ = ["RenderRequest", "RenderRequests"]


@dataclass(frozen=True, slots=True)
class RenderRequest:
    """One `show()` call: what to render, and the generation that makes older results stale."""

    generation: int
    doc_key: Hashable
    body: str
    base: str | None
    header: list[Text] = field(default_factory=list)
    version: object = None
    keep_scroll: bool = False
    scroll_fraction: float | None = None  # after a width change: where the reader was


class RenderRequests:
    """The current request, the generation last painted, and an anchor waiting to be reached."""

    __slots__ = ("_applied", "_generation", "current", "pending_anchor")

    def __init__(self) -> None:
        self._generation = 0
        self._applied = -1  # the generation whose render was last put on screen
        self.current: RenderRequest | None = None
        self.pending_anchor: str | None = None

    def ask(
        self,
        doc_key: Hashable,
        body: str,
        base: str | None,
        header: list[Text],
        version: object,
        *,
        keep_scroll: bool,
        anchor: str | None,
    ) -> RenderRequest:
        """A new document (or version) to show: every render asked for before is stale."""
        self._generation += 1
        self.current = RenderRequest(
            self._generation, doc_key, body, base, header, version, keep_scroll
        )
        self.pending_anchor = anchor
        return self.current

    def again_at(self, scroll_fraction: float, *, keep_scroll: bool = True) -> RenderRequest | None:
        """The current document again (the width changed), the reader kept where they were.

        ``keep_scroll`` False: nothing was painted to keep (its first layout), so its first
        screen is rendered at once, as for a document shown anew."""
        if self.current is None:
            return None
        self._generation += 1
        self.current = replace(
            self.current,
            generation=self._generation,
            keep_scroll=keep_scroll,
            scroll_fraction=scroll_fraction,
        )
        return self.current

    def drop(self) -> None:
        """Nothing to show: any render still running is stale."""
        self._generation += 1
        self.current = None
        self.pending_anchor = None

    def is_current(self, request: RenderRequest) -> bool:
        return self.current is not None and request.generation == self.current.generation

    def painting(self, request: RenderRequest) -> bool:
        """Note that `request`'s render goes on screen; True if it is its first paint."""
        first = self._applied != request.generation
        self._applied = request.generation
        return first

    @property
    def painted(self) -> bool:
        """Whether a render of the current request is on screen (perhaps only its top)."""
        return self.current is not None and self._applied == self.current.generation
