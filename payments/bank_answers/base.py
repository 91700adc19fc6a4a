"""What a bank (or the paying agent) says about each line, and the error a bad file raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# A month's answer for 600,000 lines is about 25 MB as CSV and 250 MB as pain.002; beyond that it
# is not an answer to one of our batches.
MAX_ANSWER_BYTES = 300 * 1024 * 1024
END_TO_END_ID_MAX = 35

PAID_CODES = frozenset({"PAID", "ACSC", "ACCP"})
FAILED_CODES = frozenset({"FAILED", "RJCT"})


class BankAnswerError(ValueError):
    """The file cannot be read as a bank answer; `message` says where, in the user's language."""

    code = "bank_answer_invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class BankAnswer:
    end_to_end_id: str
    paid: bool
    reason: str = ""
    paid_at: date | None = None
    reversal: bool = False
