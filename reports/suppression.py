"""Complementary suppression: a masked HIV count ("< 5") must not be recoverable by subtracting
the report's other figures from a total (docs/reports.md, "Small numbers stay private").

The social-assistance category counts form a table whose rows are a province's communes plus
the province total, and whose columns are the categories plus the programme total (the
health-insurance count only adds exact figures to that total). With the totals published, a
hidden cell is exactly derivable unless it lies on a cycle of hidden cells (a change +d/−d
around a cycle keeps every published sum). So, in a province where any row has a masked HIV
cell (the "masked rows"):

1. in every masked row and in the province row, both HIV categories and one more category,
   always the same (5.5c, persons aged 80 or more without a pension: the largest category of
   the programme nationwide) are hidden: the hidden cells form a complete bipartite graph
   K(n, 3), n ≥ 2, every edge of which lies on a cycle. The complement is fixed rather than
   chosen from the figures so that two reports over different communes (the page lets one
   choose) hide the same cells of a commune and cannot be combined;
2. where every person of the programme in a row is in a hidden category (its shown categories
   hold no one), the programme's money there is the hidden persons' money alone, and amounts
   per person differ by category (5.3 × 1.5, 5.5c × 1.0 of the base): it would tell how they
   split. That row's programme money is hidden — due and paid, with the row's totals and its
   amounts by channel, which give it back — and so is the province's (the province minus the
   published communes would give it back too). Where shown categories hold someone, their
   amounts depend on each person's age and degree, which no report shows;
3. where the hidden cells of a row add up to nothing (its total minus its shown categories is
   0, so every hidden cell would read 0), that row's programme total and health-insurance count
   are hidden too, and so are the province's: the total column then holds two hidden cells,
   each on a cycle through the province row.

A commune's hidden cells depend only on its own figures, whatever else the report covers.
Totals stay published everywhere else, so the headline figures survive in most communes.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import CATEGORIES_BY_PROGRAMME

# Shown in place of a count hidden only so that a small one cannot be derived (it is not small).
HIDDEN_LABEL = _("ẩn")
# Hidden with the HIV categories (Decree 20/2021 Art. 5(5)(c)); see rule 1 above.
COMPLEMENT_CATEGORY = "5.5c"


def _hiv_programme(categories: frozenset[str]) -> str:
    return next(p for p, cats in CATEGORIES_BY_PROGRAMME.items() if categories & set(cats))


def _items(row: dict, programme: str) -> list[dict]:
    return [i for i in row["persons_by_category"] if i["programme"] == programme]


def _has_masked(row: dict, categories: frozenset[str]) -> bool:
    return any(
        item["suppressed"] and item["category"] in categories for item in row["persons_by_category"]
    )


def _hide_cells(row: dict, programme: str, hidden: set[str]) -> None:
    for item in _items(row, programme):
        if item["category"] in hidden and not item["suppressed"]:
            item.update(persons=None, display=str(HIDDEN_LABEL), suppressed=True)
            row["suppressed_figures"].append(f"persons_by_category.{item['category']}")


def _shown_sum(row: dict, programme: str) -> int:
    return sum(i["persons"] for i in _items(row, programme) if not i["suppressed"])


def _hidden_sum(row: dict, programme: str) -> int:
    """What a reader gets by subtracting the row's shown categories from its total."""
    return row["persons_by_programme"][programme] - _shown_sum(row, programme)


def _hide_total(row: dict, programme: str) -> None:
    if row["persons_by_programme"][programme] is None:
        return
    row["persons_by_programme"][programme] = None
    row["health_insurance_entitled"] = None
    row["suppressed_figures"] += [f"persons_by_programme.{programme}", "health_insurance_entitled"]


def _hide_money(row: dict, programme: str) -> None:
    hidden = []
    if row["amount_due_by_programme"].get(programme) is not None:
        row["amount_due_by_programme"][programme] = None
        hidden += [f"amount_due_by_programme.{programme}", "amount_due"]
        row["amount_due"] = None
    if row["amount_paid_by_programme"] is not None:
        row["amount_paid_by_programme"][programme] = None
        row["amount_paid"] = row["amount_paid_by_channel"] = None
        hidden += [f"amount_paid_by_programme.{programme}", "amount_paid", "amount_paid_by_channel"]
    row["suppressed_figures"] += hidden


def suppress_complementary(report: dict, categories: frozenset[str]) -> None:
    """Hide, in place, what would let a reader subtract a masked count out of a total."""
    programme = _hiv_programme(categories)
    for province in report["provinces"]:
        communes = [c for c in report["communes"] if c["province_code"] == province["code"]]
        masked = [r for r in communes if _has_masked(r, categories)]
        if not masked and not _has_masked(province, categories):
            continue
        rows = [province, *masked]
        for row in rows:
            _hide_cells(row, programme, set(categories) | {COMPLEMENT_CATEGORY})
        money_alone = [row for row in masked if _shown_sum(row, programme) == 0]
        if money_alone or _shown_sum(province, programme) == 0:
            for row in [province, *money_alone]:
                _hide_money(row, programme)
        empty = [row for row in rows if _hidden_sum(row, programme) == 0]
        for row in [province, *empty] if empty else []:
            _hide_total(row, programme)
