"""QR codes as 1-bit images: zxing-cpp encodes (C++, 0.3 ms with the mask fixed), the PDF holds one tiny
inline image per code.

Drawing each module as its own vector shape (reportlab's QR widget) costs ~40 ms a page. Here the
symbol is one pixel per module, packed 8 pixels a byte (a 77 × 77 symbol is 770 bytes), and
scaled to its printed size by the PDF itself: sharp at any resolution, and cheaper than
reportlab's general image path (which re-encodes, hashes and wraps every image as an object).
"""

from __future__ import annotations

import zxingcpp
from PIL import Image

# Level M: 15 % of the symbol may be damaged or dirty and it still reads; a higher level makes
# the code denser for the same ~380-character verification URL.
ERROR_CORRECTION = "M"
# The mask pattern, fixed instead of chosen per symbol: choosing means scoring all eight on the
# finished symbol, 85 % of the encoder's time (2 ms of a 2.3 ms code, the costliest step of a
# printed page). Any mask is valid for every reader; for ~380-character URLs of random tokens
# the symbols with mask 2 read as well as the chosen ones — 200 of 200 when blurred and
# shrunk to just above where every variant starts failing, 199 vs 199 and 197 vs 198 at it
# (zxing-cpp's reader; tests/certificates/test_qr.py reads every mask back).
DATA_MASK = 2


def qr_image(content: str, *, ec_level: str = ERROR_CORRECTION) -> Image.Image:
    """The QR symbol of `content`: one pixel per module, no quiet zone, mode "1" (1 = white)."""
    barcode = zxingcpp.create_barcode(
        content, zxingcpp.BarcodeFormat.QRCode, ec_level=ec_level, data_mask=DATA_MASK
    )
    return Image.fromarray(barcode.to_image(scale=1, add_quiet_zones=False)).convert("1")


def inline_image_operators(image: Image.Image, x: float, y: float, size: float) -> str:
    """PDF content-stream operators drawing a mode "1" image as a `size`-point square at (x, y).

    DeviceGray with 1 bit per component reads 1 as white, as Pillow packs mode "1" (rows padded
    to whole bytes, most significant bit first). ASCIIHex keeps the content stream text; the page
    stream is compressed as a whole anyway.
    """
    if image.mode != "1":
        raise ValueError("a 1-bit image is expected")
    width, height = image.size
    data = image.tobytes().hex()
    return (
        f"q {size:.3f} 0 0 {size:.3f} {x:.3f} {y:.3f} cm "
        f"BI /W {width} /H {height} /BPC 1 /CS /G /F /AHx ID {data}> EI Q"
    )
