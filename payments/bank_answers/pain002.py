"""The answer as ISO 20022 pain.002.001.03 (customer payment status report), read by element names.

Each `TxInfAndSts` gives `OrgnlEndToEndId` and `TxSts`: ACSC/ACCP paid, RJCT failed with the
reason from `StsRsnInf` (`Rsn/Cd` or `Rsn/Prtry`, then the `AddtlInf` texts). A transaction
without its own `TxSts` takes its payment information's `PmtInfSts`, else the group's `GrpSts`.
Statuses that are not final yet (RCVD, PDNG, ACTC, ACSP, ACWC) are left out: those lines stay
exported until a later answer settles them. `paid_at` is the date of `AccptncDtTm`, else of the
report's `CreDtTm`.

The official pain.002.001.03 XSD is not shipped (no copy we could vouch for), so the file is
checked by namespace and element names instead. The parser never fetches or expands anything: a
DOCTYPE is refused outright, and lxml runs with resolve_entities=False, no_network=True,
load_dtd=False; `iterparse` clears each transaction once read, so memory stays flat.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from django.utils.translation import gettext as _
from lxml import etree

from payments.bank_answers.base import (
    END_TO_END_ID_MAX,
    FAILED_CODES,
    PAID_CODES,
    BankAnswer,
    BankAnswerError,
)

NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:pain.002.001."
PENDING_CODES = frozenset({"RCVD", "PDNG", "ACTC", "ACSP", "ACWC"})


def _local(tag: object) -> str:
    # "{urn:…}TxSts" → "TxSts"; comments and processing instructions have no string tag.
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child(element: etree._Element, *path: str) -> etree._Element | None:
    for name in path:
        found = None
        for child in element:
            if _local(child.tag) == name:
                found = child
                break
        if found is None:
            return None
        element = found
    return element


def _text(element: etree._Element, *path: str) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _iso_date(text: str, where: str) -> date | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise BankAnswerError(
            _("%(where)s: ngày giờ “%(value)s” không hợp lệ.")
            % {"where": where, "value": text[:40]}
        ) from None


def _reason(transaction: etree._Element) -> str:
    parts: list[str] = []
    for info in transaction:
        if _local(info.tag) != "StsRsnInf":
            continue
        code = _text(info, "Rsn", "Cd") or _text(info, "Rsn", "Prtry")
        texts = [(c.text or "").strip() for c in info if _local(c.tag) == "AddtlInf"]
        detail = " ".join(t for t in texts if t)
        parts.append(": ".join(p for p in (code, detail) if p))
    return "; ".join(p for p in parts if p)


def parse_pain002(data: bytes) -> list[BankAnswer]:
    head = data[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data.upper():
        raise BankAnswerError(_("Tệp XML có khai báo DOCTYPE/ENTITY: không được phép."))
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    answers: list[BankAnswer] = []
    group_status = payment_status = ""
    report_date: date | None = None
    payment_number = transaction_number = payment_transactions = 0
    root_checked = False
    try:
        for event, element in events:
            name = _local(element.tag)
            if event == "start":
                if not root_checked:
                    _check_root(element)
                    root_checked = True
                elif name == "OrgnlPmtInfAndSts":
                    payment_number += 1
                    payment_status, payment_transactions = "", 0
                continue
            if name == "CreDtTm" and _local(element.getparent().tag) == "GrpHdr":
                report_date = _iso_date((element.text or "").strip(), "GrpHdr/CreDtTm")
            elif name == "GrpSts":
                group_status = (element.text or "").strip().upper()
            elif name == "PmtInfSts":
                payment_status = (element.text or "").strip().upper()
            elif name == "TxInfAndSts":
                transaction_number += 1
                payment_transactions += 1
                answer = _transaction(
                    element, transaction_number, payment_status or group_status, report_date
                )
                if answer is not None:
                    answers.append(answer)
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
            elif name == "OrgnlPmtInfAndSts" and payment_transactions == 0:
                if (payment_status or group_status) in FAILED_CODES:
                    raise BankAnswerError(
                        _(
                            "OrgnlPmtInfAndSts thứ %(number)d: ngân hàng từ chối cả khối thanh "
                            "toán mà không liệt kê từng giao dịch; hãy xin tệp trả lời chi tiết."
                        )
                        % {"number": payment_number}
                    )
    except etree.XMLSyntaxError as error:
        raise BankAnswerError(
            _("Tệp XML không đọc được (dòng %(line)d): %(error)s.")
            % {"line": error.lineno or 0, "error": error.msg}
        ) from None
    if transaction_number == 0:
        if group_status in FAILED_CODES:
            raise BankAnswerError(
                _(
                    "Ngân hàng từ chối toàn bộ tệp (GrpSts RJCT) mà không liệt kê từng giao dịch; "
                    "hãy xin tệp trả lời chi tiết."
                )
            )
        raise BankAnswerError(_("Tệp pain.002 không có giao dịch nào (TxInfAndSts)."))
    return answers


def _check_root(root: etree._Element) -> None:
    namespace = etree.QName(root.tag).namespace or ""
    if _local(root.tag) != "Document" or not namespace.startswith(NAMESPACE_PREFIX):
        raise BankAnswerError(
            _("Tệp XML không phải pain.002.001.03 (phần tử gốc %(root)s).")
            % {"root": str(root.tag)[:120]}
        )


def _transaction(
    element: etree._Element, number: int, inherited: str, report_date: date | None
) -> BankAnswer | None:
    where = f"TxInfAndSts {number}"
    reference = _text(element, "OrgnlEndToEndId")
    if not reference or len(reference) > END_TO_END_ID_MAX:
        raise BankAnswerError(
            _("TxInfAndSts thứ %(number)d: thiếu OrgnlEndToEndId hoặc dài quá %(max)d ký tự.")
            % {"number": number, "max": END_TO_END_ID_MAX}
        )
    status = _text(element, "TxSts").upper() or inherited
    if status in PENDING_CODES:
        return None
    if status not in PAID_CODES | FAILED_CODES:
        raise BankAnswerError(
            _("TxInfAndSts thứ %(number)d (%(reference)s): trạng thái “%(status)s” không hợp lệ.")
            % {"number": number, "reference": reference, "status": status[:10] or "—"}
        )
    paid = status in PAID_CODES
    accepted = _iso_date(_text(element, "AccptncDtTm"), where)
    return BankAnswer(
        end_to_end_id=reference,
        paid=paid,
        reason="" if paid else _reason(element),
        paid_at=(accepted or report_date) if paid else None,
        reversal=False,
    )
