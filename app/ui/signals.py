"""SIGTERM, SIGHUP and SIGINT end the browser as ``q`` does, with the shell's exit codes.

Python's default for SIGTERM and SIGHUP is to die on the spot: the terminal stays in the
alternate screen with mouse reporting on, and the remembered place is lost. Closing a terminal
window sends SIGHUP; ``kill``, systemd and tmux's kill-session send SIGTERM; SIGINT comes only
from outside (in the app, ctrl+c is a key). Each is turned into the app's own quit on its event
loop: the place is remembered and saved, the watcher and workers stop, and Textual's normal exit
leaves the alternate screen and resets the mouse and keyboard modes. The exit code is the one a
shell reports for a death by that signal (128 + its number), so scripts still see why it ended.
A mark in flight is an atomic replace: it has either happened or not.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from typing import Protocol

EXIT_CODES = {signal.SIGTERM: 143, signal.SIGHUP: 129, signal.SIGINT: 130}


class Quittable(Protocol):
    """What is asked of the app: its quit action (``q``) and Textual's ``exit``."""

    async def action_quit(self) -> None: ...

    def exit(self, result: int | None = None, return_code: int = 0) -> None: ...


def install_exit_signals(
    app: Quittable, loop: asyncio.AbstractEventLoop | None = None
) -> Callable[[], None]:
    """Make the signals quit ``app`` cleanly; returns what puts the old handlers back.

    Call it on the app's running loop (``on_mount``). ``app.run()`` then returns the exit code
    (143, 129 or 130) as its result.
    """
    running = asyncio.get_running_loop() if loop is None else loop
    pending: set[asyncio.Task[None]] = set()

    def quit_for(code: int) -> None:
        if pending:
            return  # already quitting: a second signal changes nothing
        task = running.create_task(_quit(app, code))
        pending.add(task)

    for signum, code in EXIT_CODES.items():
        running.add_signal_handler(signum, quit_for, code)

    def restore() -> None:
        for signum in EXIT_CODES:
            running.remove_signal_handler(signum)

    return restore


async def _quit(app: Quittable, code: int) -> None:
    await app.action_quit()  # what q does: the place remembered, then Textual's exit
    app.exit(result=code, return_code=code)
