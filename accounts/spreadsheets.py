"""Cells for CSV and XLSX exports, safe to open in a spreadsheet program.

Spreadsheet programs execute cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as formulas ("CSV injection"); names and texts are typed by users, so every
such cell gets a leading apostrophe. Lives in the base app so every export uses this one rule.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The same rule as a regular expression for PostgreSQL's ``~``, for exports the database formats
# itself (``COPY``); "-" first so that it is no range, tab and carriage return as escapes.
FORMULA_PATTERN = (
    "^["
    + "".join(
        {"\t": r"\t", "\r": r"\r"}.get(start, start)
        for start in sorted(FORMULA_STARTS, key=lambda start: start != "-")
    )
    + "]"
)


def csv_safe(value) -> str:
    """The cell as text, neutralised when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
