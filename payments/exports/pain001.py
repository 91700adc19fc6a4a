"""ISO 20022 pain.001.001.03 (customer credit transfer initiation), streamed with `etree.xmlfile`.

One group header, one `PmtInf` for the header's debtor account, one `CdtTrfTxInf` per cashless
line. The group header comes first in the schema, so its `NbOfTxs`/`CtrlSum` are taken from the
header (the caller's aggregate query over the cashless lines) and checked against the lines as
they go by: a mismatch raises `ExportError` before the document is closed, so no complete (and
wrong) file is ever produced. Amounts are whole đồng (`Ccy="VND"`, no decimals). Names and the
remittance text are cut to the schema's 140 characters without breaking a character; the
remittance text (and a missing account name, from the full name) is folded to ASCII because Vietnamese interbank transfers (NAPAS) carry no
diacritics. Each transaction is built as a small element without a namespace and written into the
default-namespaced document, which is both valid and about twice as fast as namespaced elements.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from lxml import etree

from payments.exports.base import (
    CASHLESS,
    Exporter,
    ExportError,
    ExportLine,
    Totals,
    register,
)
from payments.exports.text import cut, fold, vnd

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
XSD_PATH = Path(__file__).resolve().parent.parent / "schemas" / "pain.001.001.03.xsd"
NAME_MAX = 140  # Max140Text: Nm, Ustrd
ID_MAX = 35  # Max35Text: MsgId, PmtInfId, EndToEndId, Othr/Id of an agent
ACCOUNT_MAX = 34  # Max34Text: Othr/Id of an account
NOT_PROVIDED = "NOTPROVIDED"
BIC_PATTERN = re.compile(r"[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?")  # BICIdentifier in the XSD


def _leaf(parent: etree._Element, tag: str, text: str, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrib)
    element.text = text
    return element


def _agent(parent: etree._Element, tag: str, bic: str, other_id: str) -> None:
    """`<tag><FinInstnId>`: the BIC when known (and well formed), else the NAPAS BIN as `Othr/Id`."""
    institution = etree.SubElement(etree.SubElement(parent, tag), "FinInstnId")
    if bic and BIC_PATTERN.fullmatch(bic):
        _leaf(institution, "BIC", bic)
    else:
        _leaf(etree.SubElement(institution, "Othr"), "Id", cut(other_id or NOT_PROVIDED, ID_MAX))


def _account(parent: etree._Element, tag: str, number: str) -> None:
    identifier = etree.SubElement(etree.SubElement(parent, tag), "Id")
    _leaf(etree.SubElement(identifier, "Othr"), "Id", cut(number, ACCOUNT_MAX))


class _Sink:
    """The file object xmlfile writes into; `drain()` hands over what was written so far."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        return data


@register
class Pain001Exporter(Exporter):
    key = "pain001"
    content_type = "application/xml"
    extension = "xml"
    channels = CASHLESS
    _remittance_prefix: str | None = None

    def remittance(self, line: ExportLine) -> str:
        """ "TRO CAP XA HOI HANG THANG T05/2026 QT-000001": what the recipient's statement shows."""
        if self._remittance_prefix is None:
            header = self.header
            self._remittance_prefix = fold(f"{header.programme_label} T{header.period_label}")
        return cut(f"{self._remittance_prefix} {fold(line.ss_code)}", NAME_MAX)

    def selected(self) -> Iterator[ExportLine]:
        # A line a recovery takes off in full transfers nothing (export_header agrees).
        for line in super().selected():
            if not (line.deduction > 0 and line.total == 0):
                yield line

    def transaction(self, line: ExportLine) -> etree._Element:
        if line.total <= 0:
            raise ExportError(f"line {line.end_to_end_id}: a transfer must be more than 0 VND")
        if not line.account_number:
            raise ExportError(f"line {line.end_to_end_id}: a cashless line needs an account number")
        tx = etree.Element("CdtTrfTxInf")
        _leaf(etree.SubElement(tx, "PmtId"), "EndToEndId", line.end_to_end_id)
        _leaf(etree.SubElement(tx, "Amt"), "InstdAmt", vnd(line.total), Ccy="VND")
        _agent(tx, "CdtrAgt", line.bank_bic, line.bank_bin)
        _leaf(
            etree.SubElement(tx, "Cdtr"),
            "Nm",
            cut(line.account_name or fold(line.full_name), NAME_MAX),
        )
        _account(tx, "CdtrAcct", line.account_number)
        _leaf(etree.SubElement(tx, "RmtInf"), "Ustrd", self.remittance(line))
        return tx

    def _counted_lines(self) -> tuple[int, Decimal, Iterable[ExportLine]]:
        header = self.header
        if header.line_count is not None and header.control_sum is not None:
            return header.line_count, header.control_sum, self.selected()
        # No totals from the caller: hold the cashless lines to count them (small batches only).
        lines = list(self.selected())
        return len(lines), sum((line.total for line in lines), Decimal(0)), lines

    def stream(self) -> Iterator[bytes]:
        header = self.header
        count, control_sum, lines = self._counted_lines()
        if count == 0:
            raise ExportError("pain.001 needs at least one cashless line")
        execution_date = header.execution_date or header.created_at.date()
        sink = _Sink()
        totals = Totals()
        with etree.xmlfile(sink, encoding="UTF-8") as xf:
            xf.write_declaration()
            with xf.element("Document", nsmap={None: NAMESPACE}):
                with xf.element("CstmrCdtTrfInitn"):
                    group = etree.Element("GrpHdr")
                    _leaf(group, "MsgId", header.msg_id)
                    _leaf(group, "CreDtTm", header.created_at.isoformat(timespec="seconds"))
                    _leaf(group, "NbOfTxs", str(count))
                    _leaf(group, "CtrlSum", vnd(control_sum))
                    _leaf(
                        etree.SubElement(group, "InitgPty"), "Nm", cut(header.debtor_name, NAME_MAX)
                    )
                    xf.write("\n", group, "\n")
                    with xf.element("PmtInf"):
                        info = etree.Element("PmtInf")
                        _leaf(info, "PmtInfId", cut(f"{header.msg_id[:28]}-P1", ID_MAX))
                        _leaf(info, "PmtMtd", "TRF")
                        _leaf(info, "NbOfTxs", str(count))
                        _leaf(info, "CtrlSum", vnd(control_sum))
                        _leaf(info, "ReqdExctnDt", execution_date.isoformat())
                        _leaf(
                            etree.SubElement(info, "Dbtr"), "Nm", cut(header.debtor_name, NAME_MAX)
                        )
                        _account(info, "DbtrAcct", header.debtor_account)
                        _agent(info, "DbtrAgt", header.debtor_bic, "")
                        for child in info:
                            xf.write(child)
                        xf.write("\n")
                        for line in lines:
                            totals.add(line)
                            xf.write(self.transaction(line), "\n")
                            if sink.size >= self.chunk_size:
                                xf.flush()
                                yield sink.drain()
                        if totals.count != count or totals.total != control_sum:
                            raise ExportError(
                                f"header says {count} lines, {control_sum} VND; the lines are "
                                f"{totals.count}, {totals.total} VND"
                            )
        yield sink.drain()


_SCHEMA: etree.XMLSchema | None = None


def pain001_schema() -> etree.XMLSchema:
    """The pain.001.001.03 XSD shipped in payments/schemas (parsed once)."""
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = etree.XMLSchema(etree.parse(str(XSD_PATH)))
    return _SCHEMA


def validate_pain001(document: bytes) -> None:
    """Raise `ExportError` with the schema's first complaint when `document` is not valid."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    tree = etree.parse(io.BytesIO(document), parser)
    schema = pain001_schema()
    if not schema.validate(tree):
        raise ExportError(str(schema.error_log.last_error))
