"""Checks shared by every write that sets a case's terms: categories, ages, levels, amounts."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from beneficiaries import entitlements
from beneficiaries.entitlements.categories import PENSION_CATEGORY
from beneficiaries.models import (
    Classification,
    DisabilityLevel,
    Person,
    PovertyAssessment,
    Programme,
    VitalStatus,
)
from beneficiaries.services.common import invalid
from registry.exceptions import InvalidTransition


def poor_household(person: Person) -> bool:
    """Whether the person's household is poor or near-poor by its latest yearly review (the
    social pension then starts at 70 instead of 75, Decree 176/2025 Art. 3(2)). One query."""
    latest = (
        PovertyAssessment.objects.filter(household_id=person.household_id)
        .order_by("-year")
        .values_list("classification", flat=True)
        .first()
    )
    return latest in (Classification.POOR, Classification.NEAR_POOR)


def validate_terms(person: Person, values: dict, *, reference_month: date) -> None:
    """Refuse terms the law does not allow for this person in `reference_month`.

    Every category recorded must be open for the person's age that month (Art. 5 windows; the
    400 names the rule); 5.6 needs a disability level, 5.4 a number of children; a meritorious
    case needs an amount from its decision unless the rate table has a row for its category and
    grade; other programmes never take a typed amount.
    """
    programme, category = values["programme"], values["category"]
    others = list(values.get("other_categories") or [])
    entitlements.validate_categories(programme, category, others)
    if person.vital_status == VitalStatus.DECEASED:
        raise InvalidTransition(_("Người này đã mất."), code="person_deceased")
    categories = [category, *others]
    if programme == Programme.MERITORIOUS:
        rates = entitlements.RateBook.load()
        amount = values.get("decided_amount")
        has_row = rates.meritorious(
            category, values.get("meritorious_grade") or "", reference_month
        )
        if has_row is None and (amount is None or amount <= 0):
            raise invalid(
                "monthly_amount",
                _(
                    "Trợ cấp người có công cần mức trợ cấp hằng tháng theo quyết định khi bảng "
                    "mức trợ cấp chưa có dòng cho diện và mức này."
                ),
                "required",
            )
        return
    if values.get("decided_amount") is not None:
        raise invalid(
            "monthly_amount",
            _("Mức trợ cấp được tính theo hệ số và mức chuẩn, không nhập tay."),
            "computed_amount",
        )
    if values.get("meritorious_grade"):
        raise invalid("meritorious_grade", _("Chỉ người có công mới có mức trợ cấp theo bảng."))
    for each in categories:
        if not entitlements.in_window(
            each,
            person.date_of_birth,
            reference_month,
            poor_household=bool(values.get("poor_household")) and each == PENSION_CATEGORY,
        ):
            raise entitlements.outside_window_error(
                each, poor_household=bool(values.get("poor_household"))
            )
    level = values.get("disability_level")
    if "5.6" in categories and level not in DisabilityLevel.values:
        raise invalid(
            "disability_level",
            _("Diện 5.6 cần mức độ khuyết tật (nặng hoặc đặc biệt nặng)."),
            "disability_level_required",
        )
    if "5.4" in categories and (values.get("children_count") or 0) < 1:
        raise invalid("children_count", _("Diện 5.4 cần số con đang nuôi (ít nhất 1)."), "required")
