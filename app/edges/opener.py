"""Open a local file (an image in a note) with the desktop's default viewer.

The viewer is started detached, in its own session with no access to our terminal: it must not
read our keys, write over the screen, or die with us. The caller passes a real path inside the
notes folder (``app.core.images.resolve_image``), which is absolute, so it can never be taken
for an option of the opener.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from app.core.sanitize import inert_line
from app.edges.browser import OpenResult

OPENERS = ("xdg-open", "open")  # freedesktop (Linux, BSD), then macOS


def opener_command() -> str | None:
    """The first opener found on PATH, or None."""
    for name in OPENERS:
        found = shutil.which(name)
        if found is not None:
            return found
    return None


def no_viewer(path: Path) -> OpenResult:
    """What a machine with no opener says: the file, for the reader to open elsewhere."""
    return OpenResult(
        False, f"No image viewer found (xdg-open or open) — the file is {inert_line(str(path))}"
    )


def open_file(path: Path) -> OpenResult:
    """Start the system viewer on ``path`` without waiting for it; say what happened."""
    shown = inert_line(path.name)
    if not path.is_absolute():
        return OpenResult(False, f"Not opened: {shown} is not an absolute path")
    if not path.is_file():
        return OpenResult(False, f"Missing image: {shown} does not exist")
    command = opener_command()
    if command is None:
        return no_viewer(path)
    try:
        subprocess.Popen(
            [command, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as error:
        return OpenResult(False, f"Could not start {Path(command).name}: {error.strerror}")
    return OpenResult(True, f"Opened {shown} in the system viewer")
