"""The one HTTP client readnotes talks to the world with: polite, bounded, and never a traceback.

httpx (sync here, in a CLI command or a UI worker thread; its async client serves bulk link
checks with the same rules later). Every request sends a User-Agent naming readnotes and its
version, times out (10 s by default), retries 429 and 503 at most three times honouring
``Retry-After``, stops reading past 5 MB, follows redirects only to http(s), and leaves a gap
between requests to the same host when the host asks for one (arXiv: 3 s). Every failure is a
:class:`NetworkError`: one line naming the URL and what happened. Answers can be kept in the
cache folder for 30 days (:class:`AnswerCache`); the caller stores an answer once it has parsed,
so a bad answer is asked again next time rather than kept.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from app import __version__
from app.core.cache_files import cache_folder, replace_file
from app.core.errors import ReadnotesError
from app.core.sanitize import inert_line

if TYPE_CHECKING:
    import httpx

__all__ = ["USER_AGENT", "AnswerCache", "HostSpacing", "HttpClient", "NetworkError"]

USER_AGENT = f"readnotes/{__version__} (+https://github.com/readnotes/readnotes)"
MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TIMEOUT = 10.0
RETRIES = 3
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 60.0  # a longer wait is reported, not slept through
CACHE_DAYS = 30
_RETRIED = (429, 503)


class NetworkError(ReadnotesError):
    """A request that got no usable answer; the message names the URL."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status of a final answer other than 200


class HostSpacing:
    """At least ``gap`` seconds between the starts of two requests to one host, per process.

    Shared by every client in the process (the browser's workers run in threads), with the clock
    and the sleep injectable so tests need not wait.
    """

    def __init__(
        self,
        gaps: dict[str, float] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.gaps = dict(gaps or {})
        self.clock = clock
        self.sleep = sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_for(self, host: str) -> None:
        gap = self.gaps.get(host, 0.0)
        with self._lock:
            last = self._last.get(host)
            if last is not None and gap > 0:
                pause = last + gap - self.clock()
                if pause > 0:
                    self.sleep(pause)
            self._last[host] = self.clock()


@dataclass
class HttpClient:
    """GET with the rules above; ``transport`` lets a test or a proxy stand in for the network."""

    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = MAX_BYTES
    spacing: HostSpacing = field(default_factory=HostSpacing)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    transport: httpx.BaseTransport | None = None

    def get(self, url: str, *, accept: str = "*/*") -> bytes:
        """The body of a 200 answer to ``url``; a :class:`NetworkError` for anything else."""
        import httpx

        shown = inert_line(url)
        headers = {"User-Agent": USER_AGENT, "Accept": accept}
        try:
            with httpx.Client(
                timeout=self.timeout,
                follow_redirects=False,
                transport=self.transport,
                headers=headers,
                trust_env=self.transport is None,
            ) as client:
                return self._get(client, url)
        except NetworkError:
            raise
        except httpx.TimeoutException:
            raise NetworkError(f"{shown}: no answer within {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise NetworkError(f"{shown}: {_describe(error)}") from None
        except (OSError, ValueError) as error:  # a bad proxy variable, an odd URL ...
            raise NetworkError(
                f"{shown}: {inert_line(str(error)) or type(error).__name__}"
            ) from None

    def _get(self, client: httpx.Client, url: str) -> bytes:
        current = url
        redirects = retries = 0
        while True:
            _check_scheme(url, current)
            self.spacing.wait_for(urlsplit(current).hostname or "")
            with client.stream("GET", current) as response:
                status = response.status_code
                if status == 200:
                    return self._read(url, response)
                retry_after = response.headers.get("Retry-After")
                location = response.headers.get("Location", "")
                reason = response.reason_phrase or "error"
            # the answer is closed before waiting or following it
            if status in _RETRIED and retries < RETRIES:
                retries += 1
                self._pause(url, retry_after, retries)
            elif status in (301, 302, 303, 307, 308) and location:
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise NetworkError(f"{inert_line(url)}: over {MAX_REDIRECTS} redirects")
                current = urljoin(current, location)
            else:
                message = f"{inert_line(url)}: the server answered {status} {reason}"
                raise NetworkError(message, status=status)

    def _pause(self, url: str, retry_after: str | None, attempt: int) -> None:
        wait = _retry_after_seconds(retry_after, time.time())
        if wait is None:
            wait = float(2 ** (attempt - 1))
        if wait > MAX_RETRY_AFTER:
            raise NetworkError(f"{inert_line(url)}: the server is busy (asks to wait {wait:.0f} s)")
        self.sleep(wait)

    def _read(self, url: str, response: httpx.Response) -> bytes:
        too_big = NetworkError(
            f"{inert_line(url)}: the answer is over {self.max_bytes // (1024 * 1024)} MB; not read"
        )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_big
        deadline = self.clock() + self.timeout
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise too_big
            chunks.append(chunk)
            if self.clock() > deadline:
                raise NetworkError(f"{inert_line(url)}: no full answer within {self.timeout:g} s")
        return b"".join(chunks)


def _check_scheme(asked: str, current: str) -> None:
    scheme = urlsplit(current).scheme.lower()
    if scheme in ("http", "https"):
        return
    if current == asked:
        raise NetworkError(f"{inert_line(asked)}: not an http(s) URL")
    raise NetworkError(
        f"{inert_line(asked)}: redirected to a {inert_line(scheme) or 'relative'} URL; refused"
    )


def _retry_after_seconds(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def _describe(error: httpx.HTTPError) -> str:
    """What went wrong, in a user's words: refused, no such host, TLS, a broken answer."""
    import httpx

    text = str(error) or type(error).__name__
    lowered = text.lower()
    if isinstance(error, httpx.ConnectError):
        if "name or service" in lowered or "nodename" in lowered or "getaddrinfo" in lowered:
            return "the host name could not be resolved (DNS)"
        if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
            return f"TLS error ({inert_line(text)})"
        if "refused" in lowered:
            return "connection refused"
        return f"cannot connect ({inert_line(text)})"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "not an http(s) URL"
    if isinstance(error, httpx.RemoteProtocolError | httpx.DecodingError):
        return f"a broken answer ({inert_line(text)})"
    return inert_line(text)


class AnswerCache:
    """Answers by URL, in the cache folder (``READNOTES_CACHE_DIR``; ``off`` keeps none).

    One file per URL, named by its digest; its modification time is the answer's age. Written
    atomically; any problem reading or writing is ignored (a cache miss), never shown.
    """

    def __init__(
        self,
        folder: Path | None = None,
        *,
        max_age_days: float = CACHE_DAYS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        base = cache_folder() if folder is None else folder
        self.folder = None if base is None else base / "answers"
        self.max_age = max_age_days * 86400
        self.clock = clock

    def _file(self, url: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".bin")

    def get(self, url: str) -> bytes | None:
        target = self._file(url)
        if target is None:
            return None
        try:
            if self.clock() - target.stat().st_mtime > self.max_age:
                return None
            with open(target, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError:
            return None
        return data if len(data) <= MAX_BYTES else None

    def put(self, url: str, data: bytes) -> None:
        target = self._file(url)
        if target is None:
            return
        with contextlib.suppress(OSError):
            replace_file(target, data)
