"""The ``ctrl+f`` screen: search every note as you type, results streaming in as they are found.

Each keystroke cancels the search in progress and starts another in a thread worker (on a big
folder a query of one or two letters, which matches nearly every line, waits for a pause in
typing first); the worker hands hits over in batches (the first at once, then every
~30 ms), so the list grows while the rest of the folder is read and typing never waits for it.
The screen returns what was asked and the chosen hit; the app opens the note at the match.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from app.core.display_names import shown_name
from app.core.model import Index
from app.core.search import Hit, search_notes
from app.render.preview import category_trail
from app.ui.workers import thread_worker

__all__ = ["SearchOutcome", "SearchScreen", "hit_prompt"]

RESULT_LIMIT = 200  # a list to read, not to scroll through: type more to narrow it
BATCH_SECONDS = 0.03
LARGE_FOLDER_NOTES = 500  # from this many notes on, a short query waits for a pause in typing
SHORT_QUERY = 3
DEBOUNCE_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    query: str  # remembered for the next ctrl+f
    hit: Hit | None  # None: closed with escape


def hit_prompt(hit: Hit) -> Text:
    """Two lines: the note's title and category, then its line number and text, match lit."""
    head = Text(hit.title or shown_name(hit.note), style="bold", no_wrap=True, overflow="ellipsis")
    trail = category_trail(hit.category)
    if trail:
        head.append(f"  {trail}", style="dim")
    where = f"{hit.line:>5}  " if not hit.frontmatter else f"{hit.line:>5}  frontmatter · "
    line = Text(where, style="dim", no_wrap=True, overflow="ellipsis")
    match = Text(hit.text)
    match.stylize("bold reverse", hit.start, hit.end)
    line.append_text(match)
    return Text("\n", no_wrap=True, overflow="ellipsis").join([head, line])


def count_phrase(matches: int, notes: int, *, searching: bool, capped: bool) -> str:
    if searching and not matches:
        return "searching…"
    if not matches:
        return "No matches"
    match_word = "match" if matches == 1 else "matches"
    note_word = "note" if notes == 1 else "notes"
    phrase = f"{matches:,} {match_word} in {notes:,} {note_word}"
    if capped:
        return f"the first {phrase} · type more to narrow"
    return f"{phrase} · searching…" if searching else phrase


class SearchScreen(ModalScreen[SearchOutcome]):
    """A query on top, hits below; enter opens the highlighted hit, escape goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close search", id="search.close"),
        Binding("down", "move(1)", "Next result", id="search.down"),
        Binding("up", "move(-1)", "Previous result", id="search.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="search.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="search.page_up"),
    ]

    def __init__(self, index: Index, query: str = "") -> None:
        super().__init__()
        self._index = index
        self._initial = query
        self._hits: list[Hit] = []
        self._notes: set[str] = set()
        self._generation = 0
        self._searching = False
        self._capped = False
        self._timer: Timer | None = None
        notes = {entry.note for entry in index.entries if entry.note is not None}
        self._large = len(notes) >= LARGE_FOLDER_NOTES

    def compose(self) -> ComposeResult:
        with Vertical(id="search-body"):
            yield Static(Text("Search every note", style="bold"), id="search-title")
            hint = "Text to find in every note, frontmatter included"
            yield Input(placeholder=hint, id="search-input")
            yield Static("", id="search-count")
            yield OptionList(id="search-results")
            yield Static(
                Text("↑↓ move · enter open at the match · escape back", style="dim"),
                id="search-foot",
            )

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#search-results", OptionList)

    @property
    def query_text(self) -> str:
        return self.query_one("#search-input", Input).value

    @property
    def hits(self) -> list[Hit]:
        return self._hits

    @property
    def searching(self) -> bool:
        return self._searching

    def on_mount(self) -> None:
        self.option_list.can_focus = False  # typing goes to the input; up/down move the list
        field = self.query_one("#search-input", Input)
        field.focus()
        if self._initial:
            field.value = self._initial  # posts Input.Changed: the search starts
            field.select_all()

    # -- searching ----------------------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._generation += 1
        self.workers.cancel_group(self, "search")
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._reset(searching=bool(event.value.strip()))
        if not event.value.strip():
            return
        if self._large and len(event.value.strip()) < SHORT_QUERY:
            self._timer = self.set_timer(DEBOUNCE_SECONDS, self._start)
        else:
            self._start()

    def _start(self) -> None:
        self._timer = None
        self.run_search(self._index, self.query_text, self._generation)

    def _reset(self, *, searching: bool) -> None:
        self._hits = []
        self._notes = set()
        self._capped = False
        self._searching = searching
        self.option_list.clear_options()
        self._show_count()

    @thread_worker("search", exclusive=True)
    def run_search(self, index: Index, query: str, generation: int) -> None:
        """Stream hits to the screen: the first at once, then in batches every ~30 ms."""
        worker = get_current_worker()
        batch: list[Hit] = []
        last_sent = 0.0
        sent_any = False

        def send(done: bool, capped: bool = False) -> None:
            nonlocal batch, last_sent, sent_any
            if worker.is_cancelled:
                return
            hits, batch = batch, []
            last_sent, sent_any = time.monotonic(), True
            try:
                self.app.call_from_thread(self._add_hits, generation, hits, done, capped)
            except RuntimeError:  # the app is shutting down
                worker.cancel()

        def stop_or_send() -> bool:
            """Asked between files: hand over what waited too long, and say whether to stop."""
            if batch and time.monotonic() - last_sent >= BATCH_SECONDS:
                send(False)
            return worker.is_cancelled

        hits = search_notes(index, query, cancelled=stop_or_send)
        for count, hit in enumerate(hits, start=1):
            batch.append(hit)
            if count >= RESULT_LIMIT:
                send(True, capped=True)
                return
            if not sent_any or time.monotonic() - last_sent >= BATCH_SECONDS:
                send(False)
        send(True)

    def _add_hits(self, generation: int, hits: list[Hit], done: bool, capped: bool) -> None:
        if generation != self._generation:
            return  # a search the reader has typed past
        self._hits.extend(hits)
        self._notes.update(hit.note for hit in hits)
        option_list = self.option_list
        option_list.add_options(Option(hit_prompt(hit)) for hit in hits)
        if option_list.highlighted is None and self._hits:
            option_list.highlighted = 0
        if done:
            self._searching = False
            self._capped = capped
        self._show_count()

    def _show_count(self) -> None:
        phrase = count_phrase(
            len(self._hits), len(self._notes), searching=self._searching, capped=self._capped
        )
        if not self.query_text.strip():
            phrase = ""
        self.query_one("#search-count", Static).update(Text(phrase, style="dim"))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A search that failed says so in the count line instead of ending the app."""
        if event.worker.group != "search" or event.state is not WorkerState.ERROR:
            return
        event.stop()
        self._searching = False
        error = event.worker.error
        message = f"The search failed: {type(error).__name__}"
        self.query_one("#search-count", Static).update(Text(message, style="bold red"))

    # -- choosing -----------------------------------------------------------------------------

    @property
    def selected(self) -> Hit | None:
        position = self.option_list.highlighted
        if position is None or not 0 <= position < len(self._hits):
            return None
        return self._hits[position]

    @on(Input.Submitted, "#search-input")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        if self.selected is not None:
            self._finish(self.selected)

    @on(OptionList.OptionSelected, "#search-results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._hits):
            self._finish(self._hits[event.option_index])

    def _finish(self, hit: Hit | None) -> None:
        self._generation += 1
        self.workers.cancel_group(self, "search")
        self.dismiss(SearchOutcome(self.query_text, hit))

    def action_close(self) -> None:
        self._finish(None)

    def action_move(self, step: int) -> None:
        self._move_by(step)

    def action_page(self, direction: int) -> None:
        page = max(1, self.option_list.scrollable_content_region.height // 2 - 1)
        self._move_by(direction * page)

    def _move_by(self, step: int) -> None:
        count = len(self._hits)
        if count:
            current = self.option_list.highlighted
            position = 0 if current is None else current + step
            self.option_list.highlighted = min(count - 1, max(0, position))
