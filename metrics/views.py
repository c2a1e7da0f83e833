"""The supervisors' dashboard and its exports (staff only, scoped to what the viewer may see).

Views stay thin: the figures come from ``metrics.selectors`` and ``metrics.breakdown``; tables sort
on the server (``?sort=column`` or ``?sort=-column``) so the page works without JavaScript.
"""
from urllib.parse import urlencode

from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.errors import ValidationFailed
from core.forms import form_errors
from core.geo import MAX_CELLS, province_bounds
from metrics import exports, maps, selectors
from metrics.breakdown import breakdown, indicator_trend
from metrics.charts import trend_chart
from metrics.forms import MapAreaForm, MetricsFilterForm, PublicPeriodForm, default_filters, parse_filters
from metrics.maps import ward_hotspots
from metrics.public import cached_province_trend, cached_public_stats, default_period
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
        **_map_context(request, filters, actor),
    })


def _inbox_query(filters):
    """The inbox's filters for the dashboard's (``workflow`` reads ``from``, ``to``, ``agency``
    with its subtree, ``category``, ``ward``; a place adds ``bbox``): every case of the period,
    whatever its queue. The inbox has no channel or device filter, so a link filtered by one
    shows every channel's or device's cases of that place."""
    params = {"queue": "all", "from": filters.date_from.isoformat(), "to": filters.date_to.isoformat()}
    if filters.agency is not None:
        params["agency"] = filters.agency.code
    if filters.category is not None:
        params["category"] = filters.category.code
    if filters.ward is not None:
        params["ward"] = filters.ward.code
    return params


def _map_context(request, filters, actor):
    query = request.GET.copy()
    query.pop("sort", None)
    hotspots = ward_hotspots(breakdown(by="ward", filters=filters, actor=actor, medians=False))  # none shown
    inbox = reverse("workflow:inbox")
    base = _inbox_query(filters)
    for row in hotspots:
        row["inbox_url"] = f"{inbox}?{urlencode({**base, 'ward': row['key']})}"
    return {
        "map_source": f"{reverse('metrics:map')}?{query.urlencode()}",
        "map_inbox_url": f"{inbox}?{urlencode(base)}",
        "hotspots": hotspots, "hotspot_max": max((row["cases"] for row in hotspots), default=0),
    }


@staff_required
def case_map(request):
    """``/dashboard/map.geojson``: the period's cases for the dashboard's map, the dashboard's
    filters plus ``bbox`` and ``cells`` (as the public map's API), scoped to the viewer."""
    actor = request.actor
    area = MapAreaForm(request.GET)
    try:
        filters = parse_filters(request.GET, actor=actor)
        if not area.is_valid():
            raise ValidationFailed(fields=form_errors(area))
    except ValidationFailed as error:
        return JsonResponse({"message": str(error.message), "code": error.code, "fields": error.fields}, status=400)
    bounds, cells = area.cleaned_data["bbox"] or province_bounds(), area.cleaned_data["cells"] or MAX_CELLS
    return JsonResponse(maps.case_map(filters=filters, actor=actor, bounds=bounds, cells=cells))


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


# --- the public statistics (anyone, no sign-in) ------------------------------------------------------

@require_GET
def public_stats(request):
    """The province's figures and each agency's for a period (default the last 12 months), with
    the indicator's monthly trend: the dashboard's own numbers (``metrics.public``), from the cache."""
    form = PublicPeriodForm(request.GET or None)
    date_from, date_to = form.period() if form.is_valid() else default_period()
    stats = cached_public_stats(date_from, date_to)
    trend = cached_province_trend(date_from, date_to)
    indicator = stats["province"]["mobile_handling_rate"]
    active = [row for row in stats["agencies"] if row["received"] or row["answered"]]
    return render(request, "metrics/public_stats.html", {
        "form": form, "stats": stats, "province": stats["province"], "agency_rows": active,
        "quiet_agencies": len(stats["agencies"]) - len(active),
        "date_from": date_from, "date_to": date_to, "computed_at": parse_datetime(stats["computed_at"]),
        "indicator": indicator, "meets_target": indicator["rate"] is not None and indicator["rate"] >= indicator["target"],
        "trend": trend, "chart": trend_chart(trend, indicator["target"]),
    })
