"""readnotes: a fast, keyboard-first terminal browser for Markdown reading notes."""

__version__ = "0.1.0"
