"""The social worker's dashboard and the search (by POST: criteria never appear in a URL)."""

from __future__ import annotations

from django.shortcuts import render

from beneficiaries import selectors
from registry.exceptions import ValidationFailed
from web import selectors as web_selectors
from web.forms import SearchForm
from web.views.common import role_view


@role_view("beneficiaries.add_household")
def dashboard(request):
    context = web_selectors.dashboard(request.user)
    context["communes"] = web_selectors.user_communes(request.user)
    return render(request, "web/dashboard.html", context)


@role_view("beneficiaries.view_person")
def search(request):
    results = None
    form = SearchForm(request.POST or None, initial={"kind": "name"})
    if request.method == "POST" and form.is_valid():
        kind, query = form.cleaned_data["kind"], form.cleaned_data["query"]
        try:
            if kind == "ss_code":
                results = list(
                    selectors.persons_list(user=request.user, filters={"ss_code": query})
                )
            elif kind == "national_id":
                results = selectors.persons_search(user=request.user, national_id=query)
            else:
                results = selectors.persons_search(user=request.user, name=query)
        except ValidationFailed as exc:
            form.add_error("query", str(exc.message))
    template = "web/_search_block.html" if request.htmx else "web/search.html"
    return render(request, template, {"form": form, "results": results})
