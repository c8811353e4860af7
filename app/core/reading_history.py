"""When each entry was added and when it was read, from the index's own history.

The history arrives as changed lines, commit by commit (``LineChange``: what a ``git log -p -U0``
hunk removes and adds). No version is parsed in full: the distinct changed lines of all commits
are parsed once, together, and each commit moves the entries on its own lines. An entry is
followed as marks find it, by title and note (``title\\x1fnote``, repeats counted), and a line
removed and a line added in the same commit with the same note and links but another title is
the same entry, reworded.

- ``added``: the day of the first commit whose index holds the entry;
- ``done``: the day of the commit that last made it done (an entry done when it first appeared
  is done on its added day; re-opened, it has none until it is done again).

Uncommitted changes count as today. An entry git does not explain (no git, a line the history
never held as an entry) takes its done day from its note's ``done:`` frontmatter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from app.core.links import real_folder
from app.core.model import Index, Status

_LIST_ITEM = re.compile(rb"^[ \t>]*(?:[*+-]|\d{1,9}[.)])[ \t]")
_DEFINITION = re.compile(rb"^ {0,3}\[[^\]\r\n]+\]:[ \t]*\S[^\r\n]*", re.MULTILINE)


class Change(Protocol):
    """One commit's (or the uncommitted work's) lines out and lines in."""

    @property
    def commit(self) -> str: ...

    @property
    def day(self) -> date | None: ...  # None: today

    @property
    def removed(self) -> tuple[bytes, ...]: ...

    @property
    def added(self) -> tuple[bytes, ...]: ...


class Log(Protocol):
    """The index's history after a commit seen before (see ``app.edges.git.GitLog``)."""

    @property
    def head(self) -> str | None: ...

    @property
    def changes(self) -> Sequence[Change]: ...

    @property
    def uncommitted(self) -> Change | None: ...

    @property
    def notice(self) -> str | None: ...

    @property
    def shallow(self) -> bool: ...

    @property
    def from_start(self) -> bool: ...


class ReadLog(Protocol):
    """The history of an index file after ``since`` (the commit the cache ends at). ``clean``:
    the file holds the bytes it held with no uncommitted change at ``since``, so while HEAD is
    still ``since`` there is nothing to ask git about the work tree."""

    def __call__(self, index_path: Path, since: str | None, *, clean: bool = False) -> Log: ...


@dataclass(frozen=True, slots=True)
class Item:
    """What one changed line says, read as an entry."""

    key: str  # title + "\x1f" + note, as an entry's key before its occurrence
    done: bool
    links: tuple[str, ...]
    note: str | None


@dataclass(slots=True)
class Record:
    """One entry's dates so far. Days as ordinals, so the cache can marshal them."""

    added: int
    done: int  # 0 while TODO
    is_done: bool


@dataclass(slots=True)
class State:
    """Every entry the history holds at ``head``, and those it once held (``gone``)."""

    head: str | None = None
    shallow: bool = False
    clean: str | None = None  # the digest of the index when it had no uncommitted change at head
    live: dict[str, list[Record]] = field(default_factory=dict)
    gone: dict[str, Record] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EntryDates:
    added: date | None
    done: date | None


@dataclass(slots=True)
class History:
    """The dates of the index's entries, by ``Entry.key``, and how they were found."""

    dates: dict[str, EntryDates]
    notice: str | None = None
    commits_read: int = 0  # commits whose lines were read this time (not from the cache)
    head: str | None = None


def definitions_of(data: bytes) -> bytes:
    """The link reference definitions of an index (``[1]: https://…``), for lines read alone."""
    return b"\n".join(_DEFINITION.findall(data))


def read_items(
    lines: Iterable[bytes], index_path: Path, definitions: bytes = b""
) -> dict[bytes, Item]:
    """Each distinct line that reads as an entry, parsed in one pass over all of them.

    Lines are taken out of their document, so each is put on its own, unindented, between
    blank lines: a nested item reads as it would at the top, and no line can open a code block
    for the next. ``definitions`` (the index's own, as it is now) follow them, so a
    ``[Title][1]`` line reads as in the index.
    """
    from app.core.parse import ChunkMemory, parse_index

    candidates = [line for line in dict.fromkeys(lines) if _LIST_ITEM.match(line)]
    if not candidates:
        return {}
    text = b"\n\n".join(line.lstrip(b" \t>") for line in candidates) + b"\n"
    if definitions:
        text += b"\n" + definitions + b"\n"
    index = parse_index(text, index_path, cache={}, memory=ChunkMemory(disk_min_bytes=1 << 62))
    items: dict[bytes, Item] = {}
    for entry in index.entries:
        if entry.line % 2 == 0:
            continue
        line = candidates[(entry.line - 1) // 2]
        links = tuple(link.url for link in entry.links)
        items[line] = Item(
            f"{entry.title}\x1f{entry.note or ''}", entry.status is Status.DONE, links, entry.note
        )
    return items


def apply_changes(
    state: State, changes: Sequence[Change], items: dict[bytes, Item], today: date
) -> None:
    """Move the entries on each change's lines, oldest change first."""
    for change in changes:
        day = (change.day or today).toordinal()
        gone = [items[line] for line in change.removed if line in items]
        came = [items[line] for line in change.added if line in items]
        _apply(state, day, gone, came)


Signature = tuple[str | None, tuple[str, ...]]  # (note, links): what a reworded line keeps


def _apply(state: State, day: int, gone: list[Item], came: list[Item]) -> None:
    live = state.live
    left: dict[str, list[Record]] = {}
    by_links: dict[Signature, list[Record]] = {}
    for item in gone:
        records = live.get(item.key)
        if not records:
            continue
        popped = records.pop(_matching(records, item.done))
        if not records:
            del live[item.key]
        left.setdefault(item.key, []).append(popped)
        if item.note is not None or item.links:
            by_links.setdefault((item.note, item.links), []).append(popped)
    taken: set[int] = set()  # ids of the removed lines' records that found their added line
    for item in came:
        record = _same_entry(item, left, by_links, taken) or state.gone.pop(item.key, None)
        if record is None:
            record = Record(day, day if item.done else 0, item.done)
        elif item.done and not record.is_done:
            record.done = max(day, record.added)  # a rebase can put the done day first
        elif not item.done:
            record.done = 0
        record.is_done = item.done
        live.setdefault(item.key, []).append(record)
    for key, records in left.items():
        for record in records:
            if id(record) not in taken:
                state.gone.setdefault(key, record)


def _same_entry(
    item: Item,
    left: dict[str, list[Record]],
    by_links: dict[Signature, list[Record]],
    taken: set[int],
) -> Record | None:
    """The record of a removed line that is this added line: same key (a status change, a
    move), else same note and links (a reworded title). Each record is taken once: a sorted
    10,000-line index costs one pass, not a search per line."""
    for records in (left.get(item.key), by_links.get((item.note, item.links))):
        while records:
            record = records.pop()
            if id(record) not in taken:
                taken.add(id(record))
                return record
    return None


def _matching(records: list[Record], done: bool) -> int:
    """Which of an entry's repeats a line is: the last one with the line's status, else the last."""
    for at in range(len(records) - 1, -1, -1):
        if records[at].is_done == done:
            return at
    return len(records) - 1


def entry_dates(
    index: Index, state: State, *, frontmatter_done: Callable[[str], date | None]
) -> dict[str, EntryDates]:
    """Each entry of the index on disk with its dates; what git does not explain (a done entry
    with no done day) from its note's ``done:`` line."""
    pools: dict[str, list[Record]] = {}
    dates: dict[str, EntryDates] = {}
    for entry in index.entries:
        key = f"{entry.title}\x1f{entry.note or ''}"
        pool = pools.get(key)
        if pool is None:
            pool = pools[key] = list(reversed(state.live.get(key, ())))
        done_now = entry.status is Status.DONE
        record = pool.pop(_matching(pool, done_now)) if pool else None
        added = date.fromordinal(record.added) if record is not None else None
        done = date.fromordinal(record.done) if record is not None and record.done else None
        if entry.status is Status.TODO:
            done = None
        elif done is None and entry.note is not None:
            done = frontmatter_done(entry.note)
        dates[entry.key] = EntryDates(added, done)
    return dates


def reading_history(
    index: Index,
    read_log: ReadLog,
    today: date,
    *,
    cache: bool = True,
) -> History:
    """The dates of every entry of ``index``, a stitched tree (``app.core.subindex``) or one
    file: each index file's entries are dated by that file's own history (``git log --follow``
    of its path), each file cached on its own, and keyed as the tree keys them."""
    from app.core.subindex import KEY_SEPARATOR

    parts = index.parts or {"": index}
    dates: dict[str, EntryDates] = {}
    notices: list[str] = []
    read = 0
    head: str | None = None
    for file, part in parts.items():
        found = file_history(part, read_log, today, cache=cache)
        if file:
            prefix = file + KEY_SEPARATOR
            dates.update({prefix + key: value for key, value in found.dates.items()})
        else:
            dates.update(found.dates)
            head = found.head
        read += found.commits_read
        said = found.notice
        if said and file and (not notices or said != notices[0]):
            said = f"{file}: {said}"  # not what the root said (no git, a shallow clone…)
        if said and said not in notices:
            notices.append(said)
    if index.parts:  # an entry that links to a sub-index is a category of the tree, not dated
        dates = {entry.key: dates[entry.key] for entry in index.entries if entry.key in dates}
    return History(dates, _notice(notices), read, head)


def _notice(notices: list[str]) -> str | None:
    """One line: the first notice, and how many other files have one of their own."""
    if not notices:
        return None
    more = len(notices) - 1
    return notices[0] + (f" (and {more} other notice{'s' if more > 1 else ''})" if more else "")


def file_history(
    index: Index,
    read_log: ReadLog,
    today: date,
    *,
    cache: bool = True,
) -> History:
    """The dates of the entries of one index file (an unstitched model): the cached state, the
    commits after it, then the uncommitted changes (never cached: they count as today)."""
    from app.core import reading_cache

    state = reading_cache.load(index.path) if cache else None
    clean = state is not None and state.clean == index.digest
    log = read_log(index.path, state.head if state is not None else None, clean=clean)
    if state is None or log.from_start or state.shallow != log.shallow:
        state = State()
        if log.head is not None and not log.from_start:
            log = read_log(index.path, None)
    changes = list(log.changes)
    lines = [line for change in changes for line in (*change.removed, *change.added)]
    if log.uncommitted is not None:
        lines += [*log.uncommitted.removed, *log.uncommitted.added]
    items = read_items(lines, index.path, definitions_of(index.data))
    apply_changes(state, changes, items, today)
    clean_now = index.digest if log.uncommitted is None else None
    if (
        cache
        and log.head is not None
        and (changes or state.head != log.head or state.clean != clean_now)
    ):
        state.head = log.head
        state.shallow = log.shallow
        state.clean = clean_now
        reading_cache.save(index.path, state)
    if log.uncommitted is not None:
        apply_changes(state, [log.uncommitted], items, today)

    real_root = real_folder(index.root)

    def frontmatter_done(note: str) -> date | None:
        from app.core.frontmatter_edit import done_date_in_note  # only when git is silent

        if real_root is None:
            return None
        return done_date_in_note(real_root, note, root_is_real=True)

    dates = entry_dates(index, state, frontmatter_done=frontmatter_done)
    return History(dates, log.notice, len(changes), log.head)
