"""Giấy chứng nhận hộ nghèo / hộ cận nghèo: the commune's certificate of a household's status."""

from __future__ import annotations

from reportlab.lib.units import mm

from certificates.documents import HouseholdPovertyCertificate
from certificates.renderers.base import AdministrativeRenderer
from certificates.wording import short_date

MEMBER_COLUMNS = (
    ("STT", 11 * mm, "center"),
    ("Họ và tên", 57 * mm, "left"),
    ("Quan hệ\nvới chủ hộ", 28 * mm, "center"),
    ("Năm sinh\nNam", 19 * mm, "center"),
    ("Năm sinh\nNữ", 19 * mm, "center"),
    ("Ghi chú", 31 * mm, "left"),
)


class HouseholdPovertyRenderer(AdministrativeRenderer):
    pdf_title = "Giấy chứng nhận hộ nghèo, hộ cận nghèo"
    recipients_lines = ("Hộ gia đình;", "Lưu: VT.")

    def draw(self, canvas, document: HouseholdPovertyCertificate) -> None:
        status = "HỘ CẬN NGHÈO" if document.near_poor else "HỘ NGHÈO"
        issuer = document.issuer
        y = self.header(canvas, issuer, document.number, document.issued_on)
        y = self.title(canvas, y, ["GIẤY CHỨNG NHẬN", f"{status} NĂM {document.year}"])
        for basis in document.legal_basis:
            y = self.fixed_paragraph(canvas, y, basis, font=self.font_italic, first=10 * mm)
        y -= self.line_height() * 0.3
        y = self.centred_line(
            canvas, y, f"{issuer.committee} {issuer.unit}".upper() + " CHỨNG NHẬN:"
        )
        y = self.field(canvas, y, "Họ và tên chủ hộ:", document.head_name)
        y = self.field(canvas, y, "Dân tộc:", document.head_ethnicity or "—")
        y = self.field(canvas, y, "Số định danh cá nhân:", document.head_national_id or "—")
        y = self.field(canvas, y, "Nơi thường trú:", document.residence, parts=True)
        y = self.field(canvas, y, "Mã hộ:", document.household_code)
        status_line = f"Là {status.lower()} năm {document.year} theo kết quả rà soát."
        y = self.paragraph(canvas, y, status_line, font=self.font_bold)
        y = self.paragraph(
            canvas, y, f"Danh sách thành viên của hộ ({len(document.members)} người):"
        )
        rows = [
            (
                str(index),
                member.full_name,
                member.relation,
                "" if member.female else str(member.birth_year),
                str(member.birth_year) if member.female else "",
                member.note,
            )
            for index, member in enumerate(document.members, start=1)
        ]
        y, rest = self.table(canvas, y, MEMBER_COLUMNS, rows, bottom=self.margin_bottom + 10 * mm)
        while rest:  # a large household continues on the next page
            canvas.showPage()
            y = self.top - self.font_size
            y = self.paragraph(
                canvas, y, f"Số: {document.number} (tiếp theo)", font=self.font_italic
            )
            y, rest = self.table(canvas, y, MEMBER_COLUMNS, rest, bottom=self.margin_bottom)
        validity = f"Giấy chứng nhận có giá trị đến hết ngày {short_date(document.valid_until)}."
        if y - self.line_height() < self.margin_bottom + self.foot_height:
            canvas.showPage()
            y = self.top - self.font_size
        y = self.paragraph(canvas, y, validity, font=self.font_italic)
        y -= self.line_height() * 0.5
        self.foot(canvas, y, issuer, self.recipients_lines, document.verify_url, document.number)
        canvas.showPage()
