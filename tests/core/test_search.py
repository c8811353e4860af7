"""Searching every note: what is found, where, and what is never read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.model import Index
from app.core.parse import load_index
from app.core.search import MAX_NOTE_BYTES, Hit, match_spans, search_notes
from tests.conftest import write_index

INDEX = """\
# Reading

## Papers

* [Alpha](./alpha.md)
* [Beta](./beta.md)
* [Alpha again](./alpha.md)
* [Gamma](./gamma/)

## Broken

* [Missing](./missing.md)
* [Binary](./binary.md)
* [Huge](./huge.md)
* [Outside](./outside.md)
"""

ALPHA = """\
---
title: Alpha
tags: [apple, pear]
---

# Alpha

Nothing on this line.
An APPLE a day; another apple.
"""


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.fixture
def index(tmp_path: Path) -> Index:
    root = tmp_path / "notes"
    write_index(root, INDEX)
    write(root, "alpha.md", ALPHA)
    write(root, "beta.md", "# Beta\n\nA pineapple, and \x1b]52;c;evil\x07 apple.\n")
    write(root, "gamma/README.md", "# Gamma\n\nNo fruit.\n")
    write(root, "gamma/part.md", "# Part\n\nApple pie.\n")
    write(root, "binary.md", b"apple\x00\x01\x02" * 10)
    write(root, "huge.md", b"apple\n" + b"x" * (MAX_NOTE_BYTES + 10))
    secret = tmp_path / "secret.md"
    secret.write_text("apple secret\n")
    os.symlink(secret, root / "outside.md")
    return load_index(root)


def found(index: Index, text: str) -> list[tuple[str, int]]:
    return [(hit.note, hit.line) for hit in search_notes(index, text)]


def matched(hit: Hit) -> str:
    return hit.text[hit.start : hit.end]


def test_hits_in_frontmatter_and_body_in_index_order_with_file_line_numbers(index: Index) -> None:
    assert found(index, "apple") == [
        ("alpha.md", 3),
        ("alpha.md", 9),
        ("beta.md", 3),
        ("gamma/part.md", 3),
    ]
    hits = list(search_notes(index, "apple"))
    assert [hit.frontmatter for hit in hits] == [True, False, False, False]
    assert [matched(hit) for hit in hits] == ["apple", "APPLE", "apple", "Apple"]


def test_a_hit_names_its_entry_title_and_category(index: Index) -> None:
    first = next(search_notes(index, "pear"))
    assert first.title == "Alpha" and first.category == ("Papers",)
    assert first.key == next(e.key for e in index.entries if e.title == "Alpha")


def test_a_note_listed_twice_is_searched_once(index: Index) -> None:
    assert found(index, "nothing on this") == [("alpha.md", 8)]


def test_folder_notes_search_their_readme_under_the_entry_and_other_files_apart(
    index: Index,
) -> None:
    readme = next(search_notes(index, "no fruit"))
    assert readme.note == "gamma/README.md" and readme.title == "Gamma" and readme.key is not None
    part = next(search_notes(index, "pie"))
    assert part.note == "gamma/part.md" and part.key is None
    assert part.title == "Gamma › part.md"


def test_a_file_of_a_folder_note_whose_name_is_not_utf8_is_titled_as_a_person_reads_it(
    tmp_path: Path,
) -> None:
    root = tmp_path / "notes"
    write_index(root, "# R\n\n* [Gamma](./gamma/)\n")
    write(root, "gamma/README.md", "# Gamma\n")
    (root / "gamma" / os.fsdecode(b"bad\xff.md")).write_text("Apple pie.\n")
    [hit] = search_notes(load_index(root), "pie")
    assert hit.title == "Gamma › bad\\xff.md"
    assert not any("\ud800" <= char <= "\udfff" for char in hit.title)


def test_case_insensitive_for_ascii_and_other_letters(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    write_index(root, "# R\n\n* [Ü](./u.md)\n")
    write(root, "u.md", "Über STRASSE\nüber straße\n")
    index = load_index(root)
    assert found(index, "ÜBER") == [("u.md", 1), ("u.md", 2)]
    assert [matched(hit) for hit in search_notes(index, "straße")] == ["STRASSE", "straße"]
    assert found(index, "strasse") == [("u.md", 1)]  # an ASCII query folds ASCII letters only


def test_the_match_span_and_ordinal_count_every_match_before(index: Index) -> None:
    hits = list(search_notes(index, "apple"))
    body = hits[1]
    assert body.text == "An APPLE a day; another apple."
    assert (body.start, body.end) == (3, 8)
    assert body.ordinal == 0  # the body counts apart from the frontmatter
    beta = hits[2]
    assert beta.text.startswith("A pineapple") and matched(beta) == "apple"


def test_controls_are_made_inert_and_the_span_still_points_at_the_match(index: Index) -> None:
    hits = [hit for hit in search_notes(index, "evil") if hit.note == "beta.md"]
    assert len(hits) == 1
    assert "\x1b" not in hits[0].text and "\x07" not in hits[0].text
    assert matched(hits[0]) == "evil"


def test_long_lines_are_trimmed_around_the_match(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    write_index(root, "# R\n\n* [Long](./long.md)\n")
    write(root, "long.md", "x" * 500 + " needle " + "y" * 500 + "\n")
    hit = next(search_notes(load_index(root), "needle"))
    assert len(hit.text) <= 125 and hit.text.startswith("…") and hit.text.endswith("…")
    assert matched(hit) == "needle"


def test_missing_binary_huge_and_outside_files_are_skipped(index: Index) -> None:
    notes = {note for note, _ in found(index, "apple")}
    assert notes.isdisjoint({"missing.md", "binary.md", "huge.md", "outside.md"})
    assert found(index, "secret") == []


def test_a_symlink_out_of_the_root_is_never_opened(
    index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    real_open = os.open

    def spy(path: str, *args: int) -> int:
        opened.append(str(path))
        return real_open(path, *args)

    monkeypatch.setattr(os, "open", spy)
    list(search_notes(index, "apple"))
    assert opened and not any(path.endswith("secret.md") for path in opened)


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    write_index(root, "# R\n\n* [Pipe](./pipe.md)\n* [Ok](./ok.md)\n")
    os.mkfifo(root / "pipe.md")
    write(root, "ok.md", "apple\n")
    assert found(load_index(root), "apple") == [("ok.md", 1)]


def test_cancelling_stops_the_search(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    items = "".join(f"* [N{n}](./n{n}.md)\n" for n in range(50))
    write_index(root, "# R\n\n" + items)
    for n in range(50):
        write(root, f"n{n}.md", "apple\n")
    index = load_index(root)
    hits: list[Hit] = []
    for hit in search_notes(index, "apple", cancelled=lambda: len(hits) >= 3):
        hits.append(hit)
    assert len(hits) == 3
    assert list(search_notes(index, "apple", cancelled=lambda: True)) == []


def test_an_empty_query_finds_nothing(index: Index) -> None:
    assert found(index, "") == [] and found(index, "   ") == []


def test_a_phrase_matches_as_a_whole_spaces_included(index: Index) -> None:
    assert found(index, "a day; another") == [("alpha.md", 9)]
    assert found(index, "day apple") == []


def test_crlf_and_bom_do_not_leak_into_the_text(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    write_index(root, "# R\n\n* [W](./w.md)\n")
    write(root, "w.md", b"\xef\xbb\xbfapple one\r\nsecond apple\r\n")
    hits = list(search_notes(load_index(root), "apple"))
    assert [(hit.line, hit.text) for hit in hits] == [(1, "apple one"), (2, "second apple")]
    assert [matched(hit) for hit in hits] == ["apple", "apple"]


@pytest.mark.parametrize(
    ("text", "query", "spans"),
    [
        ("Apple apple", "apple", [(0, 5), (6, 11)]),
        ("Straße", "SS", [(4, 5)]),  # ß folds to "ss": the span covers the one letter
        ("aaa", "aa", [(0, 2)]),
        ("abc", "", []),
    ],
)
def test_match_spans(text: str, query: str, spans: list[tuple[int, int]]) -> None:
    assert match_spans(text, query) == spans
