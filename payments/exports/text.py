"""Text helpers shared by the exporters: cutting to a schema length, folding diacritics, cell safety."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from num2words import num2words

# Characters a spreadsheet reads as the start of a formula (OWASP "CSV injection"), as in pretix.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cut(text: str, limit: int) -> str:
    """`text` in NFC cut to at most `limit` characters, never inside a character.

    XSD lengths count characters, not bytes. NFC first so that "ế" is one code point; if a
    combining mark still follows the cut (a letter NFC cannot compose), the base letter goes too,
    so the cut text never ends with half a grapheme.
    """
    text = unicodedata.normalize("NFC", text or "").strip()
    if len(text) <= limit:
        return text
    end = limit
    while end > 0 and unicodedata.combining(text[end]):
        end -= 1
    return text[:end].rstrip()


def fold(text: str) -> str:
    """Upper-case ASCII without diacritics ("Nguyễn Văn Đức" → "NGUYEN VAN DUC"), as banks want."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_only = ascii_only.encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_only.upper().split())


def safe_cell(value: object) -> object:
    """A spreadsheet cell that cannot run as a formula: strings starting with = + - @ tab CR get a
    leading apostrophe; numbers and everything else pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def vnd(amount: Decimal) -> str:
    """Whole đồng as digits ("1500000"); refuses fractions of a đồng."""
    if amount != amount.to_integral_value():
        raise ValueError(f"VND amount with a fraction: {amount}")
    return str(int(amount))


def amount_in_words(amount: Decimal) -> str:
    """The total in Vietnamese words, capitalised, with the currency: "Một triệu năm trăm nghìn đồng"."""
    words = num2words(int(amount), lang="vi")
    words = words[:1].upper() + words[1:]
    return f"{words} đồng"
