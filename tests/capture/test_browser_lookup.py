"""The browser's ``paper_lookup`` effect, as ``run_app`` wires it: the configured endpoint, one
source built on the first lookup and kept, its answers cached; without effects, no network."""

from __future__ import annotations

from pathlib import Path

import pytest
from paper_server import Answer, PaperServer, crossref_path, crossref_work

from app.core.config import Config
from app.core.errors import ReadnotesError
from app.core.paper_ids import IdKind, PaperId
from app.ui.wiring import PaperLookup, local_effects, real_effects

DOI = "10.1145/3600006.3613165"


def test_the_real_lookup_asks_the_configured_source_once_then_its_cache(
    paper_server: PaperServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READNOTES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("READNOTES_CROSSREF_API", raising=False)
    paper_server.serve(crossref_path(DOI), Answer(body=crossref_work(DOI)))
    lookup = real_effects(Config(crossref_api=paper_server.crossref_api)).paper_lookup
    assert isinstance(lookup, PaperLookup)
    found = PaperId(IdKind.DOI, DOI)
    first = lookup(found)
    assert first.title == "Wombat: Burrowing Memory for Operating Systems"
    assert lookup(found) == first
    assert paper_server.requests == [f"/crossref/works/{DOI}"]


def test_an_app_built_without_effects_never_goes_online() -> None:
    with pytest.raises(ReadnotesError, match="without network access"):
        local_effects().paper_lookup(PaperId(IdKind.ARXIV, "2306.02707"))
