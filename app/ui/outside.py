"""What the reader sends outside the browser: links (and an entry's BibTeX) to the browser and
the clipboard, images to the system viewer, notes and the index to the editor.

Each goes through the App's :class:`~app.ui.effects.Effects`; the blocking ones (browser,
clipboard tool, viewer) run in thread workers, and what they came to is a notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from app.core.errors import ReadnotesError
from app.core.links import safe_path
from app.core.model import Category, Entry, Index
from app.core.notes import create_note_stub, folder_note
from app.core.sanitize import inert_line
from app.core.subindex import category_place
from app.ui.effects import Outcome
from app.ui.workers import thread_worker

if TYPE_CHECKING:
    from app.ui.app import ReadnotesApp


@dataclass(frozen=True, slots=True)
class Opened:
    """A URL handed to the browser, or a file to the viewer."""

    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Copied:
    """A URL handed to the native clipboard (it went out by OSC 52 already)."""

    url: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class BibtexCopied:
    """An entry's BibTeX, made and handed to the native clipboard (None: nothing to cite)."""

    text: str | None
    notice: str
    outcome: Outcome | None


class Outside:
    """Opening, copying and editing, through the effects the App was given."""

    def __init__(self, app: ReadnotesApp) -> None:
        self.app = app

    @property
    def host(self) -> ReadnotesApp:
        return self.app

    def open_primary(self) -> None:
        entry = self.app.current_entry
        if entry is not None and entry.primary_url is not None:
            self.open_web(entry.primary_url)

    def open_link(self, number: int) -> None:
        entry = self.app.current_entry
        if entry is not None and 0 < number <= len(entry.web_links):
            self.open_web(entry.web_links[number - 1].url)

    def open_web(self, url: str) -> None:
        app = self.app
        refusal = app.effects.url_refusal(url)
        if refusal is not None:
            app.notify(inert_line(refusal), title="Not opened", severity="warning")
            return
        app.notify(f"Opening {inert_line(url)}")
        self.open_in_browser(url)

    @thread_worker("browser")
    def open_in_browser(self, url: str) -> Opened:
        return Opened(self.app.effects.open_url(url))

    @thread_worker("viewer")
    def open_in_viewer(self, path: Path) -> Opened:
        return Opened(self.app.effects.open_file(path))

    def opened(self, opened: Opened) -> None:
        outcome = opened.outcome
        self.app.notify(outcome.message, severity="information" if outcome.ok else "warning")

    def copy_link(self) -> None:
        entry = self.app.current_entry
        url = entry.primary_url if entry is not None else None
        if url is None:
            return
        self.app.copy_to_clipboard(url)  # OSC 52: reaches the local clipboard even over SSH
        self.copy_natively(url)

    @thread_worker("clipboard", exclusive=True)
    def copy_natively(self, url: str) -> Copied:
        return Copied(url, self.app.effects.copy(url))

    def copied(self, copied: Copied) -> None:
        shown = inert_line(copied.url)
        outcome = copied.outcome
        if outcome.ok:
            self.app.notify(f"Copied {shown}")
        else:
            self.app.notify(
                f"Sent {shown} to the terminal's clipboard (OSC 52; not every terminal accepts "
                f"it). {inert_line(outcome.message)}",
                severity="warning",
            )

    def copy_bibtex(self) -> None:
        app = self.app
        entry = app.current_entry
        if entry is not None and app.index is not None:
            self.copy_bibtex_of(app.index, entry)

    @thread_worker("bibtex", exclusive=True)
    def copy_bibtex_of(self, index: Index, entry: Entry) -> BibtexCopied:
        """Read the note and write the BibTeX (bibtexparser loads now), off the loop."""
        from app.core.capture_dialog import bibtex_for_entry

        text, notice = bibtex_for_entry(index, entry)
        return BibtexCopied(text, notice, self.app.effects.copy(text) if text else None)

    def bibtex_copied(self, copied: BibtexCopied) -> None:
        app = self.app
        if copied.text is None:
            app.notify(inert_line(copied.notice), severity="warning")
            return
        app.copy_to_clipboard(copied.text)  # OSC 52, as for a link
        outcome = copied.outcome
        if outcome is None or outcome.ok:
            app.notify(inert_line(copied.notice))
        else:
            app.notify(
                f"{inert_line(copied.notice)} to the terminal's clipboard only (OSC 52; not "
                f"every terminal accepts it). {inert_line(outcome.message)}",
                severity="warning",
            )

    # -- the editor -----------------------------------------------------------------------------

    def edit_note(self) -> None:
        app = self.app
        entry = app.current_entry
        index = app.index
        if entry is None or entry.note is None or index is None:
            return
        try:
            path = self._note_file(index, entry)
            self._edit(path, None)
        except ReadnotesError as error:
            app.notify(inert_line(str(error)), severity="error")
            return
        app.navigator.refresh_preview(force=True, keep_scroll=True)

    def _note_file(self, index: Index, entry: Entry) -> Path:
        """The file to edit for the entry's note, created with its title when missing."""
        assert entry.note is not None
        real = safe_path(index.root, entry.note)
        if real is None:
            raise ReadnotesError(f"Refused: {entry.note} is outside the notes folder")
        if entry.note.endswith("/") or real.is_dir():
            readme = folder_note(real)
            if readme is not None:
                return real / readme
            raise ReadnotesError(
                f"{entry.note} is a folder without a README: open one of its notes instead"
            )
        if not real.exists():
            created = create_note_stub(index.root, entry.note, entry.title)
            self.app.notify(f"Created {inert_line(entry.note)}")
            return created
        return real

    def edit_index(self) -> None:
        app = self.app
        index = app.index
        if index is None:
            return
        entry = app.current_entry
        item = app.index_tree.cursor_item
        try:
            if entry is None and isinstance(item, Category):
                path, line = category_place(index, item)  # a sub-index's category: its file
            else:
                part = index.parts.get(entry.file) if entry is not None and entry.file else None
                path = part.path if part is not None else index.path  # the file the entry is in
                line = entry.line if entry is not None else None
            self._edit(path, line)
        except ReadnotesError as error:
            app.notify(inert_line(str(error)), severity="error")
            return
        app.action_reload()

    def _edit(self, path: Path, line: int | None) -> None:
        app = self.app
        effects = app.effects
        command = effects.editor_command(path, line, app.preferences.config.editor)
        try:
            code = effects.run_editor(command, app.suspend)
        except SuspendNotSupported:
            raise ReadnotesError("This terminal cannot hand over to an editor") from None
        if code != 0:
            app.notify(f"The editor exited with code {code}", severity="warning")
