"""Places on the Earth: the province's bounds, distances and the box around a point.

Coordinates are WGS84 degrees. Distances use the haversine formula on a sphere of the Earth's mean
radius: within a province the error is far below what a phone's GPS gets wrong.
"""
import math
from dataclasses import dataclass

from django.conf import settings

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
