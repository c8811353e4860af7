"""Shared fixtures: real copies of the sample folder and the real-world corpora in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
