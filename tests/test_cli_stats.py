"""``readnotes stats``: the progress table, and ``readnotes done`` recording the date when asked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from tests.conftest import write_index


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        env=os.environ.copy(),
    )


def test_stats_prints_the_table(notes_copy: Path) -> None:
    result = run("stats", notes_copy)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines()[1:] == [
        "Paper notes                     9     10   90%  █████████░",
        "  Large Language Model          9     10   90%  █████████░",
        "    Knowledge distillation      5      5  100%  ██████████",
        "Blog notes                      3      5   60%  ██████░░░░",
        "Book notes                      1      1  100%  ██████████",
        "Overall                        13     16   81%  ████████░░",
    ]


def test_stats_json(notes_copy: Path) -> None:
    data = json.loads(run("stats", notes_copy, "--json").stdout)
    assert data["overall"] == {"done": 13, "total": 16, "percent": 81}
    assert [row["category"][-1] for row in data["categories"]] == [
        "Paper notes",
        "Large Language Model",
        "Knowledge distillation",
        "Blog notes",
        "Book notes",
    ]


def test_stats_follows_a_mark(notes_copy: Path) -> None:
    assert run("done", notes_copy, "--match", "Ray").returncode == 0
    assert run("stats", notes_copy).stdout.splitlines()[-1].split()[1:4] == ["14", "16", "87%"]


def test_stats_defaults_to_the_current_folder_and_says_what_is_missing(tmp_path: Path) -> None:
    write_index(tmp_path, "## Only\n\n- [ ] a\n- [x] b\n")
    assert run("stats", cwd=tmp_path).stdout.splitlines()[-1].split()[1:4] == ["1", "2", "50%"]
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = run("stats", cwd=empty)
    assert missing.returncode == 2 and missing.stderr.startswith("readnotes: error:")
    assert "Traceback" not in missing.stderr


def test_the_help_lists_stats_and_config() -> None:
    out = run("--help").stdout
    assert "readnotes stats [PATH] [--json]" in out and "--config FILE" in out
    assert "--config" in run("stats", "--help").stdout


def test_done_records_the_date_only_when_the_config_asks(notes_copy: Path, tmp_path: Path) -> None:
    note = notes_copy / "papers" / "LLM" / "Phi1.5.md"  # a note without frontmatter
    before = note.read_bytes()
    assert run("done", notes_copy, "--match", "phi-1.5").returncode == 0
    assert note.read_bytes() == before
    assert run("todo", notes_copy, "--match", "phi-1.5").returncode == 0

    config = tmp_path / "config.toml"
    config.write_text("record_done_date = true\n")
    result = run("done", notes_copy, "--match", "phi-1.5", "--config", config)
    assert result.returncode == 0 and result.stderr == ""
    after = note.read_bytes()
    assert after == f"---\ndone: {date.today().isoformat()}\n---\n".encode() + before
    # marking it TODO again leaves the record
    run("todo", notes_copy, "--match", "phi-1.5", "--config", config)
    assert note.read_bytes() == after


def test_a_refused_date_is_a_warning_and_the_mark_stands(notes_copy: Path, tmp_path: Path) -> None:
    note = notes_copy / "blogs" / "TransformerInferenceArithmetic.md"
    note.write_bytes(b"---\n- a list, not fields\n---\n# T\n")
    config = tmp_path / "config.toml"
    config.write_text("record_done_date = true\n")
    result = run("done", notes_copy, "--match", "Transformer Inference", "--config", config)
    assert result.returncode == 0
    assert result.stdout.startswith("Marked done: Transformer Inference Arithmetic")
    assert result.stderr == (
        "readnotes: warning: Frontmatter is a YAML list, not key: value pairs;"
        " done date not recorded\n"
    )
    assert note.read_bytes() == b"---\n- a list, not fields\n---\n# T\n"
