"""The command line: the browser, and commands that share its core.

Every failure a user can cause is one clear line on stderr and an exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from app import __version__
from app.core.config import Config, config_location, load_config
from app.core.display_names import VISIBLE_ERRORS, json_safe, shown_name, visible
from app.core.edit import mark, remove_stale_temps_beside
from app.core.errors import ConflictError, ReadnotesError
from app.core.graphics import IMAGE_SETTINGS
from app.core.model import Entry, Index, Status
from app.core.parse import find_index, load_index
from app.core.query import Query, filter_entries
from app.core.reread import read_ahead
from app.edges.malloc import use_one_arena

if TYPE_CHECKING:
    from app.core.metadata import PaperMeta
    from app.core.paper_ids import PaperId

# The commands below import the rest of the core when they run (adding, checking, searching,
# stats, frontmatter dates): the browser's start, timed to its first screen, pays for none of it.

COMMANDS = ("list", "done", "todo", "check", "search", "stats", "add", "export")
EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
A fast, keyboard-first terminal browser for Markdown reading notes.

usage:
  readnotes [PATH] [--poll] [--images MODE]              browse (MODE: auto, kitty, sixel, off)
  readnotes list  [PATH] [--todo | --done] [--match TEXT] [--json]
  readnotes done  [PATH] (--match TEXT | --line N)
  readnotes todo  [PATH] (--match TEXT | --line N)
  readnotes check [PATH] [--json]
  readnotes stats [PATH] [--json]                         done / total per category
  readnotes search [PATH] TEXT [--json]
  readnotes add   [PATH] --title T [--category "A/B"] [--url U]... [--todo] [--note | --no-note]
  readnotes add   [PATH] --url ARXIV-ID-OR-DOI [--category "A/B"] [--fetch | --no-fetch] ...
  readnotes export [PATH] [--format bibtex | csl-json] [--todo | --done] [--match TEXT] [--fetch]
  readnotes --help | --version

PATH is a notes folder (its index is README.md or index.md, any case) or an index file.
Without PATH: the current folder if it has an index, else the config's `notes` folder.
Every command takes --config FILE (else $READNOTES_CONFIG, else the platform's config folder).
A folder named like a command is reached as ./list.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"readnotes: {message} (see 'readnotes --help')\n")


def _browse_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="readnotes",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage=argparse.SUPPRESS,
    )
    parser.add_argument("path", nargs="?", help="notes folder or index file")
    parser.add_argument("--config", metavar="FILE", help="read this config file")
    parser.add_argument(
        "--poll", action="store_true", help="watch by polling (network/FUSE filesystems)"
    )
    parser.add_argument(
        "--images",
        choices=IMAGE_SETTINGS,
        help="draw figures: auto (from the terminal), kitty, sixel or off",
    )
    parser.add_argument("--version", action="version", version=f"readnotes {__version__}")
    return parser


def _command_parser(command: str) -> argparse.ArgumentParser:
    parser = _Parser(prog=f"readnotes {command}")
    parser.add_argument("path", nargs="?", help="notes folder or index file")
    parser.add_argument("--config", metavar="FILE", help="read this config file")
    if command == "list":
        status = parser.add_mutually_exclusive_group()
        status.add_argument("--todo", action="store_true", help="only TODO entries")
        status.add_argument("--done", action="store_true", help="only done entries")
        parser.add_argument("--match", metavar="TEXT", help="case-insensitive title substring")
        parser.add_argument("--json", action="store_true", help="print a JSON array")
    elif command in ("done", "todo"):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--match", metavar="TEXT", help="case-insensitive title substring")
        which.add_argument("--line", metavar="N", type=int, help="the entry on index line N")
    elif command == "check":
        parser.add_argument("--json", action="store_true", help="print a JSON array")
    elif command == "stats":
        parser.add_argument("--json", action="store_true", help="print a JSON object")
    elif command == "search":
        parser.add_argument("text", metavar="TEXT", help="case-insensitive text, spaces included")
        parser.add_argument("--json", action="store_true", help="print a JSON array")
    elif command == "add":
        _add_arguments(parser)
    elif command == "export":
        _export_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    _utf8_output()
    try:
        if args and args[0] in COMMANDS:
            command = args[0]
            options = _command_parser(command).parse_args(args[1:])
            config = _load_config(options)
            return _run_command(command, options, config)
        options = _browse_parser().parse_args(args)
        config = _load_config(options)
        if options.images is not None:
            config = replace(config, images=options.images)
        return _browse(Path(options.path), poll=options.poll, config=config)
    except ReadnotesError as exc:
        _fail(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_broken_pipe()
        return EXIT_OK


def _load_config(options: argparse.Namespace) -> Config:
    """The config, its problems said once on stderr; an omitted PATH filled in from it."""
    path, explicit = config_location(options.config)
    config = load_config(path, explicit=explicit)
    for problem in config.problems:
        sys.stderr.write(f"readnotes: warning: {shown_name(problem)}\n")
    options.path = _notes_path(options.path, config)
    return config


def _notes_path(given: str | None, config: Config) -> str:
    """PATH as typed; omitted, the current folder when it has an index, else the config's."""
    if given is not None:
        return given
    if config.notes is not None:
        try:
            find_index(Path("."))
        except ReadnotesError:
            return str(config.notes)
    return "."


def _run_command(command: str, options: argparse.Namespace, config: Config) -> int:
    path = Path(options.path)
    remove_stale_temps_beside(find_index(path))  # what a killed readnotes left behind
    if command == "list":
        return _list(load_index(path), options)
    if command == "check":
        return _check(load_index(path), json_out=options.json)
    if command == "search":
        return _search(load_index(path), options.text, json_out=options.json)
    if command == "stats":
        return _stats(load_index(path), json_out=options.json)
    if command == "add":
        return _add(load_index(path), options, config)
    if command == "export":
        return _export(load_index(path), options, config)
    status = Status.DONE if command == "done" else Status.TODO
    return _mark(
        path,
        status,
        match=options.match,
        line=options.line,
        record_date=config.record_done_date,
    )


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--title", help="the entry's title (default: fetched for an arXiv id or DOI --url)"
    )
    parser.add_argument(
        "--category",
        metavar="A/B",
        help="the heading path, '/' between headings ('\\/' for a '/' in a title)",
    )
    parser.add_argument(
        "--url",
        action="append",
        default=[],
        metavar="U",
        help="a link (a bare arXiv id such as 2310.16944 is fine); repeat for more",
    )
    parser.add_argument("--todo", action="store_true", help="add it as TODO")
    parser.add_argument(
        "--note",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="create its note file (default: when the neighbouring entries have notes)",
    )
    parser.add_argument(
        "--fetch",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="fetch the paper's metadata for its note (default: when --title is not given)",
    )


def _add(index: Index, options: argparse.Namespace, config: Config) -> int:
    from app.core.add import NoteChoice, find_category
    from app.core.capture import add_paper, to_fetch

    to_fetch(options.title, options.url, options.fetch)  # no title and nothing to fetch it by
    category = find_category(index, options.category)
    note = NoteChoice.AUTO if options.note is None else NoteChoice.NEW if options.note else None
    try:
        added = add_paper(
            index,
            title=options.title,
            category=category.path,
            urls=options.url,
            todo=options.todo,
            note=note,
            fetch=options.fetch,
            lookup=_lookup(config),
        )
    except ConflictError as exc:
        _fail(str(exc))
        return EXIT_PROBLEM
    _write(shown_name(added.message) + "\n")
    if added.warning is not None:
        sys.stderr.write(f"readnotes: warning: {shown_name(added.warning)}\n")
    return EXIT_OK


def _lookup(config: Config) -> Callable[[PaperId], PaperMeta]:
    """Looks papers up online; the network's modules load on the first lookup only."""

    def lookup(found: PaperId) -> PaperMeta:
        from app.edges.paper_sources import paper_source

        return paper_source(config).lookup(found)

    return lookup


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("bibtex", "csl-json"), default="bibtex", help="default: bibtex"
    )
    status = parser.add_mutually_exclusive_group()
    status.add_argument("--todo", action="store_true", help="only TODO entries")
    status.add_argument("--done", action="store_true", help="only done entries")
    parser.add_argument("--match", metavar="TEXT", help="case-insensitive title substring")
    parser.add_argument(
        "--fetch", action="store_true", help="fetch what the notes lack (arXiv, Crossref)"
    )


def _export(index: Index, options: argparse.Namespace, config: Config) -> int:
    from app.core.export import citations, to_bibtex, to_csl_json

    status = Status.TODO if options.todo else Status.DONE if options.done else None
    entries = filter_entries(index, Query(status=status))
    if options.match:
        needle = options.match.casefold()
        entries = [e for e in entries if needle in e.title.casefold()]

    def warn(message: str) -> None:
        sys.stderr.write(f"readnotes: {shown_name(message)}\n")

    lookup = _lookup(config) if options.fetch else None
    cited = citations(index, entries, lookup=lookup, warn=warn)
    _write(to_bibtex(cited) if options.format == "bibtex" else to_csl_json(cited))
    return EXIT_OK


def _browse(path: Path, *, poll: bool, config: Config) -> int:
    index_path = find_index(path)  # fail fast, before the screen switches
    remove_stale_temps_beside(index_path)
    use_one_arena()  # before the first thread
    first_read = read_ahead(index_path)  # while the UI below is imported
    from app.ui.app import run_app  # Textual is imported only for the browser
    from app.ui.settings import ui_problems

    for problem in ui_problems(config):
        sys.stderr.write(f"readnotes: warning: {shown_name(problem)}\n")
    poll = poll or config.poll or os.environ.get("READNOTES_POLL") == "1"
    return run_app(index_path, poll=poll, config=config, first_read=first_read)


def _list(index: Index, options: argparse.Namespace) -> int:
    status = Status.TODO if options.todo else Status.DONE if options.done else None
    entries = filter_entries(index, Query(status=status))
    if options.match:
        needle = options.match.casefold()
        entries = [e for e in entries if needle in e.title.casefold()]
    if options.json:
        _write_json([e.to_json() for e in entries])
        return EXIT_OK
    _write(_format_listing(entries))
    _report_warnings(index)
    return EXIT_OK


def _format_listing(entries: list[Entry]) -> str:
    lines: list[str] = []
    current: tuple[str, ...] | None = None
    for entry in entries:
        if entry.category != current:
            current = entry.category
            heading = " / ".join(entry.category) or "(top)"
            lines.append(("\n" if lines else "") + shown_name(heading))
        lines.append(f"  {_mark_symbol(entry)} {shown_name(entry.title)}  (line {entry.line})")
    return "\n".join(lines) + "\n" if lines else ""


def _mark_symbol(entry: Entry) -> str:
    return "[ ]" if entry.status is Status.TODO else "[x]"


def _mark(
    path: Path,
    status: Status,
    *,
    match: str | None,
    line: int | None,
    record_date: bool = False,
) -> int:
    index = load_index(path)
    candidates = _select(index, match=match, line=line)
    what = f"--match {match!r}" if match is not None else f"--line {line}"
    if len(candidates) != 1:
        if not candidates:
            _fail(f"no entry matches {shown_name(what)}; nothing written")
        else:
            _fail(f"{len(candidates)} entries match {shown_name(what)}; nothing written:")
            for entry in candidates:
                sys.stderr.write(f"  line {entry.line}: {shown_name(entry.title)}\n")
        return EXIT_USAGE
    try:
        result = mark(index.path, candidates[0].key, status, known=index)
    except ConflictError as exc:
        _fail(str(exc))
        return EXIT_PROBLEM
    _write(shown_name(result.message) + "\n")
    note = result.entry.note
    if record_date and result.changed and status is Status.DONE and note is not None:
        from app.core.frontmatter_edit import write_done_date

        try:
            write_done_date(result.index.root, note, date.today())
        except ReadnotesError as exc:
            sys.stderr.write(f"readnotes: warning: {shown_name(str(exc))}\n")
    return EXIT_OK


def _select(index: Index, *, match: str | None, line: int | None) -> list[Entry]:
    if line is not None:
        return [e for e in index.entries if e.line == line]
    needle = (match or "").casefold()
    return [e for e in index.entries if needle in e.title.casefold()]


def _check(index: Index, *, json_out: bool) -> int:
    from app.core.check import check_index

    problems = check_index(index)
    if json_out:
        _write_json([p.to_json() for p in problems])
    else:
        name = index.path.name
        for problem in problems:
            where = f"{name}:{problem.line}" if problem.line is not None else name
            _write(f"{shown_name(where)}: {shown_name(problem.message)}\n")
        if not problems:
            _write(f"{len(index.entries)} entries, no problems\n")
    _report_warnings(index)
    return EXIT_PROBLEM if problems else EXIT_OK


def _search(index: Index, text: str, *, json_out: bool) -> int:
    """Like grep: ``note:line: text`` per matching line; exit 1 when nothing matched."""
    from app.core.search import search_notes

    hits = search_notes(index, text)
    found = 0
    if json_out:
        listed = [hit.to_json() for hit in hits]
        found = len(listed)
        _write_json(listed)
    else:
        for hit in hits:
            found += 1
            _write(f"{shown_name(hit.note)}:{hit.line}: {visible(hit.text)}\n")
    return EXIT_OK if found else EXIT_PROBLEM


def _stats(index: Index, *, json_out: bool) -> int:
    from app.core.progress import stats_json, stats_table

    if json_out:
        _write_json(stats_json(index))
    else:
        _write(stats_table(index))
        _report_warnings(index)
    return EXIT_OK


def _report_warnings(index: Index) -> None:
    for warning in index.warnings:
        sys.stderr.write(f"readnotes: warning: {shown_name(warning)}\n")


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _write_json(value: object) -> None:
    """JSON as strict readers take it: every string valid UTF-8 (no lone surrogate)."""
    _write(json.dumps(json_safe(value), ensure_ascii=False, indent=2) + "\n")


def _fail(message: str) -> None:
    sys.stderr.write(f"readnotes: error: {shown_name(message)}\n")


def _utf8_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors=VISIBLE_ERRORS)  # a name's bad byte as \xNN


def _quiet_broken_pipe() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
