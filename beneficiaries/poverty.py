"""Poor / near-poor classification of a household from income and deprivations (Decree 07/2021,
extended and replaced by Decree 351/2025), against the dated PovertyStandard rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Area, Classification, Deprivation, PovertyStandard
from registry.exceptions import ValidationFailed

INDICATOR_COUNT = len(Deprivation.values)  # Decree 07/2021 Art. 3(1)(b): 12 indicators


def poverty_standard_for(*, year: int, area: str) -> PovertyStandard:
    """The standard in force on 1 January of `year` for the area.

    A standard covers whole calendar years (2022–2026, 2027–2030), so 1 January decides. `year`
    is the year the classification applies to; Decision 24/2021 reviews in the autumn for the
    following year, so a review held in late 2026 is classified under the 2027 standard.
    """
    if area not in Area.values:
        message = _("Khu vực phải là thành thị hoặc nông thôn.")
        raise ValidationFailed(message, code="invalid_area", fields={"area": [message]})
    first_day = date(year, 1, 1)
    standard = (
        PovertyStandard.objects.filter(
            area=area, valid_from__lte=first_day, valid_to__gte=first_day
        )
        .order_by("-valid_from")
        .first()
    )
    if standard is None:
        message = _("Chưa có chuẩn nghèo áp dụng cho năm này.")
        raise ValidationFailed(message, code="no_poverty_standard", fields={"year": [message]})
    return standard


def classify_household(
    *,
    income_per_capita: Decimal,
    deprivation_count: int,
    threshold: Decimal,
    poor_min_deprivations: int = 3,
) -> str:
    """ "poor" | "near_poor" | "not_poor" (Decree 07/2021 Art. 3(2)–(3)).

    Poor: income at or below the threshold and lacking 3 or more indicators; near-poor: at or
    below the threshold and lacking fewer. Above the threshold a household is not poor however
    many indicators it lacks.
    """
    if isinstance(income_per_capita, float) or isinstance(threshold, float):
        raise TypeError("money must be Decimal or int, never float")
    income = Decimal(income_per_capita)
    if income < 0:
        message = _("Thu nhập bình quân đầu người không được âm.")
        raise ValidationFailed(
            message, code="invalid_income", fields={"income_per_capita": [message]}
        )
    if not 0 <= deprivation_count <= INDICATOR_COUNT:
        message = _("Số chỉ số thiếu hụt phải từ 0 đến 12.")
        raise ValidationFailed(
            message, code="invalid_deprivation", fields={"deprivations": [message]}
        )
    if income > Decimal(threshold):
        return Classification.NOT_POOR.value
    if deprivation_count >= poor_min_deprivations:
        return Classification.POOR.value
    return Classification.NEAR_POOR.value


def assess(
    *, year: int, area: str, income_per_capita: Decimal, deprivations: list[str]
) -> tuple[str, Decimal]:
    """(classification, income threshold used) for one household in one year."""
    unknown = sorted(set(deprivations) - set(Deprivation.values))
    if unknown:
        message = _("Chỉ số thiếu hụt không hợp lệ: %(codes)s.") % {"codes": ", ".join(unknown)}
        raise ValidationFailed(
            message, code="invalid_deprivation", fields={"deprivations": [message]}
        )
    standard = poverty_standard_for(year=year, area=area)
    classification = classify_household(
        income_per_capita=income_per_capita,
        # A repeated code is still one indicator lacking.
        deprivation_count=len(set(deprivations)),
        threshold=standard.income_threshold,
        poor_min_deprivations=standard.poor_min_deprivations,
    )
    return classification, standard.income_threshold
