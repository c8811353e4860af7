"""Build and run the command that opens a file in the user's editor.

``$VISUAL`` and ``$EDITOR`` often hold arguments (``code --wait``), hence ``shlex``. Editors
differ in how they take a line number, so the line is only passed to editors known to accept it;
any other editor simply opens the file at the top.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from app.core.errors import ReadnotesError

_FALLBACK_EDITORS = ("sensible-editor", "nano", "vi")
# Each takes ``+LINE`` just before the file.
_PLUS_LINE_EDITORS = frozenset(
    {"vi", "vim", "nvim", "view", "gvim", "mvim", "nano", "pico"}
    | {"emacs", "emacsclient", "micro", "kak", "joe", "jed", "mg", "ne"}
)
# Each takes ``FILE:LINE`` in place of the file.
_COLON_LINE_EDITORS = frozenset({"hx", "helix", "subl", "zed"})
# Each takes ``--goto FILE:LINE``.
_GOTO_EDITORS = frozenset({"code", "codium", "code-insiders"})


def editor_command(
    path: Path, line: int | None = None, configured: Sequence[str] | None = None
) -> list[str]:
    """The argv that opens ``path`` (at ``line`` when the editor understands it).

    ``configured`` (the config file's ``editor``) comes before ``$VISUAL`` and ``$EDITOR``.
    """
    command = list(configured or ()) or _configured_editor() or _fallback_editor()
    if command is None:
        raise ReadnotesError("No editor found: set $VISUAL or $EDITOR (e.g. export EDITOR=nano)")
    return command + _file_arguments(command[0], _safe_argument(path), line)


def run_editor(command: list[str]) -> int:
    """Run the editor in the foreground (the UI suspends itself around this) and return its code."""
    try:
        return subprocess.call(command)
    except OSError as error:
        raise ReadnotesError(
            f"Could not start the editor {command[0]!r}: {error.strerror}"
        ) from None


def _configured_editor() -> list[str] | None:
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if not value:
            continue
        try:
            words = shlex.split(value)
        except ValueError:
            raise ReadnotesError(f"${variable} cannot be read as a command: {value!r}") from None
        if words:
            return words
    return None


def _fallback_editor() -> list[str] | None:
    for name in _FALLBACK_EDITORS:
        found = shutil.which(name)
        if found is not None:
            return [found]
    return None


def _file_arguments(program: str, file: str, line: int | None) -> list[str]:
    name = _program_name(program)
    if line is None or line < 1:
        return [file]
    if name in _PLUS_LINE_EDITORS:
        return [f"+{line}", file]
    if name in _COLON_LINE_EDITORS:
        return [f"{file}:{line}"]
    if name in _GOTO_EDITORS:
        return ["--goto", f"{file}:{line}"]
    return [file]


def _program_name(program: str) -> str:
    name = os.path.basename(program).lower()
    return name.removesuffix(".exe")


def _safe_argument(path: Path) -> str:
    """A relative name beginning with ``-`` would be read as an option; anchor it."""
    text = str(path)
    return text if path.is_absolute() or not text.startswith("-") else f"./{text}"
