"""Building a batch's lines: what each case is owed for the period, plus its unpaid earlier months.

Amounts come only from `beneficiaries.entitlements` (the CaseBook, person rules applied). A line
freezes the amount, the arrears, the channel and the account as they are at generation; each
month it pays is a `PaidMonth` row, so a failed line gives its months back as arrears.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, QuerySet

from beneficiaries.entitlements import CaseBook, add_months
from beneficiaries.models import Case, CaseStatus, OneOffEntitlement
from beneficiaries.selectors_entitlements import one_offs_payable
from beneficiaries.services.oneoffs import PROGRAMME_OF_KIND
from payments.models import CASHLESS, Channel, PaidMonth, PaymentAccount, PaymentBatch, PaymentLine
from payments.services.changes import changed_cases, paid_by_month
from payments.services.deductions import outstanding_by_case, take
from registry import crypto

# Suspended and terminated cases can still be owed earlier months.
PAYABLE_STATUSES = [CaseStatus.APPROVED, CaseStatus.SUSPENDED, CaseStatus.TERMINATED]
CHUNK = 2000
IDS_PER_QUERY = 900  # databases limit the parameters of one statement


@dataclass(frozen=True)
class Account:
    channel: str
    bank_bin: str
    number: str | None
    name: str | None


CASH = Account(Channel.CASH, "", None, None)


def payable_cases(period: date, commune_codes: list[str]) -> QuerySet[Case]:
    """Cases of the communes that could be owed something in `period` and are in no batch for it
    yet (a cancelled batch's lines no longer count)."""
    return Case.objects.filter(
        commune_id__in=commune_codes,
        status__in=PAYABLE_STATUSES,
        start_month__isnull=False,
        start_month__lte=period,
    ).exclude(pk__in=PaymentLine.objects.filter(period=period, claimed=True).values("case_id"))


def arrears_from() -> date | None:
    """The first month arrears may reach back to (REGISTRY_PAYMENTS_ARREARS_FROM, "YYYY-MM"):
    months before the registry paid anyone were paid by the old system."""
    value = getattr(settings, "REGISTRY_PAYMENTS_ARREARS_FROM", None)
    if not value:
        return None
    year, month = str(value).split("-")
    return date(int(year), int(month), 1)


def _unpaid_candidates(cases: QuerySet[Case], period: date, floor: date | None) -> dict[int, int]:
    """Case id → how many months since its start (or the floor) and before `period` are paid:
    one grouped query, so the cases paid every month are skipped without reading their months
    (top-ups are not counted: they pay again a month already counted)."""
    paid = _earlier_paid(cases, period, floor).filter(top_up=False)
    counts = paid.values("case_id").annotate(n=Count("id")).values_list("case_id", "n")
    return dict(counts.iterator(chunk_size=5000))


def _earlier_paid(cases: QuerySet[Case], period: date, floor: date | None) -> QuerySet[PaidMonth]:
    """The active months of the cases paid (or being paid) before `period`, since each start."""
    paid = PaidMonth.objects.filter(
        case__in=cases.filter(start_month__lt=period).values("pk"),
        active=True,
        month__lt=period,
        month__gte=F("case__start_month"),
    )
    if floor is not None:
        paid = paid.filter(month__gte=floor)
    return paid


def _paid_months(case_ids: list[int], period: date) -> dict[int, dict[date, Decimal]]:
    """Case id → {month: what its active rows pay} (a line not yet answered counts: it is sent)."""
    paid: dict[int, dict[date, Decimal]] = {}
    for start in range(0, len(case_ids), IDS_PER_QUERY):
        chunk = case_ids[start : start + IDS_PER_QUERY]
        paid.update(
            paid_by_month(
                PaidMonth.objects.filter(case_id__in=chunk, active=True, month__lt=period)
            )
        )
    return paid


def _month_count(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _arrears(
    book: CaseBook, period: date, cases: QuerySet[Case], changed: set[int]
) -> dict[int, list]:
    """Case id → [(month, amount, top-up)] for the earlier months since the start never paid
    (failed lines give their months back), and for the paid months a change recorded since now
    owes more for (the difference, a top-up), each month's amount by the entitlement rules."""
    floor = arrears_from()
    last = add_months(period, -1)
    counts = None
    behind: list[int] = []
    for case_id in book.wanted:
        row = book.rows[case_id]
        first = row.start_month if floor is None else max(row.start_month, floor)
        if first >= period:
            continue
        if counts is None:
            counts = _unpaid_candidates(cases, period, floor)
        if counts.get(case_id, 0) >= _month_count(first, last) and case_id not in changed:
            continue  # every month already paid, nothing changed since: nothing to compute
        behind.append(case_id)
    paid = _paid_months(sorted(behind), period)
    owed: dict[int, list] = {}
    nothing: dict[date, Decimal] = {}
    for case_id in behind:
        row = book.rows[case_id]
        first = row.start_month if floor is None else max(row.start_month, floor)
        done = paid.get(case_id, nothing)
        missing = []
        for e in book.case_range(case_id, first, last):
            if e.amount <= 0:
                continue
            before = done.get(e.month)
            if before is None:
                missing.append((e.month, e.amount, False))
            elif e.amount > before:
                missing.append((e.month, e.amount - before, True))
        if missing:
            owed[case_id] = missing
    return owed


def _accounts_of(person_ids) -> dict[int, Account]:
    rows = PaymentAccount.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "channel", "bank_bin", "account_number", "account_name"
    )
    return {
        person_id: Account(channel, bank_bin, number, name)
        for person_id, channel, bank_bin, number, name in rows
    }


def _accounts(cases: QuerySet[Case]) -> dict[int, Account]:
    """Person id → account, read as stored and decrypted here: the ORM's per-value converters
    cost more than the decryption itself over a province's accounts."""
    query = PaymentAccount.objects.filter(person__in=cases.values("person_id")).values_list(
        "person_id", "channel", "bank_bin", "account_number", "account_name"
    )
    number_context = PaymentAccount._meta.get_field("account_number").context
    name_context = PaymentAccount._meta.get_field("account_name").context
    decrypt = crypto.decrypt
    sql, params = query.query.sql_with_params()
    accounts: dict[int, Account] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            for person_id, channel, bank_bin, number, name in rows:
                accounts[person_id] = Account(
                    channel,
                    bank_bin,
                    None if number is None else decrypt(number, context=number_context),
                    None if name is None else decrypt(name, context=name_context),
                )
    return accounts


@dataclass(slots=True)
class NewLine:
    """A line before it is written (plain values: the writer inserts them in bulk)."""

    case_id: int | None
    person_id: int | None
    commune_id: str
    programme: str
    category: str
    amount: Decimal
    arrears: Decimal
    channel: str
    bank_bin: str
    account_number: str | None
    account_name: str | None
    end_to_end_id: str
    months: list[tuple[date, Decimal, bool]]  # (month, amount, a top-up of a month paid before)
    one_off: Decimal = Decimal(0)
    one_off_entitlement_id: int | None = None
    # What the case's outstanding recoveries take off the line, and [(recovery id, part)].
    deduction: Decimal = Decimal(0)
    deductions: list | None = None

    @property
    def total(self) -> Decimal:
        return self.amount + self.arrears + self.one_off - self.deduction


@dataclass
class Totals:
    line_count: int = 0
    total_amount: Decimal = Decimal(0)
    cashless_count: int = 0
    cashless_amount: Decimal = Decimal(0)

    def add(self, line: NewLine) -> None:
        total = line.total
        self.line_count += 1
        self.total_amount += total
        if line.channel in CASHLESS:
            self.cashless_count += 1
            self.cashless_amount += total


def new_lines(
    batch: PaymentBatch, cases: QuerySet[Case], changed: set[int] = frozenset()
) -> Iterator[NewLine]:
    """One line per case owed something, in case order, with the months it pays; `changed`:
    the cases whose paid months a later change may have raised (`changes.changed_cases`)."""
    period = batch.period
    book = CaseBook.load(cases)
    current = book.month(period)
    owed = _arrears(book, period, cases, changed)
    accounts = _accounts(cases)
    recoveries = outstanding_by_case(cases)
    prefix = f"{period:%Y%m}B{batch.pk}N"
    zero = Decimal(0)
    seq = 0
    for case_id in sorted(book.wanted):
        row = book.rows[case_id]
        entitlement = current.get(case_id)
        amount = entitlement.amount if entitlement is not None else zero
        earlier = owed.get(case_id)
        if earlier:
            months = ([(period, amount, False)] if amount > 0 else []) + earlier
            arrears = sum((m[1] for m in earlier), zero)
        elif amount > 0:
            months, arrears = [(period, amount, False)], zero
        else:
            continue
        seq += 1
        account = accounts.get(row.person_id, CASH)
        deduction, parts = zero, None
        if case_id in recoveries:
            deduction, parts = take(recoveries[case_id], amount + arrears)
        yield NewLine(
            case_id,
            row.person_id,
            row.commune_id,
            row.programme,
            (entitlement and entitlement.paying_category) or row.terms_in(period).category,
            amount,
            arrears,
            account.channel,
            account.bank_bin,
            account.number,
            account.name,
            f"{prefix}{seq:07d}",
            months,
            deduction=deduction,
            deductions=parts or None,
        )


def payable_one_offs(commune_codes: list[str]) -> QuerySet[OneOffEntitlement]:
    """Approved, unpaid one-offs of the communes in no live line: a line not failed of a batch
    not cancelled holds it (the one-off is marked paid when that line is reconciled paid)."""
    live = PaymentLine.objects.filter(one_off_entitlement__isnull=False, claimed=True).exclude(
        status="failed"
    )
    return one_offs_payable(commune_codes=commune_codes).exclude(
        pk__in=live.values("one_off_entitlement_id")
    )


def one_off_lines(
    batch: PaymentBatch, commune_codes: list[str], first_seq: int
) -> Iterator[NewLine]:
    """One line per payable one-off, to its payee (never the deceased): the payee's account when
    the payee is a registered person with one, else cash to the name on the one-off."""
    one_offs = list(payable_one_offs(commune_codes))
    payees = [o.payee_person_id for o in one_offs if o.payee_person_id]
    accounts = _accounts_of(payees)
    for seq, one_off in enumerate(one_offs, start=first_seq):
        account = accounts.get(one_off.payee_person_id, CASH)
        yield NewLine(
            case_id=None,
            person_id=one_off.payee_person_id,
            commune_id=one_off.commune_id,
            programme=PROGRAMME_OF_KIND.get(one_off.kind, ""),
            category="",
            amount=Decimal(0),
            arrears=Decimal(0),
            channel=account.channel,
            bank_bin=account.bank_bin,
            account_number=account.number,
            account_name=account.name,
            end_to_end_id=f"{batch.period:%Y%m}B{batch.pk}N{seq:07d}",
            months=[],
            one_off=one_off.amount,
            one_off_entitlement_id=one_off.pk,
        )


def lines_fill(
    batch: PaymentBatch, commune_codes: list[str], changed: set[int] | None = None
) -> Totals:
    """Create the batch's lines and paid months in bulk; the batch's figures are returned."""
    from payments.services.line_writer import LineWriter

    if changed is None:
        changed = changed_cases(commune_codes)
    totals = Totals()
    with LineWriter(batch) as writer:
        for line in new_lines(batch, payable_cases(batch.period, commune_codes), changed):
            totals.add(line)
            writer.add(line)
        for line in one_off_lines(batch, commune_codes, totals.line_count + 1):
            totals.add(line)
            writer.add(line)
    return totals
