"""Answers from arXiv and Crossref, good and bad, as the parsers read them."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from paper_server import ARXIV_ERROR, QUOKKA, atom_entry, atom_feed, crossref_work

from app.core.capture import note_with_metadata
from app.core.metadata import MetadataError, PaperMeta, parse_arxiv_atom, parse_crossref
from app.core.paper_ids import IdKind, PaperId

QUOKKA_ID = PaperId(IdKind.ARXIV, "2306.02707")
WOMBAT_ID = PaperId(IdKind.DOI, "10.1145/3600006.3613165")


def test_an_arxiv_entry_with_a_title_broken_across_lines() -> None:
    meta = parse_arxiv_atom(QUOKKA, QUOKKA_ID)
    assert meta.title == "Quokka: Progressive Hopping from Complex Explanation Traces"
    assert meta.authors == ("Ada Quokkason", "Bo Tester", "Céline Exemple")
    assert meta.year == 2023 and meta.arxiv == "2306.02707" and meta.doi is None
    assert meta.abstract == "We teach a small model to hop, with $x^2 < y$ kept, across two lines."
    assert meta.kind == "misc"


def test_an_arxiv_entry_published_in_a_journal_keeps_its_doi_and_venue() -> None:
    feed = atom_feed(
        atom_entry(
            "2001.00001",
            "A &amp; B",
            ["One Author"],
            doi="10.1000/j.1",
            journal="J. Imag. 3 (2020)",
        )
    )
    meta = parse_arxiv_atom(feed, PaperId(IdKind.ARXIV, "2001.00001"))
    assert (meta.title, meta.doi, meta.venue, meta.kind) == (
        "A & B",
        "10.1000/j.1",
        "J. Imag. 3 (2020)",
        "article",
    )


def test_arxiv_text_is_plain_so_angle_brackets_stay() -> None:
    title = "When x&lt;y and y&gt;z: a &lt;b&gt;bold&lt;/b&gt; claim &amp; more"
    feed = atom_feed(atom_entry("2001.00002", title, ["A"], summary="$a&lt;b$ and c&gt;d"))
    meta = parse_arxiv_atom(feed, PaperId(IdKind.ARXIV, "2001.00002"))
    assert meta.title == "When x<y and y>z: a <b>bold</b> claim & more"
    assert meta.abstract == "$a<b$ and c>d"


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (ARXIV_ERROR, "arXiv:2306.02707: arXiv answered with an error: incorrect id format"),
        (atom_feed(), "arXiv:2306.02707: arXiv does not know this id"),
        (b"<feed", "arXiv:2306.02707: arXiv's answer is not valid XML"),
        (b"{}", "arXiv:2306.02707: arXiv's answer is not valid XML"),
        (b"<html><body>busy</body></html>", "arXiv:2306.02707: arXiv's answer is not an Atom"),
        (
            atom_feed(atom_entry("2306.02707", "  ", ["A"])),
            "arXiv:2306.02707: arXiv's answer has no title",
        ),
    ],
)
def test_bad_arxiv_answers_are_one_line_naming_the_id(answer: bytes, said: str) -> None:
    with pytest.raises(MetadataError) as caught:
        parse_arxiv_atom(answer, QUOKKA_ID)
    assert str(caught.value).startswith(said) and "\n" not in str(caught.value)


def test_an_entity_bomb_is_refused_at_once() -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE feed [\n<!ENTITY a "aaaaaaaaaa">\n'
        + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n'.encode()
            for i in range(8)
        )
        + b']>\n<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&i;</title></entry></feed>'
    )
    with pytest.raises(MetadataError, match="declares XML entities; refused"):
        parse_arxiv_atom(bomb, QUOKKA_ID)


def test_a_crossref_work_with_jats_abstract_and_math() -> None:
    meta = parse_crossref(crossref_work(WOMBAT_ID.value), WOMBAT_ID)
    assert meta.title == "Wombat: Burrowing Memory for Operating Systems"
    assert meta.authors == ("Dana Wombatson", "Eli van der Burrow")
    assert meta.year == 2023 and meta.doi == WOMBAT_ID.value
    assert meta.venue == "Proceedings of the Imaginary Symposium on Systems"
    assert meta.kind == "inproceedings"
    assert meta.abstract == "Burrows hold state with $O(\\log n)$ cost & more."
    assert meta.extra == {"pages": "100-115", "publisher": "Imaginary Press"}


def test_crossref_mathml_keeps_its_alttext_and_paragraphs_stay_apart() -> None:
    abstract = (
        "<jats:p>First <mml:math alttext='a+b'><mml:mi>a</mml:mi></mml:math> part.</jats:p>"
        "<jats:p>Second &lt;b&gt; part.</jats:p>"
    )
    work = crossref_work("10.1000/m", abstract=abstract, author=[{"name": "A Consortium"}])
    meta = parse_crossref(work, PaperId(IdKind.DOI, "10.1000/m"))
    assert meta.abstract == "First $a+b$ part.\n\nSecond <b> part."
    assert meta.authors == ("A Consortium",)


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (b'{"message": ', "is not valid JSON"),
        (b"[1, 2]", "holds no work"),
        (json.dumps({"message": "nope"}).encode(), "holds no work"),
        (crossref_work("10.1000/x", title=[], subtitle=None), "has no title"),
        (b"[" * 100_000, "is not valid JSON"),
    ],
)
def test_bad_crossref_answers_are_one_line_naming_the_id(answer: bytes, said: str) -> None:
    with pytest.raises(MetadataError) as caught:
        parse_crossref(answer, PaperId(IdKind.DOI, "10.1000/x"))
    assert str(caught.value) == f"doi:10.1000/x: Crossref's answer {said}"


def test_odd_crossref_fields_are_left_out_not_trusted() -> None:
    work = crossref_work(
        "10.1000/x", author="nobody", issued={"date-parts": [["2023"]]}, type=7, page=None
    )
    meta = parse_crossref(work, PaperId(IdKind.DOI, "10.1000/x"))
    assert (meta.authors, meta.year, meta.kind) == ((), None, "misc")
    assert "pages" not in meta.extra


def test_the_note_gets_the_frontmatter_before_tags_and_the_abstract_last() -> None:
    template = "---\r\ntitle: Q\r\npaper: https://arxiv.org/abs/1\r\ntags: []\r\n---\r\n\r\n# Q\r\n"
    meta = PaperMeta(
        title="Q",
        authors=("Ada: Colon", "Bo"),
        year=2023,
        arxiv="2306.02707",
        doi="10.1/x",
        venue="Conf '23",
        abstract="One.\n\nTwo.",
    )
    assert note_with_metadata(template, meta) == (
        "---\r\ntitle: Q\r\npaper: https://arxiv.org/abs/1\r\n"
        "authors:\r\n- 'Ada: Colon'\r\n- Bo\r\nyear: 2023\r\narxiv: '2306.02707'\r\n"
        "doi: 10.1/x\r\nvenue: Conf '23\r\ntags: []\r\n---\r\n\r\n# Q\r\n"
        "\r\n## Abstract\r\n\r\nOne.\r\n\r\nTwo.\r\n"
    )


names = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), min_size=1)


@given(st.lists(names, max_size=4), st.one_of(st.none(), names), st.integers(1000, 2999))
def test_any_metadata_reads_back_from_the_note_as_written(
    authors: list[str], venue: str | None, year: int
) -> None:
    template = "---\ntitle: T\ntags: []\nstatus: todo\n---\n\n# T\n"
    meta = PaperMeta(title="T", authors=tuple(authors), year=year, venue=venue, arxiv="2306.10010")
    text = note_with_metadata(template, meta)
    head, body = text.split("\n---\n", 1)
    fields = yaml.safe_load(head.removeprefix("---\n"))
    assert fields.get("authors", []) == authors
    assert fields.get("venue") == venue
    assert (fields["year"], fields["arxiv"], fields["tags"], fields["status"]) == (
        year,
        "2306.10010",
        [],
        "todo",
    )
    assert body == "\n# T\n"
