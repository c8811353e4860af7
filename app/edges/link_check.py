"""Asking servers whether links still work: politely, in parallel, and stoppable at any time.

HEAD first; a GET whose body is never read when HEAD is refused (405, 501), breaks the
connection, or answers what a HEAD often gets wrong (400, 403, 404). Redirects are followed by
hand, at most 10 hops and only to http(s), so every hop is seen (a permanent one means
"moved"). A 429's ``Retry-After`` is honoured (up to a minute) and the link asked once more; a
5xx is asked once more after a pause.

Concurrency is threads: up to 32 daemon workers sharing one ``httpx.Client`` (its pool is
thread-safe), at most 4 requests in flight per host. Threads rather than asyncio because the
check runs both in the CLI and in a browser worker thread, and a blocked daemon thread can be
abandoned at once on Ctrl+C or escape (an event loop would have to be torn down). Measured by
``bench/link_health.py`` (160 links, 8 hosts, 200 ms each): 1.2 s with these threads, 1.6 s
for a bare ``httpx.AsyncClient`` doing HEADs under the same limits, 32.8 s one by one. Workers take
the next link whose host has a free slot, so a list sorted by host still keeps every host busy.
The rules for what an answer means are in ``app.core.link_health``; this module only asks.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from app.core.errors import ReadnotesError

if TYPE_CHECKING:
    import httpx

    from app.core.config import Config
    from app.core.link_health import Health, Hop, Probe

# The browser imports this module at start; the rules and httpx load with the first check.
__all__ = ["CheckRun", "LinkChecker", "link_checks_by", "no_link_checks"]

MAX_HOPS = 10
PER_HOST = 4
TOTAL = 32
MAX_RETRY_AFTER = 60.0
_HEAD_UNRELIABLE = (400, 403, 404, 405, 501)


@dataclass
class CheckRun:
    """What a run found: results by URL, and whether it was stopped before the end."""

    results: dict[str, Health] = field(default_factory=dict)
    stopped: bool = False


@dataclass
class LinkChecker:
    timeout: float = 10.0
    per_host: int = PER_HOST
    total: int = TOTAL
    retry_pause: float = 1.0  # before asking a 5xx again (a Retry-After wins)
    transport: httpx.BaseTransport | None = None
    clock: Callable[[], float] = time.time
    # waits before asking again; True when stopped meanwhile (a test records the waits)
    pause: Callable[[threading.Event, float], bool] = threading.Event.wait

    def check(
        self,
        urls: Sequence[str],
        *,
        on_result: Callable[[str, Health], None] | None = None,
        stop: threading.Event | None = None,
    ) -> CheckRun:
        """Check ``urls`` (each once); ``on_result`` hears each as it comes, in this thread.

        Setting ``stop`` (or Ctrl+C in this thread) ends the run at once: requests in flight
        are abandoned to their daemon threads, and what was found so far is returned.
        """
        import httpx

        from app.core.link_health import Probe, classify
        from app.edges.network import USER_AGENT

        stop = stop or threading.Event()
        run = CheckRun()
        todo = list(dict.fromkeys(urls))
        if not todo:
            return run
        client = httpx.Client(
            timeout=self.timeout,
            follow_redirects=False,
            transport=self.transport,
            headers={"User-Agent": USER_AGENT, "Accept": "*/*"},
            trust_env=self.transport is None,
            limits=httpx.Limits(max_connections=self.total, max_keepalive_connections=self.total),
        )
        slots = _Slots(self.per_host, todo)
        done: queue.Queue[tuple[str, Health]] = queue.Queue()

        def work() -> None:
            while not stop.is_set():
                url = slots.take(stop)
                if url is None:
                    return
                try:
                    probe = self._probe(client, url, slots, stop)
                except Exception as error:  # an odd URL httpx refuses: its answer, not a hang
                    probe = Probe((), None, _short(error))
                finally:
                    slots.finish(url)
                health = classify(url, probe, now=self.clock())
                done.put((url, health))

        workers = [
            threading.Thread(target=work, name="readnotes-link-check", daemon=True)
            for _ in range(min(self.total, len(todo)))
        ]
        for worker in workers:
            worker.start()
        try:
            while len(run.results) < len(todo):
                if stop.is_set():
                    run.stopped = True
                    break
                try:
                    url, health = done.get(timeout=0.05)
                except queue.Empty:
                    continue
                run.results[url] = health
                if on_result is not None:
                    on_result(url, health)
        except KeyboardInterrupt:
            stop.set()
            run.stopped = True
        if run.stopped:  # the client closes once the requests in flight are over, not now
            threading.Thread(target=_close_after, args=(client, workers), daemon=True).start()
        else:
            client.close()
        return run

    def _probe(self, client: httpx.Client, url: str, slots: _Slots, stop: threading.Event) -> Probe:
        import httpx

        from app.core.link_health import REDIRECTS, Hop, Probe
        from app.edges.network import _describe, _retry_after_seconds

        hops: list[Hop] = []
        seen = {url}
        current = url
        retried_busy = retried_error = False
        while True:
            if urlsplit(current).scheme.lower() not in ("http", "https"):
                why = "not an http(s) URL" if not hops else "redirected to a non-http(s) URL"
                return Probe(tuple(hops), None, why)
            try:
                status, location, retry_after = self._ask(client, current, slots)
            except httpx.TimeoutException:
                return Probe(tuple(hops), None, "timeout")
            except httpx.HTTPError as error:
                return Probe(tuple(hops), None, _describe(error))
            except (OSError, ValueError) as error:
                return Probe(tuple(hops), None, str(error) or type(error).__name__)
            wait = _retry_after_seconds(retry_after, time.time())
            if status == 429 and not retried_busy:
                retried_busy = True
                wait = 1.0 if wait is None else wait
                if wait > MAX_RETRY_AFTER or self.pause(stop, wait):
                    return Probe(tuple(hops), status)
                continue
            if status >= 500 and not retried_error:
                retried_error = True
                wait = self.retry_pause if wait is None else min(wait, MAX_RETRY_AFTER)
                if self.pause(stop, wait):
                    return Probe(tuple(hops), status)
                continue
            if status in REDIRECTS and location:
                target = urljoin(current, location)
                hops.append(Hop(status, target))
                if target in seen:
                    return Probe(tuple(hops), None, "redirect loop")
                if len(hops) > MAX_HOPS:
                    return Probe(tuple(hops), None, f"over {MAX_HOPS} redirects")
                seen.add(target)
                current = target
                continue
            return Probe(tuple(hops), status)

    def _ask(self, client: httpx.Client, url: str, slots: _Slots) -> tuple[int, str, str | None]:
        """(status, Location, Retry-After) for ``url``: HEAD, or a GET whose body stays unread."""
        import httpx

        host = _host(url)
        with slots.request(host):
            try:
                response = client.head(url)
            except httpx.RemoteProtocolError:  # a server that breaks on HEAD: ask by GET
                status = 501
            else:
                status = response.status_code
            if status not in _HEAD_UNRELIABLE:
                return (
                    status,
                    response.headers.get("Location", ""),
                    response.headers.get("Retry-After"),
                )
            with client.stream("GET", url) as answer:  # closed before a byte of the body
                return (
                    answer.status_code,
                    answer.headers.get("Location", ""),
                    answer.headers.get("Retry-After"),
                )


def link_checks_by(
    config: Config,
) -> Callable[[Sequence[str], Callable[[str, Health], None], threading.Event], dict[str, Health]]:
    """The browser's ``check_links`` effect, with the config's timeout and per-host limit.

    This module loads with the browser; httpx and the HTTP client only on the first check.
    """

    def check_links(
        urls: Sequence[str], on_result: Callable[[str, Health], None], stop: threading.Event
    ) -> dict[str, Health]:
        checker = LinkChecker(timeout=config.network_timeout, per_host=config.link_check_per_host)
        return checker.check(urls, on_result=on_result, stop=stop).results

    return check_links


def no_link_checks(
    urls: Sequence[str], on_result: Callable[[str, Health], None], stop: threading.Event
) -> dict[str, Health]:
    """What a browser built without its effects does: it never goes online."""
    raise ReadnotesError("Links not checked: this browser was started without network access")


def _close_after(client: httpx.Client, workers: list[threading.Thread]) -> None:
    for worker in workers:
        worker.join()
    client.close()


def _short(error: Exception) -> str:
    from app.core.sanitize import inert_line

    return inert_line(str(error))[:200] or type(error).__name__


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class _Slots:
    """The links waiting, by host, and the requests in flight per host.

    ``take`` hands a worker a link whose host is below its share of workers; ``request`` holds
    one of the host's ``per_host`` slots for each request (a redirect to another host waits for
    a slot there).
    """

    def __init__(self, per_host: int, urls: Sequence[str]) -> None:
        self.per_host = max(1, per_host)
        self._cond = threading.Condition()
        self._waiting: dict[str, deque[str]] = {}
        for url in urls:
            self._waiting.setdefault(_host(url), deque()).append(url)
        self._assigned: dict[str, int] = {}
        self._in_flight: dict[str, int] = {}
        self._host_of: dict[str, str] = {}

    def take(self, stop: threading.Event) -> str | None:
        with self._cond:
            while not stop.is_set():
                if not self._waiting:
                    return None
                for host, urls in self._waiting.items():
                    if self._assigned.get(host, 0) < self.per_host:
                        url = urls.popleft()
                        if not urls:
                            del self._waiting[host]
                        self._assigned[host] = self._assigned.get(host, 0) + 1
                        self._host_of[url] = host
                        return url
                self._cond.wait(0.1)
            return None

    def finish(self, url: str) -> None:
        with self._cond:
            host = self._host_of.pop(url, "")
            self._assigned[host] = self._assigned.get(host, 1) - 1
            self._cond.notify_all()

    def request(self, host: str) -> _Slot:
        return _Slot(self, host)

    def _acquire(self, host: str) -> None:
        with self._cond:
            while self._in_flight.get(host, 0) >= self.per_host:
                self._cond.wait(0.1)
            self._in_flight[host] = self._in_flight.get(host, 0) + 1

    def _release(self, host: str) -> None:
        with self._cond:
            self._in_flight[host] -= 1
            self._cond.notify_all()


class _Slot:
    def __init__(self, slots: _Slots, host: str) -> None:
        self.slots, self.host = slots, host

    def __enter__(self) -> None:
        self.slots._acquire(self.host)

    def __exit__(self, *_: object) -> None:
        self.slots._release(self.host)
