"""A police officer logs in with her organisation's own account (OpenID Connect single sign-on)
for the first time; someone of a domain without single sign-on gets the password step.

The provider is a real one (tests/sso/harness.py, ``oidc_provider``), registered with a client
whose redirect URI is on the live server. The browser goes the whole way: the platform's
e-mail step, the provider's sign-in page, back to the platform's welcome page and on to
My learning, where the course assigned to her group is waiting.
"""

import re
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from courses.models import Enrolment
from courses.services.assignments import assignment_assignee_ids, assignment_create
from organisations.models import (
    GroupMember,
    IdentityProvider,
    IdentityProviderDomain,
    Membership,
    Role,
)
from organisations.sso import secrets
from tests.accounts.helpers import nl
from tests.factories import (
    CourseFactory,
    GroupFactory,
    LessonFactory,
    MemberFactory,
    OrganisationFactory,
)
from tests.sso.harness import oidc_provider  # noqa: F401  (the real OpenID Connect provider)

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_SECRET = "politie-utrecht-secret"
EMAIL = "sanne@politie.example"
GROUP = "Basisteam Utrecht"
COURSE_NL = "Signalen van uitbuiting herkennen"
COURSE_EN = "Recognising signs of exploitation"


def _exactly(*texts: str) -> re.Pattern:
    """A text as given or as the Dutch catalogues show it: with our catalogue switched off,
    msgids that allauth translates too ("Continue", "Password") still come out in Dutch."""
    texts = set(texts) | {nl(text) for text in texts}
    options = "|".join(re.escape(text) for text in sorted(texts))
    return re.compile(rf"^\s*({options})\s*$", re.IGNORECASE)


def _police_with_single_sign_on(oidc_provider, live_server):  # noqa: F811
    organisation = OrganisationFactory(name="Politie Eenheid Utrecht", kind="police")
    trainer = MemberFactory(organisation=organisation, role=Role.TRAINER).user
    group = GroupFactory(organisation=organisation, name=GROUP)
    course = CourseFactory(title_nl=COURSE_NL, title_en=COURSE_EN)
    LessonFactory(module__course=course, course=course)
    assignment = assignment_create(
        organisation=organisation,
        course=course,
        assigned_by=trainer,
        group=group,
        due_date=timezone.localdate() + timedelta(days=30),
    )
    provider = IdentityProvider.objects.create(
        organisation=organisation,
        slug="politie",
        name="Politie-account",
        issuer=oidc_provider.issuer,
        client_id="politie",
        client_secret_encrypted=secrets.encrypt(CLIENT_SECRET),
        group_mapping={"basisteam-utrecht": {"group": GROUP, "role": "learner"}},
    )
    IdentityProviderDomain.objects.create(provider=provider, domain="politie.example")
    oidc_provider.add_client(
        "politie",
        redirect_uris=[f"{live_server.url}/accounts/sso/politie/login/callback/"],
        client_secret=CLIENT_SECRET,
    )
    oidc_provider.add_account(
        "sanne",
        email=EMAIL,
        email_verified=True,
        name="Sanne de Boer",
        locale="nl",
        groups=["basisteam-utrecht"],
        amr=["pwd"],
    )
    return organisation, group, course, assignment


def test_a_police_officer_logs_in_with_her_organisations_account_for_the_first_time(
    page,
    axe_check,
    live_server,
    settings,
    oidc_provider,  # noqa: F811
):
    settings.LOCALE_PATHS = []  # find our texts by their English msgids
    organisation, group, course, assignment = _police_with_single_sign_on(
        oidc_provider, live_server
    )

    page.goto("/accounts/login/")
    axe_check(page)
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_role("button", name=_exactly("Continue")).click()

    page.wait_for_url(f"{oidc_provider.issuer}/**")
    login_field = page.get_by_label("E-mail / login")
    expect(login_field).to_have_value(EMAIL)  # the address went along as login_hint
    login_field.fill("sanne")
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{live_server.url}/accounts/welcome/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome")
    expect(page.get_by_role("heading", name="Who sees your data")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=_exactly("Continue")).click()

    # /start/ sends a learner on to My learning
    page.wait_for_url(f"{live_server.url}/courses/my/")
    assigned = page.locator("section", has=page.get_by_role("heading", name="Assigned to you"))
    expect(assigned.get_by_role("link", name=COURSE_NL, exact=True)).to_be_visible()
    axe_check(page)

    user = User.objects.get(email=EMAIL)
    assert user.name == "Sanne de Boer"
    assert user.preferred_language == "nl"
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (organisation, Role.LEARNER)
    assert GroupMember.objects.filter(group=group, user=user).exists()
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.course == course
    assert enrolment.source == Enrolment.Source.ASSIGNED
    assert user.pk in assignment_assignee_ids(assignment=assignment)
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("politie", "sanne")
    assert not user.has_usable_password()


def test_an_address_without_single_sign_on_continues_with_the_password(
    page,
    axe_check,
    live_server,
    settings,
    oidc_provider,  # noqa: F811
):
    settings.LOCALE_PATHS = []
    _police_with_single_sign_on(oidc_provider, live_server)

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("someone@example.org")
    page.get_by_role("button", name=_exactly("Continue")).click()

    password = page.get_by_label(_exactly("Password"))
    expect(password).to_be_visible()
    assert page.url == f"{live_server.url}/accounts/login/"
    expect(page.locator('input[name="login"]')).to_have_value("someone@example.org")
    axe_check(page)
