"""The figures of the note on screen, drawn by the terminal into lines the preview keeps blank.

The preview paints lines (Strips), so a figure cannot be a widget in it. The render keeps a box
of blank lines below each image's placeholder (``Rendered.figures``); once the figure is decoded
and encoded in a worker, the preview's lines carry the graphics commands as control segments,
written by Textual in order with every other byte of the frame:

- kitty: the pixels are sent once (``a=t``), ahead when the note was read ahead (with a repaint
  while the keys rest, so the frame that shows the note only places them); the first visible
  line of the box places them at its left edge (``a=p``), cropped to the rows in view, and
  placing again moves the one placement, so scrolling and resizing re-draw it. A figure
  scrolled out is hidden (``d=i``); another note frees the previous note's pixels by their
  ids (``d=I``).
- sixel: sixels stay where they were drawn until text covers them, so a figure is drawn by
  the last line of its box in view, after the text of the lines above it. A sixel cannot be
  cropped, so the rows in view of a figure partly scrolled out are encoded again in a worker
  (the blank box shows until they come).

Until a figure is ready its box is blank: the placeholder of the same height. A figure that
cannot be drawn says why on the box's first line.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from itertools import count
from random import randint
from typing import TYPE_CHECKING

from rich.segment import ControlType, Segment
from rich.style import Style
from textual.strip import Strip

from app.core.graphics import CellSize, FigureBox, Protocol, figure_box, figure_rows_limit
from app.render.rendered import FigureRef, FigureSizer

if TYPE_CHECKING:
    from pathlib import Path

    from PIL import Image

    from app.core.figures import FigureCache
    from app.render.graphics import KittyPixels

__all__ = [
    "Encodings",
    "FigureKey",
    "FigureView",
    "Figures",
    "Ready",
    "Unavailable",
    "cached",
    "encode",
    "encode_part",
    "ready",
]

_NO_OP = ((ControlType.CURSOR_FORWARD, 0),)  # a control segment: zero cells, written as is
_IDS = count(randint(1, 2**24))
_CROPS_KEPT = 8  # parts of a sixel figure kept, for scrolling back and forth
_ENCODINGS_KEPT = 8  # figures kept encoded, as many as are kept decoded
_AHEAD_KEPT = 4  # kitty: figures of notes read ahead, sent to the terminal before they are shown
_Rgb = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class FigureKey:
    doc_key: Hashable
    target: str
    box: FigureBox


@dataclass(slots=True)
class Ready:
    """An encoded figure: kitty pixels (sent once, then placed by id) or sixel data."""

    payload: str
    image_id: int = 0  # kitty only
    sent: bool = False
    placed: set[int] = field(default_factory=set)  # kitty: its placements on the screen
    image: Image.Image | None = None  # the pixels (sixel: for the part in view; kitty: whose)
    crops: dict[tuple[int, int], str] = field(default_factory=dict)  # (hidden, rows): sixels


@dataclass(frozen=True, slots=True)
class Unavailable:
    reason: str


State = Ready | Unavailable


@dataclass(frozen=True, slots=True)
class FigureView:
    """Where the preview is, for one line painted: what it shows and which part."""

    doc_key: Hashable
    figures: list[FigureRef]  # lines counted from the top of the view
    top_line: int  # the first line in view
    height: int  # lines in view
    x: int  # the screen cell of the view's top left
    y: int
    active: bool  # its screen is the one on top (else nothing is drawn)
    style: Style


class Figures:
    """What is known of each figure of the note shown, and the commands its lines carry."""

    def __init__(self, protocol: Protocol, cell: CellSize) -> None:
        self.protocol = protocol
        self.cell = cell
        self.states: dict[FigureKey, State] = {}
        self.asked: set[FigureKey] = set()
        self.doc_key: Hashable = None
        self.pending: list[str] = []  # commands for the next line painted (hide, delete)
        self.crop_wanted: tuple[FigureKey, int, int] | None = None  # a sixel part to encode
        # kitty: pixels sent ahead (a note read ahead), by image, until a figure shown claims them
        self.ahead: OrderedDict[int, tuple[Image.Image, int]] = OrderedDict()

    def sizer(self, pane_height: int) -> FigureSizer:
        """How big each figure is drawn in a pane this tall."""
        cell = self.cell
        rows = figure_rows_limit(pane_height)

        def size(pixels: tuple[int, int], max_cols: int) -> FigureBox | None:
            return figure_box(pixels, cell, max_cols, rows)

        return size

    def note_shown(self, doc_key: Hashable, figures: list[FigureRef]) -> list[FigureKey]:
        """A render went on screen; the figures still to decode. Another note than before
        takes the previous note's figures off the screen and out of the terminal."""
        self.showing(doc_key)
        keys = [FigureKey(doc_key, figure.target, figure.box) for figure in figures]
        self._forget_other_sizes(set(keys))
        wanted = []
        for key in keys:
            if key not in self.states and key not in self.asked:
                self.asked.add(key)
                wanted.append(key)
        return wanted

    def _forget_other_sizes(self, keys: set[FigureKey]) -> None:
        """After a resize the note's figures have new boxes: the old sizes are freed."""
        from app.render.graphics import kitty_delete

        for key in [key for key in self.states if key not in keys]:
            state = self.states.pop(key)
            if isinstance(state, Ready) and state.sent:
                self.pending.append(kitty_delete(state.image_id))

    def showing(self, doc_key: Hashable) -> None:
        """The preview shows ``doc_key``: another note than before frees the last one's."""
        if doc_key != self.doc_key:
            self.forget_all()
            self.doc_key = doc_key

    def forget_all(self) -> None:
        from app.render.graphics import kitty_delete

        for state in self.states.values():
            if isinstance(state, Ready) and state.sent:
                self.pending.append(kitty_delete(state.image_id))
        self.states.clear()
        self.asked.clear()

    def arrived(self, key: FigureKey, state: State) -> bool:
        """A worker's result; whether it belongs to the note still shown. Kitty pixels sent
        ahead are placed under the id they were sent with, and not sent again."""
        self.asked.discard(key)
        if key.doc_key != self.doc_key:
            return False
        if isinstance(state, Ready) and not state.sent and state.image is not None:
            image_id = self._claim_ahead(state.image)
            if image_id is not None:
                state = Ready("", image_id, sent=True, image=state.image)
        self.states[key] = state
        return True

    def send_ahead(self, image: Image.Image, pixels: KittyPixels) -> bool:
        """Send the kitty pixels of a figure decoded ahead (a note around the cursor) with the
        next line painted (``a=t``: nothing shown), so that the frame which shows its note only
        places it: a few bytes instead of the whole figure. The last few sent ahead are kept
        in the terminal; older ones are freed. False when they were sent already."""
        from app.render.graphics import kitty_delete, kitty_send

        kept = self.ahead.get(id(image))
        if kept is not None and kept[0] is image:
            return False
        if any(isinstance(s, Ready) and s.image is image for s in self.states.values()):
            return False  # on screen already, under its own id
        image_id = self.new_image_id()
        self.pending.append(kitty_send(image_id, pixels))
        self.ahead[id(image)] = (image, image_id)
        while len(self.ahead) > _AHEAD_KEPT:
            _, (_, old) = self.ahead.popitem(last=False)
            self.pending.append(kitty_delete(old))
        return True

    def _claim_ahead(self, image: Image.Image) -> int | None:
        """The id ``image`` was sent ahead under, now owned by the figure shown (freed with
        its note); None if it was not sent ahead."""
        kept = self.ahead.get(id(image))
        if kept is None or kept[0] is not image:
            return None
        del self.ahead[id(image)]
        return kept[1]

    def paint(self, strip: Strip, index: int, y: int, view: FigureView) -> Strip:
        """Line ``index`` (row ``y`` of the view) with the graphics commands it carries: the
        hides and deletes pending, and the placement (kitty) or sixels of a figure whose box
        it starts (kitty) or ends (sixel); a figure that cannot be drawn says why instead."""
        in_view = self._in_view(view)
        if y == 0:
            self.hide_unseen(
                {
                    (state.image_id, figure.image + 1)
                    for figure, state, _, _ in in_view
                    if isinstance(state, Ready) and view.active
                }
            )
        extra = self.take_pending()
        bottom_line = view.top_line + view.height
        for figure, state, top, bottom in in_view:
            if isinstance(state, Unavailable):
                if index == top:
                    strip = _reason_line(figure, state.reason, strip.cell_length, view.style)
                continue
            if not isinstance(state, Ready) or not view.active:
                continue
            x = view.x + figure.x
            if self.protocol == "kitty" and index == max(top, view.top_line):
                visible = min(bottom, bottom_line) - index
                commands = self.kitty_commands(state, figure, index - top, visible)
                extra.append(control(_at_cell(x, view.y + y, commands)))
            elif self.protocol == "sixel" and index == min(bottom, bottom_line) - 1:
                first = max(top, view.top_line)
                sixels = self._sixels(figure, state, first - top, index + 1 - first)
                if sixels is not None:
                    extra.append(control(_at_cell(x, view.y + first - view.top_line, sixels)))
        if not extra:
            return strip
        return Strip([*strip, *extra], strip.cell_length)

    def _sixels(self, figure: FigureRef, state: Ready, hidden: int, rows: int) -> str | None:
        """The sixels of the rows in view: the whole figure, or a part encoded for it (asked
        of a worker, drawn once it comes; the blank box shows meanwhile)."""
        if hidden == 0 and rows == figure.box.rows:
            return state.payload
        part = state.crops.get((hidden, rows))
        if part is None:
            self.crop_wanted = (FigureKey(self.doc_key, figure.target, figure.box), hidden, rows)
        return part

    def crop_arrived(self, key: FigureKey, hidden: int, rows: int, sixels: str) -> bool:
        state = self.states.get(key)
        if not isinstance(state, Ready):
            return False
        if len(state.crops) >= _CROPS_KEPT:
            state.crops.pop(next(iter(state.crops)))
        state.crops[(hidden, rows)] = sixels
        return True

    def _in_view(self, view: FigureView) -> list[tuple[FigureRef, State | None, int, int]]:
        found = []
        for figure in view.figures:
            top = figure.line
            bottom = top + figure.box.rows
            if bottom > view.top_line and top < view.top_line + view.height:
                found.append((figure, self.state(view.doc_key, figure), top, bottom))
        return found

    @staticmethod
    def new_image_id() -> int:
        return next(_IDS) & 0xFFFFFFFF or 1

    def state(self, doc_key: Hashable, figure: FigureRef) -> State | None:
        return self.states.get(FigureKey(doc_key, figure.target, figure.box))

    def hide_unseen(self, seen: set[tuple[int, int]]) -> None:
        """Kitty placements of figures no longer in view are taken off the screen."""
        from app.render.graphics import kitty_hide

        for state in self.states.values():
            if not isinstance(state, Ready):
                continue
            for placement in sorted(state.placed):
                if (state.image_id, placement) not in seen:
                    state.placed.discard(placement)
                    self.pending.append(kitty_hide(state.image_id, placement))

    def hide_all(self) -> str:
        """Commands that take every placed figure off the screen (a dialog or the editor is
        over the preview: kitty images would stay above it)."""
        self.hide_unseen(set())
        commands, self.pending = "".join(self.pending), []
        return commands

    def release(self) -> str:
        """Commands that free every figure sent, shown or ahead (the browser ends)."""
        from app.render.graphics import kitty_delete

        self.forget_all()
        self.pending.extend(kitty_delete(image_id) for _, image_id in self.ahead.values())
        self.ahead.clear()
        commands, self.pending = "".join(self.pending), []
        return commands

    def take_pending(self) -> list[Segment]:
        if not self.pending:
            return []
        commands, self.pending = self.pending, []
        return [control("".join(commands))]

    def kitty_commands(self, state: Ready, figure: FigureRef, hidden: int, visible: int) -> str:
        """Send (the first time) and place the part of the figure in view."""
        from app.render.graphics import kitty_place

        commands = "" if state.sent else state.payload
        state.sent = True
        state.placed.add(figure.image + 1)
        box = figure.box
        top = round(hidden * box.pixel_height / box.rows)
        bottom = round((hidden + visible) * box.pixel_height / box.rows)
        return commands + kitty_place(
            state.image_id,
            placement=figure.image + 1,  # the same picture twice in a note: two placements
            cols=box.cols,
            rows=visible,
            source_y=top,
            source_height=max(1, min(box.pixel_height, bottom) - top),
            width=box.pixel_width,
        )


def _reason_line(figure: FigureRef, reason: str, width: int, style: Style) -> Strip:
    shown = style + Style(italic=True, dim=True)
    segments = [Segment(" " * figure.x, style), Segment(f"figure not drawn: {reason}", shown)]
    return Strip(segments).crop_extend(0, width, style)


def _at_cell(x: int, y: int, commands: str) -> str:
    from app.render.graphics import at_cell

    return at_cell(x, y, commands)


def control(text: str) -> Segment:
    """Terminal commands as a segment of no width, which Textual writes as they are."""
    return Segment(text, None, _NO_OP)


class Encodings:
    """The terminal's encoding of the figures decoded last (kitty's deflated pixels, or
    sixels over a background), by image: a figure decoded ahead is encoded ahead, and one drawn
    again is not encoded again. Safe to share between worker threads."""

    def __init__(self, protocol: Protocol, size: int = _ENCODINGS_KEPT) -> None:
        self.protocol = protocol
        self._size = size
        self._kept: OrderedDict[tuple[int, _Rgb], tuple[Image.Image, KittyPixels | str]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()
        self._encoding: dict[tuple[int, _Rgb], threading.Lock] = {}

    def peek(self, image: Image.Image, background: _Rgb) -> KittyPixels | str | None:
        """The encoding of ``image`` if it was encoded before, else None."""
        key = (id(image), background if self.protocol == "sixel" else (0, 0, 0))
        with self._lock:
            kept = self._kept.get(key)
        return kept[1] if kept is not None and kept[0] is image else None

    def of(self, image: Image.Image, background: _Rgb) -> KittyPixels | str:
        from app.render.graphics import kitty_pixels, sixel_data

        key = (id(image), background if self.protocol == "sixel" else (0, 0, 0))
        with self._lock:
            encoding = self._encoding.setdefault(key, threading.Lock())
        with encoding:  # encoded ahead and asked for meanwhile: encoded once
            with self._lock:
                kept = self._kept.get(key)
                if kept is not None and kept[0] is image:
                    self._kept.move_to_end(key)
                    return kept[1]
            if self.protocol == "kitty":
                encoded: KittyPixels | str = kitty_pixels(image)
            else:
                encoded = sixel_data(image, background)
            with self._lock:
                self._encoding.pop(key, None)
                self._kept[key] = (image, encoded)  # the image kept with it: its id stays its own
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
        return encoded


def encode(
    encodings: Encodings,
    cache: FigureCache,
    root: Path,
    base: str | None,
    key: FigureKey,
    background: _Rgb,
) -> State:
    """Decode and encode one figure (each found in its cache when done before), in a worker
    thread."""
    from app.core.figures import Figure

    loaded = cache.load(root, base, key.target, (key.box.pixel_width, key.box.pixel_height))
    if not isinstance(loaded, Figure):
        return Unavailable(loaded.reason)
    return ready(loaded.image, encodings.of(loaded.image, background))


def ready(image: Image.Image, encoded: KittyPixels | str) -> Ready:
    """A figure encoded, to draw: sixels, or kitty pixels sent under a new image id."""
    from app.render.graphics import kitty_send

    if isinstance(encoded, str):
        return Ready(encoded, image=image)
    image_id = Figures.new_image_id()
    return Ready(kitty_send(image_id, encoded), image_id, image=image)


def cached(
    encodings: Encodings,
    cache: FigureCache,
    root: Path,
    base: str | None,
    key: FigureKey,
    background: _Rgb,
) -> Ready | None:
    """The figure drawn at once when it was decoded and encoded ahead (and its file has not
    changed since); None: it is decoded in a worker."""
    from app.core.figures import Figure

    size = (key.box.pixel_width, key.box.pixel_height)
    loaded = cache.peek(root, base, key.target, size)
    if not isinstance(loaded, Figure):
        return None
    encoded = encodings.peek(loaded.image, background)
    return None if encoded is None else ready(loaded.image, encoded)


def encode_part(
    state: Ready, box: FigureBox, hidden: int, rows: int, background: tuple[int, int, int]
) -> str:
    """The sixels of rows ``hidden`` to ``hidden + rows`` of a figure's box (in a worker)."""
    from app.render.graphics import sixel_data

    assert state.image is not None
    top = round(hidden * box.pixel_height / box.rows)
    bottom = min(box.pixel_height, round((hidden + rows) * box.pixel_height / box.rows))
    part = state.image.crop((0, top, box.pixel_width, max(top + 1, bottom)))
    return sixel_data(part, background)
