"""The system viewer for images: started detached, never waited for, honest when absent."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from app.edges.opener import open_file


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "notes" / "roofline.png"
    path.parent.mkdir()
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    return path


def fake_opener(folder: Path, name: str, seconds: float) -> Path:
    """An opener on PATH that records its argument and what its stdin is, then lingers."""
    folder.mkdir(exist_ok=True)
    record = folder / "opened.txt"
    script = folder / name
    readlink, mv, sleep = (shutil.which(tool) for tool in ("readlink", "mv", "sleep"))
    script.write_text(
        "#!/bin/sh\n"  # PATH holds only the fake opener, so the tools are named in full
        f'{readlink} /proc/self/fd/0 > "{record}.tmp"\n'
        f'echo "$1" >> "{record}.tmp"\n'
        f'{mv} "{record}.tmp" "{record}"\n'
        f"{sleep} {seconds}\n"
    )
    script.chmod(0o755)
    return record


def wait_for(path: Path, timeout: float = 5.0) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)
    return path.read_text()


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
def test_the_viewer_is_started_detached_without_waiting(
    image: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_folder = tmp_path / "bin"
    record = fake_opener(bin_folder, "xdg-open", seconds=5)
    monkeypatch.setenv("PATH", str(bin_folder))
    started = time.monotonic()
    result = open_file(image)
    assert time.monotonic() - started < 1.0  # the viewer lingers 5 s; we do not wait
    assert result.ok
    assert "roofline.png" in result.message
    stdin, argument = wait_for(record).splitlines()
    assert stdin == os.devnull
    assert argument == str(image)


def test_open_is_used_where_xdg_open_is_missing(
    image: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_folder = tmp_path / "bin"
    record = fake_opener(bin_folder, "open", seconds=0)
    monkeypatch.setenv("PATH", str(bin_folder))
    assert open_file(image).ok
    assert wait_for(record).splitlines()[-1] == str(image)


def test_no_viewer_says_so_and_shows_the_file(
    image: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = open_file(image)
    assert not result.ok
    assert "No image viewer found" in result.message
    assert str(image) in result.message


def test_a_missing_file_is_not_handed_to_a_viewer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_opener(tmp_path / "bin", "xdg-open", seconds=0)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    result = open_file(tmp_path / "gone.png")
    assert not result.ok
    assert result.message == "Missing image: gone.png does not exist"
    assert open_file(Path("relative.png")).ok is False
    time.sleep(0.1)
    assert not record.exists()
