"""What many cases are owed: the rows of every case of the persons concerned are read in a fixed
number of queries, then each month is computed in memory (`case_month`, `person`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from beneficiaries.entitlements.case_month import CaseRow, MonthEntitlement, Terms, case_month
from beneficiaries.entitlements.months import month_start, months_between
from beneficiaries.entitlements.person import apply_person_rules
from beneficiaries.entitlements.rates import RateBook
from beneficiaries.models import AdjustmentStatus, Case, CaseAdjustment, CaseSuspension

# A list of cases (not a queryset) is read in slices of this many persons, because databases
# limit the parameters of one statement; a QuerySet is read through subqueries in one go.
PERSONS_PER_QUERY = 900

_CASE_FIELDS = (
    "id", "person_id", "programme", "status", "start_month", "end_month", "category",
    "other_categories", "disability_level", "children_count", "meritorious_grade",
    "decided_amount", "poor_household", "person__date_of_birth", "person__date_of_death",
    "commune__province_id", "commune_id",
)  # fmt: skip


class CaseBook:
    """Every case of the persons concerned, with its terms timeline and suspensions."""

    def __init__(self, rows: Iterable[CaseRow], wanted: set[int], rates: RateBook) -> None:
        self.rows = {row.id: row for row in rows}
        self.wanted = wanted
        self.rates = rates
        self.by_person: dict[int, list[CaseRow]] = defaultdict(list)
        for row in self.rows.values():
            self.by_person[row.person_id].append(row)

    @classmethod
    def load(cls, cases: QuerySet[Case] | Iterable[Case]) -> CaseBook:
        """Five queries for a QuerySet (cases, suspensions, adjustments, two rate tables); for a
        list, three per PERSONS_PER_QUERY persons plus the two rate tables."""
        rates = RateBook.load()
        if isinstance(cases, QuerySet):
            persons = cases.values("person_id")
            wanted_q = Q(pk__in=cases.values("pk"))
            rows, wanted = _read(Q(person_id__in=persons), wanted_q)
            return cls(rows, wanted, rates)
        cases = list(cases)
        wanted_ids = {case.pk for case in cases}
        person_ids = sorted({case.person_id for case in cases})
        rows = []
        for start in range(0, len(person_ids), PERSONS_PER_QUERY):
            chunk = person_ids[start : start + PERSONS_PER_QUERY]
            chunk_rows, _wanted = _read(Q(person_id__in=chunk), None)
            rows.extend(chunk_rows)
        return cls(rows, wanted_ids, rates)

    def month(self, month: date) -> dict[int, MonthEntitlement]:
        month = month_start(month)
        rates, wanted = self.rates, self.wanted
        result: dict[int, MonthEntitlement] = {}
        for rows in self.by_person.values():
            if len(rows) == 1:  # most persons: one case, no person rule to apply
                row = rows[0]
                if row.id in wanted:
                    result[row.id] = case_month(row, month, rates)
                continue
            if not any(row.id in wanted for row in rows):
                continue
            own = {row.id: case_month(row, month, rates) for row in rows}
            paid = apply_person_rules(rows, own)
            result.update({case_id: e for case_id, e in paid.items() if case_id in wanted})
        return result

    def case_range(self, case_id: int, first: date, last: date, *, row: CaseRow | None = None):
        """Every month of one case with the person rules; `row` replaces the stored case (a
        preview of a decision not taken yet)."""
        rows = [r for r in self.by_person[self.rows[case_id].person_id] if r.id != case_id]
        row = row or self.rows[case_id]
        rows.append(row)
        out = []
        for month in months_between(first, last):
            own = {r.id: case_month(r, month, self.rates) for r in rows}
            out.append(apply_person_rules(rows, own)[case_id] if len(rows) > 1 else own[case_id])
        return out


def _read(where: Q, wanted_q: Q | None) -> tuple[list[CaseRow], set[int]]:
    queryset = Case.objects.filter(where)
    fields = list(_CASE_FIELDS)
    if wanted_q is not None:
        queryset = queryset.annotate(
            wanted=ExpressionWrapper(wanted_q, output_field=BooleanField())
        )
        fields.append("wanted")
    suspensions = defaultdict(list)
    for case_id, from_month, to_month in CaseSuspension.objects.filter(
        case__in=Case.objects.filter(where).values("pk")
    ).values_list("case_id", "from_month", "to_month"):
        suspensions[case_id].append((from_month, to_month))
    adjustments = defaultdict(list)
    for adjustment in (
        CaseAdjustment.objects.filter(
            case__in=Case.objects.filter(where).values("pk"), status=AdjustmentStatus.APPROVED
        )
        .order_by("from_month", "id")
        .only("case", "from_month", *Terms.__dataclass_fields__)
    ):
        adjustments[adjustment.case_id].append((adjustment.from_month, Terms.of(adjustment)))
    rows, wanted = [], set()
    terms_of: dict[tuple, Terms] = {}
    timelines: dict[Terms, tuple] = {}
    no_suspension = ()
    for values in _values_rows(queryset.values_list(*fields)):
        (case_id, person_id, programme, status, start_month, end_month, category, others, level,
         children, grade, decided, poor, born, died, province, commune, *is_wanted) = values  # fmt: skip
        # Cases share a few terms: one Terms object (and one timeline) per distinct set.
        key = (category, tuple(others or ()), level or None, children or 0, grade or "", decided)
        terms = terms_of.get(key)
        if terms is None:
            terms = terms_of[key] = Terms(*key)
        later = adjustments.get(case_id)
        if later:
            timeline = ((None, terms), *later)
        else:
            timeline = timelines.get(terms)
            if timeline is None:
                timeline = timelines[terms] = ((None, terms),)
        rows.append(
            CaseRow(
                case_id,
                person_id,
                programme,
                status,
                start_month,
                end_month,
                born,
                died,
                province,
                poor,
                timeline,
                tuple(suspensions.get(case_id, no_suspension)),
                commune,
            )  # fmt: skip
        )
        if is_wanted and is_wanted[0]:
            wanted.add(case_id)
    return rows, wanted


def _values_rows(queryset: QuerySet) -> Iterator[tuple]:
    """The rows `queryset` (a values_list) gives, each column through Django's own converters
    but once per distinct stored value: a province's cases repeat a few thousand dates, terms
    and flags, and the ORM's per-value conversion is most of the reading time otherwise."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(fields)
    connection = connections[queryset.db]
    memos: dict[int, dict] = {pos: {} for pos in converters}

    def convert(pos: int, value):
        memo = memos[pos]
        try:
            return memo[value]
        except KeyError:
            converted = memo[value] = _converted(pos, value)
            return converted
        except TypeError:  # an unhashable stored value: converted each time
            return _converted(pos, value)

    def _converted(pos: int, value):
        convs, expression = converters[pos]
        for converter in convs:
            value = converter(value, expression, connection)
        return value

    positions = sorted(converters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(5000):
            if not positions:
                yield from chunk
                continue
            for raw in chunk:
                row = list(raw)
                for pos in positions:
                    row[pos] = convert(pos, row[pos])
                yield row


def row_of(case: Case, *, adjustments=(), suspensions=None) -> CaseRow:
    """A CaseRow for one Case instance (uses a prefetch of `suspensions` when there is one)."""
    if suspensions is None:
        suspensions = [(s.from_month, s.to_month) for s in case.suspensions.all()]
    return CaseRow(
        id=case.pk,
        person_id=case.person_id,
        programme=case.programme,
        status=case.status,
        start_month=case.start_month,
        end_month=case.end_month,
        date_of_birth=case.person.date_of_birth,
        date_of_death=case.person.date_of_death,
        province_code=case.commune.province_id,
        poor_household=case.poor_household,
        timeline=((None, Terms.of(case)), *adjustments),
        suspensions=tuple(suspensions),
        commune_id=case.commune_id,
    )


def entitlements_for_month(
    cases: QuerySet[Case] | Iterable[Case], month: date
) -> dict[int, MonthEntitlement]:
    """Case id → what payments pays for `month`, person rules applied, for every given case.

    Pass a QuerySet for a constant five queries whatever the number of cases.
    """
    return CaseBook.load(cases).month(month)


def case_terms_in(case: Case, month: date) -> Terms:
    """The terms in force for `month`: the latest decided adjustment from that month or before,
    else the decision's own. One query."""
    adjustment = (
        CaseAdjustment.objects.filter(
            case=case, status=AdjustmentStatus.APPROVED, from_month__lte=month
        )
        .order_by("-from_month", "-id")
        .first()
    )
    return Terms.of(adjustment or case)


def case_entitlements(case: Case, from_month: date, to_month: date) -> list[MonthEntitlement]:
    """Every month of one case from `from_month` to `to_month` (both included), person rules
    applied: five queries whatever the length of the range."""
    book = CaseBook.load(Case.objects.filter(pk=case.pk))
    return book.case_range(case.pk, from_month, to_month)
