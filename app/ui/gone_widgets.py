"""Textual 8.2 keeps the styles of every widget it painted, long after the widget is gone.

``StylesCache.get_inner_outer`` is an ``lru_cache(1024)`` on a method: each key holds a
widget's ``StylesCache``, which holds every line the widget painted. A notice is a new ``Toast``
widget, and every mark says what it did in a notice, so the soak (``x`` every second,
bench/soak.py) kept about 60 gone toasts a minute, ~1.3 MiB a minute of the browser's memory,
up to 1,024 of them. The cache is forgotten whenever a notice is shown: its entries are two
``Style`` objects each, made again at the next paint.
"""

from __future__ import annotations


def forget_gone_widgets() -> None:
    """Drop the painted styles Textual keeps by widget (nothing, if its cache is not there)."""
    from textual._styles_cache import StylesCache

    cache_clear = getattr(getattr(StylesCache, "get_inner_outer", None), "cache_clear", None)
    if callable(cache_clear):
        cache_clear()
