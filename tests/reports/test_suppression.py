"""Complementary suppression: no masked HIV count can be derived from the other figures of the
same report — checked by an "attacker" who writes every sum the report publishes (each row's
categories add up to its programme total and health-insurance count, the communes add up to
the province) and solves for the hidden cells exactly (rational Gaussian elimination)."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from beneficiaries.models import CATEGORIES_BY_PROGRAMME
from reports.period import period_for
from reports.summary import report_summary_build
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import CaseFactory, HouseholdFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

SA = "social_assistance"
CATEGORIES = CATEGORIES_BY_PROGRAMME[SA]
THIRD = "18880"  # a third commune of province 44


@pytest.fixture(autouse=True)
def frozen():
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    with time_machine.travel(datetime(2026, 12, 15, 10, 0, tzinfo=tz), tick=False):
        with translation.override("vi"):  # labels in Vietnamese, whatever ran before
            yield


def _cases(commune: str, category: str, n: int, born: date = date(1990, 1, 1)) -> None:
    household = HouseholdFactory(commune_id=commune)
    for _ in range(n):
        person = PersonFactory(household=household, date_of_birth=born)
        CaseFactory(
            person=person, programme=SA, category=category, approved=True,
            start_month=date(2026, 1, 1), decision_date=date(2026, 1, 1),
            disability_level="severe" if category == "5.6" else "",
        )  # fmt: skip


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows]
    rank, columns = 0, len(rows[0]) if rows else 0
    for col in range(columns):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                factor = rows[i][col] / rows[rank][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def derivable(report: dict) -> set[tuple[str, str]]:
    """The hidden cells (row code, category or "total") whose value the published sums fix, and
    (row code, "hiv") when the two HIV categories' sum is fixed."""
    province = report["provinces"][0]
    rows = [province, *report["communes"]]
    cells: dict[tuple[str, str], int | None] = {}
    for row in rows:
        for item in row["persons_by_category"]:
            if item["programme"] == SA:
                cells[(row["code"], item["category"])] = item["persons"]
        cells[(row["code"], "total")] = row["persons_by_programme"][SA]
        cells[(row["code"], "insured")] = row["health_insurance_entitled"]
    unknown = [key for key, value in cells.items() if value is None]
    index = {key: i for i, key in enumerate(unknown)}

    def equation(terms: list[tuple[tuple[str, str], int]]) -> list[Fraction]:
        line = [Fraction(0)] * len(unknown)
        for key, sign in terms:
            if key in index:
                line[index[key]] += sign
        return line

    equations = []
    for row in rows:
        code = row["code"]
        equations.append(equation([((code, c), 1) for c in CATEGORIES] + [((code, "total"), -1)]))
        equations.append(equation([((code, "total"), 1), ((code, "insured"), -1)]))
    for column in [*CATEGORIES, "total", "insured"]:
        terms = [((c["code"], column), 1) for c in report["communes"]]
        equations.append(equation([*terms, ((province["code"], column), -1)]))
    equations = [e for e in equations if any(e)]
    base = _rank(equations) if equations else 0
    fixed = set()
    for key in unknown:
        probe = [Fraction(0)] * len(unknown)
        probe[index[key]] = Fraction(1)
        if _rank([*equations, probe]) == base:
            fixed.add(key)
    for row in rows:
        probe = [Fraction(0)] * len(unknown)
        for category in ("5.3", "5.8"):
            if (row["code"], category) in index:
                probe[index[(row["code"], category)]] = Fraction(1)
        if any(probe) and _rank([*equations, probe]) == base:
            fixed.add((row["code"], "hiv"))
    return fixed


def _summary(communes):
    worker = UserFactory(role="social_worker", communes=communes)
    return report_summary_build(user=worker, period=period_for(year=2026))


def test_a_masked_count_cannot_be_subtracted_out_of_the_programme_total():
    """Three persons with HIV and six disabled persons: 9 − 6 = 3 without the rule."""
    _cases(OWN_COMMUNE, "5.8", 3)
    _cases(OWN_COMMUNE, "5.6", 6)
    _cases(OWN_COMMUNE, "5.5c", 2)
    report = _summary([OWN_COMMUNE])
    [commune] = report["communes"]
    shown = {i["category"]: i["display"] for i in commune["persons_by_category"]}
    assert shown["5.8"] == "< 5" and shown["5.3"] == "< 5"
    assert shown["5.5c"] == "ẩn"  # the complement, hidden with them: 11 − 6 = 5.3 + 5.8 + 5.5c
    assert shown["5.6"] == "6"
    assert commune["persons_by_programme"][SA] == 11  # the headline figure survives
    assert "persons_by_category.5.5c" in commune["suppressed_figures"]
    assert not {k for k in derivable(report) if k[1] in {"5.3", "5.8", "hiv"}}


def test_two_reports_over_different_communes_hide_the_same_cells_of_a_commune():
    _cases(OWN_COMMUNE, "5.8", 3)
    _cases(OWN_COMMUNE, "5.6", 6)
    _cases(OWN_COMMUNE, "5.5c", 2)
    _cases(OTHER_COMMUNE, "5.6", 2)
    _cases(OTHER_COMMUNE, "5.5c", 9)

    def own(report):
        row = next(r for r in report["communes"] if r["code"] == OWN_COMMUNE)
        return {i["category"]: i["display"] for i in row["persons_by_category"]}

    assert own(_summary([OWN_COMMUNE])) == own(_summary([OWN_COMMUNE, OTHER_COMMUNE]))


def test_a_commune_masked_among_exact_ones_cannot_be_recovered_from_the_province():
    """Province 5.8 = 3 + 6 = 9 shown without the rule; the other commune's 6 is exact."""
    _cases(OWN_COMMUNE, "5.8", 3)
    _cases(OWN_COMMUNE, "5.6", 4)
    _cases(OTHER_COMMUNE, "5.8", 6)
    _cases(OTHER_COMMUNE, "5.3", 7)
    _cases(OTHER_COMMUNE, "5.6", 8)
    _cases(THIRD, "5.5c", 5)
    report = _summary([OWN_COMMUNE, OTHER_COMMUNE, THIRD])
    rows = {r["code"]: r for r in report["communes"]}
    other = {i["category"]: i["display"] for i in rows[OTHER_COMMUNE]["persons_by_category"]}
    assert other["5.8"] == "6" and other["5.3"] == "7"  # no small number there: exact
    province = {i["category"]: i["display"] for i in report["provinces"][0]["persons_by_category"]}
    assert province["5.8"] == "ẩn"  # 9 − 6 would give the own commune's 3
    assert not {k for k in derivable(report) if k[1] in {"5.3", "5.8", "hiv"}}


def test_a_commune_with_only_hiv_categories_hides_its_total():
    """Hidden cells adding up to nothing (no one in any category) would all read 0: the total
    is hidden then, in that commune and in the province."""
    _cases(OWN_COMMUNE, "5.5c", 4)
    _cases(OWN_COMMUNE, "5.8", 2)
    _cases(OTHER_COMMUNE, "5.6", 3)
    report = _summary([OWN_COMMUNE, OTHER_COMMUNE])
    rows = {r["code"]: r for r in report["communes"]}
    # The other commune has only disabled persons: 3 − 3 = 0 would say "none with HIV".
    assert rows[OTHER_COMMUNE]["persons_by_programme"][SA] is None
    assert rows[OTHER_COMMUNE]["health_insurance_entitled"] is None
    assert report["provinces"][0]["persons_by_programme"][SA] is None
    assert rows[OWN_COMMUNE]["persons_by_programme"][SA] == 6
    assert not {k for k in derivable(report) if k[1] in {"5.3", "5.8", "hiv"}}


def test_without_the_rule_the_attacker_would_succeed():
    """The attacker is real: on the masked-only report (rule switched off) it finds the 3."""
    _cases(OWN_COMMUNE, "5.8", 3)
    _cases(OWN_COMMUNE, "5.6", 6)
    report = _summary([OWN_COMMUNE])
    for row in [*report["provinces"], *report["communes"]]:
        for item in row["persons_by_category"]:
            if item["display"] == "ẩn":
                item["persons"] = {"5.5c": 0}[item["category"]]
        row["persons_by_programme"][SA] = 9
        row["health_insurance_entitled"] = 9
    assert (OWN_COMMUNE, "hiv") in derivable(report)  # 5.3 + 5.8 = 9 − 6


def test_auditors_exact_answer_is_untouched():
    _cases(OWN_COMMUNE, "5.8", 3)
    _cases(OWN_COMMUNE, "5.6", 6)
    auditor = UserFactory(role="auditor")
    report = report_summary_build(user=auditor, period=period_for(year=2026))
    [commune] = report["communes"]
    assert commune["suppressed_figures"] == []
    assert commune["persons_by_programme"][SA] == 9


def test_the_programme_money_of_a_masked_row_is_hidden_with_its_cells():
    """Amounts per person differ by category (5.8 × 1.5, 5.5c × 1.0 of the base): the programme's
    money beside 2 + 3 hidden persons would tell how many of them have HIV. Where no one of the
    programme is in a shown category it is hidden, with the totals that give it back."""
    _cases(OWN_COMMUNE, "5.8", 2)
    _cases(OWN_COMMUNE, "5.5c", 3, born=date(1940, 1, 1))
    worker = UserFactory(role="social_worker", communes=[OWN_COMMUNE])
    report = report_summary_build(user=worker, period=period_for(year=2026))
    [commune] = report["communes"]
    province = report["provinces"][0]
    for row in (commune, province):
        assert row["amount_due_by_programme"][SA] is None
        assert row["amount_due"] is None
        assert {f"amount_due_by_programme.{SA}", "amount_due"} <= set(row["suppressed_figures"])
        assert row["amount_due_by_programme"]["social_pension"] is not None
    auditor = UserFactory(role="auditor")
    exact = report_summary_build(user=auditor, period=period_for(year=2026))
    [row] = [r for r in exact["communes"] if r["code"] == OWN_COMMUNE]
    # Auditors see what is due: 2 × 1.5 + 3 × 1.0 of the base (Decree 76/2024: 500,000 đồng).
    assert row["amount_due_by_programme"][SA] == 6 * 500_000
    assert row["amount_due"] == sum(row["amount_due_by_programme"].values())


def test_programme_money_beside_someone_in_a_shown_category_stays():
    """A disabled person's amount depends on their age and degree, which no report shows: the
    money no longer tells how the hidden persons split, and the commune keeps its figure."""
    _cases(OWN_COMMUNE, "5.8", 2)
    _cases(OWN_COMMUNE, "5.5c", 3, born=date(1940, 1, 1))
    _cases(OWN_COMMUNE, "5.6", 1)
    worker = UserFactory(role="social_worker", communes=[OWN_COMMUNE])
    [commune] = report_summary_build(user=worker, period=period_for(year=2026))["communes"]
    assert commune["amount_due_by_programme"][SA] > 0
    assert commune["amount_due"] == sum(commune["amount_due_by_programme"].values())
    assert not any(f.startswith("amount") for f in commune["suppressed_figures"])
