"""Households and persons. Personal data lives in encrypted columns."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry import crypto
from registry.fields import BlindIndexedModel, BlindIndexField, EncryptedTextField
from registry.models import Commune

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
    # Erasure by anonymisation (beneficiaries/services/erasure.py): when, and why (encrypted).
    erased_at = models.DateTimeField(_("thời điểm ẩn danh"), null=True, blank=True)
    erasure_reason = EncryptedTextField(_("lý do ẩn danh"), max_length=500)

    class Meta:
        ordering = ["id"]
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")
        permissions = [
            ("view_sensitive", _("Xem dữ liệu cá nhân không che")),
            ("record_death", _("Ghi nhận người mất")),
            ("move_person", _("Chuyển hộ/chuyển nơi ở")),
            ("import_persons", _("Nhập danh sách từ tệp")),
            ("erase_person", _("Xoá dữ liệu cá nhân bằng ẩn danh hoá")),
        ]
        indexes = [
            models.Index(fields=["national_id_index"], name="person_national_id_bidx"),
            models.Index(fields=["full_name_index"], name="person_full_name_bidx"),
            models.Index(fields=["phone_index"], name="person_phone_bidx"),
            models.Index(fields=["commune", "id"], name="person_commune_idx"),
            # A search within one's communes: without these, a planner with no statistics
            # (SQLite before ANALYZE) reads the commune's every person rather than the index.
            models.Index(fields=["commune", "full_name_index"], name="person_commune_name_bidx"),
            models.Index(fields=["commune", "national_id_index"], name="person_commune_nid_bidx"),
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
