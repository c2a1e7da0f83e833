"""Small typed readers for environment variables that refuse bad values instead of guessing.

A secret may also come from a file: ``NAME_FILE=/run/secrets/x`` is read when ``NAME`` is unset.
"""
import ipaddress
import os
from urllib.parse import urlsplit

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


# --- production guards -------------------------------------------------------------------------

# Backends that accept a message and deliver it to no one (Django's and the project's own).
_UNDELIVERING = ("console", "locmem", "dummy", "filebased")


def refuse_undelivering_backends(backends, *, allowed):
    """Refuse to start when email or SMS would be written to a console (or nowhere) in production."""
    if allowed:
        return
    for name, path in backends.items():
        if any(word in (path or "").lower() for word in _UNDELIVERING):
            raise ImproperlyConfigured(
                f"{name}={path} delivers nothing; configure a real backend, or set "
                "PAKN_ALLOW_CONSOLE_MESSAGES=1 if this is meant.")


def is_loopback_host(host):
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_loopback_url(name, url, *, allowed):
    """Links in citizens' messages must reach them: a loopback address reaches no one."""
    if not allowed and is_loopback_host(urlsplit(url).hostname):
        raise ImproperlyConfigured(
            f"{name}={url} points at this machine; set the public address, or "
            "PAKN_ALLOW_LOOPBACK_URL=1 if this is meant.")


def default_public_base_url(allowed_hosts, *, debug):
    """The demo's own address, or in production https on the first concrete allowed host."""
    if debug:
        return "http://127.0.0.1:8000"
    for host in allowed_hosts:
        host = host.lstrip(".")
        if host and host != "*":
            return f"https://{host}"
    raise ImproperlyConfigured("Set PAKN_PUBLIC_BASE_URL (no concrete host in DJANGO_ALLOWED_HOSTS).")


def tile_source(url_template):
    """The CSP source that lets a map load tiles from ``url_template``: its scheme and host, with a
    ``{s}`` subdomain placeholder as a wildcard (``https://*.tile.example.org``); none if relative."""
    parts = urlsplit(url_template)
    if not parts.scheme or not parts.netloc:
        return []
    return [f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"]


def bucket_sources(*, bucket, endpoint_url=None, custom_domain=None):
    """The CSP sources browsers load photos from when they live in a bucket: its CDN domain, its
    endpoint (path style) and the endpoint's subdomains (virtual-host style), or AWS's own."""
    if not bucket:
        return []
    sources = [f"https://{custom_domain.strip('/')}"] if custom_domain else []
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        sources += [f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://*.{parts.netloc}"]
    else:
        sources.append("https://*.amazonaws.com")
    return sources
