"""Poverty standards and the yearly assessment of a household (Decree 07/2021, Decision 24/2021)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models.people import Area, Household


class PovertyStandard(models.Model):
    """Dated income threshold per area (Decree 07/2021, Decree 351/2025); editable by an administrator."""

    valid_from = models.DateField()
    valid_to = models.DateField()
    area = models.CharField(max_length=5, choices=Area.choices)
    income_threshold = models.DecimalField(max_digits=12, decimal_places=0)
    poor_min_deprivations = models.PositiveSmallIntegerField(default=3)
    legal_basis = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["valid_from", "area"]
        constraints = [
            models.UniqueConstraint(fields=["valid_from", "area"], name="poverty_standard_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="poverty_standard_dates"
            ),
            models.CheckConstraint(
                condition=Q(income_threshold__gt=0), name="poverty_standard_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.valid_from:%Y}–{self.valid_to:%Y}: {self.income_threshold}"


class Deprivation(models.TextChoices):
    EMPLOYMENT = "employment", _("Việc làm")
    DEPENDANTS = "dependants", _("Người phụ thuộc trong hộ")
    NUTRITION = "nutrition", _("Dinh dưỡng")
    HEALTH_INSURANCE = "health_insurance", _("Bảo hiểm y tế")
    ADULT_EDUCATION = "adult_education", _("Trình độ giáo dục của người lớn")
    CHILD_SCHOOLING = "child_schooling", _("Tình trạng đi học của trẻ em")
    HOUSING_QUALITY = "housing_quality", _("Chất lượng nhà ở")
    FLOOR_AREA = "floor_area", _("Diện tích nhà ở bình quân đầu người")
    WATER = "water", _("Nguồn nước sinh hoạt")
    LATRINE = "latrine", _("Nhà tiêu hợp vệ sinh")
    TELECOM = "telecom", _("Sử dụng dịch vụ viễn thông")
    INFORMATION_ACCESS = "information_access", _("Phương tiện tiếp cận thông tin")


class Classification(models.TextChoices):
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")
    NOT_POOR = "not_poor", _("Không nghèo")


class PovertyAssessment(models.Model):
    """One review per household per year; each of the 12 indicators is its own typed column."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="poverty_assessments"
    )
    year = models.PositiveSmallIntegerField()
    income_per_capita = models.DecimalField(max_digits=12, decimal_places=0)
    lacks_employment = models.BooleanField(default=False)
    lacks_dependants = models.BooleanField(default=False)
    lacks_nutrition = models.BooleanField(default=False)
    lacks_health_insurance = models.BooleanField(default=False)
    lacks_adult_education = models.BooleanField(default=False)
    lacks_child_schooling = models.BooleanField(default=False)
    lacks_housing_quality = models.BooleanField(default=False)
    lacks_floor_area = models.BooleanField(default=False)
    lacks_water = models.BooleanField(default=False)
    lacks_latrine = models.BooleanField(default=False)
    lacks_telecom = models.BooleanField(default=False)
    lacks_information_access = models.BooleanField(default=False)
    classification = models.CharField(max_length=9, choices=Classification.choices)
    threshold = models.DecimalField(max_digits=12, decimal_places=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="one_assessment_per_year"),
            models.CheckConstraint(
                condition=Q(income_per_capita__gte=0), name="assessment_income_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}/{self.year}: {self.classification}"

    @property
    def deprivations(self) -> list[str]:
        return [code for code in Deprivation.values if getattr(self, f"lacks_{code}")]
