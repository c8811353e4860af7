"""Links in untrusted notes: only web pages, notes inside the folder, and anchors get through."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.links import (
    AnchorLink,
    NoteLink,
    Refused,
    WebLink,
    resolve_link,
    safe_path,
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A notes folder with an outside neighbour and symlinks that try to leave."""
    notes = tmp_path / "notes"
    (notes / "papers" / "LLM").mkdir(parents=True)
    (notes / "papers" / "LLM" / "Zephyr.md").write_text("# Zephyr\n")
    (notes / "papers" / "LLM" / "my note.md").write_text("# Mine\n")
    (notes / "blogs" / "ray").mkdir(parents=True)
    (notes / "blogs" / "ray" / "README.md").write_text("# Ray\n")
    (notes / "README.md").write_text("# Index\n")
    (notes / "passwd.md").symlink_to("/etc/passwd")
    (notes / "etc").symlink_to("/etc")
    (notes / "inside.md").symlink_to(notes / "papers" / "LLM" / "Zephyr.md")
    evil = tmp_path / "notes_evil"
    evil.mkdir()
    (evil / "secret.md").write_text("secret\n")
    (notes / "evil").symlink_to(evil)
    return notes


# --- safe_path -----------------------------------------------------------------------------------


def test_safe_path_accepts_a_note_inside(root: Path) -> None:
    assert safe_path(root, "papers/LLM/Zephyr.md") == (root / "papers/LLM/Zephyr.md").resolve()


def test_safe_path_accepts_a_symlink_that_stays_inside(root: Path) -> None:
    assert safe_path(root, "inside.md") == (root / "papers/LLM/Zephyr.md").resolve()


def test_safe_path_accepts_a_path_that_does_not_exist_yet(root: Path) -> None:
    assert safe_path(root, "papers/new.md") == root.resolve() / "papers/new.md"


@pytest.mark.parametrize(
    "rel",
    [
        "passwd.md",
        "etc/passwd",
        "etc",
        "../notes_evil/secret.md",
        "evil/secret.md",
        "../../etc/passwd",
        "/etc/passwd",
        "papers/../../notes_evil/secret.md",
        "bad\x00name.md",
    ],
)
def test_safe_path_refuses_every_way_out(root: Path, rel: str) -> None:
    assert safe_path(root, rel) is None


def test_safe_path_is_not_fooled_by_a_shared_name_prefix(root: Path) -> None:
    sibling = root.parent / "notes_evil" / "secret.md"
    assert safe_path(root, str(sibling)) is None


# --- resolve_link: what gets through ---------------------------------------------------------


def test_https_and_http_links_are_web_links(root: Path) -> None:
    assert resolve_link(root, None, "https://arxiv.org/abs/2310.16944") == WebLink(
        "https://arxiv.org/abs/2310.16944"
    )
    assert resolve_link(root, "a.md", "HTTP://example.com/x?y=1#z") == WebLink(
        "HTTP://example.com/x?y=1#z"
    )


def test_a_relative_note_resolves_against_the_notes_folder(root: Path) -> None:
    link = resolve_link(root, "papers/LLM/Other.md", "Zephyr.md")
    assert link == NoteLink("papers/LLM/Zephyr.md", None)


def test_links_from_the_index_resolve_against_the_root(root: Path) -> None:
    assert resolve_link(root, None, "./papers/LLM/Zephyr.md") == NoteLink(
        "papers/LLM/Zephyr.md", None
    )


def test_dot_dot_that_stays_inside_is_fine(root: Path) -> None:
    link = resolve_link(root, "papers/LLM/Zephyr.md", "../../blogs/ray/README.md")
    assert link == NoteLink("blogs/ray/README.md", None)


def test_a_fragment_becomes_the_anchor(root: Path) -> None:
    link = resolve_link(root, "papers/LLM/Other.md", "Zephyr.md#key-idea")
    assert link == NoteLink("papers/LLM/Zephyr.md", "key-idea")


def test_angle_brackets_and_percent_escapes_are_decoded(root: Path) -> None:
    expected = NoteLink("papers/LLM/my note.md", None)
    assert resolve_link(root, "papers/LLM/Zephyr.md", "<my note.md>") == expected
    assert resolve_link(root, "papers/LLM/Zephyr.md", "my%20note.md") == expected


def test_a_folder_link_ends_with_a_slash(root: Path) -> None:
    assert resolve_link(root, None, "blogs/ray") == NoteLink("blogs/ray/", None)
    assert resolve_link(root, None, "blogs/ray/") == NoteLink("blogs/ray/", None)


def test_links_inside_a_folder_note_resolve_against_that_folder(root: Path) -> None:
    assert resolve_link(root, "blogs/ray/", "README.md") == NoteLink("blogs/ray/README.md", None)


def test_a_missing_note_inside_the_root_still_resolves(root: Path) -> None:
    assert resolve_link(root, None, "papers/absent.md") == NoteLink("papers/absent.md", None)


def test_a_query_string_is_dropped_from_a_local_link(root: Path) -> None:
    assert resolve_link(root, None, "README.md?plain=1") == NoteLink("README.md", None)


def test_a_fragment_alone_is_an_anchor_in_the_same_document(root: Path) -> None:
    assert resolve_link(root, "papers/LLM/Zephyr.md", "#key-idea") == AnchorLink("key-idea")
    assert resolve_link(root, None, "#caf%C3%A9") == AnchorLink("café")


# --- resolve_link: what is refused (issue 6, items 2 and 3) -----------------------------------

HOSTILE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "file:///etc/passwd",
    "vscode://file/etc/passwd",
    "mailto:someone@example.com",
    "ssh://host/x",
    "-a x",
    "--help",
    "-",
    "//host/x",
    "/etc/passwd",
    "~/x",
    "~root/.ssh/id_rsa",
    "C:\\x",
    "c:/windows/system32",
    "\\\\server\\share",
    "../../x",
    "../../../etc/passwd",
    "%2e%2e/%2e%2e/etc/passwd",
    "%2E%2E/x",
    "..%2f..%2fetc%2fpasswd",
    "papers/%2e%2e/%2e%2e/x",
    "notes%00.md",
    "%00",
    "a\x00b.md",
    "note\x1b]52;c;ZXZpbA==\x07.md",
    "https://example.com/\x1b[2J",
    "https://example.com/\x85",
    "https://exa\u202emple.com",
    "https://example.com/a b",
    "https://example.com/\ta",
    "http:/no-host",
    "",
    "passwd.md",
    "etc/passwd",
    "etc",
    "../notes_evil/secret.md",
    "evil/secret.md",
    "Zephyr.md#x\x1b[2J",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_links_are_refused(root: Path, target: str) -> None:
    result = resolve_link(root, None, target)
    assert isinstance(result, Refused), result
    assert result.reason
    assert "\n" not in result.reason


@pytest.mark.parametrize("target", ["../../../notes_evil/secret.md", "../../../etc/passwd"])
def test_escapes_from_a_nested_note_are_refused(root: Path, target: str) -> None:
    assert isinstance(resolve_link(root, "papers/LLM/Zephyr.md", target), Refused)


def test_a_refusal_says_why_in_plain_words(root: Path) -> None:
    result = resolve_link(root, None, "javascript:alert(1)")
    assert isinstance(result, Refused)
    assert "javascript" in result.reason


def test_a_refusal_reason_never_echoes_control_characters(root: Path) -> None:
    result = resolve_link(root, None, "x\x1b]2;title\x07")
    assert isinstance(result, Refused)
    assert "\x1b" not in result.reason


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    base=st.sampled_from([None, "papers/LLM/Zephyr.md", "blogs/ray/", "a.md"]),
    target=st.text(alphabet=st.sampled_from(list("./%2e5cfA#:~-\\ \x00\x1b\u202e")), max_size=24)
    | st.text(max_size=24),
)
def test_no_link_ever_leads_outside_the_root(root: Path, base: str | None, target: str) -> None:
    result = resolve_link(root, base, target)
    if isinstance(result, NoteLink):
        assert safe_path(root, result.rel) is not None
        assert not result.rel.startswith(("/", "../"))
    if isinstance(result, WebLink):
        assert result.url.lower().startswith(("http://", "https://"))
