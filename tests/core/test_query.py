"""The live filter: typing on narrows the last matches, and finds what a fresh search finds."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.model import Status
from app.core.parse import parse_index
from app.core.query import Query, filter_entries, narrows
from app.core.word_index import WordIndex, word_index_for

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


def test_the_index_s_words_find_what_testing_every_entry_finds() -> None:
    words = WordIndex(INDEX_MODEL, TAGS)
    assert [e.title for e in filter_entries(INDEX_MODEL, Query("stream"), TAGS, words=words)] == [
        "Stream processing at scale",
        "Kafka streams",
        "Structured streaming #2",
    ]
    # a note's tag word, and a word of the category (the haystack's end)
    assert [e.title for e in filter_entries(INDEX_MODEL, Query("flow"), TAGS, words=words)] == [
        "Kafka streams"
    ]
    assert len(filter_entries(INDEX_MODEL, Query("attention sys"), TAGS, words=words)) == 0
    assert len(filter_entries(INDEX_MODEL, Query("attention"), TAGS, words=words)) == 3


@settings(deadline=None)
@given(
    text=st.text(alphabet="stream atn#gpudflowk2: ", max_size=10),
    todo=st.booleans(),
    tagged=st.booleans(),
)
def test_the_index_s_words_answer_as_every_entry_does(text: str, todo: bool, tagged: bool) -> None:
    tags = TAGS if tagged else {}
    query = Query(text, Status.TODO if todo else None)
    words = WORDS_TAGGED if tagged else WORDS_PLAIN
    assert filter_entries(INDEX_MODEL, query, tags, words=words) == filter_entries(
        INDEX_MODEL, query, tags
    )


def test_words_built_for_other_tags_or_another_model_are_not_used() -> None:
    other = parse_index(INDEX, Path("/nonexistent/README.md"), cache={})
    stale = WordIndex(other, {})
    assert not stale.serves(INDEX_MODEL, {})
    assert not WORDS_PLAIN.serves(INDEX_MODEL, TAGS)
    assert WORDS_TAGGED.serves(INDEX_MODEL, TAGS)
    # stale words for the tags: the tag word is still found, by testing every entry
    found = filter_entries(INDEX_MODEL, Query("dataflow"), TAGS, words=WORDS_PLAIN)
    assert [e.title for e in found] == ["Kafka streams"]


WORDS_PLAIN = WordIndex(INDEX_MODEL, {})
WORDS_TAGGED = WordIndex(INDEX_MODEL, TAGS)


def test_rare_words_and_too_many_of_them_find_what_testing_every_entry_finds() -> None:
    """Rare words keep positions, not bits; a word held by too many of them is scanned."""
    lines = ["# Many", "", "## Words", ""]
    lines += [f"* paper{n} on topic{n % 7} by author{n * 13 % 1000}" for n in range(400)]
    index = parse_index("\n".join(lines).encode(), Path("/nonexistent/README.md"), cache={})
    words = WordIndex(index, {})
    for text in ["paper1", "paper12", "pap", "3", "topic3 author1", "on 9", "author999", "x"]:
        assert filter_entries(index, Query(text), words=words) == filter_entries(
            index, Query(text)
        ), text
    assert words.holding("3") is None  # "3" is in hundreds of rare words: every entry tested
    assert words.holding("paper12") is not None


def test_a_mark_keeps_the_words_and_a_new_title_gathers_them_again() -> None:
    """A new model of the same haystacks and tags (a mark) reuses the words; a retitled entry
    or other tags do not, and each answers as testing every entry does."""
    marked = parse_index(
        INDEX.replace(b"* TODO [Sparse", b"* [Sparse"), Path("/nonexistent/README.md"), cache={}
    )
    carried = word_index_for(marked, TAGS, WORDS_TAGGED)
    assert carried.serves(marked, TAGS) and not carried.serves(INDEX_MODEL, TAGS)
    assert carried._dense is WORDS_TAGGED._dense  # not gathered again
    for text in ["sparse", "stream", "gpu", "att ex"]:
        assert filter_entries(marked, Query(text), TAGS, words=carried) == filter_entries(
            marked, Query(text), TAGS
        ), text
    retitled = parse_index(
        INDEX.replace(b"Sparse attention", b"Dense attention"),
        Path("/nonexistent/README.md"),
        cache={},
    )
    fresh = word_index_for(retitled, {}, WORDS_PLAIN)
    assert fresh._dense is not WORDS_PLAIN._dense
    found = filter_entries(retitled, Query("dense"), words=fresh)
    assert [e.title for e in found] == ["Dense attention"]
    assert word_index_for(INDEX_MODEL, {}, WORDS_TAGGED)._dense is not WORDS_TAGGED._dense
