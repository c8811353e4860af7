"""The index model: every parsing rule of the foundation issue, on small files and real corpora."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.core.errors import IndexNotFoundError
from app.core.model import Index, MarkerKind, Status
from app.core.parse import find_index, load_index, parse_index
from tests.conftest import CORPORA, CORPUS_FILES, SAMPLE, write_index


def parse(text: str | bytes, tmp_path: Path) -> Index:
    return load_index(write_index(tmp_path, text))


def titles(index: Index) -> list[str]:
    return [e.title for e in index.entries]


# --- finding the index -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["README.md", "readme.md", "Readme.MD", "index.md", "INDEX.md"])
def test_a_folder_index_is_found_in_any_case(tmp_path: Path, name: str) -> None:
    write_index(tmp_path, "* [a](a.md)\n", name=name)
    assert find_index(tmp_path).name == name


def test_an_index_file_can_be_named_directly(tmp_path: Path) -> None:
    path = write_index(tmp_path, "* [a](https://a)\n", name="papers.md")
    assert find_index(path) == path


def test_missing_path_and_folder_without_index_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="No such file"):
        find_index(tmp_path / "nope")
    with pytest.raises(IndexNotFoundError, match="No index in"):
        find_index(tmp_path)


# --- categories ---------------------------------------------------------------------------------


def test_headings_nest_by_level_and_a_lone_leading_h1_is_the_title(tmp_path: Path) -> None:
    index = parse(
        "# Reading\n\n## Papers\n\n### LLM\n\n* [A](a.md)\n\n## Blogs\n\n* [B](https://b)\n",
        tmp_path,
    )
    assert index.title == "Reading"
    assert [c.title for c in index.tree.children] == ["Papers", "Blogs"]
    assert index.entries[0].category == ("Papers", "LLM")
    assert index.entries[1].category == ("Blogs",)
    assert index.tree.children[0].total == 1


def test_setext_headings_and_inline_markup_in_headings(tmp_path: Path) -> None:
    index = parse(
        "Papers about `code` and *emphasis*\n===\n\nSub [link](x)\n---\n\n- [A](https://a)\n"
        "\n# Second H1\n\n- [B](https://b)\n",
        tmp_path,
    )
    assert index.title is None  # two H1s: both are categories
    assert index.entries[0].category == ("Papers about code and emphasis", "Sub link")
    assert index.entries[1].category == ("Second H1",)


def test_an_h1_after_the_first_entry_is_a_category(tmp_path: Path) -> None:
    index = parse("- [A](https://a)\n\n# Later\n\n- [B](https://b)\n", tmp_path)
    assert index.title is None
    assert index.entries[0].category == ()
    assert index.entries[1].category == ("Later",)


def test_frontmatter_is_skipped_but_counts_in_line_numbers(tmp_path: Path) -> None:
    index = parse("---\ntitle: x\n- [no](https://no)\n---\n\n- [A](https://a)\n", tmp_path)
    assert titles(index) == ["A"]
    assert index.entries[0].line == 6


# --- entries ------------------------------------------------------------------------------------


def test_every_list_kind_at_any_depth_is_an_entry(tmp_path: Path) -> None:
    index = parse(
        "* [star](https://1)\n- [dash](https://2)\n+ [plus](https://3)\n"
        "\n1. [one](https://4)\n2) [two](https://5)\n\n- [outer](https://6)\n"
        "  - [inner](https://7)\n    - [deep](https://8)\n",
        tmp_path,
    )
    assert titles(index) == ["star", "dash", "plus", "one", "two", "outer", "inner", "deep"]
    assert [e.line for e in index.entries] == [1, 2, 3, 5, 6, 8, 9, 10]


def test_nested_items_do_not_lend_their_links_to_the_parent(tmp_path: Path) -> None:
    index = parse("- Parent topic:\n  - [child](https://c)\n", tmp_path)
    parent, child = index.entries
    assert parent.title == "Parent topic:"
    assert parent.links == ()
    assert child.links[0].url == "https://c"


def test_table_of_contents_and_back_to_top_items_are_not_entries(tmp_path: Path) -> None:
    index = parse(
        "- [Papers](#papers)\n  - [LLM](#llm)\n\n## Papers\n\n- [A](https://a)\n"
        "- [Back to top](#top)\n",
        tmp_path,
    )
    assert titles(index) == ["A"]


def test_nothing_in_code_html_or_comments_is_an_entry(tmp_path: Path) -> None:
    index = parse(
        "```\n- [fenced](https://f)\n```\n\n    - [indented](https://i)\n\n"
        "<div>\n- [html](https://h)\n</div>\n\n<!--\n- [comment](https://c)\n-->\n\n"
        "- [real](https://r)\n",
        tmp_path,
    )
    assert titles(index) == ["real"]


def test_title_is_the_first_link_text_with_markup_stripped(tmp_path: Path) -> None:
    index = parse("* [The *Big* `Paper`](./p.md) [[code](https://c)]\n", tmp_path)
    assert index.entries[0].title == "The Big Paper"


def test_plain_text_before_labelled_links_is_the_title(tmp_path: Path) -> None:
    index = parse("- Regularized Evolution [[arXiv](https://arxiv.org/abs/1)]\n", tmp_path)
    assert index.entries[0].title == "Regularized Evolution"


def test_an_item_without_links_takes_its_first_line(tmp_path: Path) -> None:
    index = parse("- [ ] Learn linked lists\n  continued here\n", tmp_path)
    assert index.entries[0].title == "Learn linked lists"
    assert index.entries[0].status is Status.TODO


def test_links_in_order_with_reference_links_resolved(tmp_path: Path) -> None:
    index = parse(
        "* [A](./a.md) [[paper][p]] [[code](https://c)]\n\n[p]: https://arxiv.org/abs/1\n",
        tmp_path,
    )
    links = index.entries[0].links
    assert [(link.label, link.url) for link in links] == [
        ("A", "./a.md"),
        ("paper", "https://arxiv.org/abs/1"),
        ("code", "https://c"),
    ]


@pytest.mark.parametrize(
    ("target", "note"),
    [
        ("./papers/LLM/Zephyr.md", "papers/LLM/Zephyr.md"),
        ("papers/x/../Zephyr.md", "papers/Zephyr.md"),
        ("<papers/My Note.md>", "papers/My Note.md"),
        ("papers/My%20Note.md#section", "papers/My Note.md"),
        ("./blogs/ray/", "blogs/ray/"),
    ],
)
def test_note_is_the_first_local_link_normalised_to_the_root(
    tmp_path: Path, target: str, note: str
) -> None:
    index = parse(f"* [T](https://web) [[n]({target})]\n", tmp_path)
    assert index.entries[0].note == note


@pytest.mark.parametrize("target", ["../outside.md", "a/../../b.md", "https://x/y.md", "#anchor"])
def test_urls_anchors_and_escapes_are_not_notes(tmp_path: Path, target: str) -> None:
    index = parse(f"* [T]({target}) [[web](https://web)]\n", tmp_path)
    assert index.entries[0].note is None


def test_a_symlink_out_of_the_root_is_flagged(tmp_path: Path) -> None:
    index = parse("* [T](../x.md)\n", tmp_path)
    assert index.entries[0].escapes_root


# --- status -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "status", "kind"),
    [
        ("* TODO [T](https://t)", Status.TODO, MarkerKind.TODO_WORD),
        ("* TODO: [T](https://t)", Status.TODO, MarkerKind.TODO_WORD),
        ("- [ ] [T](https://t)", Status.TODO, MarkerKind.CHECKBOX),
        ("- [x] [T](https://t)", Status.DONE, MarkerKind.CHECKBOX),
        ("- [X] [T](https://t)", Status.DONE, MarkerKind.CHECKBOX),
        ("* DONE [T](https://t)", Status.DONE, MarkerKind.DONE_WORD),
        ("* [T](https://t)", Status.DONE, MarkerKind.NONE),
        ("* [TODO list app](https://t)", Status.DONE, MarkerKind.NONE),
        ("* `TODO` [T](https://t)", Status.DONE, MarkerKind.NONE),
        ("* TODOS [T](https://t)", Status.DONE, MarkerKind.NONE),
        ("* [T](https://t) TODO later", Status.DONE, MarkerKind.NONE),
    ],
)
def test_status_markers(tmp_path: Path, line: str, status: Status, kind: MarkerKind) -> None:
    entry = parse(line + "\n", tmp_path).entries[0]
    assert (entry.status, entry.local_marker.kind) == (status, kind)


def test_todo_marker_is_not_part_of_the_title(tmp_path: Path) -> None:
    index = parse("* TODO Read the manual\n* TODO: [Ray](./ray/)\n", tmp_path)
    assert titles(index) == ["Read the manual", "Ray"]


# --- odd bytes ----------------------------------------------------------------------------------


def test_bom_crlf_and_missing_final_newline(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf# Notes\r\n\r\n## A\r\n\r\n* TODO [x](./x.md)\r\n* [y](./y.md)"
    index = parse(data, tmp_path)
    assert index.title == "Notes"
    assert [(e.title, e.line, e.status) for e in index.entries] == [
        ("x", 5, Status.TODO),
        ("y", 6, Status.DONE),
    ]


def test_invalid_utf8_is_read_with_a_warning_and_offsets_stay_exact(tmp_path: Path) -> None:
    data = b"## Caf\xe9\n\n* TODO [na\xefve](./n.md)\n* [ok](./ok.md)\n"
    index = parse(data, tmp_path)
    assert index.warnings and "UTF-8" in index.warnings[0]
    entry = index.entries[0]
    marker = index.marker(entry)
    assert data[marker.start : marker.end] == b"TODO "
    assert index.entries[1].title == "ok"


def test_empty_and_entryless_indexes(tmp_path: Path) -> None:
    assert parse(b"", tmp_path).entries == []
    assert parse("# Just a title\n\nSome prose.\n", tmp_path / "b").entries == []


def test_deep_nesting_and_a_very_long_line(tmp_path: Path) -> None:
    deep = "".join("  " * depth + f"- [d{depth}](https://d/{depth})\n" for depth in range(300))
    index = parse(deep + "- [" + "x" * 200_000 + "](https://long)\n", tmp_path)
    assert len(index.entries) >= 2
    assert index.entries[-1].links[0].url == "https://long"


# --- the sample and real-world corpora ----------------------------------------------------------


def test_the_sample_index_matches_the_seed() -> None:
    index = load_index(SAMPLE)
    assert index.title == "Reading Notes"
    assert len(index.entries) == 16
    assert [e.title for e in index.entries if e.status is Status.TODO] == [
        "Textbooks Are All You Need II: phi-1.5 technical report",
        "Transformer Inference Arithmetic",
        "Ray",
    ]
    llm = index.tree.children[0].children[0]
    assert (llm.title, llm.total, llm.todo) == ("Large Language Model", 10, 1)
    zephyr = next(e for e in index.entries if e.title.startswith("Zephyr"))
    assert zephyr.category == ("Paper notes", "Large Language Model", "Knowledge distillation")
    assert zephyr.note == "papers/LLM/distillation/Zephyr.md"
    assert [link.label for link in zephyr.links] == [zephyr.title, "paper", "code"]


@pytest.mark.parametrize("corpus", CORPUS_FILES, ids=lambda p: p.name)
def test_every_corpus_parses_with_sane_entries(tmp_path: Path, corpus: Path) -> None:
    copy = tmp_path / corpus.name
    shutil.copy(corpus, copy)
    index = load_index(copy)
    assert index.entries, "every corpus has entries"
    assert not index.warnings
    lines = index.data.split(b"\n")
    for entry in index.entries:
        assert entry.title.strip()
        source = lines[entry.line - 1].lstrip(b"> \t")  # a list may sit in a quote
        if entry.shape == "row":
            assert b"|" in source, (entry.line, source)
        elif entry.shape == "paragraph":
            assert b"](" in source or b"][" in source, (entry.line, source)
        else:
            assert source[:1] in (b"-", b"*", b"+") or source[:1].isdigit(), (entry.line, source)
        assert not any(link.url.startswith("#") for link in entry.links) or any(
            not link.url.startswith("#") for link in entry.links
        )


def test_awesome_go_skips_its_table_of_contents() -> None:
    index = load_index(CORPORA / "avelino__awesome-go__README.md")
    assert 2900 <= len(index.entries) <= 3100
    assert all(not e.links or not e.links[0].url.startswith("#") for e in index.entries)


def test_coding_interview_university_checkboxes() -> None:
    index = load_index(CORPORA / "jwasham__coding-interview-university__README.md")
    boxes = [e for e in index.entries if e.local_marker.kind is MarkerKind.CHECKBOX]
    assert len(boxes) == 463
    assert all(e.status is Status.TODO for e in boxes)
    assert index.title == "Coding Interview University"


def test_papernotes_plain_titles_and_local_notes() -> None:
    index = load_index(CORPORA / "dennybritz__deeplearning-papernotes__README.md")
    first = index.entries[0]
    assert first.title == "The Matrix Calculus You Need For Deep Learning"
    assert first.links[0].label == "arXiv"
    with_notes = [e for e in index.entries if e.note]
    assert len(with_notes) >= 90
    in_notes_folder = [e for e in with_notes if e.note and e.note.startswith("notes/")]
    assert len(in_notes_folder) >= len(with_notes) - 5


def test_crlf_corpus_lines() -> None:
    index = load_index(CORPORA / "Hannibal046__Awesome-LLM__paper_list_prompt_learning.md")
    assert [e.line for e in index.entries] == [7, 11]
    assert index.entries[0].category == ("Papers", "2020")


def test_parse_index_never_raises_on_garbage(tmp_path: Path) -> None:
    garbage = bytes(range(256)) * 50
    index = parse_index(garbage, tmp_path / "README.md")
    assert index.warnings


def test_an_item_holding_only_a_heading_is_a_category_not_an_entry(tmp_path: Path) -> None:
    index = parse("- ### Hash table\n    - [ ] Videos:\n", tmp_path)
    assert titles(index) == ["Videos:"]
    assert index.entries[0].category == ("Hash table",)


def test_an_items_description_is_kept_for_the_preview(tmp_path: Path) -> None:
    index = parse(
        "- [Ergo](https://e) - An actor-based framework.\n"
        "- TODO Some Paper [[arXiv](https://a)] [[code](https://c)]\n",
        tmp_path,
    )
    ergo, paper = index.entries
    assert ergo.description == "An actor-based framework."
    assert paper.text == "Some Paper [arXiv] [code]"
    assert paper.description == ""  # only the links' labels: nothing to add


def test_a_tab_indented_item_is_on_its_own_line(tmp_path: Path) -> None:
    index = parse(
        "- [Parent](https://p)\n\t- [Tabbed](https://t)\n\t- [Next](https://n)\n", tmp_path
    )
    assert [(e.title, e.line) for e in index.entries] == [
        ("Parent", 1),
        ("Tabbed", 2),
        ("Next", 3),
    ]
