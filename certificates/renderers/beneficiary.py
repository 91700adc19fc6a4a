"""Giấy xác nhận đang hưởng chính sách: programme, category, monthly amount and since when."""

from __future__ import annotations

from reportlab.lib.units import mm

from certificates.documents import BeneficiaryStatusCertificate
from certificates.renderers.base import AdministrativeRenderer
from certificates.wording import amount_in_words, money, month_year, short_date


class BeneficiaryStatusRenderer(AdministrativeRenderer):
    pdf_title = "Giấy xác nhận đối tượng đang hưởng chính sách"
    recipients_lines = ("Người được xác nhận;", "Lưu: VT.")

    def draw(self, canvas, document: BeneficiaryStatusCertificate) -> None:
        issuer = document.issuer
        y = self.header(canvas, issuer, document.number, document.issued_on)
        y = self.title(
            canvas, y, ["GIẤY XÁC NHẬN", "ĐỐI TƯỢNG ĐANG HƯỞNG CHÍNH SÁCH AN SINH XÃ HỘI"]
        )
        for basis in document.legal_basis:
            y = self.fixed_paragraph(canvas, y, basis, font=self.font_italic, first=10 * mm)
        y -= self.line_height() * 0.3
        y = self.centred_line(canvas, y, f"{issuer.committee} {issuer.unit}".upper() + " XÁC NHẬN:")
        y = self.field(canvas, y, "Họ và tên:", document.full_name)
        y = self.field(canvas, y, "Ngày sinh:", short_date(document.date_of_birth))
        y = self.field(canvas, y, "Mã an sinh xã hội:", document.ss_code)
        y = self.field(canvas, y, "Số định danh cá nhân:", document.national_id or "—")
        y = self.field(canvas, y, "Nơi thường trú:", document.residence, parts=True)
        y -= self.line_height() * 0.3
        y = self.paragraph(canvas, y, "Hiện đang hưởng chính sách:", font=self.font_bold)
        y = self.field(canvas, y, "Chế độ:", document.programme, indent=6 * mm)
        y = self.field(canvas, y, "Diện đối tượng:", document.category, indent=6 * mm)
        amount = f"{money(document.monthly_amount)} đồng/tháng"
        y = self.field(canvas, y, "Mức hưởng hằng tháng:", amount, indent=6 * mm)
        y = self.paragraph(canvas, y, f"(Bằng chữ: {amount_in_words(document.monthly_amount)})",
                           font=self.font_italic, indent=6 * mm)  # fmt: skip
        y = self.field(canvas, y, "Hưởng từ tháng:", month_year(document.since_month),
                       indent=6 * mm)  # fmt: skip
        if document.decision:
            y = self.field(canvas, y, "Theo:", document.decision, indent=6 * mm)
        y -= self.line_height() * 0.3
        validity = f"Giấy xác nhận có giá trị đến hết ngày {short_date(document.valid_until)}."
        y = self.paragraph(canvas, y, validity, font=self.font_italic)
        y -= self.line_height() * 0.5
        self.foot(canvas, y, issuer, self.recipients_lines, document.verify_url, document.number)
        canvas.showPage()
