"""Procedural print images: newspapers, office letters, magazines, flyers, packaging, labels.

Pure numpy + Pillow (no bpy), so every print can be generated and tested without Blender. A print
is laid out in millimetres on the object's flat (UV) sheet, drawn with real TrueType fonts (the
DejaVu fonts that ship with matplotlib), then resampled to the texture size the renderer asks for
(anti-aliased: tiny text becomes the grey, word-gapped lines a camera sees). The same
``(kind, seed, size, density)`` always gives the same pixels; results are cached per process.

Kinds (:data:`KINDS`): ``letter`` (white office paper, paragraphs), ``news`` (newspaper columns,
headlines, photos, colour ads), ``magazine`` (full-bleed photo, headline, colour blocks, text),
``flyer`` (saturated supermarket flyer: product grid, prices, banners), ``package`` (cereal/snack
box: saturated background, logo, product photo, small text, barcode), ``kraft`` (corrugated
cardboard: one- or two-colour flexo print on brown; ink only, transparent elsewhere), ``snack``
(printed plastic wrapper), ``label`` (bottle label band; transparent outside the band), ``can``
(printed can body), ``bag`` (carrier-bag logo; ink only).

Example:
    >>> img = make_print("news", seed=3, size_m=(0.3, 0.4), px_per_m=800)
    >>> img.shape, img.dtype.name
    ((320, 240, 4), 'uint8')
    >>> bool((make_print("news", 3, (0.3, 0.4), 800) == img).all())
    True
"""

from __future__ import annotations

import functools
import importlib.util
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from zerowaste.errors import ZeroWasteError

#: Print kinds that :func:`make_print` draws.
KINDS = ("letter", "news", "magazine", "flyer", "package", "kraft", "snack", "label", "can", "bag")
#: Kinds whose image has transparent regions (alpha 0 = no ink / no label: the material shows through).
INK_ONLY = frozenset({"kraft", "label", "can", "bag"})

#: What the back face of a sheet printed with each kind shows (weights): ``print`` another print of the
#: same kind (the next newspaper page, a magazine page's other side, a flyer's second layout), ``plain``
#: bare stock (a letter's blank back, the inside of a box, wrapper or bag), ``same`` the front print
#: (closed bodies -- labels, cans -- whose inside is never seen). See :func:`back_print`.
BACKS: dict[str, dict[str, float]] = {
    "letter": {"plain": 0.85, "print": 0.15}, "news": {"print": 1.0}, "magazine": {"print": 1.0},
    "flyer": {"plain": 0.5, "print": 0.5}, "package": {"plain": 1.0}, "kraft": {"plain": 1.0},
    "snack": {"plain": 1.0}, "bag": {"plain": 1.0}, "label": {"same": 1.0}, "can": {"same": 1.0},
}

#: Largest side of a returned texture (memory and speed bound); prints are drawn at twice the size.
MAX_TEX_PX = 1024

#: Saturated packaging inks (sRGB 0..255).
INKS = [
    (215, 25, 32), (240, 200, 0), (20, 70, 170), (0, 140, 70), (240, 110, 10), (110, 35, 140),
    (220, 0, 115), (0, 150, 215), (25, 25, 30), (160, 20, 30), (255, 230, 60), (0, 90, 60),
    (250, 80, 60), (40, 40, 120),
]
#: Natural photo tones (sRGB): skin, sky, foliage, wood, sand, shadow, concrete, water.
NATURAL = [(205, 165, 135), (120, 165, 215), (70, 120, 55), (125, 90, 60), (225, 210, 175), (45, 45, 50),
           (170, 170, 165), (40, 90, 130), (235, 235, 230), (150, 60, 40)]
PAPER_WHITE = (244, 244, 240)
NEWSPRINT = (226, 223, 212)
KRAFT_INKS = [(30, 30, 35), (20, 60, 140), (170, 25, 30), (0, 100, 50)]
_WORDS_TEXT = (
    "the of and to in for on with new from your more save now free best price offer only week fresh "
    "city news market report people school health local water energy world home family store open "
    "today special quality natural organic crunchy whole grain original flavour classic family size "
    "council police weather sports business page service contact information account invoice total "
    "date number please thank you dear sincerely meeting project order delivery address phone email "
    "kitchen garden coupon daily value protein sugar fibre calories vitamins ingredients recycle "
    "made in usa net weight best before serving suggestion limited edition extra large mega deal"
)
WORDS = tuple(_WORDS_TEXT.split())
HEADLINES = (
    "SALE", "NEW!", "FRESH DEALS", "BIG SAVINGS", "LOCAL NEWS", "WEEKEND", "SPECIAL OFFER", "CRUNCH",
    "ORIGINAL", "HONEY OATS", "CHOCO", "CORN FLAKES", "SUPER SAVER", "TODAY", "THE DAILY", "MARKET",
    "HALF PRICE", "2 FOR 1", "COUPONS", "SPORTS", "ELECTION", "CITY COUNCIL", "WINTER", "SUMMER FUN",
)
#: Headline and brand words combined at random (a few dozen fixed headlines repeat visibly across a
#: sheet of frames; these give thousands).
_FIRST_TEXT = ("FRESH SUPER BIG MEGA DAILY GOLDEN CRUNCHY HAPPY TASTY PURE SUNNY COUNTRY FARM GREEN ROYAL "
          "CLASSIC ULTRA HOME SMART VALUE FAMILY EXTRA MAGIC WILD NORTH LUCKY CRISPY PREMIUM BRIGHT "
          "QUICK MORNING SWEET CITY METRO")
_SECOND_TEXT = ("DEALS OATS FLAKES SAVER NEWS MARKET BITES CHIPS MILK RICE PASTA SOAP CLEAN FOODS TIMES POST "
           "HERALD STORE MART BREW BAKERY CEREAL SNACKS JUICE KITCHEN PETS GARDEN WASH FRESH FARMS CHOICE "
           "WEEKLY EXPRESS CRUNCH O'S")
_FIRST, _SECOND = tuple(_FIRST_TEXT.split()), tuple(_SECOND_TEXT.split())


class PrintError(ZeroWasteError, ValueError):
    """A print that cannot be made: unknown kind, non-positive size or density, fonts missing."""


def font_dir() -> Path:
    """The folder of matplotlib's bundled TrueType fonts (found without importing matplotlib)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise PrintError("prints need matplotlib's bundled DejaVu fonts: pip install matplotlib")
    return Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf"


_FONT_FILES = {
    "sans": "DejaVuSans.ttf", "sans_bold": "DejaVuSans-Bold.ttf", "serif": "DejaVuSerif.ttf",
    "serif_bold": "DejaVuSerif-Bold.ttf", "mono": "DejaVuSansMono.ttf", "sans_italic": "DejaVuSans-Oblique.ttf",
    "serif_italic": "DejaVuSerif-Italic.ttf", "display": "DejaVuSans-BoldOblique.ttf",
}


@functools.lru_cache(maxsize=256)
def font(name: str, px: int) -> ImageFont.FreeTypeFont:
    """A cached TrueType font (``name`` from ``sans, sans_bold, serif, serif_bold, mono, ...``)."""
    return ImageFont.truetype(str(font_dir() / _FONT_FILES[name]), max(4, int(px)))


STRIP_CHARS = 400  #: length of a cached text strip (characters)
#: Smallest glyph size (px at drawing scale) drawn as such; smaller text is drawn at this size and shrunk.
MIN_GLYPH_PX = 8
#: Gaussian softening (px at drawing scale, i.e. half a texel) of shrunk text: no line moire when minified.
TEXT_BLUR_PX = 1.0


def _quantize(px: float) -> int:
    """Snap a font size to a few steps (~12 % apart), so a handful of cached strip sets serve all prints."""
    return max(4, round(4 * 1.12 ** round(math.log(max(px, 4) / 4) / math.log(1.12))))


@functools.lru_cache(maxsize=256)
def _text_strips(face: str, px: int, n: int = 10, title: bool = False) -> list[tuple[Image.Image, np.ndarray]]:
    """``n`` long lines of random words in one face and size (grey masks) with word start offsets.

    ``title``: Every Word Capitalised, no punctuation (headlines).

    Drawing text is the slow part of a print; pasting crops of these cached strips is ~100x faster.
    The strips come from a fixed seed, so prints stay deterministic.
    """
    rng = np.random.default_rng([px, len(face)])
    f = font(face, px)
    space = f.getlength(" ")
    out = []
    for _ in range(n):
        words, starts, x = [], [], 0.0
        length = STRIP_CHARS * 0.6 * px
        while x < length:
            word = WORDS[int(rng.integers(len(WORDS)))]
            if title:
                word = word.capitalize()
            elif rng.random() < 0.08:
                word = word.capitalize() + ("." if rng.random() < 0.5 else ",")
            starts.append(round(x))
            words.append(word)
            x += f.getlength(word) + space
        img = Image.new("L", (round(x), round(px * 1.25)), 0)
        ImageDraw.Draw(img).text((0, 0), " ".join(words), font=f, fill=255)
        out.append((img, np.array(starts)))
    return out


@functools.lru_cache(maxsize=128)
def _text_block(face: str, px: int, step: int, lines: int = 90) -> Image.Image:
    """A tall grey mask of ``lines`` text lines (``step`` px apart) cut from the cached strips.

    Line starts are random word starts, and about one line in eight ends early (a paragraph's
    last line), so any crop of the block reads as ragged-right running text. Fixed seed.
    """
    strips = _text_strips(face, px)
    rng = np.random.default_rng([px, step, len(face)])
    width = min(s.size[0] for s, _ in strips) // 2
    block = Image.new("L", (width, lines * step), 0)
    for i in range(lines):
        strip, starts = strips[int(rng.integers(len(strips)))]
        start = int(starts[int(rng.integers(max(1, len(starts) // 3)))])
        cut = width if rng.random() > 0.12 else int(width * rng.uniform(0.2, 0.8))
        block.paste(strip.crop((start, 0, start + cut, strip.size[1])), (0, i * step))
    return block


@functools.lru_cache(maxsize=16)
def _word_widths(face: str) -> tuple[np.ndarray, float]:
    """Widths of :data:`WORDS` and of a space in ``face``, per px of font size (measured at 100 px)."""
    f = font(face, 100)
    return np.array([f.getlength(wd) for wd in WORDS]) / 100.0, f.getlength(" ") / 100.0


@functools.lru_cache(maxsize=128)
def _small_text_block(face: str, tenths: int, step: int) -> Image.Image:
    """The :data:`MIN_GLYPH_PX` text block shrunk to glyphs of ``tenths / 10`` px by area averaging.

    Text smaller than a few pixels cannot be drawn true to size (a font clamps it, and a page turns
    into stripes of clamped glyphs); shrunk from legible glyphs and softened by :data:`TEXT_BLUR_PX`,
    it becomes the even grey a camera sees, with no line moire once the texture is minified.
    """
    block = _text_block(face, MIN_GLYPH_PX, step)
    s = tenths / 10 / MIN_GLYPH_PX
    small = block.resize((max(1, round(block.size[0] * s)), max(1, round(block.size[1] * s))), Image.BOX)
    return small.filter(ImageFilter.GaussianBlur(TEXT_BLUR_PX))


class _Page:
    """A drawing surface with a millimetre coordinate system and the random stream of one print."""

    def __init__(self, rng: np.random.Generator, w_mm: float, h_mm: float, px_per_mm: float, bg, alpha: bool):
        self.rng, self.w, self.h, self.k = rng, w_mm, h_mm, px_per_mm
        size = (max(8, round(w_mm * px_per_mm)), max(8, round(h_mm * px_per_mm)))
        self.img = Image.new("RGBA", size, (*bg, 0 if alpha else 255))
        self.draw = ImageDraw.Draw(self.img)
        self.grey = False  # photos in greyscale (newsprint)
        self.paper = tuple(bg)  # the bare page (blank lines are painted in it)

    def px(self, *mm: float) -> list[int]:
        return [round(v * self.k) for v in mm]

    def rect(self, x, y, w, h, fill) -> None:
        self.draw.rectangle(self.px(x, y, x + w, y + h), fill=(*fill, 255))

    def text(self, x, y, s: str, size_mm: float, face: str, fill) -> None:
        self.draw.text(self.px(x, y), s, font=font(face, round(size_mm * self.k)), fill=(*fill, 255))

    def text_width(self, s: str, size_mm: float, face: str) -> float:
        """Width (mm) of ``s`` set at ``size_mm`` (measured at 100 px, so tiny sizes scale exactly)."""
        return font(face, 100).getlength(s) * size_mm / 100.0

    def words(self, n: int) -> str:
        return " ".join(WORDS[i] for i in self.rng.integers(len(WORDS), size=n))

    def paragraph(self, x, y, w, h, size_mm: float, face: str, fill, leading: float = 1.3) -> float:
        """Lines of words filling the box: one crop of a cached text block, pasted in ``fill`` ink.

        Up to three lines of legible bold type (headlines) are whole words cut from cached strips;
        other large type is drawn directly. Returns the line pitch drawn (mm; 0 if the box holds no line).
        """
        true_px = size_mm * self.k
        lines = int((h * self.k - true_px) // max(1.0, true_px * leading)) + 1
        if lines <= 3 and 5 <= true_px < 48 and "bold" in face:
            return self._headline(x, y, w, lines, _quantize(true_px), face, fill, leading)
        if true_px >= 14:
            px = round(true_px)
            step = max(px + 1, round(px * leading))
            f = font(face, px)
            x0, y0 = self.px(x, y)
            widths, space = _word_widths(face)
            for i in range(max(1, int((h * self.k - px) // step) + 1)):
                pick = self.rng.integers(len(WORDS), size=12)
                ends = np.cumsum(widths[pick] + space) - space  # line width after each word, at 1 px
                line = " ".join(WORDS[j] for j in pick[: max(1, int((ends * px <= w * self.k).sum()))])
                self.draw.text((x0, y0 + i * step), line.capitalize() if i == 0 else line, font=f, fill=(*fill, 255))
            return step / self.k
        px = _quantize(max(true_px, MIN_GLYPH_PX))
        step = max(px + 1, round(px * leading))
        if true_px < MIN_GLYPH_PX:  # area-averaged small text (see _small_text_block)
            tenths = round(10 * 1.12 ** round(math.log(max(true_px, 1.0)) / math.log(1.12)))  # ~12 % steps
            block, pitch = _small_text_block(face, tenths, step), step * tenths / 10 / MIN_GLYPH_PX
        else:
            block, pitch = _text_block(face, px, step), float(step)
        wpx = min(round(w * self.k), block.size[0])
        total = int(block.size[1] // pitch)
        lines = min(int((h * self.k - true_px) // pitch) + 1, total)
        if wpx <= 0 or lines <= 0 or h < size_mm:
            return 0.0
        # A few lines (headlines, captions) start at a word; running text is cut anywhere.
        x0 = 0 if lines <= 3 else int(self.rng.integers(0, block.size[0] - wpx + 1))
        y0 = round(int(self.rng.integers(0, total - lines + 1)) * pitch)
        mask = block.crop((x0, y0, x0 + wpx, y0 + max(1, round(lines * pitch))))
        self.img.paste((*fill, 255), tuple(self.px(x, y)), mask)
        return pitch / self.k

    def _headline(self, x, y, w, lines: int, px: int, face: str, fill, leading: float) -> float:
        """``lines`` lines of whole words at ``px``, each as wide as fits ``w`` mm (cut from cached strips)."""
        strips = _text_strips(face, px, 4, title=True)
        step = max(px + 1, round(px * leading))
        space, width = font(face, px).getlength(" "), w * self.k
        x0, y0 = self.px(x, y)
        for i in range(lines):
            strip, starts = strips[int(self.rng.integers(len(strips)))]
            ends = np.append(starts[1:] - space, strip.size[0])
            j = int(self.rng.integers(max(1, len(starts) // 2)))
            fits = np.nonzero(ends[j:] - starts[j] <= width)[0]
            cut = ends[j + fits[-1]] - starts[j] if len(fits) else width
            box = (int(starts[j]), 0, int(starts[j] + cut), strip.size[1])
            self.img.paste((*fill, 255), (x0, y0 + i * step), strip.crop(box))
        return step / self.k

    def photo(self, x, y, w, h, style: str | None = None) -> None:
        """A photo-like fill: smooth colour field with blobs; sometimes a portrait, food or products.

        Drawn at most 128 px across and scaled up: cheap, with detail down to a few mm on a page.
        """
        rng = self.rng
        box = self.px(x, y, x + w, y + h)
        pw, ph = max(2, box[2] - box[0]), max(2, box[3] - box[1])
        side = min(128, max(pw, ph))
        sw, sh = max(8, round(side * pw / max(pw, ph))), max(8, round(side * ph / max(pw, ph)))
        style = style or str(rng.choice(["scene", "scene", "portrait", "food", "product"]))
        # Natural tones (sky, foliage, skin, wood, shadow) in a coarse grid, plus one accent ink.
        gy, gx = int(rng.integers(2, 7)), int(rng.integers(2, 7))
        tones = np.array(NATURAL, dtype=float)[rng.integers(len(NATURAL), size=gy * gx)].reshape(gy, gx, 3)
        tones *= rng.uniform(0.75, 1.15, (gy, gx, 1))
        base = Image.fromarray(np.clip(tones, 0, 255).astype(np.uint8)).resize((sw, sh), Image.BICUBIC)
        d = ImageDraw.Draw(base)
        accent = _ink(rng)
        for _ in range(int(rng.integers(6, 18))):  # blobs of many sizes (a photo has detail at every scale)
            cx, cy, r = rng.uniform(0, sw), rng.uniform(0, sh), rng.uniform(0.03, 0.35) * min(sw, sh)
            col = accent if rng.random() < 0.45 else _pick(rng, NATURAL)
            d.ellipse([cx - r, cy - r * rng.uniform(0.5, 1.5), cx + r, cy + r], fill=col)
        base = base.filter(ImageFilter.GaussianBlur(1.5 * side / 128))
        d = ImageDraw.Draw(base)
        if style == "portrait":
            skin = _pick(rng, [(235, 190, 160), (200, 150, 110), (140, 95, 65), (90, 60, 45)])
            hair = _pick(rng, [(40, 25, 15), (120, 80, 40), (220, 190, 120), (20, 20, 20)])
            cx = sw * rng.uniform(0.35, 0.65)
            d.ellipse([cx - 0.45 * sw, sh * 0.7, cx + 0.45 * sw, sh * 1.5], fill=_ink(rng))
            d.ellipse([cx - 0.2 * sw, sh * 0.12, cx + 0.2 * sw, sh * 0.42], fill=hair)
            d.ellipse([cx - 0.17 * sw, sh * 0.2, cx + 0.17 * sw, sh * 0.68], fill=skin)
        elif style == "food":
            cx, cy, r = sw * 0.5, sh * 0.55, 0.42 * min(sw, sh)
            if rng.random() < 0.5:  # a plate (half the time: the same white oval everywhere is a tell)
                d.ellipse([cx - r, cy - 0.7 * r, cx + r, cy + 0.7 * r], fill=(250, 250, 245))
            for _ in range(int(rng.integers(10, 30))):
                a, rr = rng.uniform(0, 2 * math.pi), rng.uniform(0, 0.75 * r)
                px, py, s = cx + rr * math.cos(a), cy + 0.6 * rr * math.sin(a), rng.uniform(0.05, 0.14) * r
                col = _pick(rng, [(200, 140, 50), (170, 100, 30), (230, 190, 90), (160, 20, 40), (60, 30, 20),
                                  (240, 220, 160)])
                d.ellipse([px - s, py - s, px + s, py + s], fill=col)
        elif style == "product":
            for _ in range(int(rng.integers(1, 4))):
                bx, bw = rng.uniform(0.05, 0.6) * sw, rng.uniform(0.2, 0.4) * sw
                by, bh = rng.uniform(0.1, 0.4) * sh, rng.uniform(0.4, 0.8) * sh
                d.rounded_rectangle([bx, by, bx + bw, min(sh - 1, by + bh)], radius=max(1, bw * 0.15), fill=_ink(rng))
        if self.grey:
            base = base.convert("L").convert("RGB")
        self.img.paste(base.resize((pw, ph), Image.BILINEAR), tuple(box[:2]))

    def logo(self, x, y, w, h, fill, text_fill, word: str) -> None:
        """A brand mark: an ellipse, starburst or rounded box with a bold word fitted inside."""
        shape = int(self.rng.integers(3))
        box = self.px(x, y, x + w, y + h)
        if shape == 0:
            self.draw.ellipse(box, fill=(*fill, 255))
        elif shape == 1:
            cx, cy, r = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2, min(box[2] - box[0], box[3] - box[1]) / 2
            n = int(self.rng.integers(10, 18))
            pts = [(cx + (r if i % 2 == 0 else 0.78 * r) * math.cos(math.pi * i / n),
                    cy + (r if i % 2 == 0 else 0.78 * r) * math.sin(math.pi * i / n)) for i in range(2 * n)]
            self.draw.polygon(pts, fill=(*fill, 255))
        else:
            self.draw.rounded_rectangle(box, radius=max(1, (box[3] - box[1]) // 4), fill=(*fill, 255))
        face = "display" if self.rng.random() < 0.4 else "sans_bold"
        size = h * 0.45
        tw = self.text_width(word, size, face)
        if tw > w * 0.85:
            size *= w * 0.85 / tw
            tw = self.text_width(word, size, face)
        self.text(x + (w - tw) / 2, y + (h - size * 1.15) / 2, word, size, face, text_fill)

    def barcode(self, x, y, w, h) -> None:
        self.rect(x, y, w, h, (255, 255, 255))
        bars = self.rng.integers(1, 4, size=60)
        unit = (w * 0.9) / bars.sum()
        xx, on = x + w * 0.05, True
        for b in bars:
            if on:
                self.rect(xx, y + h * 0.08, b * unit, h * 0.7, (15, 15, 15))
            xx += b * unit
            on = not on
        digits = "".join(str(int(v)) for v in self.rng.integers(0, 10, 12))
        self.text(x + w * 0.1, y + h * 0.79, digits, h * 0.16, "mono", (15, 15, 15))

    def result(self) -> Image.Image:
        return self.img


def _pick(rng: np.random.Generator, options: list[tuple[int, int, int]]) -> tuple[int, int, int]:
    return options[int(rng.integers(len(options)))]


def _ink(rng: np.random.Generator, avoid=None) -> tuple[int, int, int]:
    while True:
        c = INKS[int(rng.integers(len(INKS)))]
        if c != avoid:
            return c


def _headline(rng: np.random.Generator) -> str:
    """A headline or brand name: a fixed phrase, two combined words, or a price call-out."""
    roll = rng.random()
    if roll < 0.25:
        return str(HEADLINES[int(rng.integers(len(HEADLINES)))])
    if roll < 0.85:
        return f"{_FIRST[int(rng.integers(len(_FIRST)))]} {_SECOND[int(rng.integers(len(_SECOND)))]}"
    cents = int(rng.integers(10, 100))
    return str(rng.choice([f"${int(rng.integers(1, 10))}.{cents}", f"{int(rng.integers(2, 6))} FOR ${int(rng.integers(3, 10))}",
                           f"{int(rng.integers(2, 8)) * 10}% OFF", f"{int(rng.integers(1, 5))}.{cents} EUR"]))


# --------------------------------------------------------------------------------------------
# Layouts (one function per kind; sizes in mm)
# --------------------------------------------------------------------------------------------


def _letter(p: _Page) -> None:
    """An office letter or invoice: sparse dark text on white, lots of empty paper below."""
    rng, m = p.rng, min(p.w, p.h) * float(p.rng.uniform(0.08, 0.12))
    y = m
    if rng.random() < 0.6:  # letterhead
        p.logo(m, y, p.w * 0.25, p.h * 0.06, _ink(rng), (255, 255, 255), _headline(rng).split()[0])
        y += p.h * 0.1
    ink = (30, 30, 35) if rng.random() < 0.8 else (20, 40, 110)
    face = str(rng.choice(["sans", "serif", "mono"]))
    size = float(rng.uniform(2.6, 3.4))
    pitch = size * 1.3
    if rng.random() < 0.7:  # recipient's address (left) and the date (right)
        n = int(rng.integers(3, 6))
        p.paragraph(m, y, (p.w - 2 * m) * float(rng.uniform(0.3, 0.45)), n * pitch, size, face, ink)
        p.paragraph(p.w - m - p.w * 0.2, y, p.w * 0.2, pitch, size, face, ink)
        y += (n + 2) * pitch
    if rng.random() < 0.2:  # an invoice table
        rows = int(rng.integers(3, 9))
        for r in range(rows + 1):
            p.rect(m, y + r * pitch * 1.4, p.w - 2 * m, 0.3, (60, 60, 60))
        for r in range(rows):
            p.paragraph(m + 2, y + r * pitch * 1.4 + 0.5, (p.w - 2 * m) * 0.6, size * 1.2, size, face, ink)
        y += rows * pitch * 1.4 + 2 * pitch
    for _ in range(int(rng.integers(1, 6))):  # paragraphs, a blank line apart
        n = int(rng.integers(2, 9))
        if y + n * pitch > p.h - m:
            break
        p.paragraph(m, y, p.w - 2 * m, n * pitch, size, face, ink)
        y += (n + 1) * pitch
    if y < p.h - m - 4 * pitch and rng.random() < 0.6:  # signature scribble and the typed name
        x0, ys = m + 2, y + pitch
        pts = [(x0 + i * 1.5, ys + float(rng.normal(0, 1.6))) for i in range(int(rng.integers(12, 30)))]
        p.draw.line([tuple(p.px(*q)) for q in pts], fill=(25, 35, 110, 255), width=max(1, round(0.4 * p.k)))
        p.paragraph(m, ys + 3 * pitch, p.w * 0.3, pitch, size, face, ink)


#: Newspaper body text: size (mm, em), leading, ink. Dense near-black text on newsprint averages to
#: the light grey of a page seen from a metre away (see ``paragraph``: small text is area-averaged).
NEWS_BODY = {"size": (2.3, 2.7), "leading": 1.2, "ink": (45, 45, 48)}


def _news_column(p: _Page, x: float, y: float, w: float, h: float, body: float, face: str) -> None:
    """Running text down one column (one paste), opened up by blank lines and a few bold subheads."""
    rng, ink, lead = p.rng, NEWS_BODY["ink"], NEWS_BODY["leading"]
    pitch = p.paragraph(x, y, w, h, body, face, ink, lead)  # mm between lines as pasted
    if pitch <= 0:
        return
    line = int(rng.integers(4, 18))
    while (line + 3) * pitch < h:
        if rng.random() < 0.35:  # a blank line between paragraphs, sometimes followed by a subhead
            p.rect(x, y + line * pitch, w, pitch, p.paper)
            if rng.random() < 0.3:
                p.rect(x, y + (line + 1) * pitch, w, pitch, p.paper)
                p.paragraph(x, y + (line + 1) * pitch, w * float(rng.uniform(0.4, 1.0)), pitch, body * 1.1,
                            "serif_bold", ink, lead)
        line += int(rng.integers(4, 18))


def _news_story(p: _Page, x: float, y: float, span: int, cw: float, gut: float, h: float, body: float) -> None:
    """One article over ``span`` columns: headline, maybe a deck and a photo with caption, running text."""
    rng, ink = p.rng, (25, 25, 28)
    w = span * cw + (span - 1) * gut
    face = "serif" if rng.random() < 0.8 else "sans"
    hs = min(18.0, float(rng.uniform(5.0, 8.0)) * (1 + 0.35 * (span - 1)))
    n = 1 if rng.random() < 0.5 or hs * 2.4 > h * 0.35 else 2
    p.paragraph(x, y, w, hs * 1.12 * n, hs, "serif_bold" if rng.random() < 0.7 else "sans_bold", ink, 1.1)
    top = [y + hs * 1.15 * n + 1.5] * span
    if rng.random() < 0.25:  # a deck (subtitle) in italics
        d = body * 1.6
        p.paragraph(x, top[0], w * 0.9, d * 1.2 * 2, d, "serif_italic", ink, 1.2)
        top = [t + d * 2.6 for t in top]
    if rng.random() < 0.45 and h - (top[0] - y) > 45:  # a photo over some of the columns, with a caption
        room, aspect = (h - (top[0] - y)) * 0.6, float(rng.uniform(0.55, 0.85))
        pc = int(rng.integers(1, span + 1))
        while pc > 1 and (pc * cw + (pc - 1) * gut) * aspect > room:  # no letterbox strips
            pc -= 1
        c0 = int(rng.integers(0, span - pc + 1))
        pw = pc * cw + (pc - 1) * gut
        ph = min(pw * aspect, room)
        px = x + c0 * (cw + gut)
        p.photo(px, top[0], pw, ph)
        p.paragraph(px, top[0] + ph + 1, pw, body * 2.2, body * 0.85, "sans", ink, 1.15)
        for c in range(c0, c0 + pc):
            top[c] = top[0] + ph + body * 2.6 + 1
    for c in range(span):
        _news_column(p, x + c * (cw + gut), top[c], cw, y + h - top[c], body, face)


def _news_ads(p: _Page, x: float, y: float, cols: int, cw: float, gut: float, h: float) -> None:
    """A band of ads: colour boxes with a headline, a product photo and a price; or classifieds."""
    rng, c = p.rng, 0
    while c < cols:
        span = min(cols - c, int(rng.integers(1, 4)))
        ax, aw = x + c * (cw + gut), span * cw + (span - 1) * gut
        if rng.random() < 0.65:  # a display ad in colour
            bg = _ink(rng) if rng.random() < 0.6 else (250, 250, 248)
            p.rect(ax, y, aw, h, bg)
            fg = (255, 255, 255) if bg != (250, 250, 248) and bg[1] < 180 else (20, 20, 20)
            hs = min(aw / 7, h * 0.2)
            p.text(ax + 2, y + 2, _headline(rng), hs, "sans_bold", fg)
            ph = h - hs * 1.5 - 6
            if ph > 10:
                was, p.grey = p.grey, False
                p.photo(ax + 2, y + hs * 1.4 + 3, aw * 0.55, ph, "product" if rng.random() < 0.5 else "food")
                p.grey = was
                p.paragraph(ax + aw * 0.6, y + hs * 1.4 + 3, aw * 0.37, ph * 0.6, 2.5, "sans", fg)
        else:  # classifieds: boxed small text
            p.rect(ax, y, aw, h, (60, 60, 60))
            p.rect(ax + 0.4, y + 0.4, aw - 0.8, h - 0.8, p.paper)
            p.text(ax + 1.5, y + 1.5, _headline(rng), 4.0, "sans_bold", (25, 25, 28))
            _news_column(p, ax + 1.5, y + 7, aw - 3, h - 9, 2.0, "sans")
        c += span


def _news(p: _Page) -> None:
    """A newspaper page: stories over 1-4 columns (headlines, photos, running text), sometimes ads."""
    rng = p.rng
    tone = float(rng.uniform(0.96, 1.02))
    p.paper = tuple(min(255, round(v * tone)) for v in NEWSPRINT)
    p.rect(0, 0, p.w, p.h, p.paper)
    m, ink = float(rng.uniform(5, 9)), (25, 25, 28)
    p.grey = rng.random() < 0.75  # most newspapers print greyscale photos
    cols = int(rng.integers(5, 8))
    gut = float(rng.uniform(2.5, 4.0))
    cw = (p.w - 2 * m - (cols - 1) * gut) / cols
    y, bottom = m, p.h - m
    if rng.random() < 0.3:  # masthead
        name = str(rng.choice(["The Daily News", "City Herald", "The Tribune", "Morning Post", "The Gazette"]))
        size = min(22.0, (p.w - 2 * m) / max(1.0, p.text_width(name, 1.0, "serif_bold")) * 0.9)
        p.text(m, y, name, size, "serif_bold", ink)
        y += size * 1.3
    else:  # running head: section name, page number
        p.text(m, y, _headline(rng), 3.0, "sans_bold", ink)
        y += 5
    p.rect(m, y, p.w - 2 * m, 0.5, ink)
    y += 3
    body = float(rng.uniform(*NEWS_BODY["size"]))
    if rng.random() < 0.4:  # ads along the bottom of the page
        ah = float(rng.uniform(0.15, 0.35)) * (bottom - y)
        _news_ads(p, m, bottom - ah, cols, cw, gut, ah)
        bottom -= ah + gut
    while y < bottom - 20:
        sh = min(bottom - y, float(rng.uniform(50, 150)))
        if bottom - y - sh < 30:
            sh = bottom - y
        c = 0
        while c < cols:
            span = min(cols - c, int(rng.choice([1, 2, 2, 3, 3, 4])))
            _news_story(p, m + c * (cw + gut), y, span, cw, gut, sh, body)
            c += span
        y += sh + gut
        if y < bottom - 20 and rng.random() < 0.6:  # a hairline between rows of stories
            p.rect(m, y - gut / 2, p.w - 2 * m, 0.2, (110, 110, 110))


def _magazine(p: _Page) -> None:
    rng = p.rng
    split = float(rng.uniform(0.45, 1.0))
    p.photo(0, 0, p.w, p.h * split)
    ink = _ink(rng)
    if split < 1.0:
        bg = (255, 255, 255) if rng.random() < 0.6 else _ink(rng, ink)
        p.rect(0, p.h * split, p.w, p.h * (1 - split), bg)
        tcol = (25, 25, 30) if bg == (255, 255, 255) else (255, 255, 255)
        cols = int(rng.integers(2, 4))
        cw = (p.w - 16) / cols
        for c in range(cols):
            p.paragraph(8 + c * cw, p.h * split + 10, cw - 4, p.h * (1 - split) - 14, 2.6, "sans", tcol)
    hs = float(rng.uniform(9, 20))
    p.paragraph(8, 8 + float(rng.uniform(0, 0.3)) * p.h * split, p.w - 16, hs * 2.3, hs, "sans_bold",
                (255, 255, 255) if rng.random() < 0.6 else ink, 1.1)
    for _ in range(int(rng.integers(0, 3))):  # colour blocks / tags
        bw, bh = float(rng.uniform(20, 60)), float(rng.uniform(8, 25))
        bx, by = float(rng.uniform(0, p.w - bw)), float(rng.uniform(0, p.h - bh))
        p.rect(bx, by, bw, bh, _ink(rng))
        p.text(bx + 2, by + 2, _headline(rng), bh * 0.45, "sans_bold", (255, 255, 255))


def _flyer(p: _Page) -> None:
    rng = p.rng
    bg = _ink(rng) if rng.random() < 0.5 else (255, 255, 255)
    p.rect(0, 0, p.w, p.h, bg)
    band = _ink(rng, bg)
    bh = float(rng.uniform(0.12, 0.2)) * p.h
    p.rect(0, 0, p.w, bh, band)
    p.text(6, bh * 0.2, _headline(rng), bh * 0.5, "sans_bold", (255, 255, 255) if band != (240, 200, 0) else (20, 20, 20))
    nx, ny = int(rng.integers(2, 4)), int(rng.integers(2, 4))
    cw, chh = (p.w - 8) / nx, (p.h - bh - 8) / ny
    for i in range(nx):
        for j in range(ny):
            x, y = 4 + i * cw, bh + 4 + j * chh
            p.rect(x + 1, y + 1, cw - 2, chh - 2, (255, 255, 255))
            p.photo(x + 3, y + 3, cw - 6, (chh - 6) * 0.6, "product" if rng.random() < 0.5 else "food")
            p.paragraph(x + 3, y + 3 + (chh - 6) * 0.62, cw - 6, (chh - 6) * 0.18, 2.4, "sans", (30, 30, 30))
            if rng.random() < 0.7:
                price = f"{int(rng.integers(0, 20))}.{int(rng.integers(0, 100)):02d}"
                ps = min(cw, chh) * 0.16
                c = (215, 25, 32) if rng.random() < 0.6 else (240, 200, 0)
                p.logo(x + cw - ps * 3.8, y + chh - ps * 2.2, ps * 3.5, ps * 2, c,
                       (255, 255, 255) if c[1] < 150 else (20, 20, 20), price)


def _package(p: _Page) -> None:
    rng = p.rng
    c1, c2 = _ink(rng), _ink(rng)
    c2 = c2 if c2 != c1 else (255, 255, 255)
    # vertical gradient between two saturated inks
    t = np.linspace(0, 1, 16)[:, None, None]
    grad = (np.array(c1) * (1 - t * 0.6) + np.array(c2) * t * 0.6).astype(np.uint8)
    p.img.paste(Image.fromarray(grad).resize(p.img.size, Image.BILINEAR).convert("RGBA"), (0, 0))
    if rng.random() < 0.5:  # stripes / sunburst accents
        for _ in range(int(rng.integers(1, 4))):
            y = float(rng.uniform(0, p.h))
            p.rect(0, y, p.w, float(rng.uniform(2, 10)), _ink(rng, c1))
    word = _headline(rng)
    p.logo(p.w * 0.08, p.h * 0.06, p.w * 0.84, p.h * 0.2, _ink(rng, c1), (255, 255, 255), word)
    p.photo(p.w * 0.12, p.h * 0.32, p.w * 0.76, p.h * 0.42, "food" if rng.random() < 0.3 else "product")
    p.rect(p.w * 0.05, p.h * 0.78, p.w * 0.9, p.h * 0.17, (255, 255, 255))
    p.paragraph(p.w * 0.07, p.h * 0.79, p.w * 0.55, p.h * 0.15, 2.0, "sans", (30, 30, 30), 1.2)
    p.barcode(p.w * 0.66, p.h * 0.79, p.w * 0.27, p.h * 0.15)


def _kraft(p: _Page) -> None:
    rng = p.rng
    ink = KRAFT_INKS[int(rng.integers(len(KRAFT_INKS)))]
    if rng.random() < 0.4:  # a printed box panel: a solid block with reversed-out text
        bw, bh = float(rng.uniform(0.3, 0.6)) * p.w, float(rng.uniform(0.15, 0.35)) * p.h
        bx, by = float(rng.uniform(0, p.w - bw)), float(rng.uniform(0, p.h - bh))
        p.rect(bx, by, bw, bh, ink)
        p.paragraph(bx + 3, by + 3, bw - 6, bh - 6, float(rng.uniform(4, 8)), "sans_bold", (200, 170, 130), 1.3)
    for _ in range(int(rng.integers(2, 5))):
        w = float(rng.uniform(0.35, 0.8)) * p.w
        x, y = float(rng.uniform(0, p.w - w)), float(rng.uniform(0, p.h * 0.8))
        word = _headline(rng)
        size = min(w / max(1.0, p.text_width(word, 1.0, "sans_bold")), p.h * 0.2)
        p.text(x, y, word, size, "sans_bold", ink)
    if rng.random() < 0.6:  # handling arrows / recycling mark
        x, y, s = float(rng.uniform(0, p.w * 0.8)), float(rng.uniform(0, p.h * 0.8)), float(rng.uniform(15, 35))
        for k in range(2):
            xx = x + k * s * 0.7
            p.draw.polygon([tuple(p.px(xx + s * 0.3, y)), tuple(p.px(xx + s * 0.6, y + s * 0.4)),
                            tuple(p.px(xx, y + s * 0.4))], fill=(*ink, 255))
            p.rect(xx + s * 0.2, y + s * 0.4, s * 0.2, s * 0.5, ink)
    if rng.random() < 0.5:
        p.paragraph(float(rng.uniform(2, p.w * 0.5)), float(rng.uniform(2, p.h * 0.7)), p.w * 0.4, 15, 3.0, "sans", ink)
    if rng.random() < 0.3:
        p.rect(0, float(rng.uniform(0, p.h)), p.w, float(rng.uniform(8, 30)), _ink(rng))


def _snack(p: _Page) -> None:
    _package(p)
    rng = p.rng
    if rng.random() < 0.5:  # a crimped seal stripe at both ends
        for y in (0.0, p.h - 8.0):
            p.rect(0, y, p.w, 8.0, (200, 200, 205))


def _label(p: _Page, top: float | None = None, bot: float | None = None) -> None:
    rng = p.rng
    top = float(rng.uniform(0.2, 0.35)) * p.h if top is None else top
    bot = float(rng.uniform(0.65, 0.85)) * p.h if bot is None else bot
    c1 = _ink(rng)
    p.rect(0, top, p.w, bot - top, c1)
    for _ in range(int(rng.integers(0, 3))):
        y = float(rng.uniform(top, bot - 4))
        p.rect(0, y, p.w, float(rng.uniform(1, 5)), _ink(rng, c1))
    reps = int(rng.integers(1, 3))
    for r in range(reps):
        p.logo(p.w * (r / reps) + p.w * 0.05 / reps, top + (bot - top) * 0.2, p.w * 0.4 / reps,
               (bot - top) * 0.6, (255, 255, 255), c1, _headline(rng).split()[0])
    p.paragraph(p.w * 0.6, top + 2, p.w * 0.3, bot - top - 4, 1.8, "sans", (255, 255, 255), 1.2)


def _can(p: _Page) -> None:
    """A printed can: the label band covers almost the whole body (thin metal rims stay bare)."""
    _label(p, 0.06 * p.h, 0.94 * p.h)


def _bag(p: _Page) -> None:
    rng = p.rng
    ink = _ink(rng)
    w, h = p.w * float(rng.uniform(0.35, 0.6)), p.h * float(rng.uniform(0.15, 0.3))
    p.logo((p.w - w) / 2, p.h * float(rng.uniform(0.3, 0.5)), w, h, ink, (255, 255, 255), _headline(rng).split()[0])
    if rng.random() < 0.5:
        p.paragraph(p.w * 0.3, p.h * 0.75, p.w * 0.4, 8, 3.0, "sans", ink)


_LAYOUTS = {"letter": (_letter, PAPER_WHITE), "news": (_news, NEWSPRINT), "magazine": (_magazine, PAPER_WHITE),
            "flyer": (_flyer, PAPER_WHITE), "package": (_package, PAPER_WHITE), "kraft": (_kraft, (0, 0, 0)),
            "snack": (_snack, PAPER_WHITE), "label": (_label, (0, 0, 0)), "can": (_can, (0, 0, 0)), "bag": (_bag, (0, 0, 0))}


@functools.lru_cache(maxsize=16)  # prints are unique per object: a small cache bounds memory
def _cached(kind: str, seed: int, w_mm: float, h_mm: float, out_w: int, out_h: int) -> np.ndarray:
    layout, bg = _LAYOUTS[kind]
    # Draw at twice the texture size, then halve (a cheap, clean anti-aliasing of small text).
    k = 2 * out_w / w_mm
    page = _Page(np.random.default_rng([int(seed), KINDS.index(kind)]), w_mm, h_mm, k, bg, kind in INK_ONLY)
    layout(page)
    img = page.img.reduce(2)
    if img.size != (out_w, out_h):
        img = img.resize((out_w, out_h), Image.BILINEAR)
    arr = np.asarray(img, dtype=np.uint8)
    arr.setflags(write=False)
    return arr


def texture_size(size_m: tuple[float, float], px_per_m: float) -> tuple[int, int]:
    """Texture (width, height) in pixels for a print of ``size_m`` at ``px_per_m`` (bounded)."""
    w, h = float(size_m[0]), float(size_m[1])
    scale = min(px_per_m, MAX_TEX_PX / max(w, h))
    return max(16, round(w * scale)), max(16, round(h * scale))


def make_print(kind: str, seed: int, size_m: tuple[float, float], px_per_m: float) -> np.ndarray:
    """The print image (H, W, 4) uint8 sRGB + alpha for an object of ``size_m`` (width, height in m).

    The layout is drawn at twice ``px_per_m`` (the texel density the renderer needs; the
    texture's longest side is capped at :data:`MAX_TEX_PX`) and halved. ``seed`` fixes the content; the result is read-only and
    cached. Alpha is 0 where an :data:`INK_ONLY` kind has no ink.
    """
    if kind not in _LAYOUTS:
        raise PrintError(f"unknown print kind {kind!r}; known: {', '.join(KINDS)}")
    if min(size_m) <= 0 or px_per_m <= 0:
        raise PrintError(f"print size {tuple(size_m)} m and density {px_per_m} px/m must be positive")
    out_w, out_h = texture_size(size_m, px_per_m)
    return _cached(kind, int(seed), round(size_m[0] * 1000, 1), round(size_m[1] * 1000, 1), out_w, out_h)


def back_print(kind: str, seed: int) -> tuple[str, int]:
    """What the back of a print shows, drawn from ``seed`` alone (see :data:`BACKS`).

    Returns ``(kind, seed)`` of another print of the same kind (a different seed), ``("plain", 0)``
    for bare stock (the material's own colour), or ``("same", seed)``: the front print.

    >>> back_print("news", 3)[0], back_print("kraft", 3), back_print("can", 3)
    ('news', ('plain', 0), ('same', 3))
    """
    if kind not in BACKS:
        raise PrintError(f"unknown print kind {kind!r}; known: {', '.join(KINDS)}")
    rng = np.random.default_rng([int(seed), KINDS.index(kind), 2])
    names = list(BACKS[kind])
    w = np.array([BACKS[kind][n] for n in names])
    choice = names[int(rng.choice(len(names), p=w / w.sum()))]
    if choice == "print":
        return kind, int(rng.integers(2**31 - 1))
    return ("plain", 0) if choice == "plain" else ("same", int(seed))


#: Texels per rendered pixel on a print lying flat in view (a little above 1 keeps print crisp).
TEXEL_OVERSAMPLE = 1.2
#: Object kinds whose UVs wrap around an axis (u = angle, v = along the length x) or a ball.
_REVOLVED = frozenset({"bottle", "can", "cup"})
_BALLS = frozenset({"crumpled", "lump"})


def texel_density(resolution: tuple[int, int], view_m: tuple[float, float]) -> float:
    """Texture px per metre for a scene: rendered px per metre of belt times :data:`TEXEL_OVERSAMPLE`.

    >>> round(texel_density((640, 360), (1.4, 0.79)))
    549
    """
    return float(resolution[0]) / float(view_m[0]) * TEXEL_OVERSAMPLE


def print_extent(kind: str, size: list[float]) -> tuple[float, float]:
    """Physical (width, height) in m that an object's UV square spans (for :func:`make_print`).

    Sheets and boxes: their footprint; bottles, cans and cups: circumference x length (u runs
    around the axis); balls: circumference x diameter.

    >>> [round(v, 3) for v in print_extent("can", [0.12, 0.066, 0.0])]
    [0.207, 0.12]
    """
    sx, sy = float(size[0]), float(size[1])
    if kind in _REVOLVED:
        return math.pi * sy, sx
    if kind in _BALLS:
        return math.pi * sx, sx
    return sx, sy
