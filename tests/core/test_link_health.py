"""The link-health rules, pure: what an answer means, the marks, roles, is: words, the cache
file, and fix_moved's byte-exact rewrite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import ConflictError
from app.core.fix_links import fix_moved
from app.core.link_health import (
    Health,
    Hop,
    Kind,
    Probe,
    age_text,
    classify,
    health_mark,
    links_in_text,
)
from app.core.link_store import LinkStore
from app.core.links import link_role
from app.core.parse import load_index
from app.core.query import Query, filter_entries, narrows

URL = "http://site.test/page"


@pytest.mark.parametrize(
    ("probe", "kind", "code", "location"),
    [
        (Probe((), 200), Kind.OK, 200, None),
        (Probe((), 204), Kind.OK, 204, None),
        (Probe((), 404), Kind.DEAD, 404, None),
        (Probe((), 410), Kind.DEAD, 410, None),
        (Probe((), 418), Kind.DEAD, 418, None),
        (Probe((), 401), Kind.UNREACHABLE, 401, None),
        (Probe((), 403), Kind.UNREACHABLE, 403, None),
        (Probe((), 429), Kind.UNREACHABLE, 429, None),
        (Probe((), 502), Kind.UNREACHABLE, 502, None),
        (Probe((), None, "timeout"), Kind.UNREACHABLE, None, None),
        (Probe((Hop(301, "https://new.test/a"),), 200), Kind.MOVED, 200, "https://new.test/a"),
        (
            Probe((Hop(308, "http://b.test/"), Hop(301, "http://c.test/x")), 200),
            Kind.MOVED,
            200,
            "http://c.test/x",
        ),
        # permanent, then temporary: moved to where the permanent hops lead
        (
            Probe((Hop(301, "http://b.test/"), Hop(302, "http://login.test/")), 200),
            Kind.MOVED,
            200,
            "http://b.test/",
        ),
        (Probe((Hop(302, "http://tmp.test/"),), 200), Kind.OK, 200, None),
        (Probe((Hop(301, URL + "/"),), 200), Kind.OK, 200, None),
        (Probe((Hop(301, URL.replace("http:", "https:")),), 200), Kind.OK, 200, None),
        (Probe((Hop(301, "https://new.test/a"),), 404), Kind.DEAD, 404, None),
    ],
)
def test_classify(probe: Probe, kind: Kind, code: int | None, location: str | None) -> None:
    health = classify(URL, probe)
    assert (health.kind, health.code, health.location) == (kind, code, location)


def test_marks_and_ages() -> None:
    assert health_mark(Health(Kind.OK, 200)) == "✓"
    assert health_mark(Health(Kind.DEAD, 404)) == "✗ 404"
    assert health_mark(Health(Kind.MOVED, 200, "x")) == "↪ moved"
    assert health_mark(Health(Kind.UNREACHABLE, reason="timeout")) == "? timeout"
    assert health_mark(Health(Kind.UNREACHABLE, 403)) == "? 403"
    assert health_mark(Health(Kind.UNREACHABLE, reason="connection refused")) == "? refused"
    dns = "the host name could not be resolved (DNS)"
    assert health_mark(Health(Kind.UNREACHABLE, reason=dns)) == "? DNS"
    assert health_mark(Health(Kind.UNREACHABLE, reason="x" * 40)) == "? unreachable"
    assert [age_text(s) for s in (5, 300, 7200, 3 * 86400)] == ["now", "5m", "2h", "3d"]


@pytest.mark.parametrize(
    ("url", "label", "role"),
    [
        ("https://example.com/x", "paper", "paper"),
        ("https://example.com/x", "arXiv", "paper"),
        ("https://example.com/x.pdf", "Title", "paper"),
        ("https://openreview.net/forum?id=1", "", "paper"),
        ("https://aclanthology.org/2023.acl-long.1/", "", "paper"),
        ("https://arxiv.org/abs/1", "Some title", "paper"),
        ("https://example.com/", "code", "code"),
        ("https://example.com/", "GitHub", "code"),
        ("https://gitlab.com/a/b", "", "code"),
        ("https://github.com/a/b", "paper", "paper"),  # the label as written wins
        ("https://example.com/", "blog", "blog"),
        ("https://example.com/", "post", "blog"),
        ("https://example.com/", "", "blog"),
    ],
)
def test_link_roles(url: str, label: str, role: str) -> None:
    assert link_role(url, label) == role


def test_links_in_a_notes_text() -> None:
    text = (
        "See [x](https://a.test/p), <http://b.test/q>. And https://c.test/r; again https://a.test/p"
    )
    assert links_in_text(text) == ["https://a.test/p", "http://b.test/q", "https://c.test/r"]


def write(tmp_path: Path, data: bytes) -> Path:
    (tmp_path / "README.md").write_bytes(data)
    return tmp_path


def test_is_words_keep_entries_by_their_links_health(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        b"* A [p](https://a.test/)\n* B [p](https://b.test/)\n* TODO C [p](https://c.test/)\n",
    )
    index = load_index(folder)
    health = {
        "https://a.test/": Health(Kind.DEAD, 404),
        "https://c.test/": Health(Kind.DEAD, 410),
        "https://b.test/": Health(Kind.MOVED, 200, "https://b2.test/"),
    }

    def titles(text: str, **options: object) -> list[str]:
        query = Query(text, **options)  # type: ignore[arg-type]
        return [e.title for e in filter_entries(index, query, health=health)]

    assert titles("is:dead") == ["A", "C"]
    assert titles("is:moved") == ["B"]
    assert titles("is:unreachable") == []
    assert titles("is:dead c") == ["C"]
    assert titles("IS:DEAD") == ["A", "C"]
    assert not narrows(Query("is:d"), Query("is:dead"))


def test_a_cache_file_that_is_not_ours_is_empty(tmp_path: Path) -> None:
    store = LinkStore(tmp_path)
    for junk in (b"", b"\x00\xff", b"[]", b'{"links": []}', b'{"links": {"u": {"kind": "ok"}}}'):
        (tmp_path / "links.json").write_bytes(junk)
        assert store.load() == {}
    store.save({"https://a.test/": Health(Kind.OK, 200, checked=100.0)}, now=100.0)
    table = json.loads((tmp_path / "links.json").read_text())
    assert table["links"]["https://a.test/"]["kind"] == "ok"
    assert LinkStore(tmp_path).load()["https://a.test/"].checked == 100.0


def test_fix_moved_skips_what_it_cannot_write_and_changes_nothing(tmp_path: Path) -> None:
    data = b"* A [p](https://a.test/) and https://a.test/ bare\n"
    folder = write(tmp_path, data)
    index = load_index(folder)
    key = index.entries[0].key
    result = fix_moved(folder, {key: {"https://a.test/": "https://b.test/ x"}}, known=index)
    assert result.changed == 0 and "cannot be written as a link" in result.messages[0]
    result = fix_moved(folder, {key: {"https://other.test/": "https://b.test/"}})
    assert result.changed == 0 and "not written there as is" in result.messages[0]
    assert (folder / "README.md").read_bytes() == data
    result = fix_moved(folder, {key: {"https://a.test/": "https://b.test/"}})
    assert result.changed == 1  # the link target; the bare mention in the text stays
    assert (folder / "README.md").read_bytes() == data.replace(
        b"(https://a.test/)", b"(https://b.test/)"
    )


def test_fix_moved_refuses_an_edit_that_changes_how_the_index_reads(tmp_path: Path) -> None:
    data = b"* <https://a.test/>\n"  # the title is the URL itself: rewriting it renames the entry
    folder = write(tmp_path, data)
    index = load_index(folder)
    assert index.entries[0].title == "https://a.test/"
    with pytest.raises(ConflictError, match="change how the index reads"):
        fix_moved(folder, {index.entries[0].key: {"https://a.test/": "https://b.test/"}})
    assert (folder / "README.md").read_bytes() == data
