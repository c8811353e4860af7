"""Which category an entry goes into, named as on the command line, and what its neighbours are."""

from __future__ import annotations

import re

from app.core.errors import EditError
from app.core.model import Category, Entry, Index

STYLE_SAMPLE = 400  # entries looked at for a file-wide style


def category_label(category: Category) -> str:
    """A category path as typed on the command line: ``A/B``, a ``/`` in a title as ``\\/``."""
    return "/".join(title.replace("/", "\\/") for title in category.path)


def find_category(index: Index, spec: str | None) -> Category:
    """The category named ``spec`` (``A/B``), or a refusal that lists the categories.

    A title holding ``/`` matches as written (the whole path is compared first) or escaped as
    ``\\/``; a unique trailing part of a path (``B``) is enough. No ``spec``: the top of a file
    that has no headings.
    """
    categories = [c for c in index.categories() if c.level > 0]
    if spec is None or not spec.strip():
        if not categories:
            return index.tree
        raise EditError(missing("Name a category", categories))
    wanted = _fold(spec)
    exact = [c for c in categories if _fold("/".join(c.path)) == wanted]
    if len(exact) == 1:
        return exact[0]
    parts = tuple(_fold(part) for part in re.split(r"(?<!\\)/", spec) if part.strip())
    parts = tuple(part.replace("\\/", "/") for part in parts)
    matches = [c for c in categories if tuple(_fold(t) for t in c.path) == parts]
    if not matches and parts:
        matches = [
            c
            for c in categories
            if len(c.path) >= len(parts) and tuple(_fold(t) for t in c.path[-len(parts) :]) == parts
        ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise EditError(missing(f"{spec!r} names several categories", matches))
    raise EditError(
        missing(f"No category {spec!r} (creating headings is not supported)", categories)
    )


def missing(reason: str, categories: list[Category]) -> str:
    names = ", ".join(category_label(c) for c in categories[:60])
    more = f" and {len(categories) - 60} more" if len(categories) > 60 else ""
    return f"{reason}; categories: {names}{more}" if categories else f"{reason}; none exist"


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def top_entries(category: Category) -> list[Entry]:
    """The category's own items at its outermost list depth (nested items belong to them)."""
    if not category.entries:
        return []
    top = min(entry.depth for entry in category.entries)
    return [entry for entry in category.entries if entry.depth == top]


def wants_note(index: Index, category: Category) -> bool:
    """Whether the neighbours have notes: the category's last item, else most of the file's."""
    tops = top_entries(category)
    if tops:
        return tops[-1].note is not None
    sample = index.entries[-STYLE_SAMPLE:]
    return bool(sample) and 2 * sum(1 for e in sample if e.note is not None) > len(sample)
