"""The user's index survives every way a write can go wrong (issue 6, item 10), on real files.

Odd bytes, metadata, links across filesystems, hard links, read-only files, and a process killed
with SIGKILL in the middle of a write: the index is always wholly old or wholly new, and the next
readnotes run sweeps away the temp file the dead writer left.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.edit import mark
from app.core.errors import EditError
from app.core.locking import LOCK_SUFFIX
from app.core.model import Status
from app.core.names import is_noise
from app.core.parse import load_index
from app.core.temps import TEMP_MARK, remove_stale_temps, temp_name
from tests.conftest import write_index

REPO = Path(__file__).resolve().parents[2]


def readnotes(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def key_of(path: Path, title: str) -> str:
    return next(e.key for e in load_index(path).entries if e.title == title)


def temps_in(folder: Path) -> list[str]:
    """Our temporaries in ``folder`` (the writers' lock file beside the index is not one)."""
    return sorted(
        name for name in os.listdir(folder) if TEMP_MARK in name and not name.endswith(LOCK_SUFFIX)
    )


@pytest.fixture
def elsewhere() -> Iterator[Path]:
    """A scratch folder outside tmp_path, preferably on another filesystem (tmpfs)."""
    base = next((Path(d) for d in ("/dev/shm", "/run/shm") if os.access(d, os.W_OK)), None)
    folder = Path(tempfile.mkdtemp(prefix="readnotes-test-", dir=base))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


# --- bytes --------------------------------------------------------------------------------------

INDEX = (
    b"\xef\xbb\xbf# Notes\r\n\r\n## Papers\t(2024)\r\n\r\n"
    b"*\tTODO [Zephyr](./z.md)\t[[paper](https://p)]\r\n"
    b"-\t[ ]\t[Mistral](https://m)\r\n"
    b"* [Phi](./phi.md)\t"
)


@pytest.mark.parametrize(
    ("title", "status", "before", "after"),
    [
        ("Zephyr", Status.DONE, b"*\tTODO [Zephyr]", b"*\t[Zephyr]"),
        ("Mistral", Status.DONE, b"-\t[ ]\t[Mistral]", b"-\t[x]\t[Mistral]"),
        ("Phi", Status.TODO, b"* [Phi](./phi.md)\t", b"* TODO [Phi](./phi.md)\t"),
    ],
)
def test_bom_crlf_tabs_and_no_final_newline_only_the_marker_changes(
    tmp_path: Path, title: str, status: Status, before: bytes, after: bytes
) -> None:
    path = write_index(tmp_path, INDEX)
    result = mark(path, key_of(path, title), status)
    assert result.changed
    assert INDEX.count(before) == 1
    assert path.read_bytes() == INDEX.replace(before, after)
    mark(path, result.entry.key, Status.TODO if status is Status.DONE else Status.DONE)
    assert path.read_bytes() == INDEX


# --- metadata -----------------------------------------------------------------------------------


def test_mode_and_owner_are_kept_through_the_replace(tmp_path: Path) -> None:
    path = write_index(tmp_path, b"* TODO [A](https://a)\n")
    if os.geteuid() == 0:
        os.chown(path, 4242, 4343)  # another user's file, as when root marks it
    os.chmod(path, 0o2750)  # setgid with group exec: a chown after the chmod would clear it
    before = os.stat(path)
    mark(path, key_of(path, "A"), Status.DONE)
    after = os.stat(path)
    assert after.st_ino != before.st_ino, "the index was replaced by a new file"
    assert stat.S_IMODE(after.st_mode) == 0o2750
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    if os.geteuid() == 0:
        assert (after.st_uid, after.st_gid) == (4242, 4343)


def _xattr_support(folder: Path) -> bool:
    probe = folder / "xattr-probe"
    probe.write_bytes(b"")
    try:
        os.setxattr(probe, "user.readnotes", b"probe")
    except OSError as exc:
        assert exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP), exc  # unsupported, not broken
        return False
    finally:
        probe.unlink()
    return True


def test_extended_attributes_are_kept(tmp_path: Path, elsewhere: Path) -> None:
    candidates = [tmp_path, elsewhere, Path(tempfile.mkdtemp(dir="/var/tmp"))]
    try:
        supported = [folder for folder in candidates if _xattr_support(folder)]
        if not supported:  # then no user can have set one either: there is nothing to lose
            path = write_index(tmp_path, b"* TODO [A](https://a)\n")
            with pytest.raises(OSError) as unsupported:
                os.setxattr(path, "user.readnotes", b"x")
            assert unsupported.value.errno in (errno.ENOTSUP, errno.EOPNOTSUPP)
            mark(path, key_of(path, "A"), Status.DONE)
            assert path.read_bytes() == b"* [A](https://a)\n"
            return
        path = write_index(supported[0] / "notes", b"* TODO [A](https://a)\n")
        os.setxattr(path, "user.readnotes", b"x")
        os.setxattr(path, "user.origin", b"\x00binary\xff")
        mark(path, key_of(path, "A"), Status.DONE)
        assert path.read_bytes() == b"* [A](https://a)\n"
        assert os.getxattr(path, "user.readnotes") == b"x"
        assert os.getxattr(path, "user.origin") == b"\x00binary\xff"
    finally:
        shutil.rmtree(candidates[2], ignore_errors=True)


# --- links --------------------------------------------------------------------------------------


def test_a_symlinked_index_on_another_filesystem_stays_a_link(
    tmp_path: Path, elsewhere: Path
) -> None:
    real = write_index(elsewhere, b"* TODO [A](https://a)\n")
    notes = tmp_path / "notes"
    notes.mkdir()
    link = notes / "README.md"
    link.symlink_to(real)
    assert os.stat(notes).st_dev != os.stat(elsewhere).st_dev, (
        "this test needs a scratch folder on another filesystem (/dev/shm as tmpfs)"
    )
    mark(notes, key_of(link, "A"), Status.DONE)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"* [A](https://a)\n"
    assert temps_in(notes) == [] and temps_in(elsewhere) == []


def test_two_hard_links_both_see_the_edit(tmp_path: Path) -> None:
    path = write_index(tmp_path / "notes", b"* TODO [A](https://a)\n")
    other = tmp_path / "backup.md"
    os.link(path, other)
    mark(path, key_of(path, "A"), Status.DONE)
    assert path.read_bytes() == other.read_bytes() == b"* [A](https://a)\n"
    assert os.stat(path).st_ino == os.stat(other).st_ino
    assert os.stat(path).st_nlink == 2


def test_a_read_only_index_is_refused_even_for_root(tmp_path: Path) -> None:
    original = b"* TODO [A](https://a)\n"
    path = write_index(tmp_path, original)
    os.chmod(path, 0o444)
    mtime = os.stat(path).st_mtime_ns
    # root may write anywhere (os.access says yes): the mode bits are what refuse
    with pytest.raises(EditError, match="read-only; nothing was written") as refused:
        mark(path, key_of(path, "A"), Status.DONE)
    assert str(path) in str(refused.value)
    cli = readnotes("done", tmp_path, "--match", "A")
    assert cli.returncode == 2 and cli.stdout == ""
    assert cli.stderr.count("\n") == 1 and "read-only" in cli.stderr
    assert "Traceback" not in cli.stderr
    assert path.read_bytes() == original
    assert os.stat(path).st_mtime_ns == mtime
    assert temps_in(tmp_path) == []


# --- a writer killed with SIGKILL ---------------------------------------------------------------

_WRITER = """
import sys
from pathlib import Path
from app.core.edit import mark
from app.core.model import Status
from app.core.parse import load_index

path = Path(sys.argv[1])
entry = load_index(path).entries[0]
print("ready", flush=True)
while True:
    wanted = Status.TODO if entry.status is Status.DONE else Status.DONE
    entry = mark(path, entry.key, wanted).entry
"""


def _big_index() -> bytes:
    """About 5 MB, one entry: each mark writes and fsyncs it all, so writes take a while."""
    prose = b"Long prose about the papers below, kept here as the owner wrote it. " * 37_500
    return b"# Notes\n\n" + prose + b"\n\n* TODO [A](https://a)\n\n" + prose + b"\n"


def _start_writer(path: Path) -> subprocess.Popen[str]:
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    return writer


def _wait_for_write(folder: Path, nth: int, seconds: float = 20) -> bool:
    """Wait until the writer's ``nth`` write has begun (its temp file has appeared)."""
    seen: set[str] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen.update(temps_in(folder))
        if len(seen) >= nth:
            return True
    return False


def test_sigkill_during_writes_leaves_old_or_new_bytes_and_the_next_run_cleans_up(
    tmp_path: Path,
) -> None:
    original = _big_index()
    marked = original.replace(b"* TODO [A]", b"* [A]")
    folder = tmp_path / "notes"
    path = write_index(folder, original)
    chance = random.Random()
    kills_mid_write = 0
    for round_number in range(8):
        writer = _start_writer(path)
        if round_number % 2:  # inside a write for sure: its temp file has appeared
            assert _wait_for_write(folder, nth=chance.randint(1, 3)), "no write began"
            time.sleep(chance.uniform(0.0, 0.005))
        else:
            time.sleep(chance.uniform(0.0, 0.8))
        writer.send_signal(signal.SIGKILL)
        writer.wait()  # reaped: its pid is gone, as after any crash
        assert writer.stdout is not None
        writer.stdout.close()

        assert path.read_bytes() in (original, marked), f"torn write in round {round_number}"
        kills_mid_write += bool(temps_in(folder))
        listing = readnotes("list", folder)
        assert listing.returncode == 0, listing.stderr
        assert temps_in(folder) == [], "the next run removes what the killed writer left"
    assert kills_mid_write >= 1, "no kill landed inside a write; the test proved nothing"


# --- stale temp files ---------------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_temps_of_dead_writers_or_very_old_ones_are_removed(tmp_path: Path) -> None:
    path = write_index(tmp_path, b"* TODO [A](https://a)\n")
    dead = tmp_path / f".README.md.readnotes-{_dead_pid()}-0badc0de.tmp"
    live = tmp_path / temp_name("README.md")  # ours: this process is alive and may be writing
    legacy_old = tmp_path / ".README.md.readnotes-1234abcd.tmp"  # older versions: no pid
    legacy_new = tmp_path / ".README.md.readnotes-5678abcd.tmp"
    for temp in (dead, live, legacy_old, legacy_new):
        temp.write_bytes(b"half a write")
    an_hour_ago = time.time() - 3600
    os.utime(legacy_old, (an_hour_ago, an_hour_ago))

    assert readnotes("list", tmp_path).returncode == 0
    assert temps_in(tmp_path) == sorted([live.name, legacy_new.name])
    assert remove_stale_temps(tmp_path, now=time.time() + 3600) == 2  # ten minutes on: all stale
    assert path.read_bytes() == b"* TODO [A](https://a)\n"


def test_mark_sweeps_stale_temps_beside_the_real_index(tmp_path: Path, elsewhere: Path) -> None:
    real = write_index(elsewhere, b"* TODO [A](https://a)\n")
    (tmp_path / "README.md").symlink_to(real)
    stale = elsewhere / f".README.md.readnotes-{_dead_pid()}-00000000.tmp"
    stale.write_bytes(b"")
    mark(tmp_path, key_of(real, "A"), Status.DONE)
    assert temps_in(elsewhere) == []


@pytest.mark.parametrize(
    ("name", "ours"),
    [
        (".README.md.readnotes-4242-0a1b2c3d.tmp", True),
        (".index.md.readnotes-0a1b2c3d.tmp", True),
        (".weird name.md.readnotes-1-ff.tmp", True),
        (".chunks-k2j4_x9a.tmp", True),  # the parse cache's, from older versions
        ("README.md", False),
        (".README.md.swp", False),
        ("README.md.readnotes-4242-0a1b2c3d.tmp", False),
        (".README.md.readnotes-4242-0a1b2c3d.tmp.md", False),
    ],
)
def test_temp_names_are_recognised(name: str, ours: bool, tmp_path: Path) -> None:
    """Ours are swept once stale, and never shown; any other file is left, however old."""
    made = temp_name(name.lstrip("."))
    an_hour_ago = time.time() - 3600
    for file in (tmp_path / name, tmp_path / made):
        file.write_bytes(b"half a write")
        os.utime(file, (an_hour_ago, an_hour_ago))
    assert remove_stale_temps(tmp_path) == 1 + ours
    assert (tmp_path / name).exists() is not ours
    assert not (tmp_path / made).exists()
    assert is_noise(made) and (is_noise(name) or not ours)
