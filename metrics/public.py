"""The province's figures as the public sees them (``/thong-ke/``, ``GET /api/v1/public/stats/``).

No second computation: every figure is the supervisors' summary (``selectors.summary``) and
monthly trend (``breakdown.indicator_trend``), asked for by ``PUBLIC_ACTOR``, whose scope is the
whole province (``workflow.visibility.figures_reach``): the province's row is the summary without
an agency, each agency's row the summary for that agency and its subtree, exactly as the dashboard
and ``/api/v1/metrics/summary/?agency=…`` give them. Only counts and rates leave: no case, no
person. The public reads them from the cache (``core.public_cache``), at most
``PAKN_PUBLIC_STATS_CACHE_SECONDS`` old.

Each row: ``received`` (submissions made in the period), ``answered`` (the period's cases with a
published answer), ``on_time_rate``, ``satisfaction`` and ``mobile_handling_rate`` (each with
``numerator``, ``denominator`` and ``rate``, a fraction, null for 0/0) and
``median_response_working_days`` (the median response time in working hours over the length of
a working day, ``workflow.working_time.working_day_hours``).
"""
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from core.geo import province_name
from core.public_cache import cached
from metrics import selectors
from metrics.breakdown import indicator_trend
from metrics.scope import MetricsFilter
from workflow.actors import PUBLIC_ACTOR
from workflow.visibility import figure_agencies
from workflow.working_time import working_day_hours

TREND_MONTHS = 12


def default_period(today=None) -> tuple[date, date]:
    """The last 12 months: from the first day of the month eleven months back to today (the
    trend chart's twelve bars)."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (TREND_MONTHS - 1)
    return date(index // 12, index % 12 + 1, 1), today


def working_days(hours):
    return None if hours is None else round(hours / float(working_day_hours()), 2)


def public_figures(summary: dict) -> dict:
    """The published figures of one summary (``selectors.summary``'s shape)."""
    return {
        "received": summary["mobile_share"]["submissions"]["denominator"],
        "answered": summary["on_time"]["denominator"],
        "on_time_rate": summary["on_time"],
        "median_response_working_days": working_days(summary["response_time"]["working_hours"]["median"]),
        "satisfaction": summary["satisfaction"],
        "mobile_handling_rate": summary["mobile_handling_rate"],
    }


def _row(code, name, filters):
    return {"code": code, "name": name, **public_figures(selectors.summary(filters=filters, actor=PUBLIC_ACTOR))}


def public_stats(date_from: date, date_to: date) -> dict:
    """The province's figures and each active agency's (with its subtree), for the period."""
    province = MetricsFilter(date_from=date_from, date_to=date_to)
    agencies = sorted(figure_agencies(PUBLIC_ACTOR), key=lambda agency: agency.name.casefold())
    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "province": _row(str(settings.PAKN_PROVINCE_CODE), province_name(settings.PAKN_PROVINCE_CODE), province),
        "agencies": [_row(agency.code, agency.name, MetricsFilter(date_from=date_from, date_to=date_to, agency=agency))
                     for agency in agencies],
        "computed_at": timezone.localtime().isoformat(timespec="seconds"),
    }


def province_trend(date_from: date, date_to: date) -> list[dict]:
    """The indicator month by month for the province: the dashboard's trend, public scope."""
    return indicator_trend(filters=MetricsFilter(date_from=date_from, date_to=date_to), actor=PUBLIC_ACTOR,
                           months=TREND_MONTHS)


def cached_public_stats(date_from: date, date_to: date) -> dict:
    params = {"from": date_from.isoformat(), "to": date_to.isoformat(), "language": get_language()}
    return cached("stats", params, lambda: public_stats(date_from, date_to),
                  seconds=settings.PAKN_PUBLIC_STATS_CACHE_SECONDS, follows_changes=False)


def cached_province_trend(date_from: date, date_to: date) -> list[dict]:
    params = {"from": date_from.isoformat(), "to": date_to.isoformat()}
    return cached("trend", params, lambda: province_trend(date_from, date_to),
                  seconds=settings.PAKN_PUBLIC_STATS_CACHE_SECONDS, follows_changes=False)
