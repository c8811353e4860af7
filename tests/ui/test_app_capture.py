"""a fetches a paper's metadata as soon as a link is its id; Y copies the entry's BibTeX.

The metadata comes from the fake ``paper_lookup`` of :class:`FakeEffects` (no network): served,
slow (a thread held until the test lets it go), or failing as offline.
"""

from __future__ import annotations

import threading
from pathlib import Path

import bibtexparser
from app_harness import (
    SIZE,
    FakeEffects,
    cursor_entry,
    fakes_of,
    go_to,
    make_app,
    press,
    started,
    wait_until,
)
from textual.pilot import Pilot
from textual.widgets import Input

from app.core.metadata import PaperMeta
from app.core.model import Category
from app.core.paper_ids import IdKind, PaperId
from app.ui.add_screen import AddScreen
from app.ui.app import ReadnotesApp

ORCA = PaperMeta(
    title="Orca: Progressive Learning from Complex Explanation Traces of GPT-4",
    authors=("Subhabrata Mukherjee", "Arindam Mitra", "Ganesh Jawahar", "Sahaj Agarwal"),
    year=2023,
    arxiv="2306.02707",
    abstract="Orca learns from $p(y|x)$ traces.",
)


def dialog(app: ReadnotesApp) -> AddScreen:
    screen = app.screen
    assert isinstance(screen, AddScreen)
    return screen


def field(app: ReadnotesApp, name: str) -> str:
    return dialog(app).query_one(f"#add-{name}", Input).value


def fetch_line(app: ReadnotesApp) -> str:
    line = dialog(app).query_one("#add-fetch")
    return str(line.render()) if line.display else ""


async def open_dialog_with_link(pilot: Pilot[int], link: str, *, typed: bool = False) -> None:
    """``a`` on Zephyr's category, the link pasted (or ``typed``), the fetch not waited for."""
    app = await started(pilot)
    await go_to(pilot, "Zephyr")
    await press(pilot, "a", "tab")
    if typed:
        await pilot.press(*link)
    else:
        paste(app, link)


def paste(app: ReadnotesApp, link: str) -> None:
    dialog(app).query_one("#add-links", Input).value = link


async def test_a_fills_the_title_authors_and_year_and_the_note_gets_them(
    notes_copy: Path,
) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy, FakeEffects(papers={"2306.02707": ORCA}))
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog_with_link(pilot, "2306.02707", typed=True)
        await wait_until(pilot, lambda: field(app, "title") == ORCA.title)
        line = "Subhabrata Mukherjee, Arindam Mitra, Ganesh Jawahar et al. (2023)"
        assert fetch_line(app) == line
        # typing paused once: the partial ids on the way (2306.0270) were never asked about
        assert fakes_of(app).looked_up == [PaperId(IdKind.ARXIV, "2306.02707")]
        before = index.read_bytes()
        await press(pilot, "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AddScreen))
        await wait_until(pilot, lambda: cursor_entry(app).title == ORCA.title)
        added = (
            b"* TODO [Orca: Progressive Learning from Complex Explanation Traces of GPT-4]"
            b"(./papers/LLM/distillation/Orca.md) [[paper](https://arxiv.org/abs/2306.02707)]\n"
        )
        assert len(index.read_bytes()) == len(before) + len(added) + 1  # and its blank line
        assert added in index.read_bytes()
    note = (notes_copy / "papers/LLM/distillation/Orca.md").read_bytes()
    assert note.split(b"# Orca")[0] == (
        b"---\n"
        b'title: "Orca: Progressive Learning from Complex Explanation Traces of GPT-4"\n'
        b"paper: https://arxiv.org/abs/2306.02707\n"
        b"authors:\n- Subhabrata Mukherjee\n- Arindam Mitra\n- Ganesh Jawahar\n- Sahaj Agarwal\n"
        b"year: 2023\n"
        b"arxiv: '2306.02707'\n"
        b"tags: []\n"
        b"status: todo\n"
        b"---\n\n"
    )
    assert note.endswith(b"\n## Abstract\n\nOrca learns from $p(y|x)$ traces.\n")


async def test_escape_cancels_a_slow_fetch_and_its_late_answer_is_dropped(
    notes_copy: Path,
) -> None:
    release, answered = threading.Event(), threading.Event()

    def slow_lookup(found: PaperId) -> PaperMeta:
        release.wait(5)
        answered.set()
        return ORCA

    index = notes_copy / "README.md"
    before = index.read_bytes()
    app = make_app(notes_copy, FakeEffects(paper_lookup=slow_lookup))
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog_with_link(pilot, "arxiv.org/abs/2306.02707")
        await wait_until(pilot, lambda: fetch_line(app) == "Fetching arXiv:2306.02707 …")
        await pilot.press("escape")
        await wait_until(pilot, lambda: "cancelled" in fetch_line(app))
        assert isinstance(app.screen, AddScreen)  # the dialog stays
        release.set()
        await wait_until(pilot, answered.is_set)
        for _ in range(5):
            await pilot.pause()
        assert field(app, "title") == ""
        assert fetch_line(app) == "Not fetched (cancelled); type the title"
        await press(pilot, "escape")  # no fetch now: escape closes, as ever
        assert not isinstance(app.screen, AddScreen)
    assert index.read_bytes() == before


async def test_offline_says_so_a_typed_title_stays_and_the_entry_is_added_without_metadata(
    notes_copy: Path,
) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy, FakeEffects(papers={"2306.02707": ORCA}))
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog_with_link(pilot, "2306.02707")
        await wait_until(pilot, lambda: "(2023)" in fetch_line(app))
        await press(pilot, "shift+tab", "ctrl+u", *"Mine")  # the fetched title, replaced
        paste(app, "10.1145/3600006.3613165")  # a bare DOI, while offline
        await wait_until(pilot, lambda: "Not fetched" in fetch_line(app))
        assert fetch_line(app) == (
            "Not fetched (doi:10.1145/3600006.3613165: the host name could not be resolved"
            " (DNS)); type the title"
        )
        paste(app, "2306.02707")  # known again: the title typed stays
        await wait_until(pilot, lambda: "(2023)" in fetch_line(app))
        assert field(app, "title") == "Mine"
        paste(app, "10.1145/3600006.3613165")
        await wait_until(pilot, lambda: "Not fetched" in fetch_line(app))
        await press(pilot, "enter")  # offline, the entry is still added: no metadata
        await wait_until(pilot, lambda: not isinstance(app.screen, AddScreen))
        await wait_until(pilot, lambda: cursor_entry(app).title == "Mine")
    [line] = [line for line in index.read_bytes().split(b"\n") if b"[Mine]" in line]
    assert line.startswith(b"* TODO [Mine](./papers/LLM/distillation/Mine.md) [[")
    assert line.endswith(b"](https://doi.org/10.1145/3600006.3613165)]")  # the DOI's page
    note = (notes_copy / "papers/LLM/distillation/Mine.md").read_text()
    assert "authors" not in note and "Abstract" not in note and "year" not in note


async def test_Y_copies_the_entry_s_bibtex_and_does_nothing_on_a_category(
    notes_copy: Path,
) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "home")
        assert isinstance(app.index_tree.cursor_item, Category)
        assert app.check_action("copy_bibtex", ()) is None  # greyed out
        await press(pilot, "Y")
        assert app.clipboard == "" and fakes_of(app).copied == []
        await go_to(pilot, "Ray")  # a folder note without frontmatter, a link that is no id
        await press(pilot, "Y")
        await wait_until(pilot, lambda: any("No BibTeX" in n.message for n in app._notifications))
        assert app.clipboard == "" and fakes_of(app).copied == []
        await go_to(pilot, "Zephyr")
        await press(pilot, "Y")
        await wait_until(pilot, lambda: app.clipboard != "")
        library = bibtexparser.parse_string(app.clipboard)
        assert library.failed_blocks == []
        [entry] = library.entries
        assert entry.key == "tunstall2023zephyr"
        assert entry["year"] == "2023" and entry["eprint"] == "2310.16944"
        assert entry["title"].strip("{}") == "Zephyr: Direct Distillation of LM Alignment"
        assert fakes_of(app).copied == [app.clipboard]  # the native clipboard too
        notices = [n.message for n in app._notifications]
        assert "Copied the BibTeX of tunstall2023zephyr" in notices
