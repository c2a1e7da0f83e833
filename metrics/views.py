"""The supervisors' dashboard and its exports (staff only, scoped to what the viewer may see).

Views stay thin: the figures come from ``metrics.selectors`` and ``metrics.breakdown``; tables sort
on the server (``?sort=column`` or ``?sort=-column``) so the page works without JavaScript.
"""
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ValidationFailed
from metrics import exports, selectors
from metrics.breakdown import breakdown, indicator_trend
from metrics.charts import trend_chart
from metrics.forms import MetricsFilterForm, default_filters, parse_filters
from workflow.gate import staff_required

OVERDUE_LIST_SIZE = 50
# Table columns a visitor may sort by: (query value, header, how to read a row's value).
SORT_COLUMNS = (
    ("label", gettext_lazy("Tên"), lambda r: r["label"].casefold()),
    ("submissions", gettext_lazy("Phản ánh"), lambda r: r["submissions"]),
    ("indicator", gettext_lazy("Tỷ lệ trên di động"), lambda r: r["mobile_handling_rate"]["rate"]),
    ("answered", gettext_lazy("Đã trả lời"), lambda r: r["answered"]),
    ("on_time", gettext_lazy("Đúng hạn"), lambda r: r["on_time"]["rate"]),
    ("overdue", gettext_lazy("Quá hạn"), lambda r: r["overdue"]),
    ("median", gettext_lazy("Trung vị (giờ LV)"), lambda r: r["median_response_working_hours"]),
)
SORT_KEYS = {name: key for name, _label, key in SORT_COLUMNS}


def _filter_form(request, actor):
    """The bound filter form (the default period filled in) and the filters it yields."""
    data = request.GET.copy()
    defaults = default_filters(actor=actor)
    data.setdefault("from", defaults.date_from.isoformat())
    data.setdefault("to", defaults.date_to.isoformat())
    form = MetricsFilterForm(data, actor=actor)
    return form, form.filters() if form.is_valid() else defaults


def sort_rows(rows, sort):
    """Rows ordered by ``sort`` ("overdue", "-overdue"); rows without a value go last either way."""
    name = sort.lstrip("-")
    key = SORT_KEYS.get(name, SORT_KEYS["label"])
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    return sorted(present, key=key, reverse=sort.startswith("-")) + missing


def _sort_links(request, current):
    links = []
    for name, label, _key in SORT_COLUMNS:
        direction = f"-{name}" if current == name else name
        query = request.GET.copy()
        query["sort"] = direction
        links.append({"name": name, "label": label, "url": f"?{query.urlencode()}",
                      "active": current.lstrip("-") == name, "descending": current == f"-{name}"})
    return links


def _export_links(request):
    query = request.GET.copy()
    query.pop("sort", None)
    suffix = f"?{query.urlencode()}" if query else ""
    return {f"{table}_{fmt}": reverse("metrics:export", kwargs={"table": table, "fmt": fmt}) + suffix
            for table in ("agency", "category", "cases") for fmt in ("csv", "xlsx")}


@staff_required
def dashboard(request):
    actor = request.actor
    form, filters = _filter_form(request, actor)
    summary = selectors.summary(filters=filters, actor=actor)
    sort = request.GET.get("sort", "label")
    trend = indicator_trend(filters=filters, actor=actor)
    indicator = summary["mobile_handling_rate"]
    return _render(request, {
        "form": form, "filters": filters, "summary": summary, "indicator": indicator,
        "meets_target": indicator["rate"] is not None and indicator["rate"] >= indicator["target"],
        "trend": trend, "chart": trend_chart(trend, indicator["target"]),
        "agency_rows": sort_rows(breakdown(by="agency", filters=filters, actor=actor), sort),
        "category_rows": sort_rows(breakdown(by="category", filters=filters, actor=actor), sort),
        "sort_links": _sort_links(request, sort),
        "overdue_cases": list(selectors.overdue_cases(filters=filters, actor=actor, limit=OVERDUE_LIST_SIZE)),
        "exports": _export_links(request),
    })


def _render(request, context):
    return render(request, "metrics/dashboard.html", context)


EXPORT_TITLES = {"agency": gettext_lazy("Theo cơ quan"), "category": gettext_lazy("Theo lĩnh vực"),
                 "cases": gettext_lazy("Hồ sơ")}


@staff_required
def export(request, table, fmt):
    """``/dashboard/export/<agency|category|cases>.<csv|xlsx>`` with the dashboard's filters."""
    try:
        filters = parse_filters(request.GET, actor=request.actor)
    except ValidationFailed:
        return HttpResponseBadRequest(_("Bộ lọc không hợp lệ."))
    columns, rows = exports.table(table, filters=filters, actor=request.actor)
    filename = f"pakn-{table}-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}"
    if fmt == "csv":
        return exports.csv_response(request, columns, rows, filename)
    return exports.xlsx_response(columns, rows, filename, str(EXPORT_TITLES[table]))
