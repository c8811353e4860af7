"""File names as a person reads them, and as strict JSON readers accept them.

On Linux a file name is bytes; Python hands one that is not UTF-8 (``bad\\xff.md``) over as a
``str`` holding a lone surrogate (``bad\\udcff.md``, PEP 383). Printed as is, that surrogate is
either an encoding error or the text ``\\udcff``, and a JSON string holding it is rejected or
garbled by jq, Go and serde. So a name shown to a person has its undecodable bytes escaped
visibly (:func:`shown_name`: ``bad\\xff.md``); in JSON, ``path`` is valid UTF-8 with U+FFFD for
those bytes (:func:`json_name`) and ``path_bytes`` carries the exact name (:func:`name_bytes`).
"""

from __future__ import annotations

import codecs
import os
import re
from typing import TypeVar

from app.core.sanitize import inert_line

VISIBLE_ERRORS = "readnotes-visible"  # an encoding error handler: surrogates as \xNN text
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTES = range(0xDC80, 0xDD00)  # surrogateescape's range: byte 0xNN is U+DCNN
T = TypeVar("T")

Name = str | bytes | os.PathLike[str] | os.PathLike[bytes]


def _raw(name: Name) -> bytes | None:
    """The exact bytes of ``name``; None for a str whose surrogates are not escaped bytes."""
    try:
        return os.fsencode(name)
    except UnicodeEncodeError:
        return None


def visible(text: Name) -> str:
    """``text`` with every undecodable byte written ``\\xNN``: no lone surrogate is left."""
    if isinstance(text, str) and _SURROGATE.search(text) is None:
        return text
    raw = _raw(text)
    if raw is None:  # a surrogate that stands for no byte: written like Python writes it
        return os.fspath(text).encode("utf-8", "backslashreplace").decode("utf-8")  # type: ignore[union-attr]
    return raw.decode("utf-8", "backslashreplace")


def shown_name(name: Name) -> str:
    """The name for text output, the browser and notices: ``bad\\xff.md``, controls inert."""
    return inert_line(visible(name))


def json_name(name: Name) -> str:
    """The name as valid UTF-8 for JSON's ``path``: U+FFFD for each undecodable byte."""
    if isinstance(name, str) and _SURROGATE.search(name) is None:
        return name
    raw = _raw(name)
    if raw is None:
        return _SURROGATE.sub("\ufffd", os.fspath(name))  # type: ignore[arg-type]
    return raw.decode("utf-8", "replace")


def name_bytes(name: Name) -> str:
    """The exact name for JSON's ``path_bytes``: undecodable bytes as ``\\xNN``, ``\\`` as ``\\\\``.

    Reversible: a backslash is always followed by ``\\`` or ``xNN``.
    """
    raw = _raw(name)
    if raw is None:
        raw = os.fspath(name).encode("utf-8", "surrogatepass")  # type: ignore[union-attr]
    return raw.replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


def json_safe(value: T) -> T:
    """``value`` (JSON-ready data) with every string made valid UTF-8 by :func:`json_name`."""
    if isinstance(value, str):
        return json_name(value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}  # type: ignore[return-value]
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]  # type: ignore[return-value]
    return value


def _visible_errors(error: UnicodeError) -> tuple[str, int]:
    """For a text stream: an escaped byte becomes ``\\xNN``, anything else unencodable as usual."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return "".join(map(_escape, map(ord, chunk))), error.end


def _escape(code: int) -> str:
    """As ``backslashreplace`` writes it, but an escaped byte as the byte it stands for."""
    if code in _ESCAPED_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


codecs.register_error(VISIBLE_ERRORS, _visible_errors)
