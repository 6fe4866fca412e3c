"""One way to write dates in every language (``FORMAT_MODULE_PATH``): "25 november 2026" in
Dutch, "25 November 2026" in English; with a time "25 november 2026, 18:48". Never abbreviated
months ("13 okt"), never numeric dates ("12/01/2026") or a 12-hour clock ("6:48 p.m.") on a
page or in an e-mail. Templates write ``|date:"j F Y"`` and ``|date:"j F Y, H:i"`` (or the named
formats below, or no format at all: they are the same). Input formats stay Django's own.

Machine formats are fine where a machine reads them: ``|date:"c"`` and ``|date:"Y-m-d"`` in a
``<time datetime>`` attribute, ISO dates in exports and JSON.
"""

DATE = "j F Y"
DATETIME = "j F Y, H:i"
TIME = "H:i"
