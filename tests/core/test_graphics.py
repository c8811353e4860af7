"""Which terminals draw figures, and how big a figure is drawn: pure functions of the
environment, the config and the pane."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.graphics import (
    DEFAULT_CELL,
    CellSize,
    FigureBox,
    choose_protocol,
    figure_box,
    figure_rows_limit,
)
from app.core.graphics import cell_size as cell_from_window


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"KITTY_WINDOW_ID": "1", "TERM": "xterm-256color"}, "kitty"),
        ({"TERM": "xterm-kitty"}, "kitty"),
        ({"TERM_PROGRAM": "WezTerm", "TERM": "xterm-256color"}, "kitty"),
        ({"TERM_PROGRAM": "ghostty", "TERM": "xterm-ghostty"}, "kitty"),
        ({"KONSOLE_VERSION": "230804", "TERM": "xterm-256color"}, "kitty"),
        ({"TERM_PROGRAM": "iTerm.app", "TERM": "xterm-256color"}, "sixel"),
        ({"TERM": "foot"}, "sixel"),
        ({"TERM": "foot-extra"}, "sixel"),
        ({"TERM": "mlterm"}, "sixel"),
        ({"WT_SESSION": "f00d", "TERM": "xterm-256color"}, "sixel"),
        ({"TERM": "xterm-256color"}, None),
        ({"TERM": "linux"}, None),
        ({}, None),
    ],
)
def test_auto_reads_the_terminal_from_the_environment(
    environ: dict[str, str], expected: str | None
) -> None:
    assert choose_protocol(environ, "auto") == expected


@pytest.mark.parametrize(
    "multiplexer",
    [
        {"TMUX": "/tmp/tmux-0/default,1,0"},
        {"STY": "1.pts-0"},
        {"TERM": "screen-256color"},
        {"TERM": "tmux-256color"},
    ],
)
def test_inside_tmux_or_screen_auto_draws_nothing_even_in_kitty(
    multiplexer: dict[str, str],
) -> None:
    environ = {"KITTY_WINDOW_ID": "3", "TERM": "xterm-kitty", **multiplexer}
    assert choose_protocol(environ, "auto") is None


def test_the_setting_overrides_the_environment() -> None:
    tmux = {"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "tmux-256color"}
    assert choose_protocol(tmux, "kitty") == "kitty"
    assert choose_protocol(tmux, "sixel") == "sixel"
    assert choose_protocol({"TERM": "xterm-kitty"}, "off") is None
    assert choose_protocol({"TERM": "xterm-kitty"}) == "kitty"  # auto by default


def test_the_cell_size_comes_from_the_window_size_or_a_default() -> None:
    assert cell_from_window(36, 120, 1200, 720) == CellSize(10, 20)
    assert cell_from_window(50, 200, 1800, 1000) == CellSize(9, 20)
    assert cell_from_window(36, 120, 0, 0) == CellSize(*DEFAULT_CELL)  # no pixels reported
    assert cell_from_window(0, 0, 0, 0) == CellSize(*DEFAULT_CELL)


def test_a_figure_takes_at_most_two_thirds_of_the_pane() -> None:
    assert figure_rows_limit(30) == 20
    assert figure_rows_limit(10) == 6
    assert figure_rows_limit(1) == 1
    assert figure_rows_limit(0) == 1


CELL = CellSize(10, 20)


def test_a_wide_figure_is_scaled_to_the_pane_width() -> None:
    # 2000×500 into 80 columns (800 px) and 20 rows (400 px): the width decides
    assert figure_box((2000, 500), CELL, 80, 20) == FigureBox(80, 10, 800, 200)


def test_a_tall_figure_is_scaled_to_the_height_limit() -> None:
    # 500×2000 into 80×20 cells (800×400 px): the height decides, 100×400 px
    assert figure_box((500, 2000), CELL, 80, 20) == FigureBox(10, 20, 100, 400)


def test_a_small_figure_is_never_enlarged() -> None:
    assert figure_box((64, 30), CELL, 80, 20) == FigureBox(7, 2, 64, 30)


def test_no_room_or_an_empty_image_is_not_drawn() -> None:
    assert figure_box((0, 10), CELL, 80, 20) is None
    assert figure_box((10, 10), CELL, 0, 20) is None
    assert figure_box((10, 10), CELL, 80, 0) is None


@given(
    width=st.integers(1, 20_000),
    height=st.integers(1, 20_000),
    cols=st.integers(1, 400),
    rows=st.integers(1, 200),
    cell_w=st.integers(4, 30),
    cell_h=st.integers(8, 60),
)
def test_a_figure_fits_its_box_and_keeps_its_aspect_ratio(
    width: int, height: int, cols: int, rows: int, cell_w: int, cell_h: int
) -> None:
    box = figure_box((width, height), CellSize(cell_w, cell_h), cols, rows)
    assert box is not None
    assert 1 <= box.cols <= cols and 1 <= box.rows <= rows
    assert box.pixel_width <= max(1, cols * cell_w) and box.pixel_height <= rows * cell_h
    assert box.pixel_width <= width and box.pixel_height <= height
    # the pixels fill their cells (less than one cell left over in each direction)
    assert box.pixel_width > (box.cols - 1) * cell_w and box.pixel_height > (box.rows - 1) * cell_h
    # the aspect ratio is kept up to the rounding to whole pixels
    scale_w, scale_h = box.pixel_width / width, box.pixel_height / height
    assert abs(scale_w - scale_h) <= 1 / min(width, height) + 1e-9
