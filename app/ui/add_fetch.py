"""The ``a`` dialog's fetch: a paper's title, authors and year, as soon as a link is its id.

When the links field holds an arXiv id or a DOI (its first) and typing has paused for a moment
(so ``10.1145/3`` on the way to a whole DOI asks nobody), a worker on the dialog looks it up
through the App's ``paper_lookup`` effect while a line says "Fetching …". The result fills the
title only while the user has typed none, and the line shows the authors and year, or why
nothing came ("offline", "unknown id") with the title left to type. Escape during a fetch
cancels it and drops its result (the request itself cannot be interrupted; its answer is
ignored); the dialog stays open. The metadata goes with the request when the links still hold
the id it was fetched for, to fill the new note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from app.core.capture import Lookup
from app.core.capture_dialog import DialogFill, dialog_fill, dialog_paper_id
from app.core.metadata import PaperMeta
from app.core.paper_ids import PaperId
from app.core.sanitize import inert_line
from app.ui.workers import take_result, thread_worker

if TYPE_CHECKING:
    from textual.timer import Timer

    from app.ui.add_screen import AddScreen

__all__ = ["FETCH_DELAY", "FETCH_GROUP", "PaperFetch"]

FETCH_DELAY = 0.4  # seconds of no typing in the links field before the id is looked up
FETCH_GROUP = "capture"


class PaperFetch:
    """The id asked about, the fetch under way (if any) and what it brought."""

    def __init__(self, screen: AddScreen, lookup: Lookup) -> None:
        self.screen = screen
        self.lookup = lookup
        self.asked: PaperId | None = None  # the id fetched, being fetched or about to be
        self.fill: DialogFill | None = None  # what the fetch of ``asked`` brought
        self._timer: Timer | None = None
        self._running = False

    @property
    def host(self) -> AddScreen:
        return self.screen

    @property
    def busy(self) -> bool:
        """A fetch is under way or about to start."""
        return self._running or self._timer is not None

    def links_changed(self, text: str) -> None:
        """The links field changed: look its id up after a pause, unless it was already."""
        wanted = dialog_paper_id(text)
        if wanted == self.asked:
            return
        self._stop()
        self.asked = wanted
        self.fill = None
        self._show("")
        if wanted is not None:
            self._timer = self.screen.set_timer(FETCH_DELAY, self._start)

    def _start(self) -> None:
        self._timer = None
        wanted = self.asked
        if wanted is None:
            return
        self._running = True
        self._show(f"Fetching {wanted} …", "italic")
        self.fetch(wanted, self._title.value)

    @thread_worker(FETCH_GROUP, exclusive=True)
    def fetch(self, wanted: PaperId, typed_title: str) -> DialogFill:
        return dialog_fill(wanted, typed_title, self.lookup)

    def worker_changed(self, worker: Worker[object]) -> None:
        """A fetch ended: its result is shown when it is still the one asked for."""
        if worker.group != FETCH_GROUP or not worker.is_finished:
            return
        result = take_result(worker)
        if worker.state is WorkerState.SUCCESS and isinstance(result, DialogFill):
            if self._running and result.wanted == self.asked:
                self._running = False
                self._fetched(result)
        elif worker.state is WorkerState.ERROR and self._running:
            self._running = False
            self._show(f"Not fetched ({worker.error!r}); type the title", "red")

    def _fetched(self, fill: DialogFill) -> None:
        self.fill = fill
        title = self._title
        if fill.title is not None and not title.value.strip():
            title.value = fill.title
            title.cursor_position = len(title.value)
        self._show(fill.status, "" if fill.meta is not None else "red")

    def cancel(self) -> bool:
        """Stop the fetch under way (its result is dropped); whether there was one."""
        if not self.busy:
            return False
        self._stop()
        self.asked = None  # editing the links again asks again
        self._show("Not fetched (cancelled); type the title", "red")
        return True

    def meta_for(self, links_text: str) -> PaperMeta | None:
        """The metadata fetched, when the links still hold the id it was fetched for."""
        fill = self.fill
        if fill is None or fill.meta is None or fill.wanted != dialog_paper_id(links_text):
            return None
        return fill.meta

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._running:
            self._running = False
            self.screen.workers.cancel_group(self.screen, FETCH_GROUP)

    @property
    def _title(self) -> Input:
        return self.screen.query_one("#add-title", Input)

    def _show(self, status: str, style: str = "") -> None:
        line = self.screen.query_one("#add-fetch", Static)
        line.update(Text(inert_line(status), style=style))
        line.display = bool(status)
