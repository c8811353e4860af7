"""Figures in the preview, drawn by the terminal: the box kept below each image's placeholder,
the graphics commands the preview's lines carry (kitty placements, sixels), scrolling, another
note, and the reason shown when a figure cannot be drawn."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pytest
from PIL import Image
from textual.app import ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip

from app.core.config import Config
from app.core.figures import Figure, FigureProblem, decode_pixels
from app.core.graphics import CellSize
from app.ui.figures import Ready, Unavailable
from app.ui.note_view import NoteView
from tests.ui.app_harness import FakeEffects, fakes_of, go_to, make_app, press, started, wait_until
from tests.ui.test_note_view import NoteApp, wait_rendered

CELL = CellSize(10, 20)
NOTE = "# Paper\n\nBefore.\n\n![the architecture](img/arch.png)\n\nAfter.\n"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    (root / "img").mkdir(parents=True)
    Image.new("RGB", (400, 200), (200, 30, 30)).save(root / "img" / "arch.png")
    return root


def commands(strip: Strip) -> str:
    """The control segments a painted line carries: what goes to the terminal as is."""
    return "".join(segment.text for segment in strip if segment.control)


def visible_lines(view: NoteView) -> list[str]:
    """The text on screen, without the commands."""
    return [
        "".join(s.text for s in view.render_line(y) if not s.control).rstrip()
        for y in range(view.scrollable_content_region.height)
    ]


def painted(view: NoteView) -> list[str]:
    return [commands(view.render_line(y)) for y in range(view.scrollable_content_region.height)]


async def figure_ready(pilot: Pilot[None], view: NoteView) -> None:
    for _ in range(300):
        figures = view.figures
        if figures and view.figure_state(figures[0]) is not None:
            return
        await pilot.pause(0.01)
    raise AssertionError("the figure never arrived")


async def shown(pilot: Pilot[None], app: NoteApp, root: Path, body: str = NOTE) -> NoteView:
    view = app.query_one(NoteView)
    view.root = root
    view.show("paper.md", body, "paper.md")
    await wait_rendered(pilot, app, "paper.md")
    await figure_ready(pilot, view)
    await pilot.pause()
    return view


async def test_kitty_sends_the_figure_once_and_places_it_in_its_box(notes: Path) -> None:
    app = NoteApp()
    async with app.run_test(size=(80, 40)) as pilot:
        app.note_view.draw_figures("kitty", CELL)
        view = await shown(pilot, app, notes)
        (figure,) = view.figures
        # 400×200 px in 78 columns and at most 2/3 of 40 rows: 40 × 10 cells, as big as it is
        assert (figure.box.cols, figure.box.rows) == (40, 10)
        lines = visible_lines(view)
        label = next(n for n, line in enumerate(lines) if "🖼 the architecture" in line)
        assert figure.line == label + 1
        assert lines[label + 1 : label + 11] == [""] * 10, lines  # the kept box
        assert lines[label + 12] == "After."
        state = view.figure_state(figure)
        assert isinstance(state, Ready)
        sent = painted(view)
        assert f"a=p,i={state.image_id},p=1,x=0,y=0,w=400,h=200,c=40,r=10" in sent[figure.line]
        assert "".join(sent[: figure.line] + sent[figure.line + 1 :]) == ""
        assert state.sent  # the pixels went with the first frame (the pty test sees them)
        assert "a=t" not in "".join(sent)  # sent once; placed again on each paint


async def test_kitty_crops_a_figure_scrolled_half_out_and_hides_one_scrolled_away(
    notes: Path,
) -> None:
    body = NOTE + "".join(f"\nLine {n}.\n" for n in range(80))
    app = NoteApp()
    async with app.run_test(size=(80, 40)) as pilot:
        app.note_view.draw_figures("kitty", CELL)
        view = await shown(pilot, app, notes, body)
        (figure,) = view.figures
        state = view.figure_state(figure)
        assert isinstance(state, Ready)
        painted(view)
        view.scroll_to_line(figure.line + 4)  # 4 of its 10 rows above the view
        await pilot.pause()
        sent = painted(view)
        assert f"a=p,i={state.image_id},p=1,x=0,y=80,w=400,h=120,c=40,r=6" in sent[0]
        view.scroll_to_line(figure.line + 30)
        sent = painted(view)  # the next frame the terminal gets
        assert f"a=d,d=i,i={state.image_id},p=1" in sent[0]  # off the screen, pixels kept
        assert "a=p" not in "".join(sent)


async def test_another_note_frees_the_figures_of_the_last(notes: Path) -> None:
    app = NoteApp()
    async with app.run_test(size=(80, 40)) as pilot:
        app.note_view.draw_figures("kitty", CELL)
        view = await shown(pilot, app, notes)
        state = view.figure_state(view.figures[0])
        assert isinstance(state, Ready)
        view.show("other.md", "# Other\n\nNo figures here.\n", "other.md")
        sent = "".join(painted(view))  # the next frame the terminal gets
        assert f"a=d,d=I,i={state.image_id}" in sent
        assert "a=p" not in sent


async def test_sixel_draws_the_part_of_a_figure_in_view_from_its_last_line(notes: Path) -> None:
    body = NOTE + "".join(f"\nLine {n}.\n" for n in range(80))
    app = NoteApp()
    async with app.run_test(size=(80, 40)) as pilot:
        app.note_view.draw_figures("sixel", CELL)
        view = await shown(pilot, app, notes, body)
        (figure,) = view.figures
        sent = painted(view)
        last = figure.line + figure.box.rows - 1
        assert sent[last].startswith("\x1b7\x1b[")  # cursor saved, moved to the box
        assert "\x1bP" in sent[last] and sent[last].endswith("\x1b\\\x1b8")
        assert "".join(sent[:last] + sent[last + 1 :]) == ""
        view.scroll_to_line(figure.line + 1)  # partly out: the blank box, then the part in view
        assert "\x1bP" not in "".join(painted(view))
        for _ in range(200):
            await pilot.pause(0.01)
            sent = painted(view)
            if "\x1bP" in "".join(sent):
                break
        rows = figure.box.rows - 1
        assert '"1;1;400;180' in sent[rows - 1]  # 9 of its 10 rows, 180 of 200 pixels
        assert sent[rows - 1].startswith("\x1b7\x1b[1;2H")  # the view's top row, past the padding


async def test_a_figure_that_cannot_be_drawn_says_why_in_its_box(notes: Path) -> None:
    data = (notes / "img" / "arch.png").read_bytes()
    (notes / "img" / "arch.png").write_bytes(data[: len(data) // 2])
    app = NoteApp()
    async with app.run_test(size=(80, 40)) as pilot:
        app.note_view.draw_figures("kitty", CELL)
        view = await shown(pilot, app, notes)
        (figure,) = view.figures
        assert isinstance(view.figure_state(figure), Unavailable)
        lines = visible_lines(view)
        assert lines[figure.line] == "figure not drawn: damaged or truncated image"
        assert "\x1b_G" not in "".join(painted(view))


async def test_without_a_graphics_terminal_an_image_stays_one_line(notes: Path) -> None:
    app = NoteApp()
    async with app.run_test(size=(80, 40)) as pilot:
        view = await shown_plain(pilot, app, notes)
        lines = visible_lines(view)
        label = next(n for n, line in enumerate(lines) if "🖼 the architecture" in line)
        assert lines[label + 2] == "After."
        assert view.figures == []
        assert "".join(painted(view)) == ""


async def shown_plain(pilot: Pilot[None], app: NoteApp, root: Path) -> NoteView:
    view = app.query_one(NoteView)
    view.root = root
    view.show("paper.md", NOTE, "paper.md")
    await wait_rendered(pilot, app, "paper.md")
    return view


async def test_a_taller_pane_sizes_the_figures_again(notes: Path) -> None:
    Image.new("RGB", (200, 800), (0, 200, 0)).save(notes / "img" / "arch.png")
    app = NoteApp()
    async with app.run_test(size=(80, 30)) as pilot:
        app.note_view.draw_figures("kitty", CELL)
        view = await shown(pilot, app, notes)
        assert view.figures[0].box.rows == 20  # 2/3 of 30
        await pilot.resize_terminal(80, 15)
        for _ in range(100):
            await pilot.pause(0.02)
            if view.figures and view.figures[0].box.rows == 10:
                break
        assert view.figures[0].box.rows == 10


async def test_a_dialog_over_the_preview_hides_kitty_figures_until_it_closes(
    notes: Path,
) -> None:
    from textual.screen import ModalScreen
    from textual.widgets import Static

    class Dialog(ModalScreen[None]):
        def compose(self) -> ComposeResult:
            yield Static("dialog")

    app = NoteApp()
    async with app.run_test(size=(80, 40)) as pilot:
        app.note_view.draw_figures("kitty", CELL)
        view = await shown(pilot, app, notes)
        (figure,) = view.figures
        state = view.figure_state(figure)
        assert isinstance(state, Ready) and state.placed
        await app.push_screen(Dialog())
        await pilot.pause()
        assert not state.placed  # taken off the screen (written through the driver)
        app.pop_screen()
        await pilot.pause()
        await pilot.pause()
        assert state.placed  # placed again by the next frame


async def test_a_click_on_the_figure_opens_its_image(notes: Path) -> None:
    app = NoteApp()
    async with app.run_test(size=(80, 40)) as pilot:
        app.note_view.draw_figures("kitty", CELL)
        view = await shown(pilot, app, notes)
        (figure,) = view.figures
        await pilot.click(NoteView, offset=(5, figure.line + 3))
        await pilot.pause()
        assert app.images == ["img/arch.png"]


async def test_a_narrower_pane_draws_the_figure_again_at_its_new_size(notes: Path) -> None:
    app = NoteApp()
    async with app.run_test(size=(80, 40)) as pilot:
        app.note_view.draw_figures("kitty", CELL)
        view = await shown(pilot, app, notes)
        old = view.figure_state(view.figures[0])
        assert isinstance(old, Ready) and old.sent
        await pilot.resize_terminal(30, 40)
        new = None
        for _ in range(200):
            await pilot.pause(0.02)
            new = view.figures and view.figure_state(view.figures[0])
            if isinstance(new, Ready) and new.image_id != old.image_id:
                break
        assert isinstance(new, Ready) and new.image_id != old.image_id
        (figure,) = view.figures
        assert (figure.box.cols, figure.box.rows) == (26, 7)  # 260 × 130 px: the pane's width
        assert "c=26,r=7" in "".join(painted(view))


async def test_the_same_picture_twice_in_a_note_is_placed_twice(notes: Path) -> None:
    body = "# Paper\n\n![first](img/arch.png)\n\nBetween.\n\n![again](img/arch.png)\n"
    app = NoteApp()
    async with app.run_test(size=(80, 40)) as pilot:
        app.note_view.draw_figures("kitty", CELL)
        view = await shown(pilot, app, notes, body)
        first, second = view.figures
        state = view.figure_state(first)
        assert isinstance(state, Ready) and view.figure_state(second) is state  # one decode
        sent = painted(view)
        assert f"a=p,i={state.image_id},p=1," in sent[first.line]
        assert f"a=p,i={state.image_id},p=2," in sent[second.line]  # its own placement


async def test_a_note_shown_again_draws_its_figure_without_decoding_it_again(
    notes: Path,
) -> None:
    decoded: list[tuple[int, int]] = []

    def decoder(file: BinaryIO, size: tuple[int, int]) -> Figure | FigureProblem:
        decoded.append(size)
        return decode_pixels(file, size)

    app = NoteApp()
    async with app.run_test(size=(80, 40)) as pilot:
        app.note_view.draw_figures("kitty", CELL, decoder)
        view = await shown(pilot, app, notes)
        first = view.figure_state(view.figures[0])
        assert isinstance(first, Ready)
        painted(view)
        view.show("other.md", "# Other\n\nNo figures here.\n", "other.md")
        assert f"a=d,d=I,i={first.image_id}" in "".join(painted(view))  # freed in the terminal
        view = await shown(pilot, app, notes)
        again = view.figure_state(view.figures[0])
        assert isinstance(again, Ready) and again.image_id != first.image_id
        assert again.payload.startswith(f"\x1b_Ga=t,f=24,o=z,s=400,v=200,i={again.image_id},")
        assert again.sent  # the pixels went to the terminal again, with its first frame
        assert f"a=p,i={again.image_id},p=1," in "".join(painted(view))
        assert decoded == [(400, 200)]  # but decoded once


async def test_a_note_read_ahead_has_its_figure_decoded_before_it_is_shown(
    notes: Path,
) -> None:
    decoded: list[tuple[int, int]] = []

    def decoder(file: BinaryIO, size: tuple[int, int]) -> Figure | FigureProblem:
        decoded.append(size)
        return decode_pixels(file, size)

    app = NoteApp()
    async with app.run_test(size=(80, 40)) as pilot:
        view = app.note_view
        view.draw_figures("kitty", CELL, decoder)
        view.root = notes
        await pilot.pause()
        ahead = view.render_ahead(NOTE, "paper.md", view.width_for_render())
        view.remember("paper.md", "paper.md", ahead, "paper.md")  # as the read-ahead does
        await wait_until(pilot, lambda: decoded == [(400, 200)])
        await app.workers.wait_for_complete()  # decoded, encoded and sent, ahead
        await pilot.pause()  # the keys rest: the repaint that carries the pixels
        assert view.figures == []  # nothing shown yet
        view.show("paper.md", NOTE, "paper.md")
        # ready with the render itself, its pixels in the terminal already (sent ahead, with a
        # repaint while nothing was shown): the frame that paints the box only places them
        state = view.figure_state(view.figures[0])
        assert isinstance(state, Ready) and state.sent and state.payload == ""
        sent = "".join(painted(view))
        assert "a=t" not in sent
        assert f"a=p,i={state.image_id},p=1," in sent
        assert decoded == [(400, 200)]  # shown from what was decoded ahead


def figure_folder(notes: Path) -> Path:
    (notes / "README.md").write_text("# Notes\n\n## Papers\n\n* [Paper](./paper.md)\n")
    (notes / "paper.md").write_text(NOTE)
    return notes


@pytest.mark.parametrize(
    ("environ", "images", "drawn"),
    [
        ({"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}, "auto", True),
        ({"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}, "off", False),
        ({"TERM": "xterm-256color"}, "auto", False),
        ({"TERM": "xterm-256color"}, "sixel", True),
    ],
)
async def test_the_browser_draws_figures_where_the_terminal_and_config_say(
    notes: Path, environ: dict[str, str], images: str, drawn: bool
) -> None:

    app = make_app(figure_folder(notes), FakeEffects(environ=environ), config=Config(images=images))
    async with app.run_test(size=(100, 40)) as pilot:
        await started(pilot)
        await go_to(pilot, "Paper")
        view = app.note_view
        if drawn:
            await wait_until(
                pilot, lambda: bool(view.figures) and view.figure_state(view.figures[0]) is not None
            )
            assert isinstance(view.figure_state(view.figures[0]), Ready)
        else:
            assert view.figures == []
        await press(pilot, "i")
        assert fakes_of(app).viewed == [notes / "img" / "arch.png"]


def test_a_figure_is_encoded_once_for_as_long_as_it_is_kept() -> None:
    from app.ui.figures import Encodings

    kitty, sixel = Encodings("kitty"), Encodings("sixel")
    image, other = Image.new("RGB", (20, 10), (1, 2, 3)), Image.new("RGB", (20, 10))
    pixels = kitty.of(image, (0, 0, 0))
    assert kitty.of(image, (9, 9, 9)) is pixels  # kitty's pixels know no background
    assert kitty.of(other, (0, 0, 0)) is not pixels
    assert sixel.of(image, (0, 0, 0)) is sixel.of(image, (0, 0, 0))
    assert sixel.of(image, (0, 0, 0)) is not sixel.of(image, (255, 255, 255))  # over another


def test_pixels_sent_ahead_stay_in_the_terminal_for_the_last_four_and_go_at_the_end() -> None:
    import re

    from app.core.graphics import FigureBox
    from app.render.graphics import kitty_pixels
    from app.ui.figures import FigureKey, Figures, ready

    figures = Figures("kitty", CELL)
    images = [Image.new("RGB", (20, 10), (n, 0, 0)) for n in range(5)]
    pixels = [kitty_pixels(image) for image in images]

    def terminal_gets() -> str:
        return "".join(segment.text for segment in figures.take_pending())

    ids = []
    for image, encoded in zip(images, pixels, strict=True):
        assert figures.send_ahead(image, encoded)
        sent = terminal_gets()
        found = re.search(r"\x1b_Ga=t,f=24,o=z,s=20,v=10,i=(\d+),", sent)
        assert found is not None and "a=p" not in sent  # stored, not drawn
        ids.append(found.group(1))
        if len(ids) == 5:
            assert f"a=d,d=I,i={ids[0]}," in sent  # the oldest of five is freed
    assert not figures.send_ahead(images[4], pixels[4])  # once
    assert terminal_gets() == ""
    # the note of the last one is shown: its figure is placed under the id it was sent with
    figures.showing("paper.md")
    key = FigureKey(
        "paper.md", "img/arch.png", FigureBox(cols=2, rows=1, pixel_width=20, pixel_height=10)
    )
    state = ready(images[4], pixels[4])
    assert figures.arrived(key, state)
    shown = figures.states[key]
    assert isinstance(shown, Ready) and shown.sent and shown.payload == ""
    assert str(shown.image_id) == ids[4]
    freed = figures.release()  # the browser ends
    assert sorted(re.findall(r"a=d,d=I,i=(\d+),", freed)) == sorted(ids[1:])  # each once
