"""Single sign-on against a real OpenID Connect provider (oidc-provider on loopback): who may
log in through which provider, provisioning, linking, groups, blocking."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import AuditEvent, User
from organisations.models import Group, Membership, Role
from organisations.sso.services import member_block
from tests.factories import MemberFactory, UserFactory
from tests.sso.harness import login_via_provider
from tests.sso.helpers import organisation_with_provider, sso_login

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("sso")]


@pytest.fixture
def org_a(oidc_provider):
    return organisation_with_provider(
        oidc_provider,
        "org-a",
        "org-a.example",
        group_mapping={"academy-trainers": {"group": "Trainers Noord", "role": "trainer"}},
    )


@pytest.fixture
def org_b(oidc_provider):
    return organisation_with_provider(oidc_provider, "org-b", "org-b.example")


def test_a_new_person_becomes_a_member_with_name_language_and_groups(client, oidc_provider, org_a):
    oidc_provider.add_account(
        "noor",
        email="noor@org-a.example",
        name="Noor Yılmaz",
        locale="en-GB",
        groups=["academy-trainers", "unmapped"],
    )
    response, _ = sso_login(client, "noor@org-a.example", "noor")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sso_welcome"))
    user = User.objects.get(email="noor@org-a.example")
    assert (user.name, user.preferred_language) == ("Noor Yılmaz", "en")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (org_a.organisation, Role.TRAINER)
    assert (
        Group.objects.get(organisation=org_a.organisation, name="Trainers Noord")
        .members.filter(pk=user.pk)
        .exists()
    )
    assert SocialAccount.objects.get(user=user).provider == "org-a"
    welcome = client.get(response["Location"])
    assert "Who sees your data" in welcome.content.decode()


def test_a_claim_never_grants_analyst_or_admin(client, oidc_provider, org_a):
    org_a.group_mapping = {"boss": {"group": "Leiding", "role": "admin"}, "x": {"role": "analyst"}}
    org_a.save(update_fields=["group_mapping"])
    oidc_provider.add_account("kees", email="kees@org-a.example", groups=["boss", "x"])

    sso_login(client, "kees@org-a.example", "kees")

    assert Membership.objects.get(user__email="kees@org-a.example").role == Role.LEARNER


def test_a_provider_cannot_log_in_an_address_of_another_organisation(
    client, oidc_provider, org_a, org_b
):
    victim = UserFactory(email="bram@org-b.example")
    MemberFactory(user=victim, organisation=org_b.organisation)
    oidc_provider.add_account("mallory", email="bram@org-b.example", email_verified=True)

    # Organisation A's provider vouches only for org-a.example.
    start = client.post("/accounts/login/", {"login": "anyone@org-a.example"})
    back = login_via_provider(requests.Session(), start["Location"], "mallory")
    parts = urlsplit(back.headers["Location"])
    response = client.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SSO_LOGIN_REFUSED, data__reason="domain"
    ).exists()


def test_an_existing_account_is_linked_only_for_a_verified_address(client, oidc_provider, org_a):
    existing = UserFactory(email="lotte@org-a.example", name="Lotte")
    oidc_provider.add_account("lotte-unverified", email="lotte@org-a.example", email_verified=False)
    response, _ = sso_login(client, "lotte@org-a.example", "lotte-unverified")
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()

    oidc_provider.add_account("lotte", email="lotte@org-a.example", email_verified=True)
    response, _ = sso_login(client, "lotte@org-a.example", "lotte")
    assert response.status_code == 302
    assert SocialAccount.objects.get().user == existing
    assert int(client.session["_auth_user_id"]) == existing.pk
    assert User.objects.filter(email="lotte@org-a.example").count() == 1


def test_a_replayed_callback_logs_nobody_in(client, oidc_provider, org_a):
    oidc_provider.add_account("replay", email="replay@org-a.example")
    response, path = sso_login(client, "replay@org-a.example", "replay")
    assert response.status_code == 302
    client.logout()

    again = client.get(path)

    assert "_auth_user_id" not in client.session
    assert again.status_code in (400, 401, 403)


def test_the_login_page_answers_alike_for_known_and_unknown_addresses(client, oidc_provider, org_a):
    UserFactory(email="known@org-a.example")
    UserFactory(email="known@example.org")

    def sso_answer(email):
        response = client.post("/accounts/login/", {"login": email})
        parts = urlsplit(response["Location"])
        query = parse_qs(parts.query)
        return response.status_code, parts.path, sorted(query), query["client_id"]

    assert sso_answer("known@org-a.example") == sso_answer("unknown@org-a.example")

    def password_answer(email):
        html = client.post("/accounts/login/", {"login": email}).content.decode()
        html = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1TOKEN", html)
        return html.replace(email, "ADDRESS")

    assert password_answer("known@example.org") == password_answer("unknown@example.org")


def test_a_blocked_person_is_logged_out_and_cannot_log_in_again(client, oidc_provider, org_a):
    oidc_provider.add_account("sara", email="sara@org-a.example")
    sso_login(client, "sara@org-a.example", "sara")
    sara = User.objects.get(email="sara@org-a.example")
    admin = MemberFactory(organisation=org_a.organisation, role=Role.ADMIN).user
    assert client.get(reverse("courses:my_learning")).status_code == 200

    member_block(organisation=org_a.organisation, user=sara, actor=admin)

    assert client.get(reverse("courses:my_learning")).status_code == 302  # session ended
    response, _ = sso_login(client, "sara@org-a.example", "sara")
    assert "_auth_user_id" not in client.session
    assert response.status_code in (302, 200) and "inactive" in (
        response.get("Location", "") + response.content.decode()
    )
    assert Membership.objects.filter(user=sara).exists()  # learning records stay


def test_a_person_removed_at_the_provider_cannot_log_in(client, oidc_provider, org_a):
    start = client.post("/accounts/login/", {"login": "gone@org-a.example"})
    page = login_via_provider(requests.Session(), start["Location"], "nobody-by-this-name")
    assert "Location" not in page.headers or "/accounts/sso/" not in page.headers["Location"]
    assert "Unknown account" in page.text
