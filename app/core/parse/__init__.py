"""Parse an index file into the model, with byte-exact source positions.

The parts, in the order a parse goes through them: ``read`` finds and decodes the file,
``chunks`` cuts it where chunks parse on their own, ``events`` turns each chunk's pulldown-cmark
events into rows (``items`` reads an item's own text), ``assemble`` joins the rows into the model,
``index`` drives a whole parse through the caches of ``memory`` (and ``app.core.parse_cache`` on
disk), and ``marked`` re-parses one chunk after a mark. ``options`` holds the one set of Markdown
options the index is read with.
"""

from __future__ import annotations

from app.core.parse.chunks import chunk_bounds, front_matter_end
from app.core.parse.index import Cutter, load_index, parse_index
from app.core.parse.items import local_target
from app.core.parse.marked import reparse_marked
from app.core.parse.memory import MEMORY, ChunkMemory
from app.core.parse.options import MARKDOWN_OPTIONS
from app.core.parse.read import BOM, decode_index, find_index, index_digest, looks_binary
from app.core.parse.rows import ChunkCache, ChunkResult

__all__ = [
    "BOM",
    "MARKDOWN_OPTIONS",
    "MEMORY",
    "ChunkCache",
    "ChunkMemory",
    "ChunkResult",
    "Cutter",
    "chunk_bounds",
    "decode_index",
    "find_index",
    "front_matter_end",
    "index_digest",
    "load_index",
    "local_target",
    "looks_binary",
    "parse_index",
    "reparse_marked",
]
