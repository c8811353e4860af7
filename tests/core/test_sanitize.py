"""Terminal payloads from a hostile notes folder are shown, never executed."""

from __future__ import annotations

import pytest

from app.core.sanitize import has_controls, inert, inert_line

PAYLOADS = [
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52 clipboard write, BEL form
    "\x1b]52;c;ZXZpbA==\x1b\\",  # OSC 52, ST form
    "\x1b]2;pwned\x07",  # window title
    "\x1b[2J",  # clear screen
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x9b2J",  # 8-bit CSI
    "\x9d52;c;ZXZpbA==\x9c",  # 8-bit OSC and ST
    "abc\u202egnp.exe",  # right-to-left override
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_lose_every_control_character(payload: str) -> None:
    shown = inert(payload)
    assert not has_controls(shown)
    assert all(ord(char) >= 0x20 or char in "\t\n" for char in shown)
    assert not any(0x7F <= ord(char) <= 0x9F for char in shown)


def test_c0_controls_become_control_pictures() -> None:
    assert inert("a\x1bb\x00c\x07") == "a␛b␀c␇"


def test_delete_becomes_its_symbol() -> None:
    assert inert("x\x7fy") == "x␡y"


def test_c1_and_bidi_controls_become_visible_markers() -> None:
    assert inert("\x85") == "⟨U+0085⟩"
    assert inert("\u202e\u2066\u061c\u200f") == "⟨U+202E⟩⟨U+2066⟩⟨U+061C⟩⟨U+200F⟩"


def test_tabs_and_newlines_survive_in_multiline_text() -> None:
    assert inert("# Title\n\n\tcode\n") == "# Title\n\n\tcode\n"


def test_carriage_return_is_shown() -> None:
    assert inert("a\rb") == "a␍b"


def test_inert_line_flattens_to_one_line() -> None:
    assert inert_line("two\nlines\tand\x1b[31m") == "two lines and␛[31m"


def test_plain_and_non_ascii_text_is_unchanged() -> None:
    text = "Zephyr — naïve 日本語 emoji 🎉 and ├── box drawing"
    assert inert(text) is text
    assert inert_line(text) == text


def test_inert_is_idempotent() -> None:
    once = inert("".join(PAYLOADS))
    assert inert(once) == once
    assert inert_line(inert_line("\x1b\n\u202e")) == inert_line("\x1b\n\u202e")


def test_a_megabyte_note_is_made_inert_whole() -> None:
    """Its speed is measured by hand in bench/micro.py, not timed here."""
    note = ("A line of notes with \x1b[2J and \u202e in it.\n" * 30_000)[:1_000_000]
    shown = inert(note)
    assert not has_controls(shown)
    assert shown.count("\n") == note.count("\n")
