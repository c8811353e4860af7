"""Thin edges to the outside world: browser, clipboard, editor, file watching."""
