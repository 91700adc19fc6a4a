"""Writing audit events: always inside the transaction of the change they record.

Every action the registry records is one member of `AuditAction`; an app that adds a write adds
its action here, so the audit trail's vocabulary is one list an auditor can read.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from registry.audit_chain import ChainHead, audit_chain_head, chain_append, chain_append_many
from registry.models import AuditEvent, User

__all__ = ["AuditAction", "ChainHead", "audit_chain_head", "audit_record", "audit_record_many"]


class AuditAction(models.TextChoices):
    # Accounts and keys
    USER_CREATED = "user.created", _("Tạo người dùng")
    USER_UPDATED = "user.updated", _("Cập nhật người dùng")
    TOKEN_ISSUED = "auth.token_issued", _("Cấp mã truy cập API")
    TOKEN_REUSED = "auth.token_reused", _("Dùng lại mã truy cập API")
    KEYS_ROTATED = "keys.rotated", _("Xoay vòng khóa mã hóa")
    # Households, persons, assessments
    HOUSEHOLD_REGISTERED = "household.registered", _("Đăng ký hộ")
    HOUSEHOLD_UPDATED = "household.updated", _("Sửa thông tin hộ")
    PERSON_REGISTERED = "person.registered", _("Đăng ký cá nhân")
    PERSON_UPDATED = "person.updated", _("Sửa thông tin cá nhân")
    PERSON_DEATH_RECORDED = "person.death_recorded", _("Ghi nhận người mất")
    PERSON_MOVED = "person.moved", _("Chuyển hộ/chuyển nơi ở")
    PERSON_UNMASKED_READ = "person.unmasked_read", _("Xem dữ liệu cá nhân không che")
    PERSONS_IMPORTED = "persons.imported", _("Nhập danh sách từ tệp")
    POVERTY_ASSESSMENT_RECORDED = "poverty_assessment.recorded", _("Ghi kết quả rà soát nghèo")
    # Cases
    CASE_CREATED = "case.created", _("Lập hồ sơ")
    CASE_UPDATED = "case.updated", _("Sửa hồ sơ nháp")
    CASE_SUBMITTED = "case.submitted", _("Trình hồ sơ")
    CASE_APPROVED = "case.approved", _("Phê duyệt hồ sơ")
    CASE_REJECTED = "case.rejected", _("Từ chối hồ sơ")
    CASE_SUSPENDED = "case.suspended", _("Tạm dừng hưởng")
    CASE_RESUMED = "case.resumed", _("Tiếp tục hưởng")
    CASE_TERMINATED = "case.terminated", _("Chấm dứt hưởng")
    # Entitlements (beneficiaries: adjustments and one-off entitlements)
    CASE_ADJUSTMENT_PROPOSED = "case.adjustment_proposed", _("Đề xuất điều chỉnh hồ sơ")
    CASE_ADJUSTMENT_APPROVED = "case.adjustment_approved", _("Quyết định điều chỉnh hồ sơ")
    CASE_ADJUSTMENT_REJECTED = "case.adjustment_rejected", _("Từ chối điều chỉnh hồ sơ")
    ONE_OFF_APPLIED = "one_off.applied", _("Nhận đơn trợ cấp một lần")
    ONE_OFF_APPROVED = "one_off.approved", _("Quyết định trợ cấp một lần")
    ONE_OFF_REJECTED = "one_off.rejected", _("Từ chối trợ cấp một lần")
    ONE_OFF_PAID = "one_off.paid", _("Chi trả trợ cấp một lần")
    MERITORIOUS_RATE_ADDED = "meritoriousrate.added", _("Thêm mức trợ cấp ưu đãi")
    MERITORIOUS_RATE_CHANGED = "meritoriousrate.changed", _("Sửa mức trợ cấp ưu đãi")
    MERITORIOUS_RATE_DELETED = "meritoriousrate.deleted", _("Xóa mức trợ cấp ưu đãi")
    ONE_OFF_RATE_ADDED = "oneoffrate.added", _("Thêm mức trợ cấp một lần")
    ONE_OFF_RATE_CHANGED = "oneoffrate.changed", _("Sửa mức trợ cấp một lần")
    ONE_OFF_RATE_DELETED = "oneoffrate.deleted", _("Xóa mức trợ cấp một lần")
    # Dated legal configuration, edited in the Django admin
    BASE_AMOUNT_ADDED = "baseamount.added", _("Thêm mức chuẩn")
    BASE_AMOUNT_CHANGED = "baseamount.changed", _("Sửa mức chuẩn")
    BASE_AMOUNT_DELETED = "baseamount.deleted", _("Xóa mức chuẩn")
    POVERTY_STANDARD_ADDED = "povertystandard.added", _("Thêm chuẩn nghèo")
    POVERTY_STANDARD_CHANGED = "povertystandard.changed", _("Sửa chuẩn nghèo")
    POVERTY_STANDARD_DELETED = "povertystandard.deleted", _("Xóa chuẩn nghèo")
    # Certificates (certificates/)
    CERTIFICATE_ISSUED = "certificate.issued", _("Cấp giấy chứng nhận")
    CERTIFICATE_PRINTED = "certificate.printed", _("In giấy chứng nhận")
    CERTIFICATES_BATCH_PRINTED = "certificates.batch_printed", _("In hàng loạt giấy chứng nhận")
    CERTIFICATE_REVOKED = "certificate.revoked", _("Thu hồi giấy chứng nhận")
    CERTIFICATE_KEY_ACTIVATED = "certificate_key.activated", _("Dùng khóa ký mới")
    CERTIFICATE_KEY_ROTATED = "certificate_key.rotated", _("Xoay vòng khóa ký giấy chứng nhận")
    PAYMENT_LIST_PRINTED = "payment_list.printed", _("In danh sách chi trả")
    # Background jobs (jobs app)
    JOB_QUEUED = "job.queued", _("Đưa việc chạy nền vào hàng đợi")
    JOB_STARTED = "job.started", _("Bắt đầu chạy việc nền")
    JOB_REQUEUED = "job.requeued", _("Đưa lại việc bị gián đoạn vào hàng đợi")
    JOB_DONE = "job.done", _("Việc chạy nền đã xong")
    JOB_FAILED = "job.failed", _("Việc chạy nền thất bại")
    # Payments (payments/)
    PAYMENT_ACCOUNT_SET = "payment_account.set", _("Cập nhật tài khoản nhận chi trả")
    PAYMENT_ACCOUNT_UNMASKED_READ = "payment_account.unmasked_read", _("Xem số tài khoản không che")
    PAYMENT_BATCH_GENERATED = "payment_batch.generated", _("Lập đợt chi trả")
    PAYMENT_BATCH_REGENERATED = "payment_batch.regenerated", _("Lập lại đợt chi trả nháp")
    PAYMENT_BATCH_CANCELLED = "payment_batch.cancelled", _("Hủy đợt chi trả")
    PAYMENT_BATCH_APPROVED = "payment_batch.approved", _("Duyệt đợt chi trả")
    PAYMENT_BATCH_EXPORTED = "payment_batch.exported", _("Xuất tệp chi trả")
    PAYMENT_BATCH_RECONCILED = "payment_batch.reconciled", _("Đối soát kết quả chi trả")
    # Demo data
    DEMO_SEEDED = "demo.seeded", _("Tạo dữ liệu mẫu")
    # Security (audit: logins, second factor, backups)
    LOGIN_SUCCEEDED = "auth.login", _("Đăng nhập")
    LOGIN_FAILED = "auth.login_failed", _("Đăng nhập thất bại")
    LOGGED_OUT = "auth.logout", _("Đăng xuất")
    OTP_DEVICE_ENROLLED = "auth.otp_enrolled", _("Đăng ký thiết bị xác thực hai lớp")
    BACKUP_WRITTEN = "backup.written", _("Sao lưu dữ liệu")
    BACKUP_RESTORED = "backup.restored", _("Khôi phục dữ liệu từ bản sao lưu")
    PERSON_DATA_EXPORTED = "person.data_exported", _("Xuất toàn bộ dữ liệu của một người")
    # --- payments (pay2): recoveries ---
    PAYMENT_RECOVERY_SETTLED = "payment_recovery.settled", _("Xử lý khoản thu hồi chi trả")
    # Data-subject rights (audit2: erasure by anonymisation)
    PERSON_ERASED = "person.erased", _("Xoá dữ liệu cá nhân bằng ẩn danh hoá")
    # auditgaps: a backup is "started" (inside its archive) and "written" once the archive is
    # complete under its name (with its SHA-256); a killed run leaves "started" alone.
    BACKUP_STARTED = "backup.started", _("Bắt đầu sao lưu dữ liệu")
    LOGIN_UNLOCKED = "auth.unlocked", _("Mở khóa đăng nhập bị khóa")


class AuditOutsideTransaction(RuntimeError):
    """An audit event must commit or roll back with the change it records."""


def _actor(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(
            "audit events are written inside the transaction of the change they record"
        )


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    commune_code: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Record one event. `data` must hold ids, codes and field names only — never personal values.

    With `obj`, the object's type, id and commune (its `commune_id`) are taken from it.
    """
    _require_transaction()
    action = AuditAction(action)
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(obj.pk)
        commune_code = commune_code or getattr(obj, "commune_id", "") or ""
    event = AuditEvent(
        actor=_actor(actor),
        action=action.value,
        object_type=object_type,
        object_id=object_id,
        commune_code=commune_code or "",
        data=data or {},
    )
    return chain_append([event])[0]


def audit_record_many(
    *,
    actor: User | None,
    action: AuditAction,
    objects: list[models.Model],
    data: dict | None = None,
) -> None:
    """One event per object in a single bulk insert (imports): each record keeps its history.

    The events are chained in the order of `objects`, hashed in one pass under the chain's lock.
    """
    _require_transaction()
    actor = _actor(actor)
    chain_append_many(
        actor_id=actor.pk if actor is not None else None,
        action=AuditAction(action).value,
        data=data,
        objects=[
            (obj._meta.model_name, str(obj.pk), getattr(obj, "commune_id", "") or "")
            for obj in objects
        ],
    )
