"""Re-read the index after a change on disk and decide what the screen should show.

The model on screen is replaced only by a better one. The file's bytes are compared by sha256
with the model's digest, so the app's own writes (whose digest the model already carries) are
never taken for outside changes, however soon another change follows them.

A save is not always atomic: an editor writing in place truncates the file first, a
backup-rename save leaves a moment with no index at all, a crashed tool can leave binary junk.
When the file is missing, unreadable, empty or binary while a good model is on screen, it is read
once more after ``GRACE_S``; if it is still so, the good model stays and ``problem`` says why. The
next change on disk (every burst re-reads) brings the index back by itself.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import IndexNotFoundError, ReadnotesError
from app.core.model import Index
from app.core.parse import BOM, find_index, index_digest, looks_binary, parse_index
from app.core.subindex import sources_unchanged, stitch

GRACE_S = 0.1


@dataclass(frozen=True, slots=True)
class Reread:
    """What a re-read found."""

    index: Index | None  # a new model to show; None: keep the one on screen
    problem: str | None = None  # why the file's content is not shown (missing, empty...)


def reread_index(path: Path, known: Index | None, *, grace: float = GRACE_S) -> Reread:
    """Read the index at ``path`` (a file or its folder) again and compare it with ``known``."""
    found = _read(path, known)
    if isinstance(found, str) and known is not None:
        time.sleep(grace)  # mid-save: the next moment usually holds the whole file
        found = _read(path, known)
    if isinstance(found, str):
        return Reread(None, found)
    index_path, data = found
    if known is not None and index_digest(data) == known.digest and sources_unchanged(known):
        return Reread(None)
    return Reread(stitch(parse_index(data, index_path)))


def read_ahead(path: Path) -> Future[Reread]:
    """The first read of the index, started in a thread before the browser's UI is imported.

    Importing Textual takes longer than reading (or loading the parsed chunks of) most indexes,
    so the first layout can already show the index instead of a loading screen.
    """
    future: Future[Reread] = Future()

    def read() -> None:
        try:
            future.set_result(reread_index(path, None))
        except BaseException as error:  # handed to whoever waits for the result
            future.set_exception(error)

    threading.Thread(target=read, name="readnotes-read-ahead", daemon=True).start()
    return future


def _read(path: Path, known: Index | None) -> tuple[Path, bytes] | str:
    """The index file and its bytes, or why they cannot replace ``known``."""
    shown = known.path if known is not None else path
    try:
        index_path = find_index(path)
        data = index_path.read_bytes()
    except IndexNotFoundError as exc:
        if known is None:
            return str(exc)
        if known.path.is_dir():  # find_index took it for a notes folder without an index
            return f"The index {shown} is now a folder"
        return f"The index {shown} is missing (deleted or moved)"
    except IsADirectoryError:
        return f"The index {shown} is now a folder"
    except OSError as exc:
        return f"Cannot read the index {shown}: {exc.strerror or exc}"
    except ReadnotesError as exc:
        return str(exc)
    if known is None:
        return index_path, data  # nothing better to keep: show what is there
    if not data.removeprefix(BOM).strip() and known.data.removeprefix(BOM).strip():
        return f"The index {shown} is empty"
    if looks_binary(data.removeprefix(BOM)):
        return f"The index {shown} looks binary"
    return index_path, data
