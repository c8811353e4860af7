"""Add one entry to the index in the file's own style, and create its note from a template.

The index is the user's file: the new entry is one inserted item (with the blank lines its
neighbours use), so the result is always ``data[:k] + inserted + data[k:]``. The line copies its
neighbours' indentation, bullet, TODO convention, link layout, link labels and line ending. The
new bytes are parsed before anything is written, and written only when the new entry reads back
as planned and every other entry reads exactly as before; the write is atomic and
conflict-checked like a mark's (:func:`app.core.edit.write_atomic`).

Creating headings is out of scope: an entry goes into a category that exists.

The parts: ``links`` (what the user typed), ``categories`` (where the entry goes), ``place``
(where its line goes), ``style`` (how its line reads), ``note`` (its note), ``plan`` (the bytes,
checked) and ``write`` (doing it).
"""

from __future__ import annotations

from app.core.add.categories import category_label, find_category, wants_note
from app.core.add.links import expand_link, link_kind, split_links
from app.core.add.note import NoteChoice
from app.core.add.plan import AddPlan, plan_entry
from app.core.add.write import AddResult, add_entry

__all__ = [
    "AddPlan",
    "AddResult",
    "NoteChoice",
    "add_entry",
    "category_label",
    "expand_link",
    "find_category",
    "link_kind",
    "plan_entry",
    "split_links",
    "wants_note",
]
