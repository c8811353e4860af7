"""Every form a paper's id is pasted in is recognised, and nothing else is."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.core.capture import index_links
from app.core.paper_ids import IdKind, PaperId, canonical_url, paper_id

ARXIV = IdKind.ARXIV
DOI = IdKind.DOI


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("2306.02707", ARXIV, "2306.02707"),
        ("2306.02707v2", ARXIV, "2306.02707v2"),
        ("  arXiv:2306.02707 ", ARXIV, "2306.02707"),
        ("0704.0001", ARXIV, "0704.0001"),
        ("https://arxiv.org/abs/2306.02707", ARXIV, "2306.02707"),
        ("arxiv.org/abs/2306.02707v3", ARXIV, "2306.02707v3"),
        ("https://arxiv.org/pdf/2306.02707", ARXIV, "2306.02707"),
        ("https://arxiv.org/pdf/2306.02707v1.pdf", ARXIV, "2306.02707v1"),
        ("http://export.arxiv.org/abs/2306.02707/", ARXIV, "2306.02707"),
        ("https://www.arxiv.org/abs/2306.02707#section", ARXIV, "2306.02707"),
        ("cs/0112017", ARXIV, "cs/0112017"),
        ("https://arxiv.org/abs/hep-th/9901001v2", ARXIV, "hep-th/9901001v2"),
        ("math.GT/0309136", ARXIV, "math.GT/0309136"),
        ("CS/0112017V2", ARXIV, "cs/0112017v2"),
        ("10.48550/arXiv.2306.02707", ARXIV, "2306.02707"),
        ("https://doi.org/10.48550/arXiv.2306.02707", ARXIV, "2306.02707"),
        ("10.1145/3600006.3613165", DOI, "10.1145/3600006.3613165"),
        ("doi:10.1145/3600006.3613165", DOI, "10.1145/3600006.3613165"),
        ("DOI: 10.1000/xyz", DOI, "10.1000/xyz"),
        ("https://doi.org/10.1145/3600006.3613165", DOI, "10.1145/3600006.3613165"),
        ("http://dx.doi.org/10.1002/(SICI)1097-4571", DOI, "10.1002/(SICI)1097-4571"),
        ("doi.org/10.1000/a%2Fb", DOI, "10.1000/a/b"),
    ],
)
def test_recognised(typed: str, kind: IdKind, value: str) -> None:
    assert paper_id(typed) == PaperId(kind, value)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "https://github.com/microsoft/orca",
        "2306.027",
        "23066.02707",
        "https://arxiv.org/list/cs.CL/recent",
        "https://example.com/abs/2306.02707",
        "10.1/too-short-prefix",
        "10.1145",
        "notarxiv:2306.02707",
        "cs/011201",
    ],
)
def test_not_an_id(typed: str) -> None:
    assert paper_id(typed) is None


def test_bare_ids_become_their_pages_and_urls_stay_as_typed() -> None:
    typed = [
        "2306.02707",
        "cs/0112017",
        "doi:10.1145/1.2",
        "10.1145/1.2",
        "arxiv.org/pdf/2306.02707",
        "https://doi.org/10.1145/1.2",
        "https://github.com/x/y",
    ]
    assert index_links(typed) == [
        "https://arxiv.org/abs/2306.02707",
        "https://arxiv.org/abs/cs/0112017",
        "https://doi.org/10.1145/1.2",
        "https://doi.org/10.1145/1.2",
        "arxiv.org/pdf/2306.02707",
        "https://doi.org/10.1145/1.2",
        "https://github.com/x/y",
    ]


new_ids = st.builds(
    lambda yymm, number, version: f"{yymm:04d}.{number}{version}",
    st.integers(0, 9999),
    st.from_regex(r"\d{4,5}", fullmatch=True),
    st.sampled_from(["", "v1", "v12"]),
)
forms = st.sampled_from(
    ["{}", "arXiv:{}", "https://arxiv.org/abs/{}", "https://arxiv.org/pdf/{}.pdf", "{} "]
)


@given(new_ids, forms)
def test_every_form_of_an_arxiv_id_gives_the_id_back(arxiv_id: str, form: str) -> None:
    found = paper_id(form.format(arxiv_id))
    assert found == PaperId(ARXIV, arxiv_id)
    assert paper_id(canonical_url(found)) == found


@given(
    st.from_regex(r"10\.[0-9]{4,9}/[A-Za-z0-9._;()/-]{1,30}", fullmatch=True),
    st.sampled_from(["{}", "doi:{}", "https://doi.org/{}", "http://dx.doi.org/{}"]),
)
def test_every_form_of_a_doi_gives_the_doi_back(doi: str, form: str) -> None:
    assume(not doi.lower().startswith("10.48550/"))  # arXiv's own DOIs are arXiv ids
    found = paper_id(form.format(doi))
    assert found == PaperId(DOI, doi)
    assert paper_id(canonical_url(found)) == found


@given(st.text(max_size=40))
def test_anything_typed_is_an_id_or_none_never_an_error(text: str) -> None:
    found = paper_id(text)
    assert found is None or found.value
