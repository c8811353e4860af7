"""Reading an index file: finding it in its folder and decoding its bytes with exact offsets.

Undecodable bytes become one ``?`` each, so offsets into the decoded text's UTF-8 are offsets into
the file: the editor changes one marker by its byte range and nothing else.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from app.core.errors import IndexNotFoundError
from app.core.index_file import not_an_index_file, odd_index_in
from app.core.names import folder_note_name

BOM = b"\xef\xbb\xbf"
_BINARY_SNIFF = 8192  # bytes looked at for a NUL
_BINARY_NULS = 16  # more NUL bytes than this in all is not text
_BINARY = "The index looks binary; showing what could be read"
_NOT_UTF8 = "The index is not valid UTF-8; undecodable bytes are shown as '?'"


def _substitute_invalid(error: UnicodeError) -> tuple[str, int]:
    """Replace each undecodable byte by one ASCII byte, so byte offsets stay exact."""
    assert isinstance(error, UnicodeDecodeError)
    return "?" * (error.end - error.start), error.end


codecs.register_error("readnotes-same-length", _substitute_invalid)


def find_index(path: Path) -> Path:
    """The index file for a notes folder, or the file itself when one is named."""
    if not path.exists():
        if path.is_symlink():
            raise IndexNotFoundError(not_an_index_file(path) or f"A broken symlink: {path}")
        raise IndexNotFoundError(f"No such file or folder: {path}")
    if path.is_file():
        return path
    if not path.is_dir():
        raise IndexNotFoundError(not_an_index_file(path) or f"Not a file or folder: {path}")
    try:
        names = [child.name for child in path.iterdir() if child.is_file()]
    except OSError as exc:
        raise IndexNotFoundError(f"Cannot read folder {path}: {exc.strerror}") from exc
    found = folder_note_name(names)
    if found is not None:
        return path / found
    raise IndexNotFoundError(
        odd_index_in(path) or f"No index in {path}: expected README.md or index.md"
    )


def decode_index(data: bytes) -> tuple[str, int, list[str]]:
    """Text to hand the parser, the byte offset it starts at, and warnings.

    Offsets into the UTF-8 encoding of the returned text equal offsets into ``data`` plus the
    start offset, even when ``data`` holds invalid UTF-8.
    """
    warnings: list[str] = []
    start = 3 if data.startswith(BOM) else 0
    body = data[start:]
    if looks_binary(body):
        warnings.append(_BINARY)
    text = body.decode("utf-8", errors="readnotes-same-length")
    if "?" in text and _has_invalid_utf8(body):
        warnings.append(_NOT_UTF8)
    return text, start, warnings


def header_warnings(data: bytes, start: int) -> list[str]:
    """What is wrong with the file as a whole."""
    warnings: list[str] = []
    if looks_binary(data):
        warnings.append(_BINARY)
    if _has_invalid_utf8(data[start:]):
        warnings.append(_NOT_UTF8)
    return warnings


def looks_binary(data: bytes) -> bool:
    """More NUL bytes near the start, and in all, than any text holds: a binary file."""
    return b"\x00" in data[:_BINARY_SNIFF] and data.count(b"\x00") > _BINARY_NULS


def index_digest(data: bytes) -> str:
    """The digest a model carries of the bytes it was parsed from: a re-read or a write compares
    it with the file's to know whether the file still holds them."""
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> str:
    return data.decode("utf-8", errors="readnotes-same-length")


def _has_invalid_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False
