"""The footer: Textual's, recomposed once per refresh however often the keys change.

Textual's ``Footer`` queues a full recompose (every key widget unmounted and mounted again) for
each ``refresh_bindings``; a focus change, a tree rebuild and a worker's result in the same
frame queue several, each ~15 ms on the event loop, before the next frame can be painted.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._recompose_queued = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._recompose_queued:
            self._recompose_queued = True
            self.call_after_refresh(self._recompose_once)

    async def _recompose_once(self) -> None:
        self._recompose_queued = False
        await self.recompose()
