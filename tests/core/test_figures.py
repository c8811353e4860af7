"""Reading a figure's pixels: the four formats, and every file that must end as a reason on
the placeholder instead (outside the folder, not an image, a bomb, truncated, huge)."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import pytest
from PIL import Image

from app.core.figures import Figure, FigureCache, FigureProblem, decode_pixels, load_figure

RED, BLUE = (220, 20, 20), (20, 20, 220)


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    (root / "img").mkdir(parents=True)
    return root


def loaded(result: Figure | FigureProblem) -> Image.Image:
    assert isinstance(result, Figure), result
    return result.image


@pytest.mark.parametrize(
    ("name", "kind"), [("a.png", "PNG"), ("a.jpg", "JPEG"), ("a.webp", "WEBP")]
)
def test_png_jpeg_and_webp_are_decoded_and_scaled(notes: Path, name: str, kind: str) -> None:
    Image.new("RGB", (400, 200), RED).save(notes / "img" / name, kind)
    image = loaded(load_figure(notes, "paper.md", f"img/{name}", (100, 50)))
    assert image.size == (100, 50)
    red, green, blue = image.convert("RGB").getpixel((50, 25))  # type: ignore[misc]
    assert red > 180 and green < 60 and blue < 60


def test_a_gif_shows_its_first_frame(notes: Path) -> None:
    frames = [Image.new("RGB", (40, 40), RED), Image.new("RGB", (40, 40), BLUE)]
    frames[0].save(notes / "img" / "anim.gif", save_all=True, append_images=frames[1:])
    image = loaded(load_figure(notes, None, "img/anim.gif", (20, 20)))
    red, _, blue = image.convert("RGB").getpixel((10, 10))  # type: ignore[misc]
    assert red > 180 and blue < 60


def test_transparency_is_kept_for_the_encoder(notes: Path) -> None:
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(notes / "img" / "clear.png")
    assert loaded(load_figure(notes, None, "img/clear.png", (10, 10))).mode == "RGBA"


def test_an_image_in_a_subfolder_note_is_relative_to_that_note(notes: Path) -> None:
    (notes / "papers").mkdir()
    Image.new("RGB", (8, 8), RED).save(notes / "papers" / "fig.png")
    assert isinstance(load_figure(notes, "papers/note.md", "fig.png", (8, 8)), Figure)


@pytest.mark.parametrize("target", ["../secret.png", "/etc/secret.png", "img/../../secret.png"])
def test_an_image_outside_the_folder_is_never_read(notes: Path, target: str) -> None:
    secret = notes.parent / "secret.png"
    Image.new("RGB", (8, 8), RED).save(secret)
    assert load_figure(notes, None, target, (8, 8)) == FigureProblem("not a local image")


def test_a_symlink_leading_out_of_the_folder_is_never_read(notes: Path) -> None:
    secret = notes.parent / "secret.png"
    Image.new("RGB", (8, 8), RED).save(secret)
    (notes / "img" / "link.png").symlink_to(secret)
    assert load_figure(notes, None, "img/link.png", (8, 8)) == FigureProblem("not a local image")


def test_a_web_image_is_never_fetched(notes: Path) -> None:
    result = load_figure(notes, None, "https://example.org/fig.png", (8, 8))
    assert result == FigureProblem("not a local image")


def test_a_text_file_named_png_is_not_an_image(notes: Path) -> None:
    (notes / "img" / "fake.png").write_text("\x1b]0;pwned\x07 not pixels\n")
    result = load_figure(notes, None, "img/fake.png", (8, 8))
    assert result == FigureProblem("not a PNG, JPEG, GIF or WebP image")


def test_a_format_the_preview_does_not_draw_is_refused(notes: Path) -> None:
    Image.new("RGB", (8, 8), RED).save(notes / "img" / "fig.bmp")
    result = load_figure(notes, None, "img/fig.bmp", (8, 8))
    assert result == FigureProblem("not a PNG, JPEG, GIF or WebP image")


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


def test_a_decompression_bomb_is_refused_before_decoding(notes: Path) -> None:
    # 20,000 × 20,000 (400 megapixels) announced by a header of a few bytes
    (notes / "img" / "bomb.png").write_bytes(_png_header(20_000, 20_000) + b"\0" * 100)
    result = load_figure(notes, None, "img/bomb.png", (8, 8))
    assert result == FigureProblem("too many pixels to draw (20000×20000)")


def test_pillow_s_own_bomb_check_holds_at_fifty_megapixels(notes: Path) -> None:
    """A GIF's logical screen can be small while its frame claims more: Pillow stops it."""
    path = notes / "img" / "frame.gif"
    Image.new("L", (10, 10)).save(path)
    data = bytearray(path.read_bytes())
    # the image descriptor after the global colour table: make the frame 60,000 × 1,000
    at = data.index(b"\x2c")
    data[at + 5 : at + 9] = struct.pack("<HH", 60_000, 1_000)
    path.write_bytes(bytes(data))
    result = load_figure(notes, None, "img/frame.gif", (8, 8))
    assert result == FigureProblem("too many pixels to draw")


def test_a_truncated_file_gets_a_reason(notes: Path) -> None:
    path = notes / "img" / "cut.png"
    Image.effect_noise((300, 300), 64).save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert load_figure(notes, None, "img/cut.png", (30, 30)) == FigureProblem(
        "damaged or truncated image"
    )


def test_a_200_mb_file_is_not_read(notes: Path) -> None:
    path = notes / "img" / "huge.png"
    with path.open("wb") as file:
        file.write(_png_header(100, 100))
        file.truncate(201 * 1024 * 1024)  # sparse: costs no disk
    assert os.path.getsize(path) > 200 * 1024 * 1024
    assert load_figure(notes, None, "img/huge.png", (8, 8)) == FigureProblem(
        "too large to draw (201 MB)"
    )


def test_a_missing_file_and_a_folder_get_a_reason(notes: Path) -> None:
    assert load_figure(notes, None, "img/none.png", (8, 8)) == FigureProblem("unreadable image")
    (notes / "img" / "dir.png").mkdir()
    assert isinstance(load_figure(notes, None, "img/dir.png", (8, 8)), FigureProblem)


def test_only_pixels_leave_the_file_never_its_metadata(notes: Path) -> None:
    """What goes to the terminal is the pixels, deflated: the file's text chunks and ICC
    profile (bytes an attacker chooses) are not in it."""
    import base64
    import re

    from PIL import PngImagePlugin

    from app.render.graphics import kitty_transmit

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "\x1b]52;c;cHduZWQ=\x07")
    Image.new("RGB", (32, 32), RED).save(
        notes / "img" / "meta.png", pnginfo=text, icc_profile=b"\x1b[31mEVIL" * 10
    )
    image = loaded(load_figure(notes, None, "img/meta.png", (16, 16)))
    sent = kitty_transmit(7, image)
    assert sent.startswith("\x1b_Ga=t,f=24,o=z,s=16,v=16,i=7,q=2,m=0;")
    payload = "".join(re.findall(r";([A-Za-z0-9+/=]+)\x1b\\", sent))
    pixels = zlib.decompress(base64.b64decode(payload))
    assert pixels == Image.new("RGB", (16, 16), RED).tobytes()  # 16 × 16 × 3 bytes, no more


class CountingDecoder:
    """Pillow's decoder, counting the files it decodes."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, file: BinaryIO, size: tuple[int, int]) -> Figure | FigureProblem:
        self.calls += 1
        return decode_pixels(file, size)


def test_a_figure_drawn_again_at_the_same_size_is_not_decoded_again(notes: Path) -> None:
    Image.new("RGB", (400, 200), RED).save(notes / "img" / "a.png")
    decoder = CountingDecoder()
    cache = FigureCache(decoder=decoder)
    first = loaded(cache.load(notes, None, "img/a.png", (100, 50)))
    again = loaded(cache.load(notes, "other.md", "img/a.png", (100, 50)))
    assert decoder.calls == 1 and again is first
    assert loaded(cache.load(notes, None, "img/a.png", (200, 100))).size == (200, 100)
    assert decoder.calls == 2  # another box: decoded at that size


def test_a_figure_changed_on_disk_is_decoded_afresh(notes: Path) -> None:
    path = notes / "img" / "a.png"
    Image.new("RGB", (40, 20), RED).save(path)
    decoder = CountingDecoder()
    cache = FigureCache(decoder=decoder)
    cache.load(notes, None, "img/a.png", (40, 20))
    Image.new("RGB", (40, 20), BLUE).save(path)
    os.utime(path, ns=(1, 1))  # a different modification time, whatever the clock's grain
    image = loaded(cache.load(notes, None, "img/a.png", (40, 20)))
    assert decoder.calls == 2
    assert image.getpixel((5, 5)) == BLUE


def test_the_cache_keeps_only_the_last_few_figures(notes: Path) -> None:
    for name in ("a", "b", "c"):
        Image.new("RGB", (20, 20), RED).save(notes / "img" / f"{name}.png")
    decoder = CountingDecoder()
    cache = FigureCache(2, decoder)
    for name in ("a", "b", "a", "c", "a", "b"):
        cache.load(notes, None, f"img/{name}.png", (10, 10))
    assert decoder.calls == 4  # a, b, c, then b again (pushed out by c); a stayed in use


def test_the_folder_check_runs_before_the_cache(notes: Path) -> None:
    """A figure drawn once, then replaced by a symlink out of the folder, is refused."""
    path = notes / "img" / "a.png"
    Image.new("RGB", (20, 20), RED).save(path)
    secret = notes.parent / "secret.png"
    Image.new("RGB", (20, 20), BLUE).save(secret)
    cache = FigureCache(decoder=CountingDecoder())
    assert isinstance(cache.load(notes, None, "img/a.png", (10, 10)), Figure)
    path.unlink()
    path.symlink_to(secret)
    assert cache.load(notes, None, "img/a.png", (10, 10)) == FigureProblem("not a local image")


def test_a_large_image_is_shrunk_by_whole_factors_then_filtered_to_the_exact_size(
    notes: Path,
) -> None:
    half = Image.new("RGB", (800, 450), RED)
    half.paste(BLUE, (400, 0, 800, 450))
    half.resize((1600, 900)).save(notes / "img" / "big.png")
    image = loaded(load_figure(notes, None, "img/big.png", (390, 219)))
    assert image.size == (390, 219)
    assert image.getpixel((10, 100)) == RED and image.getpixel((380, 100)) == BLUE
