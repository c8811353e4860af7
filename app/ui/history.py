"""Back and forward through what the preview showed, like a web browser's history."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PlaceKind(StrEnum):
    ENTRY = "entry"
    CATEGORY = "category"
    NOTE = "note"  # a note reached by a link that no entry of the index points to


@dataclass(frozen=True, slots=True)
class Place:
    """Something the preview can show again: keys survive a re-parse, line numbers do not."""

    kind: PlaceKind
    key: str  # entry key, category uid (``IndexTree.uid``), or the note's root-relative path
    anchor: str | None = None


class History:
    """A linear history: visiting after going back drops the forward part."""

    def __init__(self, limit: int = 500) -> None:
        self._places: list[Place] = []
        self._at = -1
        self._limit = limit

    @property
    def current(self) -> Place | None:
        return self._places[self._at] if self._at >= 0 else None

    @property
    def can_go_back(self) -> bool:
        return self._at > 0

    @property
    def can_go_forward(self) -> bool:
        return self._at < len(self._places) - 1

    def visit(self, place: Place) -> None:
        if place == self.current:
            return
        del self._places[self._at + 1 :]
        self._places.append(place)
        if len(self._places) > self._limit:
            del self._places[0]
        self._at = len(self._places) - 1

    def back(self) -> Place | None:
        if not self.can_go_back:
            return None
        self._at -= 1
        return self._places[self._at]

    def forward(self) -> Place | None:
        if not self.can_go_forward:
            return None
        self._at += 1
        return self._places[self._at]
