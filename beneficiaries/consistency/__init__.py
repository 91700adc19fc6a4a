"""Consistency checks for benefit fraud and registry errors ("rà soát trục lợi chính sách").

Each check is a small function that takes a `Scope` (the persons, cases and households an actor
may see, or those of one commune) and yields findings::

    {"kind": "deceased_with_open_case", "detail": "<Vietnamese sentence>",
     "person_ids": [..], "case_ids": [..]}

`detail` names records by id, social-security code, household code and commune code only —
never a name, a national ID number, a date of birth or a date of death — because the report is
read by approvers and auditors who may not hold `view_sensitive`.

Which checks run is the explicit list ``REGISTRY_CONSISTENCY_CHECKS`` in the settings, in report
order, as ``(kind, "dotted.path.to.check")``. An app above this one (payments adds
``shared_payment_account``) writes its check as a function of a `Scope` yielding `finding(...)`
and adds one line to that list; the kind must be one of `FindingKind` (the names are the API
contract of api.md), and each kind appears once.

Scoping rule shared by every check: a finding belongs to a scope when one of its persons lives
in a scoped commune or one of its cases is paid by a scoped commune. The finding then lists
*all* the persons and open cases involved, including those of another commune — a person with
open cases in communes A and B, or registered twice in A and B, is a finding for both communes,
and each side needs the other's ids to resolve it. Ids and codes reveal no personal data, and
opening a record of another commune still answers 404.

Every check is set-based (aggregations and subqueries); the number of queries never depends on
the number of rows. See each check's docstring and `consistency_report_build` for the counts.
"""

from beneficiaries.consistency.findings import (
    PERMISSION,
    Finding,
    FindingKind,
    Scope,
    finding,
)
from beneficiaries.consistency.report import (
    checks_run,
    configured_checks,
    consistency_report_build,
    consistency_scope,
)

__all__ = [
    "PERMISSION",
    "Finding",
    "FindingKind",
    "Scope",
    "checks_run",
    "configured_checks",
    "consistency_report_build",
    "consistency_scope",
    "finding",
]
