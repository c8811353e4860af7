"""The reader's own settings: the config (keys, theme) and the place remembered between runs.

The place (cursor, folded categories, filters) is taken while the widgets still exist (on each
move, and at quit) and written at unmount, with the theme when the reader changed it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.core.config import Config
from app.core.errors import ReadnotesError
from app.core.model import Category, Entry, Status
from app.core.parse import find_index
from app.core.query import Query
from app.core.sanitize import inert_line
from app.core.state import FolderState, Remembered, StateStore, folder_key
from app.ui.settings import ui_problems, usable_keymap, usable_theme

if TYPE_CHECKING:
    from app.ui.app import ReadnotesApp


class Preferences:
    """The config, the remembered state of this folder, and the cursor still to restore."""

    def __init__(
        self, app: ReadnotesApp, index_path: Path, config: Config, state: StateStore | None
    ) -> None:
        self.app = app
        self.config = config
        self.state = state  # None: remember nothing (tests, unless they pass a store)
        self._remembered = state.read() if state is not None else Remembered()
        self._state_key = _index_file(index_path)
        folders = self._remembered.folders
        self._restored = FolderState.from_json(folders.get(folder_key(self._state_key)))
        self._pending_cursor: FolderState | None = None
        self._place_state: FolderState | None = None  # where the reader is, for the next start
        self._theme_at_start = ""

    def apply(self) -> None:
        """Keys and theme from the config (a remembered theme wins); its problems as notices."""
        app = self.app
        keymap = usable_keymap(self.config)
        if keymap:
            app.set_keymap(keymap)
        remembered = self._remembered.theme
        theme = remembered if remembered in app.available_themes else usable_theme(self.config)
        if theme is not None:
            app.theme = theme
        self._theme_at_start = app.theme
        for problem in [*self.config.problems, *ui_problems(self.config)]:
            app.notify(inert_line(problem), title="Config", severity="warning", timeout=10)
        if self._restored is not None:
            app.index_tree.restored_expansion = set(self._restored.expanded)
            self._restore_filters(self._restored)

    def _restore_filters(self, place: FolderState) -> None:
        status = {"todo": Status.TODO, "done": Status.DONE}.get(place.status_filter or "")
        self.app.filtering.query = Query(place.filter_text, status)
        if place.filter_text:
            self.app.filter_bar.value = place.filter_text
            self.app.filter_bar.display = True

    def first_index_shown(self) -> None:
        """The remembered cursor is now to be restored (maybe only once the tags are read)."""
        self._pending_cursor = self._restored
        self.restore_cursor(final=False)

    def restore_cursor(self, *, final: bool) -> None:
        """Put the cursor back where it was; a ``#tag`` filter may need the tags loaded first."""
        place = self._pending_cursor
        if place is None:
            return
        tree = self.app.index_tree
        if place.cursor_entry is not None:
            found = tree.reveal_entry(place.cursor_entry)
        else:
            found = place.cursor_category is not None and tree.reveal_category(
                place.cursor_category
            )
        if found or final or "#" not in self.app.filtering.query.text:
            self._pending_cursor = None

    def remember(self) -> None:
        """Take the reader's place (cursor, folds, filters) for the next start."""
        app = self.app
        if app.index is None or self.state is None:
            return
        tree = app.index_tree
        item = tree.cursor_item
        query = app.filtering.query
        status = query.status
        self._place_state = FolderState(
            cursor_entry=item.key if isinstance(item, Entry) else None,
            cursor_category=tree.uid(item) if isinstance(item, Category) else None,
            expanded=tuple(sorted(tree.remembered_expansion())),
            filter_text=query.text,
            status_filter=str(status) if status is not None else None,
        )

    def save(self) -> None:
        if self.state is None or self._place_state is None:
            return
        theme = self.app.theme if self.app.theme != self._theme_at_start else None
        self.state.save(self._state_key, self._place_state, theme)


def _index_file(path: Path) -> Path:
    """The index a folder stands for: remembered places are keyed by the index file."""
    try:
        return find_index(path)
    except ReadnotesError:
        return path
