"""Table rows and link paragraphs as entries, marks inside a cell, rows added in a table's shape,
and links to the index's own headings as navigation: on fixtures shaped like public indexes."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.add import add_entry
from app.core.edit import mark
from app.core.errors import EditError, ReadnotesError
from app.core.model import Entry, Index, MarkerKind, Status
from app.core.parse import load_index
from tests.conftest import CORPORA, write_index

SHAPES = Path(__file__).resolve().parents[1] / "shapes"


def copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / "README.md"
    shutil.copy(SHAPES / name, target)
    target.chmod(0o644)
    return target


def by_title(index: Index, title: str) -> Entry:
    return next(entry for entry in index.entries if entry.title == title)


def line_of(path: Path, number: int) -> bytes:
    return path.read_bytes().split(b"\n")[number - 1]


def test_a_course_table_with_a_status_column() -> None:
    index = load_index(SHAPES / "courses.md")
    rows = [(e.title, e.category, e.status, e.note, e.shape) for e in index.entries]
    assert rows == [
        ("Intro to CS", ("Core",), Status.DONE, "courses/intro.md", "row"),
        ("Systematic Program Design", ("Core",), Status.TODO, "courses/spd.md", "row"),
        ("Algorithms, Part 1", ("Core",), Status.TODO, None, "row"),  # a blank status: TODO
        ("Operating Systems", ("Core",), Status.DONE, "courses/ostep.md", "row"),
        ("Compilers", ("Extra",), Status.TODO, None, "row"),  # "Read: no", no leading pipes
        ("Databases", ("Extra",), Status.DONE, None, "row"),
    ]
    assert [e.line for e in index.entries] == [9, 10, 11, 12, 18, 19]
    assert index.tree.todo == 3


def test_a_digest_table_titles_links_and_statuses() -> None:
    index = load_index(SHAPES / "digest.md")
    titles = [e.title for e in index.entries]
    # The navigation bullets (#x, ./#x, README.md#x) and the table without links are not entries.
    assert titles == [
        "Attention Is All You Need",  # text up to two spaces, "1)" stripped
        "BERT",  # the first cell's bold text
        "Scaling Laws for Neural Language Models",  # up to the sentence break, TODO removed
        "Denoising Diffusion",  # up to <br>
        "Chinchilla",  # up to " - ", the task box removed
        "Deep Residual Learning",
    ]
    attention = index.entries[0]
    assert [link.label for link in attention.links] == ["Paper", "Tweet"]
    assert "The Transformer, attention only" in attention.text
    # The description is what the row says beside its title: not the cells of links alone.
    assert [e.description for e in index.entries] == [
        "The Transformer, attention only, no recurrence.",
        "pre-training of deep bidirectional transformers",
        "We study empirical scaling laws.",
        "Probabilistic Models",
        "compute-optimal training",
        "",
    ]
    assert by_title(index, "Denoising Diffusion").note == "notes/ddpm.md"
    statuses = [e.status for e in index.entries]
    assert statuses == [
        Status.DONE,
        Status.DONE,
        Status.TODO,
        Status.DONE,
        Status.TODO,
        Status.DONE,
    ]
    assert by_title(index, "Deep Residual Learning").local_marker.kind is MarkerKind.DONE_SIGN


def test_link_paragraphs_are_entries_and_prose_is_not() -> None:
    index = load_index(SHAPES / "paragraphs.md")
    rows = [(e.title, e.status, e.note, e.shape) for e in index.entries]
    assert rows == [
        ("Computer vision", Status.DONE, "cv/index.md", "paragraph"),
        ("Natural language", Status.DONE, "nlp/index.md", "paragraph"),  # a year beside it
        ("Reinforcement learning", Status.TODO, "rl/index.md", "paragraph"),
        ("Graphs", Status.TODO, "graphs.md", "paragraph"),
    ]
    # Not entries: a sentence with a link, a badge, a "back to top" link, prose between links.


def test_a_long_first_cell_is_cut_at_a_word_and_the_rest_is_the_description(
    tmp_path: Path,
) -> None:
    words = " ".join(f"word{n}" for n in range(60))
    path = write_index(tmp_path, f"| Paper | Link |\n|---|---|\n| {words} | [p](https://p) |\n")
    entry = load_index(path).entries[0]
    assert entry.title.endswith("…") and len(entry.title) <= 151
    assert " ".join(entry.title[:-1].split()) in words
    assert "word59" in entry.text and "word59" not in entry.title


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("todo", Status.TODO),
        ("Unread", Status.TODO),
        ("no", Status.TODO),
        ("", Status.TODO),
        ("DONE", Status.DONE),
        ("read", Status.DONE),
        ("Yes", Status.DONE),
        ("✅", Status.DONE),
        ("[x]", Status.DONE),
        ("[ ]", Status.TODO),
    ],
)
def test_status_column_values(tmp_path: Path, value: str, status: Status) -> None:
    path = write_index(tmp_path, f"| Done | Paper |\n|---|---|\n| {value} | [P](https://p) |\n")
    assert [e.status for e in load_index(path).entries] == [status]


@pytest.mark.parametrize(
    "link",
    ["#top", "./#top", "README.md#top", "readme.md#top", "index.md#top", "./README.md#top"],
)
def test_links_to_the_index_s_own_headings_make_no_entry(tmp_path: Path, link: str) -> None:
    text = (
        f"# Top\n\n- [Top]({link})\n\n[Top]({link})\n\n"
        f"| a | b |\n|---|---|\n| [Top]({link}) | x |\n\n- [Real](real.md#part)\n"
    )
    path = write_index(tmp_path, text)
    assert [(e.title, e.note) for e in load_index(path).entries] == [("Real", "real.md")]


# Marks: (fixture, title, wanted status, the row's line before, after).
MARKS = [
    (
        "courses.md",
        "Intro to CS",
        Status.TODO,
        b"| [Intro to CS](courses/intro.md)          |    14 |  done  |",
        b"| [Intro to CS](courses/intro.md)          |    14 |  todo  |",
    ),
    (
        "courses.md",
        "Systematic Program Design",
        Status.DONE,
        b"| [Systematic Program Design](courses/spd.md) | 13 | todo |",
        b"| [Systematic Program Design](courses/spd.md) | 13 | done |",
    ),
    (
        "courses.md",
        "Compilers",
        Status.DONE,
        b"[Compilers](https://cc.example/) | no",
        b"[Compilers](https://cc.example/) | yes",
    ),
    (
        "digest.md",
        "Scaling Laws for Neural Language Models",
        Status.DONE,
        b"| TODO 3) Scaling Laws for Neural Language Models. We study empirical scaling laws. |"
        b" [Paper](https://arxiv.org/abs/2001.08361) |",
        b"| 3) Scaling Laws for Neural Language Models. We study empirical scaling laws. |"
        b" [Paper](https://arxiv.org/abs/2001.08361) |",
    ),
    (
        "digest.md",
        "BERT",
        Status.TODO,
        b"| 2) **BERT** pre-training of deep bidirectional transformers |"
        b" [Paper](https://arxiv.org/abs/1810.04805) |",
        b"| TODO 2) **BERT** pre-training of deep bidirectional transformers |"
        b" [Paper](https://arxiv.org/abs/1810.04805) |",
    ),
    (
        "digest.md",
        "Chinchilla",
        Status.DONE,
        b"[ ] 5) Chinchilla - compute-optimal training | [Paper](https://arxiv.org/abs/2203.15556)",
        b"[x] 5) Chinchilla - compute-optimal training | [Paper](https://arxiv.org/abs/2203.15556)",
    ),
    (
        "paragraphs.md",
        "Computer vision",
        Status.TODO,
        b"[Computer vision](cv/index.md)",
        b"TODO [Computer vision](cv/index.md)",
    ),
    (
        "paragraphs.md",
        "Graphs",
        Status.DONE,
        b"[ ] [Graphs](graphs.md)",
        b"[x] [Graphs](graphs.md)",
    ),
    (
        "paragraphs.md",
        "Reinforcement learning",
        Status.DONE,
        b"TODO [Reinforcement learning](rl/index.md) \xe2\x80\x94 [code](https://github.com/x/rl)",
        b"[Reinforcement learning](rl/index.md) \xe2\x80\x94 [code](https://github.com/x/rl)",
    ),
]


@pytest.mark.parametrize(("name", "title", "status", "before", "after"), MARKS)
def test_a_mark_rewrites_just_the_marker_in_its_cell_and_round_trips(
    tmp_path: Path, name: str, title: str, status: Status, before: bytes, after: bytes
) -> None:
    path = copy(tmp_path, name)
    original = path.read_bytes()
    entry = by_title(load_index(path), title)
    assert line_of(path, entry.line) == before
    result = mark(path, entry.key, status)
    assert result.changed and result.entry.status is status
    new = path.read_bytes()
    assert line_of(path, entry.line) == after
    assert [a for a, b in zip(original.split(b"\n"), new.split(b"\n"), strict=True) if a != b] == [
        before
    ]
    back = Status.DONE if status is Status.TODO else Status.TODO
    mark(path, result.entry.key, back)
    assert path.read_bytes() == original


ALIGNED = (
    b"## Reading\n\n"
    b"| Name                 | Link                 |\n"
    b"|----------------------|----------------------|\n"
    b"| Alpha                | [a](https://a.org)   |\n"
    b"| Beta                 | [b](https://b.org)   |\n"
)


def test_in_an_aligned_table_the_padding_takes_up_the_marker(tmp_path: Path) -> None:
    path = write_index(tmp_path, ALIGNED)
    key = by_title(load_index(path), "Alpha").key
    result = mark(path, key, Status.TODO)  # no status convention: "TODO " before the text
    assert line_of(path, 5) == b"| TODO Alpha           | [a](https://a.org)   |"
    mark(path, result.entry.key, Status.DONE)
    assert path.read_bytes() == ALIGNED


def test_a_status_cell_takes_the_table_s_own_word_and_keeps_the_width(tmp_path: Path) -> None:
    path = copy(tmp_path, "courses.md")
    key = by_title(load_index(path), "Operating Systems").key
    mark(path, key, Status.TODO)  # "Done" and "todo" in the table: "Todo", in the cell's case
    assert line_of(path, 12) == b"| [Operating Systems](courses/ostep.md)    |    10 |  Todo  |"
    key = by_title(load_index(path), "Algorithms, Part 1").key
    mark(path, key, Status.DONE)  # a blank: the word of the table's nearest done row
    # This row is not aligned with the others: the cell simply grows.
    assert (
        line_of(path, 11) == b"| [Algorithms, Part 1](https://algs.example/1) |  6 | done       |"
    )


def test_a_done_sign_becomes_a_todo_word(tmp_path: Path) -> None:
    path = copy(tmp_path, "digest.md")
    key = by_title(load_index(path), "Deep Residual Learning").key
    result = mark(path, key, Status.TODO)
    assert line_of(path, result.entry.line).startswith(b"TODO 6) Deep Residual Learning |")
    assert result.entry.status is Status.TODO


def test_a_mark_that_would_change_how_the_table_reads_is_refused(tmp_path: Path) -> None:
    original = b"| a | b |\n|---|---|\n|  | [x](https://x) |\n"
    path = write_index(tmp_path, original)
    entry = load_index(path).entries[0]
    with pytest.raises(EditError, match="table"):
        mark(path, entry.key, Status.TODO)
    assert path.read_bytes() == original


def added_line(before: bytes, after: bytes) -> bytes:
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(new) == len(old) + 1
    extra = [line for line in new if line not in old]
    assert len(extra) == 1
    rest = list(new)
    rest.remove(extra[0])
    assert rest == old  # nothing else changed
    return extra[0]


@pytest.mark.parametrize(
    ("name", "category", "title", "urls", "todo", "line"),
    [
        (
            "courses.md",
            ("Core",),
            "Networks",
            ["https://net.example"],
            True,
            b"| [Networks](https://net.example)          |       |  todo  |",
        ),
        (
            "courses.md",
            ("Extra",),
            "Graphics",
            ["https://gfx.example"],
            False,
            b"[Graphics](https://gfx.example) | yes",
        ),
        (
            "digest.md",
            ("Week 2",),
            "Language Models are Few-Shot Learners",
            ["https://arxiv.org/abs/2005.14165", "https://x.com/b/2"],
            True,
            b"| TODO 5) Language Models are Few-Shot Learners |"
            b" [Paper](https://arxiv.org/abs/2005.14165), [Link](https://x.com/b/2) |",
        ),
    ],
)
def test_add_appends_a_row_in_the_table_s_shape(
    tmp_path: Path,
    name: str,
    category: tuple[str, ...],
    title: str,
    urls: list[str],
    todo: bool,
    line: bytes,
) -> None:
    path = copy(tmp_path, name)
    before = path.read_bytes()
    add_entry(path, title=title, category=category, urls=urls, todo=todo, note=None)
    assert added_line(before, path.read_bytes()) == line
    entry = by_title(load_index(path), title)
    assert (entry.shape, entry.category) == ("row", category)
    assert entry.status is (Status.TODO if todo else Status.DONE)


HOSTILE = [
    b"| a | b |\n|---|---|\n| [x](https://x) | 1 | extra | cells |\n| [y](y.md) |\n",  # ragged
    b"| a | b |\n|---|---|\n| `x|y` [z](z.md) | w |\n",  # a pipe inside a code span
    b"| a | b |\n|---|---|\n| x \\| [z](z.md) | w |\n",  # an escaped pipe
    b"- item\n\n  | a | b |\n  |---|---|\n  | [z](z.md) | w |\n",  # a table inside a list item
    b"| a | b |\n|---|---|\n",  # a header alone
    b"| [a](a.md) | b |\n|---|\n| [c](c.md) | d |\n",  # a delimiter row that does not fit
    b"|\n|-|\n|[x](x.md)|\n",
    b"| TODO | [x](x.md) |\n|---|---|\n| TODO | [ ] |\n",
]


@pytest.mark.parametrize("data", HOSTILE)
def test_hostile_tables_give_sensible_entries_or_none(tmp_path: Path, data: bytes) -> None:
    path = write_index(tmp_path, data)
    index = load_index(path)
    for entry in index.entries:
        assert entry.title.strip()
        for status in (Status.TODO, Status.DONE):
            current = load_index(path).find(entry.key)
            if current is None:
                break
            with contextlib.suppress(ReadnotesError):  # a clear refusal is fine, not a traceback
                mark(path, current.key, status)


def test_a_table_inside_a_list_item_belongs_to_the_item(tmp_path: Path) -> None:
    path = write_index(tmp_path, HOSTILE[3])
    assert [(e.title, e.shape) for e in load_index(path).entries] == [("item", "item")]


_CELL = st.text(alphabet="ab |`\\[]()x✅TODO*-.", max_size=12)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELL, min_size=1, max_size=4), min_size=1, max_size=4))
def test_any_table_parses_and_marks_without_a_traceback(
    tmp_path: Path, rows: list[list[str]]
) -> None:
    body = "".join("| [l](l.md) " + " | ".join(cells) + " |\n" for cells in rows)
    original = ("| a | Status |\n|---|---|\n" + body).encode()
    path = write_index(tmp_path, original)
    for entry in load_index(path).entries:
        assert entry.shape == "row"
        with contextlib.suppress(ReadnotesError):
            mark(path, entry.key, Status.DONE if entry.status is Status.TODO else Status.TODO)
        after = path.read_bytes().split(b"\n")
        before = original.split(b"\n")
        assert len(after) == len(before)  # only the marked row's line may change
        assert [n for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] in (
            [],
            [entry.line - 1],
        )
        write_index(tmp_path, original)


def test_the_ossu_curriculum_lists_its_course_rows() -> None:
    index = load_index(CORPORA / "ossu__computer-science__README.md")
    rows = [e for e in index.entries if e.shape == "row"]
    assert 60 <= len(rows) <= 70
    first = by_title(index, "Introduction to Computer Science and Programming using Python")
    assert first.shape == "row" and first.note == "coursepages/intro-cs/README.md"
    assert [link.label for link in first.links] == [
        "Introduction to Computer Science and Programming using Python",
        "high school algebra",
        "chat",
    ]
    assert all(e.status is Status.DONE for e in rows)  # no marker: done, as in a list


def test_add_after_link_paragraphs_writes_a_link_paragraph(tmp_path: Path) -> None:
    path = copy(tmp_path, "paragraphs.md")
    before = path.read_bytes()
    urls = ["https://r.example", "https://github.com/x/r"]
    add_entry(path, title="Robotics", category=None, urls=urls, todo=True, note=None)
    after = path.read_bytes()
    assert after == before.replace(
        b"[ ] [Graphs](graphs.md)\n",
        b"[ ] [Graphs](graphs.md)\n\n[ ] [Robotics](https://r.example) [code](https://github.com/x/r)\n",
    )
    entry = by_title(load_index(path), "Robotics")
    assert (entry.shape, entry.status) == ("paragraph", Status.TODO)


def test_a_first_cell_that_is_a_date_gives_way_to_the_row_s_paper() -> None:
    index = load_index(CORPORA / "Hannibal046__Awesome-LLM__README.md")
    milestones = [e for e in index.entries if e.category[-1:] == ("Milestone Papers",)]
    assert 55 <= len(milestones) <= 65 and all(e.shape == "row" for e in milestones)
    assert milestones[0].title == "Attention Is All You Need"  # its first cell reads "2017-06"
    assert all(any(char.isalpha() for char in e.title) for e in milestones)


def test_a_todo_word_after_a_row_s_numbering_marks_it_and_round_trips(tmp_path: Path) -> None:
    """``| 1) TODO Title - summary | [Paper](…) |``: a digest that numbers its rows and writes
    TODO after the number. The title leaves both out; done and todo rewrite only that word."""
    text = (
        "# Digest\n\n## Week 1\n\n| Paper | Links |\n| --- | --- |\n"
        "| 1) TODO Mobile ALOHA - bimanual manipulation. "
        "| [Paper](https://arxiv.org/abs/2401.02117) |\n"
        "| 2) **InseRF** - object insertion. | [Paper](https://arxiv.org/abs/2401.05335) |\n"
    )
    path = write_index(tmp_path, text)
    aloha = by_title(load_index(path), "Mobile ALOHA")
    assert aloha.status is Status.TODO and aloha.shape == "row"
    assert by_title(load_index(path), "InseRF").status is Status.DONE
    mark(path, aloha.key, Status.DONE)
    assert line_of(path, 7) == (
        b"| 1) Mobile ALOHA - bimanual manipulation. | [Paper](https://arxiv.org/abs/2401.02117) |"
    )
    assert by_title(load_index(path), "Mobile ALOHA").status is Status.DONE


def test_add_without_a_link_after_link_paragraphs_says_what_it_needs(tmp_path: Path) -> None:
    path = copy(tmp_path, "paragraphs.md")
    before = path.read_bytes()
    with pytest.raises(EditError) as raised:
        add_entry(path, title="Robotics", category=None, urls=[], todo=True, note=None)
    assert str(raised.value) == (
        "The entries of the index are paragraphs of links: give the entry a URL or a note;"
        " nothing was written"
    )
    assert path.read_bytes() == before


def test_a_new_note_beside_summary_folders_gets_a_folder_of_its_own(tmp_path: Path) -> None:
    from app.core.add.note import NoteChoice

    folder = tmp_path / "gan"
    path = write_index(
        folder,
        "# GANs\n\n[CycleGAN](cycle_gan/summary.md)\n\n[StyleGAN](style_gan/summary.md) (2019)\n",
    )
    result = add_entry(
        path, title="Big GAN: scaling", category=None, urls=[], todo=True, note=NoteChoice.NEW
    )
    assert result.note_path_created == folder / "big_gan/summary.md"
    assert path.read_bytes().endswith(b"(2019)\n\nTODO [Big GAN: scaling](big_gan/summary.md)\n")


def test_two_rows_of_the_same_length_by_chance_are_no_aligned_table(tmp_path: Path) -> None:
    # A digest whose last two rows happen to line up: the new row is not padded to them.
    path = write_index(
        tmp_path,
        "| Paper | Links |\n|---|---|\n"
        "| 1) **Longer title here** - a summary | [Paper](https://p/1) |\n"
        "| 2) **Other title there** - a summary | [Paper](https://p/2) |\n",
    )
    before = path.read_bytes()
    add_entry(path, title="New", category=None, urls=["https://p/3"], todo=False, note=None)
    assert added_line(before, path.read_bytes()) == b"| 3) New | [Link](https://p/3) |"
