"""The user's config file (TOML): default notes folder, theme, editor, polling, keys, done dates.

A broken config never stops readnotes. Each wrong key or value becomes one line naming the file
and the line, and that setting keeps its default; a file that is not TOML at all gives one line
and all defaults. What only the UI can judge (binding ids, theme names) is checked there, with
the line numbers kept here in ``Config.lines``.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs

from app.core.graphics import IMAGE_SETTINGS
from app.core.sanitize import inert_line

APP_NAME = "readnotes"
CONFIG_ENV = "READNOTES_CONFIG"
CONFIG_MAX_BYTES = 1024 * 1024
KNOWN_KEYS = (
    "notes",
    "theme",
    "editor",
    "poll",
    "record_done_date",
    "arxiv_api",
    "crossref_api",
    "network_timeout",
    "link_check_per_host",
    "images",
    "keys",
)
NETWORK_TIMEOUT = 10.0  # seconds
LINK_CHECK_PER_HOST = 4  # requests in flight to one host while checking links

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TABLE = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY_NAME = re.compile(r"[^\s,]+")


@dataclass(frozen=True, slots=True)
class Config:
    """Settings as read; every field has a working default."""

    notes: Path | None = None
    theme: str | None = None
    editor: tuple[str, ...] | None = None  # an argv prefix, as $VISUAL would give
    poll: bool = False
    record_done_date: bool = False
    keys: Mapping[str, str] = field(default_factory=dict)  # binding id -> "key1,key2"
    arxiv_api: str | None = None  # fetching by id: a mirror, a proxy, a test server
    crossref_api: str | None = None
    network_timeout: float = NETWORK_TIMEOUT
    link_check_per_host: int = LINK_CHECK_PER_HOST
    images: str = "auto"  # figures: auto (from the terminal), kitty, sixel or off
    source: Path | None = None
    problems: tuple[str, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict)  # dotted key -> 1-based line

    def where(self, dotted: str) -> str:
        """ "config.toml line 4" for a key, as the problems name it."""
        name = inert_line(str(self.source)) if self.source is not None else "config"
        line = find_line(self.lines, dotted)
        return f"{name} line {line}" if line is not None else name


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def config_location(
    option: str | None, environ: Mapping[str, str] | None = None
) -> tuple[Path, bool]:
    """The config file to read and whether the user named it (``--config``, then the variable)."""
    env = os.environ if environ is None else environ
    if option:
        return Path(option).expanduser(), True
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser(), True
    return default_config_path(), False


def load_config(path: Path, *, explicit: bool = False) -> Config:
    """Read the config at ``path``; a missing default file is simply no config."""
    shown = inert_line(str(path))
    try:
        with open(path, "rb") as handle:
            data = handle.read(CONFIG_MAX_BYTES + 1)
    except FileNotFoundError:
        if not explicit:
            return Config()
        return _broken(path, f"config file {shown} does not exist; using the defaults")
    except IsADirectoryError:
        return _broken(path, f"config file {shown} is a folder, not a file; using the defaults")
    except OSError as error:
        reason = inert_line(error.strerror or type(error).__name__)
        return _broken(path, f"cannot read config file {shown} ({reason}); using the defaults")
    if len(data) > CONFIG_MAX_BYTES:
        return _broken(path, f"config file {shown} is over 1 MB; using the defaults")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _broken(path, f"config file {shown} is not UTF-8 text; using the defaults")
    config = parse_config(text, path)
    return _check_notes_folder(config)


def _broken(path: Path, message: str) -> Config:
    return Config(source=path, problems=(message,))


def parse_config(text: str, source: Path) -> Config:
    """Settings from the TOML ``text``; problems for whatever is wrong, defaults in its place."""
    import tomllib  # here: most starts have no config file to read

    shown = inert_line(str(source))
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return _broken(
            source, f"{shown} is not valid TOML: {inert_line(str(error))}; using the defaults"
        )
    except RecursionError:
        return _broken(source, f"{shown} is nested too deeply; using the defaults")
    reader = _Reader(source, key_lines(text))
    settings: dict[str, Any] = {}
    for key, value in table.items():
        if key == "keys":
            settings["keys"] = reader.keymap(value)
        elif key in ("notes", "theme"):
            found = reader.text(key, value)
            if found is not None:
                settings[key] = _notes_path(found, source) if key == "notes" else found
        elif key == "editor":
            settings["editor"] = reader.editor(value)
        elif key in ("arxiv_api", "crossref_api"):
            found = reader.endpoint(key, value)
            if found is not None:
                settings[key] = found
        elif key == "network_timeout":
            seconds = reader.seconds(key, value)
            if seconds is not None:
                settings[key] = seconds
        elif key == "link_check_per_host":
            count = reader.count(key, value, LINK_CHECK_PER_HOST)
            if count is not None:
                settings[key] = count
        elif key == "images":
            choice = reader.choice(key, value, IMAGE_SETTINGS)
            if choice is not None:
                settings[key] = choice
        elif key in ("poll", "record_done_date"):
            flag = reader.flag(key, value)
            if flag is not None:
                settings[key] = flag
        else:
            known = ", ".join(KNOWN_KEYS)
            reader.problem(key, f"unknown setting {key!r} (known: {known}); ignored")
    return Config(**settings, source=source, problems=tuple(reader.problems), lines=reader.lines)


def _notes_path(text: str, source: Path) -> Path:
    """``~`` is the home folder; a relative path is taken from the config file's folder."""
    path = Path(text).expanduser()
    return path if path.is_absolute() else source.parent / path


def _check_notes_folder(config: Config) -> Config:
    if config.notes is None or config.notes.exists():
        return config
    problem = (
        f"{config.where('notes')}: notes folder {inert_line(str(config.notes))} does not exist;"
        " ignored"
    )
    return replace(config, notes=None, problems=(*config.problems, problem))


class _Reader:
    """Checks values one by one, collecting a problem line for each bad one."""

    def __init__(self, source: Path, lines: dict[str, int]) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[str] = []

    def problem(self, dotted: str, message: str) -> None:
        line = find_line(self.lines, dotted)
        where = inert_line(str(self.source)) + (f" line {line}" if line is not None else "")
        self.problems.append(f"{where}: {inert_line(message)}")

    def text(self, key: str, value: object) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.problem(key, f"{key} must be a non-empty string, not {_describe(value)}; ignored")
        return None

    def flag(self, key: str, value: object) -> bool | None:
        if isinstance(value, bool):
            return value
        self.problem(
            key, f"{key} must be true or false, not {_describe(value)}; using the default (false)"
        )
        return None

    def choice(self, key: str, value: object, choices: tuple[str, ...]) -> str | None:
        if isinstance(value, str) and value.strip().lower() in choices:
            return value.strip().lower()
        named = ", ".join(f'"{choice}"' for choice in choices)
        self.problem(
            key, f"{key} must be one of {named}, not {_describe(value)}; using the default"
        )
        return None

    def endpoint(self, key: str, value: object) -> str | None:
        if isinstance(value, str) and re.match(r"https?://[^\s/]+", value.strip()):
            return value.strip()
        self.problem(key, f"{key} must be an http(s) URL, not {_describe(value)}; ignored")
        return None

    def seconds(self, key: str, value: object) -> float | None:
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 600:
            return float(value)
        self.problem(
            key,
            f"{key} must be a number of seconds (0 to 600), not {_describe(value)};"
            f" using the default ({NETWORK_TIMEOUT:g})",
        )
        return None

    def count(self, key: str, value: object, default: int) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 32:
            return value
        self.problem(
            key,
            f"{key} must be a whole number from 1 to 32, not {_describe(value)};"
            f" using the default ({default})",
        )
        return None

    def editor(self, value: object) -> tuple[str, ...] | None:
        words: list[str] | None = None
        if isinstance(value, str):
            try:
                words = shlex.split(value)
            except ValueError:
                self.problem("editor", f"editor cannot be read as a command: {value!r}; ignored")
                return None
        elif isinstance(value, list) and all(isinstance(word, str) for word in value):
            words = list(value)
        if not words or not words[0].strip():
            self.problem(
                "editor",
                f'editor must be a command such as "nano" or ["code", "--wait"], not'
                f" {_describe(value)}; ignored",
            )
            return None
        return tuple(words)

    def keymap(self, value: object) -> dict[str, str]:
        if not isinstance(value, dict):
            self.problem("keys", f"keys must be a table ([keys]), not {_describe(value)}; ignored")
            return {}
        keymap: dict[str, str] = {}
        for binding_id, keys in _flatten(value).items():
            dotted = f"keys.{binding_id}"
            names = [keys] if isinstance(keys, str) else keys
            if (
                isinstance(names, list)
                and names
                and all(isinstance(n, str) and _KEY_NAME.fullmatch(n.strip()) for n in names)
            ):
                keymap[binding_id] = ",".join(n.strip() for n in names)
            else:
                self.problem(
                    dotted,
                    f'key for {binding_id!r} must be a key name such as "space" or'
                    f' "ctrl+t" (or a list of them), not {_describe(keys)}; ignored',
                )
        return keymap


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, object]:
    """``tree.down = "j"`` (a bare dotted key) is the binding id ``tree.down``, as quoted."""
    flat: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:39] + "…"
        return f"the string {shown!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def key_lines(text: str) -> dict[str, int]:
    """Where each key is set, as ``"keys.app.toggle_done" -> 7`` (first occurrence).

    A light scan of ``[table]`` headers and ``key = `` lines, enough to name lines in messages;
    the file is known to be valid TOML when this runs. Dotted keys of a binding id are joined as
    written: ``"app.toggle_done"`` under ``[keys]`` is ``keys.app.toggle_done``.
    """
    lines: dict[str, int] = {}
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE.match(line)
        if header is not None:
            table = _key_parts(header.group(1)) or []
            lines.setdefault(".".join(table), number)
            continue
        parts = _key_parts(line, assignment=True)
        if parts:
            dotted = ".".join([*table, *parts])
            lines.setdefault(dotted, number)
            for depth in range(1, len(parts)):
                lines.setdefault(".".join([*table, *parts[:depth]]), number)
    return lines


def find_line(lines: Mapping[str, int], dotted: str) -> int | None:
    """The line of ``dotted``, else of the nearest key it sits in (an inline table)."""
    while dotted:
        if dotted in lines:
            return lines[dotted]
        dotted = dotted.rpartition(".")[0]
    return None


def _key_parts(text: str, *, assignment: bool = False) -> list[str] | None:
    """The parts of a TOML key at the start of ``text`` (``a."b.c"`` -> ``["a", "b.c"]``)."""
    parts: list[str] = []
    position = 0
    length = len(text)
    while True:
        while position < length and text[position] in " \t":
            position += 1
        if position >= length:
            return None if assignment else parts or None
        char = text[position]
        if char in "\"'":
            end = text.find(char, position + 1)
            if end == -1:
                return None
            parts.append(text[position + 1 : end])
            position = end + 1
        else:
            bare = _BARE_KEY.match(text, position)
            if bare is None:
                return None
            parts.append(bare.group())
            position = bare.end()
        while position < length and text[position] in " \t":
            position += 1
        if position < length and text[position] == ".":
            position += 1
            continue
        if assignment:
            return parts if position < length and text[position] == "=" else None
        return parts if position >= length else None
