"""QR codes as black-and-white images: zxing-cpp encodes (C++, under a millisecond), the PDF draws
one image.

Drawing each module as its own vector shape (reportlab's QR widget) costs ~40 ms a page; one
image of one pixel per module, scaled up by the PDF viewer without interpolation, costs almost
nothing and stays sharp at any print resolution.
"""

from __future__ import annotations

import zxingcpp
from PIL import Image

# Level M: 15 % of the symbol may be damaged or dirty and it still reads; a higher level makes
# the code denser for the same ~400-character verification URL.
ERROR_CORRECTION = "M"


def qr_image(content: str, *, ec_level: str = ERROR_CORRECTION) -> Image.Image:
    """The QR symbol of `content`, one pixel per module, without quiet zone (grey mode, 0/255)."""
    barcode = zxingcpp.create_barcode(content, zxingcpp.BarcodeFormat.QRCode, ec_level=ec_level)
    return Image.fromarray(barcode.to_image(scale=1, add_quiet_zones=False))
