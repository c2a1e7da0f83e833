from django.conf import settings

from core.geo import province_bounds


def site(request):
    return {"SITE_NAME": settings.PAKN_SITE_NAME, "DEBUG": settings.DEBUG}


def map_settings(request):
    """What every map needs (templates/_map.html): tiles, their credit, the province's box."""
    return {"MAP": {"tile_url": settings.PAKN_MAP_TILE_URL, "attribution": settings.PAKN_MAP_ATTRIBUTION,
                    "max_zoom": settings.PAKN_MAP_MAX_ZOOM, "bounds": province_bounds().as_text()}}
