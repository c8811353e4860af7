"""figures: a note's figure drawn inline, and the start-up of a folder full of figures.

The folder: two categories of entries whose notes each hold one 1600×900 PNG figure (noise
over a gradient, so that decoding, scaling and encoding do real work), as a paper's notes do.

- figure: from the cursor key that opens a note with a figure to the first graphics command
  placing it (kitty's ``a=p``, of pixels sent before or after the key), in a pty that says it
  is kitty (``TERM=xterm-kitty``, cells of 10×20 pixels). The first figure of the session:
  Pillow and the encoder are imported then, in a worker, once the note below the cursor is
  read ahead. Baseline: the same key in the same folder in a plain xterm, to the frame showing
  the image's one-line placeholder. The figure is decoded and encoded in a worker, so the
  placeholder (and its box) is painted first either way; the goal bounds what the figure adds.
- figure, next note: the same, one entry further down in the same session (Pillow imported).
- placeholder (kitty): in the kitty pty, the key to the frame with the placeholder, against
  the plain xterm's: what drawing figures costs the event loop (the keys never wait for it).
- startup with figures: the start-up benchmark's measure (process start to the first complete
  screen) of this folder in the kitty pty, against the same start in a plain xterm: the first
  screen is a category's overview, so nothing about figures may show in it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from harness import Series, Terminal, readnotes_argv
from inputs import Folder, describe
from plan import Plan
from report import Row, ratio_at_most
from screen import NotReady, complete_screen

KITTY = {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}
PLAIN = {"TERM": "xterm-256color"}
PIXELS = (1200, 720)  # 120 × 36 cells of 10 × 20
LIMIT = 30.0
FIGURE_GOAL, STARTUP_GOAL, PLACEHOLDER_GOAL = 3.0, 1.1, 1.5
DOWN = b"\x1b[B"
LABEL = "🖼 the architecture"


def figures_folder(workdir: Path) -> Folder:
    from PIL import Image

    root = workdir / "figures"
    if root.exists():
        return describe("notes with figures", root)
    (root / "img").mkdir(parents=True)
    base = Image.linear_gradient("L").resize((1600, 900)).convert("RGB")
    lines = ["# Papers with figures", ""]
    for category in ("Vision", "Language"):
        lines += [f"## {category}", ""]
        for number in range(10):
            name = f"{category.lower()}{number}"
            lines.append(f"* [{category} paper {number}](./{name}.md)")
            noise = Image.effect_noise((1600, 900), 40).convert("RGB")  # each its own pixels
            Image.blend(base, noise, 0.3).save(root / "img" / f"{name}.png")
            (root / f"{name}.md").write_text(
                f"# {category} paper {number}\n\nBefore figure {name}.\n\n"
                f"![the architecture](img/{name}.png)\n\nAfter the figure.\n"
            )
        lines.append("")
    (root / "README.md").write_text("\n".join(lines))
    return describe("notes with figures", root)


def _start(folder: Folder, env: dict[str, str]) -> Terminal:
    term = Terminal(readnotes_argv(folder.path), env=env, pixels=PIXELS)
    shown = complete_screen(folder.entries, folder.first_title)
    if term.wait_for(shown, LIMIT) is None:
        term.close()
        raise NotReady(f"readnotes never showed {folder.path}:\n{term.text()}")
    return term


def time_start(folder: Folder, env: dict[str, str]) -> float | None:
    shown = complete_screen(folder.entries, folder.first_title)
    term = Terminal(readnotes_argv(folder.path), env=env, pixels=PIXELS)
    with term:
        at = term.wait_for(shown, LIMIT)
        if at is None and term.exited:
            raise NotReady(f"readnotes ended before its first screen:\n{term.text()}")
        return None if at is None else (at - term.started) * 1000.0


def _placeholder(term: Terminal, name: str) -> float | None:
    sent = term.send(DOWN)
    shown = f"Before figure {name}."
    at = term.wait_for(lambda t: shown in t.text() and LABEL in t.text(), LIMIT)
    return None if at is None else (at - sent) * 1000.0


_IMAGE_ID = re.compile(rb",i=(\d+)")


def _figure(term: Terminal, name: str) -> tuple[float | None, float | None]:
    """From the key to the placeholder's frame, and to the first placement (``a=p``) after the
    key of an image whose pixels went to the terminal (``a=t``), before the key (a note read
    ahead) or after it: the figure is on screen once its placement is read."""
    known = len(term.graphics)
    sent = term.send(DOWN)
    shown = f"Before figure {name}."
    label = term.wait_for(lambda t: shown in t.text() and LABEL in t.text(), LIMIT)
    painted = None if label is None else (label - sent) * 1000.0

    def placed(t: Terminal) -> float | None:
        transmitted: set[bytes] = set()
        for number, (when, head) in enumerate(t.graphics):
            found = _IMAGE_ID.search(head)
            if found is None:
                continue
            if head.startswith(b"\x1b_Ga=t,"):
                transmitted.add(found.group(1))
            elif number >= known and b"a=p," in head and found.group(1) in transmitted:
                return when
        return None

    if term.wait_for(lambda t: placed(t) is not None, LIMIT) is None:
        return painted, None
    at = placed(term)
    return painted, None if at is None else (at - sent) * 1000.0


def time_placeholders(folder: Folder) -> tuple[float | None, float | None]:
    """The first and the second note's placeholder, in one session."""
    with _start(folder, PLAIN) as term:
        term.settle()
        first = _placeholder(term, "vision0")
        term.settle()
        return first, _placeholder(term, "vision1")


def time_figures(folder: Folder) -> list[tuple[float | None, float | None]]:
    """The session's first figure (imports included), then the second note's: each its
    placeholder's frame and its placement."""
    with _start(folder, KITTY) as term:
        term.settle()
        first = _figure(term, "vision0")
        term.settle()
        return [first, _figure(term, "vision1")]


def run(plan: Plan) -> list[Row]:
    try:
        folder = figures_folder(plan.inputs.workdir)
    except (ImportError, OSError) as error:
        plan.log(f"figures: no folder ({error})")
        return [Row("figure", "1600×900 PNG", "ms", Series(), None, "", None, "setup failed")]
    rows = []
    figure, placeholder = Series(), Series()
    warm_figure, warm_placeholder = Series(), Series()
    start_kitty, start_plain = Series(), Series()
    kitty_placeholder = Series()
    try:
        time_figures(folder)  # warm: byte-compiled, on the disk cache
        for _ in range(plan.rounds):
            first, second = time_placeholders(folder)
            placeholder.add(first, LIMIT * 1000.0)
            warm_placeholder.add(second, LIMIT * 1000.0)
            (label, first), (_, second) = time_figures(folder)
            kitty_placeholder.add(label, LIMIT * 1000.0)
            figure.add(first, LIMIT * 1000.0)
            warm_figure.add(second, LIMIT * 1000.0)
            start_plain.add(time_start(folder, PLAIN), LIMIT * 1000.0)
            start_kitty.add(time_start(folder, KITTY), LIMIT * 1000.0)
    except NotReady as error:
        plan.log(str(error))
        return [Row("figure", "1600×900 PNG", "ms", figure, None, "", None, "not ready")]
    finally:
        shutil.rmtree(folder.path, ignore_errors=True)
    rows.append(
        Row(
            "placeholder (kitty)",
            "1600×900 PNG",
            "ms",
            kitty_placeholder,
            placeholder,
            f"≤ {PLACEHOLDER_GOAL}x",
            ratio_at_most(PLACEHOLDER_GOAL),
        )
    )
    rows.append(
        Row(
            "figure",
            "1600×900 PNG",
            "ms",
            figure,
            placeholder,
            f"≤ {FIGURE_GOAL}x",
            ratio_at_most(FIGURE_GOAL),
        )
    )
    rows.append(
        Row(
            "figure, next note",
            "1600×900 PNG",
            "ms",
            warm_figure,
            warm_placeholder,
            f"≤ {FIGURE_GOAL}x",
            ratio_at_most(FIGURE_GOAL),
        )
    )
    rows.append(
        Row(
            "startup (kitty)",
            "notes with figures",
            "ms",
            start_kitty,
            start_plain,
            f"≤ {STARTUP_GOAL}x",
            ratio_at_most(STARTUP_GOAL),
        )
    )
    return rows
