"""Every cache file is written one way: atomically, private to the user, sweeping what a killed
writer left; a framed one that is damaged or of another format reads as nothing."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from app.core.cache_files import read_framed, write_framed
from app.core.link_health import Health, Kind
from app.core.link_store import LinkStore


def _stale_temp(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".{name}.readnotes-1a2b3c4d.tmp"  # an older writer's name: stale by its age
    temp.write_bytes(b"half")
    old = time.time() - 3600
    os.utime(temp, (old, old))
    return temp


def test_link_health_is_written_private_and_sweeps_a_killed_writers_temp(tmp_path: Path) -> None:
    stale = _stale_temp(tmp_path, "links.json")
    store = LinkStore(tmp_path)
    store.save({"https://example.org/": Health(Kind.OK, 200, checked=time.time())}, now=time.time())
    assert set(store.load()) == {"https://example.org/"}
    assert not stale.exists()
    assert stat.S_IMODE((tmp_path / "links.json").stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["links.json"]


def test_a_framed_file_reads_back_and_any_damage_reads_as_nothing(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "f.marshal"
    write_framed(target, b"form-1\n", b"payload bytes")
    assert read_framed(target, b"form-1\n") == b"payload bytes"
    assert read_framed(target, b"form-2\n") is None  # another format
    raw = bytearray(target.read_bytes())
    raw[-1] ^= 1
    target.write_bytes(bytes(raw))
    assert read_framed(target, b"form-1\n") is None  # a flipped bit
    target.write_bytes(b"form-1\n\x00")
    assert read_framed(target, b"form-1\n") is None  # cut short
    assert read_framed(tmp_path / "missing", b"form-1\n") is None
