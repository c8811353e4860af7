"""What the link checker finds, asked of real local servers (see link_servers.py)."""

from __future__ import annotations

import threading
import time

import pytest
from link_servers import LinkServer, closed_port_url

from app.core.link_health import Health, Hop, Kind, Probe, classify, health_mark
from app.edges.link_check import LinkChecker
from app.edges.network import USER_AGENT


def check(*urls: str, **options: float) -> dict[str, Health]:
    checker = LinkChecker(timeout=options.pop("timeout", 2.0), retry_pause=0.05, **options)  # type: ignore[arg-type]
    return checker.check(list(urls)).results


def test_a_page_that_answers_is_fine_with_one_head(servers: list[LinkServer]) -> None:
    one = servers[0]
    health = check(one.url("/ok"))[one.url("/ok")]
    assert health.kind is Kind.OK and health.code == 200
    assert one.requests == [("HEAD", "/ok")]


def test_head_refused_then_a_get_whose_body_is_not_read(servers: list[LinkServer]) -> None:
    one = servers[0]
    url = one.url("/head405")
    assert check(url)[url].kind is Kind.OK
    assert one.requests == [("HEAD", "/head405"), ("GET", "/head405")]


def test_a_head_that_breaks_the_connection_is_asked_by_get(servers: list[LinkServer]) -> None:
    one = servers[0]
    url = one.url("/head-breaks")
    assert check(url)[url].kind is Kind.OK
    assert one.requests == [("HEAD", "/head-breaks"), ("GET", "/head-breaks")]


@pytest.mark.parametrize(
    ("path", "kind", "code"),
    [
        ("/status/404", Kind.DEAD, 404),
        ("/status/410", Kind.DEAD, 410),
        ("/status/400", Kind.DEAD, 400),
        ("/status/401", Kind.UNREACHABLE, 401),
        ("/status/403", Kind.UNREACHABLE, 403),
        ("/always-busy", Kind.UNREACHABLE, 429),
        ("/status/500", Kind.UNREACHABLE, 500),
        ("/moved-then-gone", Kind.DEAD, 404),
    ],
)
def test_each_status_is_classified(
    servers: list[LinkServer], path: str, kind: Kind, code: int
) -> None:
    url = servers[1].url(path)
    health = check(url)[url]
    assert (health.kind, health.code) == (kind, code)


def test_a_5xx_is_asked_once_more_before_it_counts(servers: list[LinkServer]) -> None:
    one = servers[0]
    flaky, broken = one.url("/flaky"), one.url("/status/500")
    found = check(flaky, broken)
    assert found[flaky].kind is Kind.OK
    assert found[broken].kind is Kind.UNREACHABLE
    assert one.asked["/status/500"] == 2


def test_a_permanent_chain_is_followed_to_its_end(servers: list[LinkServer]) -> None:
    one = servers[2]
    url = one.url("/moved")
    health = check(url)[url]
    assert health.kind is Kind.MOVED
    assert health.location == one.url("/ok/final")
    assert health_mark(health) == "↪ moved"


@pytest.mark.parametrize("path", ["/slash", "/to-https", "/temporary"])
def test_a_slash_https_or_temporary_redirect_is_not_moved(
    servers: list[LinkServer], path: str
) -> None:
    url = servers[3].url(path)
    health = Health(Kind.OK) if path == "/to-https" else check(url)[url]
    if path == "/to-https":  # no TLS here: the rule is checked on the hops the edge reports
        hops = (Hop(301, url.replace("/to-https", "/ok").replace("http:", "https:")),)
        health = classify(url.replace("/to-https", "/ok"), Probe(hops, 200))
    assert health.kind is Kind.OK


def test_loops_too_many_hops_and_other_schemes_are_unreachable(
    servers: list[LinkServer],
) -> None:
    one = servers[4]
    loop, far, ftp, fine = (one.url(p) for p in ("/loop", "/hops/11", "/to-ftp", "/hops/10"))
    found = check(loop, far, ftp, fine)
    assert (found[loop].kind, found[loop].reason) == (Kind.UNREACHABLE, "redirect loop")
    assert found[far].reason == "over 10 redirects"
    assert found[ftp].reason == "redirected to a non-http(s) URL"
    assert found[fine].kind is Kind.OK


def test_a_slow_answer_and_a_closed_port_are_unreachable(servers: list[LinkServer]) -> None:
    slow, closed = servers[5].url("/slow"), closed_port_url()
    found = check(slow, closed, timeout=0.3)
    assert (found[slow].kind, found[slow].reason) == (Kind.UNREACHABLE, "timeout")
    assert found[closed].reason == "connection refused"
    assert health_mark(found[slow]) == "? timeout"


def test_a_url_httpx_refuses_is_unreachable_and_the_run_ends() -> None:
    found = check("http://[bad/", "https://")
    assert found["http://[bad/"].kind is Kind.UNREACHABLE
    assert found["http://[bad/"].reason == "Invalid IPv6 URL"
    assert found["https://"].kind is Kind.UNREACHABLE


def test_429_waits_for_retry_after_then_asks_once_more(servers: list[LinkServer]) -> None:
    one = servers[6]
    url, always = one.url("/busy"), one.url("/always-busy")
    waits: list[float] = []

    def pause(stop: threading.Event, seconds: float) -> bool:
        waits.append(seconds)
        return stop.wait(seconds)

    found = LinkChecker(timeout=2, pause=pause).check([url]).results
    assert found[url].kind is Kind.OK
    assert waits == [1.0]  # Retry-After: 1
    assert one.requests == [("HEAD", "/busy"), ("HEAD", "/busy")]
    found = LinkChecker(timeout=2, pause=pause).check([always]).results
    assert (found[always].kind, found[always].code) == (Kind.UNREACHABLE, 429)
    assert one.asked["/always-busy"] == 2  # asked once more, then given up


def test_never_more_than_the_per_host_limit_in_flight(servers: list[LinkServer]) -> None:
    urls = [s.url(f"/ok/{n}?ms=60") for s in servers[:2] for n in range(16)]
    found = LinkChecker(per_host=3, timeout=5).check(urls).results
    assert len(found) == 32 and all(h.kind is Kind.OK for h in found.values())
    assert [s.most_in_flight for s in servers[:2]] == [3, 3]


def test_requests_name_readnotes(servers: list[LinkServer]) -> None:
    check(servers[7].url("/ok/ua"), servers[7].url("/head405"))
    assert servers[7].agents == {USER_AGENT}


def test_a_stop_ends_the_run_at_once_with_what_was_found(servers: list[LinkServer]) -> None:
    stop = threading.Event()
    fast, slow = servers[0].url("/status/404"), servers[1].url("/slow")
    heard: list[str] = []

    def on_result(url: str, _: Health) -> None:
        heard.append(url)
        deadline = time.monotonic() + 5
        while servers[1].in_flight == 0 and time.monotonic() < deadline:
            time.sleep(0.01)  # the fast answer can come before the slow request is sent
        stop.set()

    run = LinkChecker(timeout=10).check([fast, slow], on_result=on_result, stop=stop)
    assert run.stopped and list(run.results) == [fast] and heard == [fast]
    assert servers[1].in_flight == 1  # the slow answer (3 s) was not waited for


def test_stored_results_read_back_and_junk_is_no_result() -> None:
    health = Health(Kind.MOVED, 200, "https://new.example/", None, 12.5)
    assert Health.from_json(health.to_json()) == health
    for junk in (None, [], {"kind": "sick"}, {"kind": "ok", "checked": "x"}, {"kind": 3}):
        assert Health.from_json(junk) is None
