"""Cross-site scripting: what people and authors type is shown as text everywhere.

One world where every typed text carries a payload — names of people, organisations and
groups, course, lesson, question, choice and feedback texts, lesson bodies (Markdown, rendered
and cleaned with nh3 as the catalogue loader does), invitation names, the location of a
classroom session, the name on a certificate — is shown on every page of learners, trainers,
organisation administrators, analysts and reviewers, the public verify page, in every e-mail,
and in the certificate and progress report PDFs. On a page the raw payload never appears, its
escaped form does; e-mails are plain text only (no HTML part), so the payload stands there as
typed, and nothing is evaluated (``{{7*7}}`` stays ``{{7*7}}``); in a PDF it is printed text."""

import io
import re
from datetime import timedelta

import pypdf
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessments.models import Choice, Question, Quiz
from certificates.pdf import render_certificate_pdf
from courses.markdown import render_markdown
from courses.models import ClassroomSession
from courses.services import enrol
from courses.services.assignments import assignment_create
from organisations.models import GroupMember
from organisations.services import invitation_create
from tests.certificates.factories import CertificateFactory
from tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    GroupFactory,
    LessonFactory,
    MemberFactory,
    ModuleFactory,
)
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
PAYLOADS = [SCRIPT, IMG, TEMPLATE]
RAW = ["<script>alert(1)", "<img src=x onerror", "javascript:alert"]

LESSON_MARKDOWN = f"""# Kop

Tekst met {SCRIPT} en {IMG} en {TEMPLATE}.

[klik hier](javascript:alert(1)) en <a href="javascript:alert(1)">ook hier</a>

<img src="x" onerror="alert(1)"> <div style="x" onclick="alert(1)">div</div>

<iframe src="https://evil.example"></iframe>
"""


def assert_escaped(html: str, *expected):
    """No raw payload anywhere; each expected payload present in its escaped form."""
    for raw in RAW:
        assert raw not in html, (raw, _around(html, raw))
    assert "onerror=" not in html.replace(escape(IMG), "").replace("onerror=alert(1)&gt;", "")
    for payload in expected:
        assert escape(payload) in html, payload


def _around(html: str, needle: str) -> str:
    index = html.find(needle)
    return html[max(0, index - 120) : index + 120]


@pytest.fixture
def world(organisation, trainer, learner, django_capture_on_commit_callbacks):
    """Payloads in every typed text, and the people to look at them."""
    organisation.name = f"Academie {SCRIPT}"
    organisation.save(update_fields=["name"])
    learner.name = f"Lotte {SCRIPT} {TEMPLATE}"
    learner.save(update_fields=["name"])
    trainer.name = f"Tim {IMG}"
    trainer.save(update_fields=["name"])
    course = CourseFactory(
        slug="xss",
        title_nl=f"Cursus {SCRIPT}",
        title_en=f"Course {SCRIPT}",
        summary_nl=f"Samenvatting {IMG}",
        summary_en=f"Summary {IMG}",
    )
    module = ModuleFactory(course=course, title_nl=f"Module {IMG}", title_en=f"Module {IMG}")
    body = render_markdown(LESSON_MARKDOWN)
    lesson = LessonFactory(
        module=module,
        slug="les",
        title_nl=f"Les {IMG}",
        title_en=f"Lesson {IMG}",
        body_nl=body,
        body_en=body,
    )
    quiz = Quiz.objects.create(
        course=course,
        kind="final",
        pass_mark=70,
        questions_per_attempt=1,
        feedback="after_submit",
    )
    question = Question.objects.create(
        quiz=quiz,
        slug="q",
        type="single",
        text_nl=f"Vraag {SCRIPT}?",
        text_en=f"Question {SCRIPT}?",
        explanation_nl=f"Uitleg {IMG}",
        explanation_en=f"Explanation {IMG}",
        position=0,
    )
    for index in range(2):
        Choice.objects.create(
            question=question,
            text_nl=f"Antwoord {index} {IMG}",
            text_en=f"Answer {index} {IMG}",
            is_correct=index == 0,
            feedback_nl=f"Terugkoppeling {SCRIPT}",
            feedback_en=f"Feedback {SCRIPT}",
            position=index,
        )
    group = GroupFactory(organisation=organisation, name=f"Groep {IMG}")
    GroupMember.objects.create(group=group, user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrol(user=learner, course=course)
        assignment = assignment_create(
            organisation=organisation,
            course=course,
            assigned_by=trainer,
            due_date=timezone.localdate() + timedelta(days=7),
            group=group,
            learners=(),
        )
        invitation = invitation_create(
            organisation=organisation,
            email="nieuw@example.org",
            actor=trainer,
            name=f"Nieuw {SCRIPT} {TEMPLATE}",
        )
    session = ClassroomSession.objects.create(
        course=course,
        organisation=organisation,
        held_on=timezone.localdate(),
        trainer=trainer,
        location=f"Zaal {IMG}",
    )
    holder = MemberFactory(organisation=organisation, role="learner", user__name=SCRIPT).user
    certificate = CertificateFactory(
        enrolment=EnrolmentFactory(
            user=holder, course=course, organisation=organisation, completed_at=timezone.now()
        ),
        holder_name=f"Houder {SCRIPT}",
        course_title_nl=f"Cursus {SCRIPT}",
        course_title_en=f"Course {SCRIPT}",
    )
    return {
        "course": course,
        "lesson": lesson,
        "quiz": quiz,
        "group": group,
        "assignment": assignment,
        "invitation": invitation,
        "session": session,
        "enrolment": enrolment,
        "certificate": certificate,
        "holder": holder,
    }


def get(client, url, *params):
    response = client.get(url, *params, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- lesson bodies: Markdown and nh3 ----------------------------------------------------------


def test_a_lesson_body_keeps_no_script_handler_style_or_javascript_link():
    """Authors write HTML inside Markdown on purpose: it is cleaned (nh3), not escaped."""
    html = render_markdown(LESSON_MARKDOWN)
    assert "<script" not in html and "alert(1)</script>" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html
    assert "style=" not in html and "<iframe" not in html
    assert '<img src="x">' in html  # the image stays, without its handler
    assert TEMPLATE in html


# --- pages -------------------------------------------------------------------------------


def test_the_learners_pages_escape_every_payload(client, learner, world):
    client.force_login(learner)
    course = world["course"]
    assert_escaped(get(client, reverse("courses:my_learning")), "Cursus " + SCRIPT)
    assert_escaped(get(client, reverse("courses:catalogue")), "Cursus " + SCRIPT)
    assert_escaped(
        get(client, reverse("courses:course", args=[course.slug])),
        "Cursus " + SCRIPT,
        "Les " + IMG,
    )
    lesson = get(client, reverse("courses:lesson", args=[course.slug, "les"]))
    assert_escaped(lesson, "Les " + IMG, "Cursus " + SCRIPT)
    assert TEMPLATE in lesson
    assert_escaped(get(client, reverse("accounts:profile")), "Lotte " + SCRIPT + " " + TEMPLATE)
    quiz = world["quiz"]
    assert_escaped(get(client, reverse("assessments:quiz", args=[quiz.pk])))
    started = client.post(reverse("assessments:start", args=[quiz.pk]))
    assert started.status_code == 302
    attempt = get(client, started["Location"])
    assert_escaped(attempt, "Vraag " + SCRIPT + "?", "Antwoord 0 " + IMG)


def test_the_review_of_an_attempt_escapes_question_choice_and_feedback(client, learner, world):
    from assessments import services
    from assessments.models import Attempt
    from tests.assessments.conftest import save_choices

    client.force_login(learner)
    quiz = world["quiz"]
    assert client.post(reverse("assessments:start", args=[quiz.pk])).status_code == 302
    attempt = Attempt.objects.get()
    question = quiz.questions.get()
    save_choices(
        attempt=attempt,
        question_id=question.pk,
        choice_ids=[question.choices.get(position=1).pk],
    )
    services.attempt_submit(attempt=attempt)
    review = get(client, reverse("assessments:review", args=[attempt.pk]))
    print(review[review.find("<main") :])
    assert_escaped(review, "Vraag " + SCRIPT + "?", "Cursus " + SCRIPT)


def test_the_trainers_pages_escape_every_payload(client, trainer, learner, world):
    client.force_login(trainer)
    group, assignment = world["group"], world["assignment"]
    assert_escaped(get(client, reverse("trainer:home")), "Groep " + IMG)
    assert_escaped(
        get(client, reverse("trainer:group", args=[group.pk])),
        "Groep " + IMG,
        "Lotte " + SCRIPT + " " + TEMPLATE,
        "Cursus " + SCRIPT,
    )
    assert_escaped(
        get(client, reverse("trainer:group_learner", args=[group.pk, learner.pk])),
        "Lotte " + SCRIPT + " " + TEMPLATE,
    )
    assert_escaped(
        get(client, reverse("trainer:assignment", args=[assignment.pk])),
        "Lotte " + SCRIPT + " " + TEMPLATE,
    )
    assert_escaped(get(client, reverse("trainer:classroom")), "Zaal " + IMG)
    assert_escaped(
        get(client, reverse("trainer:classroom_session", args=[world["session"].pk])),
        "Zaal " + IMG,
    )


def test_the_organisation_pages_escape_every_payload(client, org_admin, organisation, world):
    give_totp(org_admin, recovery_codes=False)
    client.force_login(org_admin)
    slug = organisation.slug
    assert_escaped(get(client, reverse("organisations:overview")), "Academie " + SCRIPT)
    assert_escaped(
        get(client, reverse("organisations:detail", args=[slug])),
        "Academie " + SCRIPT,
        "Lotte " + SCRIPT + " " + TEMPLATE,
        "Tim " + IMG,
    )
    assert_escaped(get(client, reverse("organisations:groups", args=[slug])), "Groep " + IMG)
    assert_escaped(
        get(client, reverse("organisations:group_detail", args=[slug, world["group"].pk])),
        "Groep " + IMG,
        "Lotte " + SCRIPT + " " + TEMPLATE,
    )
    assert_escaped(
        get(client, reverse("organisations:invitations", args=[slug])),
        "Nieuw " + SCRIPT + " " + TEMPLATE,
    )
    assert_escaped(get(client, reverse("organisations:audit", args=[slug])))
    assert_escaped(get(client, reverse("organisations:batch_upload", args=[slug])), "Groep " + IMG)


def test_the_invitation_page_escapes_the_organisation_and_name(client, world):
    token = world["invitation"].token
    page = get(client, reverse("organisations:invitation_accept", args=[token]))
    assert_escaped(page, "Academie " + SCRIPT)


def test_the_dashboard_escapes_course_group_and_organisation_names(
    client, analyst, organisation, world
):
    give_totp(analyst, recovery_codes=False)
    client.force_login(analyst)
    page = get(client, reverse("reporting:dashboard", args=[organisation.slug]))
    assert_escaped(page, "Academie " + SCRIPT)
    for script in re.findall(
        r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', page, re.S
    ):
        assert "<" not in script  # json_script escapes < > & inside the data


def test_the_certificate_pages_escape_the_holder_and_course(client, world):
    certificate, holder = world["certificate"], world["holder"]
    client.force_login(holder)
    assert_escaped(get(client, reverse("certificates:mine")), "Cursus " + SCRIPT)
    client.logout()
    verify = get(client, reverse("certificates:verify", args=[certificate.code]))
    assert_escaped(verify, "Cursus " + SCRIPT)
    assert "Houder" in verify
    lookup = client.get(reverse("certificates:verify_lookup"), {"code": SCRIPT})
    assert lookup.status_code in (200, 302, 404)
    assert SCRIPT not in lookup.content.decode()


def test_the_reviewer_pages_escape_questions_and_lessons(client, world):
    from tests.certificates.conftest import make_accreditation_admin

    client.force_login(make_accreditation_admin())
    course = world["course"]
    assert_escaped(get(client, reverse("courses:review", args=[course.slug])), "Les " + IMG)
    assert_escaped(get(client, reverse("courses:review_lesson", args=[course.slug, "les"])), SCRIPT)
    assert_escaped(
        get(client, reverse("assessments:question_bank", args=[course.slug])),
        "Vraag " + SCRIPT + "?",
        "Terugkoppeling " + SCRIPT,
    )


# --- e-mails --------------------------------------------------------------------------------


def assert_plain_text(message, *expected):
    """A text-only message (no HTML part to run anything in), one subject line, the typed text
    as typed, nothing evaluated."""
    assert message.content_subtype == "plain"
    assert not getattr(message, "alternatives", [])
    assert "\n" not in message.subject and "\r" not in message.subject
    for text in expected:
        assert text in message.body or text in message.subject, text
        assert escape(text) == text or escape(text) not in message.body  # not HTML-escaped


def test_the_invitation_and_assignment_mails_are_plain_text(world, learner):
    invitation = next(m for m in mail.outbox if m.to == ["nieuw@example.org"])
    assert_plain_text(invitation, "Nieuw " + SCRIPT + " " + TEMPLATE, "Academie " + SCRIPT)
    notice = next(m for m in mail.outbox if m.to == [learner.email])
    assert_plain_text(notice, "Cursus " + SCRIPT)
    assert "49" not in invitation.body


def test_the_reminders_and_trainer_overview_are_plain_text(
    trainer, learner, world, django_capture_on_commit_callbacks
):
    from courses.services.reminders import (
        reminder_send_manual,
        reminders_send_due,
        trainer_overview_send_weekly,
    )

    mail.outbox.clear()
    assignment = world["assignment"]
    with django_capture_on_commit_callbacks(execute=True):
        reminder_send_manual(assignment=assignment, user_ids=[learner.pk])
        reminders_send_due(today=assignment.due_date - timedelta(days=1))
        trainer_overview_send_weekly(today=assignment.due_date + timedelta(days=3))
    to_learner = [m for m in mail.outbox if m.to == [learner.email]]
    to_trainer = [m for m in mail.outbox if m.to == [trainer.email]]
    assert len(to_learner) >= 2 and to_trainer, [(m.to, m.subject) for m in mail.outbox]
    for message in to_learner:
        assert_plain_text(message, "Cursus " + SCRIPT)
    for message in to_trainer:
        assert_plain_text(message, "Lotte " + SCRIPT + " " + TEMPLATE)


def test_the_digest_is_plain_text(analyst, organisation, world, django_capture_on_commit_callbacks):
    from reporting.digest import digest_send_weekly

    today = timezone.localdate()
    last_week = today - timedelta(days=today.weekday() + 5)
    for _ in range(3):
        EnrolmentFactory(
            course=world["course"],
            organisation=organisation,
            started_at=timezone.now() - timedelta(days=30),
            completed_at=timezone.make_aware(
                timezone.datetime.combine(last_week, timezone.datetime.min.time())
            )
            + timedelta(hours=12),
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        digest_send_weekly(today=today)
    (digest,) = [m for m in mail.outbox if m.to == [analyst.email]]
    assert_plain_text(digest, "Academie " + SCRIPT)


def test_the_certificate_expiry_notice_is_plain_text(world):
    from certificates.expiry import _notice

    message = _notice(world["certificate"])
    assert_plain_text(message, "Cursus " + SCRIPT)


# --- PDFs -----------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_certificate_pdf_prints_the_payload_as_text(world):
    data = render_certificate_pdf(world["certificate"])
    text = pdf_text(data)
    assert "Houder " + SCRIPT in text, text
    assert "Cursus " + SCRIPT in text or "Course " + SCRIPT in text
    assert b"/JavaScript" not in data and b"/JS" not in data and b"/URI (javascript" not in data


def test_the_progress_report_pdf_prints_the_payload_as_text(coordinator):
    from organisations.models import Theme
    from reporting.models import ProgressReport
    from reporting.tasks import make_progress_report
    from tests.reporting.national_data import add_partner

    add_partner(
        name=f"Partner {SCRIPT}",
        kind="police",
        theme=Theme.POLICE,
        course_title=f"Cursus {IMG}",
        enrolled=12,
        completed=8,
    )
    today = timezone.localdate()
    report = ProgressReport.objects.create(
        requested_by=coordinator,
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
    )
    assert make_progress_report(report.pk) == "done"
    report.refresh_from_db()
    data = bytes(report.pdf)
    text = pdf_text(data)
    squeezed = text.replace(" ", "")  # table cells wrap long words
    assert ("Partner" + SCRIPT).replace(" ", "") in squeezed
    assert ("Cursus" + IMG).replace(" ", "") in squeezed
    assert b"/JavaScript" not in data and b"/JS " not in data
