"""The real outside world, built into one :class:`~app.ui.effects.Effects` for the browser.

The one module of the UI that imports ``app.edges`` (``tests/test_architecture.py`` holds it to
that): ``run_app`` hands the App :func:`real_effects`, and an App built without effects gets
:func:`local_effects`, in which nothing outside starts. The heavy edges (httpx for paper
lookups, the link checker's threads) are imported on first use, never at startup.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from app.core.config import Config
from app.core.errors import ReadnotesError
from app.core.reread import reread_index
from app.edges.browser import no_browser, open_url, url_is_openable
from app.edges.clipboard import copy_native, no_clipboard
from app.edges.editor import editor_command, run_editor
from app.edges.opener import no_viewer, open_file
from app.edges.terminal_cells import terminal_cell_size
from app.edges.watch import watch_folder
from app.ui.effects import CheckLinks, Effects, Suspend
from app.ui.writes import add_entry

if TYPE_CHECKING:
    from app.core.link_health import Health
    from app.core.metadata import PaperMeta
    from app.core.paper_ids import PaperId
    from app.core.reading_history import Log
    from app.edges.paper_sources import PaperSource

Heard = Callable[[str, "Health"], None]
Found = Mapping[str, "Health"]


def real_effects(config: Config | None = None) -> Effects:
    """The browser, clipboard, editor, viewer, watcher, clock and network of this machine.

    ``config``: the metadata sources' endpoints and timeout.
    """
    return Effects(
        open_url=open_url,
        url_refusal=url_is_openable,
        copy=copy_native,
        open_file=open_file,
        editor_command=editor_command,
        run_editor=_run_editor_suspended,
        watch=watch_folder,
        today=date.today,
        reread=reread_index,
        add_entry=add_entry,
        paper_lookup=PaperLookup(config or Config()),
        git_log=_read_log,
        check_links=_link_checks(config or Config()),
        cell_size=terminal_cell_size,
    )


def local_effects() -> Effects:
    """The real folder, watcher and clock, but no browser, clipboard tool, editor or viewer.

    What an App built without effects uses (``run_app`` passes the real ones), so that a test
    which forgets its fakes can never start a browser or an editor: each says it is missing.
    """
    return replace(
        real_effects(),
        open_url=no_browser,
        copy=lambda text: no_clipboard(),
        open_file=no_viewer,
        run_editor=_no_editor,
        paper_lookup=_no_network,
        check_links=_link_checks(None),
    )


class PaperLookup:
    """arXiv and Crossref, through ``app.edges.paper_sources``, imported (httpx and all) and
    built on the first lookup: the browser's startup never pays for them."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._source: PaperSource | None = None
        self._lock = threading.Lock()  # two dialogs' workers build one source

    def __call__(self, found: PaperId) -> PaperMeta:
        with self._lock:
            if self._source is None:
                from app.edges.paper_sources import paper_source

                self._source = paper_source(self.config)
            source = self._source
        return source.lookup(found)


def _link_checks(config: Config | None) -> CheckLinks:
    """The link checker of ``app.edges.link_check`` (None: one that never goes online),
    imported on the first check: the browser's startup never pays for it."""

    def check_links(urls: Sequence[str], on_result: Heard, stop: threading.Event) -> Found:
        from app.edges.link_check import link_checks_by, no_link_checks

        checker = no_link_checks if config is None else link_checks_by(config)
        return checker(urls, on_result, stop)

    return check_links


def _read_log(index_path: Path, since: str | None, *, clean: bool = False) -> Log:
    """``app.edges.git.read_log``, imported when the reading history is first read (after the
    first screen, in a worker)."""
    from app.edges.git import read_log

    return read_log(index_path, since, clean=clean)


def _no_network(found: PaperId) -> PaperMeta:
    raise ReadnotesError(f"{found}: this browser was started without network access")


def _run_editor_suspended(command: list[str], suspend: Suspend) -> int:
    with suspend():
        return run_editor(command)


def _no_editor(command: list[str], suspend: Suspend) -> int:
    raise SuspendNotSupported
