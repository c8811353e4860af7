"""Shared fixtures: real copies of the sample folder and the real-world corpora in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "notes"
CORPORA = Path(__file__).resolve().parent / "corpora"
CORPUS_FILES = sorted(p for p in CORPORA.glob("*.md") if p.name != "SOURCES.md")


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
