"""The command line: the browser, and commands that share its core.

Every failure a user can cause is one clear line on stderr and an exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
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
from app.core.edit import remove_stale_temps_beside
from app.core.errors import ConflictError, ReadnotesError
from app.core.graphics import IMAGE_SETTINGS
from app.core.model import Entry, Index, Status
from app.core.parse import find_index, load_index
from app.core.query import Query, filter_entries
from app.core.reread import read_ahead
from app.core.subindex import load_tree
from app.core.subindex_edit import mark_in_tree
from app.edges.malloc import use_one_arena

if TYPE_CHECKING:
    from app.core.metadata import PaperMeta
    from app.core.paper_ids import PaperId

# The commands below import the rest of the core when they run (adding, checking, searching,
# stats, frontmatter dates): the browser's start, timed to its first screen, pays for none of it.

COMMANDS = (
    "list",
    "done",
    "todo",
    "check",
    "fix-links",
    "search",
    "stats",
    "add",
    "export",
    "history",
)
EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
A fast, keyboard-first terminal browser for Markdown reading notes.

usage:
  readnotes [PATH] [--poll] [--images MODE]              browse (MODE: auto, kitty, sixel, off)
  readnotes list  [PATH] [--todo | --done] [--match TEXT] [--json]
  readnotes done  [PATH] (--match TEXT | --line [FILE:]N)
  readnotes todo  [PATH] (--match TEXT | --line [FILE:]N)
  readnotes check [PATH] [--json] [--links [--timeout S] [--fresh] [--notes]
                  [--match TEXT] [--todo | --done]]       --links: dead, moved, unreachable
  readnotes fix-links [PATH] [--match TEXT] [--todo | --done]   rewrite moved links
  readnotes stats [PATH] [--json]                         done / total per category
  readnotes search [PATH] TEXT [--json]
  readnotes add   [PATH] --title T [--category "A/B"] [--url U]... [--todo] [--note | --no-note]
  readnotes add   [PATH] --url ARXIV-ID-OR-DOI [--category "A/B"] [--fetch | --no-fetch] ...
  readnotes export [PATH] [--format bibtex | csl-json] [--todo | --done] [--match TEXT] [--fetch]
  readnotes history [PATH] [--json] [--since YYYY-MM-DD] [--by week | month]   from git
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
        which.add_argument(
            "--line",
            metavar="N",
            type=_line_spec,
            help="the entry on index line N (FILE:N for a sub-index file, as list shows it)",
        )
    elif command == "check":
        from app.cli_links import link_arguments

        parser.add_argument("--json", action="store_true", help="print a JSON array")
        link_arguments(parser)
    elif command == "fix-links":
        parser.add_argument("--match", metavar="TEXT", help="case-insensitive title substring")
        status = parser.add_mutually_exclusive_group()
        status.add_argument("--todo", action="store_true", help="only TODO entries")
        status.add_argument("--done", action="store_true", help="only done entries")
    elif command == "stats":
        parser.add_argument("--json", action="store_true", help="print a JSON object")
    elif command == "search":
        parser.add_argument("text", metavar="TEXT", help="case-insensitive text, spaces included")
        parser.add_argument("--json", action="store_true", help="print a JSON array")
    elif command == "add":
        _add_arguments(parser)
    elif command == "export":
        _export_arguments(parser)
    elif command == "history":
        parser.add_argument("--json", action="store_true", help="print a JSON object")
        parser.add_argument("--since", metavar="YYYY-MM-DD", type=_day, help="from this day on")
        parser.add_argument("--by", choices=("month", "week"), default="month", help="buckets")
    return parser


def _line_spec(text: str) -> tuple[str, int]:
    """``--line N`` (the root index) or ``--line FILE:N`` (a sub-index, as ``list`` names it)."""
    file, _, number = text.rpartition(":")
    try:
        line = int(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a line number: {text!r}") from None
    return file.removeprefix("./"), line


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


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
        return _list(load_tree(path), options)
    if command == "check":
        return _check(load_tree(path), options, config)
    if command == "fix-links":
        from app.cli_links import fix_links

        return fix_links(load_index(path), options)
    if command == "search":
        return _search(load_tree(path), options.text, json_out=options.json)
    if command == "stats":
        return _stats(load_tree(path), json_out=options.json)
    if command == "add":
        return _add(load_tree(path), options, config)
    if command == "export":
        return _export(load_tree(path), options, config)
    if command == "history":
        return _history(load_tree(path), options)
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
    # Importing the UI and building the first screen make tens of thousands of objects and
    # next to no garbage: ~120 collections that find nothing (~15 ms). The app turns the
    # collector back on once that screen is painted (the read ahead leaves it off as well: it
    # pauses it only when it was on).
    gc.disable()
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
        where = f"{entry.file} line {entry.line}" if entry.file else f"line {entry.line}"
        lines.append(f"  {_mark_symbol(entry)} {shown_name(entry.title)}  ({shown_name(where)})")
    return "\n".join(lines) + "\n" if lines else ""


def _mark_symbol(entry: Entry) -> str:
    return "[ ]" if entry.status is Status.TODO else "[x]"


def _mark(
    path: Path,
    status: Status,
    *,
    match: str | None,
    line: tuple[str, int] | None,
    record_date: bool = False,
) -> int:
    index = load_tree(path)
    candidates = _select(index, match=match, line=line)
    where = line and (f"{line[0]}:{line[1]}" if line[0] else str(line[1]))
    what = f"--match {match!r}" if match is not None else f"--line {where}"
    if len(candidates) != 1:
        if not candidates:
            _fail(f"no entry matches {shown_name(what)}; nothing written")
        else:
            _fail(f"{len(candidates)} entries match {shown_name(what)}; nothing written:")
            for entry in candidates:
                where = f"{entry.file}:{entry.line}" if entry.file else f"line {entry.line}"
                sys.stderr.write(f"  {shown_name(where)}: {shown_name(entry.title)}\n")
        return EXIT_USAGE
    try:
        result = mark_in_tree(index, candidates[0].key, status)
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


def _select(index: Index, *, match: str | None, line: tuple[str, int] | None) -> list[Entry]:
    if line is not None:
        file, number = line
        return [e for e in index.entries if e.line == number and e.file == file]
    needle = (match or "").casefold()
    return [e for e in index.entries if needle in e.title.casefold()]


def _check(index: Index, options: argparse.Namespace, config: Config) -> int:
    from app.core.check import check_index

    json_out = options.json
    _links_options_need_links(options)
    problems = check_index(index)
    stopped = False
    if options.links:
        from app.cli_links import link_problems

        found, stopped = link_problems(index, options, config)
        problems = sorted(
            problems + found, key=lambda p: (p.line is None, p.line or 0, p.path or "")
        )
    if json_out:
        _write_json([p.to_json() for p in problems])
    else:
        name = index.path.name
        for problem in problems:
            file = problem.file or name
            where = f"{file}:{problem.line}" if problem.line is not None else file
            _write(f"{shown_name(where)}: {shown_name(problem.message)}\n")
        if not problems and not stopped:
            _write(f"{len(index.entries)} entries, no problems\n")
    _report_warnings(index)
    if stopped:
        return 130
    return EXIT_PROBLEM if problems else EXIT_OK


def _links_options_need_links(options: argparse.Namespace) -> None:
    if options.links:
        if options.timeout is not None and not 0 < options.timeout <= 600:
            raise ReadnotesError("--timeout must be a number of seconds from 0 to 600")
        return
    for name in ("timeout", "fresh", "match", "todo", "done", "notes"):
        value = getattr(options, name)
        if value is not None and value is not False:
            raise ReadnotesError(f"--{name} is for checking links: add --links")


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


def _history(index: Index, options: argparse.Namespace) -> int:
    from app.core.reading_history import reading_history
    from app.core.reading_stats import history_json, history_report
    from app.edges.git import read_log

    today = _today()
    history = reading_history(index, read_log, today)
    if history.notice:
        sys.stderr.write(f"readnotes: {shown_name(history.notice)}\n")
    if options.json:
        _write_json(history_json(index, history, by=options.by, since=options.since))
    else:
        _write(history_report(index, history, today, by=options.by, since=options.since))
    return EXIT_OK


def _today() -> date:
    """Today, or the day ``READNOTES_TODAY`` names (tests and benchmarks fix the clock)."""
    fixed = os.environ.get("READNOTES_TODAY")
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            pass
    return date.today()


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
