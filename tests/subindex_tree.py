"""A paper-summaries folder of sub-indexes, written by hand in the shape such repositories have:
a root README whose entries link to area indexes (``cv/index.md``), an area index linking to a
deeper one (``cv/gan/index.md``) and to ``*/summary.md`` notes, and an NLP index in a folder
README with task boxes and CRLF line endings."""

from __future__ import annotations

from pathlib import Path

ROOT = """\
# Paper summaries

Summaries of papers I read, by area.

## Areas

- [Computer vision](cv/index.md)
- [NLP](nlp/)
- TODO [A loose paper](loose.md)
"""

CV = """\
# Computer vision

- [GANs](gan/index.md)
- [ViT](vit/summary.md) [[paper](https://arxiv.org/abs/2010.11929)]
- TODO [DETR](detr/summary.md)
- [Shared with NLP](../shared/summary.md)
"""

GAN = """\
# GANs

## Classic

- [DCGAN](dcgan/summary.md)
- TODO [StyleGAN](stylegan/summary.md) [[paper](https://arxiv.org/abs/1812.04948)]
"""

NLP = "# NLP\r\n\r\n- [x] [BERT](bert/summary.md)\r\n- [ ] [T5](t5/summary.md)\r\n"

NOTES = (
    "cv/vit/summary.md",
    "cv/detr/summary.md",
    "cv/gan/dcgan/summary.md",
    "cv/gan/stylegan/summary.md",
    "nlp/bert/summary.md",
    "nlp/t5/summary.md",
    "shared/summary.md",
    "loose.md",
)


def write_tree(root: Path) -> Path:
    """The folder, with every note in place (``check`` finds nothing wrong)."""
    files = {"README.md": ROOT, "cv/index.md": CV, "cv/gan/index.md": GAN, "nlp/README.md": NLP}
    for rel in NOTES:
        files[rel] = f"# {rel}\n\nWhat the paper says about attention.\n"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    return root
