"""The layers' import contracts: data flows files -> core -> view, and the outside world comes in
through the edges, which only the App's wiring and the command line reach.

Each source file's imports (also those inside functions and under TYPE_CHECKING) are read with
``ast``, so a lazy import cannot slip past a contract.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

# layer -> the top-level modules and app packages it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "core": ("textual", "rich", "app.ui", "app.render", "app.edges", "app.cli"),
    "render": ("textual", "app.ui", "app.edges", "app.cli"),
    "edges": ("textual", "app.ui", "app.render", "app.cli"),
    "ui": ("app.cli",),
}
# the only modules outside app/edges that may import app.edges
EDGE_WIRING = ("app/ui/wiring.py", "app/cli.py", "app/cli_links.py")


def imported_modules(source: Path) -> list[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _sources(layer: str) -> list[Path]:
    return sorted((APP / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_it_may(layer: str) -> None:
    sources = _sources(layer)
    assert sources, f"no sources in app/{layer}"
    offenders = [
        f"{source.relative_to(APP.parent)}: {name}"
        for source in sources
        for name in imported_modules(source)
        if any(_under(name, banned) for banned in FORBIDDEN[layer])
    ]
    assert offenders == []


def test_the_edges_are_reached_only_by_the_apps_wiring_and_the_command_line() -> None:
    offenders = [
        f"{source.relative_to(APP.parent)}: {name}"
        for source in sorted(APP.rglob("*.py"))
        if (APP / "edges") not in source.parents
        and str(source.relative_to(APP.parent)) not in EDGE_WIRING
        for name in imported_modules(source)
        if _under(name, "app.edges")
    ]
    assert offenders == []


def test_the_contract_reader_sees_lazy_and_type_only_imports(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from app.edges.browser import OpenResult\n"
        "def later() -> None:\n    import textual.app\n"
    )
    assert imported_modules(source) == ["typing", "app.edges.browser", "textual.app"]


def test_importing_the_core_and_cli_commands_loads_no_textual() -> None:
    code = (
        "import sys, app.cli, app.core.parse, app.core.edit, app.core.notes, app.core.links;"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_browser_imports_only_what_its_first_screen_needs() -> None:
    """Adding, searching, finding, help, PyYAML, the watcher's library, fetching (httpx,
    defusedxml; the ``a`` dialog's fetch), exporting (bibtexparser; ``Y``), the reading
    history (``H``, the preview's dates), link health (``L``, the marks, ``is:dead``) and
    figures (Pillow, textual-image: the first figure drawn in a graphics terminal) load
    when first used."""
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
        "httpx",
        "defusedxml",
        "bibtexparser",
        "app.core.capture",
        "app.core.capture_dialog",
        "app.core.paper_ids",
        "app.ui.add_fetch",
        "app.core.export",
        "app.core.metadata",
        "app.edges.network",
        "app.edges.paper_sources",
        "app.core.reading_history",
        "app.core.reading_stats",
        "app.core.reading_cache",
        "app.ui.reading_screen",
        "app.edges.link_check",
        "app.core.link_health",
        "app.core.link_store",
        "app.core.fix_links",
        "PIL",
        "textual_image",
        "app.core.figures",
        "app.render.graphics",
        "app.ui.figures",
        "app.ui.figure_layer",
        "tomllib",  # only when a config file is read
        "webbrowser",  # the first link opened
        "app.edges.git",  # the reading history's first read, in a worker
    )
    code = f"import sys, app.cli, app.ui.app; print([m for m in {later!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


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
