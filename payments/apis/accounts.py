"""A person's payment account: read (masked unless a payment officer asks, audited) and set."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from payments import selectors, services
from payments.apis.serializers import PaymentAccountInput, PaymentAccountOutput
from registry.exceptions import Forbidden, ValidationFailed

VIEW = "payments.view_paymentaccount"
CHANGE = "payments.change_paymentaccount"
UNMASK = "payments.view_account_number"

UNMASK_PARAMETER = OpenApiParameter(
    "unmask", int, enum=[0, 1], required=False,
    description="1 = số tài khoản không che (chỉ cán bộ chi trả; ghi nhật ký kiểm toán).",
)  # fmt: skip


class AccountPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if not request.user.has_perm(CHANGE if request.method == "PUT" else VIEW):
            raise Forbidden()
        return True


def wants_unmasked(request) -> bool:
    value = request.query_params.get("unmask", "0").strip().lower()
    if value in ("0", "false", ""):
        return False
    if value not in ("1", "true"):
        message = _("unmask phải là 0 hoặc 1.")
        raise ValidationFailed(message, fields={"unmask": [message]})
    if not request.user.has_perm(UNMASK):
        raise Forbidden(
            _("Bạn không có quyền xem số tài khoản không che."), code="unmask_not_allowed"
        )
    return True


class PaymentAccountApi(APIView):
    permission_classes = [AccountPermission]

    @extend_schema(
        tags=["persons"], operation_id="persons_payment_account_retrieve",
        summary="Tài khoản nhận chi trả của một người", parameters=[UNMASK_PARAMETER],
        responses=PaymentAccountOutput,
    )  # fmt: skip
    def get(self, request, person_id: int):
        unmask = wants_unmasked(request)
        account = selectors.payment_account_get(user=request.user, person_id=person_id)
        if unmask:
            services.payment_account_unmasked_read(
                actor=request.user, account=account, path=request.path
            )
        return Response(PaymentAccountOutput(account, context={"unmask": unmask}).data)

    @extend_schema(
        tags=["persons"], operation_id="persons_payment_account_update",
        summary="Đặt tài khoản nhận chi trả (ngân hàng, ví điện tử hoặc tiền mặt)",
        request=PaymentAccountInput, responses=PaymentAccountOutput,
    )  # fmt: skip
    def put(self, request, person_id: int):
        serializer = PaymentAccountInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.payment_account_set(
            actor=request.user, person_id=person_id, **serializer.validated_data
        )
        return Response(PaymentAccountOutput(account).data)
