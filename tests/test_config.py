"""The config file, broken in every way we could think of: a line per problem, defaults kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.config import Config, config_location, default_config_path, load_config
from app.edges.editor import editor_command
from app.ui.settings import binding_ids, ui_problems, usable_keymap, usable_theme

GOOD = """\
# readnotes settings
notes = "notes"
theme = "nord"
editor = "code --wait"
poll = true
record_done_date = true

[keys]
"app.toggle_done" = "space"
tree.down = ["j", "down", "ctrl+n"]
"""


def write(folder: Path, text: str | bytes, name: str = "config.toml") -> Path:
    path = folder / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_every_setting_is_read(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    config = load_config(write(tmp_path, GOOD))
    assert config.problems == ()
    assert config.notes == tmp_path / "notes"  # relative to the config file's folder
    assert config.theme == "nord"
    assert config.editor == ("code", "--wait")
    assert config.poll is True and config.record_done_date is True
    assert dict(config.keys) == {"app.toggle_done": "space", "tree.down": "j,down,ctrl+n"}
    assert ui_problems(config) == []
    assert usable_keymap(config) == dict(config.keys)
    assert usable_theme(config) == "nord"


def test_a_missing_default_file_is_no_config_at_all(tmp_path: Path) -> None:
    assert load_config(tmp_path / "config.toml") == Config()


@pytest.mark.parametrize("text", ["", "\n\n# only comments\n", "\ufeff"])
def test_empty_files_are_all_defaults_without_a_word(tmp_path: Path, text: str) -> None:
    config = load_config(write(tmp_path, text.encode("utf-8")))
    assert config.problems == ()
    assert (config.theme, config.poll, dict(config.keys)) == (None, False, {})


def test_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "\ufeffpoll = true\n".encode()))
    assert config.problems == () and config.poll is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("poll = \n", "is not valid TOML: Invalid value (at line 1, column 8)"),
        ("theme = 'nord'\n[keys\n", "is not valid TOML"),
        ("a = 1\na = 2\n", "is not valid TOML"),
        ("poll = yes\n", "is not valid TOML"),
    ],
)
def test_not_toml_is_one_line_and_all_defaults(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "record_done_date = true\n" + text)
    config = load_config(path)
    assert len(config.problems) == 1
    assert message.split(" (")[0] in config.problems[0]
    assert config.problems[0].startswith(str(path))
    assert config.problems[0].endswith("using the defaults")
    assert config.record_done_date is False  # all defaults, even for the good lines


def test_not_toml_names_the_line(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "poll = true\n\ntheme = \n"))
    assert "line 3" in config.problems[0]


def test_wrong_types_name_their_line_and_keep_the_rest(tmp_path: Path) -> None:
    text = """\
theme = 42
poll = "yes"
record_done_date = 1
editor = ""
notes = []
[keys]
"app.toggle_done" = "space"
"app.undo" = 7
"app.help" = ["f1", 2]
"app.quit" = "ctrl + q"
"""
    path = write(tmp_path, text)
    config = load_config(path)
    assert list(config.problems) == [
        f"{path} line 1: theme must be a non-empty string, not the number 42; ignored",
        f"{path} line 2: poll must be true or false, not the string 'yes'; using the default"
        " (false)",
        f"{path} line 3: record_done_date must be true or false, not the number 1; using the"
        " default (false)",
        f'{path} line 4: editor must be a command such as "nano" or ["code", "--wait"],'
        " not the string ''; ignored",
        f"{path} line 5: notes must be a non-empty string, not a list; ignored",
        f'{path} line 8: key for \'app.undo\' must be a key name such as "space" or "ctrl+t"'
        " (or a list of them), not the number 7; ignored",
        f'{path} line 9: key for \'app.help\' must be a key name such as "space" or "ctrl+t"'
        " (or a list of them), not a list; ignored",
        f"{path} line 10: key for 'app.quit' must be a key name such as \"space\" or"
        " \"ctrl+t\" (or a list of them), not the string 'ctrl + q'; ignored",
    ]
    assert dict(config.keys) == {"app.toggle_done": "space"}
    assert (config.theme, config.poll, config.editor, config.notes) == (None, False, None, None)


def test_unknown_settings_are_named_with_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, "poll = true\ncolour = 'red'\n[display]\nwidth = 3\n")
    config = load_config(path)
    assert config.poll is True
    assert config.problems[0] == (
        f"{path} line 2: unknown setting 'colour' (known: notes, theme, editor, poll,"
        " record_done_date, arxiv_api, crossref_api, network_timeout, link_check_per_host,"
        " images, keys); ignored"
    )
    assert config.problems[1].startswith(f"{path} line 3: unknown setting 'display'")


def test_keys_must_be_a_table(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'keys = "space"\n'))
    assert config.problems == (
        f"{tmp_path / 'config.toml'} line 1: keys must be a table ([keys]), not the string"
        " 'space'; ignored",
    )


def test_unknown_binding_ids_and_themes_are_judged_by_the_ui(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'theme = "solarized-darkest"\nkeys = { "app.toggle_dnoe" = "space", "zzz" = "z" }\n',
    )
    config = load_config(path)
    assert config.problems == ()
    problems = ui_problems(config)
    assert problems[0] == (
        f"{path} line 2: no key binding has the id 'app.toggle_dnoe' (did you mean"
        " 'app.toggle_done'?); ignored"
    )
    assert problems[1] == (
        f"{path} line 2: no key binding has the id 'zzz' (the README lists them); ignored"
    )
    assert problems[2].startswith(f"{path} line 1: unknown theme 'solarized-darkest' (known: ")
    assert usable_keymap(config) == {} and usable_theme(config) is None


def test_binding_ids_cover_every_widget_of_the_app() -> None:
    ids = binding_ids()
    assert {"app.toggle_done", "app.quit", "tree.down", "filter.escape", "help.close"} <= ids


def test_a_notes_folder_that_does_not_exist_is_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, 'poll = true\nnotes = "~/no/such/folder/for/readnotes"\n')
    config = load_config(path)
    assert config.notes is None and config.poll is True
    assert config.problems[0].startswith(f"{path} line 2: notes folder ")
    assert config.problems[0].endswith("no/such/folder/for/readnotes does not exist; ignored")


def test_a_folder_instead_of_a_file(tmp_path: Path) -> None:
    config = load_config(tmp_path, explicit=True)
    assert config.problems == (
        f"config file {tmp_path} is a folder, not a file; using the defaults",
    )


def test_a_named_file_that_does_not_exist(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nope.toml", explicit=True)
    assert config.problems == (
        f"config file {tmp_path / 'nope.toml'} does not exist; using the defaults",
    )


def test_an_unreadable_path(tmp_path: Path) -> None:
    blocker = write(tmp_path, "x", name="file")
    config = load_config(blocker / "config.toml", explicit=True)
    assert config.problems == (
        f"cannot read config file {blocker / 'config.toml'} (Not a directory); using the defaults",
    )


def test_a_file_without_read_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "poll = true\n")
    path.chmod(0)
    real_open = open

    def deny_like_a_normal_user(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(path):  # root ignores modes; a user gets EACCES
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", deny_like_a_normal_user)
    assert "Permission denied" in load_config(path).problems[0]


def test_not_utf8_and_binary_and_huge(tmp_path: Path) -> None:
    assert "is not UTF-8" in load_config(write(tmp_path, b"theme = '\xff'\n")).problems[0]
    binary = load_config(write(tmp_path, b"\x00\x01\x02", name="b.toml")).problems[0]
    assert "not valid TOML" in binary
    huge = write(tmp_path, b"# " + b"x" * (2 * 1024 * 1024), name="huge.toml")
    assert "over 1 MB" in load_config(huge).problems[0]


def test_a_deeply_nested_file_is_refused_not_a_crash(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "x = " + "[" * 5000 + "]" * 5000 + "\n"))
    assert len(config.problems) == 1 and "using the defaults" in config.problems[0]


def test_escapes_in_a_config_are_never_echoed(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'theme = "\\u001b[31mred"\n"\\u001b]0;x" = 1\n'))
    assert config.problems and not any("\x1b" in problem for problem in config.problems)
    assert not any("\x1b" in problem for problem in ui_problems(config))


def test_where_the_config_is_looked_for(tmp_path: Path) -> None:
    env = {"READNOTES_CONFIG": str(tmp_path / "env.toml")}
    assert config_location(str(tmp_path / "opt.toml"), env) == (tmp_path / "opt.toml", True)
    assert config_location(None, env) == (tmp_path / "env.toml", True)
    assert config_location(None, {}) == (default_config_path(), False)
    assert default_config_path().name == "config.toml"
    assert "readnotes" in default_config_path().parts


def test_the_editor_setting_comes_before_visual_and_editor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUAL", "vim")
    note = tmp_path / "n.md"
    assert editor_command(note, 3, ("code", "--wait")) == ["code", "--wait", "--goto", f"{note}:3"]
    assert editor_command(note, 3) == ["vim", "+3", str(note)]


# -- through the command line ----------------------------------------------------------------


def run(*args: str | Path, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        env={**os.environ, **env},
    )


def test_the_cli_says_each_problem_once_and_carries_on(notes_copy: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "poll = 'yes'\ncolour = 1\n")
    result = run("list", notes_copy, "--config", path)
    assert result.returncode == 0
    assert "Attention Is All You Need" in result.stdout
    assert result.stderr.splitlines() == [
        f"readnotes: warning: {path} line 1: poll must be true or false, not the string 'yes';"
        " using the default (false)",
        f"readnotes: warning: {path} line 2: unknown setting 'colour' (known: notes, theme,"
        " editor, poll, record_done_date, arxiv_api, crossref_api, network_timeout,"
        " link_check_per_host, images, keys); ignored",
    ]


def test_a_config_that_is_not_toml_never_gives_a_traceback(
    notes_copy: Path, tmp_path: Path
) -> None:
    path = write(tmp_path, b"\x00\xff[[[")
    result = run("stats", notes_copy, READNOTES_CONFIG=str(path))
    assert result.returncode == 0
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"readnotes: warning: config file {path} is not UTF-8")


def test_the_config_notes_folder_is_used_when_path_is_omitted(
    notes_copy: Path, tmp_path: Path
) -> None:
    path = write(tmp_path, f'notes = "{notes_copy}"\n')
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    result = run("list", "--todo", "--config", path, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "Ray" in result.stdout
    # a folder with its own index wins over the config
    (elsewhere / "README.md").write_text("## Here\n\n- [ ] Local entry\n")
    local = run("list", "--config", path, cwd=elsewhere)
    assert "Local entry" in local.stdout and "Ray" not in local.stdout


def test_the_default_config_file_is_read(notes_copy: Path, private_settings: Path) -> None:
    folder = private_settings / "config" / "readnotes"
    folder.mkdir(parents=True)
    write(folder, "record_done_date = true\n")
    result = run("done", notes_copy, "--match", "Phi")  # the entry whose note has no header
    assert result.returncode == 0, result.stderr
    note = (notes_copy / "papers/LLM/Phi1.5.md").read_text()
    assert note.startswith("---\ndone: ")


def test_keys_of_screens_opened_later_can_be_remapped_from_a_fresh_start() -> None:
    """The help, search, add and outline screens are imported when first opened; a keymap
    naming their keys is still checked against them (in a fresh interpreter: no other test
    has imported them)."""
    import subprocess
    import sys

    code = (
        "from app.ui.settings import binding_ids\n"
        "print(sorted({'help.close', 'add.cancel', 'search.close', 'outline.close'}"
        " - binding_ids()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("value", ["auto", "kitty", "sixel", "off", "Kitty"])
def test_images_picks_how_figures_are_drawn(tmp_path: Path, value: str) -> None:
    config = load_config(write(tmp_path, f'images = "{value}"\n'))
    assert config.problems == () and config.images == value.lower()


def test_a_wrong_images_value_is_named_and_auto_kept(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'poll = true\nimages = "iterm"\n'))
    assert config.images == "auto"
    (problem,) = config.problems
    assert problem.endswith(
        'config.toml line 2: images must be one of "auto", "kitty", "sixel", "off",'
        " not the string 'iterm'; using the default"
    )


def test_images_on_the_command_line_must_be_a_known_mode(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", str(tmp_path), "--images", "iterm"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "argument --images: invalid choice: 'iterm'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
