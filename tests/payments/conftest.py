"""Fixtures: two payment officers (one generates, the other approves) and the file formats.

The file formats (payments/exports, payments/bank_answers) are written in their own branch;
when they are not installed, small stand-ins with the same interface are put in their place so
that the lifecycle can be tested here.
"""

from __future__ import annotations

import csv
import io
import sys
import types
from dataclasses import dataclass
from datetime import date

import pytest

from tests.conftest import OWN_COMMUNE
from tests.factories import make_user


@pytest.fixture
def officer(db):
    return make_user("pay_a", "payment_officer", [OWN_COMMUNE])


@pytest.fixture
def second_officer(db):
    return make_user("pay_b", "payment_officer", [OWN_COMMUNE])


@dataclass(frozen=True)
class FakeAnswer:
    end_to_end_id: str
    paid: bool
    reason: str = ""
    paid_at: date | None = None
    reversal: bool = False


class FakeBankAnswerError(Exception):
    pass


def _fake_parse(data: bytes, filename: str = "") -> list[FakeAnswer]:
    try:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        return [
            FakeAnswer(
                end_to_end_id=row["end_to_end_id"],
                paid=row["status"] in ("paid", "reversal_paid"),
                reason=row.get("reason") or "",
                paid_at=date.fromisoformat(row["paid_at"]) if row.get("paid_at") else None,
                reversal=row["status"] == "reversed",
            )
            for row in rows
        ]
    except (KeyError, UnicodeDecodeError, ValueError) as exc:
        raise FakeBankAnswerError("Tệp không hợp lệ.") from exc


class FakeExporter:
    content_type = "text/csv"
    extension = "csv"

    def __init__(self, header, lines):
        self.header, self.lines = header, lines

    def stream(self):
        yield f"{self.header.msg_id},{self.header.created_at.isoformat()}\n".encode()
        for line in self.lines:
            yield f"{line.end_to_end_id},{line.total},{line.channel}\n".encode()


def _fake_exports() -> types.ModuleType:
    @dataclass(frozen=True)
    class ExportHeader:
        batch_id: int
        msg_id: str
        created_at: object
        period: str
        commune_label: str
        programme_label: str
        debtor_name: str
        debtor_account: str
        debtor_bic: str
        audit_chain_head: str

    @dataclass(frozen=True)
    class ExportLine:
        end_to_end_id: str
        ss_code: str
        full_name: str
        commune_code: str
        programme: str
        category: str
        amount: object
        arrears: object
        channel: str
        bank_bin: str
        bank_bic: str
        account_number: str
        account_name: str

        @property
        def total(self):
            return self.amount + self.arrears

    module = types.ModuleType("payments.exports")
    module.ExportHeader, module.ExportLine = ExportHeader, ExportLine
    module.EXPORTERS = {name: FakeExporter for name in ("xlsx", "csv", "pain001", "cash_xlsx")}
    return module


@pytest.fixture(autouse=True)
def file_formats(monkeypatch):
    """The real formats when installed, else the stand-ins; returns whether they are real."""
    real = True
    try:
        import payments.exports  # noqa: F401
    except ImportError:
        real = False
        monkeypatch.setitem(sys.modules, "payments.exports", _fake_exports())
    try:
        import payments.bank_answers  # noqa: F401
    except ImportError:
        real = False
        answers = types.ModuleType("payments.bank_answers")
        answers.parse_bank_answer = _fake_parse
        answers.BankAnswer = FakeAnswer
        answers.BankAnswerError = FakeBankAnswerError
        monkeypatch.setitem(sys.modules, "payments.bank_answers", answers)
    return real
