"""Which file names are noise: hidden, temp, backup and swap files that editors and tools leave.

They never show up as notes, orphans or listings, and saving through them is not a change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NOISE = re.compile(
    r"""^(?:
        \..*                      # hidden, vim swap (.x.swp), our own temp files
      | .*~                       # backup (README.md~)
      | \#.*                      # emacs autosave (#x#) and lock files
      | 4913                      # vim's write probe
      | .*\.(?:swp|swx|swo|tmp|temp|bak|orig|rej|part|crdownload)
      | .*\.sw[a-p]
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
FOLDER_NOTE_NAMES = ("README.md", "index.md")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "venv", ".venv"})


def is_noise(name: str) -> bool:
    return bool(_NOISE.match(name))


def is_markdown(name: str) -> bool:
    return name.lower().endswith(MARKDOWN_SUFFIXES) and not is_noise(name)


def folder_note_name(names: Iterable[str]) -> str | None:
    """Which of a folder's file ``names`` stands for the folder: its README, else its index.

    ``README.md`` in any case (``README.md`` itself first, then ``Readme.md``, ``readme.md``...),
    then ``index.md`` likewise. The one rule for folder notes and for a folder's index: the
    preview, search, the editor and :func:`app.core.parse.find_index` all ask it.
    """
    by_lower: dict[str, list[str]] = {}
    for name in names:
        by_lower.setdefault(name.lower(), []).append(name)
    for wanted in FOLDER_NOTE_NAMES:
        found = by_lower.get(wanted.lower())
        if found:
            return wanted if wanted in found else min(found)
    return None
