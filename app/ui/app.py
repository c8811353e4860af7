"""The readnotes browser: the index as a tree on the left, the entry's note on the right.

This module is the wiring. It composes the screen and builds the plain objects that own each
concern (the live index, filtering, navigation, link routing, writes, the outside world through
:class:`~app.ui.effects.Effects`, preferences, key state), and holds the one-line actions and
message handlers Textual looks for on the App. Everything slow runs in a thread worker; each
returns a small typed result, routed to its owner by :class:`~app.ui.results.WorkerResults`,
where every error ends too: a failure is a notice and never a traceback.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Header, Input
from textual.worker import Worker

from app.core.config import Config
from app.core.graphics import choose_protocol
from app.core.model import Entry, Index
from app.core.reread import Reread
from app.core.sanitize import inert_line
from app.core.state import StateStore, default_state_dir
from app.ui.commands import GoToEntryProvider
from app.ui.effects import Effects
from app.ui.filter_bar import FilterBar
from app.ui.filtering import Filtering
from app.ui.footer import KeysFooter
from app.ui.gone_widgets import forget_gone_widgets
from app.ui.keys import ENTRY_BINDINGS, GENERAL_BINDINGS, NOTE_BINDINGS, KeyState
from app.ui.link_checks import LinkChecks
from app.ui.link_routing import LinkRouter
from app.ui.live_index import LiveIndex
from app.ui.navigation import Navigator
from app.ui.note_pane import NotePane
from app.ui.note_view import NoteView
from app.ui.outside import Outside
from app.ui.palette import TagsProvider, ThemesProvider
from app.ui.preferences import Preferences
from app.ui.reading import Reading
from app.ui.results import WorkerResults
from app.ui.signals import install_exit_signals
from app.ui.status_line import OverallProgress, StatusLine
from app.ui.tree import IndexTree
from app.ui.wiring import local_effects, real_effects
from app.ui.writes import Writes

if TYPE_CHECKING:
    from app.ui.help_screen import KeySection

WATCH_FALLBACK_DELAY = 0.5  # seconds: when the index never shows, start the watcher anyway


class ReadnotesApp(App[int]):
    """Browse a reading-notes index: categories, entries, notes, links; mark entries done."""

    CSS_PATH = "app.tcss"
    TITLE = "readnotes"
    COMMANDS = App.COMMANDS | {GoToEntryProvider, TagsProvider, ThemesProvider}

    BINDINGS: ClassVar[list[BindingType]] = [*ENTRY_BINDINGS, *GENERAL_BINDINGS, *NOTE_BINDINGS]

    def __init__(
        self,
        index_path: Path,
        *,
        poll: bool = False,
        config: Config | None = None,
        state: StateStore | None = None,
        first_read: Future[Reread] | None = None,
        effects: Effects | None = None,
    ) -> None:
        super().__init__()
        self.index_path = index_path
        # without effects: nothing outside starts (no browser, clipboard tool, editor, viewer)
        self.effects = effects if effects is not None else local_effects()
        self.preferences = Preferences(self, index_path, config or Config(), state)
        self.live = LiveIndex(self, index_path, poll=poll, first_read=first_read)
        self.filtering = Filtering(self)
        self.navigator = Navigator(self)
        self.links = LinkRouter(self)
        self.writes = Writes(self)
        self.outside = Outside(self)
        self.link_checks = LinkChecks(self)
        self.keys = KeyState(self)
        self.reading = Reading(self)
        self.results = WorkerResults(self)

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield FilterBar(id="filter", on_change=self.filtering.typed)
                yield IndexTree(id="tree")
            yield NotePane(id="note-pane")
        with Horizontal(id="status-row"):
            yield StatusLine(id="status")
            yield OverallProgress(id="progress")
        yield KeysFooter()

    @property
    def index_tree(self) -> IndexTree:
        return self.query_one("#tree", IndexTree)

    @property
    def note_view(self) -> NoteView:
        return self.query_one("#preview", NoteView)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one("#filter", FilterBar)

    @property
    def status_line(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    @property
    def index(self) -> Index | None:
        return self.live.index

    @property
    def current_entry(self) -> Entry | None:
        return self.index_tree.cursor_entry

    def on_mount(self) -> None:
        if not self.is_headless:  # SIGTERM, SIGHUP and SIGINT quit as q does (143, 129, 130)
            install_exit_signals(self)
        self.sub_title = inert_line(str(self.index_path))
        self.status_line.show_message(f"Loading {self.index_path} …")
        self.index_tree.focus()
        self.index_tree.on_cursor = self.navigator.cursor_moved
        self.preferences.apply()
        protocol = choose_protocol(self.effects.environ, self.preferences.config.images)
        if protocol is not None:
            self.note_view.draw_figures(protocol, self.effects.cell_size())
        self.live.load_first()
        # The watcher arms inotify over the whole folder on the event loop: after the first
        # screen (below, in show_index), or after a moment when there is no index to show.
        self.set_timer(WATCH_FALLBACK_DELAY, self.live.start_watching)
        self.call_after_refresh(gc.enable)  # off while the first screen was built (cli.py)

    def on_unmount(self) -> None:
        self.link_checks.stop()  # a check in its thread ends with the app
        self.live.stop_watching()
        self.preferences.save()

    def show_index(self, index: Index) -> None:
        """Show a freshly parsed index (a load, a reload, a write), keeping the reader's place."""
        self.live.show(index)

    # -- what the palette and the tests ask of the app ----------------------------------------

    @property
    def entry_tags(self) -> dict[str, tuple[str, ...]]:
        """Entry key -> the tags of its note's frontmatter, as last read."""
        return self.filtering.tags

    def filter_by_tag(self, tag: str) -> None:
        """From the command palette: show the entries whose notes carry ``tag``."""
        self.filtering.filter_by_tag(tag)

    def go_to_entry(self, key: str) -> None:
        """From the command palette: reveal the entry, clearing filters that hide it."""
        self.navigator.go_to_entry(key)

    def follow_link(self, target: str) -> None:
        """Route a link from the preview: a note, a heading, a web page, or a refusal."""
        self.links.follow_link(target)

    # -- keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.keys.check(action, parameters)

    def refresh_keys(self) -> None:
        self.keys.refresh()

    def key_sections(self) -> list[KeySection]:
        return self.keys.sections()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if screen is self.screen_stack[0]:
            yield from self.link_checks.commands()
            yield from self.keys.system_commands()

    # -- actions and messages: each handled by the object that owns it ----------------------

    async def action_quit(self) -> None:
        self.preferences.remember()  # the widgets are gone by unmount: take the place now
        self.note_view.release_figures()  # while the screen is still the app's
        await super().action_quit()

    def action_help(self) -> None:
        self.keys.open_help()

    def action_reload(self) -> None:
        self.live.reload_now()

    def action_toggle_done(self) -> None:
        self.writes.toggle_done()

    def action_undo(self) -> None:
        self.writes.undo()

    def action_add_entry(self) -> None:
        self.writes.add()

    def action_open_primary(self) -> None:
        self.outside.open_primary()

    def action_open_link(self, number: int) -> None:
        self.outside.open_link(number)

    def action_copy_link(self) -> None:
        self.outside.copy_link()

    def action_copy_bibtex(self) -> None:
        self.outside.copy_bibtex()

    def action_edit_note(self) -> None:
        self.outside.edit_note()

    def action_edit_index(self) -> None:
        self.outside.edit_index()

    def action_focus_filter(self) -> None:
        self.filtering.focus_filter()

    def action_clear_text_filter(self) -> None:
        if not self.link_checks.stop():  # escape stops a link check first
            self.filtering.clear_text()

    def action_check_links(self) -> None:
        self.link_checks.toggle()

    def action_open_role(self, role: str) -> None:
        self.link_checks.open_role(role)

    def action_cycle_status(self) -> None:
        self.filtering.cycle_status()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.filtering.submitted()

    def action_history_back(self) -> None:
        self.navigator.back()

    def action_history_forward(self) -> None:
        self.navigator.forward()

    def action_search(self) -> None:
        self.links.search()

    def action_outline(self) -> None:
        self.links.outline()

    def action_reading_history(self) -> None:
        self.reading.open_screen()

    def action_open_image(self) -> None:
        self.links.open_image_in_view()

    def on_index_tree_toggled(self) -> None:
        self.preferences.remember()

    def on_index_tree_highlighted(self, event: IndexTree.Highlighted) -> None:
        self.navigator.cursor_moved(event.item)
        self.refresh_keys()
        self.preferences.remember()

    def on_index_tree_entry_activated(self, event: IndexTree.EntryActivated) -> None:
        self.navigator.cursor_moved(event.entry)
        self.note_view.focus()

    def on_note_view_link_clicked(self, event: NoteView.LinkClicked) -> None:
        self.links.follow_link(event.target)

    def on_note_view_image_clicked(self, event: NoteView.ImageClicked) -> None:
        self.links.open_image(event.image.target)

    def on_note_view_rendered(self, event: NoteView.Rendered) -> None:
        self.refresh_keys()  # the outline and image keys depend on what the note holds
        self.links.rendered(event.doc_key)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A notice, a new toast: the styles of the toasts gone before it are let go."""
        forget_gone_widgets()
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # -- worker results -----------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.results.changed(event.worker)


def run_app(
    path: Path,
    poll: bool = False,
    config: Config | None = None,
    first_read: Future[Reread] | None = None,
) -> int:
    """Run the browser on ``path`` (a notes folder or an index file); the exit code.

    ``first_read``: the index, read ahead by the caller (:func:`app.core.reread.read_ahead`).
    """
    state = StateStore(default_state_dir())
    effects = real_effects(config)
    app = ReadnotesApp(
        path, poll=poll, config=config, state=state, first_read=first_read, effects=effects
    )
    # The modules just imported live as long as the process: keep the collector from walking
    # them (the parser freezes the model it builds the same way).
    gc.freeze()
    result = app.run()
    return result if isinstance(result, int) else 0
