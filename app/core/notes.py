"""Load one note for the preview: never raises, never reads outside the root, never trusts a byte.

Every problem becomes a ``kind`` with a one-line ``message`` or a ``warning``, so the preview always
has something honest to show. Every string in a :class:`NoteDoc` is already inert
(:mod:`app.core.sanitize`), and inert is idempotent, so the UI may sanitise again without harm.

Frontmatter is split here rather than by python-frontmatter, whose splitter eats the text of a note
that merely starts with a horizontal rule and misses frontmatter after a BOM. Its YAML loading is
still the one used (``yaml.SafeLoader``), but only after the block passed a size cap and a node
budget that defuses alias bombs; values are shown as written in the file, so ``status: no`` stays
``no`` instead of YAML 1.1's ``False``. TOML ``+++`` frontmatter is parsed with ``tomllib``.
Both are imported by the first note that has such frontmatter, not by the app's first screen.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from app.core.display_names import shown_name
from app.core.errors import ReadnotesError
from app.core.links import existing_safe_path, safe_path
from app.core.locking import writer_lock
from app.core.names import folder_note_name, is_noise
from app.core.sanitize import inert, inert_line

if TYPE_CHECKING:
    import yaml

FRONTMATTER_MAX_BYTES = 64 * 1024
_NODE_BUDGET = 5_000
_DEPTH_LIMIT = 32  # frontmatter is flat in practice; deeper would only feed recursion
_VALUE_MAX_CHARS = 300
_SNIFF_BYTES = 8192
_LISTING_MAX_FILES = 2_000
_TAG_KEYS = frozenset({"tags", "tag"})
_BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF-", "a PDF document"),
)

_YAML_OPEN = re.compile(r"---[ \t]*\r?\n")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*\r?\n")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_JSON_OPEN = re.compile(r"\{[ \t]*\r?\n")


class NoteKind(StrEnum):
    MARKDOWN = "markdown"
    FOLDER_README = "folder-readme"
    FOLDER_LISTING = "folder-listing"
    MISSING = "missing"
    UNREADABLE = "unreadable"
    BINARY = "binary"
    NOT_UTF8 = "not-utf8"
    EMPTY = "empty"
    REFUSED = "refused"


@dataclass(slots=True)
class NoteDoc:
    kind: NoteKind
    rel: str  # as asked for, normalised; a folder ends with "/" (pass it to resolve_link as base)
    path: Path | None  # the file shown (a folder's README), None when there is none
    body: str = ""
    meta: list[tuple[str, str]] = field(default_factory=list)
    tags: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    message: str | None = None
    truncated: bool = False
    mtime_ns: int | None = None
    size: int | None = None


@dataclass(slots=True)
class Frontmatter:
    meta: list[tuple[str, str]]
    tags: tuple[str, ...]
    body: str
    warnings: list[str]


class _FileProblem(Exception):
    def __init__(self, kind: NoteKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(slots=True)
class _RawFile:
    data: bytes
    truncated: bool
    mtime_ns: int
    size: int


# --- loading -----------------------------------------------------------------------------------


def load_note(root: Path, rel: str, *, max_bytes: int = 2_000_000) -> NoteDoc:
    """Everything the preview needs to show the note at ``rel``, whatever state the file is in."""
    shown = inert_line(rel)
    path = safe_path(root, rel)
    if path is None:
        return NoteDoc(
            NoteKind.REFUSED, rel, None, message=f"Refused: {shown} is outside the notes folder"
        )
    try:
        if path.is_dir():
            return _load_folder(root, _as_folder(rel), path, max_bytes)
    except OSError as error:
        message = f"Cannot read {shown}: {_reason(error)}"
        return NoteDoc(NoteKind.UNREADABLE, rel, path, message=message)
    if rel.endswith("/"):
        return NoteDoc(NoteKind.MISSING, rel, path, message=f"Note folder not found: {shown}")
    return _load_file(rel, path, max_bytes)


def read_tags(root: Path, rel: str, *, root_is_real: bool = False) -> tuple[str, ...]:
    """A note's tags from its frontmatter head only, cheap enough to run over every note
    (``root_is_real``: ``root`` went through :func:`real_folder` once for the whole pass)."""
    path = existing_safe_path(root, rel, root_is_real=root_is_real)
    if path is None:
        return ()
    try:
        raw = _read_regular_file(path, FRONTMATTER_MAX_BYTES + 1024)
    except _FileProblem:
        return ()
    text = _decode(raw.data, cut=raw.truncated)[0].removeprefix("\ufeff")
    return split_frontmatter(text).tags


def create_note_stub(root: Path, rel: str, title: str) -> Path:
    """Create a missing note with its title as heading; never overwrites, never leaves the root."""
    shown = inert_line(rel)
    if not rel or rel.endswith("/") or os.path.isabs(rel):
        raise ReadnotesError(
            f"Cannot create a note at {shown!r}: not a file path in the notes folder"
        )
    relative = Path(rel)
    parent = _make_folder_inside(root, str(relative.parent), shown)
    heading = inert_line(title).strip() or relative.stem
    try:
        # "x" is O_CREAT | O_EXCL: it fails on any existing name, even a dangling symlink.
        with (
            writer_lock(parent / relative.name),
            open(parent / relative.name, "x", encoding="utf-8", newline="\n") as handle,
        ):
            handle.write(f"# {heading}\n")
    except FileExistsError:
        raise ReadnotesError(f"Note already exists: {shown}") from None
    except OSError as error:
        raise ReadnotesError(f"Cannot create {shown}: {_reason(error)}") from None
    return parent / relative.name


def _make_folder_inside(root: Path, rel_folder: str, shown: str) -> Path:
    """Create the note's folder, checking the root both before and after (a symlink may appear)."""
    folder = safe_path(root, rel_folder)
    if folder is None:
        raise ReadnotesError(f"Refused: {shown} is outside the notes folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReadnotesError(f"Cannot create the folder for {shown}: {_reason(error)}") from None
    if safe_path(root, rel_folder) != folder:
        raise ReadnotesError(f"Refused: {shown} is outside the notes folder")
    return folder


def _load_file(rel: str, path: Path, max_bytes: int) -> NoteDoc:
    shown = inert_line(rel)
    try:
        raw = _read_regular_file(path, max_bytes)
    except _FileProblem as problem:
        return NoteDoc(problem.kind, rel, path, message=f"{problem.message}: {shown}")
    doc = NoteDoc(NoteKind.MARKDOWN, rel, path, mtime_ns=raw.mtime_ns, size=raw.size)
    binary = _binary_kind(raw.data)
    if binary is not None:
        doc.kind, doc.message = NoteKind.BINARY, f"Not a text note ({binary}): {shown}"
        return doc
    text, valid = _decode(raw.data, cut=raw.truncated)
    if not valid:
        doc.kind = NoteKind.NOT_UTF8
        doc.message = f"Not valid UTF-8: {shown}; unreadable bytes are shown as �"
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        doc.kind, doc.message = NoteKind.EMPTY, f"This note is empty: {shown}"
        return doc
    parsed = split_frontmatter(text)
    doc.body, doc.meta, doc.tags = inert(parsed.body), parsed.meta, parsed.tags
    doc.warnings.extend(parsed.warnings)
    if raw.truncated:
        doc.truncated = True
        doc.warnings.append(
            f"Note truncated: only the first {len(raw.data):,} of {raw.size:,} bytes are shown"
        )
    return doc


def _load_folder(root: Path, rel: str, folder: Path, max_bytes: int) -> NoteDoc:
    readme = folder_note(folder)
    if readme is not None and safe_path(root, os.path.join(rel, readme)) is not None:
        doc = _load_file(rel, folder / readme, max_bytes)
        if doc.kind is NoteKind.MARKDOWN:
            doc.kind = NoteKind.FOLDER_README
        return doc
    body, warnings = _folder_listing(root, rel, folder)
    return NoteDoc(NoteKind.FOLDER_LISTING, rel, None, body=body, warnings=warnings)


def _read_regular_file(path: Path, max_bytes: int) -> _RawFile:
    """Read at most ``max_bytes``, cut at a line end; FIFOs and devices are refused (they block)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, NotADirectoryError):
        raise _FileProblem(NoteKind.MISSING, "Note file not found") from None
    except OSError as error:
        raise _FileProblem(
            NoteKind.UNREADABLE, f"Cannot read the note ({_reason(error)})"
        ) from None
    try:
        info = os.fstat(fd)
    except OSError:
        info = None
    if info is None or not stat.S_ISREG(info.st_mode):  # ``fdopen`` raises on a folder
        os.close(fd)
        raise _FileProblem(NoteKind.UNREADABLE, "Not a regular file")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(max_bytes + 1)
        except OSError as error:
            raise _FileProblem(
                NoteKind.UNREADABLE, f"Cannot read the note ({_reason(error)})"
            ) from None
    truncated = len(data) > max_bytes
    if truncated:
        data = _cut_at_line_end(data[:max_bytes])
    return _RawFile(data, truncated, info.st_mtime_ns, info.st_size)


def _cut_at_line_end(data: bytes) -> bytes:
    end = data.rfind(b"\n")
    return data[: end + 1] if end >= 0 else data


def _decode(data: bytes, *, cut: bool = False) -> tuple[str, bool]:
    """Decode UTF-8; with ``cut``, a character split by truncation at the very end is dropped."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        return decoder.decode(data, final=not cut), True
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), False


def _binary_kind(data: bytes) -> str | None:
    for signature, description in _BINARY_SIGNATURES:
        if data.startswith(signature):
            return description
    if b"\x00" in data[:_SNIFF_BYTES]:
        return "binary data"
    return None


def _as_folder(rel: str) -> str:
    rel = rel.strip("/")
    return "" if rel in ("", ".") else rel + "/"


def _reason(error: OSError) -> str:
    return inert_line(error.strerror or type(error).__name__)


# --- folders -----------------------------------------------------------------------------------


def folder_note(folder: Path) -> str | None:
    """The name of the file that stands for ``folder`` (:func:`names.folder_note_name`).

    None when the folder has none or cannot be listed.
    """
    try:
        return folder_note_name(entry.name for entry in os.scandir(folder) if _is_file(entry))
    except OSError:
        return None


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _folder_listing(root: Path, rel: str, folder: Path) -> tuple[str, list[str]]:
    files = _markdown_files(root, rel, folder)
    title = inert_line(rel or "Notes folder")
    lines = [f"# {_escape_text(title)}", ""]
    if not files:
        lines.append("No Markdown files in this folder.")
    else:
        lines.append("No README here; the Markdown files in this folder:")
        lines.append("")
        lines.extend(
            f"- [{_escape_text(shown_name(name))}]({quote(os.fsencode(name))})" for name in files
        )
    warnings = []
    if len(files) >= _LISTING_MAX_FILES:
        warnings.append(f"Only the first {_LISTING_MAX_FILES} files are listed")
    return "\n".join(lines) + "\n", warnings


def _markdown_files(root: Path, rel: str, folder: Path) -> list[str]:
    """Visible .md files under the folder, relative to it, staying inside the root."""
    found: list[str] = []
    for current, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted((d for d in dirs if not _is_skipped(d)), key=str.casefold)
        prefix = os.path.relpath(current, folder)
        for name in sorted(files, key=str.casefold):
            if _is_skipped(name) or not name.lower().endswith(".md"):
                continue
            inner = name if prefix == "." else f"{prefix}/{name}"
            if safe_path(root, rel + inner) is not None:
                found.append(inner)
            if len(found) >= _LISTING_MAX_FILES:
                return found
    return found


def _is_skipped(name: str) -> bool:
    """Hidden, temporary and backup files that editors and git leave behind."""
    return is_noise(name)


def _escape_text(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#!|])", r"\\\1", text)


# --- frontmatter -------------------------------------------------------------------------------


def split_frontmatter(text: str) -> Frontmatter:
    """Separate frontmatter from body; anything doubtful keeps the whole text as body."""
    if _YAML_OPEN.match(text):
        return _split_delimited(text, _YAML_OPEN, _YAML_CLOSE, _parse_yaml)
    if _TOML_OPEN.match(text):
        return _split_delimited(text, _TOML_OPEN, _TOML_CLOSE, _parse_toml)
    if _JSON_OPEN.match(text) and re.search(r"^\}[ \t]*$", text, re.MULTILINE):
        warning = "This note seems to start with JSON frontmatter, which is not read; shown as text"
        return Frontmatter([], (), text, [warning])
    return Frontmatter([], (), text, [])


@dataclass(slots=True)
class _Header:
    meta: list[tuple[str, str]]
    tags: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)


# What a block parser returns: the header, a warning (whole text shown), or None when the block is
# not frontmatter after all.
_Parsed = _Header | str | None


def _split_delimited(
    text: str,
    opening: re.Pattern[str],
    closing: re.Pattern[str],
    parse: Callable[[str], _Parsed],
) -> Frontmatter:
    start = opening.match(text)
    assert start is not None
    close = closing.search(text, start.end())
    if close is None:
        return Frontmatter([], (), text, [])
    block = text[start.end() : close.start()]
    if len(block.encode("utf-8", errors="replace")) > FRONTMATTER_MAX_BYTES:
        limit = FRONTMATTER_MAX_BYTES // 1024
        warning = (
            f"The text between the first two --- lines is over {limit} KB: not read as frontmatter"
        )
        return Frontmatter([], (), text, [warning])
    header = parse(block)
    if isinstance(header, str):
        return Frontmatter([], (), text, [header])
    if header is None:
        return Frontmatter([], (), text, [])
    return Frontmatter(header.meta, header.tags, text[close.end() :], header.warnings)


def _parse_yaml(block: str) -> _Parsed:
    """Compose first (no objects built), check the size, then let the safe loader judge the tags."""
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
        yaml, "CSafeLoader", yaml.SafeLoader
    )
    try:
        node = yaml.compose(block, Loader=loader)
    except Exception as error:  # YAMLError, RecursionError: never let a note raise
        return f"Frontmatter is not valid YAML ({_yaml_problem(error)}); shown as text"
    if node is None:
        return _Header([], ())
    if isinstance(node, yaml.ScalarNode):
        return None  # a horizontal rule, some prose, another rule: not frontmatter at all
    if not isinstance(node, yaml.MappingNode):
        return "Frontmatter is a YAML list, not key: value pairs; shown as text"
    if not _within_budget(node, _NODE_BUDGET, _DEPTH_LIMIT):
        return "Frontmatter is too large, too deep or too repetitive (YAML aliases); shown as text"
    header = _Header(_meta_from_yaml(node), _tags_from_yaml(node))
    try:
        YAMLHandler().load(block)  # python-frontmatter's loading: yaml.SafeLoader
    except yaml.YAMLError as error:  # e.g. a !!python/object tag: refuse the whole block
        return f"Frontmatter could not be read safely ({_yaml_problem(error)}); shown as text"
    except Exception as error:  # e.g. ValueError for 2023-02-30: values are shown as written
        header.warnings.append(f"Frontmatter has an odd value ({_yaml_problem(error)})")
    return header


def _within_budget(root: yaml.Node, budget: int, depth_limit: int) -> bool:
    """Count nodes as a consumer would meet them, aliases expanded, giving up past the budget.

    Composing an alias bomb is cheap (aliases share nodes); walking or building it is not, and a
    deep one would overflow the recursion of whoever walks it next.
    """
    import yaml

    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        budget -= 1
        node, depth = stack.pop()
        if budget < 0 or depth > depth_limit:
            return False
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend(((key, depth + 1), (value, depth + 1)))
    return True


def _meta_from_yaml(node: yaml.MappingNode) -> list[tuple[str, str]]:
    return [(_short(_as_written(key)), _short(_as_written(value))) for key, value in node.value]


def _as_written(node: yaml.Node) -> str:
    """A value as the file spells it: ``no`` stays ``no``, a date keeps its own form."""
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return " ".join(str(node.value).split())
    if isinstance(node, yaml.SequenceNode):
        return ", ".join(_as_written(item) for item in node.value)
    if isinstance(node, yaml.MappingNode):
        return ", ".join(f"{_as_written(k)}: {_as_written(v)}" for k, v in node.value)
    return ""  # pragma: no cover - compose yields only the three node kinds


def _tags_from_yaml(node: yaml.MappingNode) -> tuple[str, ...]:
    import yaml

    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and str(key.value).lower() in _TAG_KEYS:
            if isinstance(value, yaml.SequenceNode):
                items = [
                    str(item.value) for item in value.value if isinstance(item, yaml.ScalarNode)
                ]
                return _clean_tags(items)
            if isinstance(value, yaml.ScalarNode):
                return _clean_tags(_split_tag_text(str(value.value)))
    return ()


def _parse_toml(block: str) -> _Parsed:
    import tomllib

    try:
        table = tomllib.loads(block)
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        return f"Frontmatter is not valid TOML ({inert_line(str(error))}); shown as text"
    meta = [(_short(key), _short(_toml_text(value))) for key, value in table.items()]
    return _Header(meta, _tags_from_toml(table))


def _toml_text(value: object, depth: int = 0) -> str:
    if depth > _DEPTH_LIMIT:
        return "…"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_toml_text(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_toml_text(item, depth + 1)}" for key, item in value.items())
    return " ".join(str(value).split())


def _tags_from_toml(table: dict[str, Any]) -> tuple[str, ...]:
    for key, value in table.items():
        if key.lower() in _TAG_KEYS:
            if isinstance(value, list):
                return _clean_tags([str(item) for item in value if isinstance(item, str | int)])
            if isinstance(value, str):
                return _clean_tags(_split_tag_text(value))
    return ()


def _split_tag_text(text: str) -> list[str]:
    return text.split(",") if "," in text else text.split()


def _clean_tags(items: list[str]) -> tuple[str, ...]:
    tags = (inert_line(item).strip().lstrip("#").strip() for item in items)
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def _short(text: str) -> str:
    text = inert_line(text)
    return text if len(text) <= _VALUE_MAX_CHARS else text[: _VALUE_MAX_CHARS - 1] + "…"


def _yaml_problem(error: Exception) -> str:
    """One short line: PyYAML's messages span several lines and quote the offending text."""
    import yaml

    if isinstance(error, RecursionError):
        return "nested too deeply"
    if isinstance(error, yaml.MarkedYAMLError) and error.problem:
        where = f"line {error.problem_mark.line + 2}: " if error.problem_mark else ""
        return inert_line(where + error.problem)
    first_line = str(error).strip().split("\n", 1)[0]
    return _short(first_line or type(error).__name__)
