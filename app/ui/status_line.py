"""The line under the panes: counts, active filters, and the state of the index."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from app.core.sanitize import inert_line


def status_text(
    total: int, todo: int, filters: list[str], shown: int | None, problem: str | None
) -> Text:
    """ "16 entries · 3 TODO · TODO only · filter: distill · 2 shown", then any problem."""
    text = Text("1 entry" if total == 1 else f"{total} entries")
    text.append(f" · {todo} TODO", style="yellow" if todo else "")
    for phrase in filters:
        text.append(f" · {inert_line(phrase)}", style="bold")
    if shown is not None:
        text.append(f" · {shown} shown")
    if problem:
        text.append(f" · {inert_line(problem)}", style="bold red")
    return text


class StatusLine(Static):
    """One line of text; the app decides what it says."""

    def show_status(
        self,
        total: int,
        todo: int,
        filters: list[str],
        *,
        shown: int | None = None,
        problem: str | None = None,
    ) -> None:
        self.update(status_text(total, todo, filters, shown, problem))

    def show_message(self, message: str) -> None:
        self.update(Text(inert_line(message)))
