"""Open311's two formats: XML (declaration first, the spec's roots and element names) and JSON.

Resources are plain dicts whose nested lists are ``ListOf(item_tag, items)``: in XML a list is a
wrapper element holding one ``item_tag`` element per item (``<attributes><attribute>…``), in JSON
it is an array (``"attributes": […]``), and a list at the top is the root element in XML and a
top-level array in JSON. A blank value (None or "") is an empty element in XML and ``null`` in JSON.
Errors have the root ``errors`` of ``error`` with ``code`` (the HTTP status) and ``description``.
"""
import json
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element, tostring

from django.http import HttpResponse

from core.api import retry_after
from core.errors import PaknError

XML, JSON = "xml", "json"
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# Characters XML 1.0 cannot carry at all (control characters other than tab and line breaks).
NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class ListOf:
    tag: str
    items: list


def format_of_path(path: str) -> str:
    """The format a path asks for; XML when it names none (Open311's default)."""
    return JSON if path.endswith(".json") else XML


def _blank(value):
    return value is None or value == ""


def _plain(value):
    if isinstance(value, ListOf):
        return [_plain(item) for item in value.items]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return None if _blank(value) else value


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _element(tag, value):
    element = Element(tag)
    if isinstance(value, ListOf):
        element.extend(_element(value.tag, item) for item in value.items)
    elif isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif not _blank(value):
        element.text = _text(value)
    return element


def render(fmt, root, payload, *, status=200, headers=None) -> HttpResponse:
    """One resource in ``fmt``: ``root`` names the XML root (JSON has none)."""
    if fmt == JSON:
        body = json.dumps(_plain(payload), ensure_ascii=False)
    else:
        body = XML_DECLARATION + tostring(_element(root, payload), encoding="unicode")
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt], headers=headers)
    response.open311 = True  # already in Open311's format (see open311.middleware)
    return response


def error_descriptions(error: PaknError) -> list[str]:
    """One description per argument at fault ("lat: …"), else the error's message."""
    descriptions = [f"{name}: {message}" if name not in ("", "__all__") else str(message)
                    for name, messages in (error.fields or {}).items() for message in messages]
    return descriptions or [str(error.message)]


def render_errors(fmt, status, descriptions, *, headers=None) -> HttpResponse:
    errors = ListOf("error", [{"code": status, "description": text} for text in descriptions])
    return render(fmt, "errors", errors, status=status, headers=headers)


def render_error(fmt, error: PaknError) -> HttpResponse:
    headers = {**(retry_after(error) or {}), **getattr(error, "headers", {})}
    return render_errors(fmt, error.status, error_descriptions(error), headers=headers or None)
