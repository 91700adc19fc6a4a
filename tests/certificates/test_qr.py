"""The QR symbol as drawn on every page (fixed mask): readable back for tokens of every shape."""

from __future__ import annotations

import base64
import random

import zxingcpp
from PIL import Image, ImageFilter

from certificates.qr import inline_image_operators, qr_image


def verify_url(seed: int) -> str:
    token = base64.urlsafe_b64encode(random.Random(seed).randbytes(255)).decode().rstrip("=")
    return f"https://registry.example.org/verify/{token}"


def read(image: Image.Image, *, blur: float = 0.0) -> list[str]:
    # As a phone sees a print: scaled up, a quiet zone, slightly out of focus.
    big = image.convert("L").resize((image.width * 4, image.height * 4), Image.NEAREST)
    framed = Image.new("L", (big.width + 32, big.height + 32), 255)
    framed.paste(big, (16, 16))
    if blur:
        framed = framed.filter(ImageFilter.GaussianBlur(blur))
    return [r.text for r in zxingcpp.read_barcodes(framed, formats=zxingcpp.BarcodeFormat.QRCode)]


def test_codes_of_many_tokens_read_back_even_out_of_focus():
    for seed in range(40):
        url = verify_url(seed)
        image = qr_image(url)
        assert image.mode == "1"
        assert read(image) == [url]
        assert read(image, blur=1.2) == [url], seed


def test_the_page_operators_hold_the_symbol_packed_one_bit_a_module():
    url = verify_url(1)
    image = qr_image(url)
    auto = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    assert image.size == (auto.to_image(scale=1, add_quiet_zones=False).shape[1],) * 2
    operators = inline_image_operators(image, 10, 20, 90)
    assert f"/W {image.width} /H {image.height} /BPC 1" in operators
    assert image.tobytes().hex() in operators
