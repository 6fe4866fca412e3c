"""The progress report as files: XLSX (openpyxl) and PDF (reportlab platypus, A4).

Both are made from the report's stored data through ``national.overview_tables``, the same texts
the print view shows; the XLSX keeps counts as numbers (a suppressed cell is the text "< 5") and
neutralises every text cell against formula injection. The PDF is an annex to the yearly
progress letter to Parliament: title, period, generation date and source on the first page, the
source and page number in every footer, set in DejaVu Sans (certificates/fonts), embedded.
"""

from __future__ import annotations

import functools
from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from accounts.spreadsheets import csv_safe
from certificates.pdf import FONT_DIR
from reporting.national import (
    annex_line,
    generated_text,
    overview_tables,
    period_text,
    report_title,
    source_line,
    suppression_note,
    table_headers,
    trend_headers,
)

REGULAR = "ReportSans"
BOLD = "ReportSans-Bold"
INK = colors.HexColor("#1b1b1b")
RULE = colors.HexColor("#8c99a6")
SHADE = colors.HexColor("#e8eef3")


# --- XLSX --------------------------------------------------------------------------------------


def _number_or_text(text: str):
    """Counts as numbers, "< 5" and "–" as (safe) text."""
    return int(text) if text.isdigit() else csv_safe(text)


def report_xlsx(data: dict, *, generated_at: datetime) -> bytes:
    """Four sheets: about, partners (one flat table, easy to filter), attitude, trend."""
    tables = overview_tables(data)
    workbook = Workbook()
    bold = Font(bold=True)

    about = workbook.active
    about.title = gettext("About")
    for line in (
        report_title(),
        annex_line(),
        period_text(data),
        generated_text(generated_at),
        source_line(),
        suppression_note(data["min_cell"]),
    ):
        about.append([csv_safe(line)])
    about["A1"].font = bold

    partners = workbook.create_sheet(gettext("Partners"))
    partners.append([gettext("Theme"), gettext("Partner"), gettext("Course"), *table_headers()])
    for theme in tables:
        for row in theme["rows"]:
            cells = [_number_or_text(text) for text in row["cells"]]
            if row["progress"] is not None:
                cells[-1] = row["progress"]
            partners.append(
                [
                    csv_safe(theme["label"]),
                    csv_safe(row["partner"]),
                    csv_safe(row["course"]),
                    *cells,
                ]
            )
            if row["progress"] is not None:
                partners.cell(row=partners.max_row, column=9).number_format = "0%"

    attitude = workbook.create_sheet(gettext("Attitude"))
    attitude.append(
        [
            gettext("Theme"),
            gettext("People (n)"),
            gettext("Before"),
            gettext("After"),
            gettext("Change"),
        ]
    )
    for theme, raw in zip(tables, data["themes"], strict=True):
        shown = raw["attitude"]
        if shown is None:
            attitude.append([csv_safe(theme["label"]), gettext("fewer than 10"), "–", "–", "–"])
        else:
            attitude.append(
                [
                    csv_safe(theme["label"]),
                    shown["n"],
                    *(shown[key] for key in ("pre", "post", "change")),
                ]
            )

    trend = workbook.create_sheet(gettext("Trend"))
    trend.append([gettext("Theme"), gettext("Quarter"), *trend_headers()])
    for theme in tables:
        for point in theme["trend"]:
            trend.append(
                [
                    csv_safe(theme["label"]),
                    csv_safe(point["quarter"]),
                    *(_number_or_text(text) for text in point["cells"]),
                ]
            )

    for sheet in (partners, attitude, trend):
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- PDF ---------------------------------------------------------------------------------------


@functools.cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf"), asciiReadable=False))
    pdfmetrics.registerFont(
        TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf"), asciiReadable=False)
    )
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=13, textColor=INK)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=8, leading=10),
        "annex": ParagraphStyle("annex", parent=body, fontName=BOLD, fontSize=10, spaceAfter=4),
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=17, leading=21, spaceAfter=8
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=BOLD, fontSize=13, leading=16, spaceBefore=10, spaceAfter=4
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName=BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=3
        ),
    }


def _table(header: list[str], rows: list[list[str]], widths, styles) -> Table:
    def para(text, style):
        return Paragraph(escape(text), styles[style])

    table = Table(
        [[para(text, "head") for text in header]]
        + [[para(text, "cell") for text in row] for row in rows],
        colWidths=widths,
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def report_pdf(data: dict, *, generated_at: datetime) -> bytes:
    _register_fonts()
    styles = _styles()
    tables = overview_tables(data)
    output = BytesIO()
    width = A4[0] - 36 * mm

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(INK)
        canvas.drawString(18 * mm, 10 * mm, f"{annex_line()} · {source_line()}")
        canvas.drawRightString(
            A4[0] - 18 * mm, 10 * mm, gettext("Page %(page)s") % {"page": document.page}
        )
        canvas.restoreState()

    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{report_title()} – {period_text(data)}",
        author=gettext("Academy"),
        subject=annex_line(),
        initialFontName=REGULAR,  # else every page declares Helvetica, a font not embedded
    )
    story = [
        Paragraph(escape(annex_line()), styles["annex"]),
        Paragraph(escape(report_title()), styles["title"]),
        Paragraph(
            escape(gettext("Period: %(period)s") % {"period": period_text(data)}), styles["body"]
        ),
        Paragraph(escape(generated_text(generated_at)), styles["body"]),
        Paragraph(escape(source_line()), styles["body"]),
        Spacer(0, 4 * mm),
        Paragraph(escape(suppression_note(data["min_cell"])), styles["small"]),
    ]
    header = [gettext("Partner"), gettext("Course"), *table_headers()]
    widths = [32 * mm, 38 * mm] + [(width - 70 * mm) / 6] * 6
    for theme in tables:
        story.append(Paragraph(escape(theme["label"]), styles["h2"]))
        if theme["rows"]:
            rows = [[row["partner"], row["course"], *row["cells"]] for row in theme["rows"]]
            story.append(_table(header, rows, widths, styles))
        else:
            story.append(
                Paragraph(escape(gettext("No partners in this theme yet.")), styles["body"])
            )
        story.append(Spacer(0, 2 * mm))
        story.append(Paragraph(escape(theme["attitude_text"]), styles["body"]))
        if theme["trend"]:
            trend_rows = [[point["quarter"], *point["cells"]] for point in theme["trend"]]
            story.append(
                KeepTogether(
                    [
                        Paragraph(escape(gettext("Trend per quarter")), styles["h3"]),
                        _table(
                            [gettext("Quarter"), *trend_headers()],
                            trend_rows,
                            [40 * mm, 60 * mm],
                            styles,
                        ),
                    ]
                )
            )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return output.getvalue()
