import csv

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organisations.models import Invitation, InvitationBatch
from organisations.services import invitation_batch_create


def upload_url(organisation):
    return reverse("organisations:batch_upload", args=[organisation.slug])


def batch_url(batch, name="batch_detail"):
    return reverse(f"organisations:{name}", args=[batch.organisation.slug, batch.pk])


def csv_file(text, name="people.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_it_explains_the_columns_and_offers_a_template(login, trainer, organisation):
    client = login(trainer)
    response = client.get(upload_url(organisation))
    assert response.status_code == 200
    assert response.context["grantable"] == ["learner"]
    template = client.get(reverse("organisations:batch_template", args=[organisation.slug]))
    assert template["Content-Type"].startswith("text/csv")
    assert template.content.decode("utf-8-sig").strip() == "email,name,role,group,language"


def test_it_uploads_and_processes_a_file(
    login, org_admin, organisation, django_capture_on_commit_callbacks
):
    client = login(org_admin)
    text = (
        "\ufeffemail;name;role\na@example.org;A;learner\nbad;B;learner\na@example.org;A;learner\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(upload_url(organisation), {"file": csv_file(text)})
    batch = InvitationBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch_url(batch)
    batch.refresh_from_db()
    assert batch.status == "done" and batch.total_rows == 3
    assert [r["outcome"] for r in batch.results] == ["invited", "rejected", "already_invited"]
    assert Invitation.objects.count() == 1

    page = client.get(batch_url(batch))
    assert page.status_code == 200
    assert page.context["counts"] == {
        "invited": 1,
        "already_member": 0,
        "already_invited": 1,
        "rejected": 1,
    }
    assert "hx-trigger" not in page.content.decode()  # finished: no more polling
    rejected = client.get(batch_url(batch), {"outcome": "rejected"})
    assert [r["email"] for r in rejected.context["results"]] == ["bad"]
    result_csv = client.get(batch_url(batch, "batch_results_csv")).content.decode("utf-8-sig")
    assert result_csv.splitlines()[0] == "row,email,outcome,reason"
    assert len(result_csv.splitlines()) == 4


@pytest.mark.parametrize(
    "upload, message_part",
    [
        (csv_file("name\nAnn\n"), "email"),
        (csv_file("email\n"), None),
        (csv_file("email,naam\nä@example.org,Zoë\n", encoding="latin-1"), "UTF-8"),
        (csv_file("email\na@example.org\n", name="people.xlsx"), ".csv"),
        (csv_file("email,rloe\na@example.org,x\n"), "rloe"),
    ],
)
def test_it_rejects_bad_files_with_a_clear_message(
    login, org_admin, organisation, upload, message_part
):
    response = login(org_admin).post(upload_url(organisation), {"file": upload})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors
    if message_part:
        assert message_part in " ".join(errors)
    assert not InvitationBatch.objects.exists()


def test_it_requires_a_file(login, org_admin, organisation):
    response = login(org_admin).post(upload_url(organisation), {})
    assert response.context["form"].errors["file"]


def test_it_polls_while_the_batch_runs(login, org_admin, organisation):
    batch = InvitationBatch.objects.create(
        organisation=organisation,
        uploaded_by=org_admin,
        csv_text="email\na@example.org\nb@example.org\n",
        total_rows=2,
        processed_rows=1,
        status="running",
    )
    client = login(org_admin)
    html = client.get(batch_url(batch)).content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert 'value="50"' in html  # the progress bar
    assert f'href="{batch_url(batch)}"' in html  # a plain refresh link without JavaScript
    partial = client.get(batch_url(batch), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="batch-status"')
    assert "<h1" not in partial


def test_it_continues_a_failed_batch(
    login, org_admin, organisation, django_capture_on_commit_callbacks
):
    batch = InvitationBatch.objects.create(
        organisation=organisation,
        uploaded_by=org_admin,
        csv_text="email\na@example.org\n",
        total_rows=1,
        status="failed",
    )
    client = login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(batch_url(batch, "batch_restart"))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "done"
    assert Invitation.objects.filter(email="a@example.org").exists()


@pytest.mark.parametrize("who", ["analyst", "outsider", "learner"])
def test_it_is_404_for_people_who_may_not_invite(login, organisation, org_admin, who, request):
    batch = invitation_batch_create(
        organisation=organisation,
        actor=org_admin,
        filename="x.csv",
        csv_text="email\na@example.org\n",
    )
    client = login(request.getfixturevalue(who))
    assert client.get(upload_url(organisation)).status_code == 404
    assert (
        client.post(
            upload_url(organisation), {"file": csv_file("email\nz@example.org\n")}
        ).status_code
        == 404
    )
    assert client.get(batch_url(batch)).status_code == 404
    assert client.get(batch_url(batch, "batch_results_csv")).status_code == 404
    assert client.post(batch_url(batch, "batch_restart")).status_code == 404
    assert InvitationBatch.objects.count() == 1


def test_it_is_404_for_a_batch_of_another_organisation(
    login, org_admin, organisation, other_organisation, outsider
):
    foreign = invitation_batch_create(
        organisation=other_organisation,
        actor=outsider,
        filename="x.csv",
        csv_text="email\na@example.org\n",
    )
    url = reverse("organisations:batch_detail", args=[organisation.slug, foreign.pk])
    assert login(org_admin).get(url).status_code == 404


@pytest.mark.parametrize("size", [2, 150])
def test_it_shows_results_in_a_fixed_number_of_queries(
    login, org_admin, organisation, size, django_assert_max_num_queries
):
    batch = InvitationBatch.objects.create(
        organisation=organisation,
        uploaded_by=org_admin,
        csv_text="email\n",
        total_rows=size,
        processed_rows=size,
        status="done",
        results=[
            {"row": i + 2, "email": f"p{i}@example.org", "outcome": "invited", "reason": ""}
            for i in range(size)
        ],
    )
    client = login(org_admin)
    with django_assert_max_num_queries(6):
        response = client.get(batch_url(batch))
    assert len(response.context["results"].object_list) == min(size, 100)


def test_it_neutralises_formulas_in_the_results_file(
    login, org_admin, organisation, django_capture_on_commit_callbacks
):
    client = login(org_admin)
    text = 'email,name,role\n"=HYPERLINK(""http://evil.example.com"")",X,learner\n@x,Y,+boss\n'
    with django_capture_on_commit_callbacks(execute=True):
        client.post(upload_url(organisation), {"file": csv_file(text)})
    batch = InvitationBatch.objects.get()
    lines = client.get(batch_url(batch, "batch_results_csv")).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(lines.splitlines()[1:]) for cell in row]
    assert cells, lines
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), cells
    assert "'=HYPERLINK" in lines


def test_it_records_the_download_of_the_results_in_the_audit_log(login, org_admin, organisation):
    from accounts.models import AuditEvent

    batch = invitation_batch_create(
        organisation=organisation, actor=org_admin, filename="x.csv", csv_text="email\na@b.org\n"
    )
    login(org_admin).get(batch_url(batch, "batch_results_csv"))
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.organisation, event.data["batch"]) == (
        org_admin,
        organisation,
        batch.pk,
    )
