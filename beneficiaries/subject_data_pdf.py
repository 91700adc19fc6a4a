"""The readable copy of a person's data export (Law 91/2025): the JSON document's every section,
in Vietnamese, as a PDF in the registry's embedded font (registry/pdf_fonts.py).

`render()` takes the document `subject_data.person_document` built and returns bytes; it reads
nothing from the database (labels come from the models' metadata).
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.db import models
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from beneficiaries.models import (
    Case,
    CaseAdjustment,
    CaseSuspension,
    Household,
    OneOffEntitlement,
    Person,
    PovertyAssessment,
)
from registry import pdf_fonts
from registry.audit import AuditAction

TITLE = "DỮ LIỆU CÁ NHÂN ĐANG ĐƯỢC LƯU GIỮ"
LAW = "Theo Luật Bảo vệ dữ liệu cá nhân (Luật số 91/2025/QH15)"
# Every section of the JSON document, in its order, with its heading and the model of its rows.
SECTIONS: tuple[tuple[str, str, type[models.Model] | None], ...] = (
    ("person", "Thông tin cá nhân", Person),
    ("household", "Hộ gia đình", Household),
    ("poverty_assessments", "Kết quả rà soát hộ nghèo, hộ cận nghèo", PovertyAssessment),
    ("cases", "Hồ sơ hưởng chính sách", Case),
    ("one_offs", "Trợ cấp một lần", OneOffEntitlement),
    ("history", "Lịch sử xử lý (nhật ký kiểm toán)", None),
)
CASE_PARTS = (
    ("suspensions", "Các lần tạm dừng hưởng", CaseSuspension),
    ("adjustments", "Các lần điều chỉnh", CaseAdjustment),
)
# Fields whose model gives no Vietnamese name of its own.
LABELS = {
    "id": "Mã số (id)",
    "code": "Mã hộ",
    "household_id": "Hộ gia đình (id)",
    "commune_id": "Mã xã",
    "head_id": "Chủ hộ (id)",
    "person_id": "Cá nhân (id)",
    "case_id": "Hồ sơ (id)",
    "deceased_id": "Người mất (id)",
    "payee_person_id": "Người nhận (id)",
    "transferred_from_id": "Chuyển từ hồ sơ (id)",
    "created_by_id": "Người lập (id)",
    "submitted_by_id": "Người trình (id)",
    "approved_by_id": "Người duyệt (id)",
    "proposed_by_id": "Người đề xuất (id)",
    "decided_by_id": "Người quyết định (id)",
    "programme": "Chương trình",
    "category": "Diện hưởng",
    "other_categories": "Các diện khác",
    "children_count": "Số con đang nuôi",
    "meritorious_grade": "Mức (người có công)",
    "decided_amount": "Số tiền theo quyết định",
    "poor_household": "Hộ nghèo/cận nghèo khi quyết định",
    "status": "Trạng thái",
    "requested_start_month": "Tháng đề nghị hưởng",
    "start_month": "Tháng bắt đầu hưởng",
    "end_month": "Tháng thôi hưởng",
    "from_month": "Từ tháng",
    "to_month": "Đến tháng",
    "ground": "Căn cứ",
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "changed_fields": "Các mục thay đổi",
    "kind": "Loại",
    "amount": "Số tiền",
    "payee_kind": "Người nhận là",
    "application_date": "Ngày nộp đơn",
    "payment_reference": "Số chứng từ chi trả",
    "year": "Năm",
    "income_per_capita": "Thu nhập bình quân đầu người",
    "classification": "Kết quả phân loại",
    "threshold": "Chuẩn áp dụng",
    "submitted_at": "Thời điểm trình",
    "approved_at": "Thời điểm duyệt",
    "decided_at": "Thời điểm quyết định",
    "paid_at": "Thời điểm chi trả",
    "created_at": "Thời điểm tạo",
    "updated_at": "Thời điểm sửa gần nhất",
}
HISTORY_COLUMNS = ("Số", "Thời điểm", "Việc", "Đối tượng", "Chi tiết")


def _label(model: type[models.Model] | None, key: str) -> str:
    if key in LABELS:
        return LABELS[key]
    if model is not None:
        for field in model._meta.concrete_fields:
            if field.attname == key:
                verbose = str(field.verbose_name)
                if verbose != field.name.replace("_", " "):  # a name the model gave it
                    return verbose[:1].upper() + verbose[1:]
    return key.replace("_", " ")


def _choices(model: type[models.Model] | None, key: str) -> dict:
    if model is None:
        return {}
    for field in model._meta.concrete_fields:
        if field.attname == key and field.choices:
            return {value: str(label) for value, label in field.flatchoices}
    return {}


def _text(value: Any, choices: dict | None = None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if choices and value in choices:
        return choices[value]
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value:,.0f}".replace(",", ".") + " đồng"
    if isinstance(value, list | tuple):
        return ", ".join(_text(item, choices) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


class SubjectDataPdf:
    """A4, margins and sizes as class attributes; `render(document, ...)` returns the PDF."""

    pagesize = A4
    margin = 18 * mm
    label_width = 58 * mm
    font_size = 10

    def __init__(self) -> None:
        regular = pdf_fonts.register()
        size = self.font_size
        self.body = ParagraphStyle("body", fontName=regular, fontSize=size, leading=size * 1.3)
        self.bold = ParagraphStyle("bold", parent=self.body, fontName=pdf_fonts.BOLD)
        self.title = ParagraphStyle(
            "title", parent=self.bold, fontSize=15, leading=20, alignment=1, spaceAfter=2 * mm
        )
        self.centre = ParagraphStyle("centre", parent=self.body, alignment=1)
        self.heading = ParagraphStyle(
            "heading", parent=self.bold, fontSize=12.5, leading=16, spaceBefore=5 * mm,
            spaceAfter=2 * mm,
        )  # fmt: skip
        self.subheading = ParagraphStyle(
            "subheading", parent=self.bold, fontSize=11, spaceBefore=3 * mm, spaceAfter=1 * mm
        )
        self.width = self.pagesize[0] - 2 * self.margin

    def _p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(escape(text), style or self.body)

    def _grid(self, rows: list[list], widths: list[float], *, header: bool = False) -> Table:
        table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), pdf_fonts.REGULAR),  # never reportlab's Helvetica
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (0 if not header else -1, -1 if not header else 0),
             colors.Color(0.94, 0.94, 0.94)),
        ]  # fmt: skip
        table.setStyle(TableStyle(style))
        return table

    def _record(self, record: dict, model: type[models.Model] | None) -> Table:
        parts = {key for key, _heading, _model in CASE_PARTS}  # shown under their own headings
        rows = [
            [self._p(_label(model, key)), self._p(_text(value, _choices(model, key)))]
            for key, value in record.items()
            if key not in parts
        ]
        return self._grid(rows, [self.label_width, self.width - self.label_width])

    def _rows(self, records: list[dict], model, empty: str) -> list:
        if not records:
            return [self._p(empty)]
        flow: list = []
        for index, record in enumerate(records, 1):
            if len(records) > 1:
                flow.append(self._p(f"{index}.", self.bold))
            flow.append(self._record(record, model))
            flow.append(Spacer(1, 2 * mm))
        return flow

    def _case(self, index: int, case: dict) -> list:
        flow = [self._p(f"Hồ sơ {index}", self.subheading), self._record(case, Case)]
        for key, heading, model in CASE_PARTS:
            flow.append(self._p(heading, self.subheading))
            flow.extend(self._rows(case.get(key) or [], model, "Không có."))
        return flow

    def _history(self, events: list[dict]) -> list:
        if not events:
            return [self._p("Không có.")]
        labels = {value: str(label) for value, label in AuditAction.choices}
        rows = [[self._p(column, self.bold) for column in HISTORY_COLUMNS]]
        for event in events:
            rows.append([
                self._p(str(event["sequence"])),
                self._p(_text(event["at"])),
                self._p(labels.get(event["action"], event["action"])),
                self._p(f'{event["object_type"]} {event["object_id"]}'),
                self._p(_text(event["data"] or None)),
            ])  # fmt: skip
        widths = [14 * mm, 32 * mm, 42 * mm, 24 * mm]
        return [self._grid(rows, [*widths, self.width - sum(widths)], header=True)]

    def _footer(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(pdf_fonts.REGULAR, 8)
        canvas.drawRightString(
            self.pagesize[0] - self.margin, 10 * mm, f"Trang {canvas.getPageNumber()}"
        )
        canvas.restoreState()

    def render(self, document: dict, *, exported_at: datetime, chain_head: str) -> bytes:
        person = document["person"]
        flow: list = [
            self._p(TITLE, self.title),
            self._p(LAW, self.centre),
            Spacer(1, 4 * mm),
            self._p(f"Họ và tên: {person.get('full_name') or '—'}", self.bold),
            self._p(f"Mã an sinh xã hội: {person.get('ss_code') or '—'}"),
            self._p(f"Thời điểm xuất: {_text(exported_at)}"),
            self._p(f"Đầu chuỗi nhật ký kiểm toán khi xuất: {chain_head}"),
        ]
        for key, heading, model in SECTIONS:
            flow.append(self._p(heading, self.heading))
            value = document.get(key)
            if key == "history":
                flow.extend(self._history(value or []))
            elif key == "cases":
                for index, case in enumerate(value or [], 1):
                    flow.extend(self._case(index, case))
                if not value:
                    flow.append(self._p("Không có."))
            elif isinstance(value, dict):
                flow.append(self._record(value, model))
            else:
                flow.extend(self._rows(value or [], model, "Không có."))
        buffer = io.BytesIO()
        template = SimpleDocTemplate(
            buffer, pagesize=self.pagesize, leftMargin=self.margin, rightMargin=self.margin,
            topMargin=self.margin, bottomMargin=self.margin, title=TITLE,
            author="Sổ đăng ký an sinh xã hội", initialFontName=pdf_fonts.REGULAR,
            invariant=1,
        )  # fmt: skip
        template.build(flow, onFirstPage=self._footer, onLaterPages=self._footer)
        return buffer.getvalue()
