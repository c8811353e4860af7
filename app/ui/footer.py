"""The footer: Textual's, recomposed once per refresh however often the keys change.

Textual's ``Footer`` queues a full recompose (every key widget unmounted and mounted again) for
each ``refresh_bindings``; a focus change, a tree rebuild and a worker's result in the same
frame queue several, each ~15 ms on the event loop, before the next frame can be painted.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


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
        if not self._update_in_place():
            await self.recompose()

    def _update_in_place(self) -> bool:
        """Grey keys in or out without rebuilding the footer, when the same keys are shown.

        Moving the cursor mostly changes which keys apply (``o`` without a web link, ``ctrl+o``
        without headings), not which are shown; a recompose would unmount and mount every key
        (~20 ms of styling on the event loop per move). Anything else recomposes as Textual does.
        """
        if not self._bindings_ready or not self.is_attached:
            return False
        screen = self.screen
        active = screen.active_bindings
        wanted: dict[str, tuple[str, bool]] = {}
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in wanted:
                wanted[binding.action] = (binding.key, enabled)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                wanted.setdefault(palette[1].action, (palette[1].key, palette[2]))
        keys = list(self.query(FooterKey))
        if len(keys) != len(wanted):
            return False
        for key in keys:
            known = wanted.get(key.action)
            if known is None or known[0] != key.key:
                return False
        for key in keys:
            disabled = not wanted[key.action][1]
            if key._disabled != disabled:  # what FooterKey paints and clicks by
                key._disabled = disabled
                key.set_class(disabled, "-disabled")
                key.refresh()
        return True
