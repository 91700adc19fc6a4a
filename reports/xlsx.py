"""The summary as a workbook a commune would send: one sheet per indicator group, the province
total then one row per commune, the period and the time of computation in the header.

Written with openpyxl's write-only mode (rows streamed, flat memory); the workbook never shows a
small HIV count (it is the copy that gets posted and forwarded).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from beneficiaries.models import CATEGORIES_BY_PROGRAMME, Programme
from reports.suppression import HIDDEN_LABEL

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value):
    """Text never starts a formula in a spreadsheet (formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _number(value):
    if value is None:
        return _("Chưa có số liệu")
    return value


def _count(row: dict, figure: str, value):
    """A count, or the hidden label when complementary suppression hid it."""
    if value is None and figure in row.get("suppressed_figures", ()):
        return str(HIDDEN_LABEL)
    return value


def workbook_filename(report: dict) -> str:
    return f"bao-cao-nq42-{report['month']:%Y-%m}.xlsx"


Column = tuple[str, Callable[[dict], object]]


def _programme_label(programme: str) -> str:
    return str(Programme(programme).label)


def _sheets() -> list[tuple[str, list[Column]]]:
    poverty: list[Column] = [
        (_("Số hộ"), lambda r: r["households"]),
        (_("Số nhân khẩu"), lambda r: r["persons"]),
        (_("Số hộ nghèo"), lambda r: r["poor"]),
        (_("Tỷ lệ hộ nghèo (%)"), lambda r: _number(r["poverty_rate"])),
        (_("Số hộ cận nghèo"), lambda r: r["near_poor"]),
        (_("Tỷ lệ hộ cận nghèo (%)"), lambda r: _number(r["near_poverty_rate"])),
        (_("Nhân khẩu hộ nghèo"), lambda r: r["poor_persons"]),
        (_("Tỷ lệ nhân khẩu nghèo (%)"), lambda r: _number(r["poor_persons_rate"])),
        (_("Nhân khẩu hộ cận nghèo"), lambda r: r["near_poor_persons"]),
        (_("Tỷ lệ nhân khẩu cận nghèo (%)"), lambda r: _number(r["near_poor_persons_rate"])),
        (_("Hộ nghèo phát sinh"), lambda r: r["entering_poverty"]),
        (_("Hộ thoát nghèo"), lambda r: r["leaving_poverty"]),
        (_("Hộ nghèo năm trước chưa rà soát lại"), lambda r: r["poor_not_reassessed"]),
    ]
    beneficiaries: list[Column] = [  # fmt: skip
        (
            _programme_label(p),
            lambda r, p=p: _count(r, f"persons_by_programme.{p}", r["persons_by_programme"][p]),
        )
        for p in Programme.values
    ]
    for programme in Programme.values:
        for category in CATEGORIES_BY_PROGRAMME[programme]:
            beneficiaries.append(
                (
                    _("Diện %(category)s") % {"category": category},
                    lambda r, p=programme, c=category: _category_cell(r, p, c),
                )
            )
    meritorious: list[Column] = [
        (_("Người có công đang hưởng"), lambda r: r["meritorious_persons"]),
        (_("Hộ có người có công"), lambda r: r["meritorious_households"]),
        (_("Trong đó hộ nghèo"), lambda r: r["meritorious_households_poor"]),
    ]
    insurance: list[Column] = [  # fmt: skip
        (
            _("Đối tượng được cấp thẻ BHYT"),
            lambda r: _count(r, "health_insurance_entitled", r["health_insurance_entitled"]),
        ),
    ]
    money: list[Column] = [
        (_("Phải trả: %(programme)s") % {"programme": _programme_label(p)},
         lambda r, p=p: _count(r, f"amount_due_by_programme.{p}", r["amount_due_by_programme"][p]))
        for p in Programme.values
    ]  # fmt: skip
    money += [
        (_("Tổng phải trả"), lambda r: _count(r, "amount_due", r["amount_due"])),
        (
            _("Đã chi trả"),
            lambda r: (
                _count(r, "amount_paid", None)
                if "amount_paid" in r["suppressed_figures"]
                else _number(r["amount_paid"])
            ),
        ),
        (_("Tỷ lệ chi trả không dùng tiền mặt (%)"), lambda r: _number(r["cashless_share"])),
    ]
    return [
        (_("Hộ nghèo, cận nghèo"), poverty),
        (_("Đối tượng"), beneficiaries),
        (_("Người có công"), meritorious),
        (_("BHYT"), insurance),
        (_("Kinh phí"), money),
    ]


def _category_cell(row: dict, programme: str, category: str):
    for item in row["persons_by_category"]:
        if item["programme"] == programme and item["category"] == category:
            return item["display"] if item["suppressed"] else item["persons"]
    return 0


def _header(sheet, report: dict, title: str) -> None:
    generated = timezone.localtime(report["generated_at"])
    sheet.append(
        [_text(_("Báo cáo kết quả thực hiện Nghị quyết 42-NQ/TW — %(title)s") % {"title": title})]
    )
    sheet.append([_("Kỳ báo cáo: năm %(year)s, tháng %(month)s") % {
        "year": report["year"], "month": f"{report['month']:%m/%Y}"}])  # fmt: skip
    sheet.append([_("Thời điểm lập: %(at)s") % {"at": f"{generated:%d/%m/%Y %H:%M}"}])
    sheet.append([])


def _rows(report: dict) -> Iterable[tuple[str, str, dict]]:
    for province in report["provinces"]:
        yield province["code"], _("Toàn tỉnh %(name)s") % {"name": province["name"]}, province
        for commune in report["communes"]:
            if commune["province_code"] == province["code"]:
                yield commune["code"], commune["name"], commune


def _targets_sheet(workbook, report: dict) -> None:
    sheet = workbook.create_sheet(_("Mục tiêu 2030"))
    _header(sheet, report, _("Mục tiêu 2030"))
    labels = {
        "poverty_rate_below_1": _("Tỷ lệ hộ nghèo dưới 1%"),
        "no_poor_meritorious_household": _("Không còn hộ người có công nghèo"),
        "all_eligible_paid": _("100% đối tượng đủ điều kiện được chi trả"),
        "cashless_share_rising": _("Tỷ lệ chi trả không dùng tiền mặt tăng"),
    }
    trends = {"up": _("tăng"), "down": _("giảm"), "same": _("không đổi"), None: ""}
    met = {True: _("Đạt"), False: _("Chưa đạt"), None: _("Chưa có số liệu")}
    sheet.append([_("Mã"), _("Tên"), _("Mục tiêu"), _("Năm nay"), _("Năm trước"), _("Xu hướng"),
                  _("Kết quả")])  # fmt: skip
    for code, name, row in _rows(report):
        for target in row["targets"]:
            sheet.append([
                code, _text(name), labels[target["code"]], _number(target["current"]),
                _number(target["previous"]), trends[target["trend"]], met[target["met"]],
            ])  # fmt: skip


def summary_workbook(report: dict) -> bytes:
    workbook = Workbook(write_only=True)
    for title, columns in _sheets():
        sheet = workbook.create_sheet(title)
        _header(sheet, report, title)
        sheet.append([_("Mã"), _("Tên"), *(label for label, _value in columns)])
        for code, name, row in _rows(report):
            sheet.append([code, _text(name), *(value(row) for _label, value in columns)])
    _targets_sheet(workbook, report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
