"""Properties of a tree of sub-indexes of any shape: every leaf entry shows once, in order, with
its counts, and a mark changes exactly its marker in exactly its own file."""

from __future__ import annotations

import posixpath
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from app.core.model import Status
from app.core.subindex import load_tree, rebase_url
from app.core.subindex_edit import mark_in_tree


@dataclass(frozen=True)
class Leaf:
    title: str
    todo: bool


@dataclass(frozen=True)
class Sub:
    title: str
    items: tuple[Leaf | Sub, ...]


def _items(depth: int) -> st.SearchStrategy[tuple[Leaf | Sub, ...]]:
    leaf = st.builds(Leaf, st.just(""), st.booleans())
    if depth >= 3:
        return st.lists(leaf, min_size=2, max_size=4).map(tuple)
    sub = st.builds(Sub, st.just(""), st.deferred(lambda: _items(depth + 1)))
    # Mostly leaves, every one with a note: each file reads as an index.
    return st.lists(st.one_of(leaf, leaf, sub), min_size=2, max_size=4).map(tuple)


def _named(items: tuple[Leaf | Sub, ...], counter: list[int]) -> tuple[Leaf | Sub, ...]:
    """Unique titles, so an entry can be told by its title alone."""
    out: list[Leaf | Sub] = []
    for item in items:
        counter[0] += 1
        title = f"Item {counter[0]}"
        out.append(
            Leaf(title, item.todo)
            if isinstance(item, Leaf)
            else Sub(title, _named(item.items, counter))
        )
    return tuple(out)


def write(folder: Path, items: tuple[Leaf | Sub, ...], name: str) -> None:
    lines = []
    for item in items:
        slug = item.title.replace(" ", "-").lower()
        if isinstance(item, Leaf):
            lines.append(f"- {'TODO ' if item.todo else ''}[{item.title}]({slug}.md)\n")
        else:
            lines.append(f"- [{item.title}]({slug}/index.md)\n")
            write(folder / slug, item.items, "index.md")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(lines))


def leaves(items: tuple[Leaf | Sub, ...]) -> list[Leaf]:
    """In the tree's order: a file's own entries, then each sub-index in turn."""
    own = [item for item in items if isinstance(item, Leaf)]
    for item in items:
        if isinstance(item, Sub):
            own.extend(leaves(item.items))
    return own


@given(items=_items(0), pick=st.integers(min_value=0))
def test_every_leaf_shows_once_and_a_mark_edits_only_its_own_file(
    items: tuple[Leaf | Sub, ...], pick: int
) -> None:
    items = _named(items, [0])
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        write(root, items, "README.md")
        tree = load_tree(root)
        expected = leaves(items)
        assert [(e.title, e.status is Status.TODO) for e in tree.entries] == [
            (leaf.title, leaf.todo) for leaf in expected
        ]
        assert tree.todo_count == sum(leaf.todo for leaf in expected)
        assert not tree.warnings
        entry = tree.entries[pick % len(tree.entries)]
        path = root / (entry.file or "README.md")
        before = {p: p.read_bytes() for p in root.rglob("*.md")}
        wanted = Status.DONE if entry.status is Status.TODO else Status.TODO
        result = mark_in_tree(tree, entry.key, wanted)
        marked, plain = f"- TODO [{entry.title}]".encode(), f"- [{entry.title}]".encode()
        old, new = (marked, plain) if wanted is Status.DONE else (plain, marked)
        assert path.read_bytes() == before[path].replace(old, new)
        assert all(p.read_bytes() == data for p, data in before.items() if p != path)
        again = load_tree(root)
        assert [(e.title, e.status) for e in again.entries] == [
            (e.title, wanted if e.key == entry.key else e.status) for e in tree.entries
        ]
        assert [(e.title, e.status) for e in result.index.entries] == [
            (e.title, e.status) for e in again.entries
        ]


_SEGMENT = st.text(alphabet="abcXYZ019_-.é", min_size=1, max_size=6)


@given(
    folder=st.lists(_SEGMENT.filter(lambda s: s not in {".", ".."}), min_size=1, max_size=3),
    url=st.lists(_SEGMENT, min_size=1, max_size=4),
    slash=st.booleans(),
)
def test_a_link_rebased_into_its_folder_is_the_normalised_join(
    folder: list[str], url: list[str], slash: bool
) -> None:
    """A sub-index's link reads the same from the notes folder however it is spelled: the quick
    join for plain paths and the full normalising agree (dot segments, trailing slash)."""
    base, link = "/".join(folder), "/".join(url) + ("/" if slash else "")
    joined = posixpath.normpath(f"{base}/{link}")
    if joined.startswith("../") or joined in {".", ".."}:
        return  # leaves the notes folder: ``local_target`` judges it, not the join
    if posixpath.normpath(link) == ".":
        return  # a link to the file's own folder (``.``, ``./``) is kept as written
    expected = joined + ("/" if link.endswith("/") else "")
    assert rebase_url(link, base) == expected
