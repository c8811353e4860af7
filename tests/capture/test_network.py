"""The HTTP client against a local server that misbehaves in every way we could write down."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import httpx
import pytest
from paper_server import QUOKKA, Answer, PaperServer, arxiv_path

from app.core.config import Config
from app.core.metadata import MetadataError
from app.core.paper_ids import IdKind, PaperId
from app.edges.network import AnswerCache, HostSpacing, HttpClient, NetworkError
from app.edges.paper_sources import Endpoints, PaperSource, paper_source


class Sleeps:
    """A sleep that only records; its clock moves by what was slept."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def client(sleeps: Sleeps | None = None, **options: float) -> HttpClient:
    fake = sleeps or Sleeps()
    return HttpClient(sleep=fake.sleep, spacing=HostSpacing(sleep=fake.sleep), **options)


def failure(http: HttpClient, url: str) -> str:
    with pytest.raises(NetworkError) as caught:
        http.get(url)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_good_answer_and_the_user_agent(paper_server: PaperServer) -> None:
    paper_server.serve("/ok", Answer(body=b"hello"))
    assert client().get(f"{paper_server.base}/ok") == b"hello"
    assert paper_server.user_agents == ["readnotes/0.1.0 (+https://github.com/readnotes/readnotes)"]


def test_429_then_200_waits_as_retry_after_says(paper_server: PaperServer) -> None:
    paper_server.serve(
        "/busy", Answer(429, headers={"Retry-After": "2"}), Answer(503), Answer(body=b"done")
    )
    sleeps = Sleeps()
    assert client(sleeps).get(f"{paper_server.base}/busy") == b"done"
    assert sleeps.slept == [2.0, 2.0]  # Retry-After, then a doubling back-off without one
    assert len(paper_server.requests) == 3


def test_at_most_three_retries_then_one_line(paper_server: PaperServer) -> None:
    paper_server.serve("/down", Answer(503, headers={"Retry-After": "0"}))
    url = f"{paper_server.base}/down"
    assert failure(client(), url) == f"{url}: the server answered 503 Service Unavailable"
    assert len(paper_server.requests) == 4
    paper_server.serve("/later", Answer(429, headers={"Retry-After": "3600"}))
    later = f"{paper_server.base}/later"
    assert failure(client(), later) == f"{later}: the server is busy (asks to wait 3600 s)"


def test_a_slow_server_times_out(paper_server: PaperServer) -> None:
    paper_server.serve("/slow", Answer(body=b"late", delay=1.0))
    url = f"{paper_server.base}/slow"
    assert failure(client(timeout=0.2), url) == f"{url}: no answer within 0.2 s"


def test_huge_answers_are_not_read_past_the_cap(paper_server: PaperServer) -> None:
    paper_server.serve("/stream", Answer(body=b"<feed>", stream_bytes=6 * 1024 * 1024))
    paper_server.serve("/declared", Answer(body=b"x" * (5 * 1024 * 1024 + 1)))
    for path in ("/stream", "/declared"):
        url = f"{paper_server.base}{path}"
        assert failure(client(), url) == f"{url}: the answer is over 5 MB; not read"


def test_redirects_to_http_are_followed_and_other_schemes_refused(
    paper_server: PaperServer,
) -> None:
    base = paper_server.base
    paper_server.serve("/moved", Answer(301, headers={"Location": "/here"}))
    paper_server.serve("/here", Answer(body=b"arrived"))
    paper_server.serve("/ftp", Answer(302, headers={"Location": "ftp://127.0.0.1/x"}))
    paper_server.serve("/file", Answer(307, headers={"Location": "file:///etc/passwd"}))
    paper_server.serve("/loop", Answer(302, headers={"Location": "/loop"}))
    assert client().get(f"{base}/moved") == b"arrived"
    assert failure(client(), f"{base}/ftp") == f"{base}/ftp: redirected to a ftp URL; refused"
    assert failure(client(), f"{base}/file") == f"{base}/file: redirected to a file URL; refused"
    assert failure(client(), f"{base}/loop") == f"{base}/loop: over 5 redirects"
    assert failure(client(), "file:///etc/passwd") == "file:///etc/passwd: not an http(s) URL"


def test_a_closed_port_is_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends
    closed = f"http://127.0.0.1:{port}/x"
    assert failure(client(), closed) == f"{closed}: connection refused"


def test_tls_to_a_plain_http_server_is_a_tls_error(paper_server: PaperServer) -> None:
    url = paper_server.base.replace("http://", "https://") + "/x"
    assert failure(client(), url).startswith(f"{url}: TLS error (")


def test_dns_failure_is_named_as_such() -> None:
    def resolve_nothing(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    http = HttpClient(transport=httpx.MockTransport(resolve_nothing))
    url = "https://no-such-host.invalid/x"
    assert failure(http, url) == f"{url}: the host name could not be resolved (DNS)"


def test_requests_to_one_host_are_spaced_and_others_are_not() -> None:
    sleeps = Sleeps()
    spacing = HostSpacing({"export.arxiv.org": 3.0}, clock=sleeps.clock, sleep=sleeps.sleep)
    spacing.wait_for("export.arxiv.org")
    sleeps.now += 1.0
    spacing.wait_for("export.arxiv.org")
    spacing.wait_for("api.crossref.org")
    sleeps.now += 5.0
    spacing.wait_for("export.arxiv.org")
    assert sleeps.slept == [2.0]


def test_the_cache_keeps_answers_30_days(tmp_path: Path) -> None:
    sleeps = Sleeps()
    cache = AnswerCache(tmp_path, clock=sleeps.clock)
    assert cache.get("https://a.test/1") is None
    cache.put("https://a.test/1", b"answer")
    stored = next((tmp_path / "answers").iterdir())
    os.utime(stored, (sleeps.now, sleeps.now))
    assert cache.get("https://a.test/1") == b"answer"
    assert cache.get("https://a.test/2") is None
    sleeps.now += 31 * 86400
    assert cache.get("https://a.test/1") is None


def test_the_cache_is_off_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READNOTES_CACHE_DIR", "off")
    cache = AnswerCache()
    cache.put("https://a.test/1", b"answer")
    assert cache.folder is None and cache.get("https://a.test/1") is None


def test_a_source_asks_once_and_does_not_keep_a_bad_answer(
    paper_server: PaperServer, tmp_path: Path
) -> None:
    endpoints = Endpoints(paper_server.arxiv_api, paper_server.crossref_api)
    source = PaperSource(endpoints, client(), AnswerCache(tmp_path))
    quokka = PaperId(IdKind.ARXIV, "2306.02707")
    paper_server.serve(arxiv_path("2306.02707"), Answer(body=b"<oops"), Answer(body=QUOKKA))
    with pytest.raises(MetadataError):
        source.lookup(quokka)
    assert source.lookup(quokka).title.startswith("Quokka")
    assert source.lookup(quokka).title.startswith("Quokka")
    assert len(paper_server.requests) == 2


def test_endpoints_come_from_the_environment_then_the_config() -> None:
    config = Config(arxiv_api="http://mirror.test/api", crossref_api=None, network_timeout=4)
    chosen = Endpoints.chosen(config, {"READNOTES_CROSSREF_API": "http://proxy.test"})
    assert chosen == Endpoints("http://mirror.test/api", "http://proxy.test")
    assert Endpoints.chosen(Config(), {}) == Endpoints(
        "https://export.arxiv.org/api/query", "https://api.crossref.org"
    )
    source = paper_source(config, {})
    assert source.client.timeout == 4
    assert source.client.spacing.gaps["mirror.test"] == 3.0
    doi = PaperId(IdKind.DOI, "10.1000/a b#c")
    assert source.url_for(doi) == "https://api.crossref.org/works/10.1000/a%20b%23c"


def test_retry_after_as_an_http_date() -> None:
    from app.edges.network import _retry_after_seconds

    now = 1_700_000_000.0  # 2023-11-14 22:13:20 GMT
    assert _retry_after_seconds("Tue, 14 Nov 2023 22:13:50 GMT", now) == 30.0
    assert _retry_after_seconds("Tue, 14 Nov 2023 22:00:00 GMT", now) == 0.0
    assert _retry_after_seconds("soon", now) is None
    assert _retry_after_seconds(" 7 ", now) == 7.0
