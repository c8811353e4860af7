"""The App's own keys: their bindings, which apply now, and the help's and palette's view of them.

The footer greys out a key whose action does not apply (``check_action`` answers None). It is
told to look again only when an answer changed: every refresh makes it recompose all its keys,
which would otherwise cost every cursor move and keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from textual.actions import parse as parse_action
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from app.ui.filter_bar import FilterBar
from app.ui.note_view import NoteView
from app.ui.tree import IndexTree

if TYPE_CHECKING:
    from app.ui.app import ReadnotesApp
    from app.ui.help_screen import KeySection


# The App's own keys, by what they act on (the help screen shows them in these groups).
ENTRY_BINDINGS: list[BindingType] = [
    Binding("x", "toggle_done", "Done/TODO", id="app.toggle_done"),
    Binding("u", "undo", "Undo mark", id="app.undo"),
    Binding("o", "open_primary", "Open link", id="app.open_primary"),
    *(
        Binding(str(n), f"open_link({n})", "Open link N", show=False, id=f"app.open_link_{n}")
        for n in range(1, 10)
    ),
    Binding(
        "p", "open_role('paper')", "Open paper / code / blog link", show=False, id="app.open_paper"
    ),
    Binding(
        "c", "open_role('code')", "Open paper / code / blog link", show=False, id="app.open_code"
    ),
    Binding(
        "b", "open_role('blog')", "Open paper / code / blog link", show=False, id="app.open_blog"
    ),
    Binding("y", "copy_link", "Copy link", id="app.copy_link"),
    Binding("Y", "copy_bibtex", "Copy BibTeX", show=False, id="app.copy_bibtex"),
    Binding("e", "edit_note", "Edit note", id="app.edit_note"),
    Binding("E", "edit_index", "Edit index line", show=False, id="app.edit_index"),
]
NOTE_BINDINGS: list[BindingType] = [
    Binding("ctrl+o", "outline", "Outline", id="app.outline"),
    Binding("i", "open_image", "Open image", id="app.open_image"),
]
GENERAL_BINDINGS: list[BindingType] = [
    Binding("slash", "focus_filter", "Filter", id="app.filter"),
    # priority: ctrl+f searches from the filter too (an Input's own ctrl+f deletes a word)
    Binding("ctrl+f", "search", "Search notes", show=False, priority=True, id="app.search"),
    Binding("t", "cycle_status", "All/TODO/done", id="app.cycle_status"),
    Binding("a", "add_entry", "Add entry", id="app.add"),
    Binding("H", "reading_history", "Reading history", show=False, id="app.reading_history"),
    Binding("left_square_bracket,backspace", "history_back", "Back", show=False, id="app.back"),
    Binding("right_square_bracket", "history_forward", "Forward", show=False, id="app.forward"),
    Binding("r", "reload", "Reload", show=False, id="app.reload"),
    Binding("L", "check_links", "Check links", show=False, id="app.check_links"),
    Binding("question_mark", "help", "Help", id="app.help"),
    Binding("q", "quit", "Quit", id="app.quit"),
]


# Help rows that stand for several actions (p / c / b, ctrl+d / ctrl+u): the palette offers each
# of p, c and b on its own (app/ui/link_checks.py), and half pages are for the keys alone.
_SHARED_ROWS = ("open_role", "half_page")


class KeyState:
    """What ``check_action`` answers, and what the footer was last told."""

    def __init__(self, app: ReadnotesApp) -> None:
        self.app = app
        self._shown: tuple[object, ...] = ()  # what the footer was last told applies

    def check(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what does not apply to the entry under the cursor."""
        app = self.app
        index = app.index
        entry = app.current_entry if index is not None else None
        busy = app.writes.busy
        history = app.navigator.history
        if action == "toggle_done":
            return None if entry is None or busy else True
        if action == "copy_bibtex":
            return None if entry is None else True
        if action == "undo":
            return True if app.writes.can_undo and not busy else None
        if action == "add_entry":
            return None if index is None or busy else True
        if action == "open_role":
            return None if entry is None or not entry.web_links else True
        if action == "check_links":
            return None if index is None else True
        if action in ("open_primary", "copy_link"):
            return None if entry is None or entry.primary_url is None else True
        if action == "open_link":
            number = parameters[0] if parameters else 0
            links = entry.web_links if entry is not None else ()
            return True if isinstance(number, int) and 0 < number <= len(links) else None
        if action == "edit_note":
            return None if entry is None or entry.note is None else True
        if action in ("edit_index", "reading_history"):
            return None if index is None else True
        if action == "history_back":
            return True if history.can_go_back else None
        if action == "history_forward":
            return True if history.can_go_forward else None
        if action == "search":  # False: ctrl+f goes on to the focused input of another screen
            return index is not None and app.screen is app.screen_stack[0]
        if action == "outline":
            return True if app.note_view.headings else None
        if action == "open_image":
            return True if app.note_view.images else None
        return True

    def refresh(self) -> None:
        """Re-check which keys apply (footer greying); messages can still arrive at shutdown."""
        app = self.app
        if not app.screen_stack:
            return
        keys = (id(app.screen), *(self.check(*action) for action in _app_actions(type(app))))
        if keys != self._shown:
            self._shown = keys
            app.refresh_bindings()

    def sections(self) -> list[KeySection]:
        """The keys as the help screen groups them."""
        from app.ui.help_screen import KeySection, key_rows

        app = self.app
        palette = Binding(app.COMMAND_PALETTE_BINDING, "command_palette", "Command palette")
        return [
            KeySection("Tree", key_rows(app, IndexTree.BINDINGS)),
            KeySection("The current entry (from either pane)", key_rows(app, ENTRY_BINDINGS)),
            KeySection("The note shown (from either pane)", key_rows(app, NOTE_BINDINGS)),
            KeySection(
                "Everywhere",
                key_rows(app, [*GENERAL_BINDINGS, palette, *Screen.BINDINGS[:2]]),
            ),
            KeySection("Filter bar", key_rows(app, FilterBar.BINDINGS)),
            KeySection("Preview", key_rows(app, NoteView.BINDINGS)),
        ]

    def open_help(self) -> None:
        """``?``: the help screen, unless it is open already."""
        from app.ui.help_screen import HelpScreen

        if not isinstance(self.app.screen, HelpScreen):
            self.app.push_screen(HelpScreen(self.sections()))

    def system_commands(self) -> Iterator[SystemCommand]:
        """The keys of the main screen as command palette entries."""
        for section in self.sections()[:4]:
            for row in section.rows:
                if row.action in ("help", "quit", "command_palette") or row.keys[:1].isdigit():
                    continue
                if row.action.startswith(_SHARED_ROWS):  # one row, several actions: not here
                    continue
                yield SystemCommand(row.description, f"key: {row.keys}", self._runner(row.action))

    def _runner(self, action: str) -> Callable[[], Any]:
        tree_actions = {binding.action for binding in _bindings(IndexTree.BINDINGS)}
        target = self.app.index_tree if action in tree_actions else self.app
        return partial(self.app.run_action, action, target)


def _bindings(bindings: list[BindingType]) -> list[Binding]:
    return list(Binding.make_bindings(bindings))


@cache
def _app_actions(app_class: type[ReadnotesApp]) -> tuple[tuple[str, tuple[object, ...]], ...]:
    """The app's own actions with their parameters, as ``check_action`` is asked about them."""
    parsed = (parse_action(b.action) for b in _bindings(app_class.BINDINGS))
    return tuple(dict.fromkeys((name, params) for _, name, params in parsed))
