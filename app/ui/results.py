"""Where each thread worker's result goes: to the object that owns it, every error a notice.

Every slow thing runs in a worker (``workers.py``) and returns a small typed result; the App
hands each state change here. The order is what the screen needs: a finished write first lets
the keys change (so the footer changes once), then the result or the error, then a re-read that
waited for this worker starts. A failure is one line, never a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.worker import Worker, WorkerState

from app.core.errors import ReadnotesError
from app.core.sanitize import inert_line
from app.ui.filtering import TagsRead
from app.ui.link_checks import HealthRead, LinksChecked, LinksFixed
from app.ui.live_index import Reloaded
from app.ui.navigation import PreviewLoaded
from app.ui.outside import BibtexCopied, Copied, Opened
from app.ui.reading import HistoryRead
from app.ui.workers import take_result
from app.ui.writes import WRITERS, Added, Marked

if TYPE_CHECKING:
    from app.ui.app import ReadnotesApp


class WorkerResults:
    """Routes the App's workers' results and errors to their owners."""

    def __init__(self, app: ReadnotesApp) -> None:
        self.app = app

    def changed(self, worker: Worker[object]) -> None:
        """One worker's new state: each result to its owner, every error a notice."""
        app = self.app
        wrote = worker.name in WRITERS and worker.is_finished
        if wrote:  # before its result is shown, which checks the keys: the footer changes once
            app.writes.done()
        if not app.screen_stack:
            return  # the app has ended: no screen is left to show a result or an error on
        if worker.state is WorkerState.SUCCESS:
            self.route(take_result(worker))
        elif worker.state is WorkerState.ERROR:
            self.failed(worker.name, worker.error)
        if wrote:
            app.refresh_keys()
        if worker.is_finished:  # a re-read that waited for this one (or for a write) starts
            app.live.worker_done(worker.name)

    def route(self, result: object) -> None:
        app = self.app
        match result:
            case Reloaded():
                app.live.reloaded(result)
            case TagsRead():
                app.filtering.tags_read(result)
            case PreviewLoaded():
                app.navigator.preview_loaded(result)
            case Marked():
                app.writes.marked(result)
            case Added():
                app.writes.added(result)
            case Opened():
                app.outside.opened(result)
            case Copied():
                app.outside.copied(result)
            case BibtexCopied():
                app.outside.bibtex_copied(result)
            case HistoryRead():
                app.reading.history_read(result)
            case HealthRead():
                app.link_checks.health_read(result)
            case LinksChecked():
                app.link_checks.checked(result)
            case LinksFixed():
                app.link_checks.fixed(result)

    def failed(self, name: str, error: BaseException | None) -> None:
        message = (
            str(error) if isinstance(error, ReadnotesError) else f"Unexpected error: {error!r}"
        )
        message = inert_line(message)
        if name == "reload":
            self.app.live.failed(message)
        if name == "link-check":
            self.app.link_checks.check_failed()
        self.app.notify(message, title="readnotes", severity="error")
