"""Uploads: the platform's one file upload is the CSV of the bulk invitation
(``organisations:batch_upload``; ``InvitationBatchForm``). Whatever arrives — too large, another
kind of file under a .csv name, a wrong encoding, NUL bytes, garbage, no rows, ragged rows, a
quote never closed — the answer is the form again with a clear message, and nothing is saved:
no upload, no invitation, no account, no membership. Never a server error (the test client
raises it)."""

import codecs
import os

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.models import User
from organisations.forms import MAX_UPLOAD_BYTES, InvitationBatchForm
from organisations.models import GroupMember, Invitation, InvitationBatch, Membership
from organisations.services.bulk import MAX_ROWS
from tests.apps import OUR_APPS
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db

NOT_UTF8 = "The file is not UTF-8 text. In Excel, choose “Save as” → “CSV UTF-8 (comma delimited)”."
NO_HEADER = "The first row must be a header with at least the column “email”."
NO_PEOPLE = "The file has a header but no people."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256))


def _counts():
    return (
        InvitationBatch.objects.count(),
        Invitation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        GroupMember.objects.count(),
    )


@pytest.fixture
def post(client, org_admin, organisation):
    give_totp(org_admin, recovery_codes=False)
    client.force_login(org_admin)
    url = reverse("organisations:batch_upload", args=[organisation.slug])

    def _post(content: bytes, name: str = "people.csv", content_type: str = "text/csv"):
        upload = SimpleUploadedFile(name, content, content_type=content_type)
        return client.post(url, {"file": upload})

    return _post


def assert_refused(response, message: str, before):
    """The form again (200), with the message beside the file field, and nothing saved."""
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert message in errors, errors
    assert escape(message) in response.content.decode()
    assert _counts() == before


# --- size and kind of file -------------------------------------------------------------------


def test_too_large_a_file_is_refused(post):
    before = _counts()
    line = b"someone@example.org,Someone\n"
    content = b"email,name\n" + line * (MAX_UPLOAD_BYTES // len(line) + 1)
    assert len(content) > MAX_UPLOAD_BYTES
    assert_refused(post(content), "The file is larger than 1 MB. Split it up.", before)


def test_too_many_rows_are_refused(post):
    before = _counts()
    content = "email\n" + "".join(f"p{index}@example.org\n" for index in range(MAX_ROWS + 1))
    message = f"The file has {MAX_ROWS + 1} rows; the maximum is {MAX_ROWS}. Split it up."
    assert_refused(post(content.encode()), message, before)


@pytest.mark.parametrize("name", ["people.xlsx", "people.png", "people.pdf", "people", "p.csv.exe"])
def test_another_extension_is_refused(post, name):
    before = _counts()
    assert_refused(post(b"email\na@example.org\n", name=name), "Upload a .csv file.", before)


def test_other_files_renamed_to_csv_are_refused(post):
    """A PNG, a PDF, a zip file (an .xlsx is one) under a .csv name: not UTF-8 text."""
    before = _counts()
    for content in (PNG, PDF, ZIP, os.urandom(4096)):
        assert_refused(post(content, content_type="image/png"), NOT_UTF8, before)


def test_an_empty_file_is_refused(post):
    before = _counts()
    response = post(b"")
    with translation.override(response.wsgi_request.LANGUAGE_CODE):  # Django's own message
        message = str(forms.FileField.default_error_messages["empty"])
    assert_refused(response, message, before)


# --- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "email,naam\nä@example.org,Zoë\n".encode("latin-1"),
        "email,name\nzoe@example.org,Zoë\n".encode("utf-16"),  # with its byte order mark
        "email,name\nzoe@example.org,Zoë\n".encode("utf-16-le"),  # without: NUL bytes
        "email,name\nzoe@example.org,Zoë\n".encode("utf-16-be"),
        b"email,name\nzoe@example.org,Zo\x00e\n",
        b"email\x00,name\nzoe@example.org,Zoe\n",
        b"email,name\nzoe@example.org,\xc3\x28\n",  # a broken UTF-8 sequence
    ],
    ids=["latin-1", "utf-16", "utf-16-le", "utf-16-be", "nul-in-row", "nul-in-header", "broken"],
)
def test_text_that_is_not_utf8_is_refused(post, content):
    before = _counts()
    assert_refused(post(content), NOT_UTF8, before)


def test_a_utf8_byte_order_mark_is_welcome(post, organisation):
    """The control case: Excel's "CSV UTF-8" starts with a byte order mark; it is read."""
    response = post(codecs.BOM_UTF8 + "email;naam\nzoe@example.org;Zoë\n".encode())
    assert response.status_code == 302
    batch = InvitationBatch.objects.get()
    assert batch.total_rows == 1
    assert not batch.csv_text.startswith("\ufeff")


def test_garbage_that_happens_to_be_utf8_is_refused(post):
    before = _counts()
    for content in (b"\x01\x02\x03\x04\x05\n\x06\x07", "���\n".encode(), b'{"email": 1}\n'):
        assert_refused(post(content), NO_HEADER, before)


# --- structure ----------------------------------------------------------------------------------


def test_a_header_without_people_is_refused(post):
    before = _counts()
    for content in (b"email,name,role\n", b"email\n\n\n", b"email;name\n;\n;;\n"):
        assert_refused(post(content), NO_PEOPLE, before)


def test_only_blank_lines_is_refused(post):
    before = _counts()
    assert_refused(post(b"\n\n  \n"), "The file is empty.", before)


def test_a_file_without_the_email_column_is_refused(post):
    before = _counts()
    assert_refused(post(b"name,role\nAnn,learner\n"), NO_HEADER, before)


@pytest.mark.parametrize(
    "content, row, found",
    [
        ("email,name,role\na@example.org,Jansen, Piet,learner\n", 2, 4),  # unquoted comma
        ("email,name\na@example.org,Ann\nb@example.org,Bo,trainer,extra\n", 3, 4),
        ("email,name,role\na@example.org,Ann\n", 2, 2),
        ("email;name;role\na@example.org\n", 2, 1),
    ],
    ids=["unquoted-comma", "too-many", "too-few", "too-few-semicolon"],
)
def test_rows_with_too_many_or_too_few_columns_are_refused(post, content, row, found):
    before = _counts()
    width = len(content.split("\n", 1)[0].replace(";", ",").split(","))
    message = (
        f"Row {row} has {found} columns, but the header has {width}. Put a text with a comma or "
        "a semicolon between double quotes, and fill every column (empty cells are fine)."
    )
    assert_refused(post(content.encode()), message, before)


def test_empty_cells_after_the_last_column_are_harmless(post):
    """Spreadsheets often save a few empty columns more: they shift nothing."""
    response = post(b'email,name,,\na@example.org,"Jansen, Piet",,\nb@example.org,Bo,,,,\n')
    assert response.status_code == 302
    assert InvitationBatch.objects.get().total_rows == 2


def test_a_quote_never_closed_is_refused(post):
    """The rest of the file becomes one cell; past the csv module's field limit it cannot be
    read at all."""
    before = _counts()
    content = b'email,name\na@example.org,"Ann\n' + b"b@example.org,Bo\n" * 12000
    assert len(content) < MAX_UPLOAD_BYTES
    response = post(content)
    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert error.startswith("Row ") and "Check the double quotes" in error, error
    assert _counts() == before


# --- who may upload -------------------------------------------------------------------------------


def test_a_learner_cannot_upload(client, learner, organisation):
    before = _counts()
    client.force_login(learner)
    url = reverse("organisations:batch_upload", args=[organisation.slug])
    upload = SimpleUploadedFile("people.csv", b"email\na@example.org\n", content_type="text/csv")
    assert client.post(url, {"file": upload}).status_code == 404
    assert _counts() == before


def test_every_file_field_is_this_one():
    """The only upload of the platform; a new one needs its own tests here."""
    from pathlib import Path

    from django.conf import settings

    found = []
    for app in OUR_APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            source = path.read_text()
            if "FileField" in source or "request.FILES" in source or "ImageField" in source:
                found.append(path.relative_to(settings.BASE_DIR).as_posix())
    assert sorted(found) == ["organisations/forms.py", "organisations/views/invitations.py"]
    assert list(InvitationBatchForm.base_fields) == ["file"]
