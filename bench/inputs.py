"""The folders the benchmarks open: the sample, awesome-go, generated 10k and 50k indexes, a
1,500-row table index and a folder of 100 sub-indexes.

Generated folders are made once per run in a temporary directory (with ``generate.py``,
``tables.py``'s digest shape and ``subindexes.py``'s paper-summaries shape); benchmarks that
write (reload, mark done) get a copy of their own.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generate import generate, long_note
from harness import REPO

from app.core.model import Category, Entry
from app.core.parse import find_index
from app.core.subindex import load_tree

AWESOME_GO = REPO / "tests" / "corpora" / "avelino__awesome-go__README.md"
LONG_NOTE_LINES = 2000
TABLE_ROWS = 1500
SUB_INDEXES, PER_SUB_INDEX = 100, 20
_FRONTMATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_INLINE = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True, slots=True)
class Folder:
    """An input: what to pass to readnotes, and what its first complete screen must show."""

    name: str  # as the results table names it
    path: Path  # a notes folder or an index file
    index: Path  # the index file
    entries: int
    first_title: str  # the tree's first row, which the first preview shows too
    first_entry: str  # the first entry in document order


@dataclass(frozen=True, slots=True)
class NoteCase:
    """A note shown in the preview benchmark, and the line that says it is on screen."""

    rel: str
    file: Path
    probe: str
    lines: int


def describe(name: str, path: Path) -> Folder:
    """What the browser shows for ``path``: the whole tree, sub-indexes stitched in."""
    index_path = find_index(path)
    index = load_tree(index_path)
    first: Entry | Category = (
        index.tree.entries[0] if index.tree.entries else index.tree.children[0]
    )
    return Folder(name, path, index_path, len(index.entries), first.title, index.entries[0].title)


def probe_for(text: str) -> str:
    """The note's first heading (else its first line) as plain text: on its first screen."""
    body = _FRONTMATTER.sub("", text, count=1)
    lines = [line for line in body.splitlines() if line.strip()]
    chosen = next((m.group(1) for line in lines if (m := _HEADING.match(line))), None)
    plain = chosen if chosen is not None else (lines[0] if lines else "")
    return _INLINE.sub(lambda m: m.group(1) or "", plain).strip()


class Inputs:
    """Inputs made on first use, so a run of one benchmark generates only what it needs."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._made: dict[str, Folder] = {}
        self._copies = 0

    def _once(self, key: str, make: Callable[[], Folder]) -> Folder:
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def notes(self) -> Folder:
        return self._once("notes", lambda: describe("notes/", REPO / "notes"))

    def awesome_go(self) -> Folder:
        return self._once("awesome-go", lambda: describe("awesome-go (3k)", AWESOME_GO))

    def generated(self, entries: int) -> Folder:
        name = f"{entries // 1000}k"

        def make() -> Folder:
            out = self.workdir / f"generated-{name}"
            generate(out, entries)
            return describe(name, out)

        return self._once(name, make)

    def tables(self) -> Folder:
        """A weekly digest's shape: 1,500 papers in pipe tables of 50 rows under ``##`` weeks."""
        from tables import indexes

        def make() -> Folder:
            out = self.workdir / "digest-tables"
            out.mkdir()
            (out / "README.md").write_bytes(indexes(TABLE_ROWS)[0])
            return describe(f"{TABLE_ROWS:,}-row tables", out)

        return self._once("tables", make)

    def subindexes(self) -> Folder:
        """A paper-summaries repository: a root README linking 100 ``area-N/index.md``
        sub-indexes of 20 entries, each linking its ``pK/summary.md`` note."""
        from subindexes import build

        def make() -> Folder:
            split, _one = build(self.workdir / "subindexes", SUB_INDEXES, PER_SUB_INDEX)
            return describe(f"{SUB_INDEXES} sub-indexes", split)

        return self._once("subindexes", make)

    def writable(self, folder: Folder) -> Folder:
        """A private copy of a folder input, for a benchmark that writes to it."""
        self._copies += 1
        source = folder.path if folder.path.is_dir() else folder.index.parent
        out = self.workdir / f"copy-{self._copies}-{source.name}"
        shutil.copytree(source, out)
        return describe(folder.name, out / folder.path.relative_to(source))

    def preview_folder(self) -> tuple[Folder, list[NoteCase]]:
        """A copy of notes/ whose index lists every note in it, then a 2,000-line note."""
        out = self.workdir / "preview-notes"
        if not out.exists():
            shutil.copytree(REPO / "notes", out)
            (out / "long-note.md").write_text(long_note(LONG_NOTE_LINES), encoding="utf-8")
        notes = sorted(
            p for p in out.rglob("*.md") if p.name != "bench-index.md" and p != out / "README.md"
        )
        notes.sort(key=lambda p: p.name == "long-note.md")  # the long one last
        items = [f"* [{p.relative_to(out)}](./{p.relative_to(out)})" for p in notes]
        index = out / "bench-index.md"
        index.write_text("# Every note\n\n## Notes\n\n" + "\n".join(items) + "\n", encoding="utf-8")
        cases = []
        for path in notes:
            text = path.read_text(encoding="utf-8")
            rel = str(path.relative_to(out))
            cases.append(NoteCase(rel, path, probe_for(text), len(text.splitlines())))
        return describe("notes/", index), cases
