"""The git edge on real repositories: the index's changed lines per commit, oldest first, the
same whether the history is read in one run or in two halves at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.edges.git import parse_log, read_log
from tests.git_repo import GIT_ENV, GitRepo


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)


def test_two_halves_read_what_one_run_reads_across_a_rename_and_a_merge(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    lines: list[str] = []
    for day in range(1, 8):
        lines.append(f"* TODO [P{day}](./p{day}.md)\n")
        repo.commit("".join(lines), f"2024-01-0{day}T12:00:00+00:00", name="readme.md")
    repo.git("mv", "readme.md", "README.md")
    repo.git("commit", "-q", "-m", "rename", when="2024-01-10T12:00:00+00:00")
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("".join(lines) + "* [Side](./s.md)\n", "2024-01-11T12:00:00+00:00")
    repo.git("checkout", "-q", "main")
    repo.commit("Intro\n\n" + "".join(lines), "2024-01-12T12:00:00+00:00")
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "side", when="2024-01-13T12:00:00+00:00")
    index = repo.path / "README.md"
    whole = read_log(index, None, split_at=10**9)
    halves = read_log(index, None, split_at=2, split_min_bytes=0)
    assert halves.changes == whole.changes
    assert [change.day for change in whole.changes] == [
        *(date(2024, 1, day) for day in range(1, 8)),
        date(2024, 1, 10),  # the rename: followed, no line changed
        date(2024, 1, 12),
        date(2024, 1, 13),  # the merge, against its first parent
    ]
    assert whole.changes[7].removed == whole.changes[7].added == ()
    assert whole.changes[-1].added == (b"* [Side](./s.md)",)


def test_hunk_counts_decide_what_is_content() -> None:
    raw = (
        b"\x00\x01readnotes-commit abc 2024-01-02T10:00:00-05:00\n\n"
        b"diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n"
        b"@@ -3 +3,2 @@\n-* TODO [A](./a.md)\n+* [A](./a.md)\n++++ looks like a header\n"
        b"\\ No newline at end of file\n"
    )
    (change,) = parse_log(raw)
    assert change.day == date(2024, 1, 2)
    assert change.removed == (b"* TODO [A](./a.md)",)
    assert change.added == (b"* [A](./a.md)", b"+++ looks like a header")


def test_a_warm_clean_run_reads_head_from_the_git_folder_without_running_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GitRepo(tmp_path / "notes")
    first = repo.commit("* TODO [A](./a.md)\n", "2024-01-01T12:00:00+00:00")
    second = repo.commit("* [A](./a.md)\n", "2024-01-02T12:00:00+00:00")
    repo.git("worktree", "add", "-q", str(tmp_path / "other"), first)
    repo.git("tag", "v1", first)
    (repo.path / "deep").mkdir()
    index = repo.path / "README.md"
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))  # any git run says so
    missing = "git is not installed: dates come from the notes' done: lines only"
    log = read_log(index, second, clean=True)
    assert (log.head, log.changes, log.notice, log.from_start) == (second, [], None, False)
    assert read_log(repo.path / "deep" / "README.md", second, clean=True).notice is None
    assert read_log(index, first, clean=True).notice == missing  # HEAD moved: git says how
    assert read_log(index, second).notice == missing  # not known clean: git's status
    assert read_log(tmp_path / "other" / "README.md", first, clean=True).notice == missing
    monkeypatch.undo()
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    repo.git("pack-refs", "--all")  # refs/heads/main now only in packed-refs
    assert not (repo.path / ".git" / "refs" / "heads" / "main").exists()
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    assert read_log(index, second, clean=True).notice is None
    (repo.path / ".git" / "HEAD").write_text(second + "\n")  # detached, as checkout writes it
    assert read_log(index, second, clean=True).notice is None
    (repo.path / ".git" / "shallow").write_text(first + "\n")
    shallow = read_log(index, second, clean=True)
    assert shallow.shallow and shallow.notice is not None and "shallow" in shallow.notice
    monkeypatch.setenv("GIT_DIR", str(repo.path / ".git"))
    assert read_log(index, second, clean=True).notice == missing  # discovery moved: ask git
