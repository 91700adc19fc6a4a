"""The answer as CSV: `end_to_end_id,status,reason,paid_at[,reversal]`, UTF-8 (a BOM is fine).

Status `paid`/`failed`, or the ISO 20022 codes ACSC/ACCP (paid) and RJCT (failed), any case.
`paid_at` is `YYYY-MM-DD` or `DD/MM/YYYY` (how a commune writes a date), empty when not paid.
`reversal` (optional) is 1/0, true/false, yes/no, có/không, or empty. A comma or a semicolon
separates the columns (Excel writes either, depending on the computer's regional settings).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from django.utils.translation import gettext as _

from payments.bank_answers.base import (
    END_TO_END_ID_MAX,
    FAILED_CODES,
    PAID_CODES,
    BankAnswer,
    BankAnswerError,
)

REQUIRED = ("end_to_end_id", "status", "reason", "paid_at")
OPTIONAL = ("reversal",)
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "có", "co", "x"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "không", "khong"})


def _date(text: str, row: int) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return (
            date.fromisoformat(text) if "-" in text else datetime.strptime(text, "%d/%m/%Y").date()
        )
    except ValueError:
        pass
    raise BankAnswerError(
        _("Dòng %(row)d: ngày chi trả “%(value)s” không hợp lệ (dùng YYYY-MM-DD hoặc DD/MM/YYYY).")
        % {"row": row, "value": text[:20]}
    )


def _flag(text: str, row: int) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BankAnswerError(
        _("Dòng %(row)d: cột reversal “%(value)s” không hợp lệ (dùng 1 hoặc 0).")
        % {"row": row, "value": text[:20]}
    )


def parse_csv_answer(data: bytes) -> list[BankAnswer]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BankAnswerError(
            _(
                "Tệp không phải UTF-8 (byte lỗi ở vị trí %(position)d): hãy lưu lại dưới dạng CSV UTF-8."
            )
            % {"position": error.start}
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        heading = next(reader)
    except (StopIteration, csv.Error):
        raise BankAnswerError(_("Tệp trống.")) from None
    names = [name.strip().lower() for name in heading]
    missing = [name for name in REQUIRED if name not in names]
    unknown = [name for name in names if name not in REQUIRED + OPTIONAL]
    if missing or unknown or len(set(names)) != len(names):
        raise BankAnswerError(
            _("Dòng tiêu đề phải là %(expected)s (cột reversal tùy chọn); tệp có: %(found)s.")
            % {"expected": ",".join(REQUIRED), "found": ",".join(names)[:200]}
        )
    index = {name: position for position, name in enumerate(names)}
    answers: list[BankAnswer] = []
    try:
        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                raise BankAnswerError(
                    _("Dòng %(row)d: có %(count)d cột, cần %(expected)d.")
                    % {"row": row_number, "count": len(row), "expected": len(names)}
                )
            answers.append(_answer(row, index, row_number))
    except csv.Error as error:
        raise BankAnswerError(
            _("Dòng %(row)d: không đọc được CSV (%(error)s).")
            % {"row": reader.line_num, "error": error}
        ) from None
    if not answers:
        raise BankAnswerError(_("Tệp không có dòng trả lời nào."))
    return answers


def _answer(row: list[str], index: dict[str, int], row_number: int) -> BankAnswer:
    reference = row[index["end_to_end_id"]].strip()
    if not reference or len(reference) > END_TO_END_ID_MAX:
        raise BankAnswerError(
            _("Dòng %(row)d: end_to_end_id trống hoặc dài quá %(max)d ký tự.")
            % {"row": row_number, "max": END_TO_END_ID_MAX}
        )
    status = row[index["status"]].strip().upper()
    if status in PAID_CODES:
        paid = True
    elif status in FAILED_CODES:
        paid = False
    else:
        raise BankAnswerError(
            _("Dòng %(row)d: trạng thái “%(value)s” không hợp lệ (paid, failed, ACSC, ACCP, RJCT).")
            % {"row": row_number, "value": status[:20]}
        )
    reversal = _flag(row[index["reversal"]], row_number) if "reversal" in index else False
    return BankAnswer(
        end_to_end_id=reference,
        paid=paid,
        reason=row[index["reason"]].strip(),
        paid_at=_date(row[index["paid_at"]], row_number),
        reversal=reversal,
    )
