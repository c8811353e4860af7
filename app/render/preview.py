"""What the preview shows for an entry, a category or a linked note.

Pure functions from the model (and a loaded note) to a header of ``Text`` lines and a Markdown
body for ``NoteView``. Every string that came from the folder passes through ``inert_line`` here,
so the header can never carry a terminal escape; bodies from ``load_note`` are already inert.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import quote

from rich.cells import cell_len
from rich.text import Text

from app.core.model import Category, Entry, Link, Status
from app.core.notes import NoteDoc, NoteKind
from app.core.progress import BAR_WIDTH, FULL, Progress, category_progress, progress_rows
from app.core.sanitize import has_controls, inert_line

if TYPE_CHECKING:
    from app.core.link_health import Health

OVERVIEW_LIMIT = 500  # entries listed in a category overview; the rest are counted
PROGRESS_ROWS_LIMIT = 30  # sub-categories with a progress bar in an overview
PROGRESS_NAME_CELLS = 40
_HEALTH_STYLES = {"ok": "green", "dead": "bold red", "moved": "yellow", "unreachable": "magenta"}
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#!|~{}()+\-.])")


@dataclass(frozen=True, slots=True)
class Preview:
    doc_key: str  # what is shown; the same key again keeps the scroll position
    body: str  # Markdown
    base: str | None  # root-relative path the body's links are relative to; None: the index
    header: list[Text] = field(default_factory=list)


def entries_phrase(count: int) -> str:
    return "1 entry" if count == 1 else f"{count} entries"


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIALS.sub(r"\\\1", inert_line(text))


def status_word(entry: Entry) -> Text:
    if entry.status is Status.TODO:
        return Text("TODO", style="bold yellow")
    return Text("done", style="green")


def category_trail(path: tuple[str, ...]) -> str:
    return " › ".join(inert_line(part) for part in path)


def numbered_links(
    links: tuple[Link, ...], health: Mapping[str, Health] | None = None, now: float = 0.0
) -> list[Text]:
    """One line per web link, numbered as the 1-9 keys open them, the URL visible, then its
    last known health and how old that is (``✓ 2h``, ``✗ 404 3d``)."""
    lines: list[Text] = []
    known = health or {}
    for number, link in enumerate(links[:9], start=1):
        line = Text.assemble(
            (f" {number} ", "bold reverse"),
            " ",
            (inert_line(link.label) or "link", "bold"),
            "  ",
            (inert_line(link.url), "underline"),
        )
        found = known.get(link.url)
        if found is not None:
            from app.core.link_health import age_text, health_mark  # only once links are checked

            line.append("  ")
            line.append(health_mark(found), style=_HEALTH_STYLES[str(found.kind)])
            line.append(f" {age_text(max(0.0, now - found.checked))}", style="dim")
        lines.append(line)
    if len(links) > 9:
        lines.append(Text(f" … and {len(links) - 9} more links", style="dim"))
    return lines


def meta_lines(meta: list[tuple[str, str]]) -> list[Text]:
    return [
        Text.assemble((f"{inert_line(key)}: ", "dim bold"), inert_line(value))
        for key, value in meta
    ]


def entry_header(entry: Entry) -> list[Text]:
    header = [Text(inert_line(entry.title), style="bold")]
    subtitle = Text.assemble(status_word(entry))
    if entry.category:
        subtitle.append(f" · {category_trail(entry.category)}", style="dim")
    subtitle.append(f" · line {entry.line}", style="dim")
    header.append(subtitle)
    if entry.description:
        header.append(Text(inert_line(entry.description), style="italic"))
    return header


def entry_preview(
    entry: Entry,
    doc: NoteDoc | None,
    health: Mapping[str, Health] | None = None,
    now: float = 0.0,
) -> Preview:
    """An entry: title, status, links (with their last known health), note metadata, then the
    note (or why there is none)."""
    header = entry_header(entry)
    header.extend(numbered_links(entry.web_links, health, now))
    if entry.note is not None:
        header.append(Text.assemble(("note: ", "dim bold"), inert_line(entry.note)))
    key = f"entry:{entry.key}"
    if doc is None:
        header.append(Text("No note yet.", style="italic"))
        return Preview(key, "", None, header)
    shown = {entry.title.casefold(), *(link.url.casefold() for link in entry.links)}
    header.extend(meta_lines([(k, v) for k, v in doc.meta if v.casefold() not in shown]))
    header.extend(_doc_notices(doc))
    return Preview(key, _doc_body(doc), doc.rel, header)


def note_preview(doc: NoteDoc) -> Preview:
    """A note reached by a link that no entry points to."""
    header = [Text(inert_line(doc.rel) or "Notes folder", style="bold")]
    header.extend(meta_lines(doc.meta))
    header.extend(_doc_notices(doc))
    return Preview(f"note:{doc.rel}", _doc_body(doc), doc.rel, header)


_SHOWN_KINDS = (
    NoteKind.MARKDOWN,
    NoteKind.FOLDER_README,
    NoteKind.FOLDER_LISTING,
    NoteKind.NOT_UTF8,  # decoded with replacement characters, and said so
)


def _doc_body(doc: NoteDoc) -> str:
    return doc.body if doc.kind in _SHOWN_KINDS else ""


def _doc_notices(doc: NoteDoc) -> list[Text]:
    lines: list[Text] = []
    if doc.kind is NoteKind.MISSING:
        lines.append(
            Text.assemble(
                ("No note yet", "italic"),
                (f": {inert_line(doc.rel)} does not exist (e creates it).", "dim italic"),
            )
        )
    elif doc.kind is NoteKind.EMPTY:
        lines.append(Text(inert_line(doc.message or "The note is empty."), style="italic"))
    elif doc.kind is NoteKind.NOT_UTF8:
        lines.append(Text(f"⚠ {inert_line(doc.message or 'Not valid UTF-8')}", style="yellow"))
    elif doc.kind not in _SHOWN_KINDS:
        message = doc.message or f"This note cannot be shown ({doc.kind})."
        lines.append(Text(inert_line(message), style="bold red"))
    lines.extend(Text(f"⚠ {inert_line(warning)}", style="yellow") for warning in doc.warnings)
    if doc.truncated:
        lines.append(Text("⚠ Long note: only its beginning is shown.", style="yellow"))
    return lines


def category_preview(
    category: Category, entries: list[Entry], total: int, todo: int, filters: list[str]
) -> Preview:
    """An overview of the category's entries as currently filtered, grouped by sub-heading."""
    title = inert_line(category.title) if category.path else "All entries"
    header = [Text(title, style="bold")]
    summary = Text(entries_phrase(total), style="dim")
    if todo:
        summary.append(f" · {todo} TODO", style="yellow")
    for phrase in filters:
        summary.append(f" · {inert_line(phrase)}", style="dim")
    header.append(summary)
    if category.path[:-1]:
        header.append(Text(category_trail(category.path[:-1]), style="dim"))
    header.extend(progress_lines(category))
    lines: list[str] = []
    current: tuple[str, ...] = category.path
    for entry in entries[:OVERVIEW_LIMIT]:
        if entry.category != current:
            current = entry.category
            sub = entry.category[len(category.path) :]
            lines.extend(["", f"### {escape_markdown(' › '.join(sub))}", ""])
        lines.append(_overview_line(entry))
    if len(entries) > OVERVIEW_LIMIT:
        lines.extend(["", f"… and {len(entries) - OVERVIEW_LIMIT} more entries."])
    if not entries:
        lines.append("No entries here match the filter." if filters else "No entries here.")
    return Preview(f"category:{category.key}", "\n".join(lines).strip("\n") + "\n", None, header)


def progress_text(progress: Progress, width: int = BAR_WIDTH) -> Text:
    """``████████░░ 8/10 · 80%``: the filled part green, the rest dim."""
    bar = progress.bar(width)
    filled = bar.count(FULL)
    return Text.assemble(
        (bar[:filled], "green"),
        (bar[filled:], "dim"),
        f" {progress.fraction()}",
        (f" · {progress.percent}%", "dim"),
    )


def progress_lines(category: Category) -> list[Text]:
    """The category's progress (whatever the filter), then each sub-category's, indented."""
    lines = [progress_text(category_progress(category))]
    rows = [row for row in progress_rows(category) if row.path]
    names = [
        _fit_cells("  " * row.depth + inert_line(row.title), PROGRESS_NAME_CELLS) for row in rows
    ]
    width = max((cell_len(name) for name in names), default=0)
    for name, row in zip(names[:PROGRESS_ROWS_LIMIT], rows, strict=False):
        line = Text(name + " " * (width - cell_len(name) + 2), style="dim")
        line.append_text(progress_text(row.progress))
        lines.append(line)
    if len(rows) > PROGRESS_ROWS_LIMIT:
        more = len(rows) - PROGRESS_ROWS_LIMIT
        lines.append(Text(f"… and {more} more categories (readnotes stats)", style="dim"))
    return lines


def _fit_cells(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    while cell_len(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _overview_line(entry: Entry) -> str:
    mark = "☐" if entry.status is Status.TODO else "☑"
    title = escape_markdown(entry.title)
    web = [link for link in entry.web_links if not has_controls(link.url)]
    if entry.note is not None:
        title = f"[{title}](<{quote(entry.note, safe='/')}>)"
    elif web and web[0].label.casefold() == entry.title.casefold():
        title = f"[{title}](<{_destination(web[0].url)}>)"  # an awesome-list item: name = link
        web = web[1:]
    links = " · ".join(
        f"[{escape_markdown(link.label) or 'link'}](<{_destination(link.url)}>)" for link in web
    )
    line = f"- {mark} {title}" + (f" — {links}" if links else "")
    if entry.description:
        line += f" — {escape_markdown(_shorten(entry.description, 160))}"
    return line


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _destination(url: str) -> str:
    """A URL as a ``<...>`` link destination, without the brackets that would end it."""
    return url.replace("<", "%3C").replace(">", "%3E")


def reading_dates_line(added: date | None, done: date | None) -> Text | None:
    """ "added 2024-01-10 · read 2024-02-15 (36 days)", from the reading history; None when
    neither day is known."""
    if added is None and done is None:
        return None
    line = Text(style="dim")
    if added is not None:
        line.append(f"added {added.isoformat()}")
    if done is not None:
        if added is not None:
            line.append(" · ")
        line.append(f"read {done.isoformat()}")
        if added is not None:
            days = (done - added).days
            line.append(f" ({'1 day' if days == 1 else f'{days} days'})")
    return line
