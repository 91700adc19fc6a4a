"""The PDF font shared by every PDF the registry prints (certificates, payment lists, a person's
data export): Be Vietnam Pro from its PyPI package, registered once and embedded (subset).

No font file lives in the repository. Every Vietnamese letter, precomposed (NFC), is in the font;
nothing falls back to reportlab's unembedded standard fonts (the canvas starts in this font and
reportlab.graphics draws in it too).
"""

from __future__ import annotations

from functools import cache

import fontpkg_be_vietnam_pro
from reportlab.graphics import shapes
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "BeVietnamPro"
BOLD = "BeVietnamPro-Bold"
ITALIC = "BeVietnamPro-Italic"
BOLD_ITALIC = "BeVietnamPro-BoldItalic"

_FILES = {
    REGULAR: "BeVietnamPro-Regular.ttf",
    BOLD: "BeVietnamPro-Bold.ttf",
    ITALIC: "BeVietnamPro-Italic.ttf",
    BOLD_ITALIC: "BeVietnamPro-BoldItalic.ttf",
}


@cache
def register() -> str:
    """Register the four faces with reportlab (idempotent); returns the regular face's name."""
    folder = fontpkg_be_vietnam_pro.ROOT / "files"
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
    # reportlab.graphics shapes default to Times-Roman, which would be referenced unembedded.
    shapes.STATE_DEFAULTS["fontName"] = REGULAR
    return REGULAR
