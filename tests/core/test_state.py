"""The remembered state: a round trip, and every broken state file ignored (then replaced)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.state import (
    FORMAT,
    MAX_FOLDERS,
    FolderState,
    StateStore,
    default_state_dir,
    folder_key,
)

PLACE = FolderState(
    cursor_entry="Zephyr\x1fpapers/z.md\x1f0",
    cursor_category=None,
    expanded=("Paper notes", "Paper notes\x1fLLM"),
    filter_text="#llm dist",
    status_filter="todo",
)


def index_in(tmp_path: Path, name: str = "notes") -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / "README.md"
    index.write_text("# x\n")
    return index


def test_round_trip(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state")
    index = index_in(tmp_path)
    assert store.folder(index) is None
    assert store.save(index, PLACE, "nord")
    again = StateStore(tmp_path / "state")
    assert again.folder(index) == PLACE
    assert again.theme() == "nord"
    # the folder is told by the real path of its index, however it was reached
    link = tmp_path / "link"
    link.symlink_to(index.parent)
    assert again.folder(link / "README.md") == PLACE
    assert sorted(p.name for p in (tmp_path / "state").iterdir()) == ["state.json"]


def test_saving_without_a_theme_keeps_the_remembered_one(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    store.save(index_in(tmp_path, "a"), PLACE, "dracula")
    store.save(index_in(tmp_path, "b"), FolderState(), None)
    assert store.theme() == "dracula"
    assert store.folder(tmp_path / "a" / "README.md") == PLACE


def test_only_the_most_recent_folders_are_kept(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state")
    first = index_in(tmp_path, "first")
    store.save(first, PLACE)
    for number in range(MAX_FOLDERS):
        store.save(tmp_path / f"f{number}" / "README.md", FolderState(filter_text=str(number)))
    folders = json.loads(store.path.read_text())["folders"]
    assert len(folders) == MAX_FOLDERS
    assert folder_key(first) not in folders
    assert store.folder(tmp_path / f"f{MAX_FOLDERS - 1}" / "README.md") is not None


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b'"a string"',
        b'{"format": "someone-else", "folders": {}}',
        b'{"format": "readnotes-state-1", "folders": []}',
        b'{"format": "readnotes-state-1", "folders": {"x": 3}, "theme": 7}',
        b"[" * 100_000,
    ],
)
def test_a_corrupt_or_foreign_file_is_ignored_and_replaced(tmp_path: Path, content: bytes) -> None:
    store = StateStore(tmp_path)
    store.path.write_bytes(content)
    index = index_in(tmp_path)
    assert store.folder(index) is None
    assert store.theme() is None
    assert store.save(index, PLACE)
    assert store.folder(index) == PLACE
    assert json.loads(store.path.read_text())["format"] == FORMAT


def test_fields_of_the_wrong_shape_are_dropped_one_by_one(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    index = index_in(tmp_path)
    folder = {
        "cursor_entry": 12,
        "cursor_category": "Blog notes",
        "expanded": ["a", 3, None, "b"],
        "filter_text": ["x"],
        "status_filter": "maybe",
    }
    store.path.write_text(json.dumps({"format": FORMAT, "folders": {folder_key(index): folder}}))
    assert store.folder(index) == FolderState(
        cursor_entry=None, cursor_category="Blog notes", expanded=("a", "b")
    )


def test_a_state_folder_that_cannot_be_written_is_silently_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = StateStore(blocker / "state")
    assert store.save(index_in(tmp_path), PLACE) is False
    assert store.folder(index_in(tmp_path)) is None


def test_a_read_only_state_folder_is_silently_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "state"
    folder.mkdir()
    folder.chmod(0o500)
    real_open = open

    def deny_like_a_normal_user(file: object, *args: object, **kwargs: object) -> object:
        if str(file).startswith(str(folder)) and args and "x" in str(args[0]):
            raise PermissionError(13, "Permission denied", str(file))  # root ignores modes
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", deny_like_a_normal_user)
    try:
        assert StateStore(folder).save(index_in(tmp_path), PLACE) is False
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_a_state_file_that_is_a_folder_is_ignored(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    store.path.mkdir()
    assert store.folder(index_in(tmp_path)) is None
    assert store.save(index_in(tmp_path), PLACE) is False
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_the_state_folder_comes_from_the_environment_first(tmp_path: Path) -> None:
    assert default_state_dir({"READNOTES_STATE_DIR": str(tmp_path)}) == tmp_path
    assert default_state_dir({}).name == "readnotes"
