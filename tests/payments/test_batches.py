"""Batch generation and lifecycle: amounts from the entitlements, one line per case and period,
four eyes, regenerate and cancel, 409 nothing_to_pay."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from beneficiaries.entitlements import entitlements_for_month
from beneficiaries.models import Case
from payments import services
from payments.models import BatchStatus, PaidMonth, PaymentLine
from registry.exceptions import Conflict, Forbidden, InvalidTransition, NotFound
from registry.models import AuditEvent
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_user
from tests.payments.factories import bank_account, elder_case

pytestmark = pytest.mark.django_db
JULY = date(2026, 7, 1)


def generate(actor, period="2026-07", communes=(OWN_COMMUNE,)):
    return services.payment_batch_generate(actor=actor, period=period, commune_codes=list(communes))


def test_lines_pay_the_month_s_entitlement_plus_the_unpaid_months_since_the_start(officer):
    started_july = elder_case(start=JULY)
    started_may = elder_case(start=date(2026, 5, 1), name="Trần Thị Bưởi")
    bank_account(started_may.person)
    due = entitlements_for_month(Case.objects.all(), JULY)
    may = entitlements_for_month(Case.objects.all(), date(2026, 5, 1))[started_may.pk].amount
    june = entitlements_for_month(Case.objects.all(), date(2026, 6, 1))[started_may.pk].amount

    batch = generate(officer)

    lines = {line.case_id: line for line in batch.lines.all()}
    assert lines[started_july.pk].amount == due[started_july.pk].amount > 0
    assert lines[started_july.pk].arrears == 0
    assert lines[started_may.pk].amount == due[started_may.pk].amount
    assert lines[started_may.pk].arrears == may + june
    assert lines[started_may.pk].channel == "bank" and lines[started_july.pk].channel == "cash"
    assert batch.status == BatchStatus.DRAFT
    assert batch.line_count == 2
    assert batch.total_amount == sum(line.total for line in lines.values())
    assert batch.cashless_count == 1 and batch.cashless_amount == lines[started_may.pk].total
    assert len({line.end_to_end_id for line in lines.values()}) == 2


def test_a_line_freezes_the_account_at_generation(officer):
    case = elder_case(start=JULY)
    account = bank_account(case.person, number="0123456789")
    batch = generate(officer)
    services.payment_account_set(
        actor=officer, person_id=case.person_id, channel="bank", bank_bin="970436",
        account_number="9999888877",
    )  # fmt: skip
    account.refresh_from_db()
    assert account.account_number == "9999888877"
    line = batch.lines.get()
    assert line.account_number == "0123456789"
    assert line.account_name == "LE VAN TAM"


def test_a_second_batch_for_the_period_holds_only_the_cases_not_yet_in_one(officer):
    first_case = elder_case(start=JULY)
    generate(officer)
    with pytest.raises(Conflict) as refused:
        generate(officer)
    assert refused.value.code == "nothing_to_pay"

    later = elder_case(start=JULY, name="Hồ Thị Cúc")
    second = generate(officer)
    assert list(second.lines.values_list("case_id", flat=True)) == [later.pk]
    assert PaymentLine.objects.filter(case=first_case, period=JULY).count() == 1


def test_nothing_to_pay_leaves_no_batch_behind(officer):
    with pytest.raises(Conflict) as refused:
        generate(officer)
    assert refused.value.code == "nothing_to_pay"
    assert not AuditEvent.objects.filter(action="payment_batch.generated").exists()


def test_the_database_refuses_a_second_line_for_a_case_and_period(officer):
    case = elder_case(start=JULY)
    batch = generate(officer)
    line = batch.lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLine.objects.create(
            batch=batch, case=case, person=case.person, commune_id=OWN_COMMUNE, period=JULY,
            programme=line.programme, amount=Decimal(1), channel="cash", end_to_end_id="X1",
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        PaidMonth.objects.create(line=line, case=case, month=JULY, amount=Decimal(1))


def test_a_regenerated_draft_keeps_one_line_per_case(officer):
    case = elder_case(start=JULY)
    batch = generate(officer)
    newcomer = elder_case(start=JULY, name="Đặng Văn Mười")
    batch = services.payment_batch_regenerate(actor=officer, batch_id=batch.pk)
    assert sorted(batch.lines.values_list("case_id", flat=True)) == sorted([case.pk, newcomer.pk])
    assert PaymentLine.objects.filter(period=JULY).count() == 2
    assert PaidMonth.objects.filter(active=True, month=JULY).count() == 2
    assert batch.line_count == 2


def test_a_cancelled_draft_gives_its_cases_back(officer):
    case = elder_case(start=JULY)
    batch = generate(officer)
    services.payment_batch_cancel(actor=officer, batch_id=batch.pk)
    again = generate(officer)
    assert list(again.lines.values_list("case_id", flat=True)) == [case.pk]
    assert PaymentLine.objects.filter(case=case, period=JULY, claimed=True).count() == 1


def test_approval_needs_a_second_person_even_a_superuser(officer, second_officer):
    elder_case(start=JULY)
    batch = generate(officer)
    with pytest.raises(Forbidden) as refused:
        services.payment_batch_approve(actor=officer, batch_id=batch.pk)
    assert refused.value.code == "four_eyes_required"

    boss = make_user("root", None, [], is_superuser=True)
    other = elder_case(start=JULY, commune=OTHER_COMMUNE)
    own_batch = generate(boss, communes=[OTHER_COMMUNE])
    assert own_batch.lines.get().case_id == other.pk
    with pytest.raises(Forbidden):
        services.payment_batch_approve(actor=boss, batch_id=own_batch.pk)

    approved = services.payment_batch_approve(actor=second_officer, batch_id=batch.pk)
    assert approved.status == BatchStatus.APPROVED and approved.approved_by == second_officer
    with pytest.raises(InvalidTransition):
        services.payment_batch_approve(actor=second_officer, batch_id=batch.pk)


def test_lifecycle_and_exported_lines_are_locked(officer, second_officer):
    elder_case(start=JULY)
    batch = generate(officer)
    with pytest.raises(InvalidTransition):
        services.payment_batch_export(actor=officer, batch_id=batch.pk, file_format="csv")
    services.payment_batch_approve(actor=second_officer, batch_id=batch.pk)
    exported = services.payment_batch_export(actor=officer, batch_id=batch.pk, file_format="csv")
    assert exported.status == BatchStatus.EXPORTED and exported.msg_id
    first_at = exported.first_exported_at
    again = services.payment_batch_export(actor=officer, batch_id=batch.pk, file_format="csv")
    assert (again.msg_id, again.first_exported_at) == (exported.msg_id, first_at)
    for change in (services.payment_batch_cancel, services.payment_batch_regenerate):
        with pytest.raises(InvalidTransition):
            change(actor=officer, batch_id=batch.pk)
    with pytest.raises(Conflict):
        generate(officer)  # the exported lines still claim the period
    actions = list(
        AuditEvent.objects.filter(object_type="paymentbatch").values_list("action", flat=True)
    )
    assert actions == [
        "payment_batch.generated", "payment_batch.approved", "payment_batch.exported",
        "payment_batch.exported",
    ]  # fmt: skip


def test_other_communes_are_not_found(officer):
    elder_case(start=JULY, commune=OTHER_COMMUNE)
    with pytest.raises(NotFound):
        generate(officer, communes=[OTHER_COMMUNE])
    with pytest.raises(NotFound):
        generate(officer, communes=[OWN_COMMUNE, OTHER_COMMUNE])


def test_suspended_months_are_not_paid_and_not_arrears(officer):
    case = elder_case(start=date(2026, 5, 1))
    case.suspensions.create(from_month=date(2026, 6, 1), to_month=JULY, ground="other")
    batch = generate(officer)
    line = batch.lines.get()
    may = entitlements_for_month(Case.objects.all(), date(2026, 5, 1))[case.pk].amount
    assert line.arrears == may
    assert sorted(line.months.values_list("month", flat=True)) == [date(2026, 5, 1), JULY]
