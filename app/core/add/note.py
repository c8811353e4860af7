"""The new entry's note: where it goes and how it is named (as the folder's notes are), its
template (frontmatter and a heading), and creating it without ever overwriting a file."""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from enum import Enum
from pathlib import Path

import yaml

from app.core.add.categories import STYLE_SAMPLE, wants_note
from app.core.add.links import link_kind
from app.core.errors import EditError
from app.core.links import safe_path
from app.core.model import Category, Entry, Index, Status
from app.core.parse import local_target

_NAME_WORDS = re.compile(r"[^\W_]+")
_NAME_MAX = 48  # characters of a generated note file name (without the suffix)


class NoteChoice(Enum):
    """Whether to create a note: ``AUTO`` follows the neighbours, ``NEW`` always creates one."""

    AUTO = "auto"
    NEW = "new"


def note_path(
    index: Index, category: Category, title: str, note: str | NoteChoice | None
) -> str | None:
    if note is None:
        return None
    if isinstance(note, str):
        rel = local_target(note)
        if not rel or rel.endswith("/") or rel.startswith("../") or rel == "..":
            raise EditError(f"Not a note path inside the notes folder: {note!r}")
        return rel
    if note is NoteChoice.AUTO and not wants_note(index, category):
        return None
    return _chosen_note_path(index, category, title)


def _chosen_note_path(index: Index, category: Category, title: str) -> str:
    """Beside the category's notes, named as they are; else ``notes/`` or the root.

    A category with only sub-categories uses the folder its sub-categories' notes share; folder
    notes (``books/thinking_in_cpp/``) point at the folder that holds them.
    """
    own = [e.note.rstrip("/") for e in category.entries if e.note is not None]
    below = [e.note.rstrip("/") for e in category.all_entries() if e.note is not None]
    names = _file_notes(category.all_entries()) or _file_notes(index.entries[-STYLE_SAMPLE:])
    shared = _shared_file_name(_file_notes(category.entries))
    if shared is not None:  # ``gan/stylegan/summary.md``: a folder per note, one file name
        parents = [posixpath.dirname(note) for note in own]
        outer = posixpath.dirname(parents[-1])
        folder = _note_name(title, _naming_style([posixpath.basename(p) for p in parents]))
        return posixpath.join(outer, folder, shared) if outer else posixpath.join(folder, shared)
    if own:
        folder = posixpath.dirname(own[-1])
    elif below:
        folder = posixpath.commonpath([posixpath.dirname(note) for note in below])
    else:
        folder = "notes" if (index.root / "notes").is_dir() else ""
    suffix = ".markdown" if names and names[-1].endswith(".markdown") else ".md"
    name = _note_name(title, _naming_style(names)) + suffix
    return posixpath.join(folder, name) if folder else name


def _shared_file_name(notes: list[str]) -> str | None:
    """The one file name the notes share, each in a folder of its own (``*/summary.md``, a
    paper-summaries layout); None when they are named after their entries."""
    if len(notes) < 2:
        return None
    names = {posixpath.basename(note) for note in notes}
    parents = [posixpath.dirname(note) for note in notes]
    if len(names) != 1 or "" in parents or len(set(parents)) != len(parents):
        return None
    return names.pop()


def _file_notes(entries: Iterable[Entry]) -> list[str]:
    return [
        e.note
        for e in entries
        if e.note is not None and e.note.lower().endswith((".md", ".markdown"))
    ]


def _naming_style(notes: list[str]) -> str:
    """``camel`` (DistillingStepByStep), ``snake``, ``kebab`` (the default) or ``words``."""
    stems = [posixpath.basename(n).rsplit(".", 1)[0] for n in notes]
    if not stems:
        return "kebab"
    counts: Counter[str] = Counter()
    for stem in stems:
        if "-" in stem:
            counts["kebab"] += 1
        elif "_" in stem:
            counts["snake"] += 1
        elif " " in stem:
            counts["words"] += 1
        elif stem[:1].isupper() or stem[:1].isdigit():
            counts["camel"] += 1
        else:
            counts["kebab"] += 1
    return counts.most_common(1)[0][0]


def _note_name(title: str, style: str) -> str:
    """A file name from the title: the part before a colon when there is one (``Zephyr: ...``)."""
    head = title.split(":", 1)[0]
    words = _NAME_WORDS.findall(head) or _NAME_WORDS.findall(title)
    kept: list[str] = []
    for word in words:
        if kept and sum(len(w) + 1 for w in [*kept, word]) > _NAME_MAX:
            break
        kept.append(word[:_NAME_MAX])
    if not kept:
        return "note"
    if style == "camel":
        return "".join(word[:1].upper() + word[1:] for word in kept)
    if style == "snake":
        return "_".join(word.lower() for word in kept)
    if style == "words":
        return " ".join(kept)
    return "-".join(word.lower() for word in kept)


def note_template(title: str, links: list[str], status: Status, eol: bytes) -> str:
    """Frontmatter (title, links, tags, status) and a heading."""
    lines = ["---", f"title: {_yaml_scalar(title)}"]
    kinds = [link_kind(url) for url in links]
    if len(set(kinds)) == len(kinds):
        lines += [f"{kind}: {_yaml_scalar(url)}" for kind, url in zip(kinds, links, strict=True)]
    else:
        lines += ["links:", *(f"  - {_yaml_scalar(url)}" for url in links)]
    lines += ["tags: []", f"status: {status}", "---", "", f"# {title}", ""]
    return eol.decode().join(lines)


def _yaml_scalar(value: str) -> str:
    """Plain when YAML reads it back as the same string, else a JSON (so YAML) quoted string."""
    try:
        if yaml.safe_load(f"k: {value}") == {"k": value}:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)


def create_note(root: Path, rel: str, text: str) -> Path:
    """Create the note exclusively (never over an existing file), inside the root only."""
    folder_rel = posixpath.dirname(rel)
    folder = safe_path(root, folder_rel or ".")
    if folder is None:
        raise EditError(f"Refused: {rel} is outside the notes folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if safe_path(root, folder_rel or ".") != folder:
            raise EditError(f"Refused: {rel} is outside the notes folder")
        target = folder / posixpath.basename(rel)
        with open(target, "xb") as handle:
            handle.write(text.encode("utf-8"))
    except FileExistsError:
        raise EditError(f"A note already exists at {rel}") from None
    except OSError as exc:
        raise EditError(f"Cannot create {rel}: {exc.strerror or exc}") from None
    return target
