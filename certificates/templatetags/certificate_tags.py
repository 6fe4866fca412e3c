from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def points(value) -> str:
    """Points as the body states them, without trailing zeros, in the active locale:
    2.00 → "2", 1.50 → "1,5" (nl) or "1.5" (en)."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    return number_format(number)
