"""The preview renderer: what a reader sees of a note's Markdown, laid out at a pane width."""

from __future__ import annotations

import struct
from functools import partial
from pathlib import Path
from urllib.parse import quote

import pytest
from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text

from app.core.anchors import slugify
from app.core.images import probe_image
from app.render.markdown import render_markdown, render_progressively, render_texts
from app.render.math import latex_to_unicode
from app.render.note_renderer import NoteRenderer
from app.render.rendered import Rendered


def png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\0\0\0\0"


def plain(rendered: Rendered) -> list[str]:
    return ["".join(segment.text for segment in line).rstrip() for line in rendered.lines]


def text_of(rendered: Rendered) -> str:
    return "\n".join(plain(rendered))


def test_headings_are_anchored_at_the_line_where_they_start() -> None:
    body = "# Attention Is All You Need\n\nIntro.\n\n## Multi-Head Attention (MHA)\n\nMore.\n"
    rendered = render_markdown(body, width=60)
    lines = plain(rendered)
    assert lines[rendered.anchors["attention-is-all-you-need"]] == "Attention Is All You Need"
    assert lines[rendered.anchors["multi-head-attention-mha"]] == "Multi-Head Attention (MHA)"
    assert [(h.level, h.text) for h in rendered.headings] == [
        (1, "Attention Is All You Need"),
        (2, "Multi-Head Attention (MHA)"),
    ]
    assert rendered.complete


def test_slugs_follow_github_and_repeated_headings_are_numbered() -> None:
    assert slugify("What's new in v2.0?") == "whats-new-in-v20"
    assert slugify("中文 标题") == "中文-标题"
    rendered = render_markdown("# Notes\n\n# Notes\n", width=40)
    assert set(rendered.anchors) == {"notes", "notes-1"}


def test_headings_are_anchored_by_github_s_slug_in_every_script() -> None:
    body = (
        "# What's new in v2.0?\n\n## 中文 标题\n\n## हिन्दी भाषा\n\n## 🚀 Launch\n\n"
        "## Notes\n\n## Notes\n\n## Notes\n"
    )
    rendered = render_markdown(body, width=40)
    slugs = [
        "whats-new-in-v20",
        "中文-标题",
        "हिन्दी-भाषा",
        "-launch",
        "notes",
        "notes-1",
        "notes-2",
    ]
    assert [heading.slug for heading in rendered.headings] == slugs
    assert list(rendered.anchors) == slugs
    hindi = rendered.headings[2].line
    assert rendered.anchor_line("#हिन्दी-भाषा") == hindi
    assert rendered.anchor_line("#" + quote("हिन्दी-भाषा")) == hindi  # a link percent-encoded
    assert rendered.anchor_line("#Hindi") is None


def test_a_note_rendered_in_steps_numbers_its_repeated_headings_as_a_whole() -> None:
    body = "\n\n".join(["# Notes", *(f"Paragraph {n}." for n in range(50)), "# Notes"])
    first, rest = render_progressively(body, width=40, first_blocks=10)
    assert list(first.anchors) == ["notes"]
    assert list(rest.anchors) == ["notes", "notes-1"]


def test_links_are_collected_in_order_and_clickable() -> None:
    body = "See [the paper](https://arxiv.org/abs/1706.03762) and [the note](other.md#intro)."
    rendered = render_markdown(body, width=80)
    assert rendered.links == ["https://arxiv.org/abs/1706.03762", "other.md#intro"]
    actions = [
        segment.style.meta["@click"]
        for line in rendered.lines
        for segment in line
        if segment.style is not None and segment.style.meta.get("@click")
    ]
    assert set(actions) == {"link(0)", "link(1)"}


def test_bare_file_names_are_not_turned_into_links() -> None:
    rendered = render_markdown("Read README.md and www.example.com first.", width=80)
    assert rendered.links == []


def test_task_lists_show_boxes_and_nested_lists_are_indented() -> None:
    body = "- [x] read it\n- [ ] summarise it\n  1. first\n  2. second\n"
    lines = plain(render_markdown(body, width=40))
    assert lines == ["☑ read it", "☐ summarise it", "  1. first", "  2. second"]


def test_block_quotes_have_a_bar() -> None:
    lines = plain(render_markdown("> quoted words\n", width=40))
    assert lines == ["▌ quoted words"]


def test_table_fits_a_narrow_pane() -> None:
    body = (
        "| Model | Parameters | Notes |\n|---|---:|---|\n"
        "| LLaMA 2 | 70B | trained on two trillion tokens of public data |\n"
    )
    rendered = render_markdown(body, width=30)
    assert all(Segment.get_line_length(line) <= 30 for line in rendered.lines)
    assert "LLaMA" in text_of(rendered)
    assert "trillion" in text_of(rendered)


def test_code_is_highlighted_and_an_unknown_language_does_not_crash() -> None:
    body = "```python\ndef f(x):\n    return x\n```\n\n```no-such-language\nplain words\n```\n"
    rendered = render_markdown(body, width=40)
    text = text_of(rendered)
    assert "def f(x):" in text
    assert "plain words" in text
    colours = {
        segment.style.color.name
        for segment in rendered.lines[0]
        if segment.style is not None and segment.style.color is not None
    }
    assert len(colours) > 1  # keywords and names in different colours


def test_long_code_lines_wrap_within_the_width() -> None:
    body = "```python\nx = '" + "a" * 200 + "'\n```\n"
    rendered = render_markdown(body, width=50)
    assert all(Segment.get_line_length(line) <= 50 for line in rendered.lines)
    assert text_of(rendered).count("a") >= 200


@pytest.mark.parametrize("width", [7, 10, 21, 40])
def test_wide_characters_wrap_by_cell_width_and_are_never_cut(width: int) -> None:
    body = (
        "中文的阅读笔记，包含很多很多的汉字，用来测试换行。" * 5
        + "\n\n- 列表项：混合 English 和中文"
    )
    rendered = render_markdown(body, width=width)
    source_chars = set(body)
    for line in rendered.lines:
        assert Segment.get_line_length(line) <= width
        for segment in line:
            # a cut wide character would leave a replacement or a stray half
            assert set(segment.text) <= source_chars | {" ", "•"}
    joined = "".join(text_of(rendered).split())
    assert "包含很多很多的汉字" in joined


def test_control_characters_in_a_note_are_made_inert() -> None:
    payload = "title \x1b]52;c;ZXZpbA==\x07 clear \x1b[2J c1 \x9b bidi \u202e end"
    body = f"# {payload}\n\n{payload}\n\n`{payload}`\n\n```\n{payload}\n```\n\n[{payload}](x.md)\n"
    rendered = render_markdown(body, width=200)
    for line in rendered.lines:
        for segment in line:
            assert not any(
                ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch == "\u202e" for ch in segment.text
            ), repr(segment.text)
    assert "␛" in text_of(rendered)


def test_images_become_placeholders_and_missing_ones_say_so(tmp_path: Path) -> None:
    (tmp_path / "notes" / "assets").mkdir(parents=True)
    (tmp_path / "notes" / "assets" / "diagram.png").write_bytes(png_header(240, 160))
    body = (
        "Intro.\n\n![the diagram](assets/diagram.png)\n\n![gone](assets/gone.png)\n\n"
        "![escape](../../etc/passwd)\n\n![web](https://example.org/a.png)\n"
    )
    probe = partial(probe_image, tmp_path, "notes/note.md")
    rendered = render_markdown(body, width=80, image_probe=probe)
    lines = plain(rendered)
    assert [(image.alt, image.target) for image in rendered.images] == [
        ("the diagram", "assets/diagram.png"),
        ("gone", "assets/gone.png"),
        ("escape", "../../etc/passwd"),
        ("web", "https://example.org/a.png"),
    ]
    diagram, gone, escape, web = (lines[image.line] for image in rendered.images)
    assert diagram == "🖼 the diagram (assets/diagram.png, 240×160)"
    assert gone == "🖼 gone (assets/gone.png) — missing image"
    assert escape == "🖼 escape (../../etc/passwd) — refused: it leads outside the notes folder"
    assert web == "🖼 web (https://example.org/a.png)"


def test_without_a_probe_placeholders_show_the_alt_text_and_path() -> None:
    rendered = render_markdown("![a diagram](assets/d.png)\n", width=80)
    assert plain(rendered) == ["🖼 a diagram (assets/d.png)"]


def test_a_very_long_image_path_is_shortened_in_its_placeholder() -> None:
    target = "data:image/png;base64," + "A" * 500
    (line,) = plain(render_markdown(f"![inline]({target})\n", width=200))
    assert line.startswith("🖼 inline (data:image/png;base64,AAA")
    assert line.endswith("…)")
    assert len(line) < 80


def test_html_is_shown_as_dim_source() -> None:
    rendered = render_markdown("<details>\n<summary>More</summary>\n</details>\n", width=60)
    assert plain(rendered)[0] == "<details>"
    assert all(
        segment.style is not None and segment.style.dim
        for segment in rendered.lines[0]
        if segment.text.strip()
    )


def test_max_blocks_renders_only_the_top() -> None:
    body = "\n\n".join(f"Paragraph {n}." for n in range(100))
    top = render_markdown(body, width=40, max_blocks=5)
    assert not top.complete
    assert plain(top)[-1] == "Paragraph 4."
    assert render_markdown(body, width=40).complete


def test_progressive_render_yields_the_top_then_everything() -> None:
    body = "\n\n".join(f"Paragraph {n}." for n in range(100))
    top, whole = list(render_progressively(body, width=40, first_blocks=10))
    assert not top.complete
    assert whole.complete
    assert plain(whole)[: len(top.lines)] == plain(top)
    assert plain(whole)[-1] == "Paragraph 99."


def test_a_cancelled_render_stops_between_blocks() -> None:
    body = "\n\n".join(f"Paragraph {n}." for n in range(100))
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    assert list(render_progressively(body, width=40, first_blocks=50, cancelled=cancelled)) == []
    partial = render_markdown(body, width=40, cancelled=cancelled)
    assert not partial.complete


# -- math -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"T_{mem}", "Tₘₑₘ"),
        (r"\max~(T_{mem}, T_{math})", "max (Tₘₑₘ, Tₘₐₜₕ)"),
        (r"\#ops / \#bytes > BW_{math} / BW_{mem}", "#ops / #bytes > BWₘₐₜₕ / BWₘₑₘ"),
        (r"\mathrm{softmax}(QK^T/\sqrt{d_k})V", "softmax(QKᵀ/√dₖ)V"),
        (r"x^2 + y^{10}", "x² + y¹⁰"),
        (r"\frac{a}{b}", "a/b"),
        (r"\frac{a+b}{c}", "(a+b)/c"),
        (r"\tfrac{x}{y + 1}", "x/(y + 1)"),
        (r"\frac{\exp(x_i)}{\sum_j \exp(x_j)}", "exp(xᵢ)/(∑ⱼ exp(xⱼ))"),
        (r"O(\sqrt{N})", "O(√N)"),
        (r"\sqrt{b^2-4ac}", "√(b²-4ac)"),
        (r"\sqrt[3]{x}", "∛x"),
        (r"\alpha \le \beta \times \gamma", "α ≤ β × γ"),
        (r"\sum_{i=1}^{n} x_i", "∑ᵢ₌₁ⁿ xᵢ"),
        (r"\mathcal{L}_{CE}", "ℒ_(CE)"),
    ],
)
def test_math_becomes_readable_unicode(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


@pytest.mark.parametrize("latex", [r"\frac{1", r"\unknownmacro{x}", r"\begin{weird}x\end{weird}"])
def test_math_that_cannot_be_converted_is_reported(latex: str) -> None:
    assert latex_to_unicode(latex) is None


def test_inline_math_in_a_note() -> None:
    rendered = render_markdown("Time is $\\max~(T_{mem}, T_{math})$ here.", width=80)
    assert plain(rendered) == ["Time is max (Tₘₑₘ, Tₘₐₜₕ) here."]


def test_unconvertible_math_is_shown_as_marked_source() -> None:
    rendered = render_markdown(r"Odd $\unknownmacro{x}$ math.", width=80)
    assert plain(rendered) == [r"Odd $\unknownmacro{x}$ math."]
    marked = [s for s in rendered.lines[0] if "unknownmacro" in s.text]
    assert marked and marked[0].style is not None and marked[0].style.dim


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("It costs $5 and $10 today.", "It costs $5 and $10 today."),
        (r"An escaped \$x\$ sign.", "An escaped $x$ sign."),
        ("An unbalanced $x sign.", "An unbalanced $x sign."),
        ("Code `$x$ and $y$` stays.", "Code $x$ and $y$ stays."),
        ("A range of $5-$10 or $20-$30.", "A range of $5-$10 or $20-$30."),
        ("Pay $5, then $x_i$ is math.", "Pay $5, then xᵢ is math."),
        ("Spaced $ x $ is not math.", "Spaced $ x $ is not math."),
        (r"Mixed \$5 and $T_{mem}$.", "Mixed $5 and Tₘₑₘ."),
    ],
)
def test_dollar_signs_that_are_not_math_are_left_alone(body: str, expected: str) -> None:
    assert plain(render_markdown(body, width=80)) == [expected]


def test_display_math_is_its_own_centred_block() -> None:
    rendered = render_markdown("Before\n\n$$\n\\sum_{i=1}^n x_i^2\n$$\n\nAfter\n", width=40)
    lines = plain(rendered)
    math_line = next(line for line in lines if "∑" in line)
    assert math_line.strip() == "∑ᵢ₌₁ⁿ xᵢ²"
    assert math_line.startswith(" " * 10)
    assert lines[0] == "Before" and lines[-1] == "After"


def test_corpora_render_completely_within_the_width() -> None:
    corpora = Path(__file__).resolve().parents[1] / "corpora"
    for path in sorted(corpora.glob("*.md"))[:3]:
        rendered = render_markdown(path.read_text(encoding="utf-8"), width=72)
        assert rendered.complete
        assert all(Segment.get_line_length(line) <= 72 for line in rendered.lines)


# -- Chinese and Japanese -------------------------------------------------------------------


def test_a_line_break_between_chinese_characters_is_not_a_space() -> None:
    body = "生成一个 token 之后，\n已经结束的序列移出 batch，\nbatch 始终是满的。\nThe end\nof it."
    (line,) = plain(render_markdown(body, width=200))
    assert (
        line == "生成一个 token 之后，已经结束的序列移出 batch， batch 始终是满的。 The end of it."
    )


def test_chinese_fills_each_line_instead_of_waiting_for_a_space() -> None:
    sentence = "同一批里的请求输出长度差别很大，短的早就生成完了，却要陪着最长的那个一起等。"
    body = f"GPU {sentence * 3} batch {sentence}"
    lines = plain(render_markdown(body, width=40))
    assert all(cell_len(line) <= 40 for line in lines)
    assert all(cell_len(line) >= 38 for line in lines[:-1]), lines  # no half-empty lines
    assert "".join(lines).replace(" ", "") == body.replace(" ", "")


@pytest.mark.parametrize("width", [9, 10, 17, 31])
def test_closing_punctuation_never_starts_a_line(width: int) -> None:
    body = "短的早就生成完了，却要陪着最长的那个一起等。新来的请求也只能排队（参见笔记）。" * 2
    lines = plain(render_markdown(body, width=width))
    assert all(cell_len(line) <= width for line in lines)
    assert not any(line[:1] in "，。）" for line in lines), lines
    assert not any(line.endswith("（") for line in lines), lines


def test_chinese_in_a_table_cell_wraps_between_characters() -> None:
    body = (
        "| 方法 | 说明 |\n|---|---|\n| 连续批处理 | "
        + "已经结束的序列立刻移出，新请求马上补进来。" * 3
        + " |\n"
    )
    rendered = render_markdown(body, width=40)
    lines = plain(rendered)
    assert all(Segment.get_line_length(line) <= 40 for line in rendered.lines)
    assert lines[0].startswith("╭") and lines[-1].startswith("╰")  # a grid, not records


# -- tables ---------------------------------------------------------------------------------

WIDE_TABLE = (
    "| Implementation | Exact? | Extra memory | When I would use it |\n|---|---|---|---|\n"
    "| Standard PyTorch attention | Yes | O(N²) for scores and probabilities | "
    "Short sequences, debugging, reference numbers |\n"
    "| Memory-efficient attention | Yes | Linear | When memory is the only concern |\n"
    "| Linformer / Performer style | No, approximate | Linear in N | "
    "Very long inputs where some quality loss is acceptable |\n"
)


def words_in(lines: list[str]) -> set[str]:
    return {word for line in lines for cell in line.split("│") for word in cell.split()}


def test_a_squeezed_table_cuts_only_its_longest_words() -> None:
    rendered = render_markdown(WIDE_TABLE, width=54)
    lines = plain(rendered)
    assert lines[0].startswith("╭")
    assert all(Segment.get_line_length(line) <= 54 for line in rendered.lines)
    whole = words_in(lines)
    for word in ("Implementation", "probabilities", "approximate", "acceptable", "debugging,"):
        assert word in whole, word
    assert "Memory-efficient" not in whole  # the one word too long for the pane


def test_a_short_header_gets_its_whole_width_before_long_cells_share_the_rest() -> None:
    body = (
        "| Operation | FLOPS/B | Limited by |\n|---|---|---|\n"
        "| Linear, 4096 out, 1024 in, batch 512 | 315 | math |\n"
        "| Layer normalization | < 10 | memory |\n"
    )
    lines = plain(render_markdown(body, width=56))
    assert any("Limited by" in line for line in lines)
    assert len(lines) == 7  # two borders, the header on one line, a rule, a row on two lines


def test_a_table_too_wide_for_readable_columns_becomes_records() -> None:
    lines = plain(render_markdown(WIDE_TABLE, width=40))
    assert lines[:5] == [
        "Implementation: Standard PyTorch",
        "attention",
        "Exact?: Yes",
        "Extra memory: O(N²) for scores and",
        "probabilities",
    ]
    assert "Exact?: No, approximate" in lines


def test_a_header_is_laid_out_once_for_the_same_texts_and_width() -> None:
    renderer = NoteRenderer()
    texts = [Text("A title", style="bold"), Text("a long line " * 8)]
    first = renderer.header(texts, 40)
    assert first == render_texts(texts, width=40)
    # the same content in new Text objects (a header made again): the lines laid out before
    assert renderer.header([Text("A title", style="bold"), Text("a long line " * 8)], 40) is first
    narrower = renderer.header(texts, 20)
    assert narrower == render_texts(texts, width=20) and len(narrower) > len(first)
    restyled = renderer.header([Text("A title", style="italic"), texts[1]], 40)
    assert restyled == render_texts([Text("A title", style="italic"), texts[1]], width=40)
    assert restyled != first
    assert renderer.header([], 40) == []
