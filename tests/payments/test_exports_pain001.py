"""pain.001.001.03: valid against the XSD, totals to the đồng, same bytes twice, cashless only."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from payments.exports import EXPORTERS, ExportError, ExportHeader, ExportLine, validate_pain001
from payments.exports.pain001 import NAMESPACE, pain001_schema

NS = {"p": NAMESPACE}


def header(**changes) -> ExportHeader:
    values = dict(
        batch_id=7,
        msg_id="SSR-2026-05-7",
        created_at=datetime(2026, 5, 12, 1, 30, tzinfo=UTC),
        period="2026-05",
        commune_label="Xã Đông Hà, huyện Gio Linh",
        programme_label="Trợ cấp xã hội hằng tháng",
        debtor_name="Phòng Lao động - Thương binh và Xã hội huyện Gio Linh",
        debtor_account="0771000123456",
        debtor_bic="BFTVVNVX",
        audit_chain_head="9f2c" * 16,
    )
    values.update(changes)
    return ExportHeader(**values)


def line(number: int = 1, **changes) -> ExportLine:
    values = dict(
        end_to_end_id=f"B7-L{number}",
        ss_code=f"QT-{number:06d}",
        full_name="Nguyễn Thị Hồng Nhung",
        commune_code="19234",
        programme="Trợ cấp xã hội",
        category="Người cao tuổi từ đủ 80 tuổi",
        amount=Decimal("500000"),
        arrears=Decimal("0"),
        channel="bank",
        bank_bin="970436",
        bank_bic="BFTVVNVX",
        account_number="0123456789012",
        account_name="NGUYEN THI HONG NHUNG",
    )
    values.update(changes)
    return ExportLine(**values)


def mixed_lines(count: int) -> list[ExportLine]:
    """Bank (with and without a BIC), e-wallet and cash lines in turn."""
    result = []
    for n in range(1, count + 1):
        kind = n % 4
        if kind == 0:
            result.append(line(n, channel="cash", bank_bin="", bank_bic="", account_number=""))
        elif kind == 1:
            result.append(line(n))
        elif kind == 2:
            result.append(line(n, bank_bin="970422", bank_bic="", arrears=Decimal("150000")))
        else:
            result.append(
                line(n, channel="ewallet", bank_bin="971005", account_number="0987654321")
            )
    return result


def cashless_totals(lines: list[ExportLine]) -> tuple[int, Decimal]:
    chosen = [item for item in lines if item.channel != "cash"]
    return len(chosen), sum((item.total for item in chosen), Decimal(0))


def export(lines: list[ExportLine], with_totals: bool = True, **changes) -> bytes:
    if with_totals:
        count, total = cashless_totals(lines)
        changes = {"line_count": count, "control_sum": total, **changes}
    return b"".join(EXPORTERS["pain001"](header(**changes), iter(lines)).stream())


def parse(document: bytes) -> etree._Element:
    return etree.parse(io.BytesIO(document)).getroot()


def test_valid_against_the_xsd_with_totals_from_the_lines():
    lines = mixed_lines(12)
    document = export(lines)
    tree = etree.parse(io.BytesIO(document))
    assert pain001_schema().validate(tree), pain001_schema().error_log
    root = tree.getroot()
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "9"
    # 9 cashless lines: 3 at 500,000 + 3 at 650,000 + 3 at 500,000
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "4950000"
    assert len(root.findall(".//p:PmtInf", NS)) == 1
    assert root.findtext(".//p:PmtInf/p:CtrlSum", namespaces=NS) == "4950000"
    assert root.findtext(".//p:GrpHdr/p:CreDtTm", namespaces=NS) == "2026-05-12T01:30:00+00:00"


def test_only_cashless_lines_each_with_a_unique_end_to_end_id():
    lines = mixed_lines(40)
    root = parse(export(lines))
    ids = [e.text for e in root.iterfind(".//p:CdtTrfTxInf/p:PmtId/p:EndToEndId", NS)]
    assert ids == [item.end_to_end_id for item in lines if item.channel != "cash"]
    assert len(set(ids)) == len(ids)


def test_transaction_names_account_bank_and_amount_in_whole_vnd():
    lines = [
        line(1, amount=Decimal("500000"), arrears=Decimal("1000000")),
        line(2, bank_bin="970422", bank_bic=""),
    ]
    root = parse(export(lines))
    first, second = root.findall(".//p:CdtTrfTxInf", NS)
    amount = first.find("p:Amt/p:InstdAmt", NS)
    assert (amount.text, amount.get("Ccy")) == ("1500000", "VND")
    assert first.findtext("p:Cdtr/p:Nm", namespaces=NS) == "NGUYEN THI HONG NHUNG"
    assert first.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "0123456789012"
    assert first.findtext("p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "BFTVVNVX"
    # No BIC known: the bank is named by its NAPAS BIN.
    assert second.find("p:CdtrAgt/p:FinInstnId/p:BIC", NS) is None
    assert second.findtext("p:CdtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=NS) == "970422"
    ustrd = first.findtext("p:RmtInf/p:Ustrd", namespaces=NS)
    assert ustrd == "TRO CAP XA HOI HANG THANG T05/2026 QT-000001"


def test_re_export_is_byte_identical():
    lines = mixed_lines(30)
    assert export(lines) == export(lines)
    # Without totals from the caller the exporter counts first: the same bytes again.
    assert export(lines, with_totals=False) == export(lines)


def test_long_vietnamese_names_are_cut_at_a_character_boundary():
    long_name = "Tôn Nữ Hoàng Thị Phương Thảo " * 10  # 290 characters
    decomposed = unicodedata.normalize("NFD", long_name)  # combining marks as typed on some phones
    lines = [line(1, account_name=decomposed), line(2, account_name="")]
    debtor = "Ủy ban nhân dân xã Đông Hà " * 8
    document = export(lines, debtor_name=debtor)
    validate_pain001(document)
    root = parse(document)
    name = root.findtext(".//p:CdtTrfTxInf/p:Cdtr/p:Nm", namespaces=NS)
    assert len(name) <= 140
    assert unicodedata.normalize("NFC", long_name).startswith(name)
    assert not unicodedata.combining(name[-1])
    assert len(root.findtext(".//p:GrpHdr/p:InitgPty/p:Nm", namespaces=NS)) <= 140
    # No account name: the person's full name stands in, as banks write it.
    names = root.findall(".//p:CdtTrfTxInf/p:Cdtr/p:Nm", NS)
    assert names[1].text == "NGUYEN THI HONG NHUNG"


def test_execution_date_and_debtor_without_bic():
    document = export([line(1)], execution_date=date(2026, 5, 20), debtor_bic="")
    validate_pain001(document)
    root = parse(document)
    assert root.findtext(".//p:PmtInf/p:ReqdExctnDt", namespaces=NS) == "2026-05-20"
    assert root.findtext(".//p:DbtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=NS) == "NOTPROVIDED"


def test_header_totals_that_do_not_match_the_lines_raise():
    lines = mixed_lines(8)
    count, total = cashless_totals(lines)
    with pytest.raises(ExportError, match="header says"):
        export(lines, line_count=count, control_sum=total + 1)
    with pytest.raises(ExportError, match="header says"):
        export(lines, line_count=count + 1, control_sum=total)


def test_refuses_fractions_of_a_dong_zero_transfers_and_no_cashless_line():
    with pytest.raises(ValueError):
        export([line(1, amount=Decimal("500000.5"))], with_totals=False)
    with pytest.raises(ExportError):
        export([line(1, amount=Decimal(0))], with_totals=False)
    with pytest.raises(ExportError):
        export([line(1, channel="cash")], with_totals=False)
    with pytest.raises(ExportError, match="account number"):
        export([line(1, account_number="")], with_totals=False)


def test_a_malformed_bic_falls_back_to_the_bin():
    document = export([line(1, bank_bic="vcb"), line(2, bank_bic="BFTVVNVX")], debtor_bic="X")
    validate_pain001(document)
    root = parse(document)
    agents = root.findall(".//p:CdtTrfTxInf/p:CdtrAgt/p:FinInstnId", NS)
    assert agents[0].findtext("p:Othr/p:Id", namespaces=NS) == "970436"
    assert agents[1].findtext("p:BIC", namespaces=NS) == "BFTVVNVX"


def test_long_lists_are_streamed_in_chunks():
    lines = mixed_lines(2000)
    count, total = cashless_totals(lines)
    exporter = EXPORTERS["pain001"](header(line_count=count, control_sum=total), iter(lines))
    chunks = list(exporter.stream())
    assert len(chunks) > 3
    validate_pain001(b"".join(chunks))


amounts = st.integers(min_value=1, max_value=50_000_000).map(Decimal)
arrears = st.integers(min_value=0, max_value=20_000_000).map(Decimal)
channels = st.sampled_from(["bank", "ewallet", "cash"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(amounts, arrears, channels), min_size=1, max_size=60))
def test_ctrl_sum_equals_the_lines_to_the_dong(rows):
    lines = [
        line(n, amount=amount, arrears=extra, channel=channel)
        for n, (amount, extra, channel) in enumerate(rows, start=1)
    ]
    if all(item.channel == "cash" for item in lines):
        lines.append(line(len(lines) + 1))
    document = export(lines, with_totals=False)
    validate_pain001(document)
    root = parse(document)
    expected = sum((item.total for item in lines if item.channel != "cash"), Decimal(0))
    written = [Decimal(e.text) for e in root.iterfind(".//p:InstdAmt", NS)]
    assert Decimal(root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS)) == expected
    assert sum(written, Decimal(0)) == expected
    assert int(root.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS)) == len(written)
