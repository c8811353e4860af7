"""The network settings of config.toml: read when right, one line and the default when wrong."""

from __future__ import annotations

from pathlib import Path

from app.core.config import parse_config


def test_endpoints_and_timeout_are_read() -> None:
    config = parse_config(
        'arxiv_api = "http://mirror.test/api/query"\ncrossref_api = "https://proxy.test/cr"\n'
        "network_timeout = 2.5\n",
        Path("config.toml"),
    )
    assert config.problems == ()
    assert config.arxiv_api == "http://mirror.test/api/query"
    assert config.crossref_api == "https://proxy.test/cr"
    assert config.network_timeout == 2.5


def test_wrong_values_are_one_line_each_and_keep_the_defaults() -> None:
    config = parse_config(
        'arxiv_api = "ftp://mirror.test"\ncrossref_api = 3\nnetwork_timeout = 0\n',
        Path("config.toml"),
    )
    assert config.problems == (
        "config.toml line 1: arxiv_api must be an http(s) URL, not the string"
        " 'ftp://mirror.test'; ignored",
        "config.toml line 2: crossref_api must be an http(s) URL, not the number 3; ignored",
        "config.toml line 3: network_timeout must be a number of seconds (0 to 600), not the"
        " number 0; using the default (10)",
    )
    assert (config.arxiv_api, config.crossref_api, config.network_timeout) == (None, None, 10.0)


def test_the_link_checks_per_host_limit() -> None:
    assert parse_config("link_check_per_host = 2\n", Path("c.toml")).link_check_per_host == 2
    for wrong, shown in (("0", "the number 0"), ("33", "the number 33"), ("true", "true")):
        config = parse_config(f"link_check_per_host = {wrong}\n", Path("c.toml"))
        assert config.link_check_per_host == 4
        assert config.problems == (
            f"c.toml line 1: link_check_per_host must be a whole number from 1 to 32, not {shown};"
            " using the default (4)",
        )
