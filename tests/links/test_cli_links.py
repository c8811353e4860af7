"""``readnotes check --links`` and ``fix-links`` as a user runs them: real subprocesses, local
servers, the cache folder the tests' conftest points READNOTES_CACHE_DIR at."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from link_servers import LinkServer, closed_port_url


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def notes(tmp_path: Path, text: str | bytes) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir(exist_ok=True)
    data = text.encode() if isinstance(text, str) else text
    (folder / "README.md").write_bytes(data)
    return folder


def index_for(servers: list[LinkServer]) -> str:
    one, two = servers[0], servers[1]
    return (
        "# Reading\n\n## Papers\n\n"
        f"* Fine paper [[paper]({one.url('/ok/1')})][[code]({two.url('/head405')})]\n"
        f"* TODO Gone paper [[paper]({one.url('/status/404')})]\n"
        f"* Moved post [[blog]({two.url('/moved')})]\n"
        f"* Locked page [[blog]({one.url('/status/403')})]\n"
        f"* Nobody home [[blog]({closed_port_url()})]\n"
    )


def test_check_links_lists_each_problem_with_its_line_and_title(
    tmp_path: Path, servers: list[LinkServer]
) -> None:
    folder = notes(tmp_path, index_for(servers))
    result = run("check", folder, "--links", "--timeout", "2")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("README.md:6: dead-link http://127.0.0.1:")
    assert lines[0].endswith("/status/404: the server answered 404 — Gone paper")
    assert lines[1].startswith("README.md:7: moved-link ")
    assert f"moved permanently to {servers[1].url('/ok/final')} — Moved post" in lines[1]
    assert lines[2].endswith("the server answered 403 — Locked page")
    assert lines[3].endswith("connection refused — Nobody home")
    assert result.stderr == ""  # no progress bar: stderr is not a terminal


def test_check_links_json_gives_url_code_and_location(
    tmp_path: Path, servers: list[LinkServer]
) -> None:
    folder = notes(tmp_path, index_for(servers))
    result = run("check", folder, "--links", "--json", "--timeout", "2")
    assert result.returncode == 1
    found = {p["kind"] + ":" + str(p["line"]): p for p in json.loads(result.stdout)}
    assert set(found) == {"dead-link:6", "moved-link:7", "unreachable-link:8", "unreachable-link:9"}
    moved = found["moved-link:7"]
    assert (moved["url"], moved["code"], moved["location"]) == (
        servers[1].url("/moved"),
        200,
        servers[1].url("/ok/final"),
    )
    assert found["unreachable-link:9"]["code"] is None


def test_match_todo_and_done_select_the_entries_checked(
    tmp_path: Path, servers: list[LinkServer]
) -> None:
    folder = notes(tmp_path, index_for(servers))
    todo = run("check", folder, "--links", "--todo", "--json")
    assert [p["line"] for p in json.loads(todo.stdout)] == [6]
    fine = run("check", folder, "--links", "--match", "fine")
    assert fine.returncode == 0 and fine.stdout == "5 entries, no problems\n"
    # the TODO's link (a HEAD's 404 is asked again by GET), then the fine paper's
    assert servers[0].requests == [
        ("HEAD", "/status/404"),
        ("GET", "/status/404"),
        ("HEAD", "/ok/1"),
    ]


def test_a_second_run_asks_nobody_and_fresh_asks_again(
    tmp_path: Path, servers: list[LinkServer]
) -> None:
    folder = notes(tmp_path, index_for(servers))
    first = run("check", folder, "--links", "--timeout", "2")
    asked = sum(s.count() for s in servers)
    assert asked >= 6
    second = run("check", folder, "--links", "--timeout", "2")
    assert second.stdout == first.stdout and second.returncode == 1
    assert sum(s.count() for s in servers) == asked
    run("check", folder, "--links", "--fresh", "--timeout", "2")
    assert sum(s.count() for s in servers) == 2 * asked


def test_a_corrupt_cache_is_ignored(tmp_path: Path, servers: list[LinkServer]) -> None:
    folder = notes(tmp_path, f"* Fine [[paper]({servers[0].url('/ok/c')})]\n")
    cache = Path(os.environ["READNOTES_CACHE_DIR"])
    cache.mkdir(parents=True, exist_ok=True)
    for junk in (b"\xff\xfe not json", b'{"links": {"x": 3}}', b"[1, 2]"):
        (cache / "links.json").write_bytes(junk)
        result = run("check", folder, "--links")
        assert (result.returncode, result.stderr) == (0, "")
    assert servers[0].count() == 3


def test_the_notes_own_links_with_notes(tmp_path: Path, servers: list[LinkServer]) -> None:
    folder = notes(tmp_path, "* [Note one](./one.md)\n")
    (folder / "one.md").write_text(f"# One\n\nSee <{servers[0].url('/status/410')}>.\n")
    assert run("check", folder, "--links").returncode == 0
    result = run("check", folder, "--links", "--notes")
    assert result.returncode == 1
    assert "(in note one.md): the server answered 410 — Note one" in result.stdout


def test_link_options_without_links_are_a_usage_error(tmp_path: Path) -> None:
    folder = notes(tmp_path, "* [A](https://example.invalid/)\n")
    result = run("check", folder, "--fresh")
    assert result.returncode == 2
    assert result.stderr == "readnotes: error: --fresh is for checking links: add --links\n"
    zero = run("check", folder, "--links", "--timeout", "0")
    assert (zero.returncode, zero.stderr) == (
        2,
        "readnotes: error: --timeout must be a number of seconds from 0 to 600\n",
    )


def test_ctrl_c_stops_cleanly_and_prints_what_was_found(
    tmp_path: Path, servers: list[LinkServer]
) -> None:
    lines = [f"* Gone [[paper]({servers[0].url('/status/404')})]"]
    lines += [f"* Slow {n} [[paper]({servers[1].url(f'/hang?n={n}')})]" for n in range(4)]
    folder = notes(tmp_path, "\n".join(lines) + "\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "check", str(folder), "--links"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while servers[1].count() < 4 or servers[0].count() < 2:  # the 404: HEAD, then GET
        assert time.monotonic() < deadline, "the slow links were never asked"
        time.sleep(0.02)
    time.sleep(0.2)  # the 404 reaches the command
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 130
    assert "Traceback" not in err
    assert "readnotes: stopped; 1 of 5 links checked, the rest not" in err
    assert out.startswith("README.md:1: dead-link ") and out.count("\n") == 1


def test_fix_links_rewrites_only_the_moved_urls_bytes(
    tmp_path: Path, servers: list[LinkServer]
) -> None:
    moved = servers[2].url("/moved")
    final = servers[2].url("/ok/final")
    original = (
        b"\xef\xbb\xbf# Reading\r\n\r\n## Posts\r\n\r\n"
        b"* TODO\tMoved post [[blog](" + moved.encode() + b")]  \r\n"
        b"* Same link, told \xff here [x](" + moved.encode() + b' "title")\r\n'
        b"* Kept " + moved.encode() + b"x [y](" + servers[2].url("/ok/2").encode() + b")"
    )
    folder = notes(tmp_path, original)
    assert run("check", folder, "--links").returncode == 1
    result = run("fix-links", folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(f"-> {final}") == 2
    expected = original.replace(b"(" + moved.encode() + b")", b"(" + final.encode() + b")")
    expected = expected.replace(b"(" + moved.encode() + b' "', b"(" + final.encode() + b' "')
    assert (folder / "README.md").read_bytes() == expected
    again = run("check", folder, "--links")
    assert again.returncode == 0, again.stdout
    assert run("fix-links", folder).stdout.startswith("No moved links known")


def test_fix_links_waits_for_another_writer_and_then_writes_nothing(
    tmp_path: Path, servers: list[LinkServer]
) -> None:
    from app.core.locking import writer_lock

    original = f"* Moved [[blog]({servers[2].url('/moved')})]\n".encode()
    folder = notes(tmp_path, original)
    assert run("check", folder, "--links").returncode == 1
    with writer_lock(folder / "README.md"):
        result = subprocess.run(
            [sys.executable, "-m", "app", "fix-links", str(folder)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "READNOTES_LOCK_TIMEOUT": "0.3"},
        )
    assert result.returncode == 1
    assert "Another readnotes is writing" in result.stderr
    assert (folder / "README.md").read_bytes() == original
    assert run("fix-links", folder).returncode == 0
    assert (folder / "README.md").read_bytes() != original


def test_a_progress_bar_on_a_terminal_stderr_only(
    tmp_path: Path, servers: list[LinkServer]
) -> None:
    import pty

    lines = [f"* Slow {n} [[paper]({servers[n].url(f'/ok/{n}?ms=400')})]" for n in range(3)]
    folder = notes(tmp_path, "\n".join(lines) + "\n")
    controller, terminal = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "check", str(folder), "--links"],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    painted = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        painted += chunk
    out, _ = process.communicate(timeout=30)
    os.close(controller)
    assert process.returncode == 0
    assert out == b"3 entries, no problems\n"  # stdout stays clean
    shown = painted.decode("utf-8", "replace")
    assert "checking links" in shown and "/3" in shown
    assert "links/s" in shown


def test_the_per_host_limit_comes_from_the_config(
    tmp_path: Path, servers: list[LinkServer]
) -> None:
    lines = [f"* Entry {n} [[paper]({servers[0].url(f'/ok/{n}?ms=80')})]" for n in range(12)]
    folder = notes(tmp_path, "\n".join(lines) + "\n")
    config = tmp_path / "config.toml"
    config.write_text("link_check_per_host = 2\n")
    result = run("check", folder, "--links", "--config", config)
    assert result.returncode == 0, result.stderr
    assert servers[0].most_in_flight == 2
    assert servers[0].count() == 12
