"""Cells for CSV and XLSX exports, safe to open in a spreadsheet program.

Spreadsheet programs execute cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as formulas ("CSV injection"); names and texts are typed by users, so every
such cell gets a leading apostrophe. Lives in the base app so every export uses this one rule.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The cell as text, neutralised when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
