"""Eight local web servers, shared by the link tests of one worker and reset for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from link_servers import LinkServer, link_servers


@pytest.fixture(scope="session")
def _all_servers() -> Iterator[list[LinkServer]]:
    with link_servers() as servers:
        yield servers


@pytest.fixture
def servers(_all_servers: list[LinkServer]) -> Iterator[list[LinkServer]]:
    for server in _all_servers:
        server.reset()
    yield _all_servers
    for server in _all_servers:
        server.release.set()  # a /hang the test left waiting answers now
