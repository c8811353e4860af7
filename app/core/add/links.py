"""What the user types as links: split, expanded to web URLs, and sorted into kinds."""

from __future__ import annotations

import re

from app.core.errors import EditError
from app.core.links import link_role, web_url_problem
from app.core.paper_ids import IdKind, PaperId, canonical_url

_ARXIV_ID = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5}(?:v\d+)?)$", re.IGNORECASE)
_HOST_LIKE = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:[/?#]|$)")


def split_links(text: str) -> list[str]:
    """Links typed in one field, separated by spaces or commas."""
    return [part for part in re.split(r"[\s,]+", text) if part]


def expand_link(raw: str) -> str:
    """A web URL for what the user typed: a bare arXiv id becomes its abstract page."""
    text = raw.strip()
    found = _ARXIV_ID.match(text)
    if found is not None:
        return canonical_url(PaperId(IdKind.ARXIV, found.group(1)))
    if _HOST_LIKE.match(text):
        text = f"https://{text}"
    problem = web_url_problem(text)
    if problem is not None:
        raise EditError(f"Not a web link or an arXiv id: {text!r} ({problem})")
    return text


def link_kind(url: str) -> str:
    """``paper``, ``code`` or ``blog`` by the URL alone: how the file's labels group links."""
    return link_role(url)
