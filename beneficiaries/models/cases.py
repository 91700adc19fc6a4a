"""Cases: one person in one programme, their suspensions and their adjustments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models.people import Person
from registry.fields import EncryptedTextField
from registry.models import Commune


class Programme(models.TextChoices):
    MERITORIOUS = "meritorious", _("Người có công với cách mạng")
    SOCIAL_ASSISTANCE = "social_assistance", _("Trợ giúp xã hội")
    SOCIAL_PENSION = "social_pension", _("Trợ cấp hưu trí xã hội")


MERITORIOUS_CATEGORIES = ["a", "b", "c", "d", "dd", "e", "g", "h", "i", "k", "l", "m", "relative"]
SOCIAL_ASSISTANCE_CATEGORIES = [
    "5.1", "5.2", "5.3", "5.4", "5.5a", "5.5b", "5.5c", "5.5d", "5.6", "5.7", "5.8",
]  # fmt: skip
CATEGORIES_BY_PROGRAMME = {
    Programme.MERITORIOUS: MERITORIOUS_CATEGORIES,
    Programme.SOCIAL_ASSISTANCE: SOCIAL_ASSISTANCE_CATEGORIES,
    Programme.SOCIAL_PENSION: ["pension"],
}
CATEGORY_CHOICES = [(c, c) for cats in CATEGORIES_BY_PROGRAMME.values() for c in cats]


class DisabilityLevel(models.TextChoices):
    SEVERE = "severe", _("Nặng")
    EXTREMELY_SEVERE = "extremely_severe", _("Đặc biệt nặng")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã trình")
    APPROVED = "approved", _("Đang hưởng")
    SUSPENDED = "suspended", _("Tạm dừng")
    TERMINATED = "terminated", _("Đã dừng hưởng")
    REJECTED = "rejected", _("Bị từ chối")


OPEN_CASE_STATUSES = [
    CaseStatus.DRAFT,
    CaseStatus.SUBMITTED,
    CaseStatus.APPROVED,
    CaseStatus.SUSPENDED,
]


class Case(models.Model):
    """One person in one programme, from application to termination."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    # The paying commune, fixed at registration; a move to another commune closes the case.
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="cases")
    programme = models.CharField(max_length=17, choices=Programme.choices)
    category = models.CharField(max_length=8, choices=CATEGORY_CHOICES)
    # Social assistance: every other Art. 5 category that applies; the case pays the highest
    # coefficient valid each month, plus the 5.4 amount for a single poor parent (Art. 6(2)).
    other_categories = models.JSONField(default=list, blank=True)
    children_count = models.PositiveSmallIntegerField(
        default=0, help_text=_("Số con đang nuôi (diện 5.4)")
    )
    disability_level = EncryptedTextField(_("mức độ khuyết tật"))
    # Meritorious: the row of the rate table (e.g. "81" for an invalid at 81 %, "martyrs_2").
    meritorious_grade = models.CharField(max_length=20, blank=True, default="")
    # Meritorious only, from the decision: paid where no rate-table row applies.
    decided_amount = models.DecimalField(max_digits=14, decimal_places=0, null=True, blank=True)
    # Social pension: the household was poor or near-poor at the decision, so 70–74 qualifies.
    poor_household = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    requested_start_month = models.DateField(null=True, blank=True)
    start_month = models.DateField(null=True, blank=True)
    end_month = models.DateField(null=True, blank=True)
    decision_number = models.CharField(max_length=60, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    status_reason = EncryptedTextField(_("lý do"))
    # Set when a move to another commune closed the old case and opened this one; the new
    # decision then pays from the month after the stop at the old place.
    transferred_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="transferred_to"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("hồ sơ hưởng")
        verbose_name_plural = _("hồ sơ hưởng")
        permissions = [
            ("submit_case", _("Trình hồ sơ")),
            ("decide_case", _("Phê duyệt/từ chối/tạm dừng/chấm dứt hồ sơ")),
            ("view_consistency_report", _("Xem báo cáo rà soát trục lợi")),
        ]
        indexes = [
            models.Index(fields=["commune", "status"], name="case_commune_status_idx"),
            models.Index(fields=["person", "status"], name="case_person_status_idx"),
            models.Index(fields=["programme", "category"], name="case_category_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=Q(status__in=OPEN_CASE_STATUSES),
                name="one_open_case_per_person_programme",
            ),
            models.CheckConstraint(
                condition=Q(decided_amount__isnull=True) | Q(decided_amount__gt=0),
                name="case_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True)
                | Q(start_month__isnull=True)
                | Q(end_month__gte=models.F("start_month")),
                name="case_start_before_end",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.APPROVED)
                | (Q(decision_number__gt="") & Q(decision_date__isnull=False)),
                name="case_approved_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}/{self.category} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES

    @property
    def categories(self) -> list[str]:
        """The main category first, then every other one recorded (no duplicates)."""
        return list(dict.fromkeys([self.category, *(self.other_categories or [])]))


class SuspensionGround(models.TextChoices):
    """Circular 02/2021/TT-BLĐTBXH Art. 2(3): the grounds for suspending a monthly allowance."""

    UNCOLLECTED = "uncollected", _("Không nhận trợ cấp liên tục từ 3 tháng trở lên")
    REFUSED_REASSESSMENT = (
        "refused_reassessment",
        _("Không chấp hành yêu cầu xác định lại mức độ khuyết tật hoặc điều kiện hưởng"),
    )
    CUSTODY = "custody", _("Bị tạm giam từ 1 tháng trở lên")
    OTHER = "other", _("Lý do khác")


class CaseSuspension(models.Model):
    """A period without payment: from `from_month` until `to_month` (exclusive) when resumed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="suspensions")
    from_month = models.DateField()
    to_month = models.DateField(null=True, blank=True)
    ground = models.CharField(
        max_length=20, choices=SuspensionGround.choices, default=SuspensionGround.OTHER
    )
    reason = EncryptedTextField(_("lý do"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "from_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(to_month__isnull=True), name="one_open_suspension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} from {self.from_month}"


class AdjustmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đề xuất")
    APPROVED = "approved", _("Đã quyết định")
    REJECTED = "rejected", _("Bị từ chối")


# The terms of a case an adjustment may change; an adjustment row holds all of them, as they are
# from its month on, so the terms of any month are those of the latest decided row before it.
ADJUSTABLE_TERMS = (
    "category", "other_categories", "disability_level", "children_count", "meritorious_grade",
    "decided_amount",
)  # fmt: skip


class CaseAdjustment(models.Model):
    """A change of an approved case's terms from a month (Decree 20/2021 Art. 8(3); four eyes).

    For months already paid the difference becomes arrears or a recovery, which payments settles
    by comparing what the entitlement rules now say with what was paid.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="adjustments")
    from_month = models.DateField()
    status = models.CharField(
        max_length=10, choices=AdjustmentStatus.choices, default=AdjustmentStatus.PROPOSED
    )
    category = models.CharField(max_length=8, choices=CATEGORY_CHOICES)
    other_categories = models.JSONField(default=list, blank=True)
    disability_level = EncryptedTextField(_("mức độ khuyết tật"))
    children_count = models.PositiveSmallIntegerField(default=0)
    meritorious_grade = models.CharField(max_length=20, blank=True, default="")
    decided_amount = models.DecimalField(max_digits=14, decimal_places=0, null=True, blank=True)
    changed_fields = models.JSONField(default=list, blank=True)
    reason = EncryptedTextField(_("lý do"))
    decision_number = models.CharField(max_length=60, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "from_month", "id"]
        verbose_name = _("điều chỉnh hồ sơ")
        verbose_name_plural = _("điều chỉnh hồ sơ")
        indexes = [models.Index(fields=["case", "status"], name="adjustment_case_status_idx")]
        constraints = [
            # One pending proposal per case, and one decided change per case and month.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="proposed"),
                name="one_pending_adjustment_per_case",
            ),
            models.UniqueConstraint(
                fields=["case", "from_month"],
                condition=Q(status="approved"),
                name="one_adjustment_per_case_month",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | (Q(decision_number__gt="") & Q(decision_date__isnull=False)),
                name="adjustment_approved_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} from {self.from_month} ({self.status})"

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys([self.category, *(self.other_categories or [])]))
