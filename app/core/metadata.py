"""A paper's metadata, read from the answers of arXiv's export API (Atom) and Crossref (JSON).

The answers come from the network, so nothing in them is trusted: the Atom is parsed with
defusedxml (entity expansion, external entities and DTDs are refused, so a "billion laughs"
answer is an error, not a hang), and every field is checked for its type. A bad answer becomes a
:class:`MetadataError` with one line naming the id. Titles are whitespace-normalised (arXiv
breaks them across lines). arXiv's fields are plain text and stay as written (``x<y`` too);
Crossref's titles and abstracts lose their JATS and HTML tags but keep their math (``$…$`` as
written, ``<tex-math>`` and MathML ``alttext`` as ``$…$``).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import ReadnotesError
from app.core.paper_ids import PaperId

__all__ = ["MetadataError", "PaperMeta", "clean_text", "parse_arxiv_atom", "parse_crossref"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_TEX_MATH = re.compile(r"<(?:[\w-]+:)?tex-math\b[^>]*>(.*?)</(?:[\w-]+:)?tex-math>", re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_MATHML = re.compile(r"<(?:[\w-]+:)?math\b([^>]*)>.*?</(?:[\w-]+:)?math>", re.DOTALL)
_ALTTEXT = re.compile(r"""\balttext\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PARAGRAPH = re.compile(r"</?(?:[\w-]+:)?(?:p|sec|br)\b[^>]*>", re.IGNORECASE)
_HEADING = re.compile(r"<(?:[\w-]+:)?title\b[^>]*>.*?</(?:[\w-]+:)?title>", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_DOCUMENT = re.compile(r"\\begin\{document\}(.*?)\\end\{document\}", re.DOTALL)
_CROSSREF_KINDS = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "book-chapter": "incollection",
    "dissertation": "phdthesis",
    "report": "techreport",
}


class MetadataError(ReadnotesError):
    """An answer that holds no usable metadata for the id asked about."""


@dataclass(frozen=True, slots=True)
class PaperMeta:
    """What a note's frontmatter and a BibTeX entry need to know about a paper."""

    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    arxiv: str | None = None
    doi: str | None = None
    venue: str | None = None
    abstract: str | None = None
    kind: str = "misc"  # the BibTeX entry type: article, inproceedings, book, ..., misc
    extra: dict[str, str] = field(default_factory=dict)  # volume, pages, publisher ...


def clean_text(text: str) -> str:
    """One line: tags stripped (math kept), entities decoded, whitespace runs made one space."""
    return " ".join(_strip_markup(text).split())


def clean_abstract(text: str) -> str:
    """Paragraphs kept (a blank line between them), each one line, tags stripped, math kept."""
    text = _HEADING.sub("", text, count=1)  # JATS abstracts open with <jats:title>Abstract
    text = _PARAGRAPH.sub("\n\n", text)
    paragraphs = re.split(r"\n[ \t]*\n", _strip_markup(text))
    kept = [" ".join(part.split()) for part in paragraphs]
    return "\n\n".join(part for part in kept if part)


def _plain(text: str) -> str:
    """arXiv's fields are plain text (the XML parser decoded them): ``x<y and y>z`` is no tag."""
    return " ".join(text.split())


def _plain_paragraphs(text: str) -> str:
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n[ \t]*\n", text))
    return "\n\n".join(part for part in paragraphs if part)


def _strip_markup(text: str) -> str:
    text = _CDATA.sub(lambda found: found.group(1), text)
    text = _TEX_MATH.sub(lambda found: _tex(html.unescape(found.group(1))), text)
    text = _MATHML.sub(_mathml_alttext, text)
    text = _TAG.sub("", text)
    return html.unescape(text)


def _tex(source: str) -> str:
    """``<tex-math>`` often holds a whole LaTeX document around ``$…$``: keep the formula."""
    inner = _DOCUMENT.search(source)
    formula = (inner.group(1) if inner else source).strip()
    return formula if formula.startswith("$") else f"${formula}$"


def _mathml_alttext(found: re.Match[str]) -> str:
    alt = _ALTTEXT.search(found.group(1))
    if alt is None:
        return _TAG.sub("", found.group(0))
    return _tex(html.unescape(alt.group(1) or alt.group(2) or ""))


# --- arXiv ---------------------------------------------------------------------------------------


def parse_arxiv_atom(data: bytes, wanted: PaperId) -> PaperMeta:
    """The paper ``wanted`` from an answer of ``{arxiv_api}?id_list=ID``."""
    import xml.etree.ElementTree as ElementTree

    import defusedxml
    import defusedxml.ElementTree as SafeTree

    shown = str(wanted)
    try:
        root = SafeTree.fromstring(data)
    except defusedxml.DefusedXmlException:
        raise MetadataError(f"{shown}: arXiv's answer declares XML entities; refused") from None
    except ElementTree.ParseError as error:
        raise MetadataError(f"{shown}: arXiv's answer is not valid XML ({error})") from None
    if root.tag != f"{_ATOM}feed":
        raise MetadataError(f"{shown}: arXiv's answer is not an Atom feed")
    entries = root.findall(f"{_ATOM}entry")
    if not entries:
        raise MetadataError(f"{shown}: arXiv does not know this id")
    entry = entries[0]
    entry_id = _text(entry, f"{_ATOM}id")
    title = _plain(_text(entry, f"{_ATOM}title"))
    if "/api/errors" in entry_id or (title == "Error" and not entry.findall(f"{_ATOM}author")):
        reason = _plain(_text(entry, f"{_ATOM}summary")) or "unknown id"
        raise MetadataError(f"{shown}: arXiv answered with an error: {reason}")
    if not title:
        raise MetadataError(f"{shown}: arXiv's answer has no title")
    authors = tuple(
        name
        for author in entry.findall(f"{_ATOM}author")
        if (name := _plain(_text(author, f"{_ATOM}name")))
    )
    published = _text(entry, f"{_ATOM}published")
    year = int(published[:4]) if re.match(r"\d{4}-", published) else None
    doi = _plain(_text(entry, f"{_ARXIV}doi")) or None
    venue = _plain(_text(entry, f"{_ARXIV}journal_ref")) or None
    abstract = _plain_paragraphs(_text(entry, f"{_ATOM}summary")) or None
    return PaperMeta(
        title=title,
        authors=authors,
        year=year,
        arxiv=wanted.value,
        doi=doi,
        venue=venue,
        abstract=abstract,
        kind="article" if venue else "misc",
    )


def _text(element: Any, path: str) -> str:
    found = element.find(path)
    return "" if found is None else "".join(found.itertext())


# --- Crossref ------------------------------------------------------------------------------------


def parse_crossref(data: bytes, wanted: PaperId) -> PaperMeta:
    """The work ``wanted`` from an answer of ``{crossref_api}/works/DOI``."""
    shown = str(wanted)
    try:
        answer = json.loads(data)
    except (ValueError, RecursionError):
        raise MetadataError(f"{shown}: Crossref's answer is not valid JSON") from None
    work = answer.get("message") if isinstance(answer, dict) else None
    if not isinstance(work, dict):
        raise MetadataError(f"{shown}: Crossref's answer holds no work")
    title = clean_text(" ".join(_strings(work.get("title"))))
    subtitle = clean_text(" ".join(_strings(work.get("subtitle"))))
    if subtitle and not title.endswith(subtitle):
        title = f"{title}: {subtitle}" if title else subtitle
    if not title:
        raise MetadataError(f"{shown}: Crossref's answer has no title")
    authors = tuple(_person(p) for p in _dicts(work.get("author")) if _person(p))
    venue = clean_text(" ".join(_strings(work.get("container-title"))[:1])) or None
    abstract = work.get("abstract")
    doi = work.get("DOI") if isinstance(work.get("DOI"), str) else wanted.value
    kind = work.get("type")
    extra = {
        name: clean_text(str(work[key]))
        for key, name in (("volume", "volume"), ("issue", "number"), ("page", "pages"))
        if isinstance(work.get(key), str | int) and clean_text(str(work[key]))
    }
    if isinstance(work.get("publisher"), str) and work["publisher"].strip():
        extra["publisher"] = clean_text(work["publisher"])
    return PaperMeta(
        title=title,
        authors=authors,
        year=_crossref_year(work),
        arxiv=None,
        doi=doi,
        venue=venue,
        abstract=clean_abstract(abstract) or None if isinstance(abstract, str) else None,
        kind=_CROSSREF_KINDS.get(kind, "misc") if isinstance(kind, str) else "misc",
        extra=extra,
    )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _person(person: dict[str, Any]) -> str:
    """``Given Family``, or an organisation's ``name``."""
    parts = [person.get("given"), person.get("family")]
    words = [clean_text(p) for p in parts if isinstance(p, str) and p.strip()]
    if words:
        return " ".join(words)
    name = person.get("name")
    return clean_text(name) if isinstance(name, str) else ""


def _crossref_year(work: dict[str, Any]) -> int | None:
    for key in ("issued", "published-print", "published-online", "published", "created"):
        stamp = work.get(key)
        parts = stamp.get("date-parts") if isinstance(stamp, dict) else None
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = parts[0][0]
            if isinstance(year, int) and not isinstance(year, bool) and 0 < year < 10000:
                return year
    return None
