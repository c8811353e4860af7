"""Names as a person reads them: undecodable bytes visible as \\xNN; JSON strict and exact."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from app.core.check import Problem
from app.core.display_names import (
    VISIBLE_ERRORS,
    json_name,
    json_safe,
    name_bytes,
    shown_name,
    visible,
)
from app.core.notes import load_note

BAD = os.fsdecode(b"bad\xff.md")


@pytest.mark.parametrize("name", [BAD, b"bad\xff.md"])
def test_a_bad_byte_is_shown_escaped_and_json_gets_a_replacement(name: str | bytes) -> None:
    assert shown_name(name) == "bad\\xff.md"
    assert json_name(name) == "bad\ufffd.md"
    assert name_bytes(name) == "bad\\xff.md"


def test_good_names_pass_unchanged_and_controls_are_inert() -> None:
    assert shown_name("Ünïcode 论文.md") == "Ünïcode 论文.md"
    assert json_name("Ünïcode 论文.md") == "Ünïcode 论文.md"
    assert shown_name("a\x1b[2Jb.md") == "a\u241b[2Jb.md"
    assert name_bytes("back\\slash.md") == "back\\\\slash.md"  # exact: a real backslash doubled


def test_a_surrogate_that_stands_for_no_byte_is_still_never_printed() -> None:
    assert visible("x\ud800") == "x\\ud800"
    assert json_name("x\ud800") == "x\ufffd"


def test_json_safe_cleans_every_string_and_strict_json_follows() -> None:
    data = json_safe([{"path": BAD, BAD: [BAD, 3, None]}])
    text = json.dumps(data, ensure_ascii=False)
    text.encode("utf-8")  # strict: a lone surrogate would raise here
    assert json.loads(text) == [{"path": "bad\ufffd.md", "bad\ufffd.md": ["bad\ufffd.md", 3, None]}]


def test_a_problem_naming_a_file_carries_its_exact_name() -> None:
    problem = Problem("orphan", None, f"no entry links to {BAD}", BAD).to_json()
    assert problem["path"] == "bad\ufffd.md" and problem["path_bytes"] == "bad\\xff.md"
    assert problem["message"] == "no entry links to bad\ufffd.md"
    assert Problem("duplicate", 3, "duplicate of line 1: A").to_json()["path_bytes"] is None


def test_a_text_stream_with_the_handler_writes_the_byte_escaped() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", errors=VISIBLE_ERRORS)
    stream.write(f"{BAD} é\n")
    stream.flush()
    assert raw.getvalue() == "bad\\xff.md é\n".encode()
    ascii_raw = io.BytesIO()
    ascii_stream = io.TextIOWrapper(ascii_raw, encoding="ascii", errors=VISIBLE_ERRORS)
    ascii_stream.write("é 😀")
    ascii_stream.flush()
    assert ascii_raw.getvalue() == b"\\xe9 \\U0001f600"  # as backslashreplace did


def test_a_folder_listing_in_the_preview_shows_a_bad_name_escaped(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / BAD).write_text("# odd\n")
    doc = load_note(tmp_path, "dir/")
    assert "- [bad\\\\xff.md](bad%FF.md)" in doc.body  # the label's backslash escaped for Markdown
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in doc.body)
