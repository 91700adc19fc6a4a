"""GET /api/v1/admin-units/provinces/ and /communes/?province=: the post-2025 units as bare JSON arrays.

The lists are small, public reference data (34 provinces, at most a few hundred communes per
province), so they are not paginated: the contract shows a plain array.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.models import Commune, Province


def province_list() -> QuerySet[Province]:
    return Province.objects.order_by("code")


def commune_list(*, province_code: str | None = None) -> QuerySet[Commune]:
    communes = Commune.objects.order_by("code")
    if province_code:
        communes = communes.filter(province_id=province_code)
    return communes


class ProvinceListApi(APIView):
    class ProvinceOutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()

    @extend_schema(
        operation_id="admin_units_provinces_list",
        tags=["admin-units"],
        responses={200: ProvinceOutputSerializer(many=True)},
        summary=_("Danh sách tỉnh/thành phố"),
    )
    def get(self, request):
        return Response(self.ProvinceOutputSerializer(province_list(), many=True).data)


class CommuneListApi(APIView):
    class CommuneFilterSerializer(serializers.Serializer):
        province = serializers.RegexField(
            r"^[0-9]{2}$",
            required=False,
            error_messages={"invalid": _("Mã tỉnh gồm 2 chữ số, ví dụ 44.")},
        )

    class CommuneOutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        province_code = serializers.CharField(source="province_id")

    @extend_schema(
        operation_id="admin_units_communes_list",
        tags=["admin-units"],
        parameters=[
            OpenApiParameter(
                "province",
                str,
                description=_("Mã tỉnh 2 chữ số (ví dụ 44); bỏ trống để lấy mọi xã/phường."),
                pattern=r"^[0-9]{2}$",
            )
        ],
        responses={200: CommuneOutputSerializer(many=True)},
        summary=_("Danh sách xã/phường"),
    )
    def get(self, request):
        filters = self.CommuneFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        communes = commune_list(province_code=filters.validated_data.get("province"))
        return Response(self.CommuneOutputSerializer(communes, many=True).data)
