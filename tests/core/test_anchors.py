"""Heading anchors: the slug GitHub gives a heading, in any script, repeats numbered."""

from __future__ import annotations

import pytest

from app.core.anchors import HeadingSlugs, slugify


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Key idea", "key-idea"),
        ("Why it works?", "why-it-works"),
        ("What's new in v2.0?", "whats-new-in-v20"),
        ("FlashAttention-2: Faster!", "flashattention-2-faster"),
        ("C++ & Rust", "c--rust"),
        ("snake_case stays", "snake_case-stays"),
        ("Café au lait", "café-au-lait"),
        ("日本語 見出し", "日本語-見出し"),
        ("中文 标题", "中文-标题"),
        ("हिन्दी भाषा", "हिन्दी-भाषा"),  # vowel signs and virama (marks) are kept
        ("🚀 Launch", "-launch"),  # GitHub drops emoji, the space stays
        ("Results 🎉", "results-"),
        ("  padded  ", "padded"),
    ],
)
def test_slugify_matches_github(heading: str, slug: str) -> None:
    assert slugify(heading) == slug


def test_repeated_headings_get_numbered_slugs() -> None:
    slugs = HeadingSlugs()
    assert [slugs.add(heading) for heading in ["Notes", "Other", "Notes", "Notes"]] == [
        "notes",
        "other",
        "notes-1",
        "notes-2",
    ]


def test_a_heading_that_looks_numbered_is_not_taken_twice() -> None:
    slugs = HeadingSlugs()
    assert [slugs.add(heading) for heading in ["a", "a-1", "a", "a"]] == ["a", "a-1", "a-2", "a-3"]
