"""The signal handlers on their own: each signal runs the app's quit once, with its exit code."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from app.ui.signals import EXIT_CODES, install_exit_signals


class FakeApp:
    """Records what the handlers ask of the app, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int | None]] = []
        self.exited = asyncio.Event()

    async def action_quit(self) -> None:
        self.calls.append(("quit", None))

    def exit(self, result: int | None = None, return_code: int = 0) -> None:
        assert result == return_code
        self.calls.append(("exit", return_code))
        self.exited.set()


@pytest.mark.parametrize("signum", list(EXIT_CODES))
async def test_a_signal_quits_as_q_does_then_sets_its_exit_code(signum: int) -> None:
    app = FakeApp()
    restore = install_exit_signals(app)
    try:
        os.kill(os.getpid(), signum)
        await asyncio.wait_for(app.exited.wait(), 5)
        os.kill(os.getpid(), signum)  # a second signal while quitting changes nothing
        await asyncio.sleep(0.05)
    finally:
        restore()
    assert app.calls == [("quit", None), ("exit", EXIT_CODES[signum])]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
