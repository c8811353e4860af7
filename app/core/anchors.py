"""Heading anchors as GitHub writes them, so a note's `#anchor` links work here as they do there.

One rule for every place that names a heading: the preview's `#anchor` links, the outline and
anything that checks anchors. GitHub (github-slugger) lowercases the heading, keeps Unicode
letters, marks, numbers, connector punctuation (`_`), spaces and `-`, drops everything else
(punctuation, emoji), turns each space into `-`, and numbers a repeated slug `-1`, `-2`.
Keeping the marks matters: `## हिन्दी भाषा` is `#हिन्दी-भाषा`, vowel signs included.
"""

from __future__ import annotations

import unicodedata

__all__ = ["HeadingSlugs", "slugify"]


def slugify(heading: str) -> str:
    """GitHub's anchor for a heading's text, before repeats are numbered.

    Repeated hyphens are kept, as GitHub does: `C++ & Rust` is `c--rust`.
    """
    kept: list[str] = []
    for char in heading.strip().lower():
        if char == " ":
            kept.append("-")
        elif char == "-" or _is_kept(unicodedata.category(char)):
            kept.append(char)
    return "".join(kept)


def _is_kept(category: str) -> bool:
    """Letters, marks and numbers of any script, and connector punctuation such as `_`."""
    return category[0] in "LMN" or category == "Pc"


class HeadingSlugs:
    """The slugs of one document's headings, in order: a repeat gets `-1`, `-2` (github-slugger).

    Fed one heading at a time, so a note rendered in steps numbers its headings as a whole.
    """

    __slots__ = ("_occurrences",)

    def __init__(self) -> None:
        self._occurrences: dict[str, int] = {}

    def add(self, heading: str) -> str:
        """The slug of the next heading, numbered if an earlier heading already took it."""
        original = slugify(heading)
        slug = original
        while slug in self._occurrences:
            self._occurrences[original] += 1
            slug = f"{original}-{self._occurrences[original]}"
        self._occurrences[slug] = 0
        return slug
