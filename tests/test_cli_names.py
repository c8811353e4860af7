"""Odd names from the folder, as a user meets them on the command line.

A file name that is not UTF-8 is printed with its bad byte escaped (``bad\\xff.md``), JSON is
valid UTF-8 (strict readers such as jq take it), and an index that is a FIFO, a socket or a
folder is said to be one, at once, without hanging on it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_index

BAD = os.fsdecode(b"bad\xff.md")  # the str Python hands over: bad\udcff.md
INSIDE = os.fsdecode(b"in\xfe.md")


def readnotes(*args: str | Path) -> tuple[int, str, str]:
    """Run it; stdout and stderr decoded strictly (a stray byte or surrogate fails the test)."""
    done = subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)], capture_output=True, timeout=30
    )
    return done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")


def no_surrogates(value: object) -> bool:
    """True when no string in the decoded JSON holds a code point in U+D800..U+DFFF."""
    if isinstance(value, str):
        return not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return all(no_surrogates(k) and no_surrogates(v) for k, v in value.items())
    if isinstance(value, list):
        return all(no_surrogates(item) for item in value)
    return True


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_index(tmp_path, "# N\n\n## Papers\n\n* [A](./a.md)\n* TODO [Folder](./dir/)\n")
    (tmp_path / "a.md").write_text("# A\nthe needle is here\n")
    (tmp_path / BAD).write_text("# orphan with a bad name\n")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / INSIDE).write_text("# inside\nanother needle\n")
    return tmp_path


def test_check_names_a_bad_file_with_its_byte_escaped(folder: Path) -> None:
    code, out, err = readnotes("check", folder)
    assert code == 1 and err == ""
    assert "README.md: no entry links to bad\\xff.md\n" in out
    assert "\\udc" not in out


def test_check_json_is_strict_utf8_with_the_exact_name_beside(folder: Path) -> None:
    code, out, _ = readnotes("check", folder, "--json")
    problems = json.loads(out)
    assert code == 1 and no_surrogates(problems)
    orphan = next(p for p in problems if p["kind"] == "orphan")
    assert orphan["path"] == "bad\ufffd.md"
    assert orphan["path_bytes"] == "bad\\xff.md"
    assert orphan["message"] == "no entry links to bad\ufffd.md"
    assert (folder / os.fsdecode(unescape(orphan["path_bytes"]))).read_text().startswith("# orphan")


def unescape(text: str) -> bytes:
    """What a tool does with ``path_bytes``: ``\\xNN`` is byte NN, ``\\\\`` a backslash."""
    out = bytearray()
    position = 0
    for found in re.finditer(r"\\\\|\\x([0-9a-f]{2})", text):
        out += text[position : found.start()].encode()
        out += b"\\" if found.group(1) is None else bytes([int(found.group(1), 16)])
        position = found.end()
    return bytes(out + text[position:].encode())


def test_search_names_a_note_inside_a_folder_with_its_byte_escaped(folder: Path) -> None:
    code, out, _ = readnotes("search", folder, "needle")
    assert code == 0
    assert "dir/in\\xfe.md:2: another needle\n" in out and "\\udc" not in out
    code, out, _ = readnotes("search", folder, "needle", "--json")
    hits = json.loads(out)
    assert no_surrogates(hits)
    assert {hit["note"] for hit in hits} == {"a.md", "dir/in\ufffd.md"}


def test_every_command_prints_no_lone_surrogate(folder: Path) -> None:
    for args in (("list",), ("list", "--json"), ("stats", "--json"), ("stats",)):
        code, out, err = readnotes(args[0], folder, *args[1:])
        assert code == 0 and "\\udc" not in out + err
        if "--json" in args:
            assert no_surrogates(json.loads(out))


def test_an_error_naming_a_bad_path_escapes_its_byte(tmp_path: Path) -> None:
    code, _, err = readnotes("list", tmp_path / os.fsdecode(b"gone\xff"))
    assert code == 2
    assert err == f"readnotes: error: No such file or folder: {tmp_path}/gone\\xff\n"


@pytest.mark.parametrize("command", [["list"], ["done", "--line", "1"], []])
def test_a_fifo_named_readme_is_said_to_be_one_at_once(tmp_path: Path, command: list[str]) -> None:
    os.mkfifo(tmp_path / "README.md")
    args = [*command[:1], str(tmp_path), *command[1:]]
    code, out, err = readnotes(*args)  # a hang would hit the timeout and fail
    assert code == 2 and out == ""
    assert err == (
        f"readnotes: error: No index in {tmp_path}: README.md is a FIFO (named pipe), not a file\n"
    )


def test_a_folder_named_readme_is_said_to_be_one(tmp_path: Path) -> None:
    (tmp_path / "README.md").mkdir()
    code, _, err = readnotes("list", tmp_path)
    assert code == 2
    assert err == f"readnotes: error: No index in {tmp_path}: README.md is a folder, not a file\n"
