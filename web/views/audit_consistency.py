"""The consistency report (fraud and error checks) with a link to each finding's records."""

from __future__ import annotations

from django.shortcuts import render

from beneficiaries import selectors as registry_selectors
from beneficiaries.consistency import PERMISSION, FindingKind, consistency_report_build
from web import selectors as web_selectors
from web.forms_audit import ConsistencyForm
from web.views.common import role_view


def _records(user, findings: list[dict]) -> tuple[dict, set]:
    """The persons the findings name that the user may open (code, household), and the cases
    they may open. A record of another commune is named by its id only (opening it is 404).
    Two queries, whatever the number of findings."""
    person_ids = {pk for item in findings for pk in item["person_ids"]}
    case_ids = {pk for item in findings for pk in item["case_ids"]}
    persons = {
        row["pk"]: row
        for row in registry_selectors.persons_list(user=user)
        .filter(pk__in=person_ids)
        .values("pk", "ss_code", "household_id", "household__code")
    }
    cases = set(
        registry_selectors.cases_list(user=user)
        .filter(pk__in=case_ids)
        .values_list("pk", flat=True)
    )
    return persons, cases


@role_view(PERMISSION)
def consistency_report(request):
    form = ConsistencyForm(request.GET or None, communes=web_selectors.user_communes(request.user))
    report = None
    if not form.is_bound or form.is_valid():
        commune = form.cleaned_data.get("commune") if form.is_bound else None
        report = consistency_report_build(actor=request.user, commune_code=commune or None)
    rows = []
    counts = []
    if report is not None:
        persons, cases = _records(request.user, report["findings"])
        for item in report["findings"]:
            rows.append(
                {
                    "label": FindingKind.labels.get(item["kind"], item["kind"]),
                    "detail": item["detail"],
                    "persons": [(pk, persons.get(pk)) for pk in item["person_ids"]],
                    "cases": [(pk, pk in cases) for pk in item["case_ids"]],
                }
            )
        counts = [(FindingKind.labels.get(kind, kind), n) for kind, n in report["counts"].items()]
    context = {"form": form, "report": report, "rows": rows, "counts": counts}
    status = 400 if form.errors else 200
    return render(request, "web/audit/consistency.html", context, status=status)
