"""Places on the Earth: the province's bounds, distances and the box around a point.

Coordinates are WGS84 degrees. Distances use the haversine formula on a sphere of the Earth's mean
radius: within a province the error is far below what a phone's GPS gets wrong.
"""
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from django.conf import settings
from django.db.models import BigIntegerField, ExpressionWrapper, FloatField, Value
from django.db.models.functions import Cast, Round

EARTH_RADIUS_M = 6_371_008.8
METERS_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_M / 180


@dataclass(frozen=True)
class Bounds:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, latitude, longitude) -> bool:
        return (self.min_lat <= float(latitude) <= self.max_lat
                and self.min_lon <= float(longitude) <= self.max_lon)

    def as_text(self) -> str:
        """``min_lon,min_lat,max_lon,max_lat`` with dots, for data attributes and URLs."""
        return ",".join(repr(float(value)) for value in (self.min_lon, self.min_lat, self.max_lon, self.max_lat))


def province_bounds() -> Bounds:
    """The province this installation serves (setting ``PAKN_PROVINCE_BOUNDS``)."""
    return Bounds(*settings.PAKN_PROVINCE_BOUNDS)


@lru_cache(maxsize=4)
def province_name(code: int) -> str:
    """The province's name as ``vietnam-provinces`` spells it (``Bắc Ninh`` for 24)."""
    from vietnam_provinces import Province, ProvinceCode

    return Province.from_code(ProvinceCode(code)).name


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lon2) - float(lon1))
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def box_around(latitude, longitude, meters) -> Bounds:
    """The smallest latitude/longitude box holding every point within ``meters`` of the point
    (a prefilter a database index can use before the exact distance)."""
    latitude, longitude = float(latitude), float(longitude)
    d_lat = meters / METERS_PER_DEGREE_LATITUDE
    cos_lat = max(math.cos(math.radians(min(89.0, abs(latitude) + d_lat))), 1e-6)
    d_lon = min(180.0, d_lat / cos_lat)
    return Bounds(longitude - d_lon, latitude - d_lat, longitude + d_lon, latitude + d_lat)


# --- positions in whole micro-degrees, and a grid to count them in --------------------------------
#
# Positions are stored with 6 decimals, so a coordinate is a whole number of micro-degrees. Doing
# the arithmetic on those integers (in Python and in SQL alike) keeps every rounding and every
# grid cell exact and the same on PostgreSQL (numeric) and SQLite (real): no float ever decides
# on which side of a line a point falls.

MICRO = 1_000_000
# Added before an integer division so that the dividend is positive and SQL's division (which
# truncates towards zero) floors like Python's //. A multiple of every cell size and of 1,000.
_OFFSET = 2**30 * 1000


def to_micro(value) -> int:
    """A coordinate (Decimal, float or text, in degrees) as whole micro-degrees."""
    return int((Decimal(str(value)) * MICRO).to_integral_value(ROUND_HALF_EVEN))


def from_micro(micro) -> float:
    return int(micro) / MICRO


def micro_degrees(expression):
    """``to_micro`` in SQL, for a stored coordinate column or expression."""
    scaled = ExpressionWrapper(expression * Value(MICRO), output_field=FloatField())
    return Cast(Round(scaled), BigIntegerField())


def floor_to(micro, step: int) -> int:
    """``micro`` rounded down to a multiple of ``step`` micro-degrees."""
    return (int(micro) + _OFFSET) // step * step - _OFFSET


def floor_to_sql(expression, step: int):
    """``floor_to`` in SQL: integer division of a positive number truncates, so it floors."""
    shifted = ExpressionWrapper(expression + Value(_OFFSET), output_field=BigIntegerField())
    return ExpressionWrapper(shifted / Value(step) * Value(step) - Value(_OFFSET), output_field=BigIntegerField())


def half_up_to(micro, step: int) -> int:
    """``micro`` to the nearest multiple of ``step``; a tie goes up (towards +∞)."""
    return floor_to(int(micro) + step // 2, step)


def half_up_to_sql(expression, step: int):
    return floor_to_sql(ExpressionWrapper(expression + Value(step // 2), output_field=BigIntegerField()), step)


MAX_CELLS = 256  # by default a map is cut into at most this many cells: one feature each, at most
MIN_CELLS, MAX_FEATURES = 16, 500  # what a client may ask for instead (the contract's bound: 500)
MIN_CELL_MICRO = 2**4  # 16 micro-degrees, under 2 m: finer than any phone's GPS


@dataclass(frozen=True)
class Grid:
    """Square cells of ``size`` micro-degrees, aligned on multiples of it (so a cell is the same
    cell whatever part of the map is asked for), covering ``bounds`` snapped outwards to them."""

    size: int
    bounds: Bounds

    @property
    def min_x(self):
        return to_micro(self.bounds.min_lon)

    @property
    def min_y(self):
        return to_micro(self.bounds.min_lat)

    @property
    def max_x(self):
        return to_micro(self.bounds.max_lon)

    @property
    def max_y(self):
        return to_micro(self.bounds.max_lat)

    def cell_bounds(self, x, y) -> Bounds:
        """The cell whose south-west corner is (``x``, ``y``) in micro-degrees."""
        return Bounds(from_micro(x), from_micro(y), from_micro(x + self.size), from_micro(y + self.size))


def _cells_across(low, high, size):
    return (floor_to(high, size) - floor_to(low, size)) // size + 1


def grid_for(bounds: Bounds, *, max_cells: int = MAX_CELLS) -> Grid:
    """The finest grid of power-of-two cells that covers ``bounds`` in at most ``max_cells``
    cells; ``Grid.bounds`` is the area those cells cover (the asked box, snapped outwards)."""
    low_x, low_y = to_micro(bounds.min_lon), to_micro(bounds.min_lat)
    high_x, high_y = to_micro(bounds.max_lon), to_micro(bounds.max_lat)
    size = MIN_CELL_MICRO
    while _cells_across(low_x, high_x, size) * _cells_across(low_y, high_y, size) > max_cells:
        size *= 2
    snapped = Bounds(from_micro(floor_to(low_x, size)), from_micro(floor_to(low_y, size)),
                     from_micro(floor_to(high_x, size) + size), from_micro(floor_to(high_y, size) + size))
    return Grid(size=size, bounds=snapped)


WORLD = Bounds(-180.0, -90.0, 180.0, 90.0)


def parse_bbox(text: str) -> Bounds:
    """``minlon,minlat,maxlon,maxlat`` (dots, WGS84) as ``Bounds``; ``ValueError`` when it is not
    four numbers, out of the world's range, or turned inside out."""
    parts = [part.strip() for part in (text or "").split(",")]
    if len(parts) != 4:
        raise ValueError("four numbers expected")
    try:
        min_lon, min_lat, max_lon, max_lat = (float(Decimal(part)) for part in parts)
    except InvalidOperation:
        raise ValueError("not a number") from None
    box = Bounds(min_lon, min_lat, max_lon, max_lat)
    if not (WORLD.min_lon <= min_lon < max_lon <= WORLD.max_lon and WORLD.min_lat <= min_lat < max_lat <= WORLD.max_lat):
        raise ValueError("outside the world or inside out")
    return box
