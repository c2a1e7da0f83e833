"""The API's default permission: nobody. Every view says who may use it, or no one can.

With DRF's usual ``AllowAny`` default a new view is public unless someone remembers to close it;
here a forgotten declaration fails closed (401 for anonymous callers, 403 for signed-in ones) and
``tests/core/test_api_defaults.py`` checks that every routed view declares its own.
"""
from rest_framework.permissions import BasePermission


class DenyUnlessDeclared(BasePermission):
    def has_permission(self, request, view):
        return False
