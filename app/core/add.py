"""Add one entry to the index in the file's own style, and create its note from a template.

The index is the user's file: the new entry is one inserted item (with the blank lines its
neighbours use), so the result is always ``data[:k] + inserted + data[k:]``. The line copies its
neighbours' indentation, bullet, TODO convention, link layout, link labels and line ending. The
new bytes are parsed before anything is written, and written only when the new entry reads back
as planned and every other entry reads exactly as before; the write is atomic and
conflict-checked like a mark's (:func:`app.core.edit.write_atomic`).

Creating headings is out of scope: an entry goes into a category that exists.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyromark
import yaml

from app.core.edit import (
    ChangedOnDisk,
    digest,
    line_bytes,
    read_index_bytes,
    remove_stale_temps_beside,
    write_atomic,
)
from app.core.errors import ConflictError, EditError
from app.core.links import safe_path, web_url_problem
from app.core.model import Category, Entry, Index, MarkerKind, Status
from app.core.parse import decode_index, find_index, local_target, parse_index

__all__ = [
    "AddPlan",
    "AddResult",
    "NoteChoice",
    "add_entry",
    "category_label",
    "expand_link",
    "find_category",
    "link_kind",
    "plan_entry",
    "split_links",
    "wants_note",
]

_ATTEMPTS = 5
_ARXIV_ID = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5}(?:v\d+)?)$", re.IGNORECASE)
_HOST_LIKE = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:[/?#]|$)")
_PAPER_HOSTS = ("arxiv.org", "openreview.net", "aclanthology.org")
_CODE_HOSTS = ("github.com", "gitlab.com")
_DEFAULT_LABELS = {"paper": "paper", "code": "code", "blog": "blog"}
_ORDERED = re.compile(rb"^([0-9]{1,9})([.)])")
_ESCAPED = frozenset("\\`*_[]<~")
_ENTITY = re.compile(r"&#?[A-Za-z0-9]+;")
_LEADING_BLOCK = frozenset("#+-=|>")
_NAME_WORDS = re.compile(r"[^\W_]+")
_NAME_MAX = 48  # characters of a generated note file name (without the suffix)
_LABEL_MAX = 16  # longer link texts are titles, not labels like "paper"
_STYLE_SAMPLE = 400  # entries looked at for a file-wide style
_PARSE_OPTIONS = (  # as app.core.parse reads the index
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_YAML_STYLE_METADATA_BLOCKS
)


class NoteChoice(Enum):
    """Whether to create a note: ``AUTO`` follows the neighbours, ``NEW`` always creates one."""

    AUTO = "auto"
    NEW = "new"


@dataclass(frozen=True, slots=True)
class AddPlan:
    """What adding the entry does to the index: ``new_data == data[:offset] + inserted + ...``."""

    index: Index  # the index the plan was made from
    category: Category
    offset: int
    inserted: bytes
    new_data: bytes
    new_index: Index  # ``new_data`` parsed, already checked
    entry: Entry  # the new entry in ``new_index``
    note: str | None  # root-relative path of the note to create, if any
    note_text: str | None


@dataclass(frozen=True, slots=True)
class AddResult:
    index: Index  # the index as written
    entry: Entry
    note_path_created: Path | None
    message: str


@dataclass(frozen=True, slots=True)
class _Layout:
    """How the neighbours write their links."""

    title_link: str  # "note": [Title](./note.md) ...; "url": [Title](url) ...; "text": Title ...
    wrapped: bool  # extra links as [[label](url)] rather than [label](url)
    separator: str  # between two extra links
    note_prefix: str  # "./" when the neighbours write their note links so
    labels: dict[str, str]  # link kind ("paper", "code", "blog") -> the label the file uses


# -- links --------------------------------------------------------------------------------------


def split_links(text: str) -> list[str]:
    """Links typed in one field, separated by spaces or commas."""
    return [part for part in re.split(r"[\s,]+", text) if part]


def expand_link(raw: str) -> str:
    """A web URL for what the user typed: a bare arXiv id becomes its abstract page."""
    text = raw.strip()
    found = _ARXIV_ID.match(text)
    if found is not None:
        return f"https://arxiv.org/abs/{found.group(1)}"
    if _HOST_LIKE.match(text):
        text = f"https://{text}"
    problem = web_url_problem(text)
    if problem is not None:
        raise EditError(f"Not a web link or an arXiv id: {text!r} ({problem})")
    return text


def link_kind(url: str) -> str:
    """``paper``, ``code`` or ``blog``: how the file's labels group links."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if _on_host(host, _PAPER_HOSTS) or parts.path.lower().endswith(".pdf"):
        return "paper"
    if _on_host(host, _CODE_HOSTS):
        return "code"
    return "blog"


def _on_host(host: str, hosts: tuple[str, ...]) -> bool:
    return any(host == name or host.endswith("." + name) for name in hosts)


# -- categories ---------------------------------------------------------------------------------


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
        raise EditError(_missing("Name a category", categories))
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
        raise EditError(_missing(f"{spec!r} names several categories", matches))
    raise EditError(
        _missing(f"No category {spec!r} (creating headings is not supported)", categories)
    )


def _missing(reason: str, categories: list[Category]) -> str:
    names = ", ".join(category_label(c) for c in categories[:60])
    more = f" and {len(categories) - 60} more" if len(categories) > 60 else ""
    return f"{reason}; categories: {names}{more}" if categories else f"{reason}; none exist"


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _top_entries(category: Category) -> list[Entry]:
    """The category's own items at its outermost list depth (nested items belong to them)."""
    if not category.entries:
        return []
    top = min(entry.depth for entry in category.entries)
    return [entry for entry in category.entries if entry.depth == top]


def wants_note(index: Index, category: Category) -> bool:
    """Whether the neighbours have notes: the category's last item, else most of the file's."""
    tops = _top_entries(category)
    if tops:
        return tops[-1].note is not None
    sample = index.entries[-_STYLE_SAMPLE:]
    return bool(sample) and 2 * sum(1 for e in sample if e.note is not None) > len(sample)


# -- planning -----------------------------------------------------------------------------------


def plan_entry(
    index: Index,
    *,
    title: str,
    category: tuple[str, ...] | None,
    urls: list[str],
    todo: bool,
    note: str | NoteChoice | None = NoteChoice.AUTO,
) -> AddPlan:
    """The bytes that add the entry to ``index``; raises :class:`EditError` on a refusal.

    ``note``: a root-relative path to create the note at, ``NoteChoice.NEW`` for a path chosen
    from the folder's layout, ``NoteChoice.AUTO`` for that only when the neighbours have notes,
    ``None`` for no note.
    """
    clean_title = " ".join(title.split())
    if not clean_title:
        raise EditError("The entry needs a title")
    target = _category_at(index, category)
    links = [expand_link(url) for url in urls]
    status = Status.TODO if todo else Status.DONE
    note_rel = _note_path(index, target, clean_title, note)
    _refuse_duplicates(index, target, clean_title, note_rel)

    data = index.data
    tops = _top_entries(target)
    spans = _item_spans(data)
    eol = _line_ending(data, tops[-1].line if tops else None)
    body = _body(clean_title, note_rel, links, _layout(index, target, tops))
    if tops:
        offset, inserted = _after_last_item(index, target, tops, spans, eol)
        prefix = _item_prefix(index, tops[-1], spans)
    else:
        offset, inserted = _into_empty_category(index, target, eol)
        prefix = _bullet_of_file(index, spans)
    marker = _marker(index, target, tops[-1] if tops else None, status)
    line = prefix + marker + body.encode("utf-8")
    before, after = inserted.split(b"\x00")
    inserted = before + line + after
    new_data = data[:offset] + inserted + data[offset:]
    at_line_start = offset == 0 or data[offset - 1 : offset] == b"\n"
    expected = _Expected(
        first_line=data.count(b"\n", 0, offset) + (1 if at_line_start else 2),
        line=data.count(b"\n", 0, offset) + before.count(b"\n") + 1,
        title=clean_title,
        category=target.path,
        status=status,
        note=note_rel,
        depth=tops[-1].depth if tops else 0,
    )
    new_index = parse_index(new_data, index.path)
    entry = _added_entry(index, new_index, expected, inserted.count(b"\n"))
    note_text = _note_template(clean_title, links, status, eol) if note_rel is not None else None
    return AddPlan(index, target, offset, inserted, new_data, new_index, entry, note_rel, note_text)


def _category_at(index: Index, path: tuple[str, ...] | None) -> Category:
    if path is None:
        return find_category(index, None)
    for category in index.categories():
        if category.path == path:
            return category
    others = [c for c in index.categories() if c.level > 0]
    raise EditError(_missing(f"No category {' / '.join(path)!r} in the index (any more)", others))


def _refuse_duplicates(index: Index, category: Category, title: str, note: str | None) -> None:
    folded = title.casefold()
    for entry in category.entries:
        if entry.title.casefold() == folded:
            raise EditError(
                f"Already in {' / '.join(category.path) or 'the index'}: {entry.title}"
                f" (line {entry.line}); nothing was written"
            )
    if note is None:
        return
    for entry in index.entries:
        if entry.note is not None and entry.note.rstrip("/") == note:
            raise EditError(
                f"The note {note} already belongs to {entry.title} (line {entry.line});"
                " nothing was written"
            )
    path = safe_path(index.root, note)
    if path is None:
        raise EditError(f"Refused: {note} is outside the notes folder")
    if os.path.lexists(index.root / note) or path.exists():
        raise EditError(f"A note already exists at {note}; nothing was written")


# -- where the line goes ------------------------------------------------------------------------


def _item_spans(data: bytes) -> dict[tuple[int, int], tuple[int, int]]:
    """Every list item's byte span from its bullet, by (1-based line of it, nesting depth)."""
    text, start, _ = decode_index(data)
    starts = _line_offsets(data)
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    open_items: list[int] = []
    for event, span in pyromark.events_with_range(text, options=_PARSE_OPTIONS):
        if event == {"Start": "Item"}:
            item_start = span["start"] + start
            while data[item_start : item_start + 1] in (b" ", b"\t", b"\r", b"\n"):
                item_start += 1  # a range can begin with indentation, or a tab's line break
            key = (bisect_right(starts, item_start), len(open_items))
            spans.setdefault(key, (item_start, span["end"] + start))
            open_items.append(item_start)
        elif event == {"End": "Item"} and open_items:
            open_items.pop()
    return spans


def _after_last_item(
    index: Index,
    category: Category,
    tops: list[Entry],
    spans: dict[tuple[int, int], tuple[int, int]],
    eol: bytes,
) -> tuple[int, bytes]:
    """After the category's last item (with its nested items), as loose as the list is.

    The returned bytes hold ``\\x00`` where the new item's line goes.
    """
    data = index.data
    last = tops[-1]
    span = spans.get((last.line, last.depth))
    if span is None:
        raise EditError(f"Cannot find where the list of line {last.line} ends; nothing was written")
    end = span[1]
    while end > span[0] and data[end - 1 : end] in (b" ", b"\t", b"\r", b"\n"):
        end -= 1
    newline = data.find(b"\n", end)
    loose = _is_loose(index, category, tops)
    if newline == -1:  # the item ends the file, which has no final newline: keep it so
        return len(data), eol + (eol if loose else b"") + b"\x00"
    offset = newline + 1
    inserted = (eol if loose else b"") + b"\x00" + eol
    if loose and _next_line_is_text(data, offset):
        inserted += eol
    return offset, inserted


def _into_empty_category(index: Index, category: Category, eol: bytes) -> tuple[int, bytes]:
    """After the heading and whatever text the category has, before its first sub-heading."""
    data = index.data
    starts = _line_offsets(data)
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if category.level > 0:
        start = starts[category.line - 1]
    later = [c.line for c in index.categories() if c.line > category.line and c.level > 0]
    stop = starts[min(later) - 1] if later else len(data)
    end = stop
    while end > start and data[end - 1 : end] in (b" ", b"\t", b"\r", b"\n"):
        end -= 1
    if end == start:  # nothing at all before the next heading (an empty file)
        return start, b"\x00" + eol + (eol if stop < len(data) else b"")
    newline = data.find(b"\n", end)
    if newline == -1:
        return len(data), eol + eol + b"\x00"
    offset = newline + 1
    inserted = eol + b"\x00" + eol
    if _next_line_is_text(data, offset):
        inserted += eol
    return offset, inserted


def _next_line_is_text(data: bytes, offset: int) -> bool:
    return offset < len(data) and data[offset : offset + 1] not in (b"\n", b"\r")


def _line_offsets(data: bytes) -> list[int]:
    starts = [0]
    position = data.find(b"\n")
    while position != -1:
        starts.append(position + 1)
        position = data.find(b"\n", position + 1)
    return starts


def _is_loose(index: Index, category: Category, tops: list[Entry]) -> bool:
    """Whether items are separated by blank lines: the last two, else most pairs in the file."""
    data = index.data
    if len(tops) >= 2:
        return not line_bytes(data, tops[-1].line - 1).strip()
    loose = tight = 0
    previous: Entry | None = None
    for entry in index.entries[: _STYLE_SAMPLE * 4]:
        if entry.depth != 0:
            continue
        if previous is not None and previous.category == entry.category:
            if line_bytes(data, entry.line - 1).strip():
                tight += 1
            else:
                loose += 1
        previous = entry
    return loose > tight


def _line_ending(data: bytes, line: int | None) -> bytes:
    """The neighbour's line ending, else the file's first one, else ``\\n``."""
    if line is not None:
        starts = _line_offsets(data)
        if line < len(starts):
            return b"\r\n" if data[starts[line] - 2 : starts[line]] == b"\r\n" else b"\n"
    first = data.find(b"\n")
    return b"\r\n" if first > 0 and data[first - 1 : first] == b"\r" else b"\n"


# -- how the line reads -------------------------------------------------------------------------


def _item_prefix(
    index: Index, entry: Entry, spans: dict[tuple[int, int], tuple[int, int]]
) -> bytes:
    """The neighbour's indentation, bullet (the next number for an ordered list) and gap."""
    data = index.data
    span = spans.get((entry.line, entry.depth))
    line_start = _line_offsets(data)[entry.line - 1]
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


def _bullet_of_file(index: Index, spans: dict[tuple[int, int], tuple[int, int]]) -> bytes:
    """For an empty category: a new top-level list with the file's most common bullet."""
    counts: Counter[bytes] = Counter()
    for entry in index.entries[:_STYLE_SAMPLE]:
        span = spans.get((entry.line, entry.depth))
        if entry.depth == 0 and span is not None:
            at = _bullet_at(index.data, span[0])
            char = index.data[at : at + 1]
            if char in (b"*", b"-", b"+"):
                counts[char] += 1
    bullet = counts.most_common(1)[0][0] if counts else b"-"
    return bullet + b" "


def _marker(index: Index, category: Category, template: Entry | None, status: Status) -> bytes:
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


def _layout(index: Index, category: Category, tops: list[Entry]) -> _Layout:
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
    for pool in (category.entries, index.entries[-_STYLE_SAMPLE:]):
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


def _body(title: str, note: str | None, links: list[str], layout: _Layout) -> str:
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


# -- checking the result ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Expected:
    """How the new entry must read back, and where the lines after it moved from."""

    first_line: int  # the old line the insertion starts at: entries from it on move down
    line: int
    title: str
    category: tuple[str, ...]
    status: Status
    note: str | None
    depth: int


def _added_entry(old: Index, new: Index, expected: _Expected, shift: int) -> Entry:
    """The new entry, when every other entry and heading reads exactly as before."""
    where = " / ".join(expected.category) or "the index"
    refusal = EditError(
        f"The entry cannot be added to {where} without changing how the index reads;"
        " nothing was written, add it by hand"
    )
    if len(new.entries) != len(old.entries) + 1:
        raise refusal
    added = next((e for e in new.entries if e.line == expected.line), None)
    if added is None:
        raise refusal
    others = [e for e in new.entries if e is not added]
    for before, after in zip(old.entries, others, strict=True):
        line = before.line + (shift if before.line >= expected.first_line else 0)
        if (after.line, after.depth, after.title, after.category, after.status, after.note) != (
            line,
            before.depth,
            before.title,
            before.category,
            before.status,
            before.note,
        ):
            raise refusal
    if [c.path for c in new.categories()] != [c.path for c in old.categories()]:
        raise refusal
    wanted = (
        expected.title,
        expected.category,
        expected.status,
        expected.note,
        expected.depth,
    )
    if (added.title, added.category, added.status, added.note, added.depth) != wanted:
        raise refusal
    return added


# -- the note -----------------------------------------------------------------------------------


def _note_path(
    index: Index, category: Category, title: str, note: str | NoteChoice | None
) -> str | None:
    if note is None:
        return None
    if isinstance(note, str):
        rel = local_target(note)
        if not rel or rel.endswith("/") or rel.startswith("../") or rel == "..":
            raise EditError(f"Not a note path inside the notes folder: {note!r}")
        return rel
    if note is NoteChoice.AUTO and not wants_note(index, category):
        return None
    return _chosen_note_path(index, category, title)


def _chosen_note_path(index: Index, category: Category, title: str) -> str:
    """Beside the category's notes, named as they are; else ``notes/`` or the root.

    A category with only sub-categories uses the folder its sub-categories' notes share; folder
    notes (``books/thinking_in_cpp/``) point at the folder that holds them.
    """
    own = [e.note.rstrip("/") for e in category.entries if e.note is not None]
    below = [e.note.rstrip("/") for e in category.all_entries() if e.note is not None]
    names = _file_notes(category.all_entries()) or _file_notes(index.entries[-_STYLE_SAMPLE:])
    if own:
        folder = posixpath.dirname(own[-1])
    elif below:
        folder = posixpath.commonpath([posixpath.dirname(note) for note in below])
    else:
        folder = "notes" if (index.root / "notes").is_dir() else ""
    suffix = ".markdown" if names and names[-1].endswith(".markdown") else ".md"
    name = _note_name(title, _naming_style(names)) + suffix
    return posixpath.join(folder, name) if folder else name


def _file_notes(entries: Iterable[Entry]) -> list[str]:
    return [
        e.note
        for e in entries
        if e.note is not None and e.note.lower().endswith((".md", ".markdown"))
    ]


def _naming_style(notes: list[str]) -> str:
    """``camel`` (DistillingStepByStep), ``snake``, ``kebab`` (the default) or ``words``."""
    stems = [posixpath.basename(n).rsplit(".", 1)[0] for n in notes]
    if not stems:
        return "kebab"
    counts: Counter[str] = Counter()
    for stem in stems:
        if "-" in stem:
            counts["kebab"] += 1
        elif "_" in stem:
            counts["snake"] += 1
        elif " " in stem:
            counts["words"] += 1
        elif stem[:1].isupper() or stem[:1].isdigit():
            counts["camel"] += 1
        else:
            counts["kebab"] += 1
    return counts.most_common(1)[0][0]


def _note_name(title: str, style: str) -> str:
    """A file name from the title: the part before a colon when there is one (``Zephyr: ...``)."""
    head = title.split(":", 1)[0]
    words = _NAME_WORDS.findall(head) or _NAME_WORDS.findall(title)
    kept: list[str] = []
    for word in words:
        if kept and sum(len(w) + 1 for w in [*kept, word]) > _NAME_MAX:
            break
        kept.append(word[:_NAME_MAX])
    if not kept:
        return "note"
    if style == "camel":
        return "".join(word[:1].upper() + word[1:] for word in kept)
    if style == "snake":
        return "_".join(word.lower() for word in kept)
    if style == "words":
        return " ".join(kept)
    return "-".join(word.lower() for word in kept)


def _note_template(title: str, links: list[str], status: Status, eol: bytes) -> str:
    """Frontmatter (title, links, tags, status) and a heading."""
    lines = ["---", f"title: {_yaml_scalar(title)}"]
    kinds = [link_kind(url) for url in links]
    if len(set(kinds)) == len(kinds):
        lines += [f"{kind}: {_yaml_scalar(url)}" for kind, url in zip(kinds, links, strict=True)]
    else:
        lines += ["links:", *(f"  - {_yaml_scalar(url)}" for url in links)]
    lines += ["tags: []", f"status: {status}", "---", "", f"# {title}", ""]
    return eol.decode().join(lines)


def _yaml_scalar(value: str) -> str:
    """Plain when YAML reads it back as the same string, else a JSON (so YAML) quoted string."""
    try:
        if yaml.safe_load(f"k: {value}") == {"k": value}:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)


def _create_note(root: Path, rel: str, text: str) -> Path:
    """Create the note exclusively (never over an existing file), inside the root only."""
    folder_rel = posixpath.dirname(rel)
    folder = safe_path(root, folder_rel or ".")
    if folder is None:
        raise EditError(f"Refused: {rel} is outside the notes folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if safe_path(root, folder_rel or ".") != folder:
            raise EditError(f"Refused: {rel} is outside the notes folder")
        target = folder / posixpath.basename(rel)
        with open(target, "xb") as handle:
            handle.write(text.encode("utf-8"))
    except FileExistsError:
        raise EditError(f"A note already exists at {rel}") from None
    except OSError as exc:
        raise EditError(f"Cannot create {rel}: {exc.strerror or exc}") from None
    return target


# -- doing it -----------------------------------------------------------------------------------


def add_entry(
    path: Path,
    *,
    title: str,
    category: tuple[str, ...] | None,
    urls: list[str],
    todo: bool,
    note: str | NoteChoice | None = NoteChoice.AUTO,
    known: Index | None = None,
) -> AddResult:
    """Add the entry to the index at ``path`` (a folder or the file) and create its note.

    Planned from the bytes on disk (``known`` is reused while it still holds them); when the file
    changes before the write, planned again from the new bytes. When the note cannot be created
    after the index was written, the index gets its old bytes back.
    """
    index_path = find_index(path)
    remove_stale_temps_beside(index_path)
    for _ in range(_ATTEMPTS):
        data = read_index_bytes(index_path)
        index = known if known is not None and known.digest == digest(data) else None
        if index is None:
            index = parse_index(data, index_path)
        known = None
        plan = plan_entry(index, title=title, category=category, urls=urls, todo=todo, note=note)
        try:
            write_atomic(index_path, plan.new_data, expected=data)
        except ChangedOnDisk:
            continue
        created = _create_planned_note(index_path, plan)
        where = " / ".join(plan.category.path) or "the top"
        message = f"Added to {where}: {plan.entry.title} (line {plan.entry.line})"
        if plan.note is not None:
            message += f"; created {plan.note}"
        return AddResult(plan.new_index, plan.entry, created, message)
    raise ConflictError("The index keeps changing on disk; nothing was written")


def _create_planned_note(index_path: Path, plan: AddPlan) -> Path | None:
    if plan.note is None or plan.note_text is None:
        return None
    try:
        return _create_note(plan.index.root, plan.note, plan.note_text)
    except EditError as error:
        try:
            write_atomic(index_path, plan.index.data, expected=plan.new_data)
        except (ChangedOnDisk, EditError):
            raise EditError(
                f"{error}; the entry stays in the index (it changed on disk since)"
            ) from None
        raise EditError(f"{error}; the index was left as it was") from None
