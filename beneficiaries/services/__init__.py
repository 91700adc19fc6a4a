"""Every write to households, persons, poverty assessments, cases and one-off entitlements,
one module per entity.

Each public function is one durable transaction that locks what it changes, checks the current
state, changes it and writes the audit event: all or nothing. Audit data holds ids and field
names, never personal values. Callers use `from beneficiaries import services` and
`services.<entity>_<action>(actor=..., ...)`.
"""

from beneficiaries.services.case_decisions import (
    case_adjust,
    case_adjustment_approve,
    case_adjustment_reject,
    case_approve,
)
from beneficiaries.services.cases import (
    case_create,
    case_reject,
    case_resume,
    case_submit,
    case_suspend,
    case_terminate,
    case_update,
)
from beneficiaries.services.erasure import person_erase
from beneficiaries.services.households import (
    household_register,
    household_update,
    poverty_assessment_record,
)
from beneficiaries.services.oneoffs import (
    one_off_apply,
    one_off_approve,
    one_off_mark_paid,
    one_off_reject,
)
from beneficiaries.services.persons import (
    national_id_buckets_lock,
    person_move,
    person_record_death,
    person_register,
    person_update,
)

__all__ = [
    "case_adjust",
    "case_adjustment_approve",
    "case_adjustment_reject",
    "case_approve",
    "case_create",
    "case_reject",
    "case_resume",
    "case_submit",
    "case_suspend",
    "case_terminate",
    "case_update",
    "household_register",
    "household_update",
    "national_id_buckets_lock",
    "person_erase",
    "one_off_apply",
    "one_off_approve",
    "one_off_mark_paid",
    "one_off_reject",
    "person_move",
    "person_record_death",
    "person_register",
    "person_update",
    "poverty_assessment_record",
]
