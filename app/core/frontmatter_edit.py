"""Record when an entry was finished: ``done: 2026-11-27`` in its note's frontmatter.

A note's header is the user's own text, with their quoting, comments and key order; re-dumping it
(python-frontmatter's ``dumps``) would rewrite all of that. So exactly one line changes: an existing
``done:`` line gets the new value, or one ``done:`` line is inserted just before the closing
``---``. The byte order mark and the line endings stay as they are. A note without frontmatter gets
a three-line block in front. Every edit is checked by reading the header again: the other fields
and the body must read exactly as before, else nothing is written.

Marking an entry TODO again leaves its ``done:`` line alone: it is the user's record, and the
next time the entry is marked done the date is replaced.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from app.core.edit import _ChangedUnderUs, write_atomic
from app.core.errors import EditError
from app.core.links import existing_safe_path, safe_path
from app.core.locking import writer_lock
from app.core.notes import Frontmatter, split_frontmatter

DONE_KEY = "done"
BOM = b"\xef\xbb\xbf"
_ATTEMPTS = 3
_NOTE_MAX_BYTES = 16 * 1024 * 1024

_YAML_OPEN = re.compile(r"---[ \t]*(\r?\n)")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_YAML_DONE = re.compile(r"^done[ \t]*:(?P<value>[^\r\n]*)", re.MULTILINE)
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*(\r?\n)")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_TOML_DONE = re.compile(r"^done[ \t]*=(?P<value>[^\r\n]*)", re.MULTILINE)


class FrontmatterEditError(EditError):
    """The date was not recorded; the note is unchanged."""


def with_done_date(data: bytes, day: date) -> bytes:
    """The note's bytes with ``done: <day>`` in its frontmatter; only that one line differs."""
    bom = BOM if data.startswith(BOM) else b""
    try:
        text = data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        raise FrontmatterEditError("The note is not valid UTF-8; done date not recorded") from None
    before = split_frontmatter(text)
    has_header = len(before.body) < len(text)
    if not has_header and before.warnings:
        reason = before.warnings[0].removesuffix("; shown as text")
        raise FrontmatterEditError(f"{reason}; done date not recorded")
    if not has_header:
        new_text = _prepended(text, day)
    elif _TOML_OPEN.match(text):
        new_text = _edited(
            text, f"{DONE_KEY} = {day.isoformat()}", _TOML_OPEN, _TOML_CLOSE, _TOML_DONE
        )
    else:
        new_text = _edited(
            text, f"{DONE_KEY}: {day.isoformat()}", _YAML_OPEN, _YAML_CLOSE, _YAML_DONE
        )
    if new_text == text:
        return data
    _check(before, split_frontmatter(new_text), day)
    return bom + new_text.encode("utf-8")


def _prepended(text: str, day: date) -> str:
    newline = "\r\n" if re.match(r"[^\n]*\r\n", text) else "\n"
    return f"---{newline}{DONE_KEY}: {day.isoformat()}{newline}---{newline}" + text


def _edited(
    text: str,
    line: str,
    opening: re.Pattern[str],
    closing: re.Pattern[str],
    done: re.Pattern[str],
) -> str:
    start = opening.match(text)
    assert start is not None  # split_frontmatter found a header that opens so
    close = closing.search(text, start.end())
    assert close is not None
    found = list(done.finditer(text, start.end(), close.start()))
    if len(found) > 1:
        raise FrontmatterEditError(
            "The note's frontmatter has several done lines; done date not recorded"
        )
    if found:
        match = found[0]
        value = match.group("value").split("#", 1)[0].strip()
        if not value or value[0] in "|>":
            raise FrontmatterEditError(
                "The note's done field spans several lines; done date not recorded"
            )
        return text[: match.start()] + line + text[match.end() :]
    newline = start.group(1)
    return text[: close.start()] + line + newline + text[close.start() :]


def _check(before: Frontmatter, after: Frontmatter, day: date) -> None:
    """The edit stands only if the header still reads as before, plus the new date."""
    others_before = [(k, v) for k, v in before.meta if k != DONE_KEY]
    others_after = [(k, v) for k, v in after.meta if k != DONE_KEY]
    dates = [v for k, v in after.meta if k == DONE_KEY]
    if others_before != others_after or dates != [day.isoformat()] or after.body != before.body:
        raise FrontmatterEditError(
            "The done date cannot be added without changing how the note's frontmatter reads;"
            " done date not recorded"
        )


def write_done_date(root: Path, rel: str, day: date) -> bool:
    """Record ``day`` in the note at ``rel``; False when there is no note file to record it in.

    Raises :class:`EditError` (with a message for the user) when the note cannot be edited.
    A folder note, a missing note and a path outside the root are skipped silently.
    """
    if rel.endswith("/"):
        return False
    path = safe_path(root, rel)
    if path is None or not path.is_file():
        return False
    with writer_lock(path):
        return _write_done_date_locked(path, rel, day)


def _write_done_date_locked(path: Path, rel: str, day: date) -> bool:
    for _ in range(_ATTEMPTS):
        try:
            with open(path, "rb") as handle:
                data = handle.read(_NOTE_MAX_BYTES + 1)
        except OSError as error:
            raise FrontmatterEditError(
                f"Cannot read {rel}: {error.strerror or error}; done date not recorded"
            ) from None
        if len(data) > _NOTE_MAX_BYTES:
            raise FrontmatterEditError(f"{rel} is too large; done date not recorded")
        new = with_done_date(data, day)
        if new == data:
            return True
        try:
            write_atomic(path, new, expected=data)
        except _ChangedUnderUs:
            continue
        return True
    raise FrontmatterEditError(f"{rel} keeps changing on disk; done date not recorded")


_HEAD_BYTES = 16 * 1024  # a frontmatter's done line is near the top
_DAY = re.compile(r"""["']?(\d{4}-\d{2}-\d{2})""")


def done_date_in_note(root: Path, rel: str, *, root_is_real: bool = False) -> date | None:
    """The day the note's ``done:`` line records (as ``write_done_date`` writes it), or None.

    Read from the note's first 16 KB without YAML: the reading history asks it of every done
    entry git does not explain, which can be thousands.
    """
    path = (
        existing_safe_path(root, rel, root_is_real=root_is_real) if not rel.endswith("/") else None
    )
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES).removeprefix(BOM).decode("utf-8", errors="replace")
    except OSError:
        return None
    for opening, closing, done in (
        (_YAML_OPEN, _YAML_CLOSE, _YAML_DONE),
        (_TOML_OPEN, _TOML_CLOSE, _TOML_DONE),
    ):
        start = opening.match(head)
        if start is None:
            continue
        close = closing.search(head, start.end())
        found = done.search(head, start.end(), close.start() if close else len(head))
        day = _DAY.match(found.group("value").strip()) if found else None
        if day is None:
            return None
        try:
            return date.fromisoformat(day.group(1))
        except ValueError:
            return None
    return None
