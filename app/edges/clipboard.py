"""Copy text to the native clipboard without ever freezing the app.

pyperclip shells out to ``xclip``/``xsel``/``wl-copy``; on a machine without one it raises, and a
stuck ``xclip`` (no X server answering) can block forever. The copy therefore runs in a daemon
thread that is abandoned after a timeout. The UI also writes OSC 52 through
``App.copy_to_clipboard`` and combines both messages.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from app.core.sanitize import inert_line

_MESSAGE_MAX_CHARS = 120


@dataclass(frozen=True, slots=True)
class CopyResult:
    ok: bool
    message: str  # one line, safe to display


def copy_native(text: str, timeout: float = 2.0) -> CopyResult:
    """Copy with pyperclip, giving up after ``timeout`` seconds."""
    outcome: list[BaseException | None] = []

    def copy() -> None:
        try:
            import pyperclip  # on first use: nothing at start-up needs it

            pyperclip.copy(text)
        except BaseException as error:  # report anything; a daemon thread must not die noisily
            outcome.append(error)
        else:
            outcome.append(None)

    worker = threading.Thread(target=copy, name="readnotes-clipboard", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        return CopyResult(False, f"The clipboard tool did not answer within {timeout:g} s")
    error = outcome[0]
    if error is None:
        return CopyResult(True, "Copied to the system clipboard")
    return CopyResult(False, _failure_message(error))


def no_clipboard() -> CopyResult:
    """What a machine with no clipboard tool says."""
    return CopyResult(False, "No system clipboard tool found (install xclip, xsel or wl-clipboard)")


def _failure_message(error: BaseException) -> str:
    import pyperclip

    if isinstance(error, pyperclip.PyperclipException):
        return no_clipboard().message
    detail = inert_line(str(error).strip() or type(error).__name__)
    if len(detail) > _MESSAGE_MAX_CHARS:
        detail = detail[: _MESSAGE_MAX_CHARS - 1] + "…"
    return f"System clipboard failed: {detail}"
