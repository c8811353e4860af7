"""What the preview says for every kind of note, and that nothing from the folder is live."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from app_harness import (
    SIZE,
    FakeEffects,
    go_to,
    make_app,
    preview_text,
    settle,
    started,
    tree_labels,
    wait_until,
)

from app.core.model import Index
from app.core.reread import Reread, reread_index
from app.ui.app import ReadnotesApp
from app.ui.help_screen import HelpScreen


async def shows(app: ReadnotesApp, pilot: object, title: str, *expected: str) -> str:
    await go_to(pilot, title)  # type: ignore[arg-type]
    await wait_until(pilot, lambda: all(e in preview_text(app) for e in expected))  # type: ignore[arg-type]
    return preview_text(app)


async def test_a_note_with_frontmatter_shows_metadata_links_and_body(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        text = await shows(
            app, pilot, "LaMini", "year: 2023", "1  paper  https://arxiv.org/abs/2304.14402"
        )
        assert "note: papers/LLM/distillation/LaMini.md" in text
        assert "---" not in text.splitlines()[0]


async def test_missing_stub_folder_and_listing_notes(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await shows(app, pilot, "Transformer Inference", "No note yet", "(e creates it)")
        await shows(app, pilot, "Ray", "Notes in this folder", "Core concepts")
        await shows(
            app, pilot, "thinking in cpp", "No README here", "ch01-introduction-to-objects.md"
        )
        await shows(app, pilot, "phi-1.5", "TODO · Paper notes")


async def test_entries_without_notes_and_unreadable_notes_explain_themselves(
    tmp_path: Path,
) -> None:
    (tmp_path / "README.md").write_text(
        "# Notes\n\n## Things\n\n"
        "* TODO [Only a link](https://example.org/only)\n"
        "* [Binary](./image.md)\n"
        "* [Latin-1](./latin.md)\n"
        "* [Locked](./locked.md)\n"
        "* [Evil \x1b[31mred\x1b[0m title](./evil.md)\n"
    )
    (tmp_path / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tmp_path / "latin.md").write_bytes(b"caf\xe9 cr\xe8me\n")
    (tmp_path / "evil.md").write_text("# Evil\n\nHello \x1b]52;c;AAAA\x07 world\n")
    locked = tmp_path / "locked.md"
    locked.write_text("secret\n")
    locked.chmod(0)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await shows(
            app, pilot, "Only a link", "No note yet.", "1  Only a link  https://example.org/only"
        )
        await shows(app, pilot, "Binary", "PNG")
        text = await shows(app, pilot, "Latin-1", "caf")
        assert "UTF-8" in text or "café" in text
        if os.geteuid() != 0:  # root reads anything
            await shows(app, pilot, "Locked", "Cannot read")
        text = await shows(app, pilot, "Evil", "Hello")
        assert "\x1b" not in text
        assert all("\x1b" not in label for label in tree_labels(app))
        assert any("␛[31mred" in label for label in tree_labels(app))


async def test_a_huge_index_loads_without_blocking_the_first_paint(tmp_path: Path) -> None:
    entries = 50_000
    release = threading.Event()

    def slow_load(path: Path, known: Index | None) -> Reread:
        release.wait(10)
        return reread_index(path, known)

    lines = ["# Huge", ""]
    for n in range(entries):
        if n % 250 == 0:
            lines += ["", f"## Part {n // 250}", ""]
        lines.append(f"* [Paper {n}](https://example.org/{n})")
    (tmp_path / "README.md").write_text("\n".join(lines) + "\n")
    app = make_app(tmp_path, FakeEffects(reread=slow_load))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.index is None  # the screen is up while the index is still being read
        assert "Loading" in str(app.status_line.render())
        await pilot.press("question_mark")  # and answers keys
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        release.set()
        await wait_until(pilot, lambda: app.index is not None, timeout=60)
        await settle(pilot)
        assert str(app.status_line.render()).startswith(f"{entries} entries")
        labels = tree_labels(app)
        assert labels[:2] == ["Part 0  250", "✓ Paper 0"]
        assert len(labels) == 200 + 2000  # the first level opens only while it adds few leaves
        assert "✓ Paper 2000" not in labels
