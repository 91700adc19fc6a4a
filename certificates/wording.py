"""Vietnamese wording on printed documents: dates (Decree 30/2020), money, amounts in words."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

# Groups of three digits, from the lowest; beyond "tỷ" Vietnamese repeats the scale words.
_SCALES = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")


def document_date(place: str, day: date) -> str:
    """ "Cam Lộ, ngày 05 tháng 3 năm 2026".

    Decree 30/2020, Annex I: a day below 10 and a month below 3 take a leading zero (so that
    nothing can be written in front of them), other months do not.
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def month_year(day: date) -> str:
    return f"{day.month:02d}/{day.year}"


def whole_dong(amount: Decimal | int) -> int:
    value = Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if value != Decimal(amount):
        raise ValueError("amounts are whole đồng")
    return int(value)


def money(amount: Decimal | int) -> str:
    """ "1.250.000": the dot groups thousands in Vietnamese."""
    return f"{whole_dong(amount):,}".replace(",", ".")


def _group_words(value: int, *, leading: bool) -> str:
    # num2words reads 0–999 correctly on its own; inside a longer number a group below 100 is
    # read with its hundreds ("một triệu không trăm năm mươi nghìn", "… không trăm lẻ năm"),
    # as accounting documents write it, which num2words does not do.
    if leading or value >= 100:
        return num2words(value, lang="vi")
    if value >= 10:
        return "không trăm " + num2words(value, lang="vi")
    return "không trăm lẻ " + num2words(value, lang="vi")


def amount_in_words(amount: Decimal | int) -> str:
    """ "Một triệu không trăm năm mươi nghìn đồng" for 1,050,000."""
    value = whole_dong(amount)
    if value < 0:
        raise ValueError("a negative amount has no words on a payment list")
    if value == 0:
        return "Không đồng"
    groups = []
    while value:
        groups.append(value % 1000)
        value //= 1000
    if len(groups) > len(_SCALES):
        raise ValueError("amount too large")
    words = []
    top = len(groups) - 1
    for index in range(top, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words.append(_group_words(group, leading=index == top))
        if _SCALES[index]:
            words.append(_SCALES[index])
    text = " ".join(words)
    return text[0].upper() + text[1:] + " đồng"
