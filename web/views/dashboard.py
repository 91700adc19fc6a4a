"""The social worker's dashboard and the search (by POST: criteria never appear in a URL)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from registry.exceptions import ValidationFailed
from web import selectors as web_selectors
from web.forms import SearchForm
from web.views.common import role_view


@role_view("beneficiaries.add_household")
def dashboard(request):
    context = web_selectors.dashboard(request.user)
    context["communes"] = web_selectors.user_communes(request.user)
    return render(request, "web/dashboard.html", context)


# The search block (web/_search_block.html) as the registry's search shows it.
SEARCH = {
    "search_url": reverse_lazy("web:search"),
    "search_id": "search-block",
    "search_row": "web/_search_row_person.html",
    "search_last_column": _("Hộ"),
}


def search_page(request, *, page: str, block: dict):
    """A person search by POST (criteria never appear in a URL), shown in `page`, or only its
    block (`web/_search_block.html`, described by `block`) for htmx: the registry's search and
    the payment-account search are this one view."""
    results = None
    form = SearchForm(request.POST or None, initial={"kind": "name"})
    if request.method == "POST" and form.is_valid():
        try:
            results = web_selectors.persons_found(request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error("query", str(exc.message))
    template = "web/_search_block.html" if request.htmx else page
    return render(request, template, {"form": form, "results": results, **block})


@role_view("beneficiaries.view_person")
def search(request):
    return search_page(request, page="web/search.html", block=SEARCH)
