"""One way to run a method in a thread worker, for the App and the plain objects it wires.

Every worker gets its name as group and description and ``exit_on_error=False``: a failure
comes back through ``Worker.StateChanged`` (one notice, never a traceback), and the fixed
description matters, since Textual's default is the repr of the arguments, and that of a
10,000-entry Index blocks the event loop for ~100 ms.

A plain object (not a widget) runs its workers on the node it names as ``host``, the App:
their state changes reach the App's handler, and ``cancel_group(host, name)`` stops them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

P = ParamSpec("P")
R = TypeVar("R")


class Hosted(Protocol):
    """A plain object whose workers run on a node of the app."""

    @property
    def host(self) -> DOMNode: ...


S = TypeVar("S", bound=DOMNode | Hosted)


def thread_worker(
    name: str, *, exclusive: bool = False
) -> Callable[[Callable[Concatenate[S, P], R]], Callable[Concatenate[S, P], Worker[R]]]:
    """Calling the decorated method starts it in a thread worker named ``name``.

    ``exclusive``: a new call cancels the one still running in the group.
    """

    def decorate(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], Worker[R]]:
        @wraps(method)
        def start(self: S, /, *args: P.args, **kwargs: P.kwargs) -> Worker[R]:
            host = self if isinstance(self, DOMNode) else self.host
            return host.run_worker(
                partial(method, self, *args, **kwargs),
                name=name,
                group=name,
                description=name,
                exclusive=exclusive,
                thread=True,
                exit_on_error=False,
            )

        return start

    return decorate
