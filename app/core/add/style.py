"""How the new entry's line reads, copied from its neighbours: indentation, bullet, status marker,
link layout and labels; and its title escaped so it reads back as written."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

from app.core.add.categories import STYLE_SAMPLE
from app.core.add.links import link_kind
from app.core.model import Category, Entry, Index, MarkerKind, Status
from app.core.parse import local_target
from app.core.parse.items import line_starts

_DEFAULT_LABELS = {"paper": "paper", "code": "code", "blog": "blog"}
_ORDERED = re.compile(rb"^([0-9]{1,9})([.)])")
_ESCAPED = frozenset("\\`*_[]<~")
_ENTITY = re.compile(r"&#?[A-Za-z0-9]+;")
_LEADING_BLOCK = frozenset("#+-=|>")
_LABEL_MAX = 16  # longer link texts are titles, not labels like "paper"


@dataclass(frozen=True, slots=True)
class _Layout:
    """How the neighbours write their links."""

    title_link: str  # "note": [Title](./note.md) ...; "url": [Title](url) ...; "text": Title ...
    wrapped: bool  # extra links as [[label](url)] rather than [label](url)
    separator: str  # between two extra links
    note_prefix: str  # "./" when the neighbours write their note links so
    labels: dict[str, str]  # link kind ("paper", "code", "blog") -> the label the file uses


def item_prefix(index: Index, entry: Entry, spans: dict[tuple[int, int], tuple[int, int]]) -> bytes:
    """The neighbour's indentation, bullet (the next number for an ordered list) and gap."""
    data = index.data
    span = spans.get((entry.line, entry.depth))
    line_start = line_starts(data)[entry.line - 1]
    if span is None or not line_start <= span[0] < len(data):
        return b"- "
    at = _bullet_at(data, span[0])
    indent = data[line_start:at]
    if indent.strip(b" \t>"):
        indent = b""
    ordered = _ORDERED.match(data[at : at + 11])
    if ordered is not None:
        bullet = str(int(ordered.group(1)) + 1).encode() + ordered.group(2)
        gap_start = at + len(ordered.group(0))
    else:
        bullet = data[at : at + 1]
        gap_start = at + 1
    gap = data[gap_start : index.marker(entry).start]
    if not gap or gap.strip(b" \t") or len(gap) > 4:
        gap = b" "
    return indent + bullet + gap


def _bullet_at(data: bytes, start: int) -> int:
    """An item's range can begin with its indentation: where its bullet is."""
    while data[start : start + 1] in (b" ", b"\t"):
        start += 1
    return start


def bullet_of_file(index: Index, spans: dict[tuple[int, int], tuple[int, int]]) -> bytes:
    """For an empty category: a new top-level list with the file's most common bullet."""
    counts: Counter[bytes] = Counter()
    for entry in index.entries[:STYLE_SAMPLE]:
        span = spans.get((entry.line, entry.depth))
        if entry.depth == 0 and span is not None:
            at = _bullet_at(index.data, span[0])
            char = index.data[at : at + 1]
            if char in (b"*", b"-", b"+"):
                counts[char] += 1
    bullet = counts.most_common(1)[0][0] if counts else b"-"
    return bullet + b" "


def status_marker(
    index: Index, category: Category, template: Entry | None, status: Status
) -> bytes:
    """The status marker the category (else the file) uses: ``TODO `` or a task box."""
    own = category.entries
    pool = own if any(e.local_marker.kind is not MarkerKind.NONE for e in own) else index.entries
    kinds = [e.local_marker.kind for e in pool]
    if template is not None and template.local_marker.kind is MarkerKind.CHECKBOX:
        checkbox = True
    elif MarkerKind.TODO_WORD in kinds or MarkerKind.DONE_WORD in kinds:
        checkbox = False
    else:
        checkbox = MarkerKind.CHECKBOX in kinds
    if checkbox:
        return b"[ ] " if status is Status.TODO else f"[{index.checked_style}] ".encode()
    word = index.todo_style.encode()
    for entry in reversed(pool):
        if entry.local_marker.kind is MarkerKind.TODO_WORD:
            marker = index.marker(entry)
            word = index.data[marker.start : marker.end]
            break
    if status is Status.TODO:
        return word
    return b"DONE" + word[4:] if index.uses_done_word else b""


def neighbours_layout(index: Index, category: Category, tops: list[Entry]) -> _Layout:
    reference = tops[-1] if tops else _nearest_entry(index, category)
    title_link = "url"
    note_prefix = ""
    if reference is not None:
        content = _content(index, reference)
        if not content.startswith(b"["):
            title_link = "text" if reference.links else "url"
        elif reference.links and local_target(reference.links[0].url):
            title_link = "note"
    wrapped: Counter[bool] = Counter()
    separators: Counter[str] = Counter()
    labels: dict[str, Counter[str]] = {}
    for pool in (category.entries, index.entries[-STYLE_SAMPLE:]):
        for entry in pool:
            _tally(index, entry, wrapped, separators, labels)
            if note_prefix == "" and entry.links and entry.note is not None:
                first_local = next((lk.url for lk in entry.links if local_target(lk.url)), "")
                note_prefix = "./" if first_local.startswith("./") else ""
        if wrapped:
            break
    chosen = {
        kind: _most_common(labels.get(kind, Counter()), default)
        for kind, default in _DEFAULT_LABELS.items()
    }
    return _Layout(
        title_link=title_link,
        wrapped=wrapped.most_common(1)[0][0] if wrapped else True,
        separator=_most_common(separators, " "),
        note_prefix=note_prefix,
        labels=chosen,
    )


def _nearest_entry(index: Index, category: Category) -> Entry | None:
    before = [e for e in index.entries if e.line < category.line and e.depth == 0]
    if before:
        return before[-1]
    after = [e for e in index.entries if e.depth == 0]
    return after[0] if after else None


def _content(index: Index, entry: Entry) -> bytes:
    """The entry's first line from its text on (after any status marker)."""
    data = index.data
    marker = index.marker(entry)
    start = marker.word_end if marker.word_has_todo else marker.end
    end = data.find(b"\n", start)
    return data[start : len(data) if end == -1 else end].strip(b" \t\r")


def _tally(
    index: Index,
    entry: Entry,
    wrapped: Counter[bool],
    separators: Counter[str],
    labels: dict[str, Counter[str]],
) -> None:
    """Count how an entry writes its extra links: ``[[label](url)]``, and what joins them."""
    content = _content(index, entry)
    extras = entry.links[1:] if content.startswith(b"[") else entry.links
    extras = tuple(link for link in extras if local_target(link.url) is None)
    if not extras:
        return
    is_wrapped = b"[[" in content
    wrapped[is_wrapped] += 1
    joints = ((b")][[", ""), (b")] [[", " ")) if is_wrapped else ((b") [", " "), (b")[", ""))
    for joint, separator in joints:
        count = content.count(joint)
        if count:
            separators[separator] += count
            break
    for link in extras if is_wrapped else ():  # plain [name](url) links are names, not labels
        if 0 < len(link.label) <= _LABEL_MAX and " " not in link.label:
            labels.setdefault(link_kind(link.url), Counter())[link.label] += 1


def _most_common(counts: Counter[str], default: str) -> str:
    if not counts:
        return default
    best = max(counts.values())
    tied = [value for value, count in counts.items() if count == best]
    return default if default in tied else tied[-1]


def item_body(title: str, note: str | None, links: list[str], layout: _Layout) -> str:
    """The item's text after its marker, as its neighbours write theirs."""
    text = _escape(title)
    if note is not None:
        head, extras = f"[{text}]({layout.note_prefix}{_destination(note)})", links
    elif layout.title_link == "url" and links:
        head, extras = f"[{text}]({_destination(links[0])})", links[1:]
    else:
        head, extras = _escape_start(text), links
    if not extras:
        return head
    label_of = layout.labels
    if layout.wrapped:
        parts = [f"[[{label_of[link_kind(u)]}]({_destination(u)})]" for u in extras]
    else:
        parts = [f"[{label_of[link_kind(u)]}]({_destination(u)})" for u in extras]
    return head + " " + layout.separator.join(parts)


def _escape(text: str) -> str:
    """Backslash-escape what Markdown would read as markup in a title (``Q&A`` stays)."""
    text = "".join("\\" + char if char in _ESCAPED else char for char in text)
    return _ENTITY.sub(lambda found: "\\" + found.group(0), text)


def _escape_start(text: str) -> str:
    """A title that starts the item's text: keep it from reading as a heading, list or quote."""
    if text[:1] in _LEADING_BLOCK:
        return "\\" + text
    ordered = re.match(r"^([0-9]{1,9})([.)])", text)
    if ordered is not None:
        return ordered.group(1) + "\\" + text[len(ordered.group(1)) :]
    return text


def _destination(url: str) -> str:
    """A link destination that needs no angle brackets: spaces, parentheses, ``<>`` escaped."""
    return quote(url, safe="/:?#[]@!$&'*+,;=%~.-_")
