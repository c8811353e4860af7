"""Counts per category from bisected positions agree with counting every entry, on any index."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.edit import apply_splices, status_splices
from app.core.model import Entry, Index, Status
from app.core.parse import parse_index, reparse_marked
from app.core.query import Query, filter_entries
from app.core.shown import Counts, Runs, Shown, category_spans, count_by_category

WORDS = ["stream", "attention", "kafka", "sparse", "flash", "graph"]

line = st.one_of(
    st.tuples(st.just("heading"), st.integers(1, 6), st.sampled_from(WORDS)),
    st.tuples(st.just("entry"), st.booleans(), st.sampled_from(WORDS)),
    st.tuples(st.just("blank"), st.just(0), st.just("")),
)


def index_text(lines: list[tuple[str, object, str]]) -> bytes:
    out: list[str] = []
    for number, (kind, value, word) in enumerate(lines):
        if kind == "heading":
            name = word.title() if number % 3 else f"{word.title()} {number}"  # names repeat
            out += ["", f"{'#' * int(str(value))} {name}", ""]
        elif kind == "entry":
            out.append(f"* {'TODO ' if value else ''}[{word} paper {number}](n{number}.md)")
        else:
            out.append("")
    return ("\n".join(out) + "\n").encode()


def parsed(data: bytes) -> Index:
    return parse_index(data, Path("/nonexistent/README.md"), cache={})


def assert_agrees(index: Index, matches: list[Entry] | None) -> None:
    spans = category_spans(index)
    assert spans is not None  # headings nest as they come: every category is one run
    fast, counted = Shown(Runs.of(index), matches), Shown(Runs(index, None), matches)
    passing = index.entries if matches is None else matches
    members = {id(entry) for entry in passing}
    keys = [category.key for category in index.categories()]
    for category in index.categories():
        own = [e for e in category.entries if id(e) in members]
        within = [e for e in category.all_entries() if id(e) in members]
        want = Counts(len(within), sum(e.status is Status.TODO for e in within))
        assert fast.counts(category) == want, category.path
        assert fast.total(category) == want.total
        for shown in (fast, counted):
            assert shown.own(category) == own
            assert shown.within(category) == within
        assert fast.own_total(category) == len(own)
        if matches is None or keys.count(category.key) == 1:
            assert counted.counts(category) == want
            assert counted.own_total(category) == len(own)
        else:  # counting by key adds up the headings of one name
            merged = count_by_category(passing).get(category.key, Counts(0, 0))
            assert counted.counts(category) == merged
    for entry in index.entries:
        assert fast.contains(entry) == counted.contains(entry) == (id(entry) in members)
    assert_named(Runs.of(index))


def assert_named(runs: Runs) -> None:
    """Every category has its own uid, and the chain of categories holding each item leads
    down to it, heading by heading."""
    index = runs.index
    categories = index.categories()[1:]
    assert len({runs.uid(c) for c in categories}) == len(categories)
    assert all(runs.category(runs.uid(c)) is c for c in categories)
    for item in [*categories, *index.entries]:
        chain = [index.tree, *runs.holders(item)]
        for outer, inner in zip(chain, [*chain[1:], item], strict=True):
            assert any(inner is c for c in [*outer.children, *outer.entries])


@settings(deadline=None)
@given(lines=st.lists(line, max_size=40), word=st.sampled_from(["", "s", "st", "a", "zzz"]))
def test_bisected_counts_equal_counting_every_entry(
    lines: list[tuple[str, object, str]], word: str
) -> None:
    index = parsed(index_text(lines))
    query = Query(word)
    assert_agrees(index, filter_entries(index, query) if query.active else None)


@settings(deadline=None)
@given(lines=st.lists(line, min_size=1, max_size=30), pick=st.integers(0, 100))
def test_after_a_mark_the_counts_still_agree(
    lines: list[tuple[str, object, str]], pick: int
) -> None:
    index = parsed(index_text(lines))
    if not index.entries:
        return
    entry = index.entries[pick % len(index.entries)]
    status = Status.DONE if entry.status is Status.TODO else Status.TODO
    data = apply_splices(index.data, status_splices(index, entry, status))
    marked = reparse_marked(index, data, entry, status) or parsed(data)
    assert_agrees(marked, None)
    assert_agrees(marked, [e for e in marked.entries if e.status is Status.TODO])


def test_an_index_whose_entries_are_out_of_order_has_no_spans() -> None:
    index = parsed(b"## A\n\n* [one](1.md)\n\n## B\n\n* [two](2.md)\n")
    index.tree.children[0].entries, index.tree.children[1].entries = (
        index.tree.children[1].entries,
        index.tree.children[0].entries,
    )
    assert category_spans(index) is None
    shown = Shown(Runs(index, None), [index.entries[0]])
    assert shown.total(index.tree.children[0]) == 1  # counted by each entry's own category
    assert shown.own(index.tree.children[1]) == [index.entries[0]]
