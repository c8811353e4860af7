"""The commands on a folder of sub-indexes, run as a user runs them (real subprocesses)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.subindex_tree import write_tree
from tests.test_cli import run


@pytest.fixture
def tree_folder(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "summaries")


def snapshot(folder: Path) -> dict[Path, bytes]:
    """Every file's bytes; the writers' hidden lock files are noise (see README: done / todo)."""
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name[0] != "."}


def test_list_continues_the_category_paths_into_each_sub_index(tree_folder: Path) -> None:
    result = run("list", tree_folder)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == (
        "Areas\n"
        "  [ ] A loose paper  (line 9)\n"
        "\n"
        "Areas / Computer vision\n"
        "  [x] ViT  (cv/index.md line 4)\n"
        "  [ ] DETR  (cv/index.md line 5)\n"
        "  [x] Shared with NLP  (cv/index.md line 6)\n"
        "\n"
        "Areas / Computer vision / GANs / Classic\n"
        "  [x] DCGAN  (cv/gan/index.md line 5)\n"
        "  [ ] StyleGAN  (cv/gan/index.md line 6)\n"
        "\n"
        "Areas / NLP\n"
        "  [x] BERT  (nlp/README.md line 3)\n"
        "  [ ] T5  (nlp/README.md line 4)\n"
    )


def test_list_json_names_the_file_of_entries_not_in_the_root_index(tree_folder: Path) -> None:
    entries = json.loads(run("list", tree_folder, "--json", "--todo").stdout)
    assert entries[0] == {
        "title": "A loose paper",
        "category": ["Areas"],
        "status": "todo",
        "note": "loose.md",
        "links": [{"label": "A loose paper", "url": "loose.md"}],
        "line": 9,
    }
    assert entries[2] == {
        "title": "StyleGAN",
        "category": ["Areas", "Computer vision", "GANs", "Classic"],
        "status": "todo",
        "note": "cv/gan/stylegan/summary.md",
        "links": [
            {"label": "StyleGAN", "url": "cv/gan/stylegan/summary.md"},
            {"label": "paper", "url": "https://arxiv.org/abs/1812.04948"},
        ],
        "line": 6,
        "file": "cv/gan/index.md",
    }
    assert [e.get("file") for e in entries] == [
        None,
        "cv/index.md",
        "cv/gan/index.md",
        "nlp/README.md",
    ]


def test_stats_and_search_see_the_whole_tree(tree_folder: Path) -> None:
    stats = run("stats", tree_folder)
    assert stats.returncode == 0
    lines = stats.stdout.splitlines()
    assert lines[1].split()[:3] == ["Areas", "4", "8"]
    assert [line.split()[0] for line in lines[2:6]] == ["Computer", "GANs", "Classic", "NLP"]
    assert lines[-1].split()[:3] == ["Overall", "4", "8"]
    found = run("search", tree_folder, "# cv/gan/dcgan")
    assert found.stdout == "cv/gan/dcgan/summary.md:1: # cv/gan/dcgan/summary.md\n"


def test_check_is_clean_then_names_the_sub_index_file_and_line(tree_folder: Path) -> None:
    clean = run("check", tree_folder)
    assert (clean.returncode, clean.stdout) == (0, "8 entries, no problems\n")
    (tree_folder / "nlp/t5/summary.md").unlink()
    (tree_folder / "cv/stray.md").write_text("# not linked\n")
    found = run("check", tree_folder)
    assert found.returncode == 1
    assert found.stdout == (
        "nlp/README.md:4: note not found: nlp/t5/summary.md\n"
        "README.md: no entry links to cv/stray.md\n"
    )
    problems = json.loads(run("check", tree_folder, "--json").stdout)
    assert problems[0]["file"] == "nlp/README.md" and problems[0]["line"] == 4


def test_done_and_todo_rewrite_only_the_marker_in_the_sub_index_crlf_kept(
    tree_folder: Path,
) -> None:
    before = snapshot(tree_folder)
    nlp = tree_folder / "nlp/README.md"
    done = run("done", tree_folder, "--match", "t5")
    assert (done.returncode, done.stdout) == (0, "Marked done: T5\n")
    assert nlp.read_bytes() == before[nlp].replace(b"- [ ] [T5]", b"- [x] [T5]")
    changed = {p for p, data in snapshot(tree_folder).items() if before.get(p) != data}
    assert changed == {nlp}
    back = run("todo", tree_folder, "--line", "nlp/README.md:4")
    assert (back.returncode, back.stdout) == (0, "Marked TODO: T5\n")
    assert snapshot(tree_folder) == before
    gan = tree_folder / "cv/gan/index.md"
    assert run("done", tree_folder, "--match", "stylegan").returncode == 0
    assert gan.read_bytes() == before[gan].replace(b"- TODO [StyleGAN]", b"- [StyleGAN]")


def test_line_numbers_name_their_file(tree_folder: Path) -> None:
    before = snapshot(tree_folder)
    nothing = run("done", tree_folder, "--line", "4")  # the root index's line 4 is no entry
    assert nothing.returncode == 2 and "no entry matches --line 4" in nothing.stderr
    several = run("done", tree_folder, "--match", "a")
    assert several.returncode == 2
    assert "  cv/gan/index.md:5: DCGAN\n" in several.stderr
    bad = run("done", tree_folder, "--line", "cv/index.md:x")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "not a line number" in bad.stderr
    assert snapshot(tree_folder) == before


def test_add_writes_into_the_sub_index_in_its_own_style(tree_folder: Path) -> None:
    before = snapshot(tree_folder)
    nlp = tree_folder / "nlp/README.md"
    added = run(
        "add", tree_folder, "--title", "XLNet", "--category", "NLP", "--url", "1906.08237", "--todo"
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout == (
        "Added to Areas / NLP (nlp/README.md): XLNet (line 5); created nlp/xlnet/summary.md\n"
    )
    assert nlp.read_bytes() == before[nlp] + (
        b"- [ ] [XLNet](xlnet/summary.md) [[paper](https://arxiv.org/abs/1906.08237)]\r\n"
    )
    assert (tree_folder / "nlp/xlnet/summary.md").exists()
    listed = json.loads(run("list", tree_folder, "--json", "--match", "xlnet").stdout)
    assert listed[0]["note"] == "nlp/xlnet/summary.md" and listed[0]["file"] == "nlp/README.md"
    assert run("check", tree_folder).returncode == 0


def test_an_unreadable_sub_index_is_one_warning_line_never_a_traceback(tree_folder: Path) -> None:
    (tree_folder / "cv/gan/index.md").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\xff" * 4096)
    result = run("list", tree_folder)
    assert result.returncode == 0
    assert result.stderr == (
        "readnotes: warning: Sub-index cv/gan/index.md not read: it looks binary\n"
    )
    assert "  [x] GANs  (cv/index.md line 3)" in result.stdout


def test_a_second_run_reads_sub_indexes_from_the_cache_and_never_a_stale_one(
    tree_folder: Path,
) -> None:
    """Each sub-index's parsed chunks are kept between runs (a folder of a hundred opens without
    parsing them again), and a sub-index edited since is read as it is now."""
    first = run("list", tree_folder)
    cache = Path(os.environ["READNOTES_CACHE_DIR"])
    assert len(list(cache.glob("index-*.marshal"))) == 3  # cv, cv/gan, nlp: the root is small
    assert run("list", tree_folder).stdout == first.stdout
    gan = tree_folder / "cv" / "gan" / "index.md"
    gan.write_text(gan.read_text().replace("- [DCGAN]", "- TODO [DCGAN]"))
    again = run("list", tree_folder)
    assert "[ ] DCGAN  (cv/gan/index.md line 5)" in again.stdout
    assert again.stdout.replace("[ ] DCGAN", "[x] DCGAN") == first.stdout
