"""Households, persons, poverty assessments and cases. Personal data lives in encrypted columns."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry import crypto
from registry.fields import BlindIndexedModel, BlindIndexField, EncryptedTextField
from registry.models import Commune, Province

# Blind-index widths (bits): see docs/encryption.md for the leakage analysis behind them.
NATIONAL_ID_INDEX_BITS = 32
PHONE_INDEX_BITS = 24
FULL_NAME_INDEX_BITS = 20


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Area(models.TextChoices):
    URBAN = "urban", _("Thành thị")
    RURAL = "rural", _("Nông thôn")


class Relation(models.TextChoices):
    HEAD = "head", _("Chủ hộ")
    SPOUSE = "spouse", _("Vợ/chồng")
    CHILD = "child", _("Con")
    PARENT = "parent", _("Bố/mẹ")
    GRANDCHILD = "grandchild", _("Cháu")
    SIBLING = "sibling", _("Anh/chị/em")
    OTHER = "other", _("Khác")


class VitalStatus(models.TextChoices):
    ALIVE = "alive", _("Còn sống")
    DECEASED = "deceased", _("Đã mất")
    MISSING = "missing", _("Mất tích")


class Household(models.Model):
    code = models.CharField(_("mã hộ"), max_length=12, unique=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="households")
    village = models.CharField(_("thôn/xóm/tổ dân phố"), max_length=120, blank=True)
    address = EncryptedTextField(_("địa chỉ"), max_length=200)
    area = models.CharField(_("khu vực"), max_length=5, choices=Area.choices)
    head = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        indexes = [models.Index(fields=["commune", "id"], name="household_commune_idx")]

    def __str__(self) -> str:
        return self.code


class Person(BlindIndexedModel):
    ss_code = models.CharField(_("mã an sinh xã hội"), max_length=14, unique=True)
    national_id = EncryptedTextField(_("số định danh cá nhân"), max_length=12)
    national_id_index = BlindIndexField(
        source="national_id", bits=NATIONAL_ID_INDEX_BITS, normaliser=crypto.normalise_digits
    )
    full_name = EncryptedTextField(_("họ và tên"), max_length=100, null=False, blank=False)
    full_name_index = BlindIndexField(source="full_name", bits=FULL_NAME_INDEX_BITS)
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices)
    date_of_birth = models.DateField(_("ngày sinh"))
    ethnicity = EncryptedTextField(_("dân tộc"), max_length=60)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    relation_to_head = models.CharField(
        _("quan hệ với chủ hộ"), max_length=10, choices=Relation.choices
    )
    # Denormalised from the household so that commune scoping is one indexed filter.
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="persons")
    phone = EncryptedTextField(_("số điện thoại"), max_length=10)
    phone_index = BlindIndexField(
        source="phone", bits=PHONE_INDEX_BITS, normaliser=crypto.normalise_phone
    )
    street_address = EncryptedTextField(_("địa chỉ thường trú"), max_length=200)
    hiv_status = EncryptedTextField(_("tình trạng HIV"), max_length=40)
    custody_status = EncryptedTextField(_("tình trạng tạm giam/chấp hành án"), max_length=200)
    vital_status = models.CharField(
        _("tình trạng"), max_length=8, choices=VitalStatus.choices, default=VitalStatus.ALIVE
    )
    date_of_death = models.DateField(_("ngày mất"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")
        permissions = [
            ("view_sensitive", _("Xem dữ liệu cá nhân không che")),
            ("record_death", _("Ghi nhận người mất")),
            ("move_person", _("Chuyển hộ/chuyển nơi ở")),
            ("import_persons", _("Nhập danh sách từ tệp")),
        ]
        indexes = [
            models.Index(fields=["national_id_index"], name="person_national_id_bidx"),
            models.Index(fields=["full_name_index"], name="person_full_name_bidx"),
            models.Index(fields=["phone_index"], name="person_phone_bidx"),
            models.Index(fields=["commune", "id"], name="person_commune_idx"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(vital_status=VitalStatus.DECEASED, date_of_death__isnull=False)
                | (~Q(vital_status=VitalStatus.DECEASED) & Q(date_of_death__isnull=True)),
                name="person_death_date_iff_deceased",
            ),
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_death__gte=models.F("date_of_birth")),
                name="person_death_after_birth",
            ),
        ]

    def __str__(self) -> str:
        return self.ss_code


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
    # Only for a single poor parent (5.4), who also keeps one of 5.5x / 5.6 / 5.8.
    additional_category = models.CharField(
        max_length=8, choices=CATEGORY_CHOICES, blank=True, default=""
    )
    children_count = models.PositiveSmallIntegerField(
        default=0, help_text=_("Số con đang nuôi (diện 5.4)")
    )
    disability_level = EncryptedTextField(_("mức độ khuyết tật"))
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    coefficient = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    monthly_amount = models.DecimalField(max_digits=12, decimal_places=0, null=True, blank=True)
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
                condition=Q(monthly_amount__isnull=True) | Q(monthly_amount__gt=0),
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


class CaseSuspension(models.Model):
    """A period without payment: from `from_month` until `to_month` (exclusive) when resumed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="suspensions")
    from_month = models.DateField()
    to_month = models.DateField(null=True, blank=True)
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
