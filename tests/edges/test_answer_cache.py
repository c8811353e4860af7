"""The web answers' cache is written as every cache file is (``app.core.cache_files``)."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from app.edges.network import AnswerCache


def _stale_temp(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".{name}.readnotes-1a2b3c4d.tmp"  # an older writer's name: stale by its age
    temp.write_bytes(b"half")
    old = time.time() - 3600
    os.utime(temp, (old, old))
    return temp


def test_a_web_answer_is_written_private_and_sweeps_a_killed_writers_temp(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path)
    stale = _stale_temp(tmp_path / "answers", "x.bin")
    cache.put("https://example.org/a", b"answer")
    assert cache.get("https://example.org/a") == b"answer"
    assert not stale.exists()
    (written,) = (tmp_path / "answers").iterdir()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
