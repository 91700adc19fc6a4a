"""Reading a bank's answer to an export: CSV (also the paying agent's cash list) or pain.002.001.03.

    answers = parse_bank_answer(uploaded.read(), uploaded.name)   # list[BankAnswer]

Raises `BankAnswerError` (Vietnamese message naming the row or element) on a malformed file, so
reconciliation changes nothing. Unknown and duplicate references are the caller's to report: the
parser returns every answer in file order.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from payments.bank_answers.base import MAX_ANSWER_BYTES, BankAnswer, BankAnswerError
from payments.bank_answers.csv_answer import parse_csv_answer
from payments.bank_answers.pain002 import parse_pain002

__all__ = ["BankAnswer", "BankAnswerError", "MAX_ANSWER_BYTES", "parse_bank_answer"]


def parse_bank_answer(data: bytes, filename: str = "") -> list[BankAnswer]:
    """Detect the format from the content (an XML file starts with "<"), then parse it."""
    if len(data) > MAX_ANSWER_BYTES:
        raise BankAnswerError(
            _("Tệp quá lớn (%(size)d MB, tối đa %(limit)d MB).")
            % {"size": len(data) // 2**20, "limit": MAX_ANSWER_BYTES // 2**20}
        )
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not body.strip():
        raise BankAnswerError(_("Tệp trống."))
    if body.lstrip()[:1] == b"<":
        return parse_pain002(body)
    if filename.lower().endswith(".xml"):
        raise BankAnswerError(_("Tệp .xml không bắt đầu bằng một phần tử XML."))
    return parse_csv_answer(body)
