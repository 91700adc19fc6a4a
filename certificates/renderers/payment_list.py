"""Danh sách chi trả: the list recipients sign when paid in cash (and the commune's file copy)."""

from __future__ import annotations

from decimal import Decimal

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from certificates.documents import PaymentList
from certificates.renderers.base import AdministrativeRenderer
from certificates.wording import amount_in_words, money


class PaymentListRenderer(AdministrativeRenderer):
    pagesize = landscape(A4)
    margin_top = 15 * mm
    margin_bottom = 15 * mm
    margin_left = 20 * mm
    margin_right = 15 * mm
    header_column = 100 * mm
    row_height = 10 * mm  # room for a signature
    pdf_title = "Danh sách chi trả"
    columns = (
        ("STT", 12 * mm, "center"),
        ("Họ và tên", 72 * mm, "left"),
        ("Mã an sinh\nxã hội", 38 * mm, "center"),
        ("Số tiền\n(đồng)", 34 * mm, "right"),
        ("Ký nhận", 56 * mm, "center"),
        ("Ghi chú", 50 * mm, "left"),
    )
    signature_height = 40 * mm

    def draw(self, canvas, document: PaymentList) -> None:
        amounts = [Decimal(row.amount) for row in document.rows]
        rows = [
            (str(index), row.full_name, row.ss_code, money(row.amount), "", row.note)
            for index, row in enumerate(document.rows, start=1)
        ]
        y = self.header(canvas, document.issuer, "", document.issued_on)
        y = self.title(canvas, y, [document.title])
        if document.subtitle:
            middle = (self.left + self.right) / 2
            self.text(canvas, middle, y + self.line_height() * 0.4, document.subtitle,
                      font=self.font_italic, align="center")  # fmt: skip
            y -= self.line_height() * 0.6
        pages = self.paginate(len(rows), y)
        first = 0
        for page, count in enumerate(pages, start=1):
            if page > 1:
                canvas.showPage()
                y = self.top - self.font_size
            chunk = rows[first : first + count]
            y, _ = self.table(canvas, y, self.columns, chunk, bottom=0, row_height=self.row_height)
            page_total = sum(amounts[first : first + count], Decimal(0))
            self.text(canvas, self.left, y, f"Cộng trang {page}: {count} người, "
                      f"{money(page_total)} đồng", font=self.font_italic, size=self.small_size)  # fmt: skip
            self.text(canvas, self.right, self.margin_bottom - self.small_size,
                      f"Trang {page}/{len(pages)}", size=self.small_size - 1, align="right")  # fmt: skip
            y -= self.line_height()
            first += count
        total = sum(amounts, Decimal(0))
        y = self.field(canvas, y, "Tổng cộng:", f"{len(amounts)} người, {money(total)} đồng")
        y = self.field(canvas, y, "Số tiền bằng chữ:", amount_in_words(total))
        y -= self.line_height() * 0.5
        self.signatures(canvas, y, document)
        canvas.showPage()

    def paginate(self, count: int, first_top: float) -> list[int]:
        """Rows per page. The last page keeps at least one row beside the totals and signatures,
        so that the signed page cannot be detached from the list it closes."""
        heading = self.line_height(self.small_size) * 2 + 3
        bottom = self.margin_bottom + self.line_height() * 2
        closing = self.line_height() * 3 + self.signature_height

        def capacity(top: float, reserve: float = 0) -> int:
            return max(1, int((top - heading - bottom - reserve) // self.row_height))

        pages, top = [], first_top
        while True:
            if count <= capacity(top, closing):
                pages.append(count)
                return pages
            take = min(capacity(top), count - 1)
            pages.append(take)
            count -= take
            top = self.top - self.font_size

    def signatures(self, canvas, y, document: PaymentList) -> None:
        titles = [*document.signatures, document.issuer.on_behalf]
        step = (self.right - self.left) / len(titles)
        for index, title in enumerate(titles):
            middle = self.left + step * (index + 0.5)
            self.text(canvas, middle, y, title, font=self.font_bold, align="center")
            if index == len(titles) - 1:
                self.text(canvas, middle, y - self.line_height(),
                          document.issuer.signatory_title.upper(), font=self.font_bold,
                          align="center")  # fmt: skip
            self.text(canvas, middle, y - self.line_height() * 2, "(Ký, ghi rõ họ tên)",
                      font=self.font_italic, size=self.small_size, align="center")  # fmt: skip
        if document.issuer.signatory_name:
            middle = self.left + step * (len(titles) - 0.5)
            self.text(canvas, middle, y - self.signature_height + 8 * mm,
                      document.issuer.signatory_name, font=self.font_bold, align="center")  # fmt: skip
