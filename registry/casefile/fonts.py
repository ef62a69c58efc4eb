"""The case file's fonts: Noto Sans CJK SC, cut to the characters one file uses, embedded.

A PDF that only names its fonts shows no text at all on a reader without them, so every font of
index.pdf is embedded. The faces are Noto Sans CJK SC and Noto Sans Mono CJK SC (Adobe and
Google, SIL Open Font License 1.1, which allows embedding), read from Debian's
``fonts-noto-cjk`` package (``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``;
another file with the same faces can be named by ``REGISTRY_CASE_FILE_FONT``).

Those fonts have PostScript (CFF) outlines, which ReportLab cannot embed; so for each file the
face is cut (fontTools) to the characters the file shows, and the cut's outlines are converted
to TrueType quadratic curves. ReportLab then embeds subsets of that. The same characters give
the same bytes, so the case file stays reproducible.
"""

from __future__ import annotations

import functools
import hashlib
import io
import string
from collections.abc import Iterable
from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen  # type: ignore[import-untyped]
from fontTools.pens.ttGlyphPen import TTGlyphPen  # type: ignore[import-untyped]
from fontTools.subset import Options, Subsetter  # type: ignore[import-untyped]
from fontTools.ttLib import TTCollection, TTFont, newTable  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont as ReportLabFont  # type: ignore[import-untyped]

DEFAULT_FONT_FILE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SANS = "Noto Sans CJK SC"
MONO = "Noto Sans Mono CJK SC"
# Characters every file may show whatever its data: ASCII and the layout's own marks.
ALWAYS = set(string.printable.strip()) | set(" ·—–…¥，。：；、（）《》“”‘’／") | {" "}


class FontMissing(RuntimeError):
    """The CJK font file is not there (install Debian's fonts-noto-cjk)."""


@functools.lru_cache(maxsize=4)
def _face_index(path: str, family: str) -> int:
    try:
        collection = TTCollection(path, lazy=True)
    except FileNotFoundError:
        raise FontMissing(
            f"no font file {path}: install Debian's fonts-noto-cjk, or name another file with "
            "Noto Sans CJK SC in REGISTRY_CASE_FILE_FONT"
        ) from None
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            return index
    raise FontMissing(f"{path} has no face {family!r}")


def _to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines of ``font`` with TrueType quadratic ones (in place)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        glyph.recalcBounds(glyf)
        width = hmtx[name][0]
        hmtx[name] = (width, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def truetype_cut(path: str, family: str, chars: frozenset[str], postscript_name: str) -> bytes:
    """A TrueType font of ``family`` in ``path`` with just ``chars`` (and .notdef), named
    ``postscript_name`` (ReportLab tells fonts apart by that name)."""
    font = TTFont(path, fontNumber=_face_index(path, family), lazy=True)
    options = Options()
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.name_languages = [0x409]
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    _to_truetype(font)
    names = font["name"]
    names.removeNames(nameID=6)
    names.setName(postscript_name, 6, 3, 1, 0x409)
    names.setName(postscript_name, 6, 1, 0, 0)
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()


def register(path: str, texts: Iterable[str]) -> tuple[str, str]:
    """Register the sans and mono cuts for ``texts`` with ReportLab; answers their names."""
    chars = set(ALWAYS)
    for text in texts:
        chars.update(text)
    wanted = frozenset(c for c in chars if c.isprintable() or c == " ")
    return _register(str(Path(path)), wanted)


@functools.lru_cache(maxsize=16)
def _register(path: str, chars: frozenset[str]) -> tuple[str, str]:
    digest = hashlib.sha256("".join(sorted(chars)).encode()).hexdigest()[:10]
    names = []
    for family, short in ((SANS, "NotoSansSC"), (MONO, "NotoSansMonoSC")):
        name = f"{short}-{digest}"
        if name not in pdfmetrics.getRegisteredFontNames():
            data = truetype_cut(path, family, chars, name)
            pdfmetrics.registerFont(ReportLabFont(name, io.BytesIO(data)))
        names.append(name)
    return names[0], names[1]
