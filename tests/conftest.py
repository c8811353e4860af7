"""Shared fixtures: real copies of the sample folder and the real-world corpora in tmp_path."""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path

import hypothesis_profiles  # noqa: F401  (loads the profile HYPOTHESIS_PROFILE names)
import pytest

from app.core.model import Category, Entry, Index, Status

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "notes"
CORPORA = Path(__file__).resolve().parent / "corpora"
CORPUS_FILES = sorted(p for p in CORPORA.glob("*.md") if p.name != "SOURCES.md")


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsed-chunk caches go to a temporary folder, never the user's cache."""
    monkeypatch.setenv("READNOTES_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def private_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """No test reads the user's config file or touches their remembered state."""
    home = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("READNOTES_STATE_DIR", str(home / "state" / "readnotes"))
    monkeypatch.delenv("READNOTES_CONFIG", raising=False)
    return home


@pytest.fixture
def notes_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled sample folder."""
    target = tmp_path / "notes"
    shutil.copytree(SAMPLE, target)
    return target


def write_index(folder: Path, text: str | bytes, name: str = "README.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def model_view(index: Index, *, layout: bool = True) -> tuple[object, ...]:
    """Every field of a model, entries and categories included, for comparing two models.

    Markers appear as offsets into the file. ``layout=False`` leaves out how the file was cut
    into chunks (each entry's chunk and chunk-relative marker, the chunk starts), to compare a
    chunked parse with a parse of the whole file at once. Also checks that the categories hold
    the very entries of ``index.entries``.
    """
    chunked = ("chunk", "local_marker")

    def entry(e: Entry) -> tuple[object, ...]:
        assert index.entries[e.position] is e
        names = [n for n in Entry.__slots__ if layout or n not in chunked]
        fields = tuple(getattr(e, name) for name in names)
        return (*fields, index.marker(e), type(e.local_marker), type(e.status))

    def tree(category: Category) -> tuple[object, ...]:
        assert all(index.entries[e.position] is e for e in category.entries)
        return (
            category.title,
            category.level,
            category.line,
            category.path,
            [e.position for e in category.entries],
            category.total,
            category.todo,
            [tree(child) for child in category.children],
        )

    assert index.todo_count == sum(1 for e in index.entries if e.status is Status.TODO)
    return (
        index.path,
        index.root,
        index.title,
        tree(index.tree),
        [entry(e) for e in index.entries],
        index.data,
        index.digest,
        index.warnings,
        index.uses_done_word,
        index.todo_style,
        index.checked_style,
        index.todo_count,
        index.chunk_starts if layout else None,
    )


# --- how the suite runs --------------------------------------------------------------------------
# This machine (and CI) sets PYTHONDONTWRITEBYTECODE=1, so every interpreter the suite starts (the
# xdist workers, each CLI or pseudo-terminal test's `readnotes`) would compile textual, rich and
# the app from source again: about a second each. A user's Python caches bytecode; so do the
# tests, for the modules imported from here on and for every process they start.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# Which marker each folder's tests carry (`-m "not slow"`, `-m e2e` ...): see pyproject.toml.
_FOLDER_MARKERS = {"e2e": "e2e", "fuzz": "fuzz"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks by folder. The order stays pytest's: sorting the longest tests first was measured
    slower (153 s against 130 s on a fresh clone, docs/performance.md): they then all run at
    once on two cores, and a 5-second wait in a Pilot test timed out under that load.
    """
    for item in items:
        folder = item.path.parent.name
        if folder in _FOLDER_MARKERS:
            item.add_marker(_FOLDER_MARKERS[folder])
        if "snap_compare" in getattr(item, "fixturenames", ()):
            item.add_marker("snapshot")
    # What the worker has imported and collected lives as long as it does: keep the collector
    # from walking it at each of the thousands of collections an app session sets off (the
    # browser freezes its imports the same way, app/ui/app.py), and collect young objects less
    # often (each Pilot session makes hundreds of thousands).
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Workers for ``-n auto``: three per core, since most of a Pilot test waits on its app.

    About half of the suite's wall time is spent waiting (for a frame, a worker thread, a
    subprocess), not computing. Measured on the 2-core machine, the whole suite took 111 s with
    4 workers, 97 s with 6 and 104 s with 8.
    """
    return 3 * (os.cpu_count() or 1)


_OWN_BASETEMP = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """A short temporary base per run: paths shown on a 120-column screen stay whole.

    pytest's default base (``/tmp/pytest-of-USER/pytest-N/``, plus ``popen-gwN/`` per xdist
    worker) pushes a tmp_path's index past the width of the header some tests read.
    """
    if config.option.basetemp is None and not hasattr(config, "workerinput"):
        config.option.basetemp = tempfile.mkdtemp(prefix="rn-")
        config.stash[_OWN_BASETEMP] = config.option.basetemp
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        _compile_once()


def _compile_once() -> None:
    """Import what every worker imports, in the controller, before the workers start.

    On a fresh clone nothing is compiled yet (`uv sync` writes no bytecode): six workers starting
    at once would each compile textual, rich and the app from source. Imported here once, they
    write the cache the workers then read.
    """
    import compileall

    import hypothesis
    import textual.pilot

    import app.ui.app

    compileall.compile_dir(REPO / "app", quiet=1)
    del hypothesis, textual.pilot, app.ui.app


def pytest_unconfigure(config: pytest.Config) -> None:
    own = config.stash.get(_OWN_BASETEMP, None)
    if own is not None:
        shutil.rmtree(own, ignore_errors=True)
