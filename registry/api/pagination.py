"""Page-number pagination for every list: ?page=N&page_size=M (at most 500) → {count, next, previous, results}."""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

MAX_PAGE_SIZE = 500


def _positive_int(value: str) -> int | None:
    if value.isascii() and value.isdigit() and int(value) >= 1:
        return int(value)
    return None


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    # A page past the end answers 404 not_found; a page or page size that is not a positive
    # integer is bad input (400), not something to silently replace with a default.
    invalid_page_message = _("Trang không hợp lệ.")
    page_query_description = _("Số trang, bắt đầu từ 1.")
    page_size_query_description = _("Số bản ghi mỗi trang (tối đa 500, mặc định 50).")

    def paginate_queryset(self, queryset, request, view=None):
        page = request.query_params.get(self.page_query_param)
        if page not in (None, "", *self.last_page_strings) and _positive_int(page) is None:
            raise ValidationError({self.page_query_param: [_("Cần một số nguyên dương.")]})
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        size = _positive_int(raw)
        if size is None:
            raise ValidationError({self.page_size_query_param: [_("Cần một số nguyên dương.")]})
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                # No "maximum": a larger size is accepted and served as 500 pages.
                parameter["schema"]["minimum"] = 1
        return parameters
