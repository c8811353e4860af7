"""``check --links`` and ``fix-links``: the command line's side of link health.

Kept beside ``cli.py`` (it is the command line too, and may reach the edges) so that module stays
about parsing arguments. The checking is :class:`app.edges.link_check.LinkChecker`; results are
kept by :class:`app.core.link_store.LinkStore`; Rich's progress bar is imported only when stderr
is a terminal.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from app.core.config import Config
from app.core.display_names import shown_name
from app.core.link_health import Health, LinkUse, entry_links, is_fresh, note_links, unique_urls
from app.core.model import Entry, Index, Status
from app.core.query import Query, filter_entries

if TYPE_CHECKING:
    from app.core.check import Problem

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_STOPPED = 0, 1, 2, 130


def link_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--links", action="store_true", help="also check the entries' web links")
    parser.add_argument(
        "--timeout", type=float, metavar="S", help="seconds per request (default: 10)"
    )
    parser.add_argument("--fresh", action="store_true", help="ask again, ignoring the cache")
    parser.add_argument("--match", metavar="TEXT", help="only entries whose title holds TEXT")
    status = parser.add_mutually_exclusive_group()
    status.add_argument("--todo", action="store_true", help="only TODO entries")
    status.add_argument("--done", action="store_true", help="only done entries")
    parser.add_argument("--notes", action="store_true", help="also the links inside the notes")


def selected_entries(index: Index, options: argparse.Namespace) -> list[Entry]:
    status = Status.TODO if options.todo else Status.DONE if options.done else None
    entries = filter_entries(index, Query(status=status))
    if options.match:
        needle = options.match.casefold()
        entries = [e for e in entries if needle in e.title.casefold()]
    return entries


def link_problems(
    index: Index, options: argparse.Namespace, config: Config
) -> tuple[list[Problem], bool]:
    """The link problems of the selected entries, and whether the run was stopped (Ctrl+C)."""
    from app.core.check import link_health_problems

    uses = _uses(index, selected_entries(index, options), with_notes=options.notes)
    results, stopped = check_urls(
        unique_urls(uses),
        timeout=options.timeout if options.timeout is not None else config.network_timeout,
        per_host=config.link_check_per_host,
        fresh=options.fresh,
    )
    return link_health_problems(uses, results), stopped


def _uses(index: Index, entries: list[Entry], *, with_notes: bool) -> list[LinkUse]:
    uses = entry_links(entries)
    if with_notes:
        from app.core.notes import load_note

        uses += note_links(entries, lambda rel: load_note(index.root, rel).body)
    return uses


def check_urls(
    urls: list[str], *, timeout: float, per_host: int, fresh: bool
) -> tuple[dict[str, Health], bool]:
    """Health by URL: from the last 24 hours' results unless ``fresh``, else asked (and kept)."""
    from app.core.link_store import LinkStore
    from app.edges.link_check import LinkChecker

    store = LinkStore()
    now = time.time()
    known = {} if fresh else store.load()
    results = {url: known[url] for url in urls if url in known and is_fresh(known[url], now)}
    asked = [url for url in urls if url not in results]
    found: dict[str, Health] = {}
    stopped = False
    stop = threading.Event()
    checker = LinkChecker(timeout=timeout, per_host=per_host)
    try:
        with _progress(len(asked)) as advance:

            def heard(url: str, health: Health) -> None:
                found[url] = health
                advance()

            stopped = checker.check(asked, on_result=heard, stop=stop).stopped
    except KeyboardInterrupt:
        stop.set()
        stopped = True
    store.save(found, now=time.time())
    results.update(found)
    if stopped:
        sys.stderr.write(
            f"readnotes: stopped; {len(found)} of {len(asked)} links checked, the rest not\n"
        )
    return results, stopped


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr while links are checked, only when stderr is a terminal."""
    if not total or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class _Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:.1f} links/s")

    console = Console(file=sys.stderr)
    with Progress(
        TextColumn("checking links"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("links", total=total)
        yield lambda: progress.advance(task)


def fix_links(index: Index, options: argparse.Namespace) -> int:
    """Rewrite the moved links of the selected entries to their new place, from the cache."""
    from app.core.errors import ConflictError
    from app.core.fix_links import fix_moved
    from app.core.link_health import moved_links
    from app.core.link_store import LinkStore

    known = LinkStore().load()
    moves: dict[str, dict[str, str]] = {}
    for entry in selected_entries(index, options):
        pairs = moved_links(entry, known)
        if pairs:
            moves[entry.key] = dict(pairs)
    if not moves:
        sys.stdout.write("No moved links known; run 'readnotes check --links' first\n")
        return EXIT_OK
    try:
        result = fix_moved(index.path, moves, known=index)
    except ConflictError as exc:
        sys.stderr.write(f"readnotes: error: {shown_name(str(exc))}\n")
        return EXIT_PROBLEM
    for line in result.messages:
        sys.stdout.write(shown_name(line) + "\n")
    return EXIT_OK
