"""Give entries back as citations: BibTeX (bibtexparser v2's writer) or CSL-JSON.

What a citation says comes from the entry's note (frontmatter ``title``, ``authors``, ``year``,
``venue``, ``arxiv``, ``doi``) and from its links (an arXiv or DOI link is an id); ``lookup``
(``--fetch``) fills what they lack, the note winning where both speak. An entry with neither
metadata nor an id is skipped, and said so. Keys are ``family`` + ``year`` + the first
significant title word (``mukherjee2023orca``), ASCII, with ``a``, ``b`` … after a key already
taken, in the index's order, so adding entries at the end never renames older ones.

BibTeX text fields are LaTeX-encoded by bibtexparser's ``LatexEncodingMiddleware`` (pylatexenc:
``&`` ``%`` ``#`` ``_`` braces and accents), math kept; ``doi`` and ``eprint`` are verbatim fields
for biber and are written as they are (a DOI holding ``%``, a brace or a backslash, which no
escape makes safe there, is left out). Nothing is escaped by hand.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from app.core.errors import ReadnotesError
from app.core.metadata import PaperMeta
from app.core.model import Entry, Index
from app.core.paper_ids import IdKind, PaperId, canonical_url, paper_id

__all__ = ["Citation", "citations", "entry_bibtex", "to_bibtex", "to_csl_json"]

_NOTE_MAX_BYTES = 256 * 1024
_STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on"}
    | {"or", "the", "to", "towards", "toward", "via", "with"}
)
_PROCEEDINGS = re.compile(r"proceedings|conference|symposium|workshop|meeting|\bconf\b", re.I)
_CSL_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "book": "book",
    "incollection": "chapter",
    "phdthesis": "thesis",
    "techreport": "report",
}
_ET_AL = re.compile(r"et\.? al\.?|others", re.IGNORECASE)  # BibTeX's "and others"

_UNDECOMPOSED = str.maketrans(  # letters NFKD leaves whole, as keys spell them in ASCII
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ł": "l", "Ł": "L"}
    | {"đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ı": "i"}
)

Lookup = Callable[[PaperId], PaperMeta]


@dataclass(frozen=True, slots=True)
class Citation:
    key: str
    meta: PaperMeta
    entry: Entry | None = None  # the index entry it was made from


def citations(
    index: Index,
    entries: Iterable[Entry],
    *,
    lookup: Lookup | None = None,
    warn: Callable[[str], None] = lambda _message: None,
) -> list[Citation]:
    """The entries that can be cited, keyed; ``warn`` hears of each one skipped or not fetched."""
    metas: list[tuple[Entry, PaperMeta]] = []
    for entry in entries:
        meta = meta_of(index, entry)
        if meta is None:
            warn(f"skipped {entry.title} (line {entry.line}): no metadata in its note and no id")
            continue
        if lookup is not None:
            meta = _filled(meta, lookup, warn)
        metas.append((entry, meta))
    keys = citation_keys([meta for _, meta in metas])
    return [Citation(key, meta, entry) for key, (entry, meta) in zip(keys, metas, strict=True)]


def meta_of(index: Index, entry: Entry) -> PaperMeta | None:
    """What the note and the links say; None when that is no more than a title."""
    fields = _frontmatter(index.root, entry.note) if entry.note else {}
    arxiv = _text(fields.get("arxiv")) or _text(fields.get("eprint"))
    doi = _text(fields.get("doi"))
    for link in entry.links:
        found = paper_id(link.url)
        if found is not None and found.kind is IdKind.ARXIV and not arxiv:
            arxiv = found.value
        elif found is not None and found.kind is IdKind.DOI and not doi:
            doi = found.value
    authors = _authors(fields.get("authors", fields.get("author")))
    year = _year(fields.get("year"))
    venue = _text(fields.get("venue"))
    if not (arxiv or doi or authors or year or venue):
        return None
    kind = "misc"
    if venue:
        kind = "inproceedings" if _PROCEEDINGS.search(venue) else "article"
    return PaperMeta(
        title=_text(fields.get("title")) or entry.title,
        authors=authors,
        year=year,
        arxiv=arxiv or None,
        doi=doi or None,
        venue=venue or None,
        kind=kind,
    )


def _filled(meta: PaperMeta, lookup: Lookup, warn: Callable[[str], None]) -> PaperMeta:
    if meta.authors and meta.year is not None and (meta.venue or not meta.doi):
        return meta
    wanted = PaperId(IdKind.DOI, meta.doi) if meta.doi else PaperId(IdKind.ARXIV, meta.arxiv or "")
    if not wanted.value:
        return meta
    try:
        found = lookup(wanted)
    except ReadnotesError as error:
        warn(f"not fetched: {error}")
        return meta
    return replace(
        meta,
        authors=meta.authors or found.authors,
        year=meta.year if meta.year is not None else found.year,
        arxiv=meta.arxiv or found.arxiv,
        doi=meta.doi or found.doi,
        venue=meta.venue or found.venue,
        kind=found.kind if not meta.venue and found.kind != "misc" else meta.kind,
        extra={**found.extra, **meta.extra},
    )


def _frontmatter(root: Path, rel: str) -> dict[str, object]:
    """The note's frontmatter: scalars as written (``2306.10010`` stays a string)."""
    from app.core.links import safe_path
    from app.core.notes import split_frontmatter

    path = safe_path(root, rel)
    if path is None or not path.is_file():
        return {}
    try:
        with open(path, "rb") as handle:
            text = handle.read(_NOTE_MAX_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return {}
    header = split_frontmatter(text.removeprefix("\ufeff"))
    if header.warnings or not header.meta:
        return {}
    fields: dict[str, object] = {key.lower(): value for key, value in header.meta}
    if "authors" in fields or "author" in fields:
        fields.update(_listed_authors(text.removeprefix("\ufeff")))
    return fields


def _listed_authors(text: str) -> dict[str, object]:
    """``authors`` as the list it is (the budget-checked header above made this load safe)."""
    import yaml

    lines = text.splitlines()
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
        loaded = yaml.safe_load("\n".join(lines[1:end])) if lines[0].strip() == "---" else None
    except (StopIteration, yaml.YAMLError, ValueError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    for key in ("authors", "author"):
        value = loaded.get(key)
        if isinstance(value, list):
            return {key: [str(item) for item in value if isinstance(item, str | int)]}
    return {}


def _text(value: object) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def _authors(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(name for item in value if (name := _text(item)))
    text = _text(value)
    if not text:
        return ()
    parts = re.split(r"\s+and\s+|;", text) if re.search(r"\sand\s|;", text) else text.split(",")
    return tuple(part.strip() for part in parts if part.strip())


def _year(value: object) -> int | None:
    found = re.match(r"\s*(\d{4})\b", _text(value))
    return int(found.group(1)) if found else None


# --- keys ----------------------------------------------------------------------------------------


def citation_keys(metas: list[PaperMeta]) -> list[str]:
    """Stable, unique keys in order: the first of a name bare, the next ones ``a``, ``b`` …"""
    taken: set[str] = set()
    keys = []
    for meta in metas:
        base = _base_key(meta)
        key = base
        suffix = 0
        while key in taken:
            key = base + _letters(suffix)
            suffix += 1
        taken.add(key)
        keys.append(key)
    return keys


def _letters(number: int) -> str:
    """0 -> ``a`` … 25 -> ``z``, 26 -> ``aa`` …"""
    text = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def _base_key(meta: PaperMeta) -> str:
    family = _ascii(_family(meta.authors[0])) if meta.authors else ""
    words = [_ascii(word) for word in re.split(r"[\s–—:/]+", meta.title)]
    word = next((w for w in words if w and w not in _STOP_WORDS), "")
    key = f"{family}{meta.year or ''}{word}"
    return key or (_ascii(meta.arxiv or meta.doi or "") or "entry")


def _family(name: str) -> str:
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except Exception:  # an odd name is not worth a failure: take its last word
        return name.split()[-1] if name.split() else ""
    return "".join(parts.last) or name


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    folded = folded.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


# --- BibTeX --------------------------------------------------------------------------------------


def to_bibtex(cited: list[Citation]) -> str:
    from bibtexparser.entrypoint import write_string
    from bibtexparser.library import Library
    from bibtexparser.middlewares import LatexEncodingMiddleware
    from bibtexparser.model import Entry as BibEntry
    from bibtexparser.model import Field
    from bibtexparser.writer import BibtexFormat

    library = Library()
    encoder = LatexEncodingMiddleware(keep_math=True, enclose_urls=False)
    for citation in cited:
        meta = citation.meta
        text_fields = [Field(name, value) for name, value in _bibtex_text_fields(meta)]
        entry = BibEntry(_bibtex_type(meta), citation.key, text_fields)
        encoded = encoder.transform_entry(entry, library)
        if not isinstance(encoded, BibEntry):
            raise ReadnotesError(f"{meta.title}: cannot be written as LaTeX")
        verbatim = [Field(name, value) for name, value in _bibtex_verbatim_fields(meta)]
        library.add(BibEntry(_bibtex_type(meta), citation.key, [*encoded.fields, *verbatim]))
    layout = BibtexFormat()  # type: ignore[no-untyped-call]
    layout.block_separator = "\n"
    text = write_string(library, bibtex_format=layout)
    return text if text.endswith("\n") or not text else text + "\n"


def entry_bibtex(index: Index, entry: Entry) -> str | None:
    """The BibTeX of one entry (the browser's ``Y``), None when it has nothing to cite."""
    cited = citations(index, [entry])
    return to_bibtex(cited) if cited else None


def _bibtex_type(meta: PaperMeta) -> str:
    return meta.kind if meta.kind else "misc"


def _bibtex_text_fields(meta: PaperMeta) -> list[tuple[str, str]]:
    fields = []
    if meta.authors:
        names = ["others" if _ET_AL.fullmatch(name) else name for name in meta.authors]
        fields.append(("author", " and ".join(names)))
    fields.append(("title", meta.title))
    if meta.venue:
        venue_field = {"article": "journal", "inproceedings": "booktitle"}.get(meta.kind)
        fields.append((venue_field or "howpublished", meta.venue))
    if meta.year is not None:
        fields.append(("year", str(meta.year)))
    fields += [
        (name, meta.extra[name])
        for name in ("volume", "number", "pages", "publisher")
        if name in meta.extra
    ]
    return fields


def _bibtex_verbatim_fields(meta: PaperMeta) -> list[tuple[str, str]]:
    fields = []
    if meta.doi and _verbatim_safe(meta.doi):
        fields.append(("doi", meta.doi))
    if meta.arxiv:
        fields += [("eprint", meta.arxiv), ("archivePrefix", "arXiv")]
    return fields


def _verbatim_safe(value: str) -> bool:
    """A verbatim field cannot hold a comment sign, a brace or a backslash (no escape works for
    both biber and bibtexparser there); a DOI with one is left out (it is rare)."""
    return not any(char in value for char in "%{}\\")


# --- CSL-JSON ------------------------------------------------------------------------------------


def to_csl_json(cited: list[Citation]) -> str:
    items = [_csl_item(citation) for citation in cited]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _csl_item(citation: Citation) -> dict[str, object]:
    meta = citation.meta
    item: dict[str, object] = {
        "id": citation.key,
        "type": _CSL_TYPES.get(meta.kind, "article"),
        "title": meta.title,
    }
    if meta.authors:
        item["author"] = [_csl_name(name) for name in meta.authors]
    if meta.year is not None:
        item["issued"] = {"date-parts": [[meta.year]]}
    if meta.venue:
        item["container-title"] = meta.venue
    for name, csl in (("volume", "volume"), ("number", "issue"), ("pages", "page")):
        if name in meta.extra:
            item[csl] = meta.extra[name]
    if "publisher" in meta.extra:
        item["publisher"] = meta.extra["publisher"]
    if meta.doi:
        item["DOI"] = meta.doi
    if meta.arxiv:
        item["number"] = f"arXiv:{meta.arxiv}"
        item.setdefault("publisher", "arXiv")
        item["URL"] = canonical_url(PaperId(IdKind.ARXIV, meta.arxiv))
    return item


def _csl_name(name: str) -> dict[str, str]:
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except Exception:  # an odd name is kept whole
        return {"literal": name}
    person = {"family": " ".join(parts.last), "given": " ".join(parts.first)}
    if parts.von:
        person["non-dropping-particle"] = " ".join(parts.von)
    if parts.jr:
        person["suffix"] = " ".join(parts.jr)
    return {key: value for key, value in person.items() if value} or {"literal": name}
