"""Hostile bytes from a notes folder never reach the real terminal (issue 6, item 1).

The real program runs in a pseudo-terminal on a folder whose every channel to the screen carries
terminal payloads: the index title, a category, an entry title (link text) and description,
a note's frontmatter values, body, code block and link text, file names in a folder listing, the
folder's own name, and notices (a mark quoting the title, a refused URL). The test visits each one,
checks that its visible-but-inert form is on screen (so nothing passes by not being shown), and
then searches every byte the app wrote for the payloads' escape sequences.

How the search avoids false alarms:

- The 8-bit C1 controls (CSI ``0x9b``, OSC ``0x9d``, ST ``0x9c``) cannot be searched as raw bytes:
  they are continuation bytes of ordinary UTF-8 characters (``␛`` U+241B, the very symbol an
  inert ESC is shown as, is ``e2 90 9b``). The output is decoded as UTF-8 with
  ``surrogateescape`` instead, and both the code points U+009B/U+009D/U+009C (which a UTF-8
  terminal may act on) and the lone bytes (surrogates ``\\udc9b`` ...) are looked for.
- Textual's full-screen driver never clears with ``ESC [ 2 J`` (it repaints by cursor moves;
  only its inline driver writes one), writes no window title (``ESC ] 2 ;``) and writes OSC 52
  only for ``copy_to_clipboard`` (this test never presses ``y``). Its own OSC 8 hyperlinks carry
  an ``id=``; the payload's ``ESC ] 8 ; ;`` has none, and ``http://evil`` must not follow any
  OSC 8 opener. :func:`test_a_clean_folder_writes_none_of_the_searched_sequences` runs the same
  journey on a harmless folder and finds none of the searched sequences, so a hit in the hostile
  run can only come from the folder.
"""

from __future__ import annotations

import os
import re
import select
import sys
import time
from collections.abc import Callable
from pathlib import Path

from test_pty import Terminal

from app.core.notes import load_note
from app.core.parse import load_index

OSC52_BEL = "\x1b]52;c;aGVsbG8=\x07"
OSC52_ST = "\x1b]52;c;aGVsbG8=\x1b\\"
OSC2_TITLE = "\x1b]2;pwned\x07"
CLEAR = "\x1b[2J"
OSC8 = "\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\"
C1_CSI = "\x9b2J"
C1_OSC = "\x9d52;c;x\x9c"
RLO = "\u202e"
PAYLOADS = (OSC52_BEL, OSC52_ST, OSC2_TITLE, CLEAR, OSC8, C1_CSI, C1_OSC, RLO)
ALL = " ".join(PAYLOADS)
# A file name cannot hold "/", so OSC 8 (whose URL has one) is left out of names.
IN_NAMES = " ".join(p for p in PAYLOADS if "/" not in p)

# What must never appear in the output, as text decoded with surrogateescape.
FORBIDDEN = {
    "OSC 52": "\x1b]52",
    "OSC 2 (window title)": "\x1b]2;",
    "ED (clear screen)": "\x1b[2J",
    "OSC 8 without id": "\x1b]8;;",
    "C1 CSI": "\x9b",
    "C1 OSC": "\x9d",
    "C1 ST": "\x9c",
    "8-bit CSI byte": "\udc9b",
    "8-bit OSC byte": "\udc9d",
    "8-bit ST byte": "\udc9c",
    "RIGHT-TO-LEFT OVERRIDE": RLO,
}
_OSC8_EVIL = re.compile(r"\x1b\]8;[^\x1b\x07]*;http://evil")


class RecordingTerminal(Terminal):
    """A :class:`Terminal` that also keeps every byte the child wrote."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        super().__init__(argv, cwd)
        self.output = bytearray()

    def pump(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                data = os.read(self.fd, 65536)
            except OSError:  # the child closed the pty
                return
            self.output += data
            self.stream.feed(data)

    def press_and_wait(self, keys: bytes, condition: Callable[[str], bool]) -> str:
        self.press(keys)
        return self.wait_for(condition)


def markdown_escaped(text: str) -> str:
    """Backslash-escape what would end a link's text early, so the title keeps every byte."""
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def yaml_escaped(text: str) -> str:
    """A YAML double-quoted scalar that decodes to ``text`` (YAML refuses raw controls)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or 0x7F <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif char == RLO:
            out.append("\\u202e")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def hostile_folder(parent: Path, payload: str, name_payload: str) -> Path:
    root = parent / f"notes {name_payload}"
    (root / "dir").mkdir(parents=True)
    bad_url = f"https://example.org/a{C1_CSI}b" if payload != "clean" else "https://example.org/a b"
    (root / "README.md").write_text(
        f"# Notes {payload}\n\n"
        f"## Cat {payload}\n\n"
        f"* TODO [Title {markdown_escaped(payload)}](./evil.md) — desc {payload}\n"
        f"* TODO [Bad url](<{bad_url}>)\n"
        "* [Folder](./dir/)\n"
    )
    (root / "evil.md").write_text(
        "---\n"
        f"author: {yaml_escaped('by ' + payload)}\n"
        "---\n"
        f"# Body {payload}\n\n"
        f"Paragraph {payload} end.\n\n"
        f"```\ncode {payload}\n```\n\n"
        f"See [link {markdown_escaped(payload)}](https://example.org/ok).\n"
    )
    (root / "dir" / f"file {name_payload}.md").write_text("# file\n")
    return root


def start(parent: Path, payload: str, name_payload: str) -> tuple[RecordingTerminal, Path]:
    root = hostile_folder(parent, payload, name_payload)
    terminal = RecordingTerminal([sys.executable, "-m", "app", root.name], cwd=parent)
    return terminal, root


def journey(terminal: RecordingTerminal) -> list[str]:
    """Visit every channel the folder reaches the screen by; the screens seen on the way."""
    seen: list[str] = []

    def expect(*parts: str) -> Callable[[str], bool]:
        def condition(text: str) -> bool:
            return all(part in text for part in parts)

        return condition

    # the index title (header), the category (tree and preview)
    seen.append(terminal.wait_for(expect("Notes ", "Cat ", "○ Title")))
    # the entry: title, description, the note's frontmatter, body, code block, link text
    # (every channel awaited: a frame may arrive over several reads)
    channels = ("desc", "author: by", "Body", "Paragraph", "code ", "See link")
    seen.append(terminal.press_and_wait(b"j", expect(*channels)))
    # a notice quoting the title: the mark
    seen.append(terminal.press_and_wait(b"x", expect("Marked done: Title")))
    # a refused URL with a C1 control in it
    seen.append(terminal.press_and_wait(b"jo", expect("Not opened: it contains")))
    # a folder listing naming a file with payloads in its name
    seen.append(terminal.press_and_wait(b"j", expect("file ")))
    terminal.press(b"q")
    return seen


def decoded(terminal: RecordingTerminal) -> str:
    return bytes(terminal.output).decode("utf-8", "surrogateescape")


def sequences_found(output: str) -> list[str]:
    found = [name for name, sequence in FORBIDDEN.items() if sequence in output]
    if _OSC8_EVIL.search(output):
        found.append("OSC 8 to http://evil")
    return found


def test_hostile_folder_bytes_never_reach_the_terminal(tmp_path: Path) -> None:
    terminal, root = start(tmp_path, ALL, IN_NAMES)
    index = load_index(root / "README.md")
    # the payloads really are in what the app is about to show, byte for byte
    assert ALL in (index.title or "") and ALL in index.entries[0].category[0]
    assert ALL in index.entries[0].title and ALL in index.entries[0].description
    meta = dict(load_note(root, "evil.md").meta)  # made inert already: an OSC shows as symbols
    assert "␛]52;c;aGVsbG8=␇" in meta["author"] and "⟨U+202E⟩" in meta["author"]

    screens = journey(terminal)
    assert terminal.exit_code() == 0

    osc52 = "␛]52;c;aGVsbG8=␇ ␛]52;c;aGVsbG8=␛\\ ␛]2;pwned␇ ␛[2J"  # what the payloads look like
    first, entry, marked, refused, listing = screens
    assert f"Notes {osc52}" in first and f"▼ Cat {osc52[:20]}" in first
    for channel in ("desc", "author: by", "Body", "Paragraph", " code", "See link"):
        assert f"{channel} {osc52}" in entry, channel
    assert "␛]8;;http://evil␛\\x␛]8;;␛\\ ⟨U+009B⟩2J ⟨U+009D⟩52;c;x⟨U+009C⟩" in entry
    assert "⟨U+202E⟩" in entry
    assert f"Marked done: Title {osc52[:30]}" in marked
    assert "https://example.org/a⟨U+009B⟩2Jb" in refused and "control characters" in refused
    assert "• file ␛]52;c;aGVsbG8=␇" in listing  # a file name, in the folder listing
    assert sequences_found(decoded(terminal)) == []


def test_a_clean_folder_writes_none_of_the_searched_sequences(tmp_path: Path) -> None:
    """The same journey with harmless text: Textual itself writes none of what is searched."""
    terminal, _ = start(tmp_path, "clean", "clean")
    journey(terminal)
    assert terminal.exit_code() == 0
    output = decoded(terminal)
    assert "\x1b[?1049h" in output  # the search looks at the real stream: the alternate screen
    assert sequences_found(output) == []


def test_the_search_catches_an_app_that_does_not_sanitise(tmp_path: Path) -> None:
    """The same folder, with the sanitiser replaced by the identity: the search finds payloads."""
    root = hostile_folder(tmp_path, ALL, IN_NAMES)
    unsafe = (
        "import app.core.sanitize as s; s.inert = s.inert_line = lambda text: text; "
        "from app.cli import main; raise SystemExit(main())"
    )
    terminal = RecordingTerminal([sys.executable, "-c", unsafe, root.name], cwd=tmp_path)
    deadline = time.monotonic() + 20
    while not {"OSC 52", "OSC 2 (window title)", "RIGHT-TO-LEFT OVERRIDE"} <= set(
        sequences_found(decoded(terminal))
    ):
        assert time.monotonic() < deadline, "the unsafe app never wrote the payloads"
        terminal.pump(0.05)
    terminal.press(b"q")
    assert terminal.exit_code() == 0
