"""What the renderers draw: plain, immutable data, built from the database elsewhere (subjects.py).

A renderer receives only these objects, so it can be tested, benchmarked and run in a worker
without a database. Text is normalised to NFC by the renderer before it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Issuer:
    """The issuing People's Committee and who signs for it (Decree 30/2020, Annex I)."""

    committee: str  # "ỦY BAN NHÂN DÂN"
    unit: str  # "XÃ CAM LỘ": the administrative unit, drawn in capitals
    place: str  # "Cam Lộ": the place name before the date
    province: str = ""  # "Quảng Trị"
    signatory_title: str = "CHỦ TỊCH"
    signatory_name: str = ""  # empty: the name is written by hand under the signature
    on_behalf: str = "TM. ỦY BAN NHÂN DÂN"


@dataclass(frozen=True)
class HouseholdMember:
    full_name: str
    relation: str  # "Chủ hộ", "Vợ/chồng" … (already in words)
    birth_year: int
    female: bool
    note: str = ""


@dataclass(frozen=True)
class HouseholdPovertyCertificate:
    """Giấy chứng nhận hộ nghèo / hộ cận nghèo (domain.md §7)."""

    issuer: Issuer
    number: str  # "12/GCN-HN.HCN"
    issued_on: date
    valid_until: date
    year: int  # the review year
    near_poor: bool
    household_code: str
    head_name: str
    head_ethnicity: str
    head_national_id: str  # as it must be printed (see docs/certificates.md on masking)
    residence: str
    members: tuple[HouseholdMember, ...]
    legal_basis: tuple[str, ...] = ()
    verify_url: str | None = None  # None: no QR code (a draft, or the benchmark's baseline)


@dataclass(frozen=True)
class BeneficiaryStatusCertificate:
    """Giấy xác nhận đang hưởng chính sách (programme, category, monthly amount, since when)."""

    issuer: Issuer
    number: str  # "07/GXN-UBND"
    issued_on: date
    valid_until: date
    full_name: str
    date_of_birth: date
    ss_code: str
    national_id: str  # masked
    residence: str
    programme: str  # in words
    category: str  # in words; never a category that reveals HIV status
    monthly_amount: Decimal
    since_month: date
    decision: str  # "Quyết định số 15/QĐ-UBND ngày 10/02/2026"
    legal_basis: tuple[str, ...] = ()
    verify_url: str | None = None


@dataclass(frozen=True)
class PaymentListRow:
    """One line of a payment list: plain values, whatever produced them."""

    full_name: str
    ss_code: str
    amount: Decimal
    note: str = ""


@dataclass(frozen=True)
class PaymentList:
    """Danh sách chi trả để người nhận ký (cash lines, or the commune's file copy)."""

    issuer: Issuer
    title: str  # "DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 12/2026"
    subtitle: str  # "Hình thức: tiền mặt tại điểm chi trả thôn Đông"
    issued_on: date
    rows: tuple[PaymentListRow, ...]
    signatures: tuple[str, ...] = field(default=("NGƯỜI LẬP BIỂU", "KẾ TOÁN"))
