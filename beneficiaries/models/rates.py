"""Dated legal amounts: base levels, meritorious rate tables and one-off rates (configuration)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import Province


class BaseAmountKind(models.TextChoices):
    SOCIAL_ASSISTANCE = "social_assistance", _("Mức chuẩn trợ giúp xã hội")
    MERITORIOUS = "meritorious", _("Mức chuẩn trợ cấp ưu đãi người có công")
    SOCIAL_PENSION = "social_pension", _("Trợ cấp hưu trí xã hội")


class BaseAmount(models.Model):
    """A dated base level (Decree 76/2024, 77/2024, 176/2025 …); a province may set a higher one."""

    kind = models.CharField(max_length=20, choices=BaseAmountKind.choices)
    valid_from = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=0)
    province = models.ForeignKey(Province, null=True, blank=True, on_delete=models.PROTECT)
    legal_basis = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["kind", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "valid_from", "province"], name="base_amount_unique"
            ),
            models.UniqueConstraint(
                fields=["kind", "valid_from"],
                condition=Q(province__isnull=True),
                name="base_amount_unique_national",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="base_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.valid_from}: {self.amount}"


class MeritoriousRate(models.Model):
    """One row of a meritorious-allowance annex (Decree 77/2024 …): category and grade → amount.

    `grade` distinguishes the rows of one category ("81" for an invalid at 81 %, "martyrs_2" for
    a relative of two martyrs; "" when the category has one amount). When a new annex takes
    effect, new rows with a later `valid_from` replace the amounts from that month for every case
    on them; a case falls back to its decision's own amount only where no row applies.
    """

    category = models.CharField(max_length=8)
    grade = models.CharField(max_length=20, blank=True, default="")
    valid_from = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=0)
    legal_basis = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["category", "grade", "valid_from"]
        verbose_name = _("mức trợ cấp ưu đãi")
        verbose_name_plural = _("mức trợ cấp ưu đãi")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "grade", "valid_from"], name="meritorious_rate_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="meritorious_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.grade or '-'} {self.valid_from}: {self.amount}"


class OneOffKind(models.TextChoices):
    SOCIAL_ASSISTANCE_FUNERAL = "social_assistance_funeral", _("Hỗ trợ chi phí mai táng (BTXH)")
    SOCIAL_PENSION_FUNERAL = "social_pension_funeral", _("Hỗ trợ mai táng (hưu trí xã hội)")
    MERITORIOUS_FUNERAL = "meritorious_funeral", _("Trợ cấp mai táng người có công")
    MERITORIOUS_DEATH_ALLOWANCE = (
        "meritorious_death_allowance",
        _("Trợ cấp một lần khi người có công từ trần"),
    )


class OneOffRate(models.Model):
    """A one-off amount as a multiple of a base level, from a date (Decree 20/2021 Art. 11(2):
    the funeral allowance is at least 20 × the social-assistance base; a province may set more).
    """

    kind = models.CharField(max_length=30, choices=OneOffKind.choices)
    base_kind = models.CharField(max_length=20, choices=BaseAmountKind.choices)
    valid_from = models.DateField()
    base_multiple = models.DecimalField(max_digits=6, decimal_places=2)
    province = models.ForeignKey(Province, null=True, blank=True, on_delete=models.PROTECT)
    legal_basis = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["kind", "valid_from"]
        verbose_name = _("mức trợ cấp một lần")
        verbose_name_plural = _("mức trợ cấp một lần")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "valid_from", "province"], name="one_off_rate_unique"
            ),
            models.UniqueConstraint(
                fields=["kind", "valid_from"],
                condition=Q(province__isnull=True),
                name="one_off_rate_unique_national",
            ),
            models.CheckConstraint(condition=Q(base_multiple__gt=0), name="one_off_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.valid_from}: {self.base_multiple} × {self.base_kind}"
