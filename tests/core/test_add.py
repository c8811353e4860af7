"""Adding an entry: one line in the file's own style, every other byte kept, and its note."""

from __future__ import annotations

import builtins
import errno
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.core.add import (
    NoteChoice,
    add_entry,
    expand_link,
    find_category,
    link_kind,
    plan_entry,
)
from app.core.errors import EditError
from app.core.locking import lock_path
from app.core.model import Status
from app.core.parse import load_index, parse_index
from app.core.temps import TEMP_MARK
from tests.conftest import CORPORA, write_index

DISTILLATION = ("Paper notes", "Large Language Model", "Knowledge distillation")
BIG_O = ("Algorithmic complexity / Big-O / Asymptotic analysis",)


def inserted_at(before: bytes, after: bytes, line: bytes) -> int:
    """Where ``line`` went, asserting that nothing else changed (``after == before[:k] + ...``)."""
    k = after.index(line)
    assert after[:k] + after[k + len(line) :] == before
    return k


def copy_corpus(tmp_path: Path, name: str) -> Path:
    target = tmp_path / "list" / "README.md"
    target.parent.mkdir()
    shutil.copyfile(CORPORA / name, target)
    return target


# -- the seed style ---------------------------------------------------------------------------


def test_seed_style_note_first_with_labelled_links_and_a_blank_line(notes_copy: Path) -> None:
    index_path = notes_copy / "README.md"
    before = index_path.read_bytes()
    result = add_entry(
        notes_copy,
        title="Orca 2: Teaching Small Language Models How to Reason",
        category=DISTILLATION,
        urls=["2311.11045v2", "https://github.com/microsoft/orca"],
        todo=True,
    )
    after = index_path.read_bytes()
    line = (
        b"\n* TODO [Orca 2: Teaching Small Language Models How to Reason]"
        b"(./papers/LLM/distillation/Orca2.md) [[paper](https://arxiv.org/abs/2311.11045v2)]"
        b" [[code](https://github.com/microsoft/orca)]\n"
    )
    k = inserted_at(before, after, line)
    assert before[:k].endswith(b"[[code](https://github.com/mbzuai-nlp/LaMini-LM)]\n")
    assert before[k:].startswith(b"\n## Blog notes")
    assert result.entry.category == DISTILLATION
    assert result.entry.status is Status.TODO
    assert result.note_path_created == notes_copy / "papers/LLM/distillation/Orca2.md"
    assert result.note_path_created.read_text() == (
        "---\n"
        'title: "Orca 2: Teaching Small Language Models How to Reason"\n'
        "paper: https://arxiv.org/abs/2311.11045v2\n"
        "code: https://github.com/microsoft/orca\n"
        "tags: []\n"
        "status: todo\n"
        "---\n"
        "\n"
        "# Orca 2: Teaching Small Language Models How to Reason\n"
    )
    assert load_index(notes_copy).find(result.entry.key) is not None


def test_seed_style_mirrors_the_categorys_link_separator(notes_copy: Path) -> None:
    index_path = notes_copy / "README.md"
    before = index_path.read_bytes()
    add_entry(
        notes_copy,
        title="Mistral 7B",
        category=("Paper notes", "Large Language Model"),
        urls=["2310.06825", "https://github.com/mistralai/mistral-src"],
        todo=False,
    )
    line = (
        b"\n* [Mistral 7B](./papers/LLM/Mistral7B.md) [[paper](https://arxiv.org/abs/2310.06825)]"
        b"[[code](https://github.com/mistralai/mistral-src)]\n"
    )  # most of this category's entries write "][" between their links
    inserted_at(before, index_path.read_bytes(), line)


def test_blog_labels_and_no_note_when_asked(notes_copy: Path) -> None:
    index_path = notes_copy / "README.md"
    before = index_path.read_bytes()
    result = add_entry(
        notes_copy,
        title="The Illustrated Transformer",
        category=("Blog notes",),
        urls=["https://jalammar.github.io/illustrated-transformer/"],
        todo=True,
        note=None,
    )
    line = (
        b"\n* TODO The Illustrated Transformer"
        b" [[blog](https://jalammar.github.io/illustrated-transformer/)]\n"
    )
    inserted_at(before, index_path.read_bytes(), line)
    assert result.note_path_created is None and result.entry.note is None


# -- other styles -----------------------------------------------------------------------------


def test_awesome_style_title_links_the_url_after_nested_items_no_note(tmp_path: Path) -> None:
    path = copy_corpus(tmp_path, "avelino__awesome-go__README.md")
    before = path.read_bytes()
    bots = find_category(load_index(path), "Bot Building")
    assert bots.path == ("Awesome Go", "Bot Building")
    result = add_entry(
        path,
        title="gobot2",
        category=bots.path,
        urls=["https://github.com/example/gobot2"],
        todo=False,
    )
    after = path.read_bytes()
    k = inserted_at(before, after, b"- [gobot2](https://github.com/example/gobot2)\n")
    assert before[:k].endswith(b"Multi-exchange (Bybit, Hyperliquid, Polymarket).\n")  # nested
    assert before[k:].startswith(b"\n**[\xe2\xac\x86 back to top](#contents)**")
    assert result.note_path_created is None
    assert sorted(p.name for p in path.parent.iterdir() if p != lock_path(path)) == ["README.md"]


@pytest.mark.parametrize(("todo", "box"), [(True, b"[ ]"), (False, b"[x]")])
def test_checkbox_style(tmp_path: Path, todo: bool, box: bytes) -> None:
    path = copy_corpus(tmp_path, "jwasham__coding-interview-university__README.md")
    before = path.read_bytes()
    index = load_index(path)
    category = find_category(index, "Algorithmic complexity / Big-O / Asymptotic analysis")
    assert category.path == BIG_O
    result = add_entry(
        path, title="Big-O in 5 minutes", category=BIG_O, urls=["https://x.test/v"], todo=todo
    )
    line = b"- " + box + b" [Big-O in 5 minutes](https://x.test/v)\n"
    k = inserted_at(before, path.read_bytes(), line)
    assert before[:k].endswith(
        b"(https://www.youtube.com/playlist?list=PL9xmBV_5YoZMxejjIyFHWa-4nKg6sdoIv)\n"
    )
    assert result.entry.status is (Status.TODO if todo else Status.DONE)


def test_crlf_and_bom_stay_and_the_todo_colon_convention_is_kept(tmp_path: Path) -> None:
    data = (
        b"\xef\xbb\xbf# Notes\r\n\r\n## Read\r\n\r\n"
        b"+ TODO: [A](https://a.test)\r\n+ [B](https://b.test)\r\n\r\n## Later\r\n"
    )
    path = write_index(tmp_path / "n", data)
    add_entry(path, title="C", category=("Read",), urls=["https://c.test"], todo=True)
    after = path.read_bytes()
    k = inserted_at(data, after, b"+ TODO: [C](https://c.test)\r\n")
    assert data[:k].endswith(b"[B](https://b.test)\r\n")
    assert after.startswith(b"\xef\xbb\xbf")


def test_missing_final_newline_stays_missing(tmp_path: Path) -> None:
    data = b"## A\n\n1. one\n2. two"
    path = write_index(tmp_path / "n", data)
    add_entry(path, title="three", category=("A",), urls=[], todo=False)
    assert path.read_bytes() == data + b"\n3. three"


def test_empty_category_gets_a_list_after_its_heading_with_the_files_bullet(
    tmp_path: Path,
) -> None:
    data = b"# N\n\n## A\n\n* [x](https://x.test)\n\n## Empty\n\n## C\n\n* [y](https://y.test)\n"
    path = write_index(tmp_path / "n", data)
    add_entry(path, title="z", category=("Empty",), urls=["https://z.test"], todo=False)
    assert path.read_bytes() == data.replace(
        b"## Empty\n\n", b"## Empty\n\n* [z](https://z.test)\n\n"
    )


def test_empty_category_with_an_intro_and_a_setext_heading_next(tmp_path: Path) -> None:
    data = b"Top\n===\n\n- a\n\nEmpty\n-----\nSome words.\n\nNext\n----\n\n- b\n"
    path = write_index(tmp_path / "n", data)
    result = add_entry(path, title="new", category=("Empty",), urls=[], todo=False)
    assert path.read_bytes() == data.replace(b"Some words.\n", b"Some words.\n\n- new\n")
    assert result.entry.category == ("Empty",)


# -- refusals ---------------------------------------------------------------------------------


def test_same_title_in_the_category_is_refused(notes_copy: Path) -> None:
    before = (notes_copy / "README.md").read_bytes()
    with pytest.raises(EditError, match=r"Already in .*Zephyr"):
        add_entry(
            notes_copy,
            title="  zephyr: direct   DISTILLATION of LM alignment ",
            category=DISTILLATION,
            urls=[],
            todo=True,
        )
    assert (notes_copy / "README.md").read_bytes() == before


def test_same_note_path_is_refused(notes_copy: Path) -> None:
    with pytest.raises(EditError, match="already belongs to Zephyr"):
        add_entry(
            notes_copy,
            title="Another",
            category=("Blog notes",),
            urls=[],
            todo=True,
            note="./papers/LLM/distillation/Zephyr.md",
        )


def test_an_existing_file_at_the_chosen_note_path_is_never_overwritten(notes_copy: Path) -> None:
    orphan = notes_copy / "papers/LLM/distillation/Orca.md"
    orphan.write_text("mine\n")
    before = (notes_copy / "README.md").read_bytes()
    with pytest.raises(EditError, match="A note already exists at"):
        add_entry(notes_copy, title="Orca", category=DISTILLATION, urls=[], todo=True)
    assert orphan.read_text() == "mine\n"
    assert (notes_copy / "README.md").read_bytes() == before


def test_a_missing_category_is_refused_with_the_list(notes_copy: Path) -> None:
    index = load_index(notes_copy)
    with pytest.raises(EditError, match=r"creating headings is not supported.*Blog notes"):
        find_category(index, "Nope")
    with pytest.raises(EditError, match="Name a category"):
        find_category(index, None)


def test_a_line_that_would_read_differently_is_refused(tmp_path: Path) -> None:
    data = b"## A\n\n- one\n- two\n"
    path = write_index(tmp_path / "n", data)
    with pytest.raises(EditError, match="without changing how the index reads"):
        add_entry(path, title="TODO later", category=("A",), urls=[], todo=False)
    assert path.read_bytes() == data


def test_a_note_that_cannot_be_created_rolls_the_index_back(
    notes_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = builtins.open

    def disk_full(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if mode == "xb":  # creating the note, on a disk that just filled up
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", disk_full)
    before = (notes_copy / "README.md").read_bytes()
    with pytest.raises(EditError, match="No space left on device; the index was left as it was"):
        add_entry(notes_copy, title="Orca", category=DISTILLATION, urls=[], todo=True)
    assert (notes_copy / "README.md").read_bytes() == before


def test_a_change_on_disk_before_the_write_is_planned_again(
    notes_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_path = notes_copy / "README.md"
    calls: list[str] = []
    real_open = os.open

    def racing_open(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        name = os.fspath(file)
        if TEMP_MARK in name and Path(name).parent == index_path.resolve().parent:
            if not calls:  # our write of the index begins, and another writer gets in first
                index_path.write_bytes(index_path.read_bytes() + b"\n* [Late](https://late.test)\n")
            calls.append(name)
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", racing_open)
    add_entry(notes_copy, title="Orca", category=DISTILLATION, urls=[], todo=True, note=None)
    assert len(calls) == 2
    text = index_path.read_text()
    assert "* [Late](https://late.test)" in text and "* TODO Orca\n" in text


# -- links, categories, note paths ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("2310.16944", "https://arxiv.org/abs/2310.16944"),
        ("2310.16944v2", "https://arxiv.org/abs/2310.16944v2"),
        ("arXiv:1706.03762", "https://arxiv.org/abs/1706.03762"),
        ("https://openreview.net/forum?id=x", "https://openreview.net/forum?id=x"),
        ("github.com/a/b", "https://github.com/a/b"),
    ],
)
def test_links_as_typed(typed: str, url: str) -> None:
    assert expand_link(typed) == url


@pytest.mark.parametrize(
    "typed", ["javascript:alert(1)", "file:///etc/passwd", "hello", "2310", "https://a.test/b c"]
)
def test_what_is_not_a_link_is_refused(typed: str) -> None:
    with pytest.raises(EditError, match="Not a"):
        expand_link(typed)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://arxiv.org/abs/1", "paper"),
        ("https://aclanthology.org/x", "paper"),
        ("https://example.org/paper.PDF", "paper"),
        ("https://doi.org/10.1145/3600006.3613165", "paper"),
        ("https://gitlab.com/a/b", "code"),
        ("https://kipp.ly/post", "blog"),
    ],
)
def test_link_kinds(url: str, kind: str) -> None:
    assert link_kind(url) == kind


def test_category_paths_escaped_suffixed_and_ambiguous(tmp_path: Path) -> None:
    data = b"## A/B\n\n- x\n\n## C\n\n### D\n\n- y\n\n## E\n\n### D\n"
    index = parse_index(data, tmp_path / "README.md")
    assert find_category(index, "A\\/B").path == ("A/B",)
    assert find_category(index, "a/b").path == ("A/B",)
    assert find_category(index, "c / d").path == ("C", "D")
    with pytest.raises(EditError, match="names several categories"):
        find_category(index, "D")


def test_note_paths_follow_the_siblings_naming(tmp_path: Path) -> None:
    data = (
        b"## Kebab\n\n- [One thing](papers/one-thing.md)\n\n"
        b"## Parent\n\n### Child\n\n- [X](./a/b/x.md)\n\n### Child 2\n\n- [Y](./a/c/y.md)\n\n"
        b"## Nothing\n\n- [Web](https://w.test)\n"
    )
    root = tmp_path / "n"
    write_index(root, data)
    index = load_index(root)

    def note_for(category: tuple[str, ...], title: str) -> str | None:
        plan = plan_entry(
            index, title=title, category=category, urls=[], todo=True, note=NoteChoice.NEW
        )
        return plan.note

    assert note_for(("Kebab",), "Deep Learning: A Survey") == "papers/deep-learning.md"
    assert note_for(("Parent",), "New one") == "a/new-one.md"
    assert note_for(("Nothing",), "Plain!") == "plain.md"
    (root / "notes").mkdir()
    assert note_for(("Nothing",), "Plain!") == "notes/plain.md"
    auto = plan_entry(index, title="Web 2", category=("Nothing",), urls=[], todo=True)
    assert auto.note is None  # the neighbour has no note


def test_markup_in_a_title_is_escaped_and_reads_back(tmp_path: Path) -> None:
    data = b"## A\n\n- [x](https://x.test)\n"
    path = write_index(tmp_path / "n", data)
    title = "Why *stars* & [brackets] `code` <b> &amp; Q&A"
    result = add_entry(path, title=title, category=("A",), urls=["https://t.test"], todo=False)
    assert result.entry.title == title
    assert (
        b"- [Why \\*stars\\* & \\[brackets\\] \\`code\\` \\<b> \\&amp; Q&A](https://t.test)\n"
        in path.read_bytes()
    )


# -- the property -----------------------------------------------------------------------------

TITLE_CHARS = "abcXYZ019 *_[]&<>!:#-()`~\\é"
URLS = [
    "https://arxiv.org/abs/2001.00001",
    "https://github.com/a/b",
    "https://en.wikipedia.org/wiki/A_(b)",
    "2101.00002",
]


@st.composite
def indexes(draw: st.DrawFn) -> bytes:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    bullet = draw(st.sampled_from("*-+"))
    loose = draw(st.booleans())
    todo_style = draw(st.sampled_from(["TODO ", "TODO: ", "checkbox"]))
    layout = draw(st.sampled_from(["note", "url", "text", "plain"]))
    lines = ["# Notes", ""] if draw(st.booleans()) else []
    for c in range(draw(st.integers(1, 4))):
        lines += ["#" * draw(st.integers(2, 3)) + f" Cat {c}", ""]
        if draw(st.booleans()):
            lines += ["Some words about it.", ""]
        for i in range(draw(st.integers(0, 3))):
            todo = draw(st.booleans())
            if todo_style == "checkbox":
                marker = "[ ] " if todo else "[x] "
            else:
                marker = todo_style if todo else ""
            body = {
                "note": f"[Entry {c}-{i}](./notes/E{c}{i}.md) [[paper](https://arxiv.org/abs/1)]",
                "url": f"[Entry {c}-{i}](https://e{c}{i}.test) - what it is",
                "text": f"Entry {c}-{i} [[code](https://github.com/e/{c}{i})]",
                "plain": f"Entry {c}-{i}",
            }[layout]
            lines.append(f"{bullet} {marker}{body}")
            if draw(st.booleans()):
                lines.append(f"  {bullet} nested {c}-{i}")
            if loose:
                lines.append("")
        lines.append("")
    text = eol.join(lines)
    if draw(st.booleans()):
        text = text.rstrip(eol)
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode()


@settings(deadline=None)
@given(
    data=indexes(),
    which=st.integers(0, 10),
    title=st.text(TITLE_CHARS, min_size=0, max_size=20),
    urls=st.lists(st.sampled_from(URLS), max_size=3, unique=True),
    todo=st.booleans(),
    note=st.sampled_from([None, NoteChoice.NEW, NoteChoice.AUTO]),
)
def test_adding_keeps_every_other_byte(
    data: bytes,
    which: int,
    title: str,
    urls: list[str],
    todo: bool,
    note: NoteChoice | None,
) -> None:
    title = "Added " + title + " end"
    assume(" ".join(title.split()) == title)
    index = parse_index(data, Path("/nonexistent-readnotes-root/README.md"))
    categories = [c for c in index.categories() if c.level > 0]
    category = categories[which % len(categories)]
    plan = plan_entry(index, title=title, category=category.path, urls=urls, todo=todo, note=note)
    k = plan.offset
    assert plan.new_data == data[:k] + plan.inserted + data[k:]
    assert len([line for line in plan.inserted.splitlines() if line.strip()]) == 1
    again = parse_index(plan.new_data, index.path)
    added = [e for e in again.entries if e.title == title]
    assert len(added) == 1
    assert added[0].category == category.path
    assert added[0].status is (Status.TODO if todo else Status.DONE)
    assert [e.title for e in again.entries if e is not added[0]] == [e.title for e in index.entries]
