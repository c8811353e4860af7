"""The core stays free of the UI: data flows files -> model -> view, never back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "app" / "core"


def test_core_sources_never_import_textual() -> None:
    offenders = []
    for source in CORE.rglob("*.py"):
        tree = ast.parse(source.read_text(), filename=str(source))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{source.name}: {n}" for n in names if n.split(".")[0] == "textual"]
            offenders += [f"{source.name}: {n}" for n in names if n.startswith("app.ui")]
    assert offenders == []


def test_importing_the_core_and_cli_commands_loads_no_textual() -> None:
    code = (
        "import sys, app.cli, app.core.parse, app.core.edit, app.core.notes, app.core.links;"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_browser_imports_only_what_its_first_screen_needs() -> None:
    """Adding, searching, finding, help, PyYAML and the watcher's library load when first used."""
    later = (
        "yaml",
        "frontmatter",
        "watchfiles",
        "filelock",
        "app.core.add",
        "app.core.search",
        "app.ui.add_screen",
        "app.ui.search_screen",
        "app.ui.help_screen",
        "app.ui.outline",
    )
    code = f"import sys, app.cli, app.ui.app; print([m for m in {later!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
