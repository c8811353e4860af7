"""Link health: what an answer (or the lack of one) says about a web link of an entry.

The rules live here, pure: the edge (``app/edges/link_check.py``) only asks the servers and
reports a :class:`Probe` (the hops it followed and how it ended); :func:`classify` turns that
into a :class:`Health` — fine, dead, moved (with the final location) or unreachable (with the
code, or the reason). The marks the browser shows, the ``is:`` filter words and the problems
``check --links`` lists come from the same :class:`Health`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

from app.core.model import Entry, is_web_url

PERMANENT = (301, 308)
REDIRECTS = (301, 302, 303, 307, 308)
# 401, 403 and 429 say "not for you, not now": the page may well be there
NOT_FOR_US = (401, 403, 429)
CACHE_SECONDS = 24 * 3600


class Kind(StrEnum):
    OK = "ok"
    DEAD = "dead"
    MOVED = "moved"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect followed: its status and the absolute URL it led to."""

    status: int
    location: str


@dataclass(frozen=True, slots=True)
class Probe:
    """What asking for a URL came to: the redirects followed, then a final status or an error
    (``timeout``, ``connection refused``, ``redirect loop`` ...)."""

    hops: tuple[Hop, ...] = ()
    status: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Health:
    kind: Kind
    code: int | None = None  # the final HTTP status, when there was one
    location: str | None = None  # a moved link's final URL
    reason: str | None = None  # why unreachable without a code: "timeout", "refused" ...
    checked: float = 0.0  # when (seconds since the epoch)

    @property
    def is_problem(self) -> bool:
        return self.kind is not Kind.OK

    def to_json(self) -> dict[str, object]:
        return {
            "kind": str(self.kind),
            "code": self.code,
            "location": self.location,
            "reason": self.reason,
            "checked": self.checked,
        }

    @staticmethod
    def from_json(value: object) -> Health | None:
        """A stored result, or None for anything that is not one (a cache is untrusted)."""
        if not isinstance(value, dict):
            return None
        kind_text = value.get("kind")
        if not isinstance(kind_text, str) or kind_text not in Kind.__members__.values():
            return None
        kind = Kind(kind_text)
        code, location, reason = value.get("code"), value.get("location"), value.get("reason")
        checked = value.get("checked")
        if code is not None and (not isinstance(code, int) or isinstance(code, bool)):
            return None
        if location is not None and not isinstance(location, str):
            return None
        if reason is not None and not isinstance(reason, str):
            return None
        if not isinstance(checked, int | float) or isinstance(checked, bool):
            return None
        return Health(kind, code, location, reason, float(checked))


def classify(url: str, probe: Probe, *, now: float = 0.0) -> Health:
    """The health of ``url`` from what asking for it came to."""
    status = probe.status
    if probe.error is not None or status is None:
        code = status if status is not None and status >= 400 else None
        return Health(Kind.UNREACHABLE, code, None, probe.error or "no answer", now)
    if status >= 500 or status in NOT_FOR_US:
        return Health(Kind.UNREACHABLE, status, None, None, now)
    if status >= 400:
        return Health(Kind.DEAD, status, None, None, now)
    moved_to = _permanent_target(url, probe.hops)
    if moved_to is not None:
        return Health(Kind.MOVED, status, moved_to, None, now)
    return Health(Kind.OK, status, None, None, now)


def _permanent_target(url: str, hops: Sequence[Hop]) -> str | None:
    """Where the link has moved for good: the end of the chain when it starts with a
    permanent redirect, the URL reached by its permanent hops; None when it has not moved, or
    only gained a slash or https."""
    if not hops or hops[0].status not in PERMANENT:
        return None
    if all(hop.status in PERMANENT for hop in hops):
        target = hops[-1].location
    else:
        target = url
        for hop in hops:
            if hop.status not in PERMANENT:
                break
            target = hop.location
    if _same_place(url, target):
        return None
    return target


def _same_place(url: str, other: str) -> bool:
    """The same page written another way: http to https, a slash added at the end."""
    return _normal(url) == _normal(other)


def _normal(url: str) -> str:
    parts = urlsplit(url)
    scheme = "https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower()
    path = parts.path.rstrip("/") or ""
    return urlunsplit((scheme, parts.netloc.lower(), path, parts.query, ""))


def is_fresh(health: Health, now: float, max_age: float = CACHE_SECONDS) -> bool:
    return 0 <= now - health.checked <= max_age


def age_text(seconds: float) -> str:
    """How old a result is, in a few letters: ``now``, ``5m``, ``3h``, ``2d``."""
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


def health_mark(health: Health) -> str:
    """``✓``, ``✗ 404``, ``↪ moved``, ``? timeout`` / ``? 403``: a link's health in the preview."""
    if health.kind is Kind.OK:
        return "✓"
    if health.kind is Kind.DEAD:
        return f"✗ {health.code}" if health.code is not None else "✗ dead"
    if health.kind is Kind.MOVED:
        return "↪ moved"
    if health.code is not None:
        return f"? {health.code}"
    return f"? {_short_reason(health.reason or '')}"


_SHORT_REASONS = (("refused", "refused"), ("(DNS)", "DNS"), ("TLS", "TLS"), ("loop", "loop"))


def _short_reason(reason: str) -> str:
    """A reason in a word or two, for a mark beside a link."""
    for needle, short in _SHORT_REASONS:
        if needle in reason:
            return short
    return reason if 0 < len(reason) <= 20 else "unreachable"


def describe(health: Health) -> str:
    """One phrase for a problem line: ``404``, ``moved to https://…``, ``timeout``."""
    if health.kind is Kind.MOVED:
        return f"moved permanently to {health.location}"
    if health.kind is Kind.DEAD:
        return f"the server answered {health.code}"
    if health.code is not None:
        return f"the server answered {health.code}"
    return health.reason or "no answer"


PROBLEM_KINDS = {
    Kind.DEAD: "dead-link",
    Kind.MOVED: "moved-link",
    Kind.UNREACHABLE: "unreachable-link",
}


@dataclass(frozen=True, slots=True)
class LinkUse:
    """A web link where it is written: the entry holding it (and the note, when it is one of the
    note's own links)."""

    url: str
    entry: Entry
    note: str | None = None  # the root-relative note holding the link, else the index line


def entry_links(entries: Iterable[Entry]) -> list[LinkUse]:
    """Every web link of these entries, in order, a URL repeated within an entry once."""
    uses: list[LinkUse] = []
    for entry in entries:
        seen: set[str] = set()
        for link in entry.links:
            if is_web_url(link.url) and link.url not in seen:
                seen.add(link.url)
                uses.append(LinkUse(link.url, entry))
    return uses


def unique_urls(uses: Iterable[LinkUse]) -> list[str]:
    return list(dict.fromkeys(use.url for use in uses))


FILTER_WORDS = {"is:dead": Kind.DEAD, "is:moved": Kind.MOVED, "is:unreachable": Kind.UNREACHABLE}


def entry_has(entry: Entry, kind: Kind, known: Mapping[str, Health]) -> bool:
    """Whether one of the entry's web links was last found ``kind``."""
    for link in entry.links:
        health = known.get(link.url)
        if health is not None and health.kind is kind:
            return True
    return False


def moved_links(entry: Entry, known: Mapping[str, Health]) -> list[tuple[str, str]]:
    """(old URL, new URL) for each of the entry's links last found moved."""
    out: list[tuple[str, str]] = []
    for link in entry.links:
        health = known.get(link.url)
        if health is not None and health.kind is Kind.MOVED and health.location:
            pair = (link.url, health.location)
            if pair not in out:
                out.append(pair)
    return out


_WEB_IN_TEXT = re.compile(r"https?://[^\s<>()\[\]\"'`]+", re.IGNORECASE)


def links_in_text(text: str) -> list[str]:
    """The web URLs a note's text holds (Markdown links, autolinks, bare URLs), once each."""
    found: list[str] = []
    for match in _WEB_IN_TEXT.finditer(text):
        url = match.group(0).rstrip(".,;:!?*_")
        if url not in found:
            found.append(url)
    return found


def note_links(entries: Iterable[Entry], read_note: Callable[[str], str]) -> list[LinkUse]:
    """The web links inside the entries' notes (each note read once), beside the entry."""
    uses: list[LinkUse] = []
    seen_notes: set[str] = set()
    for entry in entries:
        note = entry.note
        if note is None or note in seen_notes:
            continue
        seen_notes.add(note)
        uses.extend(LinkUse(url, entry, note) for url in links_in_text(read_note(note)))
    return uses
