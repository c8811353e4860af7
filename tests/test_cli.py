"""The command line, run as a user runs it: a real subprocess on a copy of the sample folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPORA, write_index


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_help_and_version() -> None:
    help_run = run("--help")
    assert help_run.returncode == 0
    for command in ("list", "done", "todo", "check"):
        assert f"readnotes {command}" in help_run.stdout
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("readnotes ")


def test_list_groups_entries_by_category(notes_copy: Path) -> None:
    result = run("list", notes_copy)
    assert result.returncode == 0
    assert "Paper notes / Large Language Model / Knowledge distillation" in result.stdout
    assert "[ ] Textbooks Are All You Need II: phi-1.5 technical report  (line 15)" in result.stdout
    assert "[x] Attention Is All You Need  (line 9)" in result.stdout


def test_list_json_filters_and_match(notes_copy: Path) -> None:
    result = run("list", notes_copy, "--todo", "--json")
    entries = json.loads(result.stdout)
    assert [e["title"] for e in entries] == [
        "Textbooks Are All You Need II: phi-1.5 technical report",
        "Transformer Inference Arithmetic",
        "Ray",
    ]
    assert entries[2] == {
        "title": "Ray",
        "category": ["Blog notes"],
        "status": "todo",
        "note": "blogs/ray/",
        "links": [{"label": "Ray", "url": "./blogs/ray/"}],
        "line": 39,
    }
    done = json.loads(run("list", notes_copy, "--done", "--match", "DISTILL", "--json").stdout)
    assert [e["line"] for e in done] == [19, 21, 25, 27]


def test_done_and_todo_round_trip_the_bytes(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    original = index.read_bytes()
    result = run("done", notes_copy, "--match", "phi-1.5")
    assert result.returncode == 0 and "Marked done" in result.stdout
    assert b"* [Textbooks Are All You Need II" in index.read_bytes()
    again = run("done", notes_copy, "--match", "phi-1.5")
    assert again.returncode == 0 and "Already done" in again.stdout
    assert run("todo", notes_copy, "--line", "15").returncode == 0
    assert index.read_bytes() == original


def test_ambiguous_or_missing_match_writes_nothing(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    original = index.read_bytes()
    several = run("done", notes_copy, "--match", "distill")
    assert several.returncode == 2
    assert "line 19: Distilling Step-by-Step" in several.stderr
    none = run("todo", notes_copy, "--match", "no such paper")
    assert none.returncode == 2 and "no entry matches" in none.stderr
    assert run("done", notes_copy).returncode == 2  # --match or --line is required
    assert index.read_bytes() == original


def test_check_reports_missing_notes_orphans_escapes_and_duplicates(notes_copy: Path) -> None:
    (notes_copy / "papers" / "orphan.md").write_text("# Nobody links here\n")
    (notes_copy / "papers" / ".hidden.md").write_text("# hidden\n")
    (notes_copy / "papers" / "draft.md~").write_text("# backup\n")
    with (notes_copy / "README.md").open("a") as handle:
        handle.write("\n* [Out](../outside.md)\n* [Ray again](./blogs/ray/)\n")
    result = run("check", notes_copy)
    assert result.returncode == 1
    out = result.stdout
    assert "README.md:37: note not found: blogs/TransformerInferenceArithmetic.md" in out
    assert "no entry links to papers/orphan.md" in out
    assert ".hidden" not in out and "draft.md~" not in out
    assert "link escapes the notes folder: ../outside.md" in out
    assert "duplicate of line 39" in out
    problems = json.loads(run("check", notes_copy, "--json").stdout)
    assert {p["kind"] for p in problems} == {"missing-note", "orphan", "escapes-root", "duplicate"}


def test_check_is_clean_on_a_tidy_folder(tmp_path: Path) -> None:
    write_index(tmp_path, "* [A](./a.md)\n* [Web](https://w)\n")
    (tmp_path / "a.md").write_text("# A\n")
    result = run("check", tmp_path)
    assert result.returncode == 0 and "no problems" in result.stdout


def test_a_folder_named_like_a_command_is_reached_with_dot_slash(tmp_path: Path) -> None:
    write_index(tmp_path / "list", "* [A](https://a)\n")
    result = run("list", "./list", cwd=tmp_path)
    assert result.returncode == 0 and "[x] A" in result.stdout


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "No such file or folder"),
        ("no-index", "No index in"),
        ("readme-is-a-folder", "No index in"),
    ],
)
def test_bad_paths_are_one_clear_line(tmp_path: Path, setup: str, message: str) -> None:
    target = tmp_path / "x"
    if setup != "missing":
        target.mkdir()
    if setup == "readme-is-a-folder":
        (target / "README.md").mkdir()
    result = run("list", target)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "data",
    [b"", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, b"* [caf\xe9](https://c)\n"],
    ids=["empty", "binary", "latin1"],
)
def test_odd_indexes_never_traceback(tmp_path: Path, data: bytes) -> None:
    write_index(tmp_path, data)
    result = run("list", tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    json.loads(result.stdout)


def test_control_characters_in_titles_are_inert_on_the_terminal(tmp_path: Path) -> None:
    write_index(tmp_path, "* [evil\x1b]52;c;aGk=\x07 title](https://e)\n")
    result = run("list", tmp_path)
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil" in result.stdout


def test_real_corpora_list_as_json() -> None:
    result = run("list", CORPORA / "avelino__awesome-go__README.md", "--json")
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) > 2900
