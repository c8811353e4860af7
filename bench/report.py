"""Results: one row per benchmark and input, the table they make, and the machine they ran on."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from harness import REPO, Series

# Takes the median and the ratio (median / baseline median, None without a baseline).
Check = Callable[[float, float | None], bool]


def ratio_at_most(limit: float) -> Check:
    return lambda _median, ratio: ratio is not None and ratio <= limit


def median_at_most(limit: float) -> Check:
    return lambda median, _ratio: median <= limit


@dataclass
class Row:
    benchmark: str
    input: str
    unit: str  # "ms" or "MiB"
    app: Series
    baseline: Series | None
    goal: str
    check: Check | None  # None: reported, no goal
    missing: str | None = None  # why there is no figure, e.g. "n/a (not implemented)"
    details: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        median = self.app.median
        base = self.baseline.median if self.baseline is not None else None
        if median is None or not base:
            return None
        return median / base

    def holds(self) -> str:
        if self.missing is not None:
            return "n/a"
        median = self.app.median
        if median is None or self.app.censored:
            return "no (timeout)"
        if self.check is None:
            return "—"
        ok = self.check(median, self.ratio)
        if ok:
            return "yes"
        if self.baseline is not None and self.baseline.censored:
            return "unknown (baseline timed out)"
        return "no"

    def cells(self) -> list[str]:
        if self.missing is not None:
            figures = [self.missing, "", "", _figure(self.baseline, self.unit), "", self.goal]
            return [self.benchmark, self.input, *figures, self.holds()]
        app = self.app
        ratio = self.ratio
        bound = "≤ " if self.baseline is not None and self.baseline.censored else ""
        return [
            self.benchmark,
            self.input,
            "timeout" if app.median is None or app.censored else _number(app.median, self.unit),
            _number(app.low, self.unit),
            _number(app.high, self.unit),
            _figure(self.baseline, self.unit),
            "" if ratio is None else f"{bound}{_ratio(ratio)}",
            self.goal,
            self.holds(),
        ]


HEADERS = ["benchmark", "input", "median", "min", "max", "baseline", "ratio", "goal", "holds"]


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "MiB":
        return f"{value:.0f} MiB"
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _ratio(ratio: float) -> str:
    """Below 0.1 a ratio reads as how many times faster: ``1/27x`` rather than ``0.04x``."""
    return f"1/{1 / ratio:.0f}x" if 0 < ratio < 0.1 else f"{ratio:.2f}x"


def _figure(series: Series | None, unit: str) -> str:
    if series is None or series.median is None:
        return ""
    text = _number(series.median, unit)
    return f"> {text} (timeout)" if series.censored else text


def table(rows: list[Row], headers: list[str] = HEADERS) -> str:
    """A Markdown table of ``headers`` (some of HEADERS), padded so that it also reads well in a
    terminal; figures are aligned right."""
    keep = [HEADERS.index(name) for name in headers]
    grid = [headers, *([row.cells()[i] for i in keep] for row in rows)]
    widths = [max(len(line[i]) for line in grid) for i in range(len(headers))]
    right = {n for n, name in enumerate(headers) if name in _FIGURES}

    def line(cells: list[str]) -> str:
        padded = [
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        "-" * (w + 1) + ":" if i in right else "-" * (w + 2) for i, w in enumerate(widths)
    )
    return "\n".join([line(grid[0]), rule + "|", *(line(cells) for cells in grid[1:])])


_FIGURES = frozenset({"median", "min", "max", "baseline", "ratio"})


def details(rows: list[Row]) -> str:
    parts = []
    for row in rows:
        if row.details:
            parts.append(f"{row.benchmark}, {row.input}:")
            parts.extend(f"    {text}" for text in row.details)
    return "\n".join(parts)


def machine(load_at_start: float) -> list[tuple[str, str]]:
    cpu = "unknown"
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    memory = "unknown"
    try:
        found = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        memory = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB" if found else memory
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        ("date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", cpu),
        ("cores", f"{usable} usable ({os.cpu_count()} online)"),
        ("RAM", memory),
        ("load", f"{load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (1 min)"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("Textual", version("textual")),
        ("Rich", version("rich")),
        ("commit", _commit()),
        (
            "terminal",
            "pty 120x36 (startup also 200x50), TERM=xterm-256color, read through pyte "
            + version("pyte"),
        ),
        ("bytecode", _bytecode()),
    ]


def _bytecode() -> str:
    """Whether the programs started reuse compiled bytecode: it decides much of a start."""
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return "compiled from source at every start (--source)"
    return (
        "cached, as an installed readnotes has it after its first start (compiled into the"
        " run's folder before anything is timed)"
    )


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head} with uncommitted changes" if dirty else head


START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"


def write_results(
    doc: Path, rows: list[Row], command: str, rounds: str, seconds: float, load: float
) -> None:
    """Replace the results section of ``doc`` (between its markers) with this run's."""
    info = "\n".join(f"- **{key}**: {value}" for key, value in machine(load))
    body = [
        START,
        f"`{command}` ({rounds}), {seconds:.0f} s in all, on:",
        "",
        info,
        "",
        table(rows),
    ]
    extra = details(rows)
    if extra:
        body += ["", "Details:", "", "```text", extra, "```"]
    body.append(END)
    text = doc.read_text(encoding="utf-8") if doc.exists() else f"{START}\n{END}\n"
    if START not in text or END not in text:
        sys.exit(f"{doc} has no {START} … {END} section to fill")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(head + "\n".join(body) + tail, encoding="utf-8")


README_START = "<!-- bench:summary:start -->"
README_END = "<!-- bench:summary:end -->"
SHORT = ["benchmark", "input", "median", "baseline", "ratio", "goal", "holds"]


def write_readme(readme: Path, rows: list[Row], command: str, seconds: float, load: float) -> None:
    """Replace the README's short results table (between its markers) with this run's."""
    info = dict(machine(load))
    body = [
        README_START,
        f"`{command}`, {info['date']}, {seconds:.0f} s, on {info['CPU']} ({info['cores']}),"
        f" load {info['load']}, commit {info['commit']}; bytecode {info['bytecode']}:",
        "",
        table(rows, SHORT),
        README_END,
    ]
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        sys.exit(f"{readme} has no {README_START} … {README_END} section to fill")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(head + "\n".join(body) + tail, encoding="utf-8")
