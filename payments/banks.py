"""Banks and e-wallets a payment account may name, by NAPAS BIN, with SWIFT BICs where one exists.

Sources (checked 2026-12-02; lists copied between packages disagree, e.g. some give 970415 to
Vietcombank and 970422 to VietinBank, which is wrong):
- BINs: the bank list MoMo (M_Service) publishes for its payments and disbursements
  (`isDisburse: 1`), the same BINs as the NAPAS 247 / VietQR directory (api.vietqr.io/v2/banks):
  970436 Vietcombank, 970415 VietinBank, 970418 BIDV, 970405 Agribank, 970422 MB, ...;
  e-wallets Viettel Money 971005 and VNPT Money 971011 from the same list.
- BICs: the banks' 8-character SWIFT codes as SWIFT directory copies list them (bankcodes.io
  BFTVVNVX; allbankswiftcodes.com ICBVVNVX, SBITVNVX; bic-swift.com BIDVVNVX) and as lists of the
  banks' published codes give them (khanhplus.com/swift-code, ihuongdan.info/ma-swift-code, and
  the bank table of the larshop project, config/banks.php). A BIC is given only where one of these
  sources shows it for that very bank (khanhplus.com gives ICBVVNVX to CIMB: one more sign that
  copies disagree); otherwise it is left empty and pain.001 names the bank by its BIN
  (`CdtrAgt/FinInstnId/Othr/Id`), which is how NAPAS routes a domestic transfer anyway.
  E-wallets have no BIC.

Account numbers: digits only; the bounds are NAPAS's (6 to 19 digits for a bank account) and a
mobile number of 10 digits for an e-wallet. They are deliberately loose: banks issue numbers of
several lengths (and "chosen" numbers), so a stricter per-bank rule would refuse real accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True, slots=True)
class Bank:
    bin: str
    short_name: str
    name: str
    bic: str
    account_digits: tuple[int, int]
    channel: str  # "bank" | "ewallet"


BANK_DIGITS = (6, 19)
WALLET_DIGITS = (10, 10)


def _bank(bin_: str, short_name: str, name: str, bic: str = "") -> Bank:
    return Bank(bin_, short_name, name, bic, BANK_DIGITS, "bank")


BANKS: tuple[Bank, ...] = (
    _bank("970436", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam", "BFTVVNVX"),
    _bank("970415", "VietinBank", "Ngân hàng TMCP Công thương Việt Nam", "ICBVVNVX"),
    _bank("970418", "BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam", "BIDVVNVX"),
    _bank(
        "970405", "Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam", "VBAAVNVX"
    ),
    _bank("970422", "MB", "Ngân hàng TMCP Quân đội"),
    _bank("970407", "Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam", "VTCBVNVX"),
    _bank("970416", "ACB", "Ngân hàng TMCP Á Châu", "ASCBVNVX"),
    _bank("970432", "VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng"),
    _bank("970423", "TPBank", "Ngân hàng TMCP Tiên Phong"),
    _bank("970403", "Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín", "SGTTVNVX"),
    _bank("970437", "HDBank", "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh"),
    _bank("970441", "VIB", "Ngân hàng TMCP Quốc tế Việt Nam"),
    _bank("970443", "SHB", "Ngân hàng TMCP Sài Gòn - Hà Nội"),
    _bank("970431", "Eximbank", "Ngân hàng TMCP Xuất Nhập khẩu Việt Nam", "EBVIVNVX"),
    _bank("970426", "MSB", "Ngân hàng TMCP Hàng Hải Việt Nam", "MCOBVNVX"),
    _bank("970448", "OCB", "Ngân hàng TMCP Phương Đông"),
    _bank("970440", "SeABank", "Ngân hàng TMCP Đông Nam Á"),
    _bank("970429", "SCB", "Ngân hàng TMCP Sài Gòn"),
    _bank("970428", "Nam A Bank", "Ngân hàng TMCP Nam Á"),
    _bank("970454", "BVBank", "Ngân hàng TMCP Bản Việt"),
    _bank("970449", "LPBank", "Ngân hàng TMCP Lộc Phát Việt Nam (Bưu Điện Liên Việt)"),
    _bank("970409", "Bac A Bank", "Ngân hàng TMCP Bắc Á", "NASCVNVX"),
    _bank("970412", "PVcomBank", "Ngân hàng TMCP Đại Chúng Việt Nam"),
    _bank("970406", "DongA Bank", "Ngân hàng TMCP Đông Á", "EACBVNVX"),
    _bank("970427", "VietABank", "Ngân hàng TMCP Việt Á"),
    _bank("970433", "VietBank", "Ngân hàng TMCP Việt Nam Thương Tín"),
    _bank("970438", "BaoViet Bank", "Ngân hàng TMCP Bảo Việt", "BVBVVNVX"),
    _bank("970430", "PGBank", "Ngân hàng TMCP Thịnh vượng và Phát triển (Xăng dầu Petrolimex)"),
    _bank("970400", "Saigonbank", "Ngân hàng TMCP Sài Gòn Công Thương", "SBITVNVX"),
    _bank("970452", "KienlongBank", "Ngân hàng TMCP Kiên Long"),
    _bank("970425", "ABBANK", "Ngân hàng TMCP An Bình", "ABBKVNVX"),
    _bank("970419", "NCB", "Ngân hàng TMCP Quốc Dân"),
    _bank("970408", "GPBank", "Ngân hàng Thương mại TNHH MTV Dầu Khí Toàn Cầu"),
    _bank("970414", "OceanBank", "Ngân hàng Thương mại TNHH MTV Đại Dương"),
    _bank("970444", "CBBank", "Ngân hàng Thương mại TNHH MTV Xây dựng Việt Nam"),
    _bank("970446", "Co-opBank", "Ngân hàng Hợp tác xã Việt Nam"),
    _bank("970421", "VRB", "Ngân hàng Liên doanh Việt - Nga"),
    _bank("970434", "Indovina", "Ngân hàng TNHH Indovina"),
    _bank("970424", "Shinhan Bank", "Ngân hàng TNHH MTV Shinhan Việt Nam"),
    _bank("970457", "Woori", "Ngân hàng TNHH MTV Woori Việt Nam"),
    _bank("970458", "UOB", "Ngân hàng United Overseas - Chi nhánh TP. Hồ Chí Minh"),
    _bank("970410", "Standard Chartered", "Ngân hàng TNHH MTV Standard Chartered Việt Nam"),
    _bank("970442", "Hong Leong", "Ngân hàng TNHH MTV Hong Leong Việt Nam"),
    _bank("970439", "Public Bank", "Ngân hàng TNHH MTV Public Việt Nam"),
    _bank("458761", "HSBC", "Ngân hàng TNHH MTV HSBC (Việt Nam)"),
    _bank("422589", "CIMB", "Ngân hàng TNHH MTV CIMB Việt Nam"),
    _bank("546034", "CAKE", "Ngân hàng số CAKE by VPBank"),
    _bank("546035", "Ubank", "Ngân hàng số Ubank by VPBank"),
    _bank("963388", "Timo", "Ngân hàng số Timo by Bản Việt"),
    Bank("971005", "Viettel Money", "Ví điện tử Viettel Money", "", WALLET_DIGITS, "ewallet"),
    Bank("971011", "VNPT Money", "Ví điện tử VNPT Money", "", WALLET_DIGITS, "ewallet"),
)

_BY_BIN = {bank.bin: bank for bank in BANKS}
if len(_BY_BIN) != len(BANKS):  # pragma: no cover - a typo in the table above
    raise RuntimeError("duplicate BIN in payments.banks.BANKS")


def bank_by_bin(bin_: str) -> Bank | None:
    return _BY_BIN.get((bin_ or "").strip())


def normalize_account_number(number: str) -> str:
    """What people type ("0123 456.789-0") as the digits a bank expects ("01234567890")."""
    return "".join(ch for ch in (number or "") if ch not in " .-\t")


def validate_account_number(bank: Bank, number: str) -> None:
    """None when `number` fits `bank`; else ValueError with a Vietnamese message for the user."""
    if not number or not number.isascii() or not number.isdigit():
        raise ValueError(_("Số tài khoản chỉ gồm chữ số."))
    low, high = bank.account_digits
    if not low <= len(number) <= high:
        if low == high:
            message = _("Số tài khoản %(bank)s phải có %(low)d chữ số.")
        else:
            message = _("Số tài khoản %(bank)s phải có từ %(low)d đến %(high)d chữ số.")
        raise ValueError(message % {"bank": bank.short_name, "low": low, "high": high})
    if bank.channel == "ewallet" and not number.startswith("0"):
        raise ValueError(_("Tài khoản ví điện tử là số điện thoại di động bắt đầu bằng 0."))
