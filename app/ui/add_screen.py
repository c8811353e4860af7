"""The ``a`` dialog: a new entry's title, links, category, status and whether to create its note.

The dialog only asks and checks what it can alone (a title, links that are links); the app writes
the entry in a worker, where duplicates and every other refusal are found against the file itself.
A link that is an arXiv id or a DOI fetches the paper's title, authors and year
(:mod:`app.ui.add_fetch`), which go with the request to fill the new note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static
from textual.worker import Worker

from app.core.add import expand_link, split_links, wants_note
from app.core.capture import Lookup, index_links
from app.core.errors import EditError
from app.core.model import Category, Index
from app.core.sanitize import inert_line
from app.ui.add_fetch import PaperFetch

if TYPE_CHECKING:
    from app.core.metadata import PaperMeta

__all__ = ["AddRequest", "AddScreen"]


@dataclass(frozen=True, slots=True)
class AddRequest:
    """What the user asked for; links as the index gets them (a bare id becomes its page).

    ``meta``: the paper's metadata fetched in the dialog, for the new note's frontmatter.
    """

    title: str
    links: list[str]
    category: tuple[str, ...]
    todo: bool
    note: bool
    meta: PaperMeta | None = None


class AddScreen(ModalScreen[AddRequest | None]):
    """Ask for a new entry; enter or ctrl+s adds, escape cancels (a fetch first, if one runs)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="add.cancel"),
        Binding("ctrl+s", "submit", "Add", id="add.submit"),
    ]

    def __init__(self, index: Index, current: tuple[str, ...], lookup: Lookup) -> None:
        """``current`` is the category under the tree cursor, chosen at first; ``lookup`` finds
        a paper's metadata by its id (blocking: the dialog calls it from a worker)."""
        super().__init__()
        self.paper_fetch = PaperFetch(self, lookup)
        self._index = index
        self._categories = {c.key: c for c in _choices(index)}
        first = "\x1f".join(current)
        if first not in self._categories and self._categories:
            first = next(iter(self._categories))
        self._first = first

    def compose(self) -> ComposeResult:
        with Vertical(id="add-body"):
            yield Static(Text("Add an entry", style="bold"), id="add-heading")
            yield Label("Title")
            yield Input(placeholder="The paper, post or book", id="add-title")
            yield Label("Links")
            yield Input(
                placeholder="URLs or arXiv ids (2310.16944), space separated", id="add-links"
            )
            yield Static("", id="add-fetch")
            yield Label("Category")
            yield Select(
                [(_category_name(c), key) for key, c in self._categories.items()],
                value=self._first,
                allow_blank=False,
                id="add-category",
            )
            with Horizontal(id="add-options"):
                yield Checkbox("TODO", value=True, id="add-todo")
                yield Checkbox("Create its note", value=self._note_default(), id="add-note")
            yield Static("", id="add-error")
            yield Static(Text("enter or ctrl+s add · escape cancel", style="dim"), id="add-foot")

    def on_mount(self) -> None:
        self.query_one("#add-fetch").display = False
        self.query_one("#add-title", Input).focus()

    @on(Input.Changed, "#add-links")
    def _links_changed(self, event: Input.Changed) -> None:
        self.paper_fetch.links_changed(event.value)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.paper_fetch.worker_changed(event.worker)

    def _note_default(self) -> bool:
        category = self._categories.get(self._first)
        return category is not None and wants_note(self._index, category)

    @on(Select.Changed, "#add-category")
    def _category_changed(self, event: Select.Changed) -> None:
        category = self._categories.get(str(event.value))
        if category is not None:
            self.query_one("#add-note", Checkbox).value = wants_note(self._index, category)

    @on(Input.Submitted)
    def _entered(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        title = " ".join(self.query_one("#add-title", Input).value.split())
        typed_links = self.query_one("#add-links", Input).value
        links = index_links(split_links(typed_links))
        if not title:
            self._problem("The entry needs a title", "#add-title")
            return
        for link in links:
            try:
                expand_link(link)
            except EditError as error:
                self._problem(str(error), "#add-links")
                return
        category = self._categories.get(str(self.query_one("#add-category", Select).value))
        if category is None:
            self._problem("Choose a category", "#add-category")
            return
        self.dismiss(
            AddRequest(
                title=title,
                links=links,
                category=category.path,
                todo=self.query_one("#add-todo", Checkbox).value,
                note=self.query_one("#add-note", Checkbox).value,
                meta=self.paper_fetch.meta_for(typed_links),
            )
        )

    def _problem(self, message: str, field: str) -> None:
        self.query_one("#add-error", Static).update(Text(inert_line(message), style="bold red"))
        self.query_one(field).focus()

    def action_cancel(self) -> None:
        if not self.paper_fetch.cancel():
            self.dismiss(None)


def _choices(index: Index) -> list[Category]:
    """Every heading; the top of the file too when it holds entries or there is no heading."""
    categories = [c for c in index.categories() if c.level > 0]
    if index.tree.entries or not categories:
        categories.insert(0, index.tree)
    return categories


def _category_name(category: Category) -> Text:
    if not category.path:
        return Text("(top of the index)")
    return Text(" / ".join(inert_line(title) for title in category.path))
