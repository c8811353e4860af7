"""The line under the panes: counts, active filters, and the state of the index."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from app.core.progress import FULL, Progress
from app.core.sanitize import inert_line

STATUS_BAR_WIDTH = 12


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
        # Its size is set by the stylesheet (one line, the row's width), never by the text:
        # no layout pass, so a filter keystroke repaints it in the same frame as the echo.
        self.update(status_text(total, todo, filters, shown, problem), layout=False)

    def show_message(self, message: str) -> None:
        self.update(Text(inert_line(message)), layout=False)


def progress_text(total: int, todo: int) -> Text:
    """ "█████████░░░ 81%": the whole index's progress, whatever the filter shows."""
    if not total:
        return Text("")
    progress = Progress(total - todo, total)
    bar = progress.bar(STATUS_BAR_WIDTH)
    filled = bar.count(FULL)
    return Text.assemble((bar[:filled], "green"), bar[filled:], f" {progress.percent}%")


class OverallProgress(Static):
    """The right end of the status line: how much of the index is done."""

    def show_progress(self, total: int, todo: int) -> None:
        self.update(progress_text(total, todo))
