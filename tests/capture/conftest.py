"""The fake arXiv and Crossref server, one per test (see paper_server.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from paper_server import PaperServer


@pytest.fixture
def paper_server() -> Iterator[PaperServer]:
    server = PaperServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
