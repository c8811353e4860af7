"""The last known health of each web link, kept in the cache folder (``READNOTES_CACHE_DIR``).

One JSON file, ``links.json``, URL -> result with the time it was found: ``check --links``
reuses a result for 24 hours (``--fresh`` asks again), and the browser shows the last known one
with its age, however old. The file is a cache: anything wrong with it (missing, corrupt, not
ours) is a miss, never an error; writes merge with what is there and replace the file
atomically, so two checkers at once lose at most each other's newest results.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from pathlib import Path

from app.core.cache_files import cache_folder, replace_file
from app.core.link_health import Health

FILE_NAME = "links.json"
MAX_BYTES = 64 * 1024 * 1024
KEEP_SECONDS = 90 * 86400  # older results are dropped when the file is written


class LinkStore:
    def __init__(self, folder: Path | None = None, *, use_default: bool = True) -> None:
        base = folder if folder is not None else cache_folder() if use_default else None
        self.file = None if base is None else base / FILE_NAME
        self._stamp: tuple[int, int] | None = None
        self._known: dict[str, Health] = {}

    def load(self) -> dict[str, Health]:
        """Every stored result (re-read only when the file changed since the last load)."""
        if self.file is None:
            return {}
        try:
            info = self.file.stat()
        except OSError:
            self._stamp, self._known = None, {}
            return {}
        stamp = (info.st_mtime_ns, info.st_size)
        if stamp == self._stamp:
            return dict(self._known)
        self._known = _read(self.file)
        self._stamp = stamp
        return dict(self._known)

    def save(self, results: Mapping[str, Health], *, now: float) -> None:
        """Merge ``results`` into the file; a failure to write is silent (a cache)."""
        if self.file is None or not results:
            return
        merged = _read(self.file)
        merged.update(results)
        kept = {url: h for url, h in merged.items() if now - h.checked <= KEEP_SECONDS}
        payload = json.dumps(
            {"version": 1, "links": {url: h.to_json() for url, h in kept.items()}},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8", "surrogatepass")
        with contextlib.suppress(OSError, UnicodeError):
            replace_file(self.file, payload)


def _read(file: Path) -> dict[str, Health]:
    try:
        with open(file, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return {}
        table = json.loads(raw.decode("utf-8", "surrogatepass"))
    except (OSError, ValueError, UnicodeError, RecursionError):
        return {}
    links = table.get("links") if isinstance(table, dict) else None
    if not isinstance(links, dict):
        return {}
    out: dict[str, Health] = {}
    for url, value in links.items():
        health = Health.from_json(value)
        if isinstance(url, str) and health is not None:
            out[url] = health
    return out
