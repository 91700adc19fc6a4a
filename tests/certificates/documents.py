"""Plain documents for the renderer tests (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from certificates.documents import (
    BeneficiaryStatusCertificate,
    HouseholdMember,
    HouseholdPovertyCertificate,
    Issuer,
)

ISSUER = Issuer(
    committee="Ủy ban nhân dân",
    unit="Phường Đồng Thuận",
    place="Đồng Thuận",
    province="Quảng Trị",
    signatory_name="Lê Văn Thành",
)
RESIDENCE = "Số 5 Lê Lợi, Thôn Đông, Phường Đồng Thuận, tỉnh Quảng Trị"


def household_certificate(*, members: int = 4, verify_url: str | None = None, **changes):
    people = [HouseholdMember("Nguyễn Thị Hồng Nhung", "Chủ hộ", 1975, True)] + [
        HouseholdMember(f"Hồ Văn Ánh {index}", "Con", 2000 + index % 20, False)
        for index in range(1, members)
    ]
    values = {
        "issuer": ISSUER,
        "number": "07/GCN-HN.HCN",
        "issued_on": date(2026, 3, 5),
        "valid_until": date(2026, 12, 31),
        "year": 2026,
        "near_poor": False,
        "household_code": "188590000012",
        "head_name": "Nguyễn Thị Hồng Nhung",
        "head_ethnicity": "Vân Kiều",
        "head_national_id": "045175001122",
        "residence": RESIDENCE,
        "members": tuple(people),
        "legal_basis": ("Căn cứ kết quả rà soát hộ nghèo, hộ cận nghèo năm 2026,",),
        "verify_url": verify_url,
    }
    values.update(changes)
    return HouseholdPovertyCertificate(**values)


def beneficiary_certificate(*, verify_url: str | None = None, **changes):
    values = {
        "issuer": ISSUER,
        "number": "03/GXN-UBND",
        "issued_on": date(2026, 1, 9),
        "valid_until": date(2026, 4, 9),
        "full_name": "Nguyễn Thị Hồng Nhung",
        "date_of_birth": date(1940, 3, 2),
        "ss_code": "44000000012345",
        "national_id": "045*******22",
        "residence": RESIDENCE,
        "programme": "Trợ cấp xã hội hằng tháng",
        "category": "Người từ đủ 80 tuổi trở lên",
        "monthly_amount": Decimal("750000"),
        "since_month": date(2025, 1, 1),
        "decision": "Quyết định số 15/QĐ-UBND ngày 10/02/2025",
        "verify_url": verify_url,
    }
    values.update(changes)
    return BeneficiaryStatusCertificate(**values)
