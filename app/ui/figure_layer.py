"""The preview's figures, wired to the widget: when to decode, what each painted line carries,
and what to do when a dialog or the editor covers the preview.

A plain object the `NoteView` owns once the terminal is known to draw figures (and imported
only then). What each figure is and which commands draw it live in :mod:`app.ui.figures`; this
says when: the imaging code is imported in a worker as soon as a note with a figure is read
(shown, or read ahead around the cursor), so the first figure drawn does not wait for it; the
figures of a note read ahead are decoded (and, for kitty, encoded and sent to the terminal)
ahead, and drawn with the frame that paints their boxes; any other is decoded once the
placeholders are painted, through a cache of the figures decoded last; a sixel figure partly
in view gets its part encoded; and the workers run on the preview (``host``).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Self

from textual.dom import DOMNode, NoScreen
from textual.strip import Strip
from textual.worker import get_current_worker

from app.core.graphics import CellSize, FigureBox, Protocol
from app.render.rendered import FigureRef
from app.ui.figures import (
    Encodings,
    FigureKey,
    Figures,
    FigureView,
    Ready,
    State,
    cached,
    encode,
    encode_part,
)
from app.ui.workers import thread_worker

if TYPE_CHECKING:
    from PIL import Image

    from app.core.figures import Decoder, FigureCache
    from app.render.graphics import KittyPixels
    from app.ui.note_view import NoteView

__all__ = ["FigureLayer"]

_Rgb = tuple[int, int, int]
_UNLAID_HEIGHT = 24  # the pane's height assumed before the first layout


class FigureLayer:
    """The figures of one preview."""

    def __init__(
        self, view: NoteView, protocol: Protocol, cell: CellSize, decoder: Decoder | None = None
    ) -> None:
        self.view = view
        self.figures = Figures(protocol, cell)
        self.encodings = Encodings(protocol)
        self.height = -1  # the pane height the boxes were sized for
        self._decoder = decoder  # None: Pillow's (tests count decodes with their own)
        self._cache: FigureCache | None = None  # made with the first figure (imports Pillow)
        self._cache_lock = threading.Lock()
        self._warming = False

    @classmethod
    def attach(
        cls, view: NoteView, protocol: Protocol, cell: CellSize, decoder: Decoder | None = None
    ) -> Self:
        """The layer of ``view``, sized for it, its signals subscribed once it is mounted."""
        layer = cls(view, protocol, cell, decoder)
        layer.resized()
        if view.is_mounted:
            layer.mounted()
        else:
            view.call_after_refresh(layer.mounted)
        return layer

    @property
    def host(self) -> DOMNode:
        return self.view

    # -- the widget's moments ------------------------------------------------------------------

    def mounted(self) -> None:
        """A dialog over the preview, or the editor in its place, hides the figures (kitty's
        would stay on top); back on the preview they are drawn again."""
        app = self.view.app
        app.screen_change_signal.subscribe(self.view, self._screen_changed)
        app.app_suspend_signal.subscribe(self.view, lambda _: self._write_now(self._hide()))
        app.app_resume_signal.subscribe(self.view, lambda _: self.view.refresh())

    def resized(self) -> bool:
        """Size the boxes for the pane's height (at most 2/3 of it); True when it changed."""
        height = self.view.scrollable_content_region.height
        if height == self.height:
            return False
        self.height = height
        self.view.use_figure_sizer(self.figures.sizer(height if height > 0 else _UNLAID_HEIGHT))
        return True

    def content_set(self) -> None:
        """A render went on screen: another note frees the last one's figures at once, the
        figures ready ahead go with this frame, and decoding the others starts once the
        placeholders are painted (no thread competes with that)."""
        self.figures.showing(self.view.doc_key)
        self.read(self.view.rendered.figures)
        self._draw_cached()
        self.view.call_after_refresh(self._ask)

    def _draw_cached(self) -> None:
        """The figures decoded and encoded ahead (the note was read ahead) are drawn in the
        frame that paints their boxes: a look in the caches and an ``lstat`` each, no decoding,
        no worker. Before the first figure's imports are done there is nothing to look in."""
        view, cache, root = self.view, self._cache, self.view.root
        if cache is None or root is None:
            return
        background = self._background()
        for figure in view.rendered.figures:
            key = FigureKey(view.doc_key, figure.target, figure.box)
            if self.figures.state(view.doc_key, figure) is None:
                found = cached(self.encodings, cache, root, view.current_base, key, background)
                if found is not None:
                    self.figures.arrived(key, found)

    def unmounted(self) -> None:
        self._write_now(self.figures.release())

    def state(self, key: FigureKey) -> State | None:
        return self.figures.states.get(key)

    def state_of(self, figure: FigureRef) -> State | None:
        return self.figures.state(self.view.doc_key, figure)

    def read(self, figures: list[FigureRef], ahead: str | None = None) -> None:
        """A note was read with these figures: the first one starts importing the imaging code
        in a worker, once; a note without figures imports nothing. A note read ahead (the one
        at ``ahead``, around the cursor) has its figures decoded (and for kitty encoded) into
        the caches too (for kitty also sent to the terminal), so moving to it draws them with
        its first frame."""
        root = self.view.root
        if figures and ahead is not None and root is not None:
            self._warming = True
            wanted = [(figure.target, figure.box) for figure in figures]
            self._decode_ahead(root, ahead, wanted, self._background())
        elif figures and not self._warming:
            self._warming = True
            self._warm()

    @thread_worker("figures-ahead")
    def _decode_ahead(
        self, root: Path, base: str, figures: list[tuple[str, FigureBox]], bg: _Rgb
    ) -> None:
        """The figures of a note read ahead, decoded off the event loop (imports first), and
        for kitty encoded and sent (deflating runs outside the interpreter's lock; textual-image's
        sixel encoder, in pure Python, holds it for ~0.2 s a 1200×675 figure while keys wait)."""
        from app.core.figures import Figure

        self._warm_imports()
        cache = self.cache()
        worker = get_current_worker()
        for target, box in figures:
            if worker.is_cancelled:
                return
            loaded = cache.load(root, base, target, (box.pixel_width, box.pixel_height))
            if isinstance(loaded, Figure) and self.figures.protocol == "kitty":
                pixels = self.encodings.of(loaded.image, bg)  # not sixels: the interpreter's
                if isinstance(pixels, str):
                    continue
                try:
                    self.view.app.call_from_thread(self._send_ahead, loaded.image, pixels)
                except RuntimeError:  # the app is shutting down
                    return

    def _send_ahead(self, image: Image.Image, pixels: KittyPixels) -> None:
        """The pixels go to the terminal with a repaint of the preview now, while the keys
        rest, rather than with the frame that shows their note."""
        if self.figures.send_ahead(image, pixels):
            self.view.refresh()

    @thread_worker("figures-import")
    def _warm(self) -> None:
        self._warm_imports()

    def _warm_imports(self) -> None:
        """Pillow (and, for sixel, textual-image's encoder) imported, in a worker thread."""
        self.cache()
        if self.figures.protocol == "sixel":
            import textual_image._sixel  # noqa: F401

    def cache(self) -> FigureCache:
        """The figures decoded last (made, importing Pillow, on the first call; any thread)."""
        with self._cache_lock:
            if self._cache is None:
                from app.core.figures import FigureCache

                self._cache = FigureCache(decoder=self._decoder)
            return self._cache

    def paint(self, strip: Strip, index: int, y: int) -> Strip:
        view = self.view
        region = view.content_region
        where = FigureView(
            doc_key=view.doc_key,
            figures=view.figures,
            top_line=round(view.scroll_y),
            height=view.scrollable_content_region.height,
            x=region.x,
            y=region.y,
            active=self._on_top(),
            style=view.rich_style,
        )
        figures = self.figures
        strip = figures.paint(strip, index, y, where)
        if figures.crop_wanted is not None:
            wanted, figures.crop_wanted = figures.crop_wanted, None
            view.call_later(self._encode_part, *wanted)
        return strip

    def _on_top(self) -> bool:
        """Whether the preview's screen is the one shown (not under a dialog, not closing)."""
        try:
            return self.view.is_attached and self.view.screen.is_active
        except NoScreen:
            return False

    # -- decoding --------------------------------------------------------------------------------

    def _ask(self) -> None:
        view = self.view
        base = view.current_base
        wanted = self.figures.note_shown(view.doc_key, view.rendered.figures)
        root = view.root
        if wanted and root is not None:
            self._load(root, base, wanted, self._background())

    @thread_worker("figures")
    def _load(self, root: Path, base: str | None, keys: list[FigureKey], bg: _Rgb) -> None:
        """Decode, scale and encode figures off the event loop, one by one as they come."""
        worker = get_current_worker()
        for key in keys:
            if worker.is_cancelled:
                return
            state = encode(self.encodings, self.cache(), root, base, key, bg)
            try:
                self.view.app.call_from_thread(self._arrived, key, state)
            except RuntimeError:  # the app is shutting down
                return

    def _arrived(self, key: FigureKey, state: State) -> None:
        if self.figures.arrived(key, state):
            self.view.refresh()

    def _encode_part(self, key: FigureKey, hidden: int, rows: int) -> None:
        state = self.figures.states.get(key)
        if isinstance(state, Ready) and state.image is not None:
            self._part(key, state, hidden, rows, self._background())

    @thread_worker("figure-part", exclusive=True)
    def _part(self, key: FigureKey, state: Ready, hidden: int, rows: int, bg: _Rgb) -> None:
        """The part of a sixel figure in view, encoded off the event loop (the latest only)."""
        sixels = encode_part(state, key.box, hidden, rows, bg)
        if get_current_worker().is_cancelled:
            return
        try:
            self.view.app.call_from_thread(self._part_arrived, key, hidden, rows, sixels)
        except RuntimeError:  # the app is shutting down
            return

    def _part_arrived(self, key: FigureKey, hidden: int, rows: int, sixels: str) -> None:
        if self.figures.crop_arrived(key, hidden, rows, sixels):
            self.view.refresh()

    # -- the terminal ----------------------------------------------------------------------------

    def _screen_changed(self, screen: object) -> None:
        if screen is self.view.screen:
            self.view.refresh()
        else:
            self._write_now(self._hide())

    def _hide(self) -> str:
        return self.figures.hide_all()

    def _write_now(self, commands: str) -> None:
        """Commands for the terminal when no frame of the preview is coming (a dialog is
        over it, the editor is about to run, the browser ends): through the driver, in order
        with the frames. Textual 8.2 has no public way to write to the terminal: its own
        ``copy_to_clipboard`` (OSC 52) and ``bell`` write through ``App._driver`` too."""
        driver = getattr(self.view.app, "_driver", None)
        if commands and driver is not None:
            driver.write(commands)
            driver.flush()

    def _background(self) -> _Rgb:
        color = self.view.rich_style.bgcolor
        triplet = color.get_truecolor() if color is not None else None
        return (triplet.red, triplet.green, triplet.blue) if triplet else (0, 0, 0)
