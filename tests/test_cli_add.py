"""readnotes add, run as a user runs it: a subprocess on a copy of the sample folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import write_index


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_add_writes_one_line_creates_the_note_and_says_so(notes_copy: Path) -> None:
    before = (notes_copy / "README.md").read_bytes()
    result = run(
        "add",
        notes_copy,
        "--title",
        "Orca: Progressive Learning",
        "--category",
        "Paper notes/Large Language Model/Knowledge distillation",
        "--url",
        "2306.02707",
        "--url",
        "https://github.com/microsoft/orca",
        "--todo",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Added to Paper notes / Large Language Model / Knowledge distillation:"
        " Orca: Progressive Learning (line 29); created papers/LLM/distillation/Orca.md\n"
    )
    line = (
        b"\n* TODO [Orca: Progressive Learning](./papers/LLM/distillation/Orca.md)"
        b" [[paper](https://arxiv.org/abs/2306.02707)] [[code](https://github.com/microsoft/orca)]\n"
    )
    after = (notes_copy / "README.md").read_bytes()
    k = after.index(line)
    assert after[:k] + after[k + len(line) :] == before
    assert (notes_copy / "papers/LLM/distillation/Orca.md").read_text().startswith("---\n")
    listed = run("list", notes_copy, "--todo", "--match", "orca")
    assert "[ ] Orca: Progressive Learning  (line 29)" in listed.stdout


def test_add_without_a_note_and_by_the_last_part_of_the_category(notes_copy: Path) -> None:
    result = run("add", notes_copy, "--title", "Some post", "--category", "blog notes", "--no-note")
    assert result.returncode == 0, result.stderr
    assert "* Some post\n" in (notes_copy / "README.md").read_text()
    assert "created" not in result.stdout


def test_refusals_exit_2_with_the_reason_and_write_nothing(notes_copy: Path) -> None:
    before = (notes_copy / "README.md").read_bytes()
    duplicate = run("add", notes_copy, "--title", "RAY", "--category", "Blog notes")
    assert duplicate.returncode == 2
    assert "Already in Blog notes: Ray" in duplicate.stderr
    missing = run("add", notes_copy, "--title", "X", "--category", "Nope")
    assert missing.returncode == 2
    assert "No category 'Nope'" in missing.stderr and "Book notes" in missing.stderr
    bad_link = run("add", notes_copy, "--title", "X", "--category", "Book notes", "--url", "x")
    assert bad_link.returncode == 2 and "Not a web link or an arXiv id" in bad_link.stderr
    no_category = run("add", notes_copy, "--title", "X")
    assert no_category.returncode == 2 and "Name a category" in no_category.stderr
    no_title = run("add", notes_copy)
    assert no_title.returncode == 2 and "--title" in no_title.stderr
    assert (notes_copy / "README.md").read_bytes() == before
    assert "Traceback" not in duplicate.stderr + missing.stderr + bad_link.stderr


def test_a_slash_in_a_heading_matches_as_written_or_escaped(tmp_path: Path) -> None:
    path = write_index(tmp_path / "n", "## I/O\n\n- [a](https://a.test)\n")
    assert run("add", path, "--title", "b", "--category", "I/O").returncode == 0
    assert run("add", path, "--title", "c", "--category", "I\\/O").returncode == 0
    assert path.read_text() == "## I/O\n\n- [a](https://a.test)\n- b\n- c\n"
