"""LaTeX math to readable Unicode, for notes read in a terminal.

pylatexenc does the conversion (Greek letters, operators, `\\frac`, `\\sqrt`, font macros);
this module adds what it leaves as `x_i` and `x^2`: Unicode sub- and superscripts where
Unicode has every character of the script, otherwise a readable `T_(math)`.
Math it cannot understand (an unknown macro or environment, broken braces) is reported as
`None` so that the caller shows the source instead of a silently wrong formula.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Any

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexCommentNode,
    LatexEnvironmentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexMathNode,
    LatexSpecialsNode,
    LatexWalker,
    LatexWalkerError,
)
from pylatexenc.latexwalker import get_default_latex_context_db as get_default_walker_db
from pylatexenc.macrospec import MacroSpec

__all__ = ["latex_to_unicode"]

# pylatexenc logs a warning for every macro it cannot substitute; we report failure ourselves.
logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)

_SUPERSCRIPTS = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθιφχ",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᶿᶥᵠᵡ",
        strict=True,
    )
)
_SUPERSCRIPTS.update({"′": "′", "*": "*", "∗": "*", "†": "†", "'": "′"})
_SUBSCRIPTS = dict(
    zip(
        "0123456789+-=()aehijklmnoprstuvxβγρφχ",
        "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
        strict=True,
    )
)

_MAX_SOURCE = 2_000

# Macros pylatexenc does not know, by argument spec (for the parser) and text (for output).
_EXTRA_MACROS: tuple[tuple[str, str, str], ...] = (
    ("binom", "{{", "C(%s, %s)"),
    ("operatorname", "{", "%s"),
    ("mathop", "{", "%s"),
    ("boldsymbol", "{", "%s"),
    ("bm", "{", "%s"),
    ("ne", "", "≠"),
    ("neg", "", "¬"),
    ("land", "", "∧"),
    ("lor", "", "∨"),
    ("bot", "", "⊥"),
    ("arg", "", "arg"),
    ("argmax", "", "argmax"),
    ("argmin", "", "argmin"),
    ("|", "", "‖"),
    *((size, "", "") for size in ("left", "right", "middle", "big", "Big", "bigg", "Bigg")),
    *((size, "", "") for size in ("bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr")),
    *((style, "", "") for style in ("displaystyle", "textstyle", "limits", "nolimits")),
)

# Written inline, a fraction or root needs brackets around anything but a single term:
# `\frac{a+b}{c}` is `(a+b)/c`, not `a+b/c`; `\sqrt{x_i}` is `√xᵢ`, `\sqrt{a+b}` is `√(a+b)`.
_FRACTIONS = ("frac", "tfrac", "dfrac", "cfrac", "nicefrac")
_ROOT_SIGNS = {"": "√", "2": "√", "3": "∛", "4": "∜"}
_OPERATORS = frozenset("+-−±∓*/=<>≤≥≠≈×÷·,;:|")

_local = threading.local()


def latex_to_unicode(source: str) -> str | None:
    """Return `source` (the inside of `$...$`) as Unicode text, or None if it cannot be read."""
    if len(source) > _MAX_SOURCE:
        return None
    return _convert_cached(source)


@lru_cache(maxsize=4096)
def _convert_cached(source: str) -> str | None:
    converter: _MathToText | None = getattr(_local, "converter", None)
    if converter is None:
        converter = _MathToText()
        _local.converter = converter
    try:
        walker = LatexWalker(source, latex_context=converter.walker_db, tolerant_parsing=False)
        nodes = walker.get_latex_nodes()[0]
        if not _understood(nodes, converter):
            return None
        text = converter.nodelist_to_text(nodes)
    except (LatexWalkerError, IndexError, ValueError, TypeError, RecursionError):
        return None
    if "%s" in text:
        return None
    return " ".join(text.replace("\xa0", " ").split())


def _understood(nodes: list[Any] | None, converter: _MathToText) -> bool:
    """Whether every macro and environment in `nodes` is one pylatexenc knows."""
    for node in nodes or ():
        if node is None:
            continue
        if isinstance(node, LatexMacroNode):
            if not converter.knows_macro(node.macroname):
                return False
            args = node.nodeargd.argnlist if node.nodeargd is not None else []
            if not _understood([a for a in args if a is not None], converter):
                return False
        elif isinstance(node, LatexEnvironmentNode):
            if not converter.knows_environment(node.environmentname):
                return False
            if not _understood(node.nodelist, converter):
                return False
        elif isinstance(node, LatexGroupNode | LatexMathNode) and not _understood(
            node.nodelist, converter
        ):
            return False
    return True


class _MathToText(LatexNodes2Text):  # type: ignore[misc]
    """pylatexenc's converter, with sub- and superscripts turned into Unicode."""

    def __init__(self) -> None:
        text_db = get_default_latex_context_db()
        text_db.add_context_category(
            "readnotes",
            macros=[
                *(MacroTextSpec(name, simplify_repl=text) for name, _, text in _EXTRA_MACROS),
                *(MacroTextSpec(name, simplify_repl=_fraction) for name in _FRACTIONS),
                MacroTextSpec("sqrt", simplify_repl=_root),
            ],
            prepend=True,
        )
        walker_db = get_default_walker_db()
        walker_db.add_context_category(
            "readnotes",
            macros=[
                *(MacroSpec(name, args) for name, args, _ in _EXTRA_MACROS),
                *(MacroSpec(name, "{{") for name in _FRACTIONS),
                MacroSpec("sqrt", "[{"),
            ],
            prepend=True,
        )
        super().__init__(latex_context=text_db, math_mode="text", strict_latex_spaces=False)
        self._text_db = text_db
        self.walker_db = walker_db

    def knows_macro(self, name: str) -> bool:
        return self._text_db.get_macro_spec(name) is not None

    def knows_environment(self, name: str) -> bool:
        return self._text_db.get_environment_spec(name) is not None

    def nodelist_to_text(self, nodelist: list[Any]) -> str:
        out: list[str] = []
        pending: str | None = None  # "_" or "^" waiting for its argument node
        previous: Any = None
        for node in nodelist:
            if node is None or isinstance(node, LatexCommentNode):
                continue
            if pending is not None:
                if isinstance(node, LatexGroupNode):
                    argument = self.nodelist_to_text(node.nodelist)
                else:
                    argument = self.node_to_text(node)
                out.append(_script(pending, argument))
                pending = None
                previous = node
                continue
            if _is_bare_macro(previous) and previous.macro_post_space:
                out.append(" ")
            if isinstance(node, LatexCharsNode):
                text, pending = _chars_with_scripts(node.chars)
                out.append(text)
            elif isinstance(node, LatexSpecialsNode):
                out.append(self.specials_node_to_text(node))
            else:
                out.append(self.node_to_text(node))
            previous = node
        if pending is not None:
            out.append(pending)
        return "".join(out)


def _fraction(node: Any, l2tobj: _MathToText) -> str:
    numerator, denominator = (_argument(arg, l2tobj) for arg in node.nodeargd.argnlist[-2:])
    return f"{_bracketed(numerator)}/{_bracketed(denominator)}"


def _root(node: Any, l2tobj: _MathToText) -> str:
    index, radicand = (_argument(arg, l2tobj) for arg in node.nodeargd.argnlist[-2:])
    sign = _ROOT_SIGNS.get(index) or _script("^", index) + "√"
    return sign + _bracketed(radicand)


def _argument(node: Any, l2tobj: _MathToText) -> str:
    if node is None:
        return ""
    if isinstance(node, LatexGroupNode):
        return l2tobj.nodelist_to_text(node.nodelist).strip()
    return l2tobj.nodelist_to_text([node]).strip()


def _bracketed(term: str) -> str:
    """`term` in brackets unless it is a single term (`x`, `xᵢ²`, `exp(x)`, `(a+b)`)."""
    depth = 0
    for char in term:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and (char.isspace() or char in _OPERATORS):
            return f"({term})"
    return term


def _is_bare_macro(node: Any) -> bool:
    return isinstance(node, LatexMacroNode) and (
        node.nodeargd is None or not any(node.nodeargd.argnlist or [])
    )


def _chars_with_scripts(chars: str) -> tuple[str, str | None]:
    """Convert `a_ib^2` inside one run of characters; return a trailing `_`/`^` as pending."""
    out: list[str] = []
    i = 0
    n = len(chars)
    while i < n:
        c = chars[i]
        if c in "_^":
            if i + 1 >= n:
                return "".join(out), c
            out.append(_script(c, chars[i + 1]))
            i += 2
            continue
        out.append(" " if c == "~" else c)
        i += 1
    return "".join(out), None


def _script(kind: str, argument: str) -> str:
    """`x` as a subscript (`_`) or superscript (`^`) in Unicode, if it has every character."""
    argument = argument.strip()
    table = _SUBSCRIPTS if kind == "_" else _SUPERSCRIPTS
    if argument and all(ch in table for ch in argument):
        return "".join(table[ch] for ch in argument)
    if len(argument) == 1:
        return kind + argument
    return f"{kind}({argument})"
