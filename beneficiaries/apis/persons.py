"""Persons: register, read (masked unless asked and allowed), search by personal data, death, move."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from beneficiaries import selectors, services
from beneficiaries.apis import serializers as s
from beneficiaries.apis.common import (
    UNMASK_PARAMETER,
    RegistryViewSet,
    audit_unmasked_read,
    paginate,
    wants_unmasked,
)
from beneficiaries.models import Person
from beneficiaries.subject_data import person_data_export, person_data_export_pdf
from registry.exceptions import ValidationFailed


class FormatNamesTheDocument(DefaultContentNegotiation):
    """`?format=pdf` chooses the export's document here, not a DRF renderer: errors stay JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách cá nhân",
        parameters=[
            OpenApiParameter("ss_code", str, description="Mã an sinh xã hội (14 chữ số)"),
            OpenApiParameter("commune", str, description="Mã xã"),
            OpenApiParameter("household", int, description="Mã số (id) hộ"),
            OpenApiParameter("vital_status", str, enum=["alive", "deceased", "missing"]),
            UNMASK_PARAMETER,
        ],
        responses=s.PersonOutput(many=True),
    ),
    create=extend_schema(
        summary="Đăng ký cá nhân (cấp mã an sinh)",
        request=s.PersonInput,
        responses={201: s.PersonOutput},
    ),
    retrieve=extend_schema(
        summary="Chi tiết cá nhân", parameters=[UNMASK_PARAMETER], responses=s.PersonOutput
    ),
    partial_update=extend_schema(
        summary="Sửa thông tin cá nhân", request=s.PersonPatch, responses=s.PersonOutput
    ),
)
@extend_schema(tags=["persons"])
class PersonViewSet(RegistryViewSet):
    queryset = Person.objects.none()  # for the schema's path types only
    lookup_value_regex = r"[0-9]+"
    required_permissions = {
        "history": "beneficiaries.view_person",
        "list": "beneficiaries.view_person",
        "retrieve": "beneficiaries.view_person",
        "search": "beneficiaries.view_person",
        "create": "beneficiaries.add_person",
        "partial_update": "beneficiaries.change_person",
        "death": "beneficiaries.record_death",
        "move": "beneficiaries.move_person",
        # audit2: data-subject rights (Law 91/2025)
        "erase": "beneficiaries.erase_person",
        "data_export": "beneficiaries.view_sensitive",
    }

    def _respond_many(self, request, persons):
        unmask = wants_unmasked(request)
        after = (lambda page: audit_unmasked_read(request, page)) if unmask else None
        return paginate(self, persons, s.PersonOutput, context={"unmask": unmask}, after_page=after)

    def _respond_one(self, request, person, *, status_code=status.HTTP_200_OK):
        unmask = wants_unmasked(request)
        if unmask:
            audit_unmasked_read(request, [person])
        return Response(s.PersonOutput(person, context={"unmask": unmask}).data, status=status_code)

    def list(self, request):
        persons = selectors.persons_list(user=request.user, filters=request.query_params)
        return self._respond_many(request, persons)

    def create(self, request):
        data = self.valid(s.PersonInput, request.data)
        person = services.person_register(actor=request.user, **data)
        return Response(s.PersonOutput(person).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return self._respond_one(request, selectors.person_get(user=request.user, person_id=pk))

    def partial_update(self, request, pk=None):
        changes = self.valid(s.PersonPatch, request.data)
        person = services.person_update(actor=request.user, person_id=pk, changes=changes)
        return Response(s.PersonOutput(person).data)

    @extend_schema(
        summary="Tìm cá nhân theo số định danh, họ tên hoặc số điện thoại (không đưa lên URL)",
        request=s.PersonSearchInput,
        parameters=[UNMASK_PARAMETER],
        responses=s.PersonOutput(many=True),
    )
    @action(detail=False, methods=["post"])
    def search(self, request):
        criteria = self.valid(s.PersonSearchInput, request.data)
        persons = selectors.persons_search(
            user=request.user, **{key: value for key, value in criteria.items() if value}
        )
        return self._respond_many(request, persons)

    @extend_schema(
        summary="Ghi nhận người mất (dừng mọi hồ sơ từ tháng sau tháng mất)",
        request=s.DeathInput,
        responses=s.PersonOutput,
    )
    @action(detail=True, methods=["post"])
    def death(self, request, pk=None):
        data = self.valid(s.DeathInput, request.data)
        person = services.person_record_death(actor=request.user, person_id=pk, **data)
        return Response(s.PersonOutput(person).data)

    @extend_schema(
        summary="Chuyển hộ / chuyển nơi ở", request=s.MoveInput, responses=s.PersonOutput
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        data = self.valid(s.MoveInput, request.data)
        person = services.person_move(actor=request.user, person_id=pk, **data)
        return Response(s.PersonOutput(person).data)

    @extend_schema(summary="Lịch sử thay đổi", responses=s.HistoryOutput(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        obj = selectors.person_get(user=request.user, person_id=pk)
        return paginate(self, selectors.object_history(obj=obj), s.HistoryOutput)

    # audit2: data-subject rights (Law 91/2025): erasure by anonymisation and the full export.
    @extend_schema(
        summary="Xoá dữ liệu cá nhân bằng ẩn danh hoá (giữ hồ sơ và chi trả, bỏ liên kết)",
        request=s.EraseInput,
        responses=s.PersonOutput,
    )
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        data = self.valid(s.EraseInput, request.data)
        person = services.person_erase(actor=request.user, person_id=pk, reason=data["reason"])
        return Response(s.PersonOutput(person).data)

    @extend_schema(
        summary="Xuất toàn bộ dữ liệu về một người (JSON; ?format=pdf: bản PDF dễ đọc), có ghi nhật ký",
        parameters=[OpenApiParameter("format", str, enum=["json", "pdf"], required=False)],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
    )
    @action(
        detail=True, methods=["get"], url_path="data-export",
        content_negotiation_class=FormatNamesTheDocument,
    )  # fmt: skip
    def data_export(self, request, pk=None):
        file_format = request.query_params.get("format") or "json"
        if file_format not in ("json", "pdf"):
            message = _("Định dạng phải là json hoặc pdf.")
            raise ValidationFailed(message, code="invalid_format", fields={"format": [message]})
        if file_format == "pdf":
            payload, digest = person_data_export_pdf(actor=request.user, person_id=pk)
            content_type = "application/pdf"
        else:
            payload, digest = person_data_export(actor=request.user, person_id=pk)
            content_type = "application/json; charset=utf-8"
        response = HttpResponse(payload, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="person-{int(pk)}.{file_format}"'
        response["X-Content-SHA256"] = digest
        response["Cache-Control"] = "no-store"
        return response
