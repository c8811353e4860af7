"""What the browser remembers between runs: per notes folder, where the reader was.

One JSON file in the platform's state folder (``READNOTES_STATE_DIR`` overrides it), a dict keyed
by the real path of each index, the most recently used last, capped at ``MAX_FOLDERS``. Remembering
is a convenience: a missing, corrupt, foreign or unwritable state file is silently ignored (and
replaced by the next save), and a value of the wrong shape is dropped field by field.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

STATE_ENV = "READNOTES_STATE_DIR"
STATE_FILE = "state.json"
FORMAT = "readnotes-state-1"
MAX_FOLDERS = 200
_MAX_BYTES = 4 * 1024 * 1024
_MAX_EXPANDED = 5_000
_MAX_TEXT = 10_000


@dataclass(frozen=True, slots=True)
class FolderState:
    """The reader's place in one notes folder."""

    cursor_entry: str | None = None  # the key of the entry under the cursor
    cursor_category: str | None = None  # else the uid (key, made unique) of the category
    expanded: tuple[str, ...] = ()  # category keys
    filter_text: str = ""
    status_filter: str | None = None  # "todo", "done" or None

    def to_json(self) -> dict[str, object]:
        return {
            "cursor_entry": self.cursor_entry,
            "cursor_category": self.cursor_category,
            "expanded": list(self.expanded),
            "filter_text": self.filter_text,
            "status_filter": self.status_filter,
        }

    @classmethod
    def from_json(cls, data: object) -> FolderState | None:
        """Whatever fields have the right shape; None when ``data`` is not a dict at all."""
        if not isinstance(data, dict):
            return None
        expanded = data.get("expanded")
        keys = (
            tuple(key for key in expanded[:_MAX_EXPANDED] if isinstance(key, str))
            if isinstance(expanded, list)
            else ()
        )
        status = data.get("status_filter")
        return cls(
            cursor_entry=_text_or_none(data.get("cursor_entry")),
            cursor_category=_text_or_none(data.get("cursor_category")),
            expanded=keys,
            filter_text=_text_or_none(data.get("filter_text")) or "",
            status_filter=status if status in ("todo", "done") else None,
        )


@dataclass(slots=True)
class Remembered:
    """The whole state file: the theme, and each folder's place (oldest first)."""

    theme: str | None = None
    folders: dict[str, dict[str, object]] = field(default_factory=dict)


def default_state_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(STATE_ENV):
        return Path(env[STATE_ENV]).expanduser()
    return Path(platformdirs.user_state_dir("readnotes"))


def folder_key(index_path: Path) -> str:
    """Folders are told apart by the real path of their index."""
    return os.path.realpath(index_path)


class StateStore:
    """Reads and writes the state file; never raises for a problem with it."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / STATE_FILE

    def read(self) -> Remembered:
        try:
            with open(self.path, "rb") as handle:
                data = handle.read(_MAX_BYTES + 1)
            if len(data) > _MAX_BYTES:
                return Remembered()
            loaded: Any = json.loads(data.decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return Remembered()
        if not isinstance(loaded, dict) or loaded.get("format") != FORMAT:
            return Remembered()
        folders = loaded.get("folders")
        kept = (
            {key: value for key, value in folders.items() if isinstance(value, dict)}
            if isinstance(folders, dict)
            else {}
        )
        return Remembered(_text_or_none(loaded.get("theme")), kept)

    def folder(self, index_path: Path) -> FolderState | None:
        return FolderState.from_json(self.read().folders.get(folder_key(index_path)))

    def theme(self) -> str | None:
        return self.read().theme

    def save(self, index_path: Path, place: FolderState, theme: str | None = None) -> bool:
        """Remember ``place`` (and ``theme`` when given); False when it could not be written.

        The file is read again first, so folders remembered by another readnotes meanwhile stay.
        """
        remembered = self.read()
        key = folder_key(index_path)
        remembered.folders.pop(key, None)
        remembered.folders[key] = place.to_json()
        while len(remembered.folders) > MAX_FOLDERS:
            del remembered.folders[next(iter(remembered.folders))]
        if theme is not None:
            remembered.theme = theme
        document = {"format": FORMAT, "theme": remembered.theme, "folders": remembered.folders}
        text = json.dumps(document, ensure_ascii=False, indent=1)
        return self._write(text.encode("utf-8"))

    def _write(self, data: bytes) -> bool:
        folder = self.path.parent
        temp = folder / f".{STATE_FILE}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with open(temp, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()
            return False
        return True


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and len(value) <= _MAX_TEXT else None
