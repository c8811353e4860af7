"""``readnotes history``: when each entry was added and read, from real git repositories with
dated commits, as a user runs the command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.git_repo import GIT_ENV, GitRepo

HEAD = "# Reading\n\n## Papers\n\n"


def run(
    *args: str | Path, today: str = "2024-06-01", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, **GIT_ENV, "READNOTES_TODAY": today}
    return subprocess.run(
        [sys.executable, "-m", "app", "history", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**base, **(env or {})},
    )


def history(*args: str | Path, today: str = "2024-06-01") -> dict[str, object]:
    result = run(*args, "--json", today=today)
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def dates(data: dict[str, object]) -> dict[str, tuple[object, object]]:
    entries = data["entries"]
    assert isinstance(entries, list)
    return {e["title"]: (e["added"], e["done"]) for e in entries}


def test_add_mark_reopen_remark_and_reword_give_exact_json(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [Attention](./a.md)\n", "2024-01-10T09:00:00+01:00")
    repo.commit(
        HEAD + "* TODO [Attention](./a.md)\n* [Seen before](https://b.org)\n",
        "2024-01-20T09:00:00+01:00",
    )
    repo.commit(
        HEAD + "* [Attention](./a.md)\n* [Seen before](https://b.org)\n",
        "2024-02-15T23:30:00-05:00",  # the 16th in UTC: the commit's own zone counts
    )
    repo.commit(
        HEAD + "* TODO [Attention](./a.md)\n* [Seen before](https://b.org)\n",
        "2024-03-01T10:00:00+00:00",
    )
    repo.commit(
        HEAD + "* [Attention](./a.md)\n* [Seen before](https://b.org)\n",
        "2024-03-20T10:00:00+00:00",
    )
    repo.commit(
        HEAD + "* [Attention Is All You Need](./a.md)\n* [Seen before](https://b.org)\n",
        "2024-04-02T10:00:00+00:00",
    )
    assert history(repo.path) == {
        "entries": [
            {
                "title": "Attention Is All You Need",
                "category": ["Papers"],
                "line": 5,
                "status": "done",
                "added": "2024-01-10",
                "done": "2024-03-20",
            },
            {
                "title": "Seen before",
                "category": ["Papers"],
                "line": 6,
                "status": "done",
                "added": "2024-01-20",
                "done": "2024-01-20",
            },
        ],
        "months": [
            {"month": "2024-01", "added": 2, "done": 1},
            {"month": "2024-02", "added": 0, "done": 0},
            {"month": "2024-03", "added": 0, "done": 1},
        ],
    }


def test_weeks_are_iso_weeks_and_since_keeps_what_happened_from_that_day(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [A](./a.md)\n* TODO [B](./b.md)\n", "2024-01-02T12:00:00+00:00")
    repo.commit(HEAD + "* [A](./a.md)\n* TODO [B](./b.md)\n", "2024-01-17T12:00:00+00:00")
    assert history(repo.path, "--by", "week")["weeks"] == [
        {"week": "2024-W01", "added": 2, "done": 0},
        {"week": "2024-W02", "added": 0, "done": 0},
        {"week": "2024-W03", "added": 0, "done": 1},
    ]
    since = history(repo.path, "--since", "2024-01-10")
    assert dates(since) == {"A": ("2024-01-02", "2024-01-17")}
    assert since["months"] == [{"month": "2024-01", "added": 0, "done": 1}]


def test_a_renamed_index_is_followed(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [A](./a.md)\n", "2024-01-10T12:00:00+00:00", name="readme.md")
    repo.git("mv", "readme.md", "README.md")
    repo.git("commit", "-q", "-m", "rename", when="2024-02-01T12:00:00+00:00")
    repo.commit(HEAD + "* [A](./a.md)\n", "2024-03-05T12:00:00+00:00")
    assert dates(history(repo.path)) == {"A": ("2024-01-10", "2024-03-05")}


def test_an_entry_merged_from_a_branch_dates_from_the_merge(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [A](./a.md)\n", "2024-01-10T12:00:00+00:00")
    repo.git("checkout", "-q", "-b", "side")
    repo.commit(HEAD + "* TODO [A](./a.md)\n* [B](./b.md)\n", "2024-01-12T12:00:00+00:00")
    repo.git("checkout", "-q", "main")
    repo.commit("Intro.\n\n" + HEAD + "* TODO [A](./a.md)\n", "2024-01-15T12:00:00+00:00")
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "side", when="2024-01-20T12:00:00+00:00")
    assert dates(history(repo.path)) == {
        "A": ("2024-01-10", None),
        "B": ("2024-01-20", "2024-01-20"),  # it reached the index's line of history then
    }


def test_a_shallow_clone_dates_older_entries_by_its_oldest_commit(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "origin")
    repo.commit(HEAD + "* TODO [A](./a.md)\n", "2024-01-10T12:00:00+00:00")
    repo.commit(HEAD + "* TODO [A](./a.md)\n* TODO [B](./b.md)\n", "2024-02-10T12:00:00+00:00")
    repo.commit(HEAD + "* [A](./a.md)\n* TODO [B](./b.md)\n", "2024-03-10T12:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo.path}", str(clone)],
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    result = run(clone, "--json")
    assert result.returncode == 0
    assert result.stderr == (
        "readnotes: A shallow clone: entries older than its oldest commit are dated by it\n"
    )
    assert dates(json.loads(result.stdout)) == {
        "A": ("2024-02-10", "2024-03-10"),
        "B": ("2024-02-10", None),
    }


def test_a_detached_head_gives_the_dates_of_that_commit(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    first = repo.commit(HEAD + "* TODO [A](./a.md)\n", "2024-01-10T12:00:00+00:00")
    repo.commit(HEAD + "* [A](./a.md)\n", "2024-02-10T12:00:00+00:00")
    assert dates(history(repo.path)) == {"A": ("2024-01-10", "2024-02-10")}
    repo.git("checkout", "-q", "--detach", first)
    assert dates(history(repo.path)) == {"A": ("2024-01-10", None)}


def test_uncommitted_changes_count_as_today(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [A](./a.md)\n", "2024-01-10T12:00:00+00:00")
    repo.write(HEAD + "* [A](./a.md)\n* TODO [New](./n.md)\n")
    assert dates(history(repo.path, today="2024-06-01")) == {
        "A": ("2024-01-10", "2024-06-01"),
        "New": ("2024-06-01", None),
    }


def test_a_warm_run_runs_no_git_and_still_sees_a_change_made_after_it(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [A](./a.md)\n", "2024-01-10T12:00:00+00:00")
    shims = tmp_path / "bin"
    shims.mkdir()
    calls = tmp_path / "calls"
    real = shutil.which("git")
    assert real is not None
    (shims / "git").write_text(f'#!/bin/sh\necho "$*" >> "{calls}"\nexec "{real}" "$@"\n')
    (shims / "git").chmod(0o755)
    env = {
        "READNOTES_CACHE_DIR": str(tmp_path / "cache"),
        "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}",
    }

    def asked() -> list[str]:
        said = calls.read_text().splitlines() if calls.exists() else []
        calls.unlink(missing_ok=True)
        return [line.split(" ")[4] for line in said]  # after "-C DIR -c core.quotepath=off"

    def dated() -> dict[str, tuple[object, object]]:
        result = run(repo.path, "--json", env=env)
        assert result.returncode == 0, result.stderr
        return dates(json.loads(result.stdout))

    assert dated() == {"A": ("2024-01-10", None)}
    cold = asked()
    assert cold[0] == "rev-parse" and "log" in cold and cold[-1] == "status"
    assert dated() == {"A": ("2024-01-10", None)}
    assert asked() == []  # HEAD has not moved (.git says), the index is as it was clean
    repo.write(HEAD + "* [A](./a.md)\n")
    assert dated() == {"A": ("2024-01-10", "2024-06-01")}
    assert asked() == ["rev-parse", "status", "diff"]
    repo.write(HEAD + "* TODO [A](./a.md)\n")  # put back: clean again
    assert dated() == {"A": ("2024-01-10", None)}
    assert asked() == ["rev-parse", "status"]
    assert dated() == {"A": ("2024-01-10", None)}
    assert asked() == []
    repo.commit(HEAD + "* [A](./a.md)\n", "2024-02-01T12:00:00+00:00")
    assert dated() == {"A": ("2024-01-10", "2024-02-01")}
    assert asked()[0] == "rev-parse"  # HEAD moved: git reads the new commit


def test_a_rebase_that_put_the_done_day_first_reads_done_on_the_added_day(
    tmp_path: Path,
) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [A](./a.md)\n", "2024-03-10T12:00:00+00:00")
    repo.commit(HEAD + "* [A](./a.md)\n", "2024-01-05T12:00:00+00:00")
    assert dates(history(repo.path)) == {"A": ("2024-03-10", "2024-03-10")}


def test_without_git_the_notes_done_lines_give_the_dates(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "README.md").write_text(HEAD + "* [A](./a.md)\n* TODO [B](./b.md)\n* [C](./c.md)\n")
    (notes / "a.md").write_text("---\ntitle: A\ndone: 2024-02-03\n---\n# A\n")
    (notes / "b.md").write_text("---\ndone: 2024-01-01\n---\n")  # TODO again: not done
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()  # a PATH with python but no git
    os.symlink(sys.executable, bin_dir / "python")
    result = run(notes, "--json", env={"PATH": str(bin_dir)})
    assert result.returncode == 0
    assert result.stderr == (
        "readnotes: git is not installed: dates come from the notes' done: lines only\n"
    )
    assert dates(json.loads(result.stdout)) == {
        "A": (None, "2024-02-03"),
        "B": (None, None),
        "C": (None, None),
    }
    assert json.loads(result.stdout)["months"] == [{"month": "2024-02", "added": 0, "done": 1}]


def test_outside_a_repository_and_with_no_commits_one_line_says_so(tmp_path: Path) -> None:
    notes = tmp_path / "plain"
    notes.mkdir()
    (notes / "README.md").write_text(HEAD + "* TODO [A](./a.md)\n")
    result = run(notes, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert result.returncode == 0
    assert result.stderr == (
        "readnotes: Not a git repository: dates come from the notes' done: lines only\n"
    )
    assert result.stdout.startswith("No dated activity yet.\n")
    empty = GitRepo(tmp_path / "empty")
    empty.write(HEAD + "* TODO [A](./a.md)\n")
    result = run(empty.path, "--json")
    assert result.stderr == (
        "readnotes: The repository has no commits yet: the index counts as added today\n"
    )
    assert dates(json.loads(result.stdout)) == {"A": ("2024-06-01", None)}


def test_notes_below_the_repository_top_are_read(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "top")
    repo.commit(HEAD + "* TODO [A](./a.md)\n", "2024-01-10T12:00:00+00:00", name="notes/README.md")
    repo.commit(HEAD + "* [A](./a.md)\n", "2024-01-11T12:00:00+00:00", name="notes/README.md")
    assert dates(history(repo.path / "notes")) == {"A": ("2024-01-10", "2024-01-11")}


def test_the_text_report_has_bars_streaks_the_median_wait_and_the_oldest_unread(
    tmp_path: Path,
) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(
        HEAD + "* TODO [A](./a.md)\n* TODO [B](./b.md)\n* TODO [C](./c.md)\n",
        "2024-01-01T12:00:00+00:00",
    )
    repo.commit(
        HEAD + "* [A](./a.md)\n* TODO [B](./b.md)\n* TODO [C](./c.md)\n",
        "2024-01-11T12:00:00+00:00",
    )
    repo.commit(
        HEAD + "* [A](./a.md)\n* [B](./b.md)\n* TODO [C](./c.md)\n",
        "2024-01-16T12:00:00+00:00",
    )
    result = run(repo.path, today="2024-01-20")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == (
        "Month     Added                            Read\n"
        "2024-01       3 ████████████████████████      2 ████████████████\n"
        "\n"
        "Weeks with something read: current streak 2 weeks, longest 2 weeks\n"
        "Median time from added to read: 12 days\n"
        "\n"
        "Oldest unread:\n"
        "  2024-01-01  C (Papers)  line 7\n"
    )


def test_a_corrupt_cache_is_recomputed(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [A](./a.md)\n", "2024-01-10T12:00:00+00:00")
    repo.commit(HEAD + "* [A](./a.md)\n", "2024-02-10T12:00:00+00:00")
    cache = tmp_path / "cache"
    env = {"READNOTES_CACHE_DIR": str(cache)}
    assert run(repo.path, "--json", env=env).returncode == 0
    (saved,) = cache.glob("history-*")
    saved.write_bytes(saved.read_bytes()[:-3] + b"xyz")
    result = run(repo.path, "--json", env=env)
    assert result.returncode == 0 and result.stderr == ""
    assert dates(json.loads(result.stdout)) == {"A": ("2024-01-10", "2024-02-10")}
    shutil.rmtree(cache)


def test_an_index_never_committed_in_a_repository_counts_as_added_today(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit("other\n", "2024-01-10T12:00:00+00:00", name="other.md")
    repo.write(HEAD + "* TODO [A](./a.md)\n* [B](./b.md)\n")
    result = run(repo.path, "--json")
    assert result.stderr == (
        "readnotes: The index is not committed yet: its entries count as added today\n"
    )
    assert dates(json.loads(result.stdout)) == {
        "A": ("2024-06-01", None),
        "B": ("2024-06-01", "2024-06-01"),
    }


def test_a_staged_change_is_uncommitted_too(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [A](./a.md)\n", "2024-01-10T12:00:00+00:00")
    repo.write(HEAD + "* [A](./a.md)\n")
    repo.git("add", "README.md")
    assert dates(history(repo.path)) == {"A": ("2024-01-10", "2024-06-01")}


def test_a_bad_since_is_one_line(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [A](./a.md)\n", "2024-01-10T12:00:00+00:00")
    result = run(repo.path, "--since", "last week")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not a date (YYYY-MM-DD)" in result.stderr


ROOT_WITH_CV = HEAD + "* TODO [Attention](./a.md)\n* [Computer vision](cv/index.md)\n"
CV = "# Vision\n\n* TODO [ResNet](resnet.md)\n* TODO [ViT](vit.md)\n"


def sub_index_repo(folder: Path) -> GitRepo:
    """A root README linking to cv/index.md, a sub-index, each changed in commits of its own."""
    repo = GitRepo(folder)
    repo.write(ROOT_WITH_CV)
    repo.commit(CV, "2024-01-10T09:00:00+01:00", name="cv/index.md")
    repo.commit(CV.replace("TODO [ViT]", "[ViT]"), "2024-02-01T10:00:00+00:00", "cv/index.md")
    repo.commit(
        CV.replace("TODO [ViT]", "[ViT]") + "* TODO [DETR](detr.md)\n",
        "2024-03-05T10:00:00+00:00",
        "cv/index.md",
    )
    repo.commit(ROOT_WITH_CV.replace("TODO ", ""), "2024-03-20T10:00:00+00:00")
    return repo


def test_each_sub_index_entry_is_dated_by_its_own_file(tmp_path: Path) -> None:
    repo = sub_index_repo(tmp_path / "notes")
    data = history(repo.path)
    assert data["entries"] == [
        {
            "title": "Attention",
            "category": ["Papers"],
            "line": 5,
            "status": "done",
            "added": "2024-01-10",
            "done": "2024-03-20",
        },
        {
            "title": "ResNet",
            "category": ["Papers", "Computer vision"],
            "line": 3,
            "file": "cv/index.md",
            "status": "todo",
            "added": "2024-01-10",
            "done": None,
        },
        {
            "title": "ViT",
            "category": ["Papers", "Computer vision"],
            "line": 4,
            "file": "cv/index.md",
            "status": "done",
            "added": "2024-01-10",
            "done": "2024-02-01",
        },
        {
            "title": "DETR",
            "category": ["Papers", "Computer vision"],
            "line": 5,
            "file": "cv/index.md",
            "status": "todo",
            "added": "2024-03-05",
            "done": None,
        },
    ]
    assert data["months"] == [
        {"month": "2024-01", "added": 3, "done": 0},
        {"month": "2024-02", "added": 0, "done": 1},
        {"month": "2024-03", "added": 1, "done": 1},
    ]
    (repo.path / "cv" / "index.md").write_text(CV.replace("TODO [ResNet]", "[ResNet]"))
    assert dates(history(repo.path))["ResNet"] == ("2024-01-10", "2024-06-01")  # uncommitted


def test_a_renamed_sub_index_is_followed_and_its_notice_names_it(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.write(ROOT_WITH_CV)
    repo.commit(CV, "2024-01-10T09:00:00+00:00", name="cv/INDEX.md")
    repo.git("mv", "cv/INDEX.md", "cv/index.md")
    repo.commit(CV.replace("TODO [ViT]", "[ViT]"), "2024-02-01T10:00:00+00:00", "cv/index.md")
    assert dates(history(repo.path))["ViT"] == ("2024-01-10", "2024-02-01")
    repo.write("# More\n\n* TODO [A](a.md)\n* TODO [B](b.md)\n", "more/index.md")
    repo.write(ROOT_WITH_CV + "* [More](more/index.md)\n")
    result = run(repo.path, "--json")
    assert result.returncode == 0
    assert result.stderr == (
        "readnotes: more/index.md: The index is not committed yet: "
        "its entries count as added today\n"
    )
    assert dates(json.loads(result.stdout))["B"] == ("2024-06-01", None)


def test_without_git_a_sub_index_entry_takes_its_done_day_from_its_own_note(
    tmp_path: Path,
) -> None:
    notes = tmp_path / "notes"
    (notes / "cv").mkdir(parents=True)
    (notes / "README.md").write_text(ROOT_WITH_CV)
    (notes / "cv" / "index.md").write_text(CV.replace("TODO [ViT]", "[ViT]"))
    (notes / "cv" / "vit.md").write_text("---\ndone: 2024-02-03\n---\n# ViT\n")
    (notes / "vit.md").write_text("---\ndone: 1999-01-01\n---\n")  # beside the root: not its note
    result = run(notes, "--json", env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert result.returncode == 0
    assert result.stderr == (
        "readnotes: Not a git repository: dates come from the notes' done: lines only\n"
    )
    assert dates(json.loads(result.stdout)) == {
        "Attention": (None, None),
        "ResNet": (None, None),
        "ViT": (None, "2024-02-03"),
    }


def test_the_same_notice_from_several_files_is_said_once(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit("# Other\n", "2024-01-10T09:00:00+00:00", name="other.md")
    repo.write(CV, "cv/index.md")
    repo.write(ROOT_WITH_CV)  # neither index committed
    result = run(repo.path, "--json")
    assert result.returncode == 0
    assert result.stderr == (
        "readnotes: The index is not committed yet: its entries count as added today\n"
    )
    assert set(dates(json.loads(result.stdout)).values()) == {("2024-06-01", None)}
    repo.write(ROOT_WITH_CV + "* [More](more/index.md)\n")
    repo.write("# More\n\n* TODO [A](a.md)\n* TODO [B](b.md)\n", "more/index.md")
    repo.git("add", "README.md")
    repo.git("commit", "-q", "-m", "root", when="2024-02-01T09:00:00+00:00")
    result = run(repo.path, "--json", env={"READNOTES_CACHE_DIR": str(tmp_path / "cold")})
    assert result.stderr == (  # the first file's notice, and how many more there are
        "readnotes: cv/index.md: The index is not committed yet: its entries count as added"
        " today (and 1 other notice)\n"
    )
