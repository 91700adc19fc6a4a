"""Input and output shapes of the payment endpoints (docs/api.md, "Payment account/batches")."""

from __future__ import annotations

from typing import TypedDict

from rest_framework import serializers

from payments.models import Channel, LineStatus, RecoveryStatus
from registry.api.fields import MoneyField, MonthField
from registry.masking import mask_account_number


class PaymentAccountInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    bank_bin = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    account_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    account_name = serializers.CharField(
        max_length=70, required=False, allow_blank=True, allow_null=True, default=None,
        help_text="Viết hoa, không dấu; bỏ trống để lấy từ họ tên người hưởng.",
    )  # fmt: skip
    holder_note = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="",
        help_text="Chủ tài khoản khi không phải người hưởng (ví dụ: mẹ, người giám hộ).",
    )  # fmt: skip


class PaymentAccountOutput(serializers.Serializer):
    person_id = serializers.IntegerField()
    channel = serializers.CharField()
    bank_bin = serializers.CharField()
    account_number = serializers.SerializerMethodField()
    account_name = serializers.CharField(allow_null=True)
    holder_note = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField()

    def get_account_number(self, account) -> str | None:
        if self.context.get("unmask"):
            return account.account_number
        return mask_account_number(account.account_number)


class PaymentBatchInput(serializers.Serializer):
    period = MonthField()
    commune_codes = serializers.ListField(
        child=serializers.CharField(max_length=5), allow_empty=False, max_length=200
    )


class RecoveriesOutput(TypedDict):
    count: int
    amount: str


class PaymentBatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    period = MonthField()
    status = serializers.CharField()
    commune_codes = serializers.SerializerMethodField()
    line_count = serializers.IntegerField()
    total_amount = MoneyField(max_digits=16)
    cashless_count = serializers.IntegerField()
    cashless_amount = MoneyField(max_digits=16)
    cashless_share = serializers.DecimalField(max_digits=5, decimal_places=4)
    recoveries = serializers.SerializerMethodField(
        help_text="Khoản thu hồi phát hiện khi lập đợt (người mất sau khi đã chi): số và tiền; "
        "trừ vào các dòng sau của hồ sơ; phần còn lại chờ quyết toán (payment-recoveries)."
    )
    created_by = serializers.CharField(source="created_by.username")
    approved_by = serializers.CharField(
        source="approved_by.username", allow_null=True, default=None
    )
    msg_id = serializers.CharField(allow_null=True)
    first_exported_at = serializers.DateTimeField(allow_null=True)
    export_sha256 = serializers.DictField(child=serializers.CharField())
    created_at = serializers.DateTimeField()

    def get_recoveries(self, batch) -> RecoveriesOutput:
        return {"count": batch.recovery_count, "amount": str(batch.recovery_amount)}

    def get_commune_codes(self, batch) -> list[str]:
        return sorted(c.code for c in batch.communes.all())


class PaymentLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField(allow_null=True)
    one_off_entitlement_id = serializers.IntegerField(allow_null=True)
    ss_code = serializers.CharField(source="person.ss_code", allow_null=True, default=None)
    full_name = serializers.CharField(source="person.full_name", allow_null=True, default=None)
    commune_code = serializers.CharField(source="commune_id")
    programme = serializers.CharField()
    category = serializers.CharField()
    amount = MoneyField()
    arrears = MoneyField()
    one_off = MoneyField()
    total = MoneyField()
    channel = serializers.CharField()
    bank_bin = serializers.CharField()
    account_number = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=LineStatus.choices)
    end_to_end_id = serializers.CharField()
    failure_reason = serializers.CharField()
    paid_at = serializers.DateField(allow_null=True)
    deduction = MoneyField(
        help_text="Khoản thu hồi của hồ sơ khấu trừ vào dòng này (trừ vào total)."
    )

    def get_account_number(self, line) -> str | None:
        return mask_account_number(line.account_number)


class ReconcileInput(serializers.Serializer):
    file = serializers.FileField(
        help_text="Tệp trả lời của ngân hàng: CSV (end_to_end_id,status,reason,paid_at) hoặc "
        "pain.002.001.03; bảng kê tiền mặt trả về dạng CSV."
    )


class UnmatchedOutput(serializers.Serializer):
    end_to_end_id = serializers.CharField()
    problem = serializers.ChoiceField(choices=["unknown", "duplicate"])


class ReconcileOutput(serializers.Serializer):
    paid = serializers.IntegerField(help_text="Dòng đã chi trả theo tệp.")
    failed = serializers.IntegerField(help_text="Dòng không chi trả được theo tệp.")
    changed = serializers.IntegerField(help_text="Dòng đổi trạng thái do tệp này (0 khi gửi lại).")
    unmatched = UnmatchedOutput(many=True)


class PaymentRecoveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    commune_code = serializers.CharField(source="commune_id")
    batch_id = serializers.IntegerField(
        allow_null=True, help_text="Đợt chi trả phát hiện khoản này."
    )
    months = serializers.ListField(child=serializers.CharField())
    month_amounts = serializers.DictField(
        child=MoneyField(),
        help_text="Số phải thu hồi của từng tháng (đã chi trừ số được hưởng theo dữ liệu hiện tại);"
        " rỗng với khoản ghi trước khi có trường này.",
    )
    amount = MoneyField()
    deducted = MoneyField(help_text="Đã khấu trừ vào các dòng chi trả sau của hồ sơ.")
    settled_amount = MoneyField(help_text="Đã nộp lại bằng tiền mặt hoặc được miễn.")
    outstanding = MoneyField(help_text="Còn phải thu hồi.")
    status = serializers.ChoiceField(choices=RecoveryStatus.choices)
    settled_reason = serializers.CharField()
    decision_reference = serializers.CharField()
    settled_by = serializers.CharField(source="settled_by.username", allow_null=True, default=None)
    settled_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class PaymentRecoverySettleInput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[RecoveryStatus.RECOVERED, RecoveryStatus.WAIVED],
        help_text="recovered: gia đình đã nộp lại bằng tiền mặt; waived: miễn thu hồi theo quyết định.",
    )
    reason = serializers.CharField(max_length=500)
    decision_reference = serializers.CharField(
        max_length=100, help_text="Số quyết định miễn thu hồi hoặc số phiếu thu."
    )
