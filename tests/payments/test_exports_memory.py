"""Flat memory: ten times the lines does not need ten times the memory (tracemalloc peaks)."""

from __future__ import annotations

import tracemalloc
from decimal import Decimal

import pytest

from payments.exports import EXPORTERS
from tests.payments.test_exports_pain001 import header, line


def lines(count: int):
    for n in range(1, count + 1):
        channel = "cash" if n % 10 == 0 else "bank"
        yield line(n, channel=channel, amount=Decimal(500000 + n % 7 * 1000))


def peak_bytes(key: str, count: int) -> int:
    cashless = count - count // 10
    total = sum((item.total for item in lines(count) if item.channel != "cash"), Decimal(0))
    exporter = EXPORTERS[key](header(line_count=cashless, control_sum=total), lines(count))
    tracemalloc.start()
    try:
        size = 0
        for chunk in exporter.stream():
            size += len(chunk)  # the chunk is dropped, as a streaming response does
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("key", ["csv", "pain001", "xlsx", "cash_xlsx", "vcb_bulk"])
def test_peak_memory_does_not_grow_with_the_number_of_lines(key):
    small, large = peak_bytes(key, 500), peak_bytes(key, 5000)
    # Growth well under the 10× of the lines: a list held in memory would be ≥ 5× here.
    assert large < small * 2 + 512 * 1024, (small, large)
