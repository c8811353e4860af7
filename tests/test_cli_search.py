"""``readnotes search``, run as a user runs it: grep-like lines, JSON, grep's exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import write_index
from tests.test_cli import run


def test_search_prints_note_line_and_text_per_hit(notes_copy: Path) -> None:
    result = run("search", notes_copy, "sinusoidal")
    assert result.returncode == 0
    assert result.stdout == (
        "papers/LLM/AttentionIsAllYouNeed.md:29: "
        "Order is injected with fixed sinusoidal positional encodings. Base model:\n"
    )


def test_search_finds_frontmatter_case_insensitively(notes_copy: Path) -> None:
    result = run("search", notes_copy, "ASHISH VASWANI")
    assert result.returncode == 0
    assert result.stdout.startswith("papers/LLM/AttentionIsAllYouNeed.md:3: authors: [Ashish")


def test_search_with_the_folder_omitted_uses_the_current_one(notes_copy: Path) -> None:
    result = run("search", "sinusoidal", cwd=notes_copy)
    assert result.returncode == 0 and "AttentionIsAllYouNeed.md:29:" in result.stdout


def test_no_hit_exits_1_like_grep(notes_copy: Path) -> None:
    result = run("search", notes_copy, "no such words anywhere")
    assert result.returncode == 1
    assert result.stdout == "" and result.stderr == ""


def test_json_lists_every_hit_with_its_span(notes_copy: Path) -> None:
    result = run("search", notes_copy, "sinusoidal", "--json")
    assert result.returncode == 0
    hits = json.loads(result.stdout)
    assert len(hits) == 1
    hit = hits[0]
    assert hit["title"] == "Attention Is All You Need"
    assert hit["category"] == ["Paper notes", "Large Language Model"]
    assert (hit["note"], hit["line"], hit["frontmatter"]) == (
        "papers/LLM/AttentionIsAllYouNeed.md",
        29,
        False,
    )
    assert hit["text"][hit["start"] : hit["end"]] == "sinusoidal"
    none = run("search", notes_copy, "no such words anywhere", "--json")
    assert none.returncode == 1 and json.loads(none.stdout) == []


def test_escape_sequences_in_a_note_reach_the_terminal_inert(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    write_index(root, "# R\n\n* [Evil](./evil.md)\n")
    (root / "evil.md").write_bytes(b"title \x1b]0;pwned\x07 apple\n")
    result = run("search", root, "apple")
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert result.stdout.startswith("evil.md:1: title ")


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run("search", tmp_path / "nowhere", "apple")
    assert result.returncode == 2
    assert result.stderr.startswith("readnotes: error:")


def test_help_lists_search() -> None:
    assert "readnotes search [PATH] TEXT [--json]" in run("--help").stdout
