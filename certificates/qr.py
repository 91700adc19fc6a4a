"""QR codes as 1-bit images: zxing-cpp encodes (C++, about a millisecond), the PDF holds one tiny
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


def qr_image(content: str, *, ec_level: str = ERROR_CORRECTION) -> Image.Image:
    """The QR symbol of `content`: one pixel per module, no quiet zone, mode "1" (1 = white)."""
    barcode = zxingcpp.create_barcode(content, zxingcpp.BarcodeFormat.QRCode, ec_level=ec_level)
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
