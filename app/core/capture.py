"""Add a paper by its arXiv id or DOI: fetch its metadata, then add the entry and fill its note.

The fetch comes first and the writes after, so a bad answer (an unknown id, a malformed answer,
no network) writes nothing. The entry itself is added by :func:`app.core.add.add_entry`, in the
file's own style; the note it creates from its template then gets the paper's frontmatter
(authors, year, ids, venue) and abstract, written over the template with the same
conflict-checked atomic write a mark uses. How the metadata is looked up is the caller's
(``lookup``): the core never talks to the network itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import EditError, ReadnotesError
from app.core.metadata import PaperMeta
from app.core.model import Index
from app.core.paper_ids import PaperId, canonical_url, find_paper_id, paper_id

__all__ = [
    "AddedPaper",
    "Lookup",
    "add_paper",
    "fill_note",
    "index_links",
    "note_with_metadata",
    "to_fetch",
]

if TYPE_CHECKING:
    from app.core.add import NoteChoice

Lookup = Callable[[PaperId], PaperMeta]
_HOSTED = re.compile(r"https?://|(?:www\.|export\.|dx\.)?(?:arxiv|doi)\.org/", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AddedPaper:
    message: str  # what add_entry said, and what was filled in
    meta: PaperMeta | None
    warning: str | None = None  # the note could not be filled in (the entry stands)


def index_links(urls: list[str]) -> list[str]:
    """The links as the index gets them: a bare id becomes its page, a URL stays as typed."""
    links = []
    for url in urls:
        found = paper_id(url)
        hosted = _HOSTED.match(url.strip()) is not None
        links.append(canonical_url(found) if found is not None and not hosted else url)
    return links


def to_fetch(title: str | None, urls: list[str], fetch: bool | None) -> PaperId | None:
    """The id to look up: without a title, or with ``--fetch``; never with ``--no-fetch``."""
    found = find_paper_id(urls)
    if fetch is False:
        if title is None:
            raise EditError("--no-fetch needs --title: without fetching, the title is unknown")
        return None
    if found is None:
        if fetch:
            raise EditError("--fetch needs a --url that is an arXiv id or a DOI")
        if title is None:
            raise EditError("Give --title, or a --url that is an arXiv id or a DOI to fetch it by")
        return None
    return found if title is None or fetch else None


def add_paper(
    index: Index,
    *,
    title: str | None,
    category: tuple[str, ...] | None,
    urls: list[str],
    todo: bool,
    note: str | NoteChoice | None,
    fetch: bool | None,
    lookup: Lookup,
) -> AddedPaper:
    """Fetch (when asked or needed), add the entry, fill the note it created."""
    from app.core.subindex_edit import add_in_tree

    wanted = to_fetch(title, urls, fetch)
    meta = None
    if wanted is not None:
        try:
            meta = lookup(wanted)
        except ReadnotesError as error:
            raise EditError(f"{error}; nothing was written") from None
    chosen = title if title is not None else meta.title if meta is not None else ""
    result = add_in_tree(
        index, title=chosen, category=category, urls=index_links(urls), todo=todo, note=note
    )
    if meta is None or result.note_path_created is None:
        return AddedPaper(result.message, meta)
    return AddedPaper(result.message, meta, fill_note(result.note_path_created, meta))


def fill_note(created: Path, meta: PaperMeta) -> str | None:
    """Write the paper's details into the note just made from the template; a warning or None.

    Conflict-checked: a note that changed since it was read is left alone.
    """
    from app.core.edit import write_atomic
    from app.core.locking import writer_lock

    try:
        with writer_lock(created):
            old = created.read_bytes()
            new = note_with_metadata(old.decode("utf-8"), meta).encode("utf-8")
            write_atomic(created, new, expected=old)
    except (OSError, UnicodeDecodeError, EditError) as error:
        return f"{created.name}: the paper's details were not written ({error})"
    return None


def note_with_metadata(text: str, meta: PaperMeta) -> str:
    """The template note with the paper's frontmatter before ``tags:`` and its abstract after.

    YAML is written by PyYAML (``safe_dump``), so quoting is the library's, not ours.
    """
    import yaml

    eol = "\r\n" if "\r\n" in text else "\n"
    fields: dict[str, object] = {}
    if meta.authors:
        fields["authors"] = list(meta.authors)
    if meta.year is not None:
        fields["year"] = meta.year
    if meta.arxiv:
        fields["arxiv"] = meta.arxiv
    if meta.doi:
        fields["doi"] = meta.doi
    if meta.venue:
        fields["venue"] = meta.venue
    block = yaml.safe_dump(
        fields, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1_000_000
    )
    added = eol.join(block.splitlines()) + eol if fields else ""
    lines = text.split(eol)
    try:
        closing = lines.index("---", 1)
    except ValueError:
        closing = -1
    tags = [i for i in range(1, closing) if lines[i].startswith("tags:")]
    where = tags[0] if tags else closing  # before tags:, else before the closing ---
    if lines[:1] == ["---"] and where > 0:
        head = eol.join(lines[:where]) + eol
        text = head + added + eol.join(lines[where:])
    if meta.abstract:
        body = text.rstrip("\r\n")
        abstract = meta.abstract.replace("\n", eol)
        text = f"{body}{eol}{eol}## Abstract{eol}{eol}{abstract}{eol}"
    return text
