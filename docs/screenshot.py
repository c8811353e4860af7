"""Save the README's screenshot: readnotes on the sample folder, drawn by the app itself (SVG).

uv run python docs/screenshot.py          # writes docs/screenshot.svg
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from app.ui.app import ReadnotesApp

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "screenshot.svg"
SIZE = (132, 40)


async def main() -> None:
    os.chdir(ROOT)  # the header shows the path as typed: notes/README.md
    app = ReadnotesApp(Path("notes/README.md"))  # no state: the sample as a newcomer sees it
    async with app.run_test(size=SIZE) as pilot:
        while app.index is None:
            await asyncio.sleep(0.05)
        entry = next(e for e in app.index.entries if e.title.startswith("GPU Performance"))
        app.go_to_entry(entry.key)
        for _ in range(200):
            await pilot.pause()
            if app.note_view.is_complete and app.note_view.doc_key == f"entry:{entry.key}":
                break
            await asyncio.sleep(0.02)
        await pilot.pause(0.3)
        app.save_screenshot(filename=TARGET.name, path=str(TARGET.parent))
    print(TARGET)


if __name__ == "__main__":
    asyncio.run(main())
