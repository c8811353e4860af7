"""Open a web link in the user's browser, refusing anything that is not a plain web URL.

``webbrowser.open`` passes the URL to the browser's command line, so a URL beginning with ``-``
becomes an option (CVE-2026-4519; unfixed in the Python 3.11 we run). It also blocks for as long as
a terminal browser runs, so the UI calls :func:`open_url` from a thread worker and uses
:func:`url_is_openable` to refuse before starting one.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.links import web_url_problem
from app.core.sanitize import inert_line


@dataclass(frozen=True, slots=True)
class OpenResult:
    ok: bool
    message: str  # one line, safe to display


def url_is_openable(url: str) -> str | None:
    """None when the URL may go to a browser, else why not (one displayable line)."""
    problem = web_url_problem(url)
    return None if problem is None else f"Not opened: {problem}"


def open_url(url: str) -> OpenResult:
    """Hand the URL to the browser ($BROWSER honoured); blocking, so call it from a worker."""
    refusal = url_is_openable(url)
    if refusal is not None:
        return OpenResult(False, refusal)
    import webbrowser  # here, not at the top: the browser's first screen opens nothing

    shown = inert_line(url)
    try:
        opened = webbrowser.open(url)
    except Exception:  # webbrowser.Error, OSError from a broken $BROWSER, ...
        opened = False
    if not opened:
        return no_browser(url)
    return OpenResult(True, f"Opened {shown}")


def no_browser(url: str) -> OpenResult:
    """What a machine with no web browser says: the URL, for the reader to open elsewhere."""
    return OpenResult(False, f"No web browser available — the URL is: {inert_line(url)}")
