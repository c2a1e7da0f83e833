"""Small typed readers for environment variables that refuse bad values instead of guessing.

A secret may also come from a file: ``NAME_FILE=/run/secrets/x`` is read when ``NAME`` is unset.
"""
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name, default=None):
    value = os.environ.get(name)
    if value is not None:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    return default


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name, default):
    value = env(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name, default=()):
    value = env(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_bounds(name, default):
    """A bounding box ``min_lon,min_lat,max_lon,max_lat`` (WGS84 degrees, GeoJSON's order)."""
    value = env(name) or default
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in value.split(","))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be min_lon,min_lat,max_lon,max_lat, not {value!r}") from None
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        raise ImproperlyConfigured(f"{name} must have min < max within WGS84 ranges, not {value!r}")
    return (min_lon, min_lat, max_lon, max_lat)
