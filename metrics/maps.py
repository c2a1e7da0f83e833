"""The supervisors' map: where the period's cases are, what state they are in, where they go overdue.

The cases are the dashboard's own (``selectors.cases_submitted_in`` with the dashboard's filters,
listed only as far as the viewer may open them: ``selectors.listed``), each at its place
(``workflow.selectors.placing_submissions``: its first located submission, exact; staff see it).
As on the public map, the asked box is cut into at most a few hundred aligned square cells
(``core.geo.grid_for``) and one grouped query counts each cell's cases: all of them, those
overdue now (``workflow.deadlines.overdue_q``, the one rule), open and answered. A cell with one
case is that case (``case``, ``title``, ``state``, ``overdue``); every feature carries its cell
(``cell``: west, south, east, north) so the map can draw the same answer as a density view.
"""
from django.db.models import Avg, Count, F, Max, Min, Q
from django.utils import timezone

from core.geo import MAX_CELLS, Bounds, floor_to_sql, from_micro, grid_for, micro_degrees
from metrics import selectors
from workflow.deadlines import overdue_q
from workflow.models import OPEN_STATES, State
from workflow.selectors import placing_submissions

ANSWERED_STATES = (State.ANSWERED, State.CLOSED)


def _placed_in(cases, grid):
    rows = placing_submissions().filter(case__in=cases.values("pk")).annotate(
        x=micro_degrees(F("longitude")), y=micro_degrees(F("latitude")))
    rows = rows.filter(x__gte=grid.min_x, x__lt=grid.max_x, y__gte=grid.min_y, y__lt=grid.max_y)
    return rows.annotate(cell_x=floor_to_sql(F("x"), grid.size), cell_y=floor_to_sql(F("y"), grid.size))


def case_map(*, filters, actor, bounds: Bounds, cells: int = MAX_CELLS, now=None) -> dict:
    """The GeoJSON FeatureCollection of the period's cases in ``bounds`` (snapped to the grid)."""
    now = now or timezone.now()
    grid = grid_for(bounds, max_cells=cells)
    cases = selectors.listed(selectors.cases_submitted_in(filters=filters, actor=actor), actor=actor)
    grouped = _placed_in(cases, grid).values("cell_x", "cell_y").annotate(
        count=Count("case_id"), overdue=Count("case_id", filter=overdue_q(now, "case__")),
        open=Count("case_id", filter=Q(case__state__in=OPEN_STATES)),
        answered=Count("case_id", filter=Q(case__state__in=ANSWERED_STATES)),
        mean_x=Avg("x"), mean_y=Avg("y"), west=Min("x"), east=Max("x"), south=Min("y"), north=Max("y"),
        # Read only where the cell holds one case: then the least is that case's own value.
        only_case=Min("case_id"), only_title=Min("case__title"), only_state=Min("case__state"),
    ).order_by("-cell_y", "cell_x")
    features = [_feature(row, grid) for row in grouped]
    box = grid.bounds
    return {"type": "FeatureCollection", "bbox": [box.min_lon, box.min_lat, box.max_lon, box.max_lat],
            "total": sum(row["count"] for row in grouped),
            "overdue": sum(row["overdue"] for row in grouped), "features": features}


def _feature(row, grid):
    cell = grid.cell_bounds(row["cell_x"], row["cell_y"])
    properties = {"count": row["count"], "overdue": row["overdue"], "open": row["open"], "answered": row["answered"],
                  "cell": [cell.min_lon, cell.min_lat, cell.max_lon, cell.max_lat]}
    if row["count"] == 1:
        properties.update(case=row["only_case"], title=row["only_title"], state=row["only_state"],
                          state_label=str(State(row["only_state"]).label))
    else:
        properties["bbox"] = [from_micro(row["west"]), from_micro(row["south"]),
                              from_micro(row["east"]), from_micro(row["north"])]
    point = [from_micro(round(row["mean_x"])), from_micro(round(row["mean_y"]))]
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": point}, "properties": properties}


def ward_hotspots(rows, limit=10):
    """The wards with the most cases in the period (``breakdown(by="ward")`` rows), most first, and
    the largest count (to draw each as a share of it)."""
    placed = [row for row in rows if row["key"] is not None and row["cases"]]
    placed.sort(key=lambda row: (-row["cases"], -row["overdue"], row["label"]))
    return placed[:limit]
