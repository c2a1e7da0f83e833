"""The public map: where the cases the public may see were reported, counted in the database.

What it shows is the public listing's rule (``selectors.publicly_listed``: publish consent, case
open or answered, one entry per case) for submissions that have a position, each at its PUBLIC position
(``selectors.public_position``: an anonymous sender's rounded to about 100 m), so the map never
tells more than the public case page does.

However many cases there are, one grouped query answers: the asked box is covered by at most
``core.geo.MAX_CELLS`` square cells (powers of two of a micro-degree, aligned, so a cell is the
same cell whichever box asks), and each cell with cases is one feature: a Point of the case when it
is alone there (``tracking_code``, ``status``, ``category``), else a Point of the cluster at the
mean of its cases' positions (``count``, ``answered``, ``bbox``). A phone thus never receives more
than a few hundred features, even for a province with 100,000 cases a year.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Max, Min, Q
from django.utils import timezone
from django.utils.translation import get_language

from core.geo import MAX_CELLS, MICRO, Bounds, floor_to_sql, from_micro, grid_for
from core.public_cache import cached
from feedback.selectors import ANONYMOUS_STEP, public_position_sql, public_text, publicly_listed
from workflow.models import OPEN_STATES, State
from workflow.working_time import LocalDays

ANSWERED_STATES = (State.ANSWERED, State.CLOSED)
STATUS_GROUPS = {"open": OPEN_STATES, "answered": ANSWERED_STATES}


@dataclass(frozen=True)
class MapFilter(LocalDays):
    """Which cases: submitted from ``date_from`` to ``date_to`` (local days, inclusive), of a
    category (or any), in a state group (``open``, ``answered`` or any)."""

    category: object = None
    status: str = ""

    def cache_params(self):
        return {"from": self.date_from.isoformat(), "to": self.date_to.isoformat(),
                "category": getattr(self.category, "code", ""), "status": self.status}


def mapped_submissions(filters: MapFilter):
    """The publicly listed submissions that have a position and match the filters."""
    rows = publicly_listed(located=True).filter(submitted_at__gte=filters.start, submitted_at__lt=filters.end)
    if filters.category is not None:
        rows = rows.filter(category=filters.category)
    if filters.status:
        rows = rows.filter(case__state__in=STATUS_GROUPS[filters.status])
    return rows.order_by()


def within(rows, bounds: Bounds):
    """``rows`` whose PUBLIC position lies in ``bounds`` (west and south edges in, east and north
    out), with ``public_lat``/``public_lon`` annotated. The stored columns narrow first (their
    index), widened by the most an anonymous position is moved."""
    margin = Decimal(ANONYMOUS_STEP) / MICRO
    west, south = Decimal(str(bounds.min_lon)), Decimal(str(bounds.min_lat))
    east, north = Decimal(str(bounds.max_lon)), Decimal(str(bounds.max_lat))
    rows = rows.filter(latitude__gte=south - margin, latitude__lte=north + margin,
                       longitude__gte=west - margin, longitude__lte=east + margin)
    rows = rows.annotate(**public_position_sql())
    return rows.filter(public_lat__gte=int(south * MICRO), public_lat__lt=int(north * MICRO),
                       public_lon__gte=int(west * MICRO), public_lon__lt=int(east * MICRO))


def public_map(filters: MapFilter, bounds: Bounds, *, cells: int = MAX_CELLS) -> dict:
    """The GeoJSON FeatureCollection for ``bounds`` (snapped outwards to the grid: ``bbox``), cut
    into at most ``cells`` cells."""
    grid = grid_for(bounds, max_cells=cells)
    rows = within(mapped_submissions(filters), grid.bounds).annotate(
        cell_x=floor_to_sql(F("public_lon"), grid.size), cell_y=floor_to_sql(F("public_lat"), grid.size))
    cells = rows.values("cell_x", "cell_y").annotate(
        count=Count("pk"), answered=Count("pk", filter=Q(case__state__in=ANSWERED_STATES)),
        mean_lat=Avg("public_lat"), mean_lon=Avg("public_lon"),
        south=Min("public_lat"), north=Max("public_lat"), west=Min("public_lon"), east=Max("public_lon"),
        # Read only where the cell holds one case: then the least is that case's own value.
        code=Min("tracking_code"), state=Min("case__state"), category_code=Min("category__code"),
    ).order_by("-cell_y", "cell_x")
    features = [_feature(cell) for cell in cells]
    box = grid.bounds
    return {"type": "FeatureCollection", "bbox": [box.min_lon, box.min_lat, box.max_lon, box.max_lat],
            "total": sum(cell["count"] for cell in cells), "features": features}


def _point(lat_micro, lon_micro):
    return {"type": "Point", "coordinates": [from_micro(round(lon_micro)), from_micro(round(lat_micro))]}


def _feature(cell):
    if cell["count"] == 1:
        properties = {"tracking_code": cell["code"], "status": cell["state"], "category": cell["category_code"]}
    else:
        properties = {"count": cell["count"], "answered": cell["answered"],
                      "bbox": [from_micro(cell["west"]), from_micro(cell["south"]),
                               from_micro(cell["east"]), from_micro(cell["north"])]}
    return {"type": "Feature", "geometry": _point(cell["mean_lat"], cell["mean_lon"]), "properties": properties}


def public_list(filters: MapFilter, bounds: Bounds | None = None):
    """The same cases as a list, newest first (the map's companion: small screens, screen readers,
    and a phone whose map tiles do not load)."""
    rows = mapped_submissions(filters)
    if bounds is not None:
        rows = within(rows, bounds)
    return rows.select_related("case", "category", "ward").order_by("-submitted_at", "-pk")


# --- answered from the cache (core.public_cache: cleared by any change to a case) ----------------

def cached_public_map(filters: MapFilter, bounds: Bounds, *, cells: int = MAX_CELLS) -> dict:
    params = {**filters.cache_params(), "bbox": bounds.as_text(), "cells": cells}
    return cached("map", params, lambda: public_map(filters, bounds, cells=cells),
                  seconds=settings.PAKN_PUBLIC_MAP_CACHE_SECONDS, follows_changes=True)


def cached_list_page(filters: MapFilter, bounds: Bounds | None, page_number, *, per_page=20) -> dict:
    """One page of ``public_list`` as plain values (codes and public fields only)."""
    params = {**filters.cache_params(), "bbox": bounds.as_text() if bounds else "", "page": str(page_number),
              "per_page": per_page, "language": get_language()}

    def compute():
        page = Paginator(public_list(filters, bounds), per_page).get_page(page_number)
        return {"count": page.paginator.count, "number": page.number, "num_pages": page.paginator.num_pages,
                "rows": [_list_row(submission) for submission in page.object_list]}
    return cached("list", params, compute, seconds=settings.PAKN_PUBLIC_MAP_CACHE_SECONDS, follows_changes=True)


def _list_row(submission):
    case = submission.case
    return {"tracking_code": submission.tracking_code, "title": public_text(submission, "title"),
            "status": case.state, "status_label": str(State(case.state).label),
            "category": submission.category.name, "ward": submission.ward.name if submission.ward_id else None,
            "submitted_at": timezone.localtime(submission.submitted_at)}
