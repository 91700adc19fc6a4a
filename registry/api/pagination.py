"""Page-number pagination for every list: ?page=N&page_size=M (at most 500) → {count, next, previous, results}."""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination

MAX_PAGE_SIZE = 500


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    # A page past the end (or not a number) answers 404 not_found in the error envelope.
    invalid_page_message = _("Trang không hợp lệ.")
    page_query_description = _("Số trang, bắt đầu từ 1.")
    page_size_query_description = _("Số bản ghi mỗi trang (tối đa 500, mặc định 50).")

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters
