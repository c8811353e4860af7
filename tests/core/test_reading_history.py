"""The reading history's cache: the next run reads only the commits made since, and a history
rewritten under it (a reset, a rebase) is read again from the start."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.core.parse import load_index
from app.core.reading_history import History, Log, reading_history
from app.edges.git import read_log
from tests.git_repo import GIT_ENV, GitRepo

HEAD = "# Reading\n\n## Papers\n\n"
TODAY = date(2024, 6, 1)


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)


def read(repo: GitRepo, asked: list[str | None] | None = None) -> History:
    def counting(path: Path, since: str | None, *, clean: bool = False) -> Log:
        if asked is not None:
            asked.append(since)
        return read_log(path, since, clean=clean)

    return reading_history(load_index(repo.path), counting, TODAY)


def shown(history: History, repo: GitRepo) -> dict[str, tuple[str | None, str | None]]:
    index = load_index(repo.path)
    out = {}
    for entry in index.entries:
        found = history.dates[entry.key]
        out[entry.title] = (
            found.added.isoformat() if found.added else None,
            found.done.isoformat() if found.done else None,
        )
    return out


def test_the_second_run_reads_no_old_commit_and_the_next_only_the_new_one(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    for day in range(1, 6):
        lines = "".join(f"* TODO [P{n}](./p{n}.md)\n" for n in range(day))
        repo.commit(HEAD + lines, f"2024-01-0{day}T12:00:00+00:00")
    first = read(repo)
    assert first.commits_read == 5
    asked: list[str | None] = []
    second = read(repo, asked)
    assert second.commits_read == 0
    assert asked == [first.head]
    assert second.dates == first.dates
    repo.commit(
        HEAD + "".join(f"* TODO [P{n}](./p{n}.md)\n" for n in range(4)) + "* [P4](./p4.md)\n",
        "2024-01-09T12:00:00+00:00",
    )
    third = read(repo)
    assert third.commits_read == 1
    assert shown(third, repo)["P4"] == ("2024-01-05", "2024-01-09")
    assert shown(third, repo)["P0"] == ("2024-01-01", None)


def test_a_rewritten_history_is_read_again_from_the_start(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [A](./a.md)\n", "2024-01-01T12:00:00+00:00")
    repo.commit(HEAD + "* [A](./a.md)\n", "2024-01-02T12:00:00+00:00")
    assert read(repo).commits_read == 2
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.commit(HEAD + "* [A](./a.md)\n", "2024-02-02T12:00:00+00:00")
    again = read(repo)
    assert again.commits_read == 2
    assert shown(again, repo) == {"A": ("2024-01-01", "2024-02-02")}


def test_repeated_entries_and_a_moved_line_keep_their_dates(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [Same](./s.md)\n", "2024-01-01T12:00:00+00:00")
    repo.commit(HEAD + "* TODO [Same](./s.md)\n* [Same](./s.md)\n", "2024-01-05T12:00:00+00:00")
    repo.commit(
        "# Reading\n\n## Read\n\n* [Same](./s.md)\n\n## Papers\n\n* TODO [Same](./s.md)\n",
        "2024-01-09T12:00:00+00:00",
    )
    history = read(repo)
    index = load_index(repo.path)
    found = [(history.dates[e.key].added, history.dates[e.key].done) for e in index.entries]
    assert sorted(found, key=str) == sorted(
        [(date(2024, 1, 1), None), (date(2024, 1, 5), date(2024, 1, 5))], key=str
    )


def test_an_entry_deleted_and_added_back_keeps_its_first_day(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    repo.commit(HEAD + "* TODO [A](./a.md)\n* TODO [B](./b.md)\n", "2024-01-01T12:00:00+00:00")
    repo.commit(HEAD + "* TODO [B](./b.md)\n", "2024-01-05T12:00:00+00:00")
    repo.commit(HEAD + "* TODO [B](./b.md)\n* [A](./a.md)\n", "2024-01-09T12:00:00+00:00")
    assert shown(read(repo), repo) == {
        "B": ("2024-01-01", None),
        "A": ("2024-01-01", "2024-01-09"),
    }


def test_a_reword_and_a_mark_in_one_commit_are_one_entry(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    line = "* TODO [Old name](./n.md) [[paper](https://arxiv.org/abs/1)]\n"
    repo.commit(HEAD + line, "2024-01-01T12:00:00+00:00")
    repo.commit(
        HEAD + "* [New name](./n.md) [[paper](https://arxiv.org/abs/1)]\n",
        "2024-01-07T12:00:00+00:00",
    )
    assert shown(read(repo), repo) == {"New name": ("2024-01-01", "2024-01-07")}


def test_sorting_every_line_keeps_every_date(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    lines = [f"* {'TODO ' if n % 2 else ''}[P{n:03d}](./p{n}.md)\n" for n in range(300)]
    repo.commit(HEAD + "".join(lines), "2024-01-01T12:00:00+00:00")
    repo.commit(HEAD + "".join(reversed(lines)), "2024-02-01T12:00:00+00:00")
    found = shown(read(repo), repo)
    assert len(found) == 300
    assert set(found.values()) == {("2024-01-01", None), ("2024-01-01", "2024-01-01")}


def test_reference_style_links_read_as_in_the_index(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    refs = "\n[a]: ./a.md\n[b]: https://b.org\n"
    repo.commit(HEAD + "* TODO [Alpha][a]\n* TODO [Beta][b]\n" + refs, "2024-01-01T12:00:00+00:00")
    repo.commit(HEAD + "* [Alpha][a]\n* TODO [Beta][b]\n" + refs, "2024-01-03T12:00:00+00:00")
    assert shown(read(repo), repo) == {
        "Alpha": ("2024-01-01", "2024-01-03"),
        "Beta": ("2024-01-01", None),
    }


def test_each_index_file_of_a_tree_is_cached_on_its_own(tmp_path: Path) -> None:
    from app.core.subindex import load_tree

    repo = GitRepo(tmp_path / "notes")
    repo.write(HEAD + "* TODO [Root paper](./r.md)\n* [Vision](cv/index.md)\n")
    cv = "# Vision\n\n* TODO [ResNet](resnet.md)\n* TODO [ViT](vit.md)\n"
    repo.commit(cv, "2024-01-10T12:00:00+00:00", name="cv/index.md")
    repo.commit(cv + "* TODO [DETR](detr.md)\n", "2024-01-12T12:00:00+00:00", name="cv/index.md")

    def tree_read(asked: list[tuple[str, str | None]]) -> History:
        def counting(path: Path, since: str | None, *, clean: bool = False) -> Log:
            asked.append((path.relative_to(repo.path).as_posix(), since))
            return read_log(path, since, clean=clean)

        return reading_history(load_tree(repo.path), counting, TODAY)

    first_asked: list[tuple[str, str | None]] = []
    first = tree_read(first_asked)
    assert first_asked == [("README.md", None), ("cv/index.md", None)]
    assert first.commits_read == 1 + 2  # the root's one commit, the sub-index's two
    asked: list[tuple[str, str | None]] = []
    second = tree_read(asked)
    assert second.commits_read == 0
    assert asked == [("README.md", first.head), ("cv/index.md", first.head)]
    marked = cv.replace("TODO [ViT]", "[ViT]") + "* TODO [DETR](detr.md)\n"
    repo.commit(marked, "2024-01-20T12:00:00+00:00", "cv/index.md")
    third = tree_read([])
    assert third.commits_read == 1  # the new commit, in the one file it changed
    tree = load_tree(repo.path)
    found = {entry.title: third.dates[entry.key] for entry in tree.entries}
    assert found["ViT"].added == date(2024, 1, 10) and found["ViT"].done == date(2024, 1, 20)
    assert found["DETR"].added == date(2024, 1, 12) and found["DETR"].done is None
    assert found["Root paper"].added == date(2024, 1, 10)
