"""The ``?`` screen: every key, generated from the bindings so it never drifts from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


@dataclass(frozen=True, slots=True)
class KeyRow:
    keys: str  # as shown: "down, j"
    description: str
    action: str


@dataclass(frozen=True, slots=True)
class KeySection:
    title: str
    rows: list[KeyRow]


def key_rows(app: App[Any], bindings: Iterable[BindingType]) -> list[KeyRow]:
    """Rows in declaration order, the user's keymap applied, one row per action.

    Bindings that share a description (``1`` … ``9``: "Open link N") become one row.
    """
    bindings_map = BindingsMap(bindings)
    bindings_map.apply_keymap(getattr(app, "_keymap", {}))
    keys_by_row: dict[str, list[str]] = {}
    actions: dict[str, str] = {}
    for key, binding in bindings_map:
        if not binding.description:
            continue
        keys_by_row.setdefault(binding.description, []).append(
            app.get_key_display(Binding(key, binding.action, key_display=binding.key_display))
        )
        actions.setdefault(binding.description, binding.action)
    return [
        KeyRow(_join_keys(keys), description, actions[description])
        for description, keys in keys_by_row.items()
    ]


def _join_keys(keys: list[str]) -> str:
    if len(keys) > 2 and all(key.isdigit() for key in keys):
        return f"{keys[0]}-{keys[-1]}"
    return ", ".join(dict.fromkeys(keys))


def sections_table(sections: list[KeySection]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold")
    table.add_column()
    for number, section in enumerate(sections):
        if number:
            table.add_row("", "")
        table.add_row("", Text(section.title, style="bold underline"))
        for row in section.rows:
            table.add_row(Text(row.keys, style="bold"), row.description)
    return table


class HelpScreen(ModalScreen[None]):
    """A modal list of keys by where they apply; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, sections: list[KeySection]) -> None:
        super().__init__()
        self._sections = sections

    def compose(self) -> ComposeResult:
        half = len(self._sections) // 2
        with VerticalScroll(id="help-body"):
            yield Static(Text("readnotes keys", style="bold"), id="help-title")
            with Horizontal(id="help-columns"):
                yield Static(sections_table(self._sections[:half]), classes="help-column")
                yield Static(sections_table(self._sections[half:]), classes="help-column")
            yield Static(Text("escape, q or ? closes this help", style="dim"), id="help-foot")
