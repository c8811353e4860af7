"""link check: 160 links over 8 hosts that answer 200 ms late, against the same links one by one.

Eight local servers (127.0.0.1 to 127.0.0.8, the test servers of tests/links) each answer every
request 200 ms late; the links are listed host by host (the worst order for a pool that takes
links in turn). Timed in this process: ``LinkChecker`` as ``check --links`` and the browser run
it (threads, at most 4 in flight per host, 32 in all), from the call to its last result.
Baseline: the same checker with one link in flight at a time, which is what "one by one" costs
(about links x 200 ms). The floor of the polite checker is 20 links per host / 4 in flight x
200 ms = 1 s. ``--quick`` checks 40 links (5 per host), the one-by-one run then takes 8 s
instead of 32 s. See bench/link_health.py for the asyncio comparison.
"""

from __future__ import annotations

import math

from harness import Series
from plan import Plan
from report import Row

LINKS, QUICK_LINKS, DELAY_MS, HOSTS = 160, 40, 200, 8
FASTER = 6.0
PARALLEL_ROUNDS = 3


def run(plan: Plan) -> list[Row]:
    from link_health import timed_checker, urls_for
    from link_servers import link_servers

    count = QUICK_LINKS if plan.quick else LINKS
    name = f"{count} links, {HOSTS} hosts, {DELAY_MS} ms"
    parallel, serial = Series(), Series()
    row = Row(
        "link check",
        name,
        "ms",
        parallel,
        serial,
        f"≥ {FASTER:.0f}x faster",
        lambda _median, ratio: ratio is not None and ratio <= 1 / FASTER,
    )
    try:
        with link_servers() as servers:
            urls = urls_for(servers, count, DELAY_MS)
            timed_checker(urls[:HOSTS])  # untimed: imports, first connections
            for _ in range(1 if plan.quick else PARALLEL_ROUNDS):
                parallel.add(timed_checker(urls) * 1000.0, 0)
            most = max(server.most_in_flight for server in servers)
            serial.add(timed_checker(urls, per_host=1, total=1) * 1000.0, 0)
    except (AssertionError, OSError) as error:
        plan.log(f"link check: {error!r}")
        row.missing = "setup failed"
        return [row]
    floor = math.ceil(count / HOSTS / 4) * DELAY_MS
    row.details.append(
        f"baseline: the same checker one link at a time (once); the polite checker's floor is "
        f"{count // HOSTS} links per host / 4 in flight x {DELAY_MS} ms = {floor:.0f} ms; "
        f"most in flight on one host: {most}"
    )
    return [row]
