"""The baselines: bare Textual apps, started and driven exactly like readnotes.

    python bench/bare_app.py                    one line of text (startup, memory)
    python bench/bare_app.py --input            a focused Input, escape clears it (filter)
    python bench/bare_app.py --input-list       the same Input over a 32-line list that every
                                                key repaints, and a status line (filter)
    python bench/bare_app.py --markdown NOTE…   Textual's Markdown widget; j shows the next note
    python bench/bare_app.py --text NOTE…       the same pane painting each note's text, wrapped
                                                before it is asked for (preview's floor)

Each paints ``bare app ready`` once it is up. The Markdown variant lays the screen out like
readnotes (a 40% left pane, the note on the right) so that notes wrap at the same width.
"""

from __future__ import annotations

import argparse
import re
import textwrap
from pathlib import Path
from typing import ClassVar

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Markdown, Static

READY = "bare app ready"
LIST_LINES = 400  # the list the filter's floor repaints: more lines than the screen
_FRONTMATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
# As bench/inputs.py finds a note's first heading (not imported: the baselines import no readnotes)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_INLINE = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")


class OneLine(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(READY)


class TypeInto(App[None]):
    """An Input (the baseline: its echo) and a label that repeats it from ``Input.Changed``
    (how soon Textual can paint anything a keystroke's handler changes)."""

    CSS = "Input { border: none; height: 1; padding: 0 1; }"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "clear", "Clear")]

    def compose(self) -> ComposeResult:
        yield Input()
        yield Static("typed: ", id="typed")
        yield Static(READY)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#typed", Static).update(f"typed: {event.value}")

    def action_clear(self) -> None:
        self.query_one(Input).value = ""


class PlainLines(ScrollView):
    """Lines made before they are shown: painting them is all a key costs."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[str] = []

    def show(self, lines: list[str]) -> None:
        self.lines = lines
        self.virtual_size = Size(0, len(lines))
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        number = y + round(self.scroll_offset.y)
        text = self.lines[number] if number < len(self.lines) else ""
        return Strip([Segment(text, self.rich_style)]).crop_extend(0, self.size.width, None)


class EchoInput(Input):
    """Hands each change to the app from its value watcher, as readnotes' filter bar does."""

    def watch_value(self, value: str) -> None:
        app = self.app
        if isinstance(app, TypeIntoList):
            app.typed(value)


class TypeIntoList(App[None]):
    """The floor for a filter keystroke that changes what a tree shows: the Input, a 32-line
    list and a full-width status line repainted by the same update, laid out like readnotes."""

    CSS = """
    #left { width: 40%; min-width: 30; max-width: 80; height: 1fr;
            border-right: vkey $panel-lighten-1; }
    Input { border: none; height: 1; padding: 0 1; }
    PlainLines { height: 1fr; scrollbar-gutter: stable; }
    #right { width: 1fr; height: 1fr; }
    #status { height: 1; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "clear", "Clear")]

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="left"):
                yield EchoInput()
                yield PlainLines()
            yield Static("\n".join(f"{READY} {n}" for n in range(40)), id="right")
        yield Static("typed: ", id="status")

    def typed(self, value: str) -> None:
        lines = [f"{'├ ' if n % 5 else ''}{n} {value}" for n in range(LIST_LINES)]
        self.query_one(PlainLines).show(lines)
        self.query_one("#status", Static).update(f"typed: {value}")

    def action_clear(self) -> None:
        self.query_one(EchoInput).value = ""


class MarkdownPane(App[None]):
    """A note at a time in Textual's own Markdown widget, as Frogmouth shows one."""

    CSS = """
    #left {
        width: 40%; min-width: 30; max-width: 80; height: 1fr;
        border-right: vkey $panel-lighten-1;
    }
    #right { width: 1fr; height: 1fr; }
    .bar { height: 1; }
    Horizontal { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("j", "next_note", "Next note")]

    def __init__(self, notes: list[Path]) -> None:
        super().__init__()
        self.notes = notes
        self.shown = -1

    def compose(self) -> ComposeResult:
        note = VerticalScroll(Markdown(open_links=False), id="right")
        yield from _bars_around(Static(READY, id="left"), note)

    def action_next_note(self) -> None:
        self.shown = (self.shown + 1) % len(self.notes)
        text = self.notes[self.shown].read_text(encoding="utf-8")
        self.query_one("#right", VerticalScroll).scroll_home(animate=False)
        self.query_one(Markdown).update(_FRONTMATTER.sub("", text, count=1))


class TextPane(App[None]):
    """The floor for a preview: each note's text, wrapped to the pane when the app starts, and
    ``j`` paints the next one in a pane laid out as readnotes lays out its preview."""

    CSS = MarkdownPane.CSS + "#right { scrollbar-gutter: stable; padding: 0 1; }"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("j", "next_note", "Next note")]

    def __init__(self, notes: list[Path]) -> None:
        super().__init__()
        self.texts = [_FRONTMATTER.sub("", n.read_text(encoding="utf-8"), count=1) for n in notes]
        self.wrapped: list[list[str]] = []
        self.shown = -1

    def compose(self) -> ComposeResult:
        yield from _bars_around(Static(READY, id="left"), PlainLines(id="right"))

    def on_ready(self) -> None:
        self.call_after_refresh(self._wrap)

    def _wrap(self) -> None:
        width = self.query_one(PlainLines).scrollable_content_region.width
        self.wrapped = [_wrapped(text, width) for text in self.texts]

    def action_next_note(self) -> None:
        if not self.wrapped:
            self._wrap()
        self.shown = (self.shown + 1) % len(self.texts)
        self.query_one(PlainLines).show(self.wrapped[self.shown])


def _bars_around(left: Widget, right: Widget) -> ComposeResult:
    """The two panes between a header row and two rows below (readnotes' status line and
    footer), so the panes are where readnotes has them and as tall."""
    yield Static(" ", classes="bar")
    yield Horizontal(left, right)
    yield Static(" ", classes="bar")
    yield Static(" ", classes="bar")


def _wrapped(text: str, width: int) -> list[str]:
    """Headings as plain text (the bench looks for the first), other lines as they are, each
    wrapped to ``width``."""
    out: list[str] = []
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading is not None:
            line = _INLINE.sub(lambda m: m.group(1) or "", heading.group(1)).strip()
        out.extend(textwrap.wrap(line, width) or [""])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", action="store_true")
    parser.add_argument("--input-list", action="store_true")
    parser.add_argument("--markdown", nargs="+", type=Path, metavar="NOTE")
    parser.add_argument("--text", nargs="+", type=Path, metavar="NOTE")
    args = parser.parse_args()
    app: App[None]
    if args.markdown:
        app = MarkdownPane(args.markdown)
    elif args.text:
        app = TextPane(args.text)
    elif args.input:
        app = TypeInto()
    elif args.input_list:
        app = TypeIntoList()
    else:
        app = OneLine()
    app.run()


if __name__ == "__main__":
    main()
