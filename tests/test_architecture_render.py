"""The rendering layer stays below the UI: Rich, pyromark and pylatexenc, never Textual.

A render runs in a worker thread and in tests without an app, so `app/render` may use the core
but not `app.ui`, `app.edges` or Textual; and the converters it loads lazily stay lazy.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

RENDER = Path(__file__).resolve().parents[1] / "app" / "render"
FORBIDDEN = ("textual", "app.ui", "app.edges")


def imported_names(source: Path) -> list[str]:
    """Every module `source` imports, at the top or inside a function."""
    tree = ast.parse(source.read_text(), filename=str(source))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_the_rendering_layer_imports_no_textual_ui_or_edges() -> None:
    sources = sorted(RENDER.rglob("*.py"))
    assert sources, "app/render has no modules"
    offenders = [
        f"{source.name}: {name}"
        for source in sources
        for name in imported_names(source)
        if any(name == layer or name.startswith(f"{layer}.") for layer in FORBIDDEN)
    ]
    assert offenders == []


def test_rendering_a_note_loads_no_textual() -> None:
    code = (
        "import sys\n"
        "from app.render.markdown import render_markdown\n"
        "from app.render import find, note_renderer, preview\n"
        "render_markdown('# T\\n\\n$x^2$\\n\\n```python\\nx = 1\\n```\\n', width=40)\n"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_browser_s_first_screen_loads_no_highlighter_or_math_converter() -> None:
    """Pygments and pylatexenc load with the first note that needs them (or the warm-up)."""
    later = ("pygments", "pylatexenc", "rich.syntax", "app.render.math")
    code = f"import sys, app.cli, app.ui.app; print([m for m in {later!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
