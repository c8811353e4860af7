"""The browser's capture logic (add dialog fill-in, Y's BibTeX), against the fake server."""

from __future__ import annotations

import socket
from pathlib import Path

import bibtexparser
from paper_server import QUOKKA, Answer, PaperServer, arxiv_path

from app.core.capture_dialog import (
    authors_line,
    bibtex_for_entry,
    dialog_fill,
    dialog_paper_id,
)
from app.core.config import Config
from app.core.metadata import PaperMeta
from app.core.paper_ids import IdKind, PaperId
from app.core.parse import load_index
from app.edges.network import AnswerCache, HostSpacing, HttpClient
from app.edges.paper_sources import Endpoints, PaperSource


def source(config: Config) -> PaperSource:
    """As the App builds it, with a spacing of its own (the process's would make tests wait)."""
    client = HttpClient(timeout=config.network_timeout, spacing=HostSpacing())
    return PaperSource(Endpoints.chosen(config, {}), client, AnswerCache())


def test_the_links_field_holds_an_id_once_one_is_typed() -> None:
    assert dialog_paper_id("") is None
    assert dialog_paper_id("https://github.com/x/y, 2306.0") is None
    assert dialog_paper_id("https://github.com/x/y, 2306.02707") == PaperId(
        IdKind.ARXIV, "2306.02707"
    )
    assert dialog_paper_id("doi:10.1145/1.2 2306.02707") == PaperId(IdKind.DOI, "10.1145/1.2")


def test_the_dialog_gets_the_title_and_a_line_of_authors(paper_server: PaperServer) -> None:
    paper_server.serve(arxiv_path("2306.02707"), Answer(body=QUOKKA))
    config = Config(arxiv_api=paper_server.arxiv_api)
    wanted = PaperId(IdKind.ARXIV, "2306.02707")
    filled = dialog_fill(wanted, "", source(config).lookup)
    assert filled.title == "Quokka: Progressive Hopping from Complex Explanation Traces"
    assert filled.status == "Ada Quokkason, Bo Tester, Céline Exemple (2023)"
    kept = dialog_fill(wanted, "My own title", source(config).lookup)
    assert kept.title is None and kept.status == filled.status  # from the cache: one request
    assert len(paper_server.requests) == 1


def test_offline_the_dialog_says_so_and_leaves_the_title_to_type() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = Config(arxiv_api=f"http://127.0.0.1:{port}/api")
    filled = dialog_fill(PaperId(IdKind.ARXIV, "2306.02707"), "", source(config).lookup)
    assert filled.title is None and filled.meta is None
    assert filled.status.startswith("Not fetched (arXiv:2306.02707: http://127.0.0.1:")
    assert filled.status.endswith("connection refused); type the title")


def test_authors_line_shortens_long_lists() -> None:
    many = PaperMeta("T", authors=("A", "B", "C", "D"), year=None)
    assert authors_line(many) == "A, B, C et al."
    assert authors_line(PaperMeta("T")) == "authors unknown"


def test_y_gives_the_entry_bibtex_or_says_why_not(notes_copy: Path) -> None:
    index = load_index(notes_copy)
    zephyr = next(e for e in index.entries if e.title.startswith("Zephyr"))
    text, notice = bibtex_for_entry(index, zephyr)
    assert text is not None and notice == "Copied the BibTeX of tunstall2023zephyr"
    (entry,) = bibtexparser.parse_string(text).entries
    assert entry.key == "tunstall2023zephyr"
    book = next(e for e in index.entries if e.title == "thinking in cpp")
    assert bibtex_for_entry(index, book) == (
        None,
        "No BibTeX for thinking in cpp: its note has no metadata and it has no id",
    )
