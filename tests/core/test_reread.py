"""Re-reading the index after a change on disk: replace the model only by a better one."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.edit import mark
from app.core.errors import EditError
from app.core.model import Status
from app.core.parse import load_index
from app.core.reread import read_ahead, reread_index
from tests.conftest import write_index

TEXT = "# Notes\n\n* TODO [A](./a.md)\n* [B](./b.md)\n"


def test_the_same_bytes_again_change_nothing(tmp_path: Path) -> None:
    known = load_index(write_index(tmp_path, TEXT))
    assert reread_index(tmp_path, known) == reread_index(tmp_path / "README.md", known)
    result = reread_index(tmp_path, known)
    assert result.index is None and result.problem is None


def test_other_bytes_give_a_new_model(tmp_path: Path) -> None:
    index = write_index(tmp_path, TEXT)
    known = load_index(index)
    index.write_text(TEXT + "* [C](./c.md)\n")
    result = reread_index(index, known)
    assert result.index is not None and [e.title for e in result.index.entries] == ["A", "B", "C"]
    assert result.problem is None


def test_a_missing_index_keeps_the_model_and_says_so(tmp_path: Path) -> None:
    index = write_index(tmp_path, TEXT)
    known = load_index(index)
    index.unlink()
    result = reread_index(tmp_path, known, grace=0)
    assert result.index is None
    assert result.problem is not None and "is missing" in result.problem


def test_an_index_replaced_by_a_folder_keeps_the_model_and_says_so(tmp_path: Path) -> None:
    index = write_index(tmp_path, TEXT)
    known = load_index(index)
    index.unlink()
    index.mkdir()
    for path in (tmp_path, index):
        result = reread_index(path, known, grace=0)
        assert result.index is None
        assert result.problem == f"The index {index} is now a folder"
    with pytest.raises(EditError, match="is now a folder; nothing was written"):
        mark(index, known.entries[0].key, Status.DONE, known=known)
    assert not any(index.iterdir())


def test_an_empty_or_binary_index_keeps_the_model(tmp_path: Path) -> None:
    index = write_index(tmp_path, TEXT)
    known = load_index(index)
    index.write_bytes(b"\xef\xbb\xbf \n")
    assert "is empty" in (reread_index(index, known, grace=0).problem or "")
    index.write_bytes(b"\x00" * 100 + b"* [A](./a.md)\n")
    assert "looks binary" in (reread_index(index, known, grace=0).problem or "")


def test_with_no_model_yet_whatever_is_there_is_shown(tmp_path: Path) -> None:
    index = write_index(tmp_path, "")
    result = reread_index(index, None)
    assert result.index is not None and result.index.entries == []
    index.unlink()
    assert "No such file" in (reread_index(index, None).problem or "")


def test_a_read_ahead_gives_what_a_first_read_gives(tmp_path: Path) -> None:
    index = write_index(tmp_path, TEXT)
    ahead = read_ahead(index).result(timeout=10)
    assert ahead.problem is None and ahead.index is not None
    assert [e.title for e in ahead.index.entries] == ["A", "B"]
    assert ahead.index.digest == load_index(index).digest


def test_a_read_ahead_of_a_vanished_index_says_why(tmp_path: Path) -> None:
    index = write_index(tmp_path, TEXT)
    index.unlink()
    ahead = read_ahead(index).result(timeout=10)
    assert ahead.index is None and ahead.problem is not None
