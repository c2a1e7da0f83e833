"""Sign-in attempts counted per account (django-axes), on top of the per-address budget.

The per-address throttle (``login`` scope) stops one machine from guessing many passwords; it
cannot protect one account from many machines, and one office behind a NAT shares it. Axes
counts failures per username: after ``PAKN_LOGIN_ACCOUNT_FAILURES`` failures the account is
locked for ``PAKN_LOGIN_LOCK_MINUTES`` (failing again does not extend it), whatever the address.
An administrator unlocks it at once by deleting its row under "Axes › Access attempts".
"""
from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class AccountLockBackend(AxesStandaloneBackend):
    """Refuses a locked account's sign-in; lets through authentications made outside a web
    request (``manage.py`` commands, the test client's ``login``), which no one can brute-force."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _message():
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("Tài khoản tạm thời bị khoá vì đăng nhập sai nhiều lần. Vui lòng thử lại sau %(n)d phút "
             "hoặc nhờ quản trị viên mở khoá.") % {"n": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """429 in the API's error shape for API clients, a page in the site's layout for browsers."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": _message(), "code": "account_locked", "fields": {}}, status=429)
    else:
        response = render(request, "account_locked.html", {"message": _message()}, status=429)
    response["Retry-After"] = retry_after
    return response
