"""The OpenAPI schema's error responses, written once for every operation.

Every error from /api/ has one shape (``core.api``), so the schema documents it once: each
operation lists the error statuses it can answer, each with ``ErrorSerializer``'s schema,
whatever a view declared (a view's own ``responses`` only add statuses, e.g. 409):

- 400 always (bad input, a malformed body, an unknown Host);
- 401 and 403 unless the view is open to everyone (``AllowAny``);
- 404 when the path names something (an id, a code) or the list is paged (a page past the end);
- 413 and 415 when it takes a body; 429 when it is throttled.

An optional query parameter sent empty (``?to=``, as filter forms send it) counts as not given
everywhere (Django forms, DRF's fields read from a query string, paging), and the schema says so.
"""
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny

from core.api import ErrorSerializer

BODY_METHODS = ("POST", "PUT", "PATCH")


class PaknAutoSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            if parameter.get("in") == "query" and not parameter.get("required") and "schema" in parameter:
                parameter["schema"] = blank_means_absent(parameter["schema"])
        return operation

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        declared = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
        for status in sorted(declared | self._error_statuses()):
            responses[str(status)] = self._get_response_for_code(ErrorSerializer, str(status), direction=direction)
        return responses

    def _error_statuses(self):
        statuses = {400}
        if not any(issubclass(permission, AllowAny) for permission in self.view.permission_classes):
            statuses |= {401, 403}
        if "{" in self.path or self._get_paginator() is not None:
            statuses.add(404)
        if self.method in BODY_METHODS:
            statuses |= {413, 415}
        if getattr(self.view, "throttle_classes", None):
            statuses.add(429)
        return statuses


def blank_means_absent(schema):
    """The schema of a query parameter whose empty value (``?to=``) counts as not given, as
    filter forms send it: the documented type, or an empty string (not an enum member)."""
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
