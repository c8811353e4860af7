"""What the browser's capture keys do, as plain functions the App's workers call.

``a`` (the add dialog): as soon as a link field holds an arXiv id or a DOI, a worker runs
:func:`dialog_fill` and the dialog shows its result: the title to fill in (only when the user
has typed none) and a line with the authors and year, or why nothing was fetched ("offline",
"unknown id") while the title stays to type. ``Y``: :func:`bibtex_for_entry` gives the text to
copy and the notice to show. Neither touches the network itself: ``lookup`` is the App's.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.capture import Lookup
from app.core.errors import ReadnotesError
from app.core.metadata import PaperMeta
from app.core.model import Entry, Index
from app.core.paper_ids import PaperId, find_paper_id

__all__ = ["DialogFill", "authors_line", "bibtex_for_entry", "dialog_fill", "dialog_paper_id"]

_SHOWN_AUTHORS = 3


@dataclass(frozen=True, slots=True)
class DialogFill:
    """The result for the dialog: ``title`` to put in its field (None: leave it), a status line."""

    wanted: PaperId
    title: str | None
    status: str
    meta: PaperMeta | None = None


def dialog_paper_id(links_text: str) -> PaperId | None:
    """The id the dialog's links field holds (its first), when it holds one."""
    from app.core.add import split_links

    return find_paper_id(split_links(links_text))


def dialog_fill(wanted: PaperId, typed_title: str, lookup: Lookup) -> DialogFill:
    """Look ``wanted`` up (blocking: run it in a worker) and say what the dialog should show."""
    try:
        meta = lookup(wanted)
    except ReadnotesError as error:
        return DialogFill(wanted, None, f"Not fetched ({error}); type the title")
    title = meta.title if not typed_title.strip() else None
    return DialogFill(wanted, title, authors_line(meta), meta)


def authors_line(meta: PaperMeta) -> str:
    """``Ada Quokkason, Bo Tester, Céline Exemple et al. (2023)``."""
    names = ", ".join(meta.authors[:_SHOWN_AUTHORS]) or "authors unknown"
    if len(meta.authors) > _SHOWN_AUTHORS:
        names += " et al."
    return f"{names} ({meta.year})" if meta.year is not None else names


def bibtex_for_entry(index: Index, entry: Entry) -> tuple[str | None, str]:
    """The entry's BibTeX to copy (None when there is nothing to cite) and the notice to show."""
    from app.core.export import entry_bibtex

    try:
        text = entry_bibtex(index, entry)
    except ReadnotesError as error:
        return None, f"No BibTeX: {error}"
    if text is None:
        return None, f"No BibTeX for {entry.title}: its note has no metadata and it has no id"
    key = text.split("{", 1)[1].split(",", 1)[0]
    return text, f"Copied the BibTeX of {key}"
