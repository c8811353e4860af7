"""The live filter: typing on narrows the last matches, and finds what a fresh search finds."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.model import Status
from app.core.parse import parse_index
from app.core.query import Query, filter_entries, narrows

INDEX = b"""# Reading

## Streaming systems

* TODO [Stream processing at scale](s1.md)
* [Kafka streams](s2.md)
* [Structured streaming #2](s3.md)

## Attention

* [Attention is all you need](a1.md)
* TODO [Sparse attention](a2.md)
* [FlashAttention: fast and exact](a3.md)
"""
TAGS = {"kafka streams\x1fs2.md\x1f0": ("dataflow",), "sparse attention\x1fa2.md\x1f0": ("gpu",)}
INDEX_MODEL = parse_index(INDEX, Path("/nonexistent/README.md"), cache={})


def test_typing_on_narrows_a_query_but_a_new_tag_word_does_not() -> None:
    assert narrows(Query("str"), Query("stre"))
    assert narrows(Query("str"), Query("str att"))
    assert not narrows(Query("str"), Query("st"))
    assert not narrows(Query("#"), Query("#gpu"))
    assert not narrows(Query("str"), Query("stre", Status.TODO))


def test_the_tags_in_this_file_reach_their_entries() -> None:
    assert [e.title for e in filter_entries(INDEX_MODEL, Query("#gpu"), TAGS)] == [
        "Sparse attention"
    ]


@settings(deadline=None)
@given(
    text=st.text(alphabet="stream atn#gpudflow ", max_size=8), extra=st.text("seamt #", max_size=3)
)
def test_narrowed_matches_equal_a_fresh_filter(text: str, extra: str) -> None:
    first, then = Query(text), Query(text + extra)
    previous = filter_entries(INDEX_MODEL, first, TAGS)
    fresh = filter_entries(INDEX_MODEL, then, TAGS)
    if narrows(first, then) and first.active:
        assert filter_entries(INDEX_MODEL, then, TAGS, within=previous) == fresh


@settings(deadline=None)
@given(text=st.text(alphabet="stream atn#gpudflowk ", max_size=8), todo=st.booleans())
def test_the_fast_paths_match_what_query_matches_says(text: str, todo: bool) -> None:
    query = Query(text, Status.TODO if todo else None)
    expected = [e for e in INDEX_MODEL.entries if query.matches(e, TAGS.get(e.key, ()))]
    assert filter_entries(INDEX_MODEL, query, TAGS) == expected
    assert filter_entries(INDEX_MODEL, query, {}) == [
        e for e in INDEX_MODEL.entries if query.matches(e)
    ]
