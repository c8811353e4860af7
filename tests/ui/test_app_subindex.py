"""The browser on a folder of sub-indexes: the tree shows each as a category, ``x`` marks in the
file the entry is in, and an outside save of a sub-index file shows at once."""

from __future__ import annotations

from pathlib import Path

from app_harness import (
    SIZE,
    cursor_entry,
    go_to,
    make_app,
    press,
    preview_text,
    settle,
    started,
    tree_labels,
    wait_until,
)

from tests.subindex_tree import write_tree


def status(app: object) -> str:
    return str(app.status_line.render())  # type: ignore[attr-defined]


async def test_the_tree_shows_each_sub_index_as_a_category_and_x_marks_in_its_file(
    tmp_path: Path,
) -> None:
    folder = write_tree(tmp_path / "summaries")
    gan = folder / "cv/gan/index.md"
    files = {p: p.read_bytes() for p in folder.rglob("*.md")}
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        labels = tree_labels(app)
        assert "Computer vision  5 · 2 TODO" in labels
        assert "GANs  2 · 1 TODO" in labels
        assert "NLP  2 · 1 TODO" in labels
        assert status(app) == "8 entries · 4 TODO"
        await go_to(pilot, "StyleGAN")
        await wait_until(pilot, lambda: "cv/gan/stylegan/summary.md" in preview_text(app))
        await press(pilot, "x")
        await wait_until(pilot, lambda: status(app) == "8 entries · 3 TODO")
        assert gan.read_bytes() == files[gan].replace(b"- TODO [StyleGAN]", b"- [StyleGAN]")
        assert all(p.read_bytes() == data for p, data in files.items() if p != gan)
        assert cursor_entry(app).title == "StyleGAN"
        assert "GANs  2" in tree_labels(app)
        await press(pilot, "u")
        await wait_until(pilot, lambda: status(app) == "8 entries · 4 TODO")
        assert gan.read_bytes() == files[gan]


async def test_an_outside_save_of_a_sub_index_file_shows_at_once(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "summaries")
    nlp = folder / "nlp/README.md"
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "BERT")
        nlp.write_bytes(nlp.read_bytes() + b"- [ ] [XLNet](xlnet/summary.md)\r\n")
        await wait_until(pilot, lambda: "NLP  3 · 2 TODO" in tree_labels(app))
        assert status(app) == "9 entries · 5 TODO"
        assert cursor_entry(app).title == "BERT"
        # A sub-index that stops being one (a save that empties it) is its entry again.
        gan = folder / "cv/gan/index.md"
        gan.write_text("# GANs\n\nNothing here yet.\n")
        await wait_until(pilot, lambda: status(app) == "8 entries · 4 TODO")
        assert any(label.endswith("GANs") for label in tree_labels(app))


async def test_a_adds_into_the_sub_index_the_cursor_is_in(tmp_path: Path) -> None:
    from textual.widgets import Select

    from app.ui.add_screen import AddScreen

    folder = write_tree(tmp_path / "summaries")
    gan = folder / "cv/gan/index.md"
    root_before = (folder / "README.md").read_bytes()
    before = gan.read_bytes()
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "DCGAN")
        await press(pilot, "a")
        screen = app.screen
        assert isinstance(screen, AddScreen)
        wanted = ("Areas", "Computer vision", "GANs", "Classic")
        assert screen.query_one("#add-category", Select).value == "\x1f".join(wanted)
        await press(pilot, *"BigGAN")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AddScreen))
        await wait_until(pilot, lambda: cursor_entry(app).title == "BigGAN")
        assert gan.read_bytes() == before + b"- TODO [BigGAN](biggan/summary.md)\n"
        assert (folder / "README.md").read_bytes() == root_before
        entry = cursor_entry(app)
        assert (entry.file, entry.note, entry.category) == (
            "cv/gan/index.md",
            "cv/gan/biggan/summary.md",  # a folder of its own, as its neighbours have
            wanted,
        )
        assert status(app) == "9 entries · 5 TODO"


async def test_capital_e_opens_the_sub_index_file_at_the_entry_s_line(tmp_path: Path) -> None:
    from collections.abc import Sequence

    from app_harness import FakeEffects

    def command(
        path: Path, line: int | None = None, configured: Sequence[str] | None = None
    ) -> list[str]:
        return ["fake-editor", str(path), str(line)]

    folder = write_tree(tmp_path / "summaries")
    fakes = FakeEffects(editor=lambda _command: 0, editor_command=command)
    app = make_app(folder, fakes)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "T5")
        await press(pilot, "E")
        await go_to(pilot, "A loose paper")
        await press(pilot, "E")
        assert fakes.edited == [
            ["fake-editor", str(folder / "nlp/README.md"), "4"],
            ["fake-editor", str(folder / "README.md"), "9"],
        ]


async def test_the_filter_finds_entries_by_their_sub_index_category(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "summaries")
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "/", *"classic")
        await wait_until(pilot, lambda: app.filtering.shown == 2)
        assert {e.title for e in app.index.entries if app.filtering.query.matches(e)} == {
            "DCGAN",
            "StyleGAN",
        }


async def test_an_unreadable_sub_index_is_one_notice_and_its_entry_stays(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "summaries")
    (folder / "cv/gan/index.md").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\xff" * 4096)
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert messages == ["Sub-index cv/gan/index.md not read: it looks binary"]
        assert "✓ GANs" in tree_labels(app)
        assert status(app) == "7 entries · 3 TODO"


async def test_capital_e_on_a_sub_index_category_opens_that_file(tmp_path: Path) -> None:
    from collections.abc import Sequence

    from app_harness import FakeEffects

    def command(
        path: Path, line: int | None = None, configured: Sequence[str] | None = None
    ) -> list[str]:
        return ["fake-editor", str(path), str(line)]

    folder = write_tree(tmp_path / "summaries")
    fakes = FakeEffects(editor=lambda _command: 0, editor_command=command)
    app = make_app(folder, fakes)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        tree = app.index_tree
        gans = ("Areas", "Computer vision", "GANs")
        for path in (gans, (*gans, "Classic"), ("Areas",)):
            tree.cursor_line = next(
                n for n in range(tree.line_count) if getattr(tree.item_at(n), "path", 0) == path
            )
            await pilot.pause()
            await press(pilot, "E")
        assert fakes.edited == [
            ["fake-editor", str(folder / "cv/gan/index.md"), "1"],
            ["fake-editor", str(folder / "cv/gan/index.md"), "3"],
            ["fake-editor", str(folder / "README.md"), "5"],
        ]


async def test_a_sub_index_reached_through_a_symlink_is_re_read_when_its_target_changes(
    tmp_path: Path,
) -> None:
    import os

    folder = write_tree(tmp_path / "summaries")
    # The NLP area lives in a shared folder; the link goes through a symlink to it.
    os.rename(folder / "nlp", folder / "areas-nlp")
    os.symlink("areas-nlp", folder / "nlp")
    target = folder / "areas-nlp/README.md"
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert "NLP  2 · 1 TODO" in tree_labels(app)
        target.write_bytes(target.read_bytes() + b"- [ ] [XLNet](xlnet/summary.md)\r\n")
        await wait_until(pilot, lambda: "NLP  3 · 2 TODO" in tree_labels(app))
        assert status(app) == "9 entries · 5 TODO"


async def test_refused_sub_indexes_are_said_once_each_and_nothing_fails(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "hostile"
    (folder / "bin").mkdir(parents=True)
    (folder / "bin/README.md").write_bytes(b"\x00\x01PNG" * 200)
    (folder / "loop").mkdir()
    os.symlink("README.md", folder / "loop/README.md")
    (folder / "dir/README.md").mkdir(parents=True)  # a folder named like an index file
    links = "".join(f"- [{name}]({name}/README.md)\n" for name in ("bin", "loop", "dir", "gone"))
    (folder / "README.md").write_text(f"# Hostile\n\n## Subs\n\n{links}")
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)

        # Every note's tags are read in the background, the folder named README.md's too.
        def failures() -> list[str]:
            return [str(n.message) for n in app._notifications if "Unexpected" in n.message]

        await wait_until(
            pilot, lambda: "dir/README.md" in app.filtering._note_tags or bool(failures())
        )
        await settle(pilot)
        assert failures() == []
        assert status(app).startswith("4 entries")
