"""Reading the bank's answer: CSV (and the paying agent's cash list) or pain.002.001.03."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from payments.bank_answers import MAX_ANSWER_BYTES, BankAnswer, BankAnswerError, parse_bank_answer

CSV_ANSWER = (
    "end_to_end_id,status,reason,paid_at\r\n"
    "B7-L1,paid,,2026-05-20\r\n"
    "B7-L2,failed,Tài khoản đã đóng,\r\n"
    "B7-L3,ACSC,,21/05/2026\r\n"
    "B7-L4,rjct,Sai tên chủ tài khoản,\r\n"
)

PAIN002 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
  <CstmrPmtStsRpt>
    <GrpHdr>
      <MsgId>VCB-STS-0001</MsgId>
      <CreDtTm>2026-05-21T09:15:00+07:00</CreDtTm>
    </GrpHdr>
    <OrgnlGrpInfAndSts>
      <OrgnlMsgId>SSR-2026-05-7</OrgnlMsgId>
      <OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>
      <GrpSts>PART</GrpSts>
    </OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>SSR-2026-05-7-P1</OrgnlPmtInfId>
      <TxInfAndSts>
        <OrgnlEndToEndId>B7-L1</OrgnlEndToEndId>
        <TxSts>ACSC</TxSts>
        <AccptncDtTm>2026-05-20T10:00:00+07:00</AccptncDtTm>
      </TxInfAndSts>
      <TxInfAndSts>
        <OrgnlEndToEndId>B7-L2</OrgnlEndToEndId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf>
          <Rsn><Cd>AC04</Cd></Rsn>
          <AddtlInf>Tài khoản đã đóng</AddtlInf>
        </StsRsnInf>
      </TxInfAndSts>
      <TxInfAndSts>
        <OrgnlEndToEndId>B7-L3</OrgnlEndToEndId>
        <TxSts>ACCP</TxSts>
      </TxInfAndSts>
      <TxInfAndSts>
        <OrgnlEndToEndId>B7-L5</OrgnlEndToEndId>
        <TxSts>PDNG</TxSts>
      </TxInfAndSts>
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>
"""


def pain002(transactions: str, group_status: str = "PART", payment_status: str = "") -> bytes:
    status = f"<PmtInfSts>{payment_status}</PmtInfSts>" if payment_status else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-05-21T09:15:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>SSR</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>
<GrpSts>{group_status}</GrpSts></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>P1</OrgnlPmtInfId>{status}{transactions}</OrgnlPmtInfAndSts>
</CstmrPmtStsRpt></Document>""".encode()


def error_of(data: bytes, filename: str = "") -> str:
    with pytest.raises(BankAnswerError) as caught:
        parse_bank_answer(data, filename)
    assert caught.value.code == "bank_answer_invalid"
    return caught.value.message


def test_csv_answer_with_partial_failure():
    answers = parse_bank_answer(CSV_ANSWER.encode(), "answer.csv")
    assert answers == [
        BankAnswer("B7-L1", True, "", date(2026, 5, 20), False),
        BankAnswer("B7-L2", False, "Tài khoản đã đóng", None, False),
        BankAnswer("B7-L3", True, "", date(2026, 5, 21), False),
        BankAnswer("B7-L4", False, "Sai tên chủ tài khoản", None, False),
    ]


def test_csv_with_bom_semicolons_reversal_column_and_duplicates_kept():
    data = (
        "\ufeffEnd_To_End_Id;Status;Reason;Paid_At;Reversal\n"
        "B7-L1;failed;Hoàn trả: sai người nhận;;1\n"
        "B7-L1;failed;;;0\n"
        ";;;;\n"
        "B7-L9;paid;;2026-05-20;\n"
    ).encode()
    answers = parse_bank_answer(data)
    assert [(a.end_to_end_id, a.paid, a.reversal) for a in answers] == [
        ("B7-L1", False, True),
        ("B7-L1", False, False),
        ("B7-L9", True, False),
    ]


def test_paying_agent_cash_list_comes_back_as_the_same_csv():
    data = "end_to_end_id,status,reason,paid_at\nB7-L4,paid,,15/05/2026\nB7-L8,failed,Vắng nhà,\n"
    answers = parse_bank_answer(data.encode(), "chi-tien-mat.csv")
    assert [(a.end_to_end_id, a.paid, a.paid_at) for a in answers] == [
        ("B7-L4", True, date(2026, 5, 15)),
        ("B7-L8", False, None),
    ]


def test_pain002_statuses_reasons_and_dates():
    answers = parse_bank_answer(PAIN002.encode(), "status.xml")
    assert answers == [
        BankAnswer("B7-L1", True, "", date(2026, 5, 20), False),
        BankAnswer("B7-L2", False, "AC04: Tài khoản đã đóng", None, False),
        # No AccptncDtTm: the date of the report.
        BankAnswer("B7-L3", True, "", date(2026, 5, 21), False),
        # PDNG is not final: left out.
    ]


def test_pain002_transaction_inherits_the_payment_status_and_proprietary_reason():
    tx = (
        "<TxInfAndSts><OrgnlEndToEndId>B7-L1</OrgnlEndToEndId>"
        "<StsRsnInf><Rsn><Prtry>NAPAS-05</Prtry></Rsn><AddtlInf>Ngân hàng nhận</AddtlInf>"
        "<AddtlInf>không phản hồi</AddtlInf></StsRsnInf></TxInfAndSts>"
    )
    answers = parse_bank_answer(pain002(tx, group_status="RJCT", payment_status="RJCT"))
    assert answers == [
        BankAnswer("B7-L1", False, "NAPAS-05: Ngân hàng nhận không phản hồi", None, False)
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "Tệp trống"),
        (b"id,status\nB1,paid\n", "Dòng tiêu đề"),
        (b"end_to_end_id,status,reason,paid_at,amount\nB1,paid,,\n", "Dòng tiêu đề"),
        (b"end_to_end_id,status,reason,paid_at\n", "không có dòng"),
        (b"end_to_end_id,status,reason,paid_at\nB1,done,,\n", "Dòng 2: trạng thái"),
        (b"end_to_end_id,status,reason,paid_at\nB1,paid,,\nB2,paid,,2026-13-01\n", "Dòng 3"),
        (b"end_to_end_id,status,reason,paid_at\nB1,paid\n", "Dòng 2: có 2 cột"),
        (b"end_to_end_id,status,reason,paid_at\n,paid,,\n", "Dòng 2: end_to_end_id"),
        (b"end_to_end_id,status,reason,paid_at,reversal\nB1,failed,,,maybe\n", "reversal"),
        (b"end_to_end_id,status,reason,paid_at\nB1,failed,T\xe0i kho\xe3n,\n", "UTF-8"),
    ],
    ids=[
        "empty",
        "bad-header",
        "unknown-column",
        "no-rows",
        "unknown-status",
        "bad-date",
        "short-row",
        "no-reference",
        "bad-reversal",
        "not-utf8",
    ],
)
def test_malformed_csv_names_the_problem(data, expected):
    assert expected in error_of(data)


def test_long_reference_is_refused():
    data = ("end_to_end_id,status,reason,paid_at\n" + "X" * 36 + ",paid,,\n").encode()
    assert "Dòng 2" in error_of(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt><x>',
            "không đọc được",
        ),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>',
            "không phải pain.002",
        ),
        (b"<html><body>Login</body></html>", "không phải pain.002"),
        (pain002(""), "không có giao dịch"),
        (pain002("", group_status="RJCT"), "từ chối"),
        (
            pain002("<TxInfAndSts><TxSts>ACSC</TxSts></TxInfAndSts>"),
            "TxInfAndSts thứ 1: thiếu OrgnlEndToEndId",
        ),
        (
            pain002(
                "<TxInfAndSts><OrgnlEndToEndId>A</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>"
                "<TxInfAndSts><OrgnlEndToEndId>B</OrgnlEndToEndId><TxSts>OK</TxSts></TxInfAndSts>"
            ),
            "TxInfAndSts thứ 2 (B)",
        ),
        (
            pain002(
                "<TxInfAndSts><OrgnlEndToEndId>A</OrgnlEndToEndId><TxSts>ACSC</TxSts>"
                "<AccptncDtTm>hôm qua</AccptncDtTm></TxInfAndSts>"
            ),
            "ngày giờ",
        ),
    ],
    ids=[
        "broken",
        "pain001",
        "html",
        "no-transactions",
        "all-rejected",
        "no-id",
        "bad-status",
        "bad-date",
    ],
)
def test_malformed_xml_names_the_element(data, expected):
    assert expected in error_of(data)


def test_xml_entities_are_refused_and_never_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file://{secret}">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
<OrgnlPmtInfAndSts><TxInfAndSts><OrgnlEndToEndId>&xxe;</OrgnlEndToEndId><TxSts>ACSC</TxSts>
</TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>""".encode()
    message = error_of(xxe)
    assert "DOCTYPE" in message and "TOP-SECRET" not in message
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
    )
    assert "DOCTYPE" in error_of(laughs)


def test_huge_files_are_refused_before_parsing():
    data = b"end_to_end_id,status,reason,paid_at\n" + b" " * (MAX_ANSWER_BYTES + 1)
    assert "quá lớn" in error_of(data)


def test_xml_named_file_that_is_not_xml():
    assert ".xml" in error_of(b"end_to_end_id,status,reason,paid_at\n", "status.xml")


def test_messages_follow_the_user_language():
    with translation.override("en"):
        message = error_of(b"end_to_end_id,status,reason,paid_at\nB1,done,,\n")
    assert "Row 2" in message
