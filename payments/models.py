"""Payment accounts, monthly payment batches, their lines and the months each line pays.

A case is paid at most once per period and each month of a case's entitlement at most once;
both are database constraints (conditional unique constraints, which SQLite and PostgreSQL
enforce alike), so a race or a bug in a service cannot pay anyone twice.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Case, OneOffEntitlement, Person
from registry import crypto
from registry.fields import BlindIndexedModel, BlindIndexField, EncryptedTextField
from registry.models import Commune

ACCOUNT_NUMBER_INDEX_BITS = 32


class Channel(models.TextChoices):
    BANK = "bank", _("Tài khoản ngân hàng")
    EWALLET = "ewallet", _("Ví điện tử / Mobile Money")
    CASH = "cash", _("Tiền mặt qua tổ chức dịch vụ chi trả")


CASHLESS = (Channel.BANK, Channel.EWALLET)


class PaymentAccount(BlindIndexedModel):
    """Where one person's payments go. The holder may be someone else (a child's guardian)."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="payment_account")
    channel = models.CharField(_("hình thức nhận"), max_length=7, choices=Channel.choices)
    bank_bin = models.CharField(_("mã BIN ngân hàng/ví"), max_length=8, blank=True, default="")
    account_number = EncryptedTextField(_("số tài khoản"), max_length=19)
    account_number_index = BlindIndexField(
        source="account_number", bits=ACCOUNT_NUMBER_INDEX_BITS, normaliser=crypto.normalise_digits
    )
    account_name = EncryptedTextField(_("tên chủ tài khoản"), max_length=70)
    # Empty when the person holds the account; else who does (e.g. "mẹ, người giám hộ").
    holder_note = EncryptedTextField(_("ghi chú chủ tài khoản"), max_length=100)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tài khoản nhận chi trả")
        verbose_name_plural = _("tài khoản nhận chi trả")
        permissions = [("view_account_number", _("Xem số tài khoản không che"))]
        indexes = [
            models.Index(fields=["bank_bin", "account_number_index"], name="payacct_number_bidx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel=Channel.CASH) | ~Q(bank_bin=""),
                name="payacct_cashless_has_provider",
            )
        ]

    @property
    def commune_id(self) -> str:
        return self.person.commune_id


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    APPROVED = "approved", _("Đã duyệt")
    EXPORTED = "exported", _("Đã xuất tệp")
    RECONCILED = "reconciled", _("Đã đối soát")
    CANCELLED = "cancelled", _("Đã hủy")


class PaymentBatch(models.Model):
    """One month's payment list for a set of communes."""

    period = models.DateField(_("kỳ chi trả"))  # the first day of the month
    communes = models.ManyToManyField(Commune, related_name="payment_batches")
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Fixed at the first export so that every re-export gives the same bytes.
    msg_id = models.CharField(max_length=35, unique=True, null=True, blank=True)
    first_exported_at = models.DateTimeField(null=True, blank=True)
    audit_chain_head = models.CharField(max_length=64, blank=True, default="")
    export_sha256 = models.JSONField(default=dict, blank=True)  # format → hex digest
    line_count = models.PositiveIntegerField(default=0)
    total_amount = models.DecimalField(max_digits=16, decimal_places=0, default=Decimal(0))
    cashless_count = models.PositiveIntegerField(default=0)
    cashless_amount = models.DecimalField(max_digits=16, decimal_places=0, default=Decimal(0))
    # Recoveries found when the batch was generated (PaymentRecovery.batch): not in the lines.
    recovery_count = models.PositiveIntegerField(default=0)
    recovery_amount = models.DecimalField(max_digits=16, decimal_places=0, default=Decimal(0))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("đợt chi trả")
        verbose_name_plural = _("đợt chi trả")
        permissions = [
            ("approve_paymentbatch", _("Duyệt đợt chi trả")),
            ("export_paymentbatch", _("Xuất tệp chi trả")),
            ("reconcile_paymentbatch", _("Đối soát kết quả chi trả")),
        ]
        indexes = [models.Index(fields=["period", "status"], name="paybatch_period_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="paybatch_total_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} #{self.pk}"

    @property
    def cashless_share(self) -> Decimal:
        if not self.total_amount:
            return Decimal(0)
        return (self.cashless_amount / self.total_amount).quantize(Decimal("0.0001"))


class LineStatus(models.TextChoices):
    PENDING = "pending", _("Chờ kết quả")
    PAID = "paid", _("Đã chi trả")
    FAILED = "failed", _("Không chi trả được")


class PaymentLine(models.Model):
    """What one case is paid in one batch, frozen at generation: amount, arrears, where to.

    A one-off (funeral allowance) is a line of its own tied to the one-off, with no case: it is
    paid to the one-off's payee (`person`, or nobody registered: the payee's name on the
    one-off), never to the deceased.
    """

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="lines")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="payment_lines"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="payment_lines"
    )
    one_off_entitlement = models.ForeignKey(
        OneOffEntitlement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    period = models.DateField()
    # False once the batch is cancelled: its lines no longer claim the case's period.
    claimed = models.BooleanField(default=True)
    programme = models.CharField(max_length=17)
    category = models.CharField(max_length=8, blank=True, default="")
    amount = models.DecimalField(max_digits=14, decimal_places=0)
    arrears = models.DecimalField(max_digits=14, decimal_places=0, default=Decimal(0))
    one_off = models.DecimalField(max_digits=14, decimal_places=0, default=Decimal(0))
    channel = models.CharField(max_length=7, choices=Channel.choices)
    bank_bin = models.CharField(max_length=8, blank=True, default="")
    account_number = EncryptedTextField(max_length=19)
    account_name = EncryptedTextField(max_length=70)
    end_to_end_id = models.CharField(max_length=35, unique=True)
    status = models.CharField(max_length=7, choices=LineStatus.choices, default=LineStatus.PENDING)
    failure_reason = models.CharField(max_length=140, blank=True, default="")
    paid_at = models.DateField(null=True, blank=True)
    reversed = models.BooleanField(default=False)
    # Outstanding recoveries of the case taken off this line (RecoveryDeduction rows say which).
    # db_default: rows written by raw INSERTs that predate the column (benches) still get 0.
    deduction = models.DecimalField(
        max_digits=14, decimal_places=0, default=Decimal(0), db_default=Decimal(0)
    )

    class Meta:
        ordering = ["batch", "id"]
        verbose_name = _("dòng chi trả")
        verbose_name_plural = _("dòng chi trả")
        indexes = [
            models.Index(fields=["batch", "status"], name="payline_batch_status_idx"),
            models.Index(fields=["case", "period"], name="payline_case_period_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "period"],
                condition=Q(claimed=True),
                name="payline_one_per_case_period",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payline_amount_gte_0"),
            models.CheckConstraint(condition=Q(arrears__gte=0), name="payline_arrears_gte_0"),
            models.CheckConstraint(condition=Q(one_off__gte=0), name="payline_one_off_gte_0"),
            # A deduction never makes a line negative.
            models.CheckConstraint(
                condition=Q(deduction__gte=0)
                & Q(deduction__lte=F("amount") + F("arrears") + F("one_off")),
                name="payline_deduction_within_line",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(arrears__gt=0) | Q(one_off__gt=0),
                name="payline_pays_something_v2",
            ),
            # A line pays a case or a one-off, never neither.
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(one_off_entitlement__isnull=False),
                name="payline_case_or_one_off",
            ),
            # A one-off is in at most one live line: a failed line frees it for the next batch.
            models.UniqueConstraint(
                fields=["one_off_entitlement"],
                condition=Q(claimed=True, one_off_entitlement__isnull=False) & ~Q(status="failed"),
                name="payline_one_off_once",
            ),
        ]

    def __str__(self) -> str:
        return self.end_to_end_id

    @property
    def total(self) -> Decimal:
        """What is transferred: the amounts less what a recovery takes off."""
        return self.amount + self.arrears + self.one_off - self.deduction


class PaidMonth(models.Model):
    """One month of one case's entitlement that a line pays (its own period, an arrear, or the
    top-up of a month paid before a change raised it).

    `active` is cleared when the line fails or its batch is cancelled: the month is then owed
    again and the next batch pays it as arrears. The constraints pay each month at most once,
    plus at most one top-up per line.
    """

    line = models.ForeignKey(PaymentLine, on_delete=models.PROTECT, related_name="months")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=0)
    active = models.BooleanField(default=True)
    # The difference paid later for a month already paid, when a change recorded since raised
    # what the month is due (paid as arrears): the month's total is the sum of its active rows.
    top_up = models.BooleanField(default=False, db_default=False)

    class Meta:
        verbose_name = _("tháng đã chi trả")
        verbose_name_plural = _("tháng đã chi trả")
        indexes = [models.Index(fields=["case", "month"], name="paidmonth_case_month_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "month"],
                condition=Q(active=True, top_up=False),
                name="paidmonth_once_per_case_month_v2",
            ),
            # A line pays a month once: its own amount, an arrear or a top-up, never two.
            models.UniqueConstraint(fields=["line", "month"], name="paidmonth_once_per_line"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.month:%Y-%m}"


class RecoveryStatus(models.TextChoices):
    OPEN = "open", _("Chờ thu hồi")
    RECOVERED = "recovered", _("Đã thu hồi")
    WAIVED = "waived", _("Miễn thu hồi")
    # Taken in full off later lines of the case (a line that fails gives its part back).
    DEDUCTED = "deducted", _("Đã khấu trừ vào kỳ sau")


class PaymentRecovery(models.Model):
    """Months a case was paid more than its entitlement now owes (a death recorded after the
    months were paid, or any later decision that lowers a paid month: a reduced level or
    category, a back-dated suspension or termination, a later start): the difference to get
    back, deducted from the case's later lines or settled outside the bank file.

    Found when a batch of the case's commune is generated (`batch`); each paid month is in at
    most one recovery of the case (the generation skips months already recorded)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payment_recoveries")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(
        PaymentBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="recoveries"
    )
    months = models.JSONField(default=list)  # ["YYYY-MM", ...], in order
    # {"YYYY-MM": whole đồng} what each month gives back: a later change that lowers a month
    # again is recovered for the rest only. Empty on rows written before it (death only): each
    # of their months counts as recovered in full.
    month_amounts = models.JSONField(default=dict, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=0)
    status = models.CharField(
        max_length=9, choices=RecoveryStatus.choices, default=RecoveryStatus.OPEN
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Settled by an officer (repaid in cash, or waived by a decision): how much, why, which act.
    settled_amount = models.DecimalField(max_digits=14, decimal_places=0, default=Decimal(0))
    settled_as = models.CharField(max_length=9, blank=True, default="")  # recovered | waived
    settled_reason = EncryptedTextField(max_length=500)  # may name the family: encrypted
    decision_reference = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("khoản thu hồi")
        verbose_name_plural = _("khoản thu hồi")
        indexes = [models.Index(fields=["commune", "status"], name="payrecovery_commune_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payrecovery_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(settled_amount__gte=0) & Q(settled_amount__lte=F("amount")),
                name="payrecovery_settled_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.amount}"


class RecoveryDeduction(models.Model):
    """Part of a recovery taken off one later line of the same case.

    `active` is cleared when the line fails or its batch is cancelled (the part is owed again);
    a regenerated draft deletes its lines' deductions. The recovery's outstanding amount is its
    amount less the active deductions and what was settled, so nothing is deducted twice.
    """

    recovery = models.ForeignKey(
        PaymentRecovery, on_delete=models.PROTECT, related_name="deductions"
    )
    line = models.ForeignKey(PaymentLine, on_delete=models.PROTECT, related_name="deductions")
    amount = models.DecimalField(max_digits=14, decimal_places=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("khấu trừ thu hồi")
        verbose_name_plural = _("khấu trừ thu hồi")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payrecdeduction_amount_gt_0"),
            models.UniqueConstraint(fields=["recovery", "line"], name="payrecdeduction_once"),
        ]

    def __str__(self) -> str:
        return f"{self.recovery_id} → {self.line_id}: {self.amount}"
