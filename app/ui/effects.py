"""What the browser does to the world outside it, as one object of callables handed to the App.

The browser, the clipboard tool, the editor, the image viewer, the folder watcher and the clock
(and the reading and writing of the index, which a test may slow down or refuse, and the lookup
of a paper's metadata by its arXiv id or DOI, which a test serves without network) reach the UI
only through :class:`Effects`. ``app.ui.wiring`` builds the real one from ``app.edges``; tests build
fakes. So no module of the UI imports ``app.edges``, and no test replaces a name inside the UI.

The edges' result types are described here as protocols (a result with ``ok`` and ``message``,
a burst of changes) rather than imported: the edges' own frozen dataclasses fit them, and
neither layer imports the other.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from app.core.graphics import DEFAULT_CELL, CellSize
from app.core.model import Index
from app.core.reread import Reread

if TYPE_CHECKING:
    from app.core.add import AddResult
    from app.core.link_health import Health
    from app.core.metadata import PaperMeta
    from app.core.paper_ids import PaperId
    from app.core.reading_history import ReadLog
    from app.ui.add_screen import AddRequest


class Outcome(Protocol):
    """What opening a URL or a file, or copying to the clipboard, came to."""

    @property
    def ok(self) -> bool: ...

    @property
    def message(self) -> str: ...  # one line, safe to display


class Change(Protocol):
    """One burst of changes under the notes root, as the watcher reports it."""

    @property
    def paths(self) -> frozenset[str]: ...  # root-relative POSIX paths, noise removed

    @property
    def index_touched(self) -> bool: ...

    @property
    def root_missing(self) -> bool: ...

    @property
    def git_moved(self) -> bool: ...  # HEAD or a branch moved: a commit landed


class Watch(Protocol):
    """Follow ``root`` (and the index file) until ``stop`` is set, one change per burst."""

    def __call__(
        self, root: Path, index_path: Path, *, poll: bool, stop: asyncio.Event
    ) -> AsyncIterator[Change]: ...


Suspend = Callable[[], AbstractContextManager[None]]
CheckLinks = Callable[
    [Sequence[str], Callable[[str, "Health"], None], threading.Event], Mapping[str, "Health"]
]


@dataclass(frozen=True, slots=True)
class Effects:
    """Everything the browser does outside its own window, each a plain callable."""

    open_url: Callable[[str], Outcome]  # blocking: called from a thread worker
    url_refusal: Callable[[str], str | None]  # why a URL may not go to a browser, or None
    copy: Callable[[str], Outcome]  # the native clipboard, blocking: from a thread worker
    open_file: Callable[[Path], Outcome]  # the system viewer, for an image of a note
    editor_command: Callable[[Path, int | None, Sequence[str] | None], list[str]]
    run_editor: Callable[[list[str], Suspend], int]  # suspends the app around the editor
    watch: Watch
    today: Callable[[], date]  # the day a done date records
    reread: Callable[[Path, Index | None], Reread]  # read the index again (off the loop)
    add_entry: Callable[[Index, AddRequest], AddResult]  # write a new entry (off the loop)
    # a paper's metadata by its id (blocking, from a worker); a ReadnotesError says why not
    paper_lookup: Callable[[PaperId], PaperMeta]
    # the index's history from git after a commit seen before (blocking, from a worker)
    git_log: ReadLog
    # check web links (blocking, from a worker): each result to the callback as it comes, the
    # event stops the run at once; the results found
    check_links: CheckLinks
    # pixels of one terminal cell, from the kernel (never a query to the terminal)
    cell_size: Callable[[], CellSize] = lambda: CellSize(*DEFAULT_CELL)
    # the variables that tell which terminal this is (figures: kitty, sixel or none)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
