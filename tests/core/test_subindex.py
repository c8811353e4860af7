"""Sub-indexes: an entry whose note is itself an index is a category holding that file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.check import check_index
from app.core.model import Status
from app.core.parse import load_index
from app.core.progress import stats_json
from app.core.subindex import MAX_DEPTH, MAX_SUBINDEX_BYTES, load_tree
from app.core.subindex_edit import add_in_tree, mark_in_tree
from tests.conftest import SAMPLE
from tests.subindex_tree import write_tree


@pytest.fixture
def tree_folder(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "summaries")


def shape(folder: Path) -> list[tuple[str, tuple[str, ...], str, str | None, str]]:
    return [(e.title, e.category, e.file, e.note, str(e.status)) for e in load_tree(folder).entries]


def test_each_sub_index_is_a_category_under_the_entry_that_links_to_it(tree_folder: Path) -> None:
    cv = ("Areas", "Computer vision")
    assert shape(tree_folder) == [
        ("A loose paper", ("Areas",), "", "loose.md", "todo"),
        ("ViT", cv, "cv/index.md", "cv/vit/summary.md", "done"),
        ("DETR", cv, "cv/index.md", "cv/detr/summary.md", "todo"),
        ("Shared with NLP", cv, "cv/index.md", "shared/summary.md", "done"),
        ("DCGAN", (*cv, "GANs", "Classic"), "cv/gan/index.md", "cv/gan/dcgan/summary.md", "done"),
        (
            "StyleGAN",
            (*cv, "GANs", "Classic"),
            "cv/gan/index.md",
            "cv/gan/stylegan/summary.md",
            "todo",
        ),
        ("BERT", ("Areas", "NLP"), "nlp/README.md", "nlp/bert/summary.md", "done"),
        ("T5", ("Areas", "NLP"), "nlp/README.md", "nlp/t5/summary.md", "todo"),
    ]
    tree = load_tree(tree_folder)
    assert [e.position for e in tree.entries] == list(range(8))
    assert (tree.tree.total, tree.todo_count) == (8, 4)
    areas = tree.tree.children[0]
    assert [c.title for c in areas.children] == ["Computer vision", "NLP"]
    assert [c.title for c in areas.children[0].children] == ["GANs"]
    assert (areas.children[0].total, areas.children[0].todo) == (5, 2)
    assert sorted(tree.parts) == ["", "cv/gan/index.md", "cv/index.md", "nlp/README.md"]
    assert not tree.warnings


def test_local_links_are_given_from_the_notes_folder_and_web_links_as_written(
    tree_folder: Path,
) -> None:
    vit = next(e for e in load_tree(tree_folder).entries if e.title == "ViT")
    assert [tuple(link) for link in vit.links] == [
        ("ViT", "cv/vit/summary.md"),
        ("paper", "https://arxiv.org/abs/2010.11929"),
    ]
    assert vit.to_json()["file"] == "cv/index.md"
    loose = next(e for e in load_tree(tree_folder).entries if e.title == "A loose paper")
    assert "file" not in loose.to_json()


def test_the_sample_notes_read_as_before_the_ray_folder_note_stays_one_entry() -> None:
    lone, tree = load_index(SAMPLE), load_tree(SAMPLE)
    assert [(e.title, e.category, e.status, e.note, e.line) for e in tree.entries] == [
        (e.title, e.category, e.status, e.note, e.line) for e in lone.entries
    ]
    assert len(tree.entries) == 16 and tree.todo_count == 3
    ray = next(e for e in tree.entries if e.title == "Ray")
    assert (ray.note, ray.file, ray.status) == ("blogs/ray/", "", Status.TODO)
    assert not tree.parts and "blogs/ray/README.md" in tree.sources  # looked at: a note


def test_check_finds_no_orphans_and_names_the_sub_index_of_a_missing_note(
    tree_folder: Path,
) -> None:
    assert check_index(load_tree(tree_folder)) == []
    (tree_folder / "cv/gan/dcgan/summary.md").unlink()
    (problem,) = check_index(load_tree(tree_folder))
    assert (problem.kind, problem.file, problem.line) == ("missing-note", "cv/gan/index.md", 5)
    assert problem.to_json()["file"] == "cv/gan/index.md"


def test_stats_count_the_whole_tree(tree_folder: Path) -> None:
    stats = stats_json(load_tree(tree_folder))
    rows = {tuple(row["category"]): (row["done"], row["total"]) for row in stats["categories"]}
    assert rows[("Areas", "Computer vision", "GANs")] == (1, 2)
    assert rows[("Areas",)] == (4, 8)
    assert stats["overall"]["total"] == 8


def test_a_mark_edits_only_the_marker_in_the_sub_index_file(tree_folder: Path) -> None:
    files = {p: p.read_bytes() for p in tree_folder.rglob("*.md")}
    tree = load_tree(tree_folder)
    t5 = next(e for e in tree.entries if e.title == "T5")
    result = mark_in_tree(tree, t5.key, Status.DONE)
    nlp = tree_folder / "nlp/README.md"
    assert nlp.read_bytes() == files[nlp].replace(b"- [ ] [T5]", b"- [x] [T5]")
    assert all(p.read_bytes() == data for p, data in files.items() if p != nlp)
    assert result.entry.status is Status.DONE and result.entry.file == "nlp/README.md"
    assert result.index.todo_count == 3
    again = mark_in_tree(result.index, result.entry.key, Status.TODO)
    assert nlp.read_bytes() == files[nlp]
    assert again.index.todo_count == 4


def test_a_mark_made_from_an_old_tree_lands_in_the_file_as_it_is_now(tree_folder: Path) -> None:
    tree = load_tree(tree_folder)
    gan = tree_folder / "cv/gan/index.md"
    gan.write_bytes(gan.read_bytes() + b"- [WGAN](wgan/summary.md)\n")  # an editor's save
    style = next(e for e in tree.entries if e.title == "StyleGAN")
    result = mark_in_tree(tree, style.key, Status.DONE)
    assert result.merged
    assert gan.read_bytes().endswith(
        b"- [StyleGAN](stylegan/summary.md) [[paper](https://arxiv.org/abs/1812.04948)]\n"
        b"- [WGAN](wgan/summary.md)\n"
    )


def test_add_goes_into_the_file_that_holds_the_category(tree_folder: Path) -> None:
    tree = load_tree(tree_folder)
    gan = tree_folder / "cv/gan/index.md"
    before = gan.read_bytes()
    result = add_in_tree(
        tree,
        title="BigGAN",
        category=("Areas", "Computer vision", "GANs", "Classic"),
        urls=["https://arxiv.org/abs/1809.11096"],
        todo=True,
        note=None,
    )
    assert (
        gan.read_bytes() == before + b"- TODO BigGAN [[paper](https://arxiv.org/abs/1809.11096)]\n"
    )
    assert result.entry.file == "cv/gan/index.md"
    assert result.message == (
        "Added to Areas / Computer vision / GANs / Classic (cv/gan/index.md): BigGAN (line 7)"
    )
    assert (tree_folder / "README.md").read_bytes().count(b"BigGAN") == 0


# -- what is refused, and what is not a sub-index ---------------------------------------------


def test_a_loop_is_refused_once_with_a_notice(tree_folder: Path) -> None:
    gan = tree_folder / "cv/gan/index.md"
    gan.write_text(gan.read_text() + "- [Back to CV](../index.md)\n- [Home](../../README.md)\n")
    tree = load_tree(tree_folder)
    assert len(tree.warnings) == 2
    assert all("(a loop)" in w for w in tree.warnings)
    back = next(e for e in tree.entries if e.title == "Back to CV")
    assert (back.note, back.file) == ("cv/index.md", "cv/gan/index.md")  # stays an entry


def test_a_sub_index_linked_twice_is_read_once(tree_folder: Path) -> None:
    root = tree_folder / "README.md"
    root.write_text(root.read_text() + "- [Vision again](./cv/index.md)\n")
    tree = load_tree(tree_folder)
    assert [e.title for e in tree.entries].count("DETR") == 1
    again = next(e for e in tree.entries if e.title == "Vision again")
    assert again.note == "cv/index.md" and not tree.warnings


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.write_bytes(b"\x00\x01\x02PNG" * 100), "it looks binary"),
        (lambda p: (p.unlink(), os.symlink(p.name, p)), "a symlink loop"),
        (lambda p: (p.unlink(), p.mkdir()), "a folder, not a file"),
        (lambda p: p.write_bytes(b"- [x](a.md)\n" * (MAX_SUBINDEX_BYTES // 12 + 1)), "MiB"),
    ],
    ids=["binary", "symlink-loop", "folder", "huge"],
)
def test_an_unreadable_sub_index_is_one_notice_and_its_entry_stays(
    tree_folder: Path, make: object, said: str
) -> None:
    make(tree_folder / "cv/gan/index.md")  # type: ignore[operator]
    tree = load_tree(tree_folder)
    (warning,) = tree.warnings
    assert warning.startswith("Sub-index cv/gan/index.md not read: ") and said in warning
    gans = next(e for e in tree.entries if e.title == "GANs")
    assert gans.file == "cv/index.md" and gans.note == "cv/gan/index.md"


def test_missing_index_files_are_missing_notes_not_notices(tree_folder: Path) -> None:
    """A linked README.md or index.md that is not there may be any note: ``check`` names each
    (with its file and line), and no command warns of "sub-indexes" it cannot know are any."""
    root = tree_folder / "README.md"
    links = "".join(f"- [Area {n}](area{n}/index.md)\n" for n in range(5))
    root.write_text(root.read_text() + links)
    (tree_folder / "cv/gan/index.md").unlink()
    tree = load_tree(tree_folder)
    assert tree.warnings == []
    assert {"GANs", "Area 4"} <= {e.title for e in tree.entries}
    missing = [p for p in check_index(tree) if p.kind == "missing-note"]
    assert [(p.file, p.line) for p in missing] == [
        ("", 10),
        ("", 11),
        ("", 12),
        ("", 13),
        ("", 14),
        ("cv/index.md", 3),
    ]


def test_a_symlink_leading_outside_the_root_is_refused(tree_folder: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    write_tree(outside)
    gan = tree_folder / "cv/gan/index.md"
    gan.unlink()
    os.symlink(outside / "cv/gan/index.md", gan)
    tree = load_tree(tree_folder)
    assert tree.warnings == [
        "Sub-index cv/gan/index.md not read: it leads outside the notes folder"
    ]
    assert "DCGAN" not in [e.title for e in tree.entries]


def test_a_linked_readme_that_is_a_note_stays_a_note(tmp_path: Path) -> None:
    folder = tmp_path / "n"
    write_tree(folder)
    # One entry with a note is not "mostly links to notes": a note's own small list.
    (folder / "cv/index.md").write_text("# CV\n\n- [ViT](vit/summary.md)\n")
    (folder / "nlp/README.md").write_text(
        "# NLP\n\n- [BERT](bert/summary.md)\n- reread the appendix\n- ask about the masking\n"
    )
    titles = [e.title for e in load_tree(folder).entries]
    assert titles == ["Computer vision", "NLP", "A loose paper"]


def test_a_root_of_link_paragraphs_leads_to_its_sub_indexes(tree_folder: Path) -> None:
    (tree_folder / "README.md").write_text(
        "# Paper summaries\n\n[Computer vision](cv/index.md)\n\n[NLP](nlp/)\n"
    )
    titles = [e.title for e in load_tree(tree_folder).entries]
    assert titles == ["ViT", "DETR", "Shared with NLP", "DCGAN", "StyleGAN", "BERT", "T5"]


def test_a_link_to_its_own_file_is_no_loop_and_no_notice(tree_folder: Path) -> None:
    cv = tree_folder / "cv/index.md"
    cv.write_text(cv.read_text() + "- [This page, usage](index.md#usage)\n")
    tree = load_tree(tree_folder)
    assert not tree.warnings
    # a link to the file's own heading is navigation (issue 15's self-anchors), never an entry
    assert "This page, usage" not in [e.title for e in tree.entries]
    assert [e.title for e in tree.entries if e.file == "cv/index.md"] == [
        "ViT",
        "DETR",
        "Shared with NLP",
    ]


def test_sub_indexes_nested_too_deep_stop_with_one_notice(tmp_path: Path) -> None:
    folder = tmp_path / "maze"
    folder.mkdir()
    (folder / "README.md").write_text("- [d0](d0/index.md)\n- [n](n.md)\n")
    for depth in range(MAX_DEPTH + 5):
        level = folder.joinpath(*(f"d{d}" for d in range(depth + 1)))
        level.mkdir(parents=True)
        (level / "index.md").write_text(f"- [d{depth + 1}](d{depth + 1}/index.md)\n- [n](n.md)\n")
    tree = load_tree(folder)
    assert len(tree.warnings) == 1 and f"more than {MAX_DEPTH} deep" in tree.warnings[0]
    deepest = max(len(e.category) for e in tree.entries)
    assert deepest == MAX_DEPTH


def test_a_link_climbing_out_of_the_root_is_not_followed_and_check_names_it(
    tree_folder: Path, tmp_path: Path
) -> None:
    write_tree(tmp_path / "outside")
    cv = tree_folder / "cv/index.md"
    cv.write_text(cv.read_text() + "- [Elsewhere](../../outside/cv/index.md)\n")
    tree = load_tree(tree_folder)
    elsewhere = next(e for e in tree.entries if e.title == "Elsewhere")
    assert (elsewhere.note, elsewhere.escapes_root) == (None, True)
    assert len(tree.entries) == 9 and not tree.warnings
    (problem,) = check_index(tree)
    assert (problem.kind, problem.file, problem.line) == ("escapes-root", "cv/index.md", 7)


def test_a_huge_sub_index_is_not_read_again_by_an_unchanged_re_read(tree_folder: Path) -> None:
    from app.core.reread import reread_index

    gan = tree_folder / "cv/gan/index.md"
    gan.write_bytes(b"- [x](a.md)\n" * (MAX_SUBINDEX_BYTES // 12 + 1))
    tree = load_tree(tree_folder)
    assert tree.sources["cv/gan/index.md"].startswith("stat:")
    assert reread_index(tree_folder, tree).index is None  # nothing changed: nothing shown anew
    gan.write_text("- [DCGAN](dcgan/summary.md)\n- [StyleGAN](stylegan/summary.md)\n")
    shown = reread_index(tree_folder, tree).index
    assert shown is not None and "DCGAN" in [e.title for e in shown.entries]


def test_a_symlinked_sub_index_is_known_by_its_target_too(tree_folder: Path) -> None:
    """The watcher names the file an editor saves, the symlink's target: a re-read follows it."""
    from app.core.subindex import sources_unchanged

    gan = tree_folder / "cv/gan/index.md"
    (tree_folder / "shared/gan-index.md").write_bytes(gan.read_bytes())
    gan.unlink()
    os.symlink("../../shared/gan-index.md", gan)
    tree = load_tree(tree_folder)
    assert "StyleGAN" in [e.title for e in tree.entries] and not tree.warnings
    assert {"cv/gan/index.md", "shared/gan-index.md"} <= set(tree.sources)
    assert sources_unchanged(tree)
    target = tree_folder / "shared/gan-index.md"
    target.write_bytes(target.read_bytes() + b"- [BigGAN](biggan/summary.md)\n")
    assert not sources_unchanged(tree)
