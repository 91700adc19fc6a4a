"""Cutting to a schema length, folding diacritics, cell guards, amounts in words."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.exports import ExportHeader, make_end_to_end_id
from payments.exports.text import amount_in_words, cut, fold, safe_cell, vnd
from tests.payments.test_exports_pain001 import header, line


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Decimal("1500000"), "Một triệu năm trăm nghìn đồng"),
        (Decimal("2350000"), "Hai triệu ba trăm năm mươi nghìn đồng"),
        (Decimal("105000"), "Một trăm lẻ năm nghìn đồng"),
        (Decimal("0"), "Không đồng"),
    ],
)
def test_amount_in_vietnamese_words(amount, words):
    assert amount_in_words(amount) == words


def test_fold_gives_the_upper_case_ascii_banks_want():
    assert fold("Nguyễn Văn Đức") == "NGUYEN VAN DUC"
    assert fold("  Hồ   thị  Ưng ") == "HO THI UNG"


@given(st.text(alphabet="aăâđeêioôơuưyAĂÂĐ áàảãạấầẩẫậếềểễệốồổỗộớờởỡợứừửữự", max_size=300))
def test_cut_never_exceeds_the_limit_nor_splits_a_character(text):
    result = cut(unicodedata.normalize("NFD", text), 140)
    assert len(result) <= 140
    assert unicodedata.normalize("NFC", text).strip().startswith(result.rstrip()) or not result
    assert not result or not unicodedata.combining(result[-1])


def test_cut_keeps_short_text_and_composes_it():
    assert cut(unicodedata.normalize("NFD", "Thảo"), 140) == "Thảo"
    # A base letter followed by a combining mark NFC cannot compose is dropped with its mark.
    assert cut("ax\u0301c", 2) == "a"


@pytest.mark.parametrize("text", ["=1", "+1", "-1", "@A", "\tx", "\rx"])
def test_safe_cell_guards_formula_starts(text):
    assert safe_cell(text) == "'" + text


def test_safe_cell_leaves_other_values():
    assert safe_cell("Nguyễn") == "Nguyễn"
    assert safe_cell(Decimal("-5")) == Decimal("-5")
    assert safe_cell(3) == 3


def test_vnd_is_whole_dong():
    assert vnd(Decimal("1500000")) == "1500000"
    assert vnd(Decimal("1500000.00")) == "1500000"
    with pytest.raises(ValueError):
        vnd(Decimal("0.5"))


def test_header_and_line_guard_their_invariants():
    assert line().total == Decimal("500000")
    assert header().period_label == "05/2026"
    with pytest.raises(ValueError):
        header(created_at=datetime(2026, 5, 1))  # naive
    with pytest.raises(ValueError):
        header(period="2026-5")
    with pytest.raises(ValueError):
        header(msg_id="M" * 36)
    with pytest.raises(ValueError):
        line(end_to_end_id="E" * 36)
    with pytest.raises(ValueError):
        line(channel="cheque")
    assert isinstance(header(), ExportHeader)
    assert header().created_at.tzinfo is UTC


def test_end_to_end_ids_are_unique_and_short():
    ids = {make_end_to_end_id(batch, number) for batch in (1, 99_999) for number in range(1000)}
    assert len(ids) == 2000
    assert len(make_end_to_end_id(10**9, 10**12)) <= 35
