"""Look a paper up by its id: arXiv's export API for arXiv ids, Crossref for DOIs.

The endpoints are the public ones unless ``READNOTES_ARXIV_API``/``READNOTES_CROSSREF_API`` (or
``arxiv_api``/``crossref_api`` in config.toml) name a mirror, a proxy or a test server. arXiv's
terms ask for 3 s between requests: the spacing is per process, by the API's host, shared by
every lookup. An answer is cached by URL for 30 days once it parsed, so a second add of the same
id asks nobody.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from app.core.config import Config
from app.core.metadata import MetadataError, PaperMeta, parse_arxiv_atom, parse_crossref
from app.core.paper_ids import IdKind, PaperId
from app.edges.network import AnswerCache, HostSpacing, HttpClient, NetworkError

__all__ = ["ARXIV_API", "CROSSREF_API", "Endpoints", "PaperSource", "paper_source"]

ARXIV_API = "https://export.arxiv.org/api/query"
CROSSREF_API = "https://api.crossref.org"
ARXIV_GAP = 3.0  # seconds between two arXiv requests (https://info.arxiv.org/help/api/tou.html)
_spacing = HostSpacing()  # one per process
_spacing_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Endpoints:
    arxiv_api: str = ARXIV_API
    crossref_api: str = CROSSREF_API

    @classmethod
    def chosen(cls, config: Config, environ: Mapping[str, str] | None = None) -> Endpoints:
        """The environment first, then the config file, then the public endpoints."""
        env = os.environ if environ is None else environ
        return cls(
            arxiv_api=env.get("READNOTES_ARXIV_API") or config.arxiv_api or ARXIV_API,
            crossref_api=env.get("READNOTES_CROSSREF_API") or config.crossref_api or CROSSREF_API,
        )


class PaperSource:
    """``lookup(id) -> PaperMeta``: the cache, else one polite request, parsed."""

    def __init__(
        self,
        endpoints: Endpoints,
        client: HttpClient,
        cache: AnswerCache,
    ) -> None:
        self.endpoints = endpoints
        self.client = client
        self.cache = cache

    def url_for(self, found: PaperId) -> str:
        if found.kind is IdKind.ARXIV:
            api = self.endpoints.arxiv_api
            joiner = "&" if "?" in api else "?"
            return f"{api}{joiner}id_list={quote(found.value, safe='/')}"
        return f"{self.endpoints.crossref_api.rstrip('/')}/works/{quote(found.value, safe='/')}"

    def lookup(self, found: PaperId) -> PaperMeta:
        url = self.url_for(found)
        parse = parse_arxiv_atom if found.kind is IdKind.ARXIV else parse_crossref
        cached = self.cache.get(url)
        if cached is not None:
            try:
                return parse(cached, found)
            except MetadataError:  # a damaged cache file is a miss
                pass
        accept = "application/atom+xml" if found.kind is IdKind.ARXIV else "application/json"
        try:
            data = self.client.get(url, accept=accept)
        except NetworkError as error:
            if error.status == 404 and found.kind is IdKind.DOI:
                raise MetadataError(f"{found}: Crossref does not know this DOI") from None
            raise NetworkError(f"{found}: {error}", status=error.status) from None
        meta = parse(data, found)
        self.cache.put(url, data)
        return meta


def paper_source(config: Config, environ: Mapping[str, str] | None = None) -> PaperSource:
    """The source the CLI and the browser use: configured endpoints, the process's spacing."""
    endpoints = Endpoints.chosen(config, environ)
    host = urlsplit(endpoints.arxiv_api).hostname or ""
    with _spacing_lock:
        _spacing.gaps.setdefault(host, ARXIV_GAP)
    client = HttpClient(timeout=config.network_timeout, spacing=_spacing)
    return PaperSource(endpoints, client, AnswerCache())
