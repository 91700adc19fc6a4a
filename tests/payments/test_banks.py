"""The bank list: BINs as the banks publish them, BICs well formed, account numbers checked."""

from __future__ import annotations

import re

import pytest

from payments.banks import (
    BANKS,
    bank_by_bin,
    normalize_account_number,
    validate_account_number,
)

BIC = re.compile(r"^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$")  # the pain.001 XSD's pattern


@pytest.mark.parametrize(
    ("bin_", "short_name", "bic"),
    [
        ("970436", "Vietcombank", "BFTVVNVX"),
        ("970415", "VietinBank", "ICBVVNVX"),
        ("970418", "BIDV", "BIDVVNVX"),
        ("970405", "Agribank", "VBAAVNVX"),
        ("970422", "MB", ""),
        ("970407", "Techcombank", "VTCBVNVX"),
        ("970416", "ACB", "ASCBVNVX"),
    ],
)
def test_the_codes_lists_confuse_are_right(bin_, short_name, bic):
    bank = bank_by_bin(bin_)
    assert (bank.short_name, bank.bic, bank.channel) == (short_name, bic, "bank")


def test_every_entry_is_well_formed_and_unique():
    bins = [bank.bin for bank in BANKS]
    assert len(bins) == len(set(bins)) >= 45
    for bank in BANKS:
        assert re.fullmatch(r"\d{6}", bank.bin)
        assert bank.short_name and bank.name
        assert bank.bic == "" or BIC.match(bank.bic), bank
        assert bank.channel in ("bank", "ewallet")
        low, high = bank.account_digits
        assert 1 <= low <= high <= 19
    bics = [bank.bic for bank in BANKS if bank.bic]
    assert len(bics) == len(set(bics))


def test_e_wallets_have_no_bic_and_take_a_mobile_number():
    wallets = {bank.short_name: bank for bank in BANKS if bank.channel == "ewallet"}
    assert set(wallets) == {"Viettel Money", "VNPT Money"}
    viettel = bank_by_bin("971005")
    assert viettel is wallets["Viettel Money"] and viettel.bic == ""
    validate_account_number(viettel, "0987654321")
    with pytest.raises(ValueError, match="bắt đầu bằng 0"):
        validate_account_number(viettel, "9876543210")
    with pytest.raises(ValueError, match="10 chữ số"):
        validate_account_number(viettel, "098765432")


def test_unknown_bin():
    assert bank_by_bin("123456") is None
    assert bank_by_bin("") is None
    assert bank_by_bin(" 970436 ").short_name == "Vietcombank"


def test_account_numbers_are_digits_of_the_provider_length():
    vcb = bank_by_bin("970436")
    validate_account_number(vcb, "0011001234567")
    for wrong in ("", "00110012345a7", "００１１００１２３", "0011 0012"):
        with pytest.raises(ValueError, match="chỉ gồm chữ số"):
            validate_account_number(vcb, wrong)
    with pytest.raises(ValueError, match="từ 6 đến 19 chữ số"):
        validate_account_number(vcb, "12345")
    with pytest.raises(ValueError, match="Vietcombank"):
        validate_account_number(vcb, "1" * 20)


def test_normalize_account_number():
    assert normalize_account_number(" 0011 001.234-567 ") == "0011001234567"
