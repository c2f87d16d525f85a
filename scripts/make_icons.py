"""Draw the PNG app icons (192, 512, maskable 512) with Pillow. Run once; PNGs are committed."""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
BLUE, WHITE, FOLD, STAR = "#1d4f91", "#ffffff", "#c9d9f0", "#f2b705"


def draw(size: int, maskable: bool) -> Image.Image:
    img = Image.new("RGB", (size, size), BLUE)
    d = ImageDraw.Draw(img)
    s = size / 64
    inset = 0.8 if maskable else 1.0  # keep the symbol inside the maskable safe zone
    off = size * (1 - inset) / 2

    def p(x: float, y: float) -> tuple[float, float]:
        return (off + x * s * inset, off + y * s * inset)

    d.polygon([p(16, 14), p(40, 14), p(48, 22), p(48, 52), p(16, 52)], fill=WHITE)
    d.polygon([p(40, 14), p(48, 22), p(40, 22)], fill=FOLD)
    star = [
        (32, 26),
        (35, 32),
        (41.5, 33),
        (36.8, 37.6),
        (37.9, 44),
        (32, 41),
        (26.2, 44),
        (27.3, 37.6),
        (22.5, 33),
        (29, 32),
    ]
    d.polygon([p(x, y) for x, y in star], fill=STAR)
    if not maskable:
        mask = Image.new("L", (size, size), 0)
        ImageDraw.Draw(mask).rounded_rectangle(
            (0, 0, size - 1, size - 1), radius=int(14 * s), fill=255
        )
        rgba = img.convert("RGBA")
        rgba.putalpha(mask)
        return rgba
    return img


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, False).save(OUT / "icon-192.png", optimize=True)
    draw(512, False).save(OUT / "icon-512.png", optimize=True)
    draw(512, True).save(OUT / "icon-maskable-512.png", optimize=True)
