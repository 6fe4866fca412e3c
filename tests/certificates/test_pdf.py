"""The certificate PDF, read back: page, language, content, accreditation block, fonts,
metadata, size and the QR code. An unsaved ``Certificate`` is enough: no database."""

import datetime as dt
import io
import re
from decimal import Decimal

import pypdf
import pypdfium2 as pdfium
import pytest
import qrcode
import zxingcpp

from certificates.models import Certificate
from certificates.pdf import render_certificate_pdf, verification_url

CODE = "K7QM-3XRT-PW9D-HN2C"
AMSTERDAM = dt.timezone(dt.timedelta(hours=1))
LONG_NAME = (
    "Łukasz Żółć-Şebnem Yılmaz van der Đorđević-Oudenhoven de la Fuente y Bartholomeüs "
    "Ĳsbrand Čapková-Ňemcová Ğülşen Ōtomo Přemysl Ŧhe Ŵelsh Ŷnys Annemarie-Wilhelmina"
)


def certificate(**overrides) -> Certificate:
    """A certificate with the full accreditation block, in Dutch (override as needed)."""
    fields = {
        "code": CODE,
        "language": "nl",
        "holder_name": "Annelies de Vries",
        "course_title_nl": "Sekswerkers in de zorg",
        "course_title_en": "Sex workers in care",
        "course_version": 3,
        "completed_at": dt.datetime(2026, 3, 4, 10, 0, tzinfo=AMSTERDAM),
        "study_seconds": 6120,
        "study_load_minutes": 90,
        "accreditation_body": "V&VN Kwaliteitsregister",
        "accreditation_number": "VVN-400123",
        "points": Decimal("1.50"),
        "points_unit": "points",
        "register": "vvn",
        "registration_number": "12345678",
        "issued_at": dt.datetime(2026, 3, 5, 9, 0, tzinfo=AMSTERDAM),
    }
    fields.update(overrides)
    return Certificate(**fields)


def page_of(pdf: bytes) -> pypdf.PageObject:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0]


def text_of(pdf: bytes) -> str:
    """The page's text with every run of white space (line breaks too) as one space."""
    return " ".join(page_of(pdf).extract_text().split())


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://academy.example.org/"


def test_verification_url_is_the_public_page_on_the_site():
    assert verification_url(CODE) == f"https://academy.example.org/certificates/verify/{CODE}/"


def test_the_page_is_a4_landscape():
    box = page_of(render_certificate_pdf(certificate())).mediabox

    assert float(box.width) == pytest.approx(842, abs=1)
    assert float(box.height) == pytest.approx(595, abs=1)


def test_it_prints_holder_course_version_date_code_and_where_to_check_it():
    text = text_of(render_certificate_pdf(certificate()))

    assert "Annelies de Vries" in text
    assert "Sekswerkers in de zorg" in text
    assert "(version 3) on 4 maart 2026" in text  # the tests' catalogue: English, Dutch dates
    assert CODE in text
    assert f"https://academy.example.org/certificates/verify/{CODE}/" in text


def test_it_prints_the_study_load_and_the_measured_study_time():
    text = text_of(render_certificate_pdf(certificate(language="en")))

    assert "about 1 hour and 30 minutes" in text
    assert "1 hour and 42 minutes" in text


@pytest.mark.parametrize(
    ("minutes", "seconds", "load", "measured"),
    [
        (45, 30, "about 45 minutes", "less than a minute"),
        (120, 3600, "about 2 hours", "1 hour"),
        (61, 150, "about 1 hour and 1 minute", "3 minutes"),
    ],
)
def test_durations_read_as_hours_and_minutes(minutes, seconds, load, measured):
    pdf = render_certificate_pdf(
        certificate(language="en", study_load_minutes=minutes, study_seconds=seconds)
    )

    text = text_of(pdf)
    assert f"Study load {load}" in text
    assert f"Measured study time {measured}" in text


def test_without_a_measurement_no_study_time_is_claimed():
    text = text_of(render_certificate_pdf(certificate(language="en", study_seconds=0)))

    assert "Measured study time" not in text


def test_an_accredited_certificate_prints_body_number_points_and_registration_number():
    text = text_of(render_certificate_pdf(certificate(language="en")))

    assert "Accredited by V&VN Kwaliteitsregister" in text
    assert "Accreditation number VVN-400123" in text
    assert "Counts for 1.5 points" in text
    assert "12345678 (Kwaliteitsregister V&VN)" in text


@pytest.mark.parametrize(
    ("points", "unit", "language", "printed"),
    [
        (Decimal("1.50"), "points", "nl", "1,5 points"),
        (Decimal("2.00"), "points", "en", "2 points"),
        (Decimal("1.00"), "points", "en", "1 point"),
        (Decimal("10.00"), "hours", "en", "10 hours"),
        (Decimal("0.75"), "hours", "en", "0.75 hours"),
    ],
)
def test_points_have_no_trailing_zeros_and_the_languages_decimal_sign(
    points, unit, language, printed
):
    pdf = render_certificate_pdf(certificate(points=points, points_unit=unit, language=language))

    assert f"Counts for {printed}" in text_of(pdf)


@pytest.mark.parametrize(
    "overrides",
    [
        # applied for: the body is known, there is no number and no points
        {"accreditation_number": "", "points": None},
        {"accreditation_number": "VVN-400123", "points": None},
        {"accreditation_number": "", "points": Decimal("1.50")},
    ],
)
def test_without_number_and_points_nothing_of_an_accreditation_is_printed(overrides):
    text = text_of(render_certificate_pdf(certificate(language="en", **overrides)))

    for claim in ("Accredit", "V&VN", "VVN-400123", "Counts for", "point", "1.5", "12345678"):
        assert claim not in text
    assert "Annelies de Vries" in text  # the rest of the certificate is there


@pytest.mark.parametrize(
    "name", ["Łukasz Żółć", "Şebnem Yılmaz", "Đorđe Petrović", "Přemysl Čech", "Ĳsbrand Ōtomo"]
)
def test_latin_extended_a_names_round_trip(name):
    assert name in text_of(render_certificate_pdf(certificate(holder_name=name)))


def test_every_font_is_an_embedded_truetype_subset():
    fonts = page_of(render_certificate_pdf(certificate()))["/Resources"]["/Font"]

    assert len(fonts) == 2  # regular and bold
    for font in fonts.values():
        font = font.get_object()
        assert font["/Subtype"] == "/TrueType"
        assert "DejaVuSans" in font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_metadata_names_the_certificate_and_the_platform():
    metadata = pypdf.PdfReader(io.BytesIO(render_certificate_pdf(certificate()))).metadata

    assert metadata.title == "Certificate: Sekswerkers in de zorg"
    assert metadata.author == "Academy"
    assert metadata.creator == "Academy"
    assert CODE in metadata.subject


def test_a_long_name_with_the_full_accreditation_block_stays_under_30_kb():
    pdf = render_certificate_pdf(
        certificate(
            holder_name=LONG_NAME,
            course_title_nl="Stigmavrij werken met sekswerkers: gezondheid, veiligheid en "
            "rechten in de zorg, bij de politie, de gemeente en de bank – een verdieping",
            reissued_at=dt.datetime(2026, 6, 1, 12, 0, tzinfo=AMSTERDAM),
            expires_on=dt.date(2028, 3, 4),
        )
    )

    assert len(pdf) <= 30 * 1024
    assert LONG_NAME in text_of(pdf)


def test_a_dutch_certificate_has_the_dutch_title_and_dates():
    text = text_of(render_certificate_pdf(certificate(language="nl")))

    assert "Sekswerkers in de zorg" in text
    assert "Sex workers in care" not in text
    assert "5 maart 2026" in text


def test_an_english_certificate_has_the_english_title_dates_and_words():
    text = text_of(render_certificate_pdf(certificate(language="en")))

    assert "Certificate" in text
    assert "completed the course Sex workers in care (version 3) on 4 March 2026" in text
    assert "Issued on 5 March 2026" in text
    assert "Sekswerkers" not in text


def test_an_english_certificate_without_english_title_falls_back_to_the_dutch_one():
    text = text_of(render_certificate_pdf(certificate(language="en", course_title_en="")))

    assert "Sekswerkers in de zorg" in text


def test_a_dutch_certificate_speaks_dutch_with_the_projects_catalogue(settings):
    settings.LOCALE_PATHS = [settings.BASE_DIR / "locale"]

    text = text_of(render_certificate_pdf(certificate(expires_on=dt.date(2028, 3, 4))))

    assert "Certificaat" in text
    assert "heeft de cursus Sekswerkers in de zorg (versie 3) afgerond op 4 maart 2026" in text
    assert "Geldig tot 4 maart 2028" in text
    assert "Telt voor 1,5 punten" in text


def test_the_completion_date_is_the_local_date():
    late_evening_utc = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)  # 1 January in NL

    pdf = render_certificate_pdf(certificate(language="en", completed_at=late_evening_utc))

    assert "on 1 January 2027" in text_of(pdf)


def test_reissue_and_expiry_are_printed_when_set_and_only_then():
    plain = text_of(render_certificate_pdf(certificate(language="en")))
    full = text_of(
        render_certificate_pdf(
            certificate(
                language="en",
                reissued_at=dt.datetime(2026, 6, 1, 12, 0, tzinfo=AMSTERDAM),
                expires_on=dt.date(2028, 3, 4),
            )
        )
    )

    assert "Re-issued" not in plain and "Valid until" not in plain
    assert "Re-issued on 1 June 2026" in full
    assert "Valid until 4 March 2028" in full


def test_an_erased_holder_is_a_deleted_account_without_a_name():
    pdf = render_certificate_pdf(
        certificate(language="en", holder_name="Annelies de Vries", holder_erased=True)
    )

    text = text_of(pdf)
    assert "Issued to a deleted account" in text
    assert "Annelies" not in text
    assert "Sex workers in care" in text


def decoded_qr(pdf: bytes) -> list[str]:
    image = pdfium.PdfDocument(pdf)[0].render(scale=3).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("code", [CODE, "AAAA-AAAA-AAAA-AAAA", "2345-6789-ABCD-EFGH"])
def test_the_qr_code_carries_the_verification_url(code):
    pdf = render_certificate_pdf(certificate(code=code))

    assert decoded_qr(pdf) == [verification_url(code)]


def graphics_of(pdf: bytes) -> list[str]:
    """The page's content stream as tokens, without its text objects (whose strings may hold
    any byte, "f" too)."""
    content = page_of(pdf).get_contents().get_data().decode("latin-1")
    return re.sub(r"\bBT\b.*?\bET\b", " ", content, flags=re.DOTALL).split()


@pytest.mark.parametrize("site", ["https://a.nl", "https://academy.example.org/" + "x" * 150])
def test_the_qr_code_is_one_path_filled_once_whatever_its_size(settings, site):
    settings.SITE_URL = site
    pdf = render_certificate_pdf(certificate())

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(verification_url(CODE))
    qr.make(fit=True)
    dark_modules = sum(sum(1 for dark in row if dark) for row in qr.get_matrix())
    tokens = graphics_of(pdf)
    fills = [token for token in tokens if token in {"f", "F", "f*", "B", "B*", "b", "b*"}]

    assert fills == ["f"]  # the QR code; the frame and the rule are strokes
    assert tokens.count("re") < dark_modules / 2  # runs of modules, not one per module
    assert decoded_qr(pdf) == [verification_url(CODE)]
