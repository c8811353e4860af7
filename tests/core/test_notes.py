"""Loading a note for the preview: every broken or hostile file becomes something honest to show."""

from __future__ import annotations

import os
from pathlib import Path

import frontmatter
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import ReadnotesError
from app.core.links import NoteLink, resolve_link
from app.core.names import folder_note_name
from app.core.notes import NoteKind, create_note_stub, folder_note, load_note, read_tags
from app.core.parse import find_index


@pytest.fixture
def root(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    return notes


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


# --- ordinary notes ------------------------------------------------------------------------------


def test_a_note_with_frontmatter_shows_meta_in_file_order_and_the_body(root: Path) -> None:
    write(
        root,
        "papers/Zephyr.md",
        "---\ntitle: Zephyr\nauthors: [Lewis Tunstall, Edward Beeching]\nyear: 2023\n"
        "tags: [llm, distillation]\n---\n# Zephyr\n\nDistilled DPO.\n",
    )
    doc = load_note(root, "papers/Zephyr.md")
    assert doc.kind is NoteKind.MARKDOWN
    assert doc.meta == [
        ("title", "Zephyr"),
        ("authors", "Lewis Tunstall, Edward Beeching"),
        ("year", "2023"),
        ("tags", "llm, distillation"),
    ]
    assert doc.tags == ("llm", "distillation")
    assert doc.body == "# Zephyr\n\nDistilled DPO.\n"
    assert doc.warnings == []
    assert doc.message is None
    assert doc.path == (root / "papers/Zephyr.md").resolve()
    assert doc.size == (root / "papers/Zephyr.md").stat().st_size
    assert doc.mtime_ns == (root / "papers/Zephyr.md").stat().st_mtime_ns


def test_a_note_without_frontmatter_is_all_body(root: Path) -> None:
    write(root, "a.md", "# Title\n\nText.\n")
    doc = load_note(root, "a.md")
    assert (doc.kind, doc.body, doc.meta, doc.warnings) == (
        NoteKind.MARKDOWN,
        "# Title\n\nText.\n",
        [],
        [],
    )


def test_a_stub_with_only_a_heading_is_markdown(root: Path) -> None:
    write(root, "Phi1.5.md", "# Phi-1.5\n")
    assert load_note(root, "Phi1.5.md").kind is NoteKind.MARKDOWN


def test_crlf_notes_read_like_lf_notes(root: Path) -> None:
    write(root, "a.md", "---\r\ntitle: A\r\n---\r\n# A\r\n\r\ntext\r\n")
    doc = load_note(root, "a.md")
    assert doc.meta == [("title", "A")]
    assert doc.body == "# A\n\ntext\n"


# --- frontmatter guards (issue 6, item 6) ---------------------------------------------------


def test_python_frontmatter_loads_yaml_safely_by_default() -> None:
    """The premise of using its loader: no Python objects are ever built from a note."""
    with pytest.raises(yaml.YAMLError):
        frontmatter.loads("---\nx: !!python/object/apply:os.getcwd []\n---\nbody\n")


def test_a_note_starting_with_a_horizontal_rule_keeps_its_text(root: Path) -> None:
    text = "---\n\nThis note opens with a rule.\n\n---\n\nAnd has another one above.\n"
    write(root, "rule.md", text)
    doc = load_note(root, "rule.md")
    assert doc.body == text
    assert doc.meta == []
    assert doc.warnings == []


def test_a_rule_then_prose_that_is_not_yaml_keeps_the_text_with_a_warning(root: Path) -> None:
    text = "---\nIntro: the key: idea, in short\n---\nMore.\n"
    write(root, "rule.md", text)
    doc = load_note(root, "rule.md")
    assert doc.body == text
    assert doc.meta == []
    assert len(doc.warnings) == 1


def test_a_single_rule_with_no_closing_line_is_body(root: Path) -> None:
    write(root, "a.md", "---\ntitle: never closed\n# Heading\n")
    doc = load_note(root, "a.md")
    assert doc.body == "---\ntitle: never closed\n# Heading\n"
    assert doc.meta == []


def test_a_bom_before_frontmatter_is_stripped(root: Path) -> None:
    write(root, "bom.md", "\ufeff---\ntitle: With BOM\n---\n# Body\n".encode())
    doc = load_note(root, "bom.md")
    assert doc.meta == [("title", "With BOM")]
    assert doc.body == "# Body\n"
    assert not doc.body.startswith("\ufeff")


@pytest.mark.parametrize(
    "header",
    [
        "title: [unclosed\n",  # malformed YAML
        "title: x\nauthors:\n\t- tab indented\n",  # tabs are not YAML indentation
        'title: "unterminated\n',
        "a: b: c\n",
    ],
)
def test_malformed_yaml_warns_and_shows_the_whole_note(root: Path, header: str) -> None:
    text = f"---\n{header}---\n# Body\n"
    write(root, "bad.md", text)
    doc = load_note(root, "bad.md")
    assert doc.kind is NoteKind.MARKDOWN
    assert doc.body == text
    assert doc.meta == []
    assert len(doc.warnings) == 1
    assert "YAML" in doc.warnings[0]
    assert "\n" not in doc.warnings[0]


def test_a_python_object_tag_is_never_executed(root: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"---\ntitle: x\nrun: !!python/object/apply:os.system ['touch {marker}']\n---\n# Body\n"
    write(root, "evil.md", text)
    doc = load_note(root, "evil.md")
    assert not marker.exists()
    assert doc.body == text
    assert doc.meta == []
    assert doc.warnings and "safely" in doc.warnings[0]


def test_a_yaml_list_instead_of_a_mapping_warns(root: Path) -> None:
    text = "---\n- one\n- two\n---\n# Body\n"
    write(root, "list.md", text)
    doc = load_note(root, "list.md")
    assert doc.body == text
    assert doc.meta == []
    assert doc.warnings == ["Frontmatter is a YAML list, not key: value pairs; shown as text"]


def test_a_yaml_scalar_between_rules_is_treated_as_prose(root: Path) -> None:
    """Indistinguishable from a note that opens with a rule, so no warning: the text is shown."""
    text = "---\njust some words\n---\n# Body\n"
    write(root, "scalar.md", text)
    doc = load_note(root, "scalar.md")
    assert (doc.body, doc.meta, doc.warnings) == (text, [], [])


def test_a_json_looking_first_line_is_plain_text(root: Path) -> None:
    text = '{"title": "x", "tags": ["a"]}\n\n# Body\n'
    write(root, "json.md", text)
    doc = load_note(root, "json.md")
    assert (doc.body, doc.meta, doc.warnings) == (text, [], [])


def test_json_frontmatter_is_shown_as_text_with_a_warning(root: Path) -> None:
    text = '{\n"title": "x"\n}\n# Body\n'
    write(root, "json.md", text)
    doc = load_note(root, "json.md")
    assert doc.body == text
    assert doc.meta == []
    assert doc.warnings and "JSON" in doc.warnings[0]


def test_toml_frontmatter_is_parsed_with_tomllib(root: Path) -> None:
    write(
        root,
        "hugo.md",
        '+++\ntitle = "Hugo"\ndraft = false\ndate = 2023-01-05\ntags = ["a", "b"]\n+++\n# Body\n',
    )
    doc = load_note(root, "hugo.md")
    assert doc.meta == [
        ("title", "Hugo"),
        ("draft", "false"),
        ("date", "2023-01-05"),
        ("tags", "a, b"),
    ]
    assert doc.tags == ("a", "b")
    assert doc.body == "# Body\n"
    assert doc.warnings == []


def test_malformed_toml_frontmatter_warns_and_shows_the_whole_note(root: Path) -> None:
    text = "+++\ntitle = \n+++\n# Body\n"
    write(root, "bad.md", text)
    doc = load_note(root, "bad.md")
    assert doc.body == text
    assert doc.warnings and "TOML" in doc.warnings[0]


def test_values_are_shown_as_written_not_as_yaml_1_1_reads_them(root: Path) -> None:
    write(
        root,
        "a.md",
        "---\nstatus: no\nreviewed: Yes\ncountry: NO\nread: 2023-01-05\n"
        "at: 2001-12-14t21:59:43.10-05:00\nversion: 1.10\noctal: 0o17\nempty:\n"
        "quoted: 'on'\n---\n",
    )
    assert load_note(root, "a.md").meta == [
        ("status", "no"),
        ("reviewed", "Yes"),
        ("country", "NO"),
        ("read", "2023-01-05"),
        ("at", "2001-12-14t21:59:43.10-05:00"),
        ("version", "1.10"),
        ("octal", "0o17"),
        ("empty", ""),
        ("quoted", "on"),
    ]


def test_nested_and_multiline_values_become_one_short_line(root: Path) -> None:
    write(
        root,
        "a.md",
        "---\nlinks:\n  paper: https://arxiv.org/x\n  code: https://github.com/x\n"
        f"summary: |\n  two\n  lines\nlong: {'x' * 1000}\n---\n",
    )
    meta = dict(load_note(root, "a.md").meta)
    assert meta["links"] == "paper: https://arxiv.org/x, code: https://github.com/x"
    assert meta["summary"] == "two lines"
    assert len(meta["long"]) <= 300
    assert meta["long"].endswith("…")


def test_an_impossible_date_is_shown_as_written_with_a_warning(root: Path) -> None:
    write(root, "a.md", "---\ntitle: A\nread: 2023-02-30\n---\n# A\n")
    doc = load_note(root, "a.md")
    assert doc.meta == [("title", "A"), ("read", "2023-02-30")]
    assert doc.body == "# A\n"
    assert len(doc.warnings) == 1


def test_an_alias_bomb_returns_with_a_warning(root: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [{','.join([f'*{previous}'] * 9)}]")
    text = "---\n" + "\n".join(lines) + "\n---\n# Body\n"
    write(root, "bomb.md", text)
    doc = load_note(root, "bomb.md")
    assert doc.body == text
    assert doc.meta == []
    assert doc.warnings and "alias" in doc.warnings[0]


def test_a_recursive_alias_returns_with_a_warning(root: Path) -> None:
    write(root, "loop.md", "---\na: &a [*a]\n---\n# Body\n")
    doc = load_note(root, "loop.md")
    assert doc.meta == []
    assert len(doc.warnings) == 1


def test_frontmatter_larger_than_64_kb_is_not_parsed(root: Path) -> None:
    header = "".join(f"key{i}: value {i}\n" for i in range(5000))
    text = f"---\n{header}---\n# Body\n"
    write(root, "huge.md", text)
    doc = load_note(root, "huge.md")
    assert doc.body == text
    assert doc.meta == []
    assert doc.warnings and "64 KB" in doc.warnings[0]


@pytest.mark.parametrize("depth", [100, 900, 20_000])
def test_deeply_nested_yaml_does_not_crash(root: Path, depth: int) -> None:
    text = "---\na: " + "[" * depth + "]" * depth + "\n---\n# Body\n"
    write(root, "deep.md", text)
    doc = load_note(root, "deep.md")
    assert doc.body == text
    assert len(doc.warnings) == 1


@pytest.mark.parametrize("depth", [100, 900, 20_000])
def test_deeply_nested_toml_does_not_crash(root: Path, depth: int) -> None:
    text = "+++\na = " + "[" * depth + "]" * depth + "\n+++\n# Body\n"
    write(root, "deep.md", text)
    doc = load_note(root, "deep.md")
    assert doc.kind is NoteKind.MARKDOWN
    assert len(doc.meta) + len(doc.warnings) == 1


def test_an_empty_frontmatter_block_is_dropped(root: Path) -> None:
    write(root, "a.md", "---\n---\n# Body\n")
    doc = load_note(root, "a.md")
    assert (doc.body, doc.meta, doc.warnings) == ("# Body\n", [], [])


def test_tags_as_a_comma_string_or_a_single_word(root: Path) -> None:
    write(root, "a.md", '---\ntags: "llm, #rlhf, , llm"\n---\n')
    write(root, "b.md", "---\ntag: survey\n---\n")
    assert load_note(root, "a.md").tags == ("llm", "rlhf")
    assert load_note(root, "b.md").tags == ("survey",)


# --- terminal payloads (issue 6, item 1) -----------------------------------------------------


def test_escape_sequences_in_body_meta_and_tags_are_made_inert(root: Path) -> None:
    write(
        root,
        "evil.md",
        '---\ntitle: "\\e]2;pwned\\a"\ntags: ["\\e[2J", ok]\n---\n'
        "# Hi \x1b]52;c;ZXZpbA==\x07\n\u202etxt.exe\n\x9b2J\n",
    )
    doc = load_note(root, "evil.md")
    everything = doc.body + "".join(k + v for k, v in doc.meta) + "".join(doc.tags)
    assert not any(ord(c) < 0x20 and c not in "\t\n" for c in everything)
    assert not any(0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in everything)
    assert "␛]52;c;ZXZpbA==␇" in doc.body
    assert dict(doc.meta)["title"] == "␛]2;pwned␇"


def test_a_hostile_file_name_is_inert_in_the_message(root: Path) -> None:
    doc = load_note(root, "x\x1b]2;t\x07.md")
    assert doc.kind is NoteKind.MISSING
    assert doc.message is not None
    assert "\x1b" not in doc.message and "\x07" not in doc.message


# --- files that are not notes (issue 6, items 7 and 11) -------------------------------------


def test_a_missing_note_says_so(root: Path) -> None:
    doc = load_note(root, "papers/x.md")
    assert doc.kind is NoteKind.MISSING
    assert doc.message == "Note file not found: papers/x.md"


def test_a_png_named_md_is_binary(root: Path) -> None:
    write(root, "image.md", b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)))
    doc = load_note(root, "image.md")
    assert doc.kind is NoteKind.BINARY
    assert doc.message is not None and "PNG" in doc.message
    assert doc.body == ""


@pytest.mark.parametrize(
    ("content", "what"),
    [(b"\xff\xd8\xff\xe0JFIF", "JPEG"), (b"%PDF-1.7\n", "PDF"), (b"text\x00more", "binary")],
)
def test_other_binary_files_are_recognised(root: Path, content: bytes, what: str) -> None:
    write(root, "file.md", content)
    doc = load_note(root, "file.md")
    assert doc.kind is NoteKind.BINARY
    assert doc.message is not None and what in doc.message


def test_a_non_utf8_note_shows_what_can_be_read(root: Path) -> None:
    write(root, "latin1.md", "# Café\n\nNaïve text.\n".encode("latin-1"))
    doc = load_note(root, "latin1.md")
    assert doc.kind is NoteKind.NOT_UTF8
    assert doc.message is not None and "UTF-8" in doc.message
    assert doc.body == "# Caf�\n\nNa�ve text.\n"


def test_a_non_utf8_note_still_has_its_frontmatter(root: Path) -> None:
    write(root, "a.md", b"---\ntitle: A\n---\n# Caf\xe9\n")
    doc = load_note(root, "a.md")
    assert doc.kind is NoteKind.NOT_UTF8
    assert doc.meta == [("title", "A")]


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_an_empty_note_is_empty(root: Path, content: bytes) -> None:
    write(root, "empty.md", content)
    doc = load_note(root, "empty.md")
    assert doc.kind is NoteKind.EMPTY
    assert doc.message == "This note is empty: empty.md"


def test_a_symlink_to_etc_passwd_is_refused(root: Path) -> None:
    (root / "passwd.md").symlink_to("/etc/passwd")
    doc = load_note(root, "passwd.md")
    assert doc.kind is NoteKind.REFUSED
    assert doc.path is None
    assert doc.body == ""


def test_a_sibling_folder_is_refused(root: Path) -> None:
    write(root.parent / "notes_evil", "secret.md", "secret")
    doc = load_note(root, "../notes_evil/secret.md")
    assert doc.kind is NoteKind.REFUSED
    assert "secret" not in doc.body


def test_a_symlinked_folder_out_of_the_root_is_refused(root: Path) -> None:
    (root / "etc").symlink_to("/etc")
    assert load_note(root, "etc/").kind is NoteKind.REFUSED
    assert load_note(root, "etc/hostname").kind is NoteKind.REFUSED


def test_a_fifo_is_unreadable_and_does_not_block(root: Path) -> None:
    os.mkfifo(root / "pipe.md")
    doc = load_note(root, "pipe.md")
    assert doc.kind is NoteKind.UNREADABLE


def test_a_symlink_loop_is_a_notice_not_a_crash(root: Path) -> None:
    (root / "a.md").symlink_to(root / "b.md")
    (root / "b.md").symlink_to(root / "a.md")
    doc = load_note(root, "a.md")
    assert doc.kind in (NoteKind.UNREADABLE, NoteKind.MISSING, NoteKind.REFUSED)
    assert doc.message


def test_a_permission_denied_note_is_unreadable(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(root, "secret.md", "# Secret\n")
    path.chmod(0)
    real_open = os.open

    def deny_like_a_normal_user(target: object, *args: object, **kwargs: object) -> int:
        if str(target).endswith("secret.md"):  # root ignores modes; a user would get EACCES
            raise PermissionError(13, "Permission denied", str(target))
        return real_open(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny_like_a_normal_user)
    doc = load_note(root, "secret.md")
    assert doc.kind is NoteKind.UNREADABLE
    assert doc.message is not None and "secret.md" in doc.message


def test_a_file_asked_for_as_a_folder_is_missing(root: Path) -> None:
    write(root, "a.md", "# A\n")
    assert load_note(root, "a.md/").kind is NoteKind.MISSING


# --- folders -----------------------------------------------------------------------------------


def test_a_folder_note_shows_its_readme(root: Path) -> None:
    write(root, "blogs/ray/README.md", "# Ray\n\n[core](core.md)\n")
    write(root, "blogs/ray/core.md", "# Core\n")
    doc = load_note(root, "blogs/ray/")
    assert doc.kind is NoteKind.FOLDER_README
    assert doc.rel == "blogs/ray/"
    assert doc.path == (root / "blogs/ray/README.md").resolve()
    assert doc.body.startswith("# Ray")
    assert resolve_link(root, doc.rel, "core.md") == NoteLink("blogs/ray/core.md", None)


def test_a_folder_named_without_a_slash_is_still_a_folder(root: Path) -> None:
    write(root, "blogs/ray/README.md", "# Ray\n")
    doc = load_note(root, "blogs/ray")
    assert (doc.kind, doc.rel) == (NoteKind.FOLDER_README, "blogs/ray/")


@pytest.mark.parametrize("name", ["index.md", "readme.md", "Readme.MD", "INDEX.md"])
def test_a_folder_readme_may_be_named_in_any_case(root: Path, name: str) -> None:
    write(root, f"f/{name}", "# Folder\n")
    doc = load_note(root, "f/")
    assert doc.kind is NoteKind.FOLDER_README
    assert doc.path is not None and doc.path.name == name


def test_readme_wins_over_index(root: Path) -> None:
    write(root, "f/index.md", "# Index\n")
    write(root, "f/README.md", "# Readme\n")
    assert load_note(root, "f/").body == "# Readme\n"


def test_a_folder_without_readme_lists_its_notes_recursively(root: Path) -> None:
    for name in [
        "ch01.md",
        "ch02 intro.md",
        "part2/ch03.md",
        "notes.txt",
        ".hidden.md",
        ".git/HEAD.md",
        "ch01.md~",
        ".ch01.md.swp",
        "draft.md.swx",
        "ch04.md.tmp",
        "#ch05.md#",
        "4913",
    ]:
        write(root, f"books/cpp/{name}", "# x\n")
    doc = load_note(root, "books/cpp/")
    assert doc.kind is NoteKind.FOLDER_LISTING
    assert doc.path is None
    links = [line for line in doc.body.splitlines() if line.startswith("- ")]
    assert links == [
        "- [ch01.md](ch01.md)",
        "- [ch02 intro.md](ch02%20intro.md)",
        "- [part2/ch03.md](part2/ch03.md)",
    ]


def test_every_listed_note_can_be_followed(root: Path) -> None:
    for name in ["a b.md", "sub/c_[1].md", "sub/deeper/d%.md"]:
        write(root, f"books/{name}", "# x\n")
    doc = load_note(root, "books/")
    targets = [line.rsplit("](", 1)[1][:-1] for line in doc.body.splitlines() if line[:2] == "- "]
    resolved = [resolve_link(root, doc.rel, target) for target in targets]
    assert resolved == [
        NoteLink("books/a b.md", None),
        NoteLink("books/sub/c_[1].md", None),
        NoteLink("books/sub/deeper/d%.md", None),
    ]


def test_a_listing_skips_symlinks_that_leave_the_root(root: Path) -> None:
    write(root, "books/ok.md", "# ok\n")
    (root / "books" / "passwd.md").symlink_to("/etc/passwd")
    body = load_note(root, "books/").body
    assert "ok.md" in body
    assert "passwd" not in body


def test_an_empty_folder_says_so(root: Path) -> None:
    (root / "empty").mkdir()
    doc = load_note(root, "empty/")
    assert doc.kind is NoteKind.FOLDER_LISTING
    assert "No Markdown files" in doc.body


def test_a_readme_replaced_by_a_directory_falls_back_to_the_listing(root: Path) -> None:
    (root / "f" / "README.md").mkdir(parents=True)
    write(root, "f/a.md", "# A\n")
    doc = load_note(root, "f/")
    assert doc.kind is NoteKind.FOLDER_LISTING
    assert "- [a.md](a.md)" in doc.body


def test_a_folder_readme_that_is_binary_says_so(root: Path) -> None:
    write(root, "f/README.md", b"\x89PNG\r\n\x1a\n")
    assert load_note(root, "f/").kind is NoteKind.BINARY


# --- big notes (issue 6, item 8) ---------------------------------------------------------------


def test_a_big_note_is_truncated_at_a_line_end(root: Path) -> None:
    line = "A paragraph of reading notes, repeated to make a large file.\n"
    write(root, "big.md", line * 100_000)
    doc = load_note(root, "big.md", max_bytes=100_000)
    assert doc.kind is NoteKind.MARKDOWN
    assert doc.truncated
    assert len(doc.body.encode()) <= 100_000
    assert doc.body.endswith("file.\n")
    assert doc.size == len(line) * 100_000
    assert doc.warnings == [
        f"Note truncated: only the first {len(doc.body):,} of {doc.size:,} bytes are shown"
    ]


def test_truncation_inside_a_multibyte_character_is_still_utf8(root: Path) -> None:
    write(root, "one-line.md", "é" * 1000)
    doc = load_note(root, "one-line.md", max_bytes=1001)
    assert doc.kind is NoteKind.MARKDOWN
    assert doc.truncated
    assert doc.body == "é" * 500


def test_a_note_under_the_limit_is_not_truncated(root: Path) -> None:
    write(root, "a.md", "# A\n")
    doc = load_note(root, "a.md", max_bytes=4)
    assert not doc.truncated
    assert doc.body == "# A\n"


# --- read_tags ---------------------------------------------------------------------------------


def test_read_tags_reads_the_frontmatter_tags(root: Path) -> None:
    write(root, "a.md", "---\ntitle: A\ntags: [llm, 'rlhf']\n---\n# A\n")
    assert read_tags(root, "a.md") == ("llm", "rlhf")


def test_read_tags_of_a_big_note_reads_only_its_head(root: Path) -> None:
    write(root, "big.md", "---\ntags: [big]\n---\n" + "x" * 5_000_000 + "\n")
    assert read_tags(root, "big.md") == ("big",)


@pytest.mark.parametrize(
    ("rel", "content"),
    [
        ("plain.md", "# no frontmatter\n"),
        ("bad.md", "---\ntags: [unclosed\n---\n"),
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00"),
        ("missing.md", None),
        ("../outside.md", "---\ntags: [secret]\n---\n"),
    ],
)
def test_read_tags_is_empty_when_there_are_none_to_read(
    root: Path, rel: str, content: str | bytes | None
) -> None:
    if content is not None:
        write(root, rel, content)
    assert read_tags(root, rel) == ()


# --- create_note_stub --------------------------------------------------------------------------


def test_a_missing_note_is_created_with_its_title(root: Path) -> None:
    path = create_note_stub(
        root, "papers/new/Transformer Math.md", "Transformer Inference Arithmetic"
    )
    assert path == (root / "papers/new/Transformer Math.md").resolve()
    assert path.read_bytes() == b"# Transformer Inference Arithmetic\n"


def test_an_existing_note_is_never_overwritten(root: Path) -> None:
    write(root, "a.md", "my words\n")
    with pytest.raises(ReadnotesError, match="already exists"):
        create_note_stub(root, "a.md", "A")
    assert (root / "a.md").read_text() == "my words\n"


def test_a_dangling_symlink_is_not_followed_when_creating(root: Path, tmp_path: Path) -> None:
    (root / "a.md").symlink_to(tmp_path / "outside.md")
    with pytest.raises(ReadnotesError):
        create_note_stub(root, "a.md", "A")
    assert not (tmp_path / "outside.md").exists()


@pytest.mark.parametrize("rel", ["../outside.md", "out/x.md", "/tmp/x.md", "", "folder/"])
def test_a_stub_outside_the_root_is_refused(root: Path, tmp_path: Path, rel: str) -> None:
    (tmp_path / "elsewhere").mkdir()
    (root / "out").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ReadnotesError):
        create_note_stub(root, rel, "X")
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert not (tmp_path / "outside.md").exists()


def test_a_stub_under_a_file_is_a_clear_error(root: Path) -> None:
    write(root, "papers", "not a folder\n")
    with pytest.raises(ReadnotesError, match="Cannot create the folder"):
        create_note_stub(root, "papers/x.md", "X")


def test_a_stub_title_is_one_inert_line(root: Path) -> None:
    path = create_note_stub(root, "a.md", "Two\nlines \x1b[2J")
    assert path.read_text() == "# Two lines ␛[2J\n"


# --- never raises --------------------------------------------------------------------------------


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    head=st.sampled_from(["", "---\n", "\ufeff---\n", "+++\n", "{\n"]),
    middle=st.binary(max_size=300),
    tail=st.sampled_from(["", "---\n", "...\n", "+++\n", "}\n"]),
)
def test_any_bytes_load_without_raising(root: Path, head: str, middle: bytes, tail: str) -> None:
    write(root, "fuzz.md", head.encode() + middle + b"\n" + tail.encode() + b"body\n")
    doc = load_note(root, "fuzz.md")
    shown = doc.body + "".join(k + v for k, v in doc.meta) + "".join(doc.warnings)
    assert not any(ord(c) < 0x20 and c not in "\t\n" for c in shown)
    assert read_tags(root, "fuzz.md") == doc.tags or doc.kind is not NoteKind.MARKDOWN


@pytest.mark.parametrize(
    ("names", "chosen"),
    [
        (["README.md", "index.md"], "README.md"),
        (["Readme.md", "index.md"], "Readme.md"),
        (["readme.md", "README.md"], "README.md"),
        (["INDEX.md", "notes.md"], "INDEX.md"),
        (["index.md", "Index.md"], "index.md"),
        (["notes.md", "README.txt"], None),
    ],
)
def test_one_rule_names_a_folders_note(names: list[str], chosen: str | None) -> None:
    assert folder_note_name(names) == chosen


def test_a_folder_note_named_readme_in_another_case_is_shown_searched_and_indexed(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "paper"
    folder.mkdir()
    (folder / "Readme.md").write_text("# The paper\n\nflash attention\n")
    (folder / "other.md").write_text("other\n")
    assert folder_note(folder) == "Readme.md"
    doc = load_note(tmp_path, "paper/")
    assert doc.kind is NoteKind.FOLDER_README and doc.path == folder / "Readme.md"
    assert find_index(folder) == folder / "Readme.md"


def test_tags_of_a_note_that_is_a_folder_named_like_a_file_are_none(root: Path) -> None:
    (root / "dir/README.md").mkdir(parents=True)
    assert read_tags(root, "dir/README.md") == ()
