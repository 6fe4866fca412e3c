"""The certificate as a PDF: one A4 landscape page in the certificate's language, drawn
directly on reportlab's canvas (a certificate is a fixed layout; platypus would only cost time).

Only the certificate's snapshot fields are read, so an unsaved instance renders and a re-issue
prints exactly what the row says. Top to bottom: the platform name, the title, the holder (or
"a deleted account"), course, version and completion date; the course's stated study load and the
measured study time; the accreditation (body, number, points, the register and the learner's
registration number) only when the snapshot has an accreditation number and points, which the
issuing service sets only for a granted accreditation that covers this completion; issue,
re-issue and expiry dates; the verification code, the verification URL and its QR code.

Everything is set in DejaVu Sans (``fonts/``: its licence, and how the files were made from
the originals), which covers Latin Extended-A ("Łukasz Żółć", "Şebnem Yılmaz", "Đorđe") and far
more. The fonts are parsed once per process and embedded as subsets of the glyphs used; the QR
code is one path filled once. Together this keeps a render at a few milliseconds of CPU and the
file at about 15 KB (at most 30 KB, tested with the longest name and the full accreditation).
"""

import functools
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext, override
from qrcode.constants import ERROR_CORRECT_M
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import FILL_NON_ZERO, Canvas
from reportlab.pdfgen.pathobject import PDFPathObject

from accounts.models import Register
from certificates.models import Certificate

# ReportLab wraps compressed streams in ASCII85 by default, for 7-bit mail channels of the
# 1990s: a PDF is a binary file, and the encoding costs a millisecond and 3 % of the size.
# (Process-wide; this module is the project's only user of ReportLab.)
rl_config.useA85 = 0

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "AcademySans"
BOLD = "AcademySans-Bold"

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
EDGE = 28  # the border's distance from the paper's edge
MARGIN = 64  # where text starts
QR_SIZE = 126
# The QR mask is fixed: any of the eight decodes, and qrcode's search for the one with the
# lowest penalty costs about 9 ms, more than the rest of the page. Mask 4 has the lowest mean
# and worst penalty over verification URLs of this length.
QR_MASK = 4
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN - QR_SIZE - 48  # the left column, beside the QR code
LABEL_WIDTH = 160  # the labels of the detail rows

INK = HexColor("#1b1b1b")
MUTED = HexColor("#4d4d4d")  # 8.6:1 on white: still plainly readable in print
ACCENT = HexColor("#1d4f5c")


@functools.cache
def _register_fonts() -> None:
    """Parse the two TrueType files once per process (registration is global in reportlab)."""
    for name, filename in ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        # Not "ASCII readable": that embeds every printable ASCII glyph, used or not (10 KB);
        # the text stays extractable through the subset's ToUnicode map.
        font = TTFont(name, str(FONT_DIR / filename), asciiReadable=False)
        pdfmetrics.registerFont(font)


def verification_url(code: str) -> str:
    """The public page that tells whether the certificate is genuine, current and not revoked."""
    return settings.SITE_URL.rstrip("/") + reverse("certificates:verify", args=[code])


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """The PDF of the certificate's snapshot, in its language."""
    _register_fonts()
    buffer = BytesIO()
    language = certificate.language or settings.LANGUAGE_CODE
    with override(language):
        pdf = Canvas(
            buffer,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            pageCompression=1,
            initialFontName=REGULAR,  # else an unused, unembedded Helvetica is listed
            lang=language,
        )
        url = verification_url(certificate.code)
        title = _course_title(certificate)
        pdf.setTitle(gettext("Certificate") + ": " + title)
        pdf.setAuthor(gettext("Academy"))
        pdf.setSubject(gettext("Verification code %(code)s") % {"code": certificate.code})
        pdf.setCreator(gettext("Academy"))
        _draw_frame(pdf)
        y = _draw_statement(pdf, certificate, title)
        _draw_details(pdf, _detail_rows(certificate), top=min(y - 34, 236))
        _draw_verification(pdf, certificate.code, url)
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()


def _course_title(certificate: Certificate) -> str:
    if certificate.language == "en" and certificate.course_title_en:
        return certificate.course_title_en
    return certificate.course_title_nl


def _draw_frame(pdf: Canvas) -> None:
    pdf.setStrokeColor(ACCENT)
    pdf.setLineWidth(0.75)
    pdf.rect(EDGE, EDGE, PAGE_WIDTH - 2 * EDGE, PAGE_HEIGHT - 2 * EDGE, stroke=1, fill=0)
    top = PAGE_HEIGHT - MARGIN - 8
    pdf.setFillColor(ACCENT)
    pdf.setFont(BOLD, 14)
    brand = gettext("Academy")
    pdf.drawString(MARGIN, top, brand)
    pdf.setFillColor(MUTED)
    pdf.setFont(REGULAR, 9.5)
    tagline_x = MARGIN + pdfmetrics.stringWidth(brand, BOLD, 14) + 10
    pdf.drawString(tagline_x, top, gettext("Sex work without stigma"))
    pdf.setLineWidth(0.4)
    pdf.line(MARGIN, top - 12, PAGE_WIDTH - MARGIN, top - 12)


def _draw_statement(pdf: Canvas, certificate: Certificate, title: str) -> float:
    """Title, holder, course, version and date, as one sentence over several lines. Returns
    the baseline of its last line."""
    y = PAGE_HEIGHT - 146
    pdf.setFillColor(INK)
    pdf.setFont(BOLD, 34)
    pdf.drawString(MARGIN, y, gettext("Certificate"))
    completed = _local_date(certificate.completed_at)
    if certificate.holder_erased:
        y = _draw_lines(pdf, gettext("Issued to a deleted account"), REGULAR, 20, 15, y - 52)
        connector = gettext("for the course")
        closing = gettext("(version %(version)s), completed on %(date)s")
    else:
        y = _draw_lines(pdf, certificate.holder_name, BOLD, 26, 15, y - 54)
        connector = gettext("completed the course")
        closing = gettext("(version %(version)s) on %(date)s")
    y = _draw_lines(pdf, connector, REGULAR, 13, 13, y - 26)
    y = _draw_lines(pdf, title, BOLD, 18, 12, y - 28)
    closing %= {"version": certificate.course_version, "date": completed}
    return _draw_lines(pdf, closing, REGULAR, 13, 11, y - 24)


def _draw_lines(
    pdf: Canvas, text: str, font: str, largest: float, smallest: float, y: float
) -> float:
    """Draw ``text`` from baseline ``y`` down, shrunk (not below ``smallest``) to fit the left
    column on as few lines as possible, then wrapped. Returns the last baseline."""
    width = pdfmetrics.stringWidth(text, font, largest)
    size = largest if width <= TEXT_WIDTH else max(smallest, largest * TEXT_WIDTH / width)
    size = int(size * 2) / 2  # half points: fewer distinct sizes in the file
    pdf.setFont(font, size)
    for index, line in enumerate(simpleSplit(text, font, size, TEXT_WIDTH) or [""]):
        if index:
            y -= size * 1.2
        pdf.drawString(MARGIN, y, line)
    return y


def _detail_rows(certificate: Certificate) -> list[tuple[str, str]]:
    rows = []
    if certificate.study_load_minutes:
        duration = _duration(certificate.study_load_minutes)
        rows.append((gettext("Study load"), gettext("about %(duration)s") % {"duration": duration}))
    if certificate.study_seconds:
        rows.append((gettext("Measured study time"), _study_time(certificate.study_seconds)))
    if certificate.accreditation_number and certificate.points:
        rows += _accreditation_rows(certificate)
    rows.append((gettext("Issued on"), _local_date(certificate.issued_at)))
    if certificate.reissued_at:
        rows.append((gettext("Re-issued on"), _local_date(certificate.reissued_at)))
    if certificate.expires_on:
        rows.append((gettext("Valid until"), _local_date(certificate.expires_on)))
    return rows


def _accreditation_rows(certificate: Certificate) -> list[tuple[str, str]]:
    rows = []
    if certificate.accreditation_body:
        rows.append((gettext("Accredited by"), certificate.accreditation_body))
    rows.append((gettext("Accreditation number"), certificate.accreditation_number))
    rows.append((gettext("Counts for"), _amount(certificate.points, certificate.points_unit)))
    if certificate.register and certificate.registration_number:
        register = dict(Register.choices).get(certificate.register, certificate.register)
        number = f"{certificate.registration_number} ({register})"
        rows.append((gettext("Registration number"), number))
    return rows


def _draw_details(pdf: Canvas, rows: list[tuple[str, str]], top: float) -> None:
    y = top
    for label, value in rows:
        pdf.setFillColor(MUTED)
        pdf.setFont(REGULAR, 9.5)
        label_lines = simpleSplit(label, REGULAR, 9.5, LABEL_WIDTH - 10)
        for index, line in enumerate(label_lines):
            pdf.drawString(MARGIN, y - index * 11.5, line)
        pdf.setFillColor(INK)
        pdf.setFont(BOLD, 9.5)
        value_lines = simpleSplit(value, BOLD, 9.5, TEXT_WIDTH - LABEL_WIDTH)
        for index, line in enumerate(value_lines):
            pdf.drawString(MARGIN + LABEL_WIDTH, y - index * 11.5, line)
        y -= 11.5 * max(len(label_lines), len(value_lines)) + 4.5


def _draw_verification(pdf: Canvas, code: str, url: str) -> None:
    """The QR code with the code under it, in a column that ends at the right margin."""
    column = max(QR_SIZE, pdfmetrics.stringWidth(code, BOLD, 12))
    centre = PAGE_WIDTH - MARGIN - column / 2
    y = PAGE_HEIGHT - 146 - QR_SIZE + 26
    pdf.setFillColor(INK)
    _draw_qr(pdf, url, centre - QR_SIZE / 2, y, QR_SIZE)
    pdf.setFillColor(MUTED)
    pdf.setFont(REGULAR, 8.5)
    pdf.drawCentredString(centre, y - 22, gettext("Verification code"))
    pdf.setFillColor(INK)
    pdf.setFont(BOLD, 12)
    pdf.drawCentredString(centre, y - 38, code)
    pdf.setFillColor(MUTED)
    pdf.setFont(REGULAR, 9)
    pdf.drawString(MARGIN, EDGE + 22, gettext("Check this certificate at %(url)s") % {"url": url})


def _draw_qr(pdf: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """The QR code as one path, filled once: a rectangle per run of dark modules (a horizontal
    run, stretched down over the rows below that have the same run). Drawn in module units, so
    every number is a whole one: short, and no hairline seams. The page around it is empty,
    which is the quiet zone readers need."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK)
    qr.add_data(payload)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    count = len(matrix)
    rects = []
    open_runs: dict[tuple[int, int], int] = {}  # (first column, length) -> first row
    for row_number, row in enumerate([*matrix, []]):
        runs = _dark_runs(row)
        for run in sorted(open_runs.keys() - runs):
            first_row = open_runs.pop(run)
            rects.append(f"{run[0]} {count - row_number} {run[1]} {row_number - first_row} re")
        for run in runs:
            open_runs.setdefault(run, row_number)
    pdf.saveState()
    pdf.transform(size / count, 0, 0, size / count, x, y)
    # The path is handed over as its operators: ``path.rect()`` formats every number through
    # reportlab's general float formatter, which costs 2 ms for a few hundred rectangles.
    pdf.drawPath(PDFPathObject(code=rects), stroke=0, fill=1, fillMode=FILL_NON_ZERO)
    pdf.restoreState()


def _dark_runs(row: list[bool]) -> set[tuple[int, int]]:
    runs = set()
    start = None
    for column, dark in enumerate([*row, False]):
        if dark and start is None:
            start = column
        elif not dark and start is not None:
            runs.add((start, column - start))
            start = None
    return runs


def _local_date(value: datetime | date) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "j F Y")


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    hours_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes_text = ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest}
    if not hours:
        return minutes_text
    if not rest:
        return hours_text
    return gettext("%(hours)s and %(minutes)s") % {"hours": hours_text, "minutes": minutes_text}


def _study_time(seconds: int) -> str:
    if seconds < 60:
        return gettext("less than a minute")
    return _duration((seconds + 30) // 60)  # to the nearest minute, halves up


def _amount(points: Decimal, unit: str) -> str:
    """Points or hours as in "2 points", "1,5 punten": no trailing zeros, the language's decimal
    sign (``normalize()`` alone would write 10 as 1E+1)."""
    points = Decimal(points)
    whole = points == points.to_integral_value()
    text = number_format(points.quantize(Decimal(1)) if whole else points.normalize())
    count = 1 if points == 1 else 2
    if unit == "hours":
        return ngettext("%(amount)s hour", "%(amount)s hours", count) % {"amount": text}
    return ngettext("%(amount)s point", "%(amount)s points", count) % {"amount": text}
