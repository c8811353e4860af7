"""Images in notes: where they point (inside the folder only) and their size, from the header."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from app.core.images import (
    HEADER_LIMIT,
    ImageInfo,
    LocalImage,
    header_size,
    image_size,
    probe_image,
    resolve_image,
)
from app.core.links import Refused, WebLink

SAMPLE = Path(__file__).resolve().parents[2] / "notes"


def png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\0\0\0\0"


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\xf7\0\0"


def jpeg(width: int, height: int, exif: int = 16, segments: int = 1) -> bytes:
    """SOI, `segments` APP1 segments of `exif` bytes, then the baseline frame header (SOF0)."""
    app1 = b"\xff\xe1" + struct.pack(">H", exif + 2) + b"\0" * exif
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app1 * segments + b"\xff" + sof0 + b"\xff\xda"


def webp(chunk: bytes, payload: bytes) -> bytes:
    return b"RIFF" + struct.pack("<I", 100) + b"WEBP" + chunk + struct.pack("<I", 30) + payload


@pytest.mark.parametrize(
    ("head", "size"),
    [
        (png(240, 160), (240, 160)),
        (gif(17, 9), (17, 9)),
        (jpeg(1920, 1080), (1920, 1080)),
        (jpeg(640, 480, exif=20_000), (640, 480)),
        (
            webp(b"VP8X", b"\0" * 4 + (799).to_bytes(3, "little") + (599).to_bytes(3, "little")),
            (800, 600),
        ),
        (webp(b"VP8L", b"\x2f" + struct.pack("<I", (99 << 14) | 199)), (200, 100)),
        (webp(b"VP8 ", b"\0\0\0\x9d\x01\x2a" + struct.pack("<HH", 320, 240)), (320, 240)),
    ],
)
def test_the_size_is_read_from_the_header(head: bytes, size: tuple[int, int]) -> None:
    assert header_size(head) == size


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        png(240, 160)[:20],  # cut short
        png(0, 160),
        jpeg(640, 480)[:30],
        b"\xff\xd8\xff\xe1\x00\x01",  # a segment length below 2
        b"\xff\xd8garbage",
        b"RIFF\0\0\0\0WEBPVP8Z",
    ],
)
def test_unknown_or_broken_headers_have_no_size(head: bytes) -> None:
    assert header_size(head) is None


def test_a_jpeg_whose_frame_header_lies_past_the_cap_has_no_size(tmp_path: Path) -> None:
    path = tmp_path / "huge-exif.jpg"
    path.write_bytes(jpeg(640, 480, exif=40_000, segments=2))
    assert path.stat().st_size > HEADER_LIMIT
    assert image_size(path) is None
    assert image_size(path, limit=2 * HEADER_LIMIT) == (640, 480)


def test_the_sample_diagram_is_240_by_160() -> None:
    assert image_size(SAMPLE / "blogs" / "assets" / "roofline.png") == (240, 160)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    (notes / "blogs" / "assets").mkdir(parents=True)
    (notes / "blogs" / "assets" / "roofline.png").write_bytes(png(240, 160))
    (notes / "blogs" / "assets" / "passwd.png").symlink_to("/etc/passwd")
    (tmp_path / "outside.png").write_bytes(png(1, 1))
    return notes


def test_a_relative_image_resolves_inside_the_root(root: Path) -> None:
    resolved = resolve_image(root, "blogs/GPU.md", "./assets/roofline.png")
    assert resolved == LocalImage("blogs/assets/roofline.png", root / "blogs/assets/roofline.png")


@pytest.mark.parametrize(
    "target",
    [
        "../../outside.png",
        "../../../etc/passwd",
        "/etc/passwd",
        "~/secret.png",
        "assets/passwd.png",  # a symlink out of the folder
        "file:///etc/passwd",
        "javascript:alert(1)",
        "-rf.png",
        "assets/a\x1bb.png",
        "#a-heading",
        "./",
    ],
)
def test_images_outside_the_root_or_of_other_kinds_are_refused(root: Path, target: str) -> None:
    assert isinstance(resolve_image(root, "blogs/GPU.md", target), Refused)


def test_a_web_image_is_a_web_link(root: Path) -> None:
    url = "https://example.org/figure.png"
    assert resolve_image(root, "blogs/GPU.md", url) == WebLink(url)


def test_the_probe_tells_the_placeholder_what_to_say(root: Path) -> None:
    def probe(target: str) -> ImageInfo:
        return probe_image(root, "blogs/GPU.md", target)

    assert probe("assets/roofline.png") == ImageInfo(size=(240, 160))
    assert probe("assets/gone.png") == ImageInfo(problem="missing image")
    assert probe("../../outside.png") == ImageInfo(
        problem="refused: it leads outside the notes folder"
    )
    assert probe("https://example.org/a.png") == ImageInfo()
    (root / "blogs" / "assets" / "notes.txt").write_text("not an image")
    assert probe("assets/notes.txt") == ImageInfo()  # exists, size unknown
