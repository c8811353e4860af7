"""Every kind of wrong index gets its own true message, and nothing named like it is opened."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from app.core.errors import IndexNotFoundError
from app.core.index_file import file_kind, not_an_index_file, odd_index_in
from app.core.parse import find_index, load_index


def _make(kind: str, path: Path) -> socket.socket | None:
    """Put a ``kind`` at ``path``; a socket is returned to be closed by the caller."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "dangling":
        path.symlink_to("gone.md")
    elif kind == "loop":
        path.symlink_to(path.name)
    elif kind == "to-device":
        path.symlink_to("/dev/null")
    elif kind == "to-folder":
        (path.parent / "real").mkdir()
        path.symlink_to("real")
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        return server
    return None


KINDS = {
    "fifo": "README.md is a FIFO (named pipe), not a file",
    "folder": "README.md is a folder, not a file",
    "socket": "README.md is a socket, not a file",
    "dangling": "README.md is a symlink that leads nowhere (to gone.md)",
    "loop": "README.md is a symlink loop (a symlink that leads nowhere)",
    "to-device": "README.md is a symlink to a character device, not a file",
    "to-folder": "README.md is a symlink to a folder, not a file",
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_folder_whose_index_is_no_file_says_what_it_is(tmp_path: Path, kind: str) -> None:
    server = _make(kind, tmp_path / "README.md")
    try:
        with pytest.raises(IndexNotFoundError) as raised:
            find_index(tmp_path)
        message = str(raised.value)
        assert message == odd_index_in(tmp_path)
        assert message.startswith(f"No index in {tmp_path}: ") and KINDS[kind] in message
        assert "\n" not in message
        with pytest.raises(IndexNotFoundError, match=r"FIFO|folder|socket|symlink"):
            load_index(tmp_path)  # never opens it: a FIFO would block here forever
    finally:
        if server is not None:
            server.close()


@pytest.mark.parametrize("kind", ["fifo", "dangling", "loop", "to-device", "socket"])
def test_an_index_named_directly_that_is_no_file_says_what_it_is(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "README.md"
    server = _make(kind, path)
    try:
        with pytest.raises(IndexNotFoundError) as raised:
            find_index(path)
        assert str(raised.value) == f"Not an index: {path} is" + KINDS[kind].split(" is", 1)[1]
    finally:
        if server is not None:
            server.close()


def test_a_regular_index_beside_an_odd_one_is_used(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "README.md")
    (tmp_path / "index.md").write_text("* [A](https://a)\n")
    assert find_index(tmp_path) == tmp_path / "index.md"
    assert not_an_index_file(tmp_path / "index.md") is None


def test_a_device_named_directly_and_every_mode_is_named() -> None:
    assert not_an_index_file(Path("/dev/null")) == (
        "Not an index: /dev/null is a character device, not a file"
    )
    assert file_kind(stat.S_IFBLK) == "a block device"
    assert file_kind(stat.S_IFREG) is None


def test_a_folder_without_anything_like_an_index_keeps_its_message(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("x")
    assert odd_index_in(tmp_path) is None
    with pytest.raises(IndexNotFoundError, match=r"expected README\.md or index\.md"):
        find_index(tmp_path)
