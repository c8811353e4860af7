"""Problems in a notes folder: missing notes, orphans, links out of the root, duplicates."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.display_names import json_name, name_bytes
from app.core.link_health import PROBLEM_KINDS, Health, LinkUse, describe
from app.core.links import safe_path
from app.core.model import Index
from app.core.names import SKIPPED_FOLDERS, is_markdown, is_noise
from app.core.parse import local_target


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # "missing-note" | "orphan" | "escapes-root" | "duplicate"
    line: int | None  # index line; None for an orphan file
    message: str
    path: str | None = None
    file: str = ""  # the sub-index file the line is in ("" for the root index)
    url: str | None = None  # a link problem's URL
    code: int | None = None  # the HTTP status a link problem ended on
    location: str | None = None  # where a moved link now lives

    def to_json(self) -> dict[str, object]:
        path = None if self.path is None else json_name(self.path)
        exact = None if self.path is None else name_bytes(self.path)
        return {
            "kind": self.kind,
            "line": self.line,
            "message": json_name(self.message),
            "path": path,
            "path_bytes": exact,  # the exact name: undecodable bytes as \xNN, "\" as "\\"
            **({"file": json_name(self.file)} if self.file else {}),
            "url": self.url,
            "code": self.code,
            "location": self.location,
        }


def link_health_problems(uses: Sequence[LinkUse], results: Mapping[str, Health]) -> list[Problem]:
    """A problem for each use of a link found dead, moved or unreachable, at its entry's line."""
    problems: list[Problem] = []
    for use in uses:
        health = results.get(use.url)
        if health is None or not health.is_problem:
            continue
        kind = PROBLEM_KINDS[health.kind]
        where = f" (in note {use.note})" if use.note is not None else ""
        message = f"{kind} {use.url}{where}: {describe(health)} — {use.entry.title}"
        problems.append(
            Problem(
                kind,
                use.entry.line,
                message,
                use.note,
                url=use.url,
                code=health.code,
                location=health.location,
            )
        )
    return problems


def check_index(index: Index) -> list[Problem]:
    root = Path(os.path.realpath(index.root))
    problems: list[Problem] = []
    problems += _link_problems(index, root)
    problems += _duplicates(index)
    problems += _orphans(index, root)
    problems.sort(key=lambda p: (p.line is None, p.file, p.line or 0, p.path or ""))
    return problems


def _link_problems(index: Index, root: Path) -> list[Problem]:
    problems: list[Problem] = []
    for entry in index.entries:
        for link in entry.links:
            rel = local_target(link.url)
            if rel is None or rel == "":
                continue
            outside = rel == ".." or rel.startswith("../")
            if outside or safe_path(root, rel, root_is_real=True) is None:
                problems.append(
                    Problem(
                        "escapes-root",
                        entry.line,
                        f"link escapes the notes folder: {link.url}",
                        file=entry.file,
                    )
                )
        note = entry.note
        real = safe_path(root, note, root_is_real=True) if note else None
        if note and real is not None and not real.exists():
            message = f"note not found: {note}"
            problems.append(Problem("missing-note", entry.line, message, note, entry.file))
    return problems


def _duplicates(index: Index) -> list[Problem]:
    problems: list[Problem] = []
    seen_notes: dict[str, tuple[str, int]] = {}
    seen_titles: dict[tuple[str, str | None], tuple[str, int]] = {}
    for entry in index.entries:
        here = (entry.file, entry.line)
        first: tuple[str, int] | None = None
        if entry.note is not None:
            first = seen_notes.setdefault(entry.note, here)
        title_key = (entry.title.casefold(), entry.primary_url or entry.note)
        by_title = seen_titles.setdefault(title_key, here)
        if first is None or first == here:
            first = by_title
        if first != here:
            where = f"{first[0]} line {first[1]}" if first[0] else f"line {first[1]}"
            message = f"duplicate of {where}: {entry.title}"
            problems.append(Problem("duplicate", entry.line, message, file=entry.file))
    return problems


def _covered(index: Index) -> tuple[set[str], list[str]]:
    files: set[str] = set()
    folders: list[str] = []
    for entry in index.entries:
        for link in entry.links:
            rel = local_target(link.url)
            if not rel or rel.startswith("../"):
                continue
            if rel.endswith("/"):
                folders.append(rel)
            else:
                files.add(rel)
                folders.append(rel + "/")  # a link without slash may name a folder
    return files, folders


def _orphans(index: Index, root: Path) -> list[Problem]:
    files, folders = _covered(index)
    index_rel = os.path.relpath(os.path.realpath(index.path), root).replace(os.sep, "/")
    problems: list[Problem] = []
    for rel in iter_markdown(root):
        linked = rel in files or rel in index.sources or any(rel.startswith(f) for f in folders)
        if rel == index_rel or linked:
            continue
        problems.append(Problem("orphan", None, f"no entry links to {rel}", rel))
    return problems


def iter_markdown(root: Path) -> list[str]:
    """Root-relative POSIX paths of the Markdown files under ``root``, noise skipped."""
    out: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not is_noise(d) and d not in SKIPPED_FOLDERS)
        base = os.path.relpath(folder, root)
        for name in sorted(names):
            if is_markdown(name):
                rel = name if base == "." else f"{base}/{name}"
                out.append(rel.replace(os.sep, "/"))
    return out
