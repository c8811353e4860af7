"""One way to run a method in a thread worker, for the App and the plain objects it wires.

Every worker gets its name as group and description and ``exit_on_error=False``: a failure
comes back through ``Worker.StateChanged`` (one notice, never a traceback), and the fixed
description matters, since Textual's default is the repr of the arguments, and that of a
10,000-entry Index blocks the event loop for ~100 ms.

A plain object (not a widget) runs its workers on the node it names as ``host``, the App:
their state changes reach the App's handler, and ``cancel_group(host, name)`` stops them.

A finished worker keeps neither its arguments nor its result: the call is dropped once made and
the result is handed over once (:func:`take_result`). A finished ``Worker`` lives on in
reference cycles (its task, its messages) until a full collection, and the last one a pool
thread ran lives on in that thread's context; their arguments and results are often a whole
10,000-entry ``Index``. Kept, they left up to seven models alive at once under saves every
200 ms, and each peak grew pymalloc's arenas for good: RSS +26% from minute 1 to minute 6 of
``bench/soak.py``, see docs/performance.md.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

P = ParamSpec("P")
R = TypeVar("R")


class Hosted(Protocol):
    """A plain object whose workers run on a node of the app."""

    @property
    def host(self) -> DOMNode: ...


S = TypeVar("S", bound=DOMNode | Hosted)


class Handed(Generic[R]):
    """A worker's result, until its owner takes it."""

    __slots__ = ("_value",)

    def __init__(self, value: R) -> None:
        self._value: R | None = value

    def take(self) -> R | None:
        value, self._value = self._value, None
        return value


class _Call(Generic[R]):
    """The worker's call, made once and then dropped with its arguments."""

    __slots__ = ("_call",)

    def __init__(self, call: Callable[[], R]) -> None:
        self._call: Callable[[], R] | None = call

    def __call__(self) -> Handed[R]:
        call, self._call = self._call, None
        if call is None:
            raise RuntimeError("a worker's call is made once")
        try:
            return Handed(call())
        finally:
            del call  # an error's traceback keeps this frame, not the arguments


def take_result(worker: Worker[Any]) -> object:
    """A finished worker's result, handed over once (a second take gives None)."""
    result = worker.result
    return result.take() if isinstance(result, Handed) else result


def thread_worker(
    name: str, *, exclusive: bool = False
) -> Callable[[Callable[Concatenate[S, P], R]], Callable[Concatenate[S, P], Worker[Handed[R]]]]:
    """Calling the decorated method starts it in a thread worker named ``name``.

    ``exclusive``: a new call cancels the one still running in the group.
    """

    def decorate(
        method: Callable[Concatenate[S, P], R],
    ) -> Callable[Concatenate[S, P], Worker[Handed[R]]]:
        @wraps(method)
        def start(self: S, /, *args: P.args, **kwargs: P.kwargs) -> Worker[Handed[R]]:
            host = self if isinstance(self, DOMNode) else self.host
            return host.run_worker(
                _Call(partial(method, self, *args, **kwargs)),
                name=name,
                group=name,
                description=name,
                exclusive=exclusive,
                thread=True,
                exit_on_error=False,
            )

        return start

    return decorate
