"""The one set of pulldown-cmark options the index is read with.

The parser cuts the index into chunks and reads each with these; adding an entry reads the whole
file with them to find where its list items end, so both see the same Markdown.
"""

from __future__ import annotations

import pyromark

MARKDOWN_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_YAML_STYLE_METADATA_BLOCKS
)
# Past the top, pulldown-cmark would take any "---" line followed by text up to the next "---" for
# a metadata block and hide the entries in between: only the frontmatter chunk parses with it.
BODY_OPTIONS = MARKDOWN_OPTIONS & ~pyromark.Options.ENABLE_YAML_STYLE_METADATA_BLOCKS
