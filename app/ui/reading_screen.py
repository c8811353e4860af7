"""The ``H`` screen: a year of reading as GitHub draws contributions (weeks by days, shaded by
how many entries were read that day), monthly bars of added against read, the streaks, the
median wait, and the oldest unread entries, each opened in the tree with enter.

Everything shown comes from ``app.core.reading_stats`` over the history the app already read
(``app.ui.reading``); this screen only paints it. "Today" is the app's clock (``Effects.today``),
so a test fixes the picture.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from app.core.model import Index
from app.core.reading_history import History
from app.core.reading_stats import (
    bar,
    buckets,
    done_days,
    heatmap,
    heatmap_start,
    median_wait,
    oldest_unread,
    streaks,
    wait_phrase,
    weeks_phrase,
)
from app.core.sanitize import inert_line

__all__ = ["ReadingScreen", "heatmap_text", "theme_shades"]

_SHADES = ("#2d333b", "#0e4429", "#006d32", "#26a641", "#39d353")  # none, 1, 2, 3, 4+
_STEPS = (0.3, 0.5, 0.75, 1.0)  # 1, 2, 3, 4+ entries read: how far from the panel to success
_DAY_NAMES = ("Mon", "", "Wed", "", "Fri", "", "Sun")
_MONTHS_SHOWN = 12
_BAR_CELLS = 30


def theme_shades(variables: Mapping[str, str]) -> tuple[str, ...]:
    """The heatmap's five shades in the theme's colours (``App.get_css_variables``): a day with
    nothing read in its panel colour, then four steps towards its success colour, so a light
    theme gets a light grid; GitHub's greens when the theme lacks either."""
    from textual.color import Color, ColorParseError

    try:
        empty, full = Color.parse(variables["panel"]), Color.parse(variables["success"])
    except (KeyError, ColorParseError):
        return _SHADES
    return (empty.hex, *(empty.blend(full, step).hex for step in _STEPS))


def heatmap_text(days: list[date], today: date, shades: Sequence[str] = _SHADES) -> Text:
    """Seven rows of 52 weeks, a month name above the week it begins in."""
    grid = heatmap(days, today)
    start = heatmap_start(today)
    weeks = len(grid[0])
    top = [" "] * (weeks * 2)
    for week in range(weeks):
        monday = start + timedelta(weeks=week)
        if monday.day <= 7 and week * 2 + 3 <= len(top):
            top[week * 2 : week * 2 + 3] = monday.strftime("%b")
    text = Text("    " + "".join(top).rstrip() + "\n", style="dim")
    for row in range(7):
        text.append(f"{_DAY_NAMES[row]:<4}", style="dim")
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=row)
            if day > today:
                text.append("  ")
                continue
            count = grid[row][week]
            text.append("■ ", style=shades[min(count, len(shades) - 1)])
        text.append("\n")
    legend = Text("    less ", style="dim")
    for shade in shades:
        legend.append("■ ", style=shade)
    legend.append("more", style="dim")
    text.append_text(legend)
    return text


def months_text(index: Index, history: History) -> Text:
    rows = buckets(index, history, by="month")[-_MONTHS_SHOWN:]
    text = Text()
    if not rows:
        text.append("Nothing dated yet.", style="dim")
        return text
    most = max(max(r.added, r.done) for r in rows)
    text.append(f"{'Month':<9}{'added':>6} {'':<{_BAR_CELLS}} {'read':>5}\n", style="dim")
    for r in rows:
        text.append(f"{r.label:<9}{r.added:>6} ")
        text.append(f"{bar(r.added, most, _BAR_CELLS):<{_BAR_CELLS}}", style="yellow")
        text.append(f" {r.done:>5} ")
        text.append(bar(r.done, most, _BAR_CELLS), style="green")
        text.append("\n")
    text.rstrip()
    return text


def summary_text(history: History, today: date) -> Text:
    found = streaks(done_days(history), today)
    text = Text.assemble(
        ("Weeks with something read: ", "dim"),
        f"current streak {weeks_phrase(found.current)}, longest {weeks_phrase(found.longest)}",
    )
    wait = median_wait(history)
    if wait is not None:
        text.append("\n")
        text.append("Median time from added to read: ", style="dim")
        text.append(wait_phrase(wait))
    if history.notice:
        text.append("\n")
        text.append(inert_line(history.notice), style="italic")
    return text


class ReadingScreen(ModalScreen[str | None]):
    """The reading history; enter on an unread entry returns its key, escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,H,q", "close", "Close history", id="reading.close"),
    ]

    def __init__(self, index: Index, history: History | None, today: date) -> None:
        super().__init__()
        self._index = index
        self._history = history
        self._today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="reading-body"):
            yield Static(Text("Reading history", style="bold"), id="reading-title")
            yield Static(id="reading-heatmap")
            yield Static(id="reading-months")
            yield Static(id="reading-summary")
            yield Static(Text("Oldest unread", style="bold"), id="reading-unread-title")
            yield OptionList(id="reading-unread")

    def on_mount(self) -> None:
        self.show(self._index, self._history)
        self.query_one("#reading-unread", OptionList).focus()

    def show(self, index: Index, history: History | None) -> None:
        self._index, self._history = index, history
        heat = self.query_one("#reading-heatmap", Static)
        unread = self.query_one("#reading-unread", OptionList)
        unread.clear_options()
        if history is None:
            heat.update(Text("Reading the history from git …", style="italic"))
            return
        shades = theme_shades(self.app.get_css_variables())
        heat.update(heatmap_text(done_days(history), self._today, shades))
        self.query_one("#reading-months", Static).update(months_text(index, history))
        self.query_one("#reading-summary", Static).update(summary_text(history, self._today))
        for entry, added in oldest_unread(index, history):
            trail = " › ".join(inert_line(part) for part in entry.category)
            label = Text.assemble(
                (added.isoformat(), "dim"),
                "  ",
                inert_line(entry.title),
                (f"  {trail}" if trail else "", "dim"),
            )
            unread.add_option(Option(label, id=entry.key))
        if unread.option_count:
            unread.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
