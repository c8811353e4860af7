"""Sub-indexes: an entry whose note is itself an index becomes a category holding that index.

A paper-summaries folder keeps a root README whose entries link to ``cv/index.md``, whose
entries link to ``cv/gan/index.md``, whose entries link to ``*/summary.md`` notes. The
single-file parser (``app.core.parse``) stays as it is: this layer parses each index file on
its own and stitches their models into one tree, so every command and the browser see the whole
reading list. Each entry keeps which file it is in (``Entry.file``), and the stitched model keeps
each file's own model (``Index.parts``), which marks and adds edit (``app.core.subindex_edit``).

The rules, each in one function: which note may be a sub-index (:func:`candidate_file`), when a
parsed file is one (:func:`is_subindex`), and which files are refused (:func:`_open_part`: a
loop, a path leading outside the root, a file that is missing, binary, huge or no regular file).
A sub-index is read once, even when linked twice: the second link stays an entry.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from app.core.index_file import what_it_is
from app.core.links import safe_path
from app.core.model import Category, Entry, Index, Link, Status
from app.core.names import FOLDER_NOTE_NAMES, folder_note_name
from app.core.parse import ChunkMemory, index_digest, load_index, local_target, looks_binary
from app.core.parse import parse_index as parse_one
from app.core.parse.assemble import count_tree

# Sub-index files are small and many: their chunks are kept apart from the root index's, which
# a hundred of them would push out of ``MEMORY`` (a mark re-parses one chunk from there). And
# each keeps them on disk, however small: a hundred parsed at every start cost more than the root.
SUB_MEMORY = ChunkMemory(disk_min_bytes=0, files=512, models=512)
MAX_DEPTH = 32  # sub-indexes inside sub-indexes: deeper is a generated maze, not a reading list
MAX_SUBINDEX_BYTES = 4 << 20  # a bigger linked file is a note, or a mistake: not read as an index
_INDEX_NAMES = frozenset(name.lower() for name in FOLDER_NOTE_NAMES)
_WEB = ("https://", "http://", "#", "mailto:")  # links no folder changes, told apart quickly
# A relative path that normalising leaves as it is (see ``rebase_url``).
_PLAIN_PATH = re.compile(r"[\w-][\w.-]*(?:/[\w-][\w.-]*)*/?")
KEY_SEPARATOR = "\x1e"  # between a sub-index entry's file and its key in that file


def candidate_file(note: str, root: Path) -> str | None:
    """The index file an entry's note names, when it may be a sub-index; None when it may not.

    Only files named like an index (``README.md`` or ``index.md``, any case), or a folder note's
    README: deciding for every note would read every note at startup.
    """
    if note.endswith("/"):
        folder = safe_path(root, note)
        try:
            names = os.listdir(folder) if folder is not None else []
        except OSError:
            return None
        name = folder_note_name(names)
        return None if name is None else note + name
    return note if _named_like_index(note) else None


def _named_like_index(path: str) -> bool:
    return path[path.rfind("/") + 1 :].lower() in _INDEX_NAMES


def is_subindex(index: Index) -> bool:
    """Whether a linked file reads as an index: at least two entries, most with a local note."""
    entries = index.entries
    local = sum(1 for entry in entries if entry.note is not None or entry.escapes_root)
    return len(entries) >= 2 and 2 * local > len(entries)


def load_tree(path: Path) -> Index:
    """The index at ``path`` (a folder or a file) with its sub-indexes stitched in."""
    return stitch(load_index(path))


def stitch(root: Index, reuse: dict[str, Index] | None = None) -> Index:
    """``root`` (one file's model) with every sub-index grafted in; ``root`` itself when none.

    ``reuse``: models of sub-index files known to be current (after a mark), not read again.
    """
    base = Path(os.path.realpath(root.root))
    state = _Stitch(root.root, base, reuse or {})
    state.chain.append(os.path.realpath(root.path))
    candidates = _confirmed(root, "", state)
    tree = _copy(root.tree, root.tree.path, 0, "", "", candidates, state) if candidates else None
    if tree is None:
        if not state.sources and not state.warnings:
            return root
        return dataclasses.replace(
            root, warnings=[*root.warnings, *state.warnings], sources=state.sources
        )
    count_tree(tree)
    return dataclasses.replace(
        root,
        tree=tree,
        entries=state.entries,
        warnings=[*root.warnings, *state.warnings],
        parts={"": root, **state.parts},
        grafts=state.grafts,
        sources=state.sources,
    )


def sources_unchanged(known: Index) -> bool:
    """Whether every file read or tried as a sub-index of ``known`` still holds the same bytes."""
    for rel, digest in known.sources.items():
        path = known.root / rel
        try:
            stamped = digest is not None and digest.startswith(_STAMP)
            now: str | None = _stamp(path) if stamped else index_digest(path.read_bytes())
        except OSError:
            now = None
        if now != digest:
            return False
    return True


_STAMP = "stat:"


def _stamp(path: Path) -> str | None:
    """What stands for a file's bytes when they are not read (a huge one, an empty one): its
    size and time of change. None when it cannot be asked."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return f"{_STAMP}{info.st_size}:{info.st_mtime_ns}"


def file_key(key: str) -> tuple[str, str]:
    """A stitched entry key as (its index file, its key in that file); "" for the root file."""
    file, sep, own = key.partition(KEY_SEPARATOR)
    return (file, own) if sep else ("", key)


def owner(tree: Index, category: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """Which index file holds the category, and the category's path in that file."""
    best: tuple[str, ...] | None = None
    for prefix in tree.grafts:
        if category[: len(prefix)] == prefix and (best is None or len(prefix) > len(best)):
            best = prefix
    if best is None:
        return "", category
    return tree.grafts[best], category[len(best) :]


def category_place(tree: Index, category: Category) -> tuple[Path, int | None]:
    """The index file and line that hold a category of the stitched tree, for the editor: the
    heading in its own file, and for a grafted sub-index its file at its first heading (at line
    1 when it has none). None as the line for the root index's own top."""
    rel, own = owner(tree, category.path)
    part = tree.parts.get(rel) if rel else None
    if part is None:
        return tree.path, category.line if category.level else None
    if not own:
        headings = part.tree.children  # a titled file starts with its title
        first = headings[0].line if headings and not part.tree.entries and not part.title else 1
        return part.path, first
    found = next((c for c in part.tree.walk() if c.path == own), None)
    return part.path, found.line if found is not None else 1


@dataclass(slots=True)
class _Stitch:
    root: Path  # the notes folder as given
    base: Path  # its real path
    reuse: dict[str, Index]
    chain: list[str] = field(default_factory=list)  # real paths of the files being grafted
    read: set[str] = field(default_factory=set)  # real paths of the sub-indexes grafted
    parts: dict[str, Index] = field(default_factory=dict)
    grafts: dict[tuple[str, ...], str] = field(default_factory=dict)
    sources: dict[str, str | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)


def _confirmed(index: Index, folder: str, state: _Stitch) -> dict[int, tuple[str, Index, str]]:
    """The entries of one file (by position) whose notes are sub-indexes, with their models and
    real paths."""
    out: dict[int, tuple[str, Index, str]] = {}
    for entry in index.entries:  # every entry of a 50,000-entry index: the cheap test first
        note = entry.note
        if note is None and not entry.escapes_root:
            continue
        if note is not None and not (note.endswith("/") or _named_like_index(note)):
            continue  # the cheap half of ``candidate_file``, before any path is made
        note = _rebased_note(entry, folder)
        if note is None:
            continue
        rel = candidate_file(note, state.base)
        if rel is None:
            continue
        opened = _open_part(rel, state)
        if opened is not None:
            out[entry.position] = (rel, *opened)
    return out


def _open_part(rel: str, state: _Stitch) -> tuple[Index, str] | None:
    """The model and real path of ``rel`` when it is a sub-index to graft; else None (a notice
    when refused)."""
    if rel in state.reuse:
        part = state.reuse[rel]
        real = os.path.realpath(part.path)
        _source(state, rel, real, part.digest)
        if real in state.read or real in state.chain or len(state.chain) > MAX_DEPTH:
            return None
        state.read.add(real)
        return part, real
    path = state.root / rel
    what = what_it_is(path)
    refused = f"Sub-index {rel} not read"
    if what is not None:
        state.sources[rel] = None
        state.warnings.append(f"{refused}: it is {what}")
        return None
    real_path = safe_path(state.base, rel, root_is_real=True)
    if real_path is None:
        state.warnings.append(f"{refused}: it leads outside the notes folder")
        return None
    real = str(real_path)
    if real == state.chain[-1]:
        return None  # a link to the file it is in ("README.md#usage"): no loop, no notice
    if real in state.chain:
        state.warnings.append(f"{refused}: it leads back to an index that links to it (a loop)")
        return None
    if len(state.chain) > MAX_DEPTH:
        state.warnings.append(f"{refused}: sub-indexes nested more than {MAX_DEPTH} deep")
        return None
    if real in state.read:
        return None  # read once: a second link to it stays an entry
    try:
        size = os.stat(real).st_size
        data = b"" if size > MAX_SUBINDEX_BYTES else real_path.read_bytes()
    except FileNotFoundError:
        state.sources[rel] = None  # watched: it may appear; a missing note to ``check``
        return None
    except OSError as exc:
        state.sources[rel] = None
        state.warnings.append(f"{refused}: {exc.strerror or exc}")
        return None
    digest = index_digest(data)
    _source(state, rel, real, digest if data else _stamp(real_path))
    if size > MAX_SUBINDEX_BYTES:
        limit = MAX_SUBINDEX_BYTES >> 20
        state.warnings.append(f"{refused}: it is {size:,} bytes, more than {limit} MiB")
        return None
    if looks_binary(data.removeprefix(b"\xef\xbb\xbf")):
        state.warnings.append(f"{refused}: it looks binary")
        return None
    part = _parsed(data, path, digest)
    if not is_subindex(part):
        return None  # a note (a folder's README about one thing): its entry stays an entry
    state.read.add(real)
    return part, real


def _source(state: _Stitch, rel: str, real: str, digest: str | None) -> None:
    """Keep what a sub-index file holds, under its linked name and, when that is a symlink (or
    passes through one), under its target's name too: an editor saves the target, and the
    watcher names that path (the target is inside the notes folder, or it is refused)."""
    state.sources[rel] = digest
    target = os.path.relpath(real, state.base).replace(os.sep, "/")
    if target != rel and not target.startswith("../"):
        state.sources[target] = digest


# The models of the sub-index files parsed lately, by (path, digest): a re-read after a change to
# one file of a hundred parses that one (the models are never changed: stitching copies them).
_MODELS: dict[tuple[Path, str], Index] = {}
_MODELS_KEPT = 1024
_MODELS_LOCK = threading.Lock()


def _parsed(data: bytes, path: Path, digest: str) -> Index:
    """The model of a sub-index file's bytes, from ``_MODELS`` when these bytes were parsed."""
    with _MODELS_LOCK:  # the read ahead at start and a re-read may both be stitching
        found = _MODELS.get((path, digest))
    if found is None:
        found = parse_one(data, path, memory=SUB_MEMORY)
        with _MODELS_LOCK:
            while len(_MODELS) >= _MODELS_KEPT:
                del _MODELS[next(iter(_MODELS))]
            _MODELS[(path, digest)] = found
    return found


def _copy(
    category: Category,
    path: tuple[str, ...],
    level: int,
    file: str,
    folder: str,
    candidates: dict[int, tuple[str, Index, str]],
    state: _Stitch,
) -> Category:
    """A copy of one file's category under ``path``: its entries, then its sub-indexes grafted
    as categories, then its sub-headings (the order the tree and ``list`` show them in)."""
    copy = Category(category.title, level, category.line, path)
    grafted: list[tuple[Entry, str, Index, str]] = []
    trails = (_trail(category.path), _trail(path))
    for entry in category.entries:
        found = candidates.get(entry.position)
        if found is not None:
            grafted.append((entry, *found))
            continue
        moved = _moved(entry, path, trails, file, folder, len(state.entries))
        state.entries.append(moved)
        copy.entries.append(moved)
        if moved.status is Status.TODO:
            copy.todo += 1  # its own, until count_tree adds those below
    for entry, rel, part, real in grafted:
        copy.children.append(_graft(entry, rel, part, real, path, level + 1, state))
    for child in category.children:
        sub_path = (*path, *child.path[len(category.path) :])
        copy.children.append(_copy(child, sub_path, level + 1, file, folder, candidates, state))
    return copy


def _graft(
    entry: Entry,
    rel: str,
    part: Index,
    real: str,
    parent: tuple[str, ...],
    level: int,
    state: _Stitch,
) -> Category:
    """The sub-index ``rel`` as a category titled like the entry that links to it."""
    path = (*parent, entry.title)
    state.parts[rel] = part
    state.grafts[path] = rel
    folder = posixpath.dirname(rel)
    state.chain.append(real)
    candidates = _confirmed(part, folder, state)
    graft = _copy(part.tree, path, level, rel, folder, candidates, state)
    graft.title, graft.line = entry.title, entry.line
    state.chain.pop()
    return graft


def _moved(
    entry: Entry, path: tuple[str, ...], trails: tuple[str, str], file: str, folder: str, at: int
) -> Entry:
    """The entry as the stitched tree holds it: in its new category, its local links and note
    relative to the notes folder, its key naming its file. ``trails``: the category paths as the
    filter's haystack ends with them, in the file and in the tree.

    Built field by field (``dataclasses.replace`` costs twice as much, over every entry)."""
    if not file:
        note, links, escapes, key, haystack = (
            entry.note,
            entry.links,
            entry.escapes_root,
            entry.key,
            entry.haystack,
        )
    else:
        links = tuple(Link(link.label, rebase_url(link.url, folder)) for link in entry.links)
        note = _rebased_note(entry, folder)
        escapes = note is None and (entry.escapes_root or entry.note is not None)
        key = f"{file}{KEY_SEPARATOR}{entry.key}"
        haystack = entry.haystack.removesuffix(trails[0]) + trails[1]
    return Entry(
        entry.title,
        path,
        entry.status,
        note,
        links,
        entry.line,
        entry.local_marker,
        key,
        at,
        haystack,
        escapes,
        entry.depth,
        entry.text,
        entry.chunk,
        file=file,
        shape=entry.shape,
    )


def _trail(path: tuple[str, ...]) -> str:
    """How an entry's filter haystack ends for a category (see ``assemble._make_entries``)."""
    return f"\x1f{' / '.join(path)}".casefold()


def _rebased_note(entry: Entry, folder: str) -> str | None:
    """The entry's note relative to the notes folder (its file is in ``folder``); None when it
    has none or it leads outside."""
    if not folder:
        return entry.note
    if entry.note is not None and not entry.note.startswith("../"):
        return f"{folder}/{entry.note}"  # normalised already, and inside ``folder``
    if entry.note is None and not entry.escapes_root:
        return None
    for link in entry.links:
        target = local_target(rebase_url(link.url, folder))
        if target:
            return None if target == ".." or target.startswith("../") else target
    return None


def rebase_url(url: str, folder: str) -> str:
    """A local link written in a file in ``folder`` as the notes folder reads it; others as is.

    A plain relative path (``p1/summary.md``: no scheme, anchor, escape, dot segment or doubled
    slash) is only joined: nearly every link of a sub-index, and the normalising below costs
    ten times as much, over every entry of every sub-index at startup."""
    if not folder or url.startswith(_WEB):
        return url
    if _PLAIN_PATH.fullmatch(url):
        return f"{folder}/{url}"
    if not local_target(url):
        return url  # not a relative local path, or the folder itself
    raw = url.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1]
    cut = len(raw)
    for mark in "#?":
        found = raw.find(mark, 0, cut)
        if found >= 0:
            cut = found
    own, rest = raw[:cut], raw[cut:]
    if not own:
        return url
    joined = posixpath.normpath(f"{folder}/{own}")
    if own.endswith("/"):
        joined += "/"
    return joined + rest
