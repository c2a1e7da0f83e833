"""Numbers as a Vietnamese reader expects them: 92,5% and 1.234 (the active locale's separators)."""
from django import template
from django.utils.formats import get_format, number_format

register = template.Library()


@register.filter
def percent(rate, decimals=1):
    """A fraction (0..1) as a percentage, "—" when there is nothing to divide."""
    if rate is None or rate == "":
        return "—"
    # number_format cuts digits off; round first so 0.9259 reads 92,6%.
    return f"{number_format(round(rate * 100, decimals), decimal_pos=decimals)}%"


def _grouped(text):
    """Group the thousands of an already formatted number with the locale's separator (1.234.567
    in Vietnamese). Django's Vietnamese formats set no grouping, and a count needs it."""
    decimal_separator = get_format("DECIMAL_SEPARATOR")
    whole, _sep, fraction = text.partition(decimal_separator)
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}".replace(",", get_format("THOUSAND_SEPARATOR"))
    return sign + grouped + (decimal_separator + fraction if fraction else "")


@register.filter
def count(value):
    """A whole number with the thousands grouped."""
    return _grouped(number_format(value or 0, decimal_pos=0))


@register.filter
def decimal(value, decimals=1):
    if value is None or value == "":
        return "—"
    return _grouped(number_format(round(value, decimals), decimal_pos=decimals))
