"""The edges to the outside world refuse what is unsafe and never hang or raise."""

from __future__ import annotations

import os
import stat
import threading
import time
import webbrowser
from pathlib import Path

import pyperclip
import pytest

from app.core.errors import ReadnotesError
from app.edges.browser import open_url, url_is_openable
from app.edges.clipboard import copy_native
from app.edges.editor import editor_command, run_editor

# --- browser -----------------------------------------------------------------------------------


class FakeBrowser:
    def __init__(self, answer: bool | Exception = True) -> None:
        self.answer = answer
        self.calls: list[str] = []

    def open(self, url: str, *args: object, **kwargs: object) -> bool:
        self.calls.append(url)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> FakeBrowser:
    fake = FakeBrowser()
    monkeypatch.setattr(webbrowser, "open", fake.open)
    return fake


def test_a_web_link_opens_in_the_browser(browser: FakeBrowser) -> None:
    result = open_url("https://arxiv.org/abs/2310.16944")
    assert result.ok
    assert browser.calls == ["https://arxiv.org/abs/2310.16944"]
    assert "arxiv.org" in result.message


@pytest.mark.parametrize(
    "url",
    [
        "-a x",
        "--help",
        "-https://example.com",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
        "vscode://file/etc/passwd",
        "mailto:a@b.c",
        "//host/x",
        "/etc/passwd",
        "https://example.com/\x1b]52;c;ZXZpbA==\x07",
        "https://example.com/\x00",
        "https://example.com/\x85",
        "https://exa\u202emple.com",
        "https://example.com/a b",
        "https://example.com/\n--new-window",
        "https://",
        "",
    ],
)
def test_unsafe_urls_never_reach_the_browser(browser: FakeBrowser, url: str) -> None:
    result = open_url(url)
    assert not result.ok
    assert browser.calls == []
    assert url_is_openable(url) == result.message
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in result.message)


def test_url_is_openable_accepts_plain_web_urls() -> None:
    assert url_is_openable("http://example.com/a?b=c#d") is None
    assert url_is_openable("HTTPS://EXAMPLE.COM") is None


def test_no_browser_says_so_and_shows_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webbrowser, "open", FakeBrowser(False).open)
    result = open_url("https://example.com/x")
    assert not result.ok
    assert result.message == "No web browser available — the URL is: https://example.com/x"


def test_a_browser_that_raises_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webbrowser, "open", FakeBrowser(webbrowser.Error("boom")).open)
    result = open_url("https://example.com/x")
    assert not result.ok
    assert "https://example.com/x" in result.message


# --- clipboard ---------------------------------------------------------------------------------


def test_a_copy_that_works_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    result = copy_native("https://example.com")
    assert result.ok
    assert copied == ["https://example.com"]


def test_no_clipboard_tool_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_tool(text: str) -> None:
        raise pyperclip.PyperclipException("Pyperclip could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_tool)
    result = copy_native("x")
    assert not result.ok
    assert "clipboard" in result.message
    assert "\n" not in result.message


def test_any_other_clipboard_error_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> None:
        raise OSError("xclip: \x1b[2Jcannot open display\nsecond line")

    monkeypatch.setattr(pyperclip, "copy", broken)
    result = copy_native("x")
    assert not result.ok
    assert "cannot open display" in result.message
    assert "\x1b" not in result.message and "\n" not in result.message


def test_a_hanging_clipboard_tool_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    monkeypatch.setattr(pyperclip, "copy", lambda text: release.wait(10))
    started = time.monotonic()
    try:
        result = copy_native("x", timeout=0.2)
    finally:
        release.set()
    assert time.monotonic() - started < 5
    assert not result.ok
    assert result.message == "The clipboard tool did not answer within 0.2 s"


def test_the_default_timeout_is_two_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    monkeypatch.setattr(pyperclip, "copy", lambda text: release.wait(10))
    try:
        result = copy_native("x")
    finally:
        release.set()
    assert "clipboard tool did not answer within 2 s" in result.message


# --- editor ------------------------------------------------------------------------------------


@pytest.fixture
def path_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty PATH and no editor variables; tests add what they need."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    return folder


def install(folder: Path, name: str) -> Path:
    program = folder / name
    program.write_text("#!/bin/sh\nexit 7\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


NOTE = Path("/notes/papers/Zephyr.md")


def test_visual_wins_over_editor(path_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISUAL", "nvim")
    monkeypatch.setenv("EDITOR", "nano")
    assert editor_command(NOTE) == ["nvim", str(NOTE)]


def test_editor_with_arguments_is_split_like_a_shell(
    path_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "'/opt/my editor/bin/code' --wait")
    assert editor_command(NOTE, 12) == [
        "/opt/my editor/bin/code",
        "--wait",
        "--goto",
        f"{NOTE}:12",
    ]


@pytest.mark.parametrize(
    ("editor", "arguments"),
    [
        ("vi", ["+12", str(NOTE)]),
        ("/usr/bin/vim", ["+12", str(NOTE)]),
        ("nvim", ["+12", str(NOTE)]),
        ("nano", ["+12", str(NOTE)]),
        ("emacs -nw", ["+12", str(NOTE)]),
        ("emacsclient -t", ["+12", str(NOTE)]),
        ("micro", ["+12", str(NOTE)]),
        ("kak", ["+12", str(NOTE)]),
        ("hx", [f"{NOTE}:12"]),
        ("subl -w", [f"{NOTE}:12"]),
        ("code --wait", ["--goto", f"{NOTE}:12"]),
        ("gedit", [str(NOTE)]),
    ],
)
def test_the_line_is_passed_in_each_editors_own_way(
    path_dir: Path, monkeypatch: pytest.MonkeyPatch, editor: str, arguments: list[str]
) -> None:
    monkeypatch.setenv("EDITOR", editor)
    command = editor_command(NOTE, 12)
    assert command[-len(arguments) :] == arguments
    assert command[: -len(arguments)] == editor.split()


def test_without_a_line_only_the_file_is_added(
    path_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "vim")
    assert editor_command(NOTE) == ["vim", str(NOTE)]


def test_an_empty_variable_is_skipped(path_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISUAL", "  ")
    monkeypatch.setenv("EDITOR", "nano")
    assert editor_command(NOTE) == ["nano", str(NOTE)]


def test_the_fallbacks_are_tried_in_order(path_dir: Path) -> None:
    vi = install(path_dir, "vi")
    assert editor_command(NOTE, 3) == [str(vi), "+3", str(NOTE)]
    nano = install(path_dir, "nano")
    assert editor_command(NOTE) == [str(nano), str(NOTE)]
    sensible = install(path_dir, "sensible-editor")
    assert editor_command(NOTE, 3) == [str(sensible), str(NOTE)]


def test_no_editor_at_all_is_a_clear_error(path_dir: Path) -> None:
    with pytest.raises(ReadnotesError, match="EDITOR"):
        editor_command(NOTE)


def test_an_unreadable_editor_variable_is_a_clear_error(
    path_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "vim 'unbalanced")
    with pytest.raises(ReadnotesError, match=r"\$EDITOR"):
        editor_command(NOTE)


def test_a_relative_path_beginning_with_a_dash_is_anchored(
    path_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "vim")
    assert editor_command(Path("-rf.md")) == ["vim", "./-rf.md"]


def test_run_editor_returns_the_exit_code(path_dir: Path) -> None:
    program = install(path_dir, "fake-editor")
    assert run_editor([str(program), os.devnull]) == 7


def test_run_editor_with_a_missing_program_is_a_clear_error(path_dir: Path) -> None:
    with pytest.raises(ReadnotesError, match="Could not start the editor"):
        run_editor([str(path_dir / "nothing-here")])
