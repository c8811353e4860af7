"""Which file names are noise: hidden, temp, backup and swap files that editors and tools leave.

They never show up as notes, orphans or listings, and saving through them is not a change.
"""

from __future__ import annotations

import re

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
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "venv", ".venv"})


def is_noise(name: str) -> bool:
    return bool(_NOISE.match(name))


def is_markdown(name: str) -> bool:
    return name.lower().endswith(MARKDOWN_SUFFIXES) and not is_noise(name)
