"""The parts of the config only the UI can judge: binding ids and theme names.

Binding ids are gathered from every widget, screen and app class that declares ``BINDINGS`` (ours
and Textual's), so a screen added later is covered without a list to keep in step.
"""

from __future__ import annotations

import difflib

from textual.binding import Binding
from textual.dom import DOMNode
from textual.theme import BUILTIN_THEMES

from app.core.config import Config
from app.core.sanitize import inert_line


def binding_ids() -> set[str]:
    """Every binding id a keymap can name."""
    # Every screen and widget of the browser, also those the app imports only when first
    # opened: their keys can be remapped before they are ever shown.
    import app.ui.add_screen
    import app.ui.app
    import app.ui.help_screen
    import app.ui.outline
    import app.ui.search_screen  # noqa: F401

    ids: set[str] = set()
    pending: list[type[DOMNode]] = [DOMNode]
    seen: set[type[DOMNode]] = set()
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        pending.extend(cls.__subclasses__())
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            if binding.id:
                ids.add(binding.id)
    return ids


def theme_names() -> set[str]:
    return set(BUILTIN_THEMES)


def usable_keymap(config: Config) -> dict[str, str]:
    if not config.keys:  # nothing to check: the screens opened later stay unimported
        return {}
    known = binding_ids()
    return {binding_id: keys for binding_id, keys in config.keys.items() if binding_id in known}


def usable_theme(config: Config) -> str | None:
    return config.theme if config.theme in theme_names() else None


def ui_problems(config: Config) -> list[str]:
    """One line per binding id or theme the config names that does not exist."""
    problems: list[str] = []
    known = binding_ids() if config.keys else set()
    for binding_id in config.keys:
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else " (the README lists them)"
            problems.append(
                f"{config.where(f'keys.{binding_id}')}: no key binding has the id"
                f" {inert_line(binding_id)!r}{hint}; ignored"
            )
    if config.theme is not None and config.theme not in theme_names():
        names = ", ".join(sorted(theme_names()))
        problems.append(
            f"{config.where('theme')}: unknown theme {inert_line(config.theme)!r}"
            f" (known: {names}); using the default"
        )
    return problems
