"""readnotes add by id and readnotes export, run as a user runs them, against a fake arXiv/Crossref.

The endpoints point at the test's own server on 127.0.0.1 (``READNOTES_ARXIV_API``,
``READNOTES_CROSSREF_API``); the answer cache is the test's (``READNOTES_CACHE_DIR``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import bibtexparser
import yaml
from paper_server import (
    ARXIV_ERROR,
    QUOKKA,
    Answer,
    PaperServer,
    arxiv_path,
    crossref_path,
    crossref_work,
)

from tests.conftest import write_index

CATEGORY = "Paper notes/Large Language Model/Knowledge distillation"
NOTE = "papers/LLM/distillation/Quokka.md"


def run(
    server: PaperServer | None, *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = dict(os.environ)
    if server is not None:
        environ["READNOTES_ARXIV_API"] = server.arxiv_api
        environ["READNOTES_CROSSREF_API"] = server.crossref_api
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env=environ,
    )


def frontmatter(path: Path) -> dict[str, object]:
    text = path.read_text()
    head = text.split("---\n")[1]
    loaded = yaml.safe_load(head)
    assert isinstance(loaded, dict)
    return loaded


def test_add_by_arxiv_id_fetches_the_title_and_fills_the_note(
    notes_copy: Path, paper_server: PaperServer
) -> None:
    paper_server.serve(arxiv_path("2306.02707"), Answer(body=QUOKKA))
    before = (notes_copy / "README.md").read_bytes()
    result = run(
        paper_server, "add", notes_copy, "--url", "2306.02707", "--category", CATEGORY, "--todo"
    )
    assert result.returncode == 0, result.stderr
    title = "Quokka: Progressive Hopping from Complex Explanation Traces"
    assert result.stdout == (
        "Added to Paper notes / Large Language Model / Knowledge distillation:"
        f" {title} (line 29); created {NOTE}\n"
    )
    line = (f"\n* TODO [{title}](./{NOTE}) [[paper](https://arxiv.org/abs/2306.02707)]\n").encode()
    after = (notes_copy / "README.md").read_bytes()
    k = after.index(line)
    assert after[:k] + after[k + len(line) :] == before  # one line and its blank separator
    note = notes_copy / NOTE
    assert frontmatter(note) == {
        "title": title,
        "paper": "https://arxiv.org/abs/2306.02707",
        "authors": ["Ada Quokkason", "Bo Tester", "Céline Exemple"],
        "year": 2023,
        "arxiv": "2306.02707",
        "tags": [],
        "status": "todo",
    }
    assert note.read_text().endswith(
        f"# {title}\n\n## Abstract\n\n"
        "We teach a small model to hop, with $x^2 < y$ kept, across two lines.\n"
    )
    assert paper_server.user_agents[0].startswith("readnotes/")


def test_a_second_add_of_the_same_id_asks_nobody(tmp_path: Path, paper_server: PaperServer) -> None:
    paper_server.serve(arxiv_path("2306.02707"), Answer(body=QUOKKA))
    first = write_index(tmp_path / "a", "## Papers\n\n- [Old](https://old.test)\n")
    second = write_index(tmp_path / "b", "## Papers\n\n- [Old](https://old.test)\n")
    assert run(paper_server, "add", first, "--url", "arxiv:2306.02707").returncode == 2
    assert paper_server.requests == []  # refused (no category) before anything was asked
    added = run(paper_server, "add", first, "--url", "arxiv:2306.02707", "--category", "Papers")
    assert added.returncode == 0, added.stderr
    again = run(
        paper_server, "add", second, "--url", "https://arxiv.org/abs/2306.02707", "--category",
        "papers",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert paper_server.requests == [arxiv_path("2306.02707")]
    assert "- [Quokka: Progressive Hopping" in second.read_text()


def test_add_by_doi_takes_crossref_metadata(notes_copy: Path, paper_server: PaperServer) -> None:
    doi = "10.1145/3600006.3613165"
    paper_server.serve(crossref_path(doi), Answer(body=crossref_work(doi)))
    result = run(
        paper_server, "add", notes_copy, "--url", f"https://doi.org/{doi}", "--category",
        "Knowledge distillation", "--note",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    note = notes_copy / "papers/LLM/distillation/Wombat.md"
    fields = frontmatter(note)
    assert fields["title"] == "Wombat: Burrowing Memory for Operating Systems"
    assert fields["authors"] == ["Dana Wombatson", "Eli van der Burrow"]
    assert fields["year"] == 2023 and fields["doi"] == doi
    assert fields["venue"] == "Proceedings of the Imaginary Symposium on Systems"
    assert note.read_text().endswith(
        "## Abstract\n\nBurrows hold state with $O(\\log n)$ cost & more.\n"
    )


def test_bad_answers_exit_2_name_the_id_and_write_nothing(
    notes_copy: Path, paper_server: PaperServer
) -> None:
    paper_server.serve(arxiv_path("9999.99999"), Answer(body=ARXIV_ERROR))
    paper_server.serve(arxiv_path("2301.00001"), Answer(body=b"<feed><entry>"))
    paper_server.serve(crossref_path("10.1000/broken"), Answer(body=b'{"message": '))
    paper_server.serve(crossref_path("10.1000/gone"), Answer(404, b"Resource not found."))
    before = (notes_copy / "README.md").read_bytes()
    files = sorted(p for p in notes_copy.rglob("*"))
    cases = {
        "9999.99999": "arXiv:9999.99999: arXiv answered with an error",
        "2301.00001": "arXiv:2301.00001: arXiv's answer is not valid XML",
        "doi:10.1000/broken": "doi:10.1000/broken: Crossref's answer is not valid JSON",
        "10.1000/gone": "doi:10.1000/gone: Crossref does not know this DOI",
    }
    for typed, said in cases.items():
        result = run(paper_server, "add", notes_copy, "--url", typed, "--category", CATEGORY)
        assert result.returncode == 2, (typed, result.stderr)
        assert result.stderr.startswith(f"readnotes: error: {said}"), result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "nothing was written" in result.stderr
    assert (notes_copy / "README.md").read_bytes() == before
    assert sorted(p for p in notes_copy.rglob("*")) == files


def test_a_closed_port_is_one_line_and_title_still_works_offline(notes_copy: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends
    env = {"READNOTES_ARXIV_API": f"http://127.0.0.1:{port}/api/query"}
    before = (notes_copy / "README.md").read_bytes()
    result = run(None, "add", notes_copy, "--url", "2306.02707", "--category", CATEGORY, env=env)
    assert result.returncode == 2
    assert result.stderr == (
        f"readnotes: error: arXiv:2306.02707: http://127.0.0.1:{port}/api/query?id_list=2306.02707:"
        " connection refused; nothing was written\n"
    )
    assert (notes_copy / "README.md").read_bytes() == before
    typed = run(
        None, "add", notes_copy, "--title", "Typed", "--url", "2306.02707", "--category",
        CATEGORY, "--no-note", env=env,
    )  # fmt: skip
    assert typed.returncode == 0, typed.stderr
    no_fetch = run(
        None, "add", notes_copy, "--url", "2306.02707", "--no-fetch", "--category", CATEGORY,
        env=env,
    )  # fmt: skip
    assert no_fetch.returncode == 2 and "--no-fetch needs --title" in no_fetch.stderr


def test_export_bibtex_parses_back_and_csl_json_is_valid(
    notes_copy: Path, paper_server: PaperServer
) -> None:
    paper_server.serve(arxiv_path("2306.02707"), Answer(body=QUOKKA))
    added = run(paper_server, "add", notes_copy, "--url", "2306.02707", "--category", CATEGORY)
    assert added.returncode == 0, added.stderr
    result = run(paper_server, "export", notes_copy, "--match", "quokka")
    assert result.returncode == 0, result.stderr
    library = bibtexparser.parse_string(result.stdout)
    assert library.failed_blocks == []
    (entry,) = library.entries
    assert entry.key == "quokkason2023quokka"
    assert entry.entry_type == "misc"
    assert entry.fields_dict["eprint"].value == "2306.02707"
    assert entry.fields_dict["archivePrefix"].value == "arXiv"
    assert entry.fields_dict["author"].value == "Ada Quokkason and Bo Tester and C\\'eline Exemple"
    csl = run(paper_server, "export", notes_copy, "--format", "csl-json", "--match", "quokka")
    (item,) = json.loads(csl.stdout)
    assert item["id"] == "quokkason2023quokka"
    assert item["author"][2] == {"family": "Exemple", "given": "Céline"}
    assert item["issued"] == {"date-parts": [[2023]]}


def test_export_skips_what_it_cannot_cite_and_fetch_fills_the_rest(
    notes_copy: Path, paper_server: PaperServer
) -> None:
    answer = QUOKKA.replace(b"2306.02707", b"2309.05463")
    paper_server.serve(arxiv_path("2309.05463"), Answer(body=answer))
    plain = run(paper_server, "export", notes_copy, "--match", "phi-1.5")
    (entry,) = bibtexparser.parse_string(plain.stdout).entries
    assert "author" not in entry.fields_dict and entry.fields_dict["eprint"].value == "2309.05463"
    assert paper_server.requests == []
    fetched = run(paper_server, "export", notes_copy, "--match", "phi-1.5", "--fetch")
    (entry,) = bibtexparser.parse_string(fetched.stdout).entries
    assert entry.key == "quokkason2023textbooks"
    assert entry.fields_dict["author"].value.startswith("Ada Quokkason and")
    assert entry.fields_dict["title"].value == (
        "Textbooks Are All You Need II: phi-1.5 technical report"
    )  # the note's own title wins over the fetched one
    books = run(paper_server, "export", notes_copy, "--match", "thinking in cpp")
    assert books.returncode == 0 and books.stdout == ""
    assert books.stderr == (
        "readnotes: skipped thinking in cpp (line 43): no metadata in its note and no id\n"
    )


def test_export_of_the_whole_sample_folder_parses_back_with_unique_keys(notes_copy: Path) -> None:
    result = run(None, "export", notes_copy, "--done")
    assert result.returncode == 0, result.stderr
    library = bibtexparser.parse_string(result.stdout)
    assert library.failed_blocks == []
    keys = [entry.key for entry in library.entries]
    assert len(keys) == len(set(keys)) == 12
    assert "vaswani2017attention" in keys and "touvron2023llama" in keys
    llama = next(e for e in library.entries if e.key == "touvron2023llama")
    assert llama.fields_dict["author"].value.endswith("Amjad Almahairi and others")
    assert "skipped thinking in cpp" in result.stderr


def test_fetch_with_a_title_keeps_the_title_and_fills_the_note(
    notes_copy: Path, paper_server: PaperServer
) -> None:
    paper_server.serve(arxiv_path("2306.02707"), Answer(body=QUOKKA))
    result = run(
        paper_server, "add", notes_copy, "--title", "Hopping", "--url", "2306.02707",
        "--category", CATEGORY, "--fetch",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    fields = frontmatter(notes_copy / "papers/LLM/distillation/Hopping.md")
    assert fields["title"] == "Hopping" and fields["year"] == 2023
    assert (
        "* [Hopping](./papers/LLM/distillation/Hopping.md)"
        in (notes_copy / "README.md").read_text()
    )


def test_the_config_file_names_the_endpoint_and_the_timeout(
    notes_copy: Path, paper_server: PaperServer, tmp_path: Path
) -> None:
    paper_server.serve(arxiv_path("2306.02707"), Answer(body=QUOKKA, delay=2.0))
    config = tmp_path / "config.toml"
    config.write_text(f'arxiv_api = "{paper_server.arxiv_api}"\nnetwork_timeout = 0.3\n')
    before = (notes_copy / "README.md").read_bytes()
    result = run(
        None, "add", notes_copy, "--url", "2306.02707", "--category", CATEGORY,
        "--config", config,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        f"readnotes: error: arXiv:2306.02707: {paper_server.arxiv_api}?id_list=2306.02707:"
        " no answer within 0.3 s; nothing was written\n"
    )
    assert paper_server.requests == [arxiv_path("2306.02707")]
    assert (notes_copy / "README.md").read_bytes() == before
