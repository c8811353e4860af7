"""The note preview: a Line-API widget that paints pre-rendered lines.

Textual's `Markdown` widget mounts a widget per block (~1 s for a 50-line note). `NoteView`
instead asks the rendering layer (`app.render`) for lines of segments in a thread worker and
paints them with `render_line`, so the event loop only ever copies strips. A long note arrives in
two steps: the first screen, then the rest; a render that the cursor has left behind is
cancelled between blocks and its result dropped. (A short note's first screen, a few
milliseconds of work, is rendered directly: the thread hop would cost more.) The widget decides
when and where; plain objects keep the rest: what each render is (`NoteRenderer`), which request
is current (`RenderRequests`), the render cache (`RenderCache`), the find (`NoteFind`), and
where an anchor is (`Rendered.anchor_line`).
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.worker import Worker, WorkerState, get_current_worker

from app.core.graphics import CellSize, Protocol
from app.render.cache import RenderCache
from app.render.find import FindMatch
from app.render.markdown import render_texts
from app.render.note_renderer import NoteRenderer
from app.render.rendered import FigureRef, FigureSizer, HeadingRef, ImageRef
from app.render.rendered import Rendered as RenderedNote
from app.ui import note_messages as messages
from app.ui.note_find import NoteFind
from app.ui.note_requests import RenderRequest, RenderRequests
from app.ui.note_strips import NoteStrips, painted_strip
from app.ui.scrolling import set_virtual_size
from app.ui.workers import thread_worker

if TYPE_CHECKING:
    from app.core.figures import Decoder
    from app.ui.figure_layer import FigureLayer
    from app.ui.figures import State

__all__ = ["NoteView"]

_Line = list[Segment]
_EMPTY = RenderedNote(lines=[], width=0)
_NOT_YET = RenderedNote(lines=[], width=0, complete=False)  # a body waiting for the pane's width


class NoteView(ScrollView, can_focus=True):
    """Shows a rendered Markdown note with a header above it; links post `LinkClicked`."""

    DEFAULT_CSS = """
    NoteView {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        padding: 0 1;
        &:focus {
            background-tint: $foreground 5%;
            scrollbar-color: $accent;
        }
        & > .note-view--match {
            background: $warning 35%;
        }
        & > .note-view--match-current {
            background: $warning;
            color: $background;
            text-style: bold;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"note-view--match", "note-view--match-current"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="note_view.scroll_up"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="note_view.scroll_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="note_view.page_up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="note_view.page_down"),
        Binding("home", "scroll_home", "Top", show=False, id="note_view.top"),
        Binding("end", "scroll_end", "Bottom", show=False, id="note_view.bottom"),
        Binding("slash", "find", "Find", id="note_view.find"),
        Binding("n", "find_next(1)", "Next match", id="note_view.find_next"),
        Binding("N", "find_next(-1)", "Previous match", id="note_view.find_previous"),
        Binding("escape", "clear_find", "Clear find", show=False, id="note_view.clear_find"),
    ]

    FIRST_SCREEN_BLOCKS: ClassVar[int] = 40
    """Blocks rendered before the first paint; every block is at least one line."""
    CACHE_SIZE: ClassVar[int] = 16
    RESIZE_DELAY: ClassVar[float] = 0.1

    # what the view tells the screen (``NoteView.LinkClicked`` and so on, as Textual expects)
    LinkClicked: TypeAlias = messages.LinkClicked
    ImageClicked: TypeAlias = messages.ImageClicked
    FindRequested: TypeAlias = messages.FindRequested
    FindChanged: TypeAlias = messages.FindChanged
    Rendered: TypeAlias = messages.Rendered

    def __init__(
        self,
        *,
        renderer: NoteRenderer | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`renderer` says what each render is (by default the browser's; tests pass their own)."""
        super().__init__(name=name, id=id, classes=classes)
        self._renderer = renderer or NoteRenderer()
        self._requests = RenderRequests()
        self._header: list[_Line] = []
        self._rendered: RenderedNote = _EMPTY
        self._renders = RenderCache(self.CACHE_SIZE)
        self._strips = NoteStrips()
        # ``rich_style`` as last computed: a paint asks it once per line, and working it out from
        # the styles was a third of a preview's paint. Dropped with the strips, which bake it in.
        self._style: Style | None = None
        self._resize_timer: Timer | None = None
        self._find = NoteFind(self)
        self._warmed = False  # the warm-up ran (after the first document was painted)
        self._width_guessed = False  # the last render started before the layout gave a width
        self._figures: FigureLayer | None = None  # None: the terminal draws no figures

    # -- public API -----------------------------------------------------------------------

    @property
    def root(self) -> Path | None:
        """The notes folder: image paths are checked inside it (None: not checked)."""
        return self._renderer.root

    @root.setter
    def root(self, root: Path | None) -> None:
        self._renderer.root = root

    def draw_figures(
        self, protocol: Protocol, cell: CellSize, decoder: Decoder | None = None
    ) -> None:
        """Draw the notes' figures with the terminal's graphics ``protocol`` (cells of ``cell``
        pixels) instead of leaving each image one line (``decoder``: Pillow's by default)."""
        from app.ui.figure_layer import FigureLayer  # only where figures are drawn

        self._figures = FigureLayer.attach(self, protocol, cell, decoder)

    def use_figure_sizer(self, sizer: FigureSizer) -> None:
        """Render figures' boxes at these sizes from now on (the cached renders are dropped)."""
        self._renderer.figure_sizer = sizer
        self._renders = RenderCache(self.CACHE_SIZE)

    @property
    def current_base(self) -> str | None:
        """The path of the document shown, which its image paths are relative to."""
        request = self._requests.current
        return request.base if request is not None else None

    @property
    def figures(self) -> list[FigureRef]:
        """The figures' boxes, with lines counted from the top of the view."""
        offset = len(self._header)
        return [figure._replace(line=figure.line + offset) for figure in self._rendered.figures]

    def figure_state(self, figure: FigureRef) -> State | None:
        """Whether a figure is drawn (Ready), cannot be (Unavailable), or is still decoding."""
        return None if self._figures is None else self._figures.state_of(figure)

    @property
    def doc_key(self) -> Hashable:
        """The document last passed to `show` (None before the first)."""
        request = self._requests.current
        return request.doc_key if request is not None else None

    @property
    def rendered(self) -> RenderedNote:
        """What is on screen now (possibly just the first screen of a long note)."""
        return self._rendered

    @property
    def is_complete(self) -> bool:
        """Whether the whole of the current document is on screen."""
        return self._requests.painted and self._rendered.complete

    @property
    def headings(self) -> list[HeadingRef]:
        """The note's headings, with lines counted from the top of the view (header included)."""
        offset = len(self._header)
        return [heading._replace(line=heading.line + offset) for heading in self._rendered.headings]

    @property
    def links(self) -> list[str]:
        """Link targets in the note, in document order."""
        return list(self._rendered.links)

    @property
    def images(self) -> list[ImageRef]:
        """Images in the note, with lines counted from the top of the view."""
        offset = len(self._header)
        return [image._replace(line=image.line + offset) for image in self._rendered.images]

    @property
    def line_count(self) -> int:
        return len(self._header) + len(self._rendered.lines)

    def show(
        self,
        doc_key: Hashable,
        body: str,
        base: str | None = None,
        header: list[Text] | None = None,
        *,
        version: object = None,
        keep_scroll: bool = False,
        anchor: str | None = None,
    ) -> None:
        """Render `body` (Markdown) with `header` lines above it.

        A short note's first screen is rendered at once; the rest, and any long note, in a
        thread worker that a later `show` cancels.

        `base` is the note's root-relative path, which its image paths are relative to (with
        `root`). `doc_key` names the document (its path); `version` (its mtime) tells a changed file
        from a cached render, else the body's hash is used. `keep_scroll` keeps the scroll
        position (live reload of the same note); `anchor` scrolls to that heading once known.
        """
        if version is None:
            version = hash(body)
        header_texts = list(header or ())
        self._requests.ask(
            doc_key, body, base, header_texts, version, keep_scroll=keep_scroll, anchor=anchor
        )
        self._start_render()

    @property
    def width_known(self) -> bool:
        """Whether the view has been laid out (before, renders use a guessed width)."""
        return self.scrollable_content_region.width > 0

    def width_for_render(self) -> int:
        """The width a document shown now would be rendered at."""
        return self._content_width()

    def render_ahead(self, body: str, base: str | None, width: int) -> RenderedNote:
        """Render a whole document for ``remember``; safe in a thread (reads no widget state
        that changes)."""
        return self._renderer.whole(body, base, width)

    def remember(
        self,
        doc_key: Hashable,
        version: object,
        rendered: RenderedNote,
        base: str | None = None,
        header: list[Text] | None = None,
    ) -> None:
        """Keep a render made ahead (``render_ahead``, of the note at ``base``): a later `show`
        of that document and version at that width paints it at once, its figures decoded,
        and its ``header`` laid out and its first screen painted (when ``header`` is given:
        the read-ahead's renders)."""
        self._renders.put(doc_key, version, rendered)
        region = self.scrollable_content_region
        if header is not None and region.width and region.height and not self._find.state.query:
            lines = self._renderer.header(header, rendered.width)
            self._strips.paint_ahead(lines, rendered, self._painting_style(), *region.size)
        if self._figures is not None:
            self._figures.read(rendered.figures, base)

    def clear(self) -> None:
        """Show nothing (and drop any render in progress)."""
        self._requests.drop()
        self.workers.cancel_group(self, "render")
        self._set_content([], _EMPTY, scroll_home=True)

    def scroll_to_anchor(self, anchor: str) -> bool:
        """Scroll to the heading with GitHub slug `anchor` (a leading `#` is ignored).

        True when it was found, or when the note is still rendering (the scroll happens when the
        heading arrives); False when the complete note has no such heading.
        """
        line = self._anchor_line(anchor)
        if line is not None:
            self._requests.pending_anchor = None
            self.scroll_to(y=line, animate=False, immediate=True, force=True)
            return True
        if not self.is_complete and self._requests.current is not None:
            self._requests.pending_anchor = anchor
            return True
        return False

    def image_in_view(self) -> ImageRef | None:
        """The first image on screen, else the note's first image (None: the note has none)."""
        images = self.images
        top = round(self.scroll_y)
        bottom = top + self.scrollable_content_region.height
        visible = (image for image in images if top <= image.line < bottom)
        return next(visible, images[0] if images else None)

    def scroll_to_line(self, line: int) -> None:
        """Scroll so that `line` (counted from the top of the view) is at the top."""
        self.scroll_to(y=line, animate=False, immediate=True, force=True)

    # -- find in the note ---------------------------------------------------------------

    @property
    def find_query(self) -> str:
        return self._find.state.query

    @property
    def find_matches(self) -> list[FindMatch]:
        """Where the query is on screen, top to bottom (lines counted with the header)."""
        return self._find.state.matches

    @property
    def header_lines(self) -> int:
        return len(self._header)

    def shown_lines(self) -> list[_Line]:
        """The header's lines and the body's, as the view counts them."""
        return [*self._header, *self._rendered.lines]

    def repaint(self) -> None:
        """Paint every line again (what a line shows changed, not only where it is)."""
        self._strips.clear()
        self.refresh()

    def find(self, query: str, *, from_line: int | None = None) -> None:
        self._find.find(query, from_line)

    def select_match(self, number: int) -> None:
        self._find.select(number)

    def clear_find(self) -> None:
        self._find.clear()

    def reveal_current_match(self) -> None:
        self._find.reveal()

    def action_find(self) -> None:
        self.post_message(self.FindRequested())

    def action_find_next(self, step: int) -> None:
        self._find.step(step)

    def action_clear_find(self) -> None:
        self.clear_find()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`n`, `N` and escape belong to a find in progress; otherwise the keys pass on."""
        if action == "find_next":
            return bool(self._find.state.matches)
        if action == "clear_find":
            return bool(self._find.state.query)
        return True

    # -- actions (also the targets of `@click` in the segments' style meta) ---------------

    def action_link(self, index: int) -> None:
        links = self._rendered.links
        if isinstance(index, int) and 0 <= index < len(links):
            self.post_message(self.LinkClicked(self, links[index]))

    def action_image(self, index: int) -> None:
        images = self.images
        if isinstance(index, int) and 0 <= index < len(images):
            self.post_message(self.ImageClicked(self, images[index]))

    # -- rendering ------------------------------------------------------------------------

    def _content_width(self) -> int:
        width = self.scrollable_content_region.width
        return width if width > 0 else 80

    def _start_render(self) -> None:
        request = self._requests.current
        if request is None:
            return
        # Not laid out yet (the index arrived before the first layout, as at every start):
        # the header goes into the first frame, with the tree; the body is rendered once, when
        # the layout gives the pane its width (``on_resize``), not first at a guessed width.
        self._width_guessed = self.scrollable_content_region.width <= 0
        width = self._content_width()
        cached = self._renders.get(request.doc_key, request.version, width)
        header = self._renderer.header(request.header, width)
        if cached is not None:
            self.workers.cancel_group(self, "render")
            self._apply(request, header, cached)
            return
        if self._width_guessed:
            self.workers.cancel_group(self, "render")
            self._apply(request, header, _NOT_YET)
            self.app.call_after_refresh(self._render_when_laid_out)  # before what the app queues
            return
        first_blocks = self._first_screen_blocks()
        if self._renderer.renders_first_screen_now(request.body) and not request.keep_scroll:
            first = self._renderer.first_screen_now(request.body, request.base, width, first_blocks)
            self._apply(request, header, first)
            self.workers.cancel_group(self, "render")
            if not first.complete:
                # The rest once the first screen is painted: a thread started now competes
                # with that frame for the interpreter (a big category's overview: ~50 ms).
                self.call_after_refresh(self._render_rest, request, width, header)
            return
        self._render_worker(request, width, header, first_blocks)

    def _render_rest(self, request: RenderRequest, width: int, header: list[_Line]) -> None:
        if request is self._requests.current:  # not if another document was asked for meanwhile
            self._render_worker(request, width, header, 0)

    def _first_screen_blocks(self) -> int:
        return max(self.FIRST_SCREEN_BLOCKS, self.size.height)

    @thread_worker("render", exclusive=True)
    def _render_worker(
        self, request: RenderRequest, width: int, header: list[_Line], first_blocks: int
    ) -> None:
        """Render off the event loop: the first screen (unless `first_blocks` is 0), then all."""
        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        steps = self._renderer.in_steps
        for rendered in steps(request.body, request.base, width, first_blocks or None, cancelled):
            if worker.is_cancelled:
                return
            if not rendered.complete and request.keep_scroll:
                continue  # a partial render would clamp the scroll position kept
            try:
                self.app.call_from_thread(self._apply, request, header, rendered)
            except RuntimeError:  # the app is shutting down
                return

    @thread_worker("warm-up")
    def _warm_up(self) -> None:
        """Import the lexers and math converter before the first note needs them.

        Started once the first document is on screen: on two cores, a warm-up at mount
        competes with the first paint for the interpreter.
        """
        self._renderer.warm_up()

    def _apply(self, request: RenderRequest, header: list[_Line], rendered: RenderedNote) -> None:
        """Put a render on screen, unless a newer `show()` made it stale."""
        if not self._requests.is_current(request):
            return
        first_paint = self._requests.painting(request)
        if rendered.complete:
            self.remember(request.doc_key, request.version, rendered)
        self._set_content(header, rendered, scroll_home=first_paint and not request.keep_scroll)
        if request.scroll_fraction is not None and rendered.complete:
            self.scroll_to_line(round(request.scroll_fraction * self.line_count))
        if (anchor := self._requests.pending_anchor) is not None:
            line = self._anchor_line(anchor)
            if line is not None or rendered.complete:
                self._requests.pending_anchor = None
            if line is not None:
                self.scroll_to(y=line, animate=False, immediate=True, force=True)
        if rendered.complete:
            self.post_message(self.Rendered(self, request.doc_key))
            if not self._warmed:
                self._warmed = True
                self.call_after_refresh(self._warm_up)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A render that raised shows a one-line explanation instead of ending the app."""
        if event.worker.group != "render" or event.state != WorkerState.ERROR:
            return
        event.stop()
        error = event.worker.error
        message = Text(f"This note could not be rendered: {type(error).__name__}", "bold red")
        width = self._content_width()
        lines = render_texts([message], width=width)
        self._set_content(self._header, RenderedNote(lines=lines, width=width), scroll_home=True)

    def _set_content(
        self, header: list[_Line], rendered: RenderedNote, *, scroll_home: bool
    ) -> None:
        self._header = header
        self._rendered = rendered
        self._strips.clear()
        if not self._find.state.query:  # with a find, the lines are painted with their matches
            width = self.scrollable_content_region.width
            self._strips.shown(header, rendered, self._painting_style(), width)
        if self._find.state.query:  # a new render of the note: find the query in it again
            self._find.again()
        width = max(rendered.width, self._content_width())
        set_virtual_size(self, Size(width, len(header) + len(rendered.lines)))
        if scroll_home:
            self.scroll_to(x=0, y=0, animate=False, immediate=True)
        self.refresh()
        if self._figures is not None:
            self._figures.content_set()

    def release_figures(self) -> None:
        """Free the figures' pixels in the terminal (the browser is ending)."""
        if self._figures is not None:
            self._figures.unmounted()

    def on_unmount(self) -> None:
        self.release_figures()

    def _anchor_line(self, anchor: str) -> int | None:
        line = self._rendered.anchor_line(anchor)
        return None if line is None else len(self._header) + line

    def on_resize(self, event: Resize) -> None:
        resized = self._figures is not None and self._figures.resized()  # boxes: 2/3 of it
        if resized and self._requests.current is not None and self._rendered.figures:
            self._requests.again_at(self.scroll_y / max(1, self.line_count))
            self._start_render()
            return
        if self._requests.current is None or self._rendered.width == self._content_width():
            return
        if self._resize_timer is not None:
            self._resize_timer.stop()
        if self._width_guessed:  # the first layout, not a user dragging the terminal: now
            self._resize_timer = None
            self._render_when_laid_out()
            return
        self._resize_timer = self.set_timer(self.RESIZE_DELAY, self._rerender_for_width)

    def _render_when_laid_out(self) -> None:
        """The body, once the first layout gave the pane its width (its resize, or right after
        the first frame, whichever comes first): rendered as a document shown anew, its first
        screen at once, since only the header was painted (no width yet: ``on_resize`` does it)."""
        request = self._requests.current
        if not self._width_guessed or not self.width_known or request is None:
            return
        self._width_guessed = False
        if self._rendered.width != self._content_width():
            self._requests.again_at(0.0, keep_scroll=request.keep_scroll)
            self._start_render()

    def _rerender_for_width(self) -> None:
        self._resize_timer = None
        if self._requests.current is None or self._rendered.width == self._content_width():
            return
        self._requests.again_at(self.scroll_y / max(1, self.line_count))
        self._start_render()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._style = None

    def _painting_style(self) -> Style:
        if self._style is None:
            self._style = self.rich_style
        return self._style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        strip = self._strips.get(index, scroll_x, width)
        if strip is None:
            rich_style = self._painting_style()
            segments = self._line(index)
            if segments is None:  # past the end: blank, but it carries the figures' commands
                blank = Strip.blank(width, rich_style)
                return blank if self._figures is None else self._figures.paint(blank, index, y)
            if self._find.state.has_matches_on(index):
                segments = self._find.highlighted(index, segments)
            strip = painted_strip(segments, rich_style, scroll_x, width, index)
            self._strips.put(index, scroll_x, width, strip)
        if self._figures is not None:
            return self._figures.paint(strip, index, y)
        return strip

    def _line(self, index: int) -> _Line | None:
        header = self._header
        if 0 <= index < len(header):
            return header[index]
        index -= len(header)
        lines = self._rendered.lines
        if 0 <= index < len(lines):
            return lines[index]
        return None
