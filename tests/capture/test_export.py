"""Citations from notes: keys, BibTeX that bibtexparser reads back to the same values, CSL-JSON."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import ReadnotesError
from app.core.export import Citation, citation_keys, citations, to_bibtex, to_csl_json
from app.core.metadata import PaperMeta
from app.core.model import Index
from app.core.paper_ids import PaperId
from app.core.parse import load_index
from tests.conftest import write_index


def meta(title: str, *authors: str, year: int | None = 2023, **more: object) -> PaperMeta:
    return PaperMeta(title=title, authors=authors, year=year, **more)  # type: ignore[arg-type]


def test_keys_are_family_year_word_with_letters_on_clashes() -> None:
    metas = [
        meta("Orca: Progressive Learning", "Subhabrata Mukherjee"),
        meta("The Orca Returns", "S. Mukherjee"),
        meta("Orca again", "Mukherjee, Subhabrata"),
        meta("A Study of Things", "Jean de la Fontaine", year=None),
        meta("Ünïcode Wörds", "Zoë Ødegård"),
        meta("", year=None, arxiv="2306.02707"),
        meta("", year=None),
    ]
    assert citation_keys(metas) == [
        "mukherjee2023orca",
        "mukherjee2023orcaa",
        "mukherjee2023orcab",
        "fontainestudy",
        "odegard2023unicode",
        "230602707",
        "entry",
    ]


def test_keys_stay_when_entries_are_added_at_the_end() -> None:
    first = [meta("Orca", "A Mukherjee"), meta("Orca", "B Mukherjee")]
    later = [*first, meta("Orca", "C Mukherjee"), meta("Other", "D Other")]
    assert citation_keys(later)[:2] == citation_keys(first)


def read_back(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return {e.key: {f.key: f.value for f in e.fields} for e in library.entries}


def cite(*metas: PaperMeta) -> list[Citation]:
    keys = citation_keys(list(metas))
    return [Citation(key, m) for key, m in zip(keys, metas, strict=True)]


def test_special_characters_survive_the_round_trip() -> None:
    title = "100% of Q&A: {Braces} #1, $x_1^2$ and_under ~tilde"
    venue = "Proc. of R&D"
    text = to_bibtex(
        cite(
            meta(
                title,
                "Chloé Ödegaard",
                "et al.",
                venue=venue,
                kind="inproceedings",
                doi="10.1000/a_b<c>;d",
                arxiv="cs/0112017",
            )
        )
    )
    fields = read_back(text)["odegaard2023100"]
    assert fields["title"] == title
    assert fields["booktitle"] == venue
    assert fields["author"] == "Chloé Ödegaard and others"
    assert fields["doi"] == "10.1000/a_b<c>;d"  # verbatim for biber: not LaTeX-encoded
    assert fields["eprint"] == "cs/0112017" and fields["archivePrefix"] == "arXiv"
    assert "\\%" in text and "\\&" in text and "$x_1^2$" in text
    unsafe = to_bibtex(cite(meta("T", "A B", doi="10.1000/50%off")))
    assert "doi" not in read_back(unsafe)["b2023t"]


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=30))
def test_any_title_reads_back_as_bibtex_without_failed_blocks(title: str) -> None:
    try:
        text = to_bibtex(cite(meta(title, "A Person")))
    except ReadnotesError:
        return  # refused as one line: fine, never a broken file
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [] and len(library.entries) == 1


def test_csl_json_names_types_and_ids() -> None:
    items = json.loads(
        to_csl_json(
            cite(
                meta("W", "Eli van der Burrow", "John Smith Jr.", venue="J", kind="article"),
                meta("P", "A B", arxiv="2306.02707"),
            )
        )
    )
    assert items[0]["type"] == "article-journal" and items[0]["container-title"] == "J"
    assert items[0]["author"][0] == {
        "family": "Burrow",
        "given": "Eli",
        "non-dropping-particle": "van der",
    }
    assert items[1]["type"] == "article"
    assert items[1]["number"] == "arXiv:2306.02707"
    assert items[1]["URL"] == "https://arxiv.org/abs/2306.02707"


def folder(tmp_path: Path) -> Index:
    root = tmp_path / "n"
    (root / "notes").mkdir(parents=True)
    (root / "notes" / "a.md").write_text(
        '---\ntitle: "Alpha: First"\nauthors: [Ann Alpha, Bob Beta]\nyear: 2021\n'
        "arxiv: 2306.10010\nvenue: Workshop on Things\n---\n# Alpha\n"
    )
    (root / "notes" / "b.md").write_text("---\nauthors: Cy Gamma and Di Delta\n---\n")
    (root / "notes" / "c.md").write_text("no frontmatter at all\n")
    write_index(
        root,
        "# Notes\n\n## Papers\n\n"
        "- [Alpha](notes/a.md)\n"
        "- [Beta paper](notes/b.md) [doi](https://doi.org/10.1000/b)\n"
        "- [Gamma](notes/c.md)\n"
        "- Delta [[arXiv](https://arxiv.org/pdf/2401.00001v2)]\n",
    )
    return load_index(root)


def test_citations_from_notes_and_links_and_what_is_skipped(tmp_path: Path) -> None:
    index = folder(tmp_path)
    warned: list[str] = []
    cited = citations(index, index.entries, warn=warned.append)
    assert [c.key for c in cited] == ["alpha2021alpha", "gammabeta", "delta"]
    alpha, beta, delta = (c.meta for c in cited)
    assert alpha.arxiv == "2306.10010"  # as written, not the float YAML would make of it
    assert alpha.authors == ("Ann Alpha", "Bob Beta") and alpha.kind == "inproceedings"
    assert beta.authors == ("Cy Gamma", "Di Delta") and beta.doi == "10.1000/b"
    assert delta.arxiv == "2401.00001v2" and delta.authors == ()
    assert warned == ["skipped Gamma (line 7): no metadata in its note and no id"]


def test_fetch_fills_only_what_is_missing_and_a_failure_is_a_warning(tmp_path: Path) -> None:
    index = folder(tmp_path)
    asked: list[PaperId] = []

    def lookup(found: PaperId) -> PaperMeta:
        asked.append(found)
        if found.value == "10.1000/b":
            raise ReadnotesError("doi:10.1000/b: no answer")
        return meta("Fetched title", "Fe Tched", year=2024, venue="Fetched venue", kind="article")

    warned: list[str] = []
    cited = citations(index, index.entries, lookup=lookup, warn=warned.append)
    alpha, beta, delta = (c.meta for c in cited)
    assert [str(a) for a in asked] == ["doi:10.1000/b", "arXiv:2401.00001v2"]  # alpha is whole
    assert alpha.venue == "Workshop on Things" and alpha.authors == ("Ann Alpha", "Bob Beta")
    assert delta.title == "Delta" and delta.authors == ("Fe Tched",) and delta.year == 2024
    assert delta.kind == "article" and delta.venue == "Fetched venue"
    assert beta.year is None
    assert "not fetched: doi:10.1000/b: no answer" in warned
