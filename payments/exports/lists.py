"""The payment lists people read: the commune's list (xlsx), the same table as CSV, and the paying
agent's cash list with a column for the recipient's signature (cash_xlsx)."""

from __future__ import annotations

from collections.abc import Sequence

from payments.banks import bank_by_bin
from payments.exports.base import ExportLine, Totals, register
from payments.exports.tabular import (
    CHANNEL_LABELS,
    Cell,
    Column,
    CsvListExporter,
    XlsxListExporter,
    words_row,
)


def bank_label(line: ExportLine) -> str:
    if line.channel == "cash":
        return ""
    bank = bank_by_bin(line.bank_bin)
    return bank.short_name if bank else line.bank_bin


PAYMENT_COLUMNS = (
    Column("STT", 6),
    Column("Mã số", 14),
    Column("Họ và tên", 26),
    Column("Mã xã", 8),
    Column("Chế độ", 18),
    Column("Đối tượng", 22),
    Column("Hình thức nhận", 12),
    Column("Ngân hàng / ví", 14),
    Column("Số tài khoản", 18),
    Column("Chủ tài khoản", 24),
    Column("Số tiền tháng", 14, money=True),
    Column("Truy lĩnh", 12, money=True),
    Column("Tổng cộng", 14, money=True),
    Column("Mã giao dịch", 16),
    # Last, so the columns before it keep their places: a one-off (funeral allowance) in the total.
    Column("Trợ cấp một lần", 14, money=True),
    # Appended likewise: what an outstanding recovery of the case takes off (in the total).
    Column("Khấu trừ thu hồi", 14, money=True),
)


def payment_row(number: int, line: ExportLine) -> list[Cell]:
    return [
        number,
        line.ss_code,
        line.full_name,
        line.commune_code,
        line.programme,
        line.category,
        CHANNEL_LABELS[line.channel],
        bank_label(line),
        line.account_number,
        line.account_name,
        line.amount,
        line.arrears,
        line.total,
        line.end_to_end_id,
        line.one_off,
        line.deduction,
    ]


class HeaderTitles:
    """The header a commune prints above its list."""

    document_title = "DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI"

    def title_rows(self) -> Sequence[str]:
        header = self.header  # type: ignore[attr-defined]
        return (
            self.document_title,
            f"Xã/phường: {header.commune_label}",
            f"Tháng: {header.period_label}",
            f"Chế độ: {header.programme_label}",
            f"Đợt chi trả số {header.batch_id} · mã tệp {header.msg_id}"
            + (f" · nhật ký {header.audit_chain_head[:16]}" if header.audit_chain_head else ""),
        )


@register
class PaymentListXlsx(HeaderTitles, XlsxListExporter):
    """The payment list as a commune prints it: header, one row per line, totals, total in words."""

    key = "xlsx"

    def columns(self) -> Sequence[Column]:
        return PAYMENT_COLUMNS

    def row(self, number: int, line: ExportLine) -> Sequence[Cell]:
        return payment_row(number, line)

    def footer_rows(self, totals: Totals) -> Sequence[Sequence[Cell]]:
        width = len(PAYMENT_COLUMNS)
        total_row: list[Cell] = [None] * width
        total_row[1] = f"Tổng cộng: {totals.count} người"
        total_row[10], total_row[11], total_row[12] = totals.amount, totals.arrears, totals.total
        total_row[14] = totals.one_off
        total_row[15] = totals.deduction
        return (total_row, words_row(totals, width))


@register
class PaymentListCsv(CsvListExporter):
    """Every line as CSV (UTF-8 with BOM), the same columns as the printed list."""

    key = "csv"

    def columns(self) -> Sequence[Column]:
        return PAYMENT_COLUMNS

    def row(self, number: int, line: ExportLine) -> Sequence[Cell]:
        return payment_row(number, line)


CASH_COLUMNS = (
    Column("STT", 6),
    Column("Mã số", 14),
    Column("Họ và tên", 26),
    Column("Mã xã", 8),
    Column("Đối tượng", 22),
    Column("Số tiền tháng", 14, money=True),
    Column("Truy lĩnh", 12, money=True),
    Column("Tổng cộng", 14, money=True),
    Column("Mã giao dịch", 16),
    Column("Ngày nhận", 12),
    Column("Ký nhận", 24),
)


@register
class CashListXlsx(HeaderTitles, XlsxListExporter):
    """The paying agent's list (Vietnam Post, Viettel): cash lines only, a row tall enough to sign.

    The agent returns what was paid as the bank-answer CSV (end_to_end_id,status,reason,paid_at).
    """

    key = "cash_xlsx"
    channels = frozenset({"cash"})
    document_title = "DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI BẰNG TIỀN MẶT"
    sheet_name = "Chi tiền mặt"
    row_height = 30

    @property
    def filename(self) -> str:
        return f"chi-tien-mat-{self.header.period}-{self.header.batch_id}.xlsx"

    def columns(self) -> Sequence[Column]:
        return CASH_COLUMNS

    def row(self, number: int, line: ExportLine) -> Sequence[Cell]:
        return [
            number,
            line.ss_code,
            line.full_name,
            line.commune_code,
            line.category,
            line.amount,
            line.arrears,
            line.total,
            line.end_to_end_id,
            None,
            None,
        ]

    def footer_rows(self, totals: Totals) -> Sequence[Sequence[Cell]]:
        width = len(CASH_COLUMNS)
        total_row: list[Cell] = [None] * width
        total_row[1] = f"Tổng cộng: {totals.count} người"
        total_row[5], total_row[6], total_row[7] = totals.amount, totals.arrears, totals.total
        blank: list[Cell] = [None] * width
        signatures: list[Cell] = [None] * width
        signatures[1] = "Người lập danh sách"
        signatures[4] = "Nhân viên chi trả"
        signatures[8] = "Xác nhận của UBND xã"
        return (total_row, words_row(totals, width), blank, signatures)
