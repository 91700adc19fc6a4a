"""The lists people read: the commune's xlsx, the CSV, the paying agent's cash list, a bank template."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from payments.exports import EXPORTERS
from payments.exports.base import Exporter
from tests.payments.test_exports_pain001 import header, line, mixed_lines

NAME = "Trần Thị Ngọc Ánh Hồ Đắc Ưng"


def export(key: str, lines, **changes) -> bytes:
    return b"".join(EXPORTERS[key](header(**changes), iter(lines)).stream())


def sheet_rows(document: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(document), read_only=True)
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def csv_rows(document: bytes) -> list[list[str]]:
    assert document.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(document.decode("utf-8-sig"), newline="")))


def test_registry_holds_every_format_with_its_content_type():
    assert set(EXPORTERS) == {"xlsx", "csv", "pain001", "cash_xlsx", "vcb_bulk"}
    for key, cls in EXPORTERS.items():
        assert issubclass(cls, Exporter)
        assert cls.key == key and cls.content_type and cls.extension
    assert EXPORTERS["csv"].content_type.startswith("text/csv")
    assert EXPORTERS["pain001"](header(), []).filename == "chi-tra-2026-05-7-pain001.xml"


def test_commune_list_has_header_rows_totals_and_the_total_in_words():
    lines = [
        line(1, full_name=NAME, amount=Decimal("500000"), arrears=Decimal("250000")),
        line(2, channel="cash", bank_bin="", bank_bic="", account_number="", account_name=""),
        line(3, channel="ewallet", bank_bin="971005", amount=Decimal("250000")),
    ]
    rows = sheet_rows(export("xlsx", lines))
    texts = [row[0] for row in rows if row and isinstance(row[0], str)]
    assert texts[0] == "DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI"
    assert "Xã/phường: Xã Đông Hà, huyện Gio Linh" in texts
    assert "Tháng: 05/2026" in texts
    assert "Chế độ: Trợ cấp xã hội hằng tháng" in texts
    heading_at = next(i for i, row in enumerate(rows) if row[0] == "STT")
    body = rows[heading_at + 1 : heading_at + 4]
    assert [row[0] for row in body] == [1, 2, 3]
    assert body[0][2] == NAME  # diacritics exact after a round trip
    assert [row[6] for row in body] == ["Ngân hàng", "Tiền mặt", "Ví điện tử"]
    assert [row[7] for row in body] == ["Vietcombank", None, "Viettel Money"]
    assert [row[12] for row in body] == [750000, 500000, 250000]
    total = rows[heading_at + 4]
    assert total[1] == "Tổng cộng: 3 người"
    assert (total[10], total[11], total[12]) == (1250000, 250000, 1500000)
    assert rows[heading_at + 5][0] == "Số tiền bằng chữ: Một triệu năm trăm nghìn đồng"


def test_xlsx_re_export_is_byte_identical():
    lines = mixed_lines(50)
    assert export("xlsx", lines) == export("xlsx", lines)
    assert export("cash_xlsx", lines) == export("cash_xlsx", lines)


def test_cash_list_holds_only_cash_lines_with_a_signature_column():
    lines = mixed_lines(12)  # every 4th line is cash
    rows = sheet_rows(export("cash_xlsx", lines))
    assert rows[0][0] == "DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI BẰNG TIỀN MẶT"
    heading_at = next(i for i, row in enumerate(rows) if row[0] == "STT")
    heading = rows[heading_at]
    assert heading[-1] == "Ký nhận"
    body = rows[heading_at + 1 : heading_at + 4]
    assert [row[8] for row in body] == ["B7-L4", "B7-L8", "B7-L12"]
    assert all(row[-1] is None for row in body)  # left blank for the signature
    assert rows[heading_at + 4][1] == "Tổng cộng: 3 người"
    assert rows[heading_at + 5][0] == "Số tiền bằng chữ: Một triệu năm trăm nghìn đồng"
    assert "Nhân viên chi trả" in rows[-1]


def test_cashless_formats_leave_cash_lines_out():
    lines = mixed_lines(8)
    bulk = csv_rows(export("vcb_bulk", lines))
    assert [row[0] for row in bulk[1:]] == ["1", "2", "3", "4", "5", "6"]
    assert all("B7-L4" not in row[5] and "B7-L8" not in row[5] for row in bulk[1:])
    everything = csv_rows(export("csv", lines))
    assert len(everything) == 1 + 8


def test_csv_has_a_bom_exact_diacritics_and_amounts_as_digits():
    document = export("csv", [line(1, full_name=NAME, arrears=Decimal("1000000"))])
    rows = csv_rows(document)
    assert rows[0][:3] == ["STT", "Mã số", "Họ và tên"]
    assert rows[1][2] == NAME
    assert rows[1][10:13] == ["500000", "1000000", "1500000"]


def test_csv_and_xlsx_cells_cannot_start_a_formula():
    hostile = [
        '=HYPERLINK("http://x")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\tTAB",
        "\rCR",
    ]
    lines = [line(n, full_name=text, account_name=text) for n, text in enumerate(hostile, start=1)]
    rows = csv_rows(export("csv", lines))
    assert [row[2] for row in rows[1:]] == ["'" + text for text in hostile]
    sheet = sheet_rows(export("xlsx", lines))
    names = [row[2] for row in sheet if row[0] in range(1, 7)]
    # (openpyxl reads XlsxWriter's escaped carriage return back as "_x000D_")
    assert [name.replace("_x000D_", "\r") for name in names] == ["'" + text for text in hostile]
    bank = csv_rows(export("vcb_bulk", lines))
    assert all(not row[2].startswith(("=", "+", "-", "@")) for row in bank[1:])


def test_bank_template_example_folds_names_and_writes_whole_dong():
    rows = csv_rows(export("vcb_bulk", [line(1, account_name="Nguyễn Thị Hồng Nhung")]))
    assert rows[0] == [
        "STT",
        "So tai khoan nguoi huong",
        "Ten nguoi huong",
        "Ma ngan hang (BIN)",
        "So tien",
        "Noi dung",
    ]
    assert rows[1] == [
        "1",
        "0123456789012",
        "NGUYEN THI HONG NHUNG",
        "970436",
        "500000",
        "TRO CAP T05/2026 QT-000001 B7-L1",
    ]


def test_csv_streams_in_several_chunks_one_pass_over_the_lines():
    consumed = []

    def lines():
        for item in mixed_lines(2000):
            consumed.append(item)
            yield item

    chunks = EXPORTERS["csv"](header(), lines()).stream()
    first_two = [next(chunks), next(chunks)]
    assert len(consumed) < 2000  # the first chunks leave before the last line is read
    rest = list(chunks)
    assert len(consumed) == 2000
    assert len(csv_rows(b"".join(first_two + rest))) == 2001
