"""Complete renders kept by document, version and width, so a note seen again paints at once.

Small and least-recently-used: going back to the previous note, or a note rendered ahead of the
cursor, costs no render; a changed file (a new version) or a new width is rendered again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from app.render.rendered import Rendered

__all__ = ["RenderCache"]

_Key = tuple[Hashable, object, int]


class RenderCache:
    """At most `size` complete renders; a partial one (a first screen) is never kept."""

    __slots__ = ("_renders", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self._renders: OrderedDict[_Key, Rendered] = OrderedDict()

    def get(self, doc_key: Hashable, version: object, width: int) -> Rendered | None:
        """The render of that document and version at that width, now the most recently used."""
        key = (doc_key, version, width)
        rendered = self._renders.get(key)
        if rendered is not None:
            self._renders.move_to_end(key)
        return rendered

    def put(self, doc_key: Hashable, version: object, rendered: Rendered) -> None:
        if not rendered.complete:
            return
        key = (doc_key, version, rendered.width)
        self._renders[key] = rendered
        self._renders.move_to_end(key)
        while len(self._renders) > self.size:
            self._renders.popitem(last=False)
