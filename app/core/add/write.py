"""Adding an entry for real: plan it from the bytes on disk, write it atomically and
conflict-checked, then create its note (or give the index its old bytes back)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.add.note import NoteChoice, create_note
from app.core.add.plan import AddPlan, plan_entry
from app.core.edit import (
    ChangedOnDisk,
    read_index_bytes,
    remove_stale_temps_beside,
    write_atomic,
)
from app.core.errors import ConflictError, EditError
from app.core.locking import writer_lock
from app.core.model import Entry, Index
from app.core.parse import find_index, index_digest, parse_index

_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class AddResult:
    index: Index  # the index as written
    entry: Entry
    note_path_created: Path | None
    message: str


def add_entry(
    path: Path,
    *,
    title: str,
    category: tuple[str, ...] | None,
    urls: list[str],
    todo: bool,
    note: str | NoteChoice | None = NoteChoice.AUTO,
    known: Index | None = None,
) -> AddResult:
    """Add the entry to the index at ``path`` (a folder or the file) and create its note.

    Planned from the bytes on disk (``known`` is reused while it still holds them); when the file
    changes before the write, planned again from the new bytes. When the note cannot be created
    after the index was written, the index gets its old bytes back.
    """
    index_path = find_index(path)
    remove_stale_temps_beside(index_path)
    with writer_lock(index_path):  # other readnotes writers wait; editors are re-checked
        for _ in range(_ATTEMPTS):
            data = read_index_bytes(index_path)
            index = known if known is not None and known.digest == index_digest(data) else None
            if index is None:
                index = parse_index(data, index_path)
            known = None
            plan = plan_entry(
                index, title=title, category=category, urls=urls, todo=todo, note=note
            )
            try:
                write_atomic(index_path, plan.new_data, expected=data)
            except ChangedOnDisk:
                continue
            created = _create_planned_note(index_path, plan)
            where = " / ".join(plan.category.path) or "the top"
            message = f"Added to {where}: {plan.entry.title} (line {plan.entry.line})"
            if plan.note is not None:
                message += f"; created {plan.note}"
            return AddResult(plan.new_index, plan.entry, created, message)
        raise ConflictError("The index keeps changing on disk; nothing was written")


def _create_planned_note(index_path: Path, plan: AddPlan) -> Path | None:
    if plan.note is None or plan.note_text is None:
        return None
    try:
        return create_note(plan.index.root, plan.note, plan.note_text)
    except EditError as error:
        try:
            write_atomic(index_path, plan.index.data, expected=plan.new_data)
        except (ChangedOnDisk, EditError):
            raise EditError(
                f"{error}; the entry stays in the index (it changed on disk since)"
            ) from None
        raise EditError(f"{error}; the index was left as it was") from None
