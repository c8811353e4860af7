"""The wheel we ship carries the stylesheets and runs in a fresh virtual environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SAMPLE


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )


def test_the_wheel_installs_and_runs_in_a_fresh_venv(tmp_path: Path) -> None:
    uv = os.environ.get("UV") or shutil.which("uv")  # `uv run` names itself in $UV
    assert uv is not None, "uv is needed to build the wheel (the README installs it first)"
    built = run(uv, "build", "--wheel", "--out-dir", tmp_path / "dist", cwd=REPO)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("readnotes-*.whl")
    venv = tmp_path / "venv"
    assert run(uv, "venv", "--quiet", "--python", sys.executable, venv).returncode == 0
    python = venv / "bin" / "python"
    installed = run(uv, "pip", "install", "--quiet", "--python", python, wheel)
    assert installed.returncode == 0, installed.stderr
    readnotes = venv / "bin" / "readnotes"
    version = run(readnotes, "--version")
    assert version.returncode == 0 and version.stdout.startswith("readnotes ")
    listing = run(readnotes, "list", SAMPLE, cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "[ ] Transformer Inference Arithmetic" in listing.stdout
    stylesheet = run(
        python, "-c", "import app.ui, pathlib; print(pathlib.Path(app.ui.__file__).parent)"
    )
    assert (Path(stylesheet.stdout.strip()) / "app.tcss").is_file()
