"""Recognise a paper's arXiv id or DOI in what a user typed as a link.

``readnotes add --url …`` and the add dialog accept an id in any of the forms people paste: a
bare id, ``arxiv:``/``doi:`` prefixes, abstract and PDF pages, resolver URLs. Recognising them
in one place means the fetch, the index line and the note's frontmatter agree on the same id.
arXiv's own DataCite DOIs (``10.48550/arXiv.…``) are arXiv ids: Crossref does not know them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

__all__ = ["IdKind", "PaperId", "canonical_url", "find_paper_id", "paper_id"]

_NEW_ARXIV = r"\d{4}\.\d{4,5}(?:v\d+)?"
_OLD_ARXIV = r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
_ARXIV_ID = re.compile(rf"(?:arxiv:)?({_NEW_ARXIV}|{_OLD_ARXIV})", re.IGNORECASE)
_ARXIV_URL = re.compile(
    rf"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/({_NEW_ARXIV}|{_OLD_ARXIV})"
    r"(?:\.pdf)?/?(?:[?#].*)?",
    re.IGNORECASE,
)
_DOI = r"10\.\d{4,9}/\S+"
_DOI_TEXT = re.compile(rf"(?:doi:\s*)?({_DOI})", re.IGNORECASE)
_DOI_URL = re.compile(rf"(?:https?://)?(?:dx\.)?doi\.org/({_DOI})", re.IGNORECASE)
_ARXIV_DOI = re.compile(rf"10\.48550/arxiv\.({_NEW_ARXIV}|{_OLD_ARXIV})", re.IGNORECASE)


class IdKind(StrEnum):
    ARXIV = "arxiv"
    DOI = "doi"


@dataclass(frozen=True, slots=True)
class PaperId:
    """An arXiv id (``2306.02707v2``, ``cs/0112017``) or a DOI (``10.1145/3600006.3613165``)."""

    kind: IdKind
    value: str

    def __str__(self) -> str:
        return f"arXiv:{self.value}" if self.kind is IdKind.ARXIV else f"doi:{self.value}"


def paper_id(text: str) -> PaperId | None:
    """The id that ``text`` (one link as typed) is, or None when it is not one."""
    typed = text.strip()
    for pattern in (_ARXIV_URL, _ARXIV_ID):
        found = pattern.fullmatch(typed)
        if found is not None:
            return PaperId(IdKind.ARXIV, _arxiv_case(found.group(1)))
    for pattern in (_DOI_URL, _DOI_TEXT):
        found = pattern.fullmatch(typed)
        if found is not None:
            doi = unquote(found.group(1)) if pattern is _DOI_URL else found.group(1)
            arxiv = _ARXIV_DOI.fullmatch(doi)
            if arxiv is not None:
                return PaperId(IdKind.ARXIV, _arxiv_case(arxiv.group(1)))
            return PaperId(IdKind.DOI, doi)
    return None


def find_paper_id(links: list[str]) -> PaperId | None:
    """The first of ``links`` that is an id."""
    for link in links:
        found = paper_id(link)
        if found is not None:
            return found
    return None


def canonical_url(found: PaperId) -> str:
    """The web page of the id: arXiv's abstract page, or the DOI resolver."""
    if found.kind is IdKind.ARXIV:
        return f"https://arxiv.org/abs/{found.value}"
    return f"https://doi.org/{found.value}"


def _arxiv_case(value: str) -> str:
    """``CS/0112017V2`` as arXiv writes it: archive lower-case, subject class upper, ``v``."""
    head, slash, tail = value.rpartition("/")
    tail = tail.lower()
    if not slash:
        return tail
    archive, dot, subject = head.partition(".")
    return archive.lower() + (dot + subject.upper() if dot else "") + "/" + tail
