from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.PAKN_SITE_NAME, "DEBUG": settings.DEBUG}
