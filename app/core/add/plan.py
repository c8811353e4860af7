"""Planning an added entry: the bytes that insert it, parsed and checked before anything is
written (the new entry reads back as planned, every other entry exactly as before)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from app.core.add.categories import find_category, missing, top_entries
from app.core.add.links import expand_link
from app.core.add.note import NoteChoice, note_path, note_template
from app.core.add.place import (
    after_last_item,
    after_last_paragraph,
    into_empty_category,
    item_spans,
    line_ending,
)
from app.core.add.style import (
    bullet_of_file,
    item_body,
    item_prefix,
    neighbours_layout,
    status_marker,
)
from app.core.add.table import table_row
from app.core.errors import EditError
from app.core.links import safe_path
from app.core.model import Category, Entry, Index, Status
from app.core.parse import parse_index


@dataclass(frozen=True, slots=True)
class AddPlan:
    """What adding the entry does to the index: ``new_data == data[:offset] + inserted + ...``."""

    index: Index  # the index the plan was made from
    category: Category
    offset: int
    inserted: bytes
    new_data: bytes
    new_index: Index  # ``new_data`` parsed, already checked
    entry: Entry  # the new entry in ``new_index``
    note: str | None  # root-relative path of the note to create, if any
    note_text: str | None


def plan_entry(
    index: Index,
    *,
    title: str,
    category: tuple[str, ...] | None,
    urls: list[str],
    todo: bool,
    note: str | NoteChoice | None = NoteChoice.AUTO,
) -> AddPlan:
    """The bytes that add the entry to ``index``; raises :class:`EditError` on a refusal.

    ``note``: a root-relative path to create the note at, ``NoteChoice.NEW`` for a path chosen
    from the folder's layout, ``NoteChoice.AUTO`` for that only when the neighbours have notes,
    ``None`` for no note.
    """
    clean_title = " ".join(title.split())
    if not clean_title:
        raise EditError("The entry needs a title")
    target = _category_at(index, category)
    links = [expand_link(url) for url in urls]
    status = Status.TODO if todo else Status.DONE
    note_rel = note_path(index, target, clean_title, note)
    _refuse_duplicates(index, target, clean_title, note_rel)

    data = index.data
    tops = top_entries(target)
    spans = item_spans(data)
    eol = line_ending(data, tops[-1].line if tops else None)
    body = item_body(clean_title, note_rel, links, neighbours_layout(index, target, tops))
    if tops and tops[-1].shape == "row":
        offset, inserted, line = table_row(
            index, target, tops[-1], clean_title, note_rel, links, status, eol
        )
    elif tops and tops[-1].shape == "paragraph":  # a paragraph of links: the title is a link
        if note_rel is None and not links:
            where = " / ".join(target.path) or "the index"
            raise EditError(
                f"The entries of {where} are paragraphs of links: give the entry a URL or a"
                " note; nothing was written"
            )
        layout = replace(neighbours_layout(index, target, tops), title_link="url")
        offset, inserted = after_last_paragraph(index, tops[-1], eol)
        marker = status_marker(index, target, tops[-1], status)
        line = marker + item_body(clean_title, note_rel, links, layout).encode("utf-8")
    else:
        if tops:
            offset, inserted = after_last_item(index, target, tops, spans, eol)
            prefix = item_prefix(index, tops[-1], spans)
        else:
            offset, inserted = into_empty_category(index, target, eol)
            prefix = bullet_of_file(index, spans)
        marker = status_marker(index, target, tops[-1] if tops else None, status)
        line = prefix + marker + body.encode("utf-8")
    before, after = inserted.split(b"\x00")
    inserted = before + line + after
    new_data = data[:offset] + inserted + data[offset:]
    at_line_start = offset == 0 or data[offset - 1 : offset] == b"\n"
    expected = _Expected(
        first_line=data.count(b"\n", 0, offset) + (1 if at_line_start else 2),
        line=data.count(b"\n", 0, offset) + before.count(b"\n") + 1,
        title=clean_title,
        category=target.path,
        status=status,
        note=note_rel,
        depth=tops[-1].depth if tops else 0,
    )
    new_index = parse_index(new_data, index.path)
    entry = _added_entry(index, new_index, expected, inserted.count(b"\n"))
    note_text = note_template(clean_title, links, status, eol) if note_rel is not None else None
    return AddPlan(index, target, offset, inserted, new_data, new_index, entry, note_rel, note_text)


def _category_at(index: Index, path: tuple[str, ...] | None) -> Category:
    if path is None:
        return find_category(index, None)
    for category in index.categories():
        if category.path == path:
            return category
    others = [c for c in index.categories() if c.level > 0]
    raise EditError(missing(f"No category {' / '.join(path)!r} in the index (any more)", others))


def _refuse_duplicates(index: Index, category: Category, title: str, note: str | None) -> None:
    folded = title.casefold()
    for entry in category.entries:
        if entry.title.casefold() == folded:
            raise EditError(
                f"Already in {' / '.join(category.path) or 'the index'}: {entry.title}"
                f" (line {entry.line}); nothing was written"
            )
    if note is None:
        return
    for entry in index.entries:
        if entry.note is not None and entry.note.rstrip("/") == note:
            raise EditError(
                f"The note {note} already belongs to {entry.title} (line {entry.line});"
                " nothing was written"
            )
    path = safe_path(index.root, note)
    if path is None:
        raise EditError(f"Refused: {note} is outside the notes folder")
    if os.path.lexists(index.root / note) or path.exists():
        raise EditError(f"A note already exists at {note}; nothing was written")


@dataclass(frozen=True, slots=True)
class _Expected:
    """How the new entry must read back, and where the lines after it moved from."""

    first_line: int  # the old line the insertion starts at: entries from it on move down
    line: int
    title: str
    category: tuple[str, ...]
    status: Status
    note: str | None
    depth: int


def _added_entry(old: Index, new: Index, expected: _Expected, shift: int) -> Entry:
    """The new entry, when every other entry and heading reads exactly as before."""
    where = " / ".join(expected.category) or "the index"
    refusal = EditError(
        f"The entry cannot be added to {where} without changing how the index reads;"
        " nothing was written, add it by hand"
    )
    if len(new.entries) != len(old.entries) + 1:
        raise refusal
    added = next((e for e in new.entries if e.line == expected.line), None)
    if added is None:
        raise refusal
    others = [e for e in new.entries if e is not added]
    for before, after in zip(old.entries, others, strict=True):
        line = before.line + (shift if before.line >= expected.first_line else 0)
        if (after.line, after.depth, after.title, after.category, after.status, after.note) != (
            line,
            before.depth,
            before.title,
            before.category,
            before.status,
            before.note,
        ):
            raise refusal
    if [c.path for c in new.categories()] != [c.path for c in old.categories()]:
        raise refusal
    wanted = (
        expected.title,
        expected.category,
        expected.status,
        expected.note,
        expected.depth,
    )
    if (added.title, added.category, added.status, added.note, added.depth) != wanted:
        raise refusal
    return added
