"""What the reports page shows of a summary (reports/summary.py): its tables and their SVG
charts, built from the same rows, so a chart and the table beside it always carry the same
numbers, small ones masked as in the workbook."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from beneficiaries.models import CATEGORIES_BY_PROGRAMME, Programme
from reports.suppression import HIDDEN_LABEL
from web.charts import Bar, Series, bar_chart, line_chart

NO_DATA = "—"


def percent(value: Decimal | None) -> str:
    return NO_DATA if value is None else f"{number_format(value, decimal_pos=2)} %"


def count(value: int | None) -> str:
    return str(HIDDEN_LABEL) if value is None else number_format(value, force_grouping=True)


def target_labels() -> dict[str, tuple[str, str]]:
    """code → (what, the 2030 target as printed)."""
    return {
        "poverty_rate_below_1": (_("Tỷ lệ hộ nghèo"), _("dưới 1 %")),
        "no_poor_meritorious_household": (_("Hộ người có công còn nghèo"), _("0 hộ")),
        "all_eligible_paid": (_("Đối tượng đủ điều kiện được chi trả"), _("100 %")),
        "cashless_share_rising": (
            _("Tỷ lệ chi trả không dùng tiền mặt"),
            _("tăng hằng năm"),
        ),
    }


def _households(value: int | None) -> str:
    return NO_DATA if value is None else count(value)


def _trend_label(trend: str | None) -> str:
    return {"up": _("tăng"), "down": _("giảm"), "same": _("không đổi")}.get(trend, NO_DATA)


def _met_label(met: bool | None) -> str:
    return {True: _("Đạt"), False: _("Chưa đạt")}.get(met, _("Chưa có số liệu"))


def beneficiaries(row: dict, chart_id: str) -> dict:
    """Persons by programme, then by category (the categories with anyone, and the HIV ones
    always, so that their masking is visible), as rows of a table and bars of a chart."""
    items = {(i["programme"], i["category"]): i for i in row["persons_by_category"]}
    lines, bars = [], []
    for programme in Programme.values:
        total = row["persons_by_programme"][programme]
        label = str(Programme(programme).label)
        lines.append({"label": label, "shown": count(total), "group": True})
        bars.append(Bar(label, total, count(total), kind="group"))
        for category in CATEGORIES_BY_PROGRAMME[programme]:
            item = items[(programme, category)]
            if not item["suppressed"] and not item["persons"]:
                continue
            name = _("Diện %(category)s") % {"category": category}
            lines.append({"label": name, "shown": item["display"], "group": False})
            bars.append(Bar(name, item["persons"], item["display"]))
    title = _("Đối tượng đang hưởng theo chính sách và diện")
    return {"lines": lines, "chart": bar_chart(chart_id, title, bars), "title": title}


def poverty_trend(trend: list[dict], chart_id: str) -> dict:
    lines = [
        {**year, "poverty_shown": percent(year["poverty_rate"]),
         "near_poverty_shown": percent(year["near_poverty_rate"])}
        for year in trend
    ]  # fmt: skip
    title = _("Tỷ lệ hộ nghèo và cận nghèo qua các năm")
    chart = line_chart(
        chart_id,
        title,
        [str(year["year"]) for year in trend],
        [  # fmt: skip
            Series(
                _("Hộ nghèo"),
                [y["poverty_rate"] for y in trend],
                "poor",
                [percent(y["poverty_rate"]) for y in trend],
            ),
            Series(
                _("Hộ cận nghèo"),
                [y["near_poverty_rate"] for y in trend],
                "near-poor",
                [percent(y["near_poverty_rate"]) for y in trend],
            ),
        ],
    )
    return {"lines": lines, "chart": chart, "title": title}


def cashless(communes: list[dict], chart_id: str) -> dict:
    lines = [
        {"code": c["code"], "name": c["name"], "shown": percent(c["cashless_share"])}
        for c in communes
    ]
    bars = [Bar(c["name"], c["cashless_share"], percent(c["cashless_share"])) for c in communes]
    title = _("Tỷ lệ chi trả không dùng tiền mặt theo xã")
    return {
        "lines": lines,
        "chart": bar_chart(chart_id, title, bars, maximum=100),
        "title": title,
    }


def targets(row: dict, chart_id: str) -> dict:
    """Each 2030 target: this year's value, the target, last year's value, the trend."""
    labels = target_labels()
    lines, bars = [], []
    for target in row["targets"]:
        what, goal = labels[target["code"]]
        is_count = target["code"] == "no_poor_meritorious_household"
        shown = _households if is_count else percent
        lines.append(
            {"label": what, "goal": goal, "current": shown(target["current"]),
             "previous": shown(target["previous"]), "trend": _trend_label(target["trend"]),
             "met": _met_label(target["met"]), "met_code": target["met"]}
        )  # fmt: skip
        if not is_count:
            marker = {"poverty_rate_below_1": 1, "all_eligible_paid": 100}.get(target["code"])
            marker = target["previous"] if marker is None else marker
            bars.append(
                Bar(what, target["current"], shown(target["current"]), kind="target-bar",
                    marker=marker)
            )  # fmt: skip
    title = _("Tiến độ các mục tiêu 2030 (%), vạch đứng là mức cần đạt")
    return {"lines": lines, "chart": bar_chart(chart_id, title, bars, maximum=100), "title": title}
