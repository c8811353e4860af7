"""The reading history on screen: each entry's added and read days, computed from git in a
thread worker after the first screen (it never slows the startup), computed again when the index
is re-read or a commit lands (the watcher sees ``.git/HEAD`` and the refs move).

The dates join the preview's header as it is shown (``header_for``), so previews kept for the
next visit stay valid when the history arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from app.core.model import Index
from app.render.preview import Preview, reading_dates_line
from app.ui.workers import thread_worker

REFRESH_PAUSE = 0.3  # seconds without a new model or commit before git is asked again

if TYPE_CHECKING:
    from textual.timer import Timer

    from app.core.reading_history import EntryDates, History
    from app.ui.app import ReadnotesApp


@dataclass(frozen=True, slots=True)
class HistoryRead:
    index: Index
    history: History


class Reading:
    """The last history read, and for which index."""

    def __init__(self, app: ReadnotesApp) -> None:
        self.app = app
        self.history: History | None = None
        self.index: Index | None = None
        self.reads = 0  # histories read: how many times git was asked
        self._later: Timer | None = None

    @property
    def host(self) -> ReadnotesApp:
        return self.app

    def index_shown(self, index: Index) -> None:
        """A new model (a load, a re-read, a write): its dates, once the screen is painted the
        first time; later after a pause, so a burst of saves (or marks) asks git once."""
        if index is self.index:
            return
        if self.history is None and self._later is None:
            self.app.call_after_refresh(self.refresh)
        else:
            self.refresh_soon()

    def refresh_soon(self) -> None:
        if self._later is not None:
            self._later.stop()
        self._later = self.app.set_timer(REFRESH_PAUSE, self.refresh)

    def refresh(self) -> None:
        self._later = None
        index = self.app.index
        if index is not None:
            self.read(index)

    @thread_worker("reading-history", exclusive=True)
    def read(self, index: Index) -> HistoryRead:
        from app.core.reading_history import reading_history

        effects = self.app.effects
        return HistoryRead(index, reading_history(index, effects.git_log, effects.today()))

    def history_read(self, result: HistoryRead) -> None:
        if result.index is not self.app.index:
            return  # a newer model is on screen: its own read follows
        self.reads += 1
        changed = self.history is None or self.history.dates != result.history.dates
        self.history, self.index = result.history, result.index
        if changed:
            self.app.navigator.refresh_preview(force=True, keep_scroll=True)
        from app.ui.reading_screen import ReadingScreen

        if isinstance(self.app.screen, ReadingScreen):
            self.app.screen.show(result.index, result.history)

    def open_screen(self) -> None:
        """``H``: the history screen; enter on an entry selects it in the tree."""
        from app.ui.reading_screen import ReadingScreen

        app = self.app
        if app.index is None or isinstance(app.screen, ReadingScreen):
            return
        if self.history is None:
            self.refresh()
        screen = ReadingScreen(app.index, self.history, app.effects.today())
        app.push_screen(screen, self._chosen)

    def _chosen(self, key: str | None) -> None:
        if key is not None:
            self.app.go_to_entry(key)

    def dates_of(self, key: str) -> EntryDates | None:
        return self.history.dates.get(key) if self.history is not None else None

    def header_for(self, preview: Preview) -> list[Text]:
        """An entry's header with its dates after the status line, when they are known."""
        if not preview.doc_key.startswith("entry:"):
            return preview.header
        dates = self.dates_of(preview.doc_key.removeprefix("entry:"))
        line = reading_dates_line(dates.added, dates.done) if dates is not None else None
        if line is None:
            return preview.header
        return [*preview.header[:2], line, *preview.header[2:]]
