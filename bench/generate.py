"""Generate a reading-notes folder of any size, shaped like the real ones.

    uv run python bench/generate.py OUT --entries 10000 [--note-every 10] [--note-lines 40]
    uv run python bench/generate.py OUT --long-note 2000

Headings nest three levels deep (about 50 entries a category), a third of the entries are TODO,
every entry links a paper and some a code repository, and a tenth link a local note that exists.
``--long-note N`` writes instead one note of N lines mixing every kind of block a real note has
(headings, emphasis, links, math, wide characters, lists, task items, code, tables, quotes), with
an index whose single entry points at it: the preview's worst case.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = [
    "attention",
    "transformer",
    "sparse",
    "efficient",
    "scaling",
    "retrieval",
    "memory",
    "quantized",
    "distilled",
    "diffusion",
    "contrastive",
    "reinforcement",
    "alignment",
    "reasoning",
    "graph",
    "federated",
    "robust",
    "causal",
    "multimodal",
    "streaming",
    "kernel",
    "optimizer",
    "benchmark",
    "latent",
    "adaptive",
    "hierarchical",
    "neural",
]


def title(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(3, 7))
    return " ".join(word.capitalize() for word in words)


def note_text(heading: str, rng: random.Random, lines: int) -> str:
    out = [
        "---",
        f"title: {heading}",
        "authors: [A. Author, B. Author]",
        f"year: {rng.randint(2015, 2026)}",
        f"tags: [{', '.join(rng.sample(WORDS, 2))}]",
        "---",
        "",
        f"# {heading}",
        "",
    ]
    while len(out) < lines:
        out += [f"## {title(rng)}", "", " ".join(rng.choices(WORDS, k=40)) + ".", ""]
        out += [f"- {' '.join(rng.choices(WORDS, k=6))}" for _ in range(3)] + [""]
    return "\n".join(out[:lines]) + "\n"


def long_note(lines: int) -> str:
    out: list[str] = ["# A long note", ""]
    section = 0
    while len(out) < lines:
        section += 1
        out += [
            f"## Section {section}",
            "",
            f"Paragraph {section} with *emphasis*, **strong**, `code`, a "
            f"[link](https://example.com/{section}) and math $T_{{mem}} + x^2$.",
            "A second line of the same paragraph with 中文字符 mixed in to wrap by cell width.",
            "",
            "- item one",
            "- [x] item two",
            "  - nested item",
            "",
            "```python",
            f"def f{section}(x):",
            "    return x * 2",
            "```",
            "",
            "| a | b |",
            "|---|---|",
            f"| {section} | value |",
            "",
            "> a quote",
            "",
        ]
    return "\n".join(out[:lines]) + "\n"


def generate_long_note(out: Path, lines: int) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "long-note.md").write_text(long_note(lines), encoding="utf-8")
    index = out / "README.md"
    index.write_text(f"# A long note\n\n## Notes\n\n* [A {lines}-line note](./long-note.md)\n")
    return index


def generate(out: Path, entries: int, *, note_every: int = 10, note_lines: int = 40) -> Path:
    rng = random.Random(entries)
    out.mkdir(parents=True, exist_ok=True)
    lines = [f"# Generated reading notes ({entries} entries)", ""]
    per_category = 50
    written = 0
    section = 0
    while written < entries:
        section += 1
        lines += [f"## Area {section}: {title(rng)}", ""]
        for sub in range(1, 5):
            if written >= entries:
                break
            lines += [f"### Topic {section}.{sub}", ""]
            for _ in range(min(per_category, entries - written)):
                written += 1
                name = title(rng)
                todo = "TODO " if rng.random() < 0.33 else ""
                paper = f"[[paper](https://arxiv.org/abs/{2000 + written % 700}.{written:05d})]"
                code = f"[[code](https://github.com/org/repo{written})]" if written % 3 else ""
                if written % note_every == 0:
                    rel = f"papers/area{section}/note{written}.md"
                    note = out / rel
                    note.parent.mkdir(parents=True, exist_ok=True)
                    note.write_text(note_text(name, rng, note_lines))
                    lines.append(f"* {todo}[{name}](./{rel}) {paper}{code}")
                else:
                    lines.append(f"* {todo}{name} {paper}{code}")
            lines.append("")
    index = out / "README.md"
    index.write_text("\n".join(lines))
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--note-every", type=int, default=10)
    parser.add_argument("--note-lines", type=int, default=40)
    parser.add_argument("--long-note", type=int, metavar="LINES", help="one long note instead")
    args = parser.parse_args()
    if args.long_note:
        index = generate_long_note(args.out, args.long_note)
    else:
        index = generate(
            args.out, args.entries, note_every=args.note_every, note_lines=args.note_lines
        )
    print(index)


if __name__ == "__main__":
    main()
