"""Persons: adding a member, the person page, recording a death or a move."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from beneficiaries import selectors, selectors_entitlements, services
from web.forms import DeathForm, MoveForm, PersonForm
from web.views.common import role_view, run, unmask_requested


@role_view("beneficiaries.add_person")
def person_new(request, pk: int):
    household = selectors.household_get(user=request.user, household_id=pk)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {key: value for key, value in form.cleaned_data.items() if value not in ("", None)}
        person = run(
            form,
            lambda: services.person_register(
                actor=request.user, household_id=household.pk, **values
            ),
        )
        if person:
            messages.success(
                request,
                _("Đã thêm thành viên, mã an sinh xã hội %(code)s.") % {"code": person.ss_code},
            )
            return redirect("web:household", pk=household.pk)
    title = _("Thêm thành viên — hộ %(code)s") % {"code": household.code}
    return render(
        request,
        "web/form.html",
        {"form": form, "title": title, "back_url": reverse("web:household", args=[household.pk])},
    )


@role_view("beneficiaries.view_person")
def person_detail(request, pk: int):
    person = selectors.person_get(user=request.user, person_id=pk)
    unmask = unmask_requested(request, [person])
    cases = list(selectors.cases_list(user=request.user, filters={"person": person.pk}))
    context = {
        "person": person,
        "cases": cases,
        "shown": selectors_entitlements.current_entitlements(cases),
        "history": selectors.object_history(obj=person),
        "unmask": unmask,
    }
    return render(request, "web/person_detail.html", context)


@role_view("beneficiaries.record_death")
def person_death(request, pk: int):
    person = selectors.person_get(user=request.user, person_id=pk)
    form = DeathForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run(
            form,
            lambda: services.person_record_death(
                actor=request.user, person_id=person.pk, **form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("Đã ghi nhận người mất; các hồ sơ đang mở đã dừng hưởng."))
            return redirect("web:person", pk=person.pk)
    title = _("Ghi nhận người mất — %(code)s") % {"code": person.ss_code}
    return render(
        request,
        "web/form.html",
        {"form": form, "title": title, "back_url": reverse("web:person", args=[person.pk])},
    )


@role_view("beneficiaries.move_person")
def person_move(request, pk: int):
    person = selectors.person_get(user=request.user, person_id=pk)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["household_code"].strip()
        target = selectors.households_list(user=request.user, filters={"code": code}).first()
        if target is None:
            form.add_error("household_code", _("Không tìm thấy hộ có mã này trong xã của bạn."))
        else:
            done = run(
                form,
                lambda: services.person_move(
                    actor=request.user,
                    person_id=person.pk,
                    household_id=target.pk,
                    relation_to_head=form.cleaned_data["relation_to_head"],
                ),
            )
            if done:
                messages.success(request, _("Đã chuyển đến hộ %(code)s.") % {"code": target.code})
                return redirect("web:person", pk=person.pk)
    title = _("Chuyển hộ — %(code)s") % {"code": person.ss_code}
    return render(
        request,
        "web/form.html",
        {"form": form, "title": title, "back_url": reverse("web:person", args=[person.pk])},
    )
