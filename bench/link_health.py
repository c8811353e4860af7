"""Link checking, parallel and polite, against the same links asked one by one.

    uv run python bench/link_health.py [--links 160] [--delay-ms 200]

Eight local servers (127.0.0.1 to 127.0.0.8, as in tests/links) each answer every request
200 ms late; 160 links are spread over them, in host order (the worst case for a naive pool).
Measured: ``LinkChecker`` as ``check --links`` runs it (threads, <=4 per host, <=32 in all);
the same checker one link at a time; and, to settle threads vs asyncio, a bare ``httpx``
``AsyncClient`` with the same per-host limit doing HEADs only (no retries, no redirects).
Goal: the checker within 6 s and at least 6x faster than one by one.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "links"))

from link_servers import LinkServer, link_servers  # noqa: E402

from app.core.link_health import Kind  # noqa: E402
from app.edges.link_check import LinkChecker  # noqa: E402


def urls_for(servers: list[LinkServer], count: int, delay_ms: int) -> list[str]:
    per = count // len(servers)
    return [s.url(f"/ok/{n}?ms={delay_ms}") for s in servers for n in range(per)]


def timed_checker(urls: list[str], **options: int) -> float:
    began = time.perf_counter()
    results = LinkChecker(**options).check(urls).results  # type: ignore[arg-type]
    took = time.perf_counter() - began
    assert len(results) == len(urls) and all(h.kind is Kind.OK for h in results.values())
    return took


def timed_async(urls: list[str], per_host: int = 4, total: int = 32) -> float:
    import httpx

    async def main() -> None:
        hosts: dict[str, asyncio.Semaphore] = {}
        limits = httpx.Limits(max_connections=total)
        async with httpx.AsyncClient(limits=limits, timeout=10) as client:

            async def one(url: str) -> None:
                host = urlsplit(url).hostname or ""
                async with hosts.setdefault(host, asyncio.Semaphore(per_host)):
                    response = await client.head(url)
                    assert response.status_code == 200

            await asyncio.gather(*(one(url) for url in urls))

    began = time.perf_counter()
    asyncio.run(main())
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", type=int, default=160)
    parser.add_argument("--delay-ms", type=int, default=200)
    parser.add_argument("--skip-serial", action="store_true", help="skip the one-by-one run")
    args = parser.parse_args()
    with link_servers() as servers:
        urls = urls_for(servers, args.links, args.delay_ms)
        timed_checker(urls[:8])  # warm up: imports, first connections
        parallel = min(timed_checker(urls) for _ in range(3))
        most = max(s.most_in_flight for s in servers)
        asynchronous = min(timed_async(urls) for _ in range(3))
        serial = None if args.skip_serial else timed_checker(urls, per_host=1, total=1)
    print(f"{len(urls)} links over {len(servers)} hosts, each answer {args.delay_ms} ms late")
    print(f"  check --links (threads, 4/host, 32 all): {parallel:6.2f} s  (most per host: {most})")
    print(f"  bare httpx.AsyncClient, HEAD only:       {asynchronous:6.2f} s")
    if serial is not None:
        print(f"  one by one:                              {serial:6.2f} s")
        ratio = serial / parallel
        holds = parallel <= 6 and ratio >= 6
        print(f"  speed-up {ratio:.1f}x; goal <= 6 s and >= 6x: {'holds' if holds else 'FAILS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
