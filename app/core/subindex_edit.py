"""Marks and adds in a tree of index files: the file that holds the entry (or the category) is
the one edited, with the same locked, atomic, conflict-checked write as a lone index
(:func:`app.core.edit.mark`, :func:`app.core.add.add_entry`); the tree is then stitched again
from the model that write returns and the other files' models, which did not change.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from app.core.edit import MarkResult, mark
from app.core.errors import ConflictError
from app.core.model import Index, Status
from app.core.parse import MEMORY
from app.core.subindex import KEY_SEPARATOR, SUB_MEMORY, file_key, owner, stitch

if TYPE_CHECKING:
    from app.core.add import AddResult, NoteChoice


def mark_in_tree(
    tree: Index, key: str, status: Status, *, require_line: bytes | None = None
) -> MarkResult:
    """Give the entry ``key`` of the stitched ``tree`` the wanted status, in its own file."""
    file, own = file_key(key)
    part = tree.parts.get(file) if tree.parts else tree
    if part is None:
        raise ConflictError(f"The entry's index {file} is no longer part of the tree")
    memory = SUB_MEMORY if file else MEMORY
    result = mark(part.path, own, status, known=part, require_line=require_line, memory=memory)
    fields = _restitched(tree, file, result.index, result.entry.key, links_kept=True)
    return dataclasses.replace(result, **fields)


def add_in_tree(
    tree: Index,
    *,
    title: str,
    category: tuple[str, ...] | None,
    urls: list[str],
    todo: bool,
    note: str | NoteChoice | None,
) -> AddResult:
    """Add an entry to the category ``category`` of the stitched ``tree``, in the file that
    holds that category (its path in that file is what the file's own add is given)."""
    from app.core.add import add_entry

    file, inner = owner(tree, category) if category is not None else ("", None)
    part = tree.parts.get(file) if tree.parts else tree
    if part is None:
        raise ConflictError(f"The category's index {file} is no longer part of the tree")
    result = add_entry(
        part.path, title=title, category=inner, urls=urls, todo=todo, note=note, known=part
    )
    fields = _restitched(tree, file, result.index, result.entry.key, links_kept=False)
    if not file:
        return dataclasses.replace(result, **fields)
    entry = fields["entry"]
    message = f"Added to {' / '.join(entry.category)} ({file}): {entry.title} (line {entry.line})"
    if entry.note is not None and result.note_path_created is not None:
        message += f"; created {entry.note}"
    return dataclasses.replace(result, message=message, **fields)


def _restitched(
    tree: Index, file: str, written: Index, own_key: str, *, links_kept: bool
) -> dict[str, Any]:
    """The new tree after ``file`` was written, and the edited entry in it. ``links_kept``: the
    write changed no link (a mark), so a lone index stays one without being looked through."""
    if not tree.parts and links_kept:
        new_tree = dataclasses.replace(written, sources=tree.sources) if tree.sources else written
    elif not tree.parts:
        new_tree = stitch(written)  # the new entry may link to a sub-index
    elif file:
        reuse = {rel: part for rel, part in tree.parts.items() if rel}
        reuse[file] = written
        new_tree = stitch(tree.parts[""], reuse)
    else:
        new_tree = stitch(written, {rel: part for rel, part in tree.parts.items() if rel})
    key = f"{file}{KEY_SEPARATOR}{own_key}" if file else own_key
    entry = new_tree.find(key)
    if entry is None:
        raise ConflictError("The entry is no longer in the index tree after the write")
    return {"index": new_tree, "entry": entry}
