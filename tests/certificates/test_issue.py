"""Issuing certificates: on completion, once, with the right points, and never early."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connections
from django.utils import timezone

from certificates import services
from certificates.models import Accreditation, Certificate, CourseEvaluation
from certificates.services import Waiting, certificate_issue, certificate_readiness
from certificates.sweep import certificates_sweep, pending_enrolment_ids
from courses.models import Enrolment
from tests.certificates.factories import AccreditationFactory, AppliedAccreditationFactory, body
from tests.certificates.helpers import complete, one_lesson_course
from tests.factories import EnrolmentFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_completing_a_course_issues_one_certificate_with_its_pdf(
    learner, django_capture_on_commit_callbacks
):
    course = one_lesson_course(minutes=45)
    enrolment = complete(learner, course, capture=django_capture_on_commit_callbacks)

    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.holder_name == learner.name
    assert certificate.course_title_nl == course.title_nl
    assert certificate.course_version == course.version
    assert certificate.completed_at == enrolment.completed_at
    assert certificate.study_load_minutes == 45
    assert bytes(certificate.pdf).startswith(b"%PDF")
    assert certificate.points is None and certificate.accreditation is None
    assert enrolment.certificate_issued_at == certificate.issued_at


def test_issuing_again_returns_the_same_certificate(learner, django_capture_on_commit_callbacks):
    enrolment = complete(learner, one_lesson_course(), capture=django_capture_on_commit_callbacks)
    first = Certificate.objects.get(enrolment=enrolment)

    again = certificate_issue(enrolment_id=enrolment.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.on_completion(enrolment_id=enrolment.pk)  # a duplicate task delivery
        certificates_sweep()

    assert again.pk == first.pk and again.code == first.code
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


def test_no_certificate_before_completion(learner):
    enrolment = EnrolmentFactory(user=learner, course=one_lesson_course())
    assert certificate_issue(enrolment_id=enrolment.pk) is None
    assert not Certificate.objects.exists()


def test_completions_before_the_assessment_rules_are_not_certified(learner, settings):
    settings.CERTIFICATE_RULES_SINCE = dt.date(2026, 12, 1)
    enrolment = EnrolmentFactory(
        user=learner,
        course=one_lesson_course(),
        completed_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
        version_completed=1,
    )
    assert certificate_readiness(enrolment).waiting_for == Waiting.BEFORE_RULES
    assert certificate_issue(enrolment_id=enrolment.pk) is None
    assert pending_enrolment_ids() == []


def test_the_sweep_issues_what_a_lost_task_left_undone(learner, django_capture_on_commit_callbacks):
    # Completed, but the task never ran (no on-commit callbacks executed here).
    enrolment = EnrolmentFactory(
        user=learner, course=one_lesson_course(), completed_at=timezone.now(), version_completed=1
    )
    assert pending_enrolment_ids() == [enrolment.pk]

    with django_capture_on_commit_callbacks(execute=True):  # the sweep queues after the commit
        assert certificates_sweep() == 1

    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    assert pending_enrolment_ids() == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuance_yields_one_certificate():
    learner = UserFactory()
    enrolment = EnrolmentFactory(
        user=learner, course=one_lesson_course(), completed_at=timezone.now(), version_completed=1
    )
    barrier = threading.Barrier(6)
    codes, errors = [], []

    def issue():
        try:
            barrier.wait(timeout=10)
            codes.append(certificate_issue(enrolment_id=enrolment.pk).code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(codes)) == 1
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


def test_a_failed_render_leaves_no_certificate_behind(learner, monkeypatch):
    enrolment = EnrolmentFactory(
        user=learner, course=one_lesson_course(), completed_at=timezone.now(), version_completed=1
    )

    def crash(certificate):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services, "render_certificate_pdf", crash)
    with pytest.raises(RuntimeError):
        certificate_issue(enrolment_id=enrolment.pk)
    assert not Certificate.objects.exists()
    assert Enrolment.objects.get(pk=enrolment.pk).certificate_issued_at is None


# --- accreditation ------------------------------------------------------------------------


def _accredited_course(**accreditation):
    course = one_lesson_course()
    return course, AccreditationFactory(course=course, **accreditation)


def _evaluate(enrolment, accreditation):
    CourseEvaluation.objects.create(
        enrolment=enrolment,
        relevance=4,
        quality=5,
        minutes_reported=40,
        accreditation=accreditation,
    )


def test_a_granted_accreditation_waits_for_the_evaluation_and_the_number(
    learner, django_capture_on_commit_callbacks
):
    course, accreditation = _accredited_course(points=Decimal("1.50"))
    enrolment = complete(learner, course, capture=django_capture_on_commit_callbacks)
    assert not Certificate.objects.exists()
    assert certificate_readiness(enrolment).waiting_for == Waiting.EVALUATION
    assert enrolment.pk not in pending_enrolment_ids()

    _evaluate(enrolment, accreditation)
    assert certificate_readiness(enrolment).waiting_for == Waiting.REGISTRATION
    assert certificate_issue(enrolment_id=enrolment.pk) is None

    learner.vvn_number = "1234567"
    learner.save(update_fields=["vvn_number"])
    certificate = certificate_issue(enrolment_id=enrolment.pk)

    assert certificate.points == Decimal("1.50")
    assert certificate.accreditation_number == accreditation.number
    assert certificate.registration_number == "1234567"
    assert certificate.register == "vvn"
    assert certificate.accreditation_body == body("vvn").name


def test_a_learner_who_wants_no_points_gets_a_certificate_without_them(
    learner, django_capture_on_commit_callbacks
):
    course, _ = _accredited_course()
    enrolment = complete(learner, course, capture=django_capture_on_commit_callbacks)
    _evaluate(enrolment, None)

    certificate = certificate_issue(enrolment_id=enrolment.pk)

    assert certificate.points is None and certificate.registration_number == ""


@pytest.mark.parametrize(
    "status",
    [Accreditation.Status.APPLIED, Accreditation.Status.EXPIRED, Accreditation.Status.WITHDRAWN],
)
def test_only_a_granted_accreditation_gives_points(
    status, learner, django_capture_on_commit_callbacks
):
    course = one_lesson_course()
    if status == Accreditation.Status.APPLIED:
        AppliedAccreditationFactory(course=course)
    else:
        AccreditationFactory(course=course, status=status)
    enrolment = complete(learner, course, capture=django_capture_on_commit_callbacks)

    certificate = Certificate.objects.get(enrolment=enrolment)  # issued at once: no evaluation
    assert certificate.points is None and certificate.accreditation_number == ""


def test_points_count_only_inside_the_period_and_the_covered_versions(
    learner, django_capture_on_commit_callbacks
):
    course = one_lesson_course()
    AccreditationFactory(course=course, valid_from=dt.date(2027, 1, 1))  # starts later
    AccreditationFactory(course=course, body=body("aban"), first_version=2)  # later version
    enrolment = complete(learner, course, capture=django_capture_on_commit_callbacks)

    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.points is None


def test_a_later_grant_never_adds_points_to_an_earlier_certificate(
    learner, django_capture_on_commit_callbacks
):
    course = one_lesson_course()
    enrolment = complete(learner, course, capture=django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(enrolment=enrolment)

    AccreditationFactory(course=course, valid_from=dt.date(2026, 12, 11))
    learner.vvn_number = "1234567"
    learner.save(update_fields=["vvn_number"])
    services.certificate_reissue(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert certificate.points is None
    assert certificate_readiness(enrolment).covering == ()


def test_a_changed_registration_number_reissues_with_the_same_code(
    learner, django_capture_on_commit_callbacks
):
    from accounts.services import profile_update

    course, accreditation = _accredited_course()
    learner.vvn_number = "1234567"
    learner.save(update_fields=["vvn_number"])
    enrolment = complete(learner, course, capture=django_capture_on_commit_callbacks)
    _evaluate(enrolment, accreditation)
    certificate = certificate_issue(enrolment_id=enrolment.pk)

    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=learner, changes={"vvn_number": "7654321"})

    reissued = Certificate.objects.get(pk=certificate.pk)
    assert reissued.code == certificate.code
    assert reissued.registration_number == "7654321"
    assert reissued.reissued_at is not None
    assert Certificate.objects.count() == 1


def test_the_expiry_date_follows_the_course_validity(learner, django_capture_on_commit_callbacks):
    enrolment = complete(
        learner,
        one_lesson_course(certificate_validity_months=24),
        capture=django_capture_on_commit_callbacks,
    )
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.expires_on == dt.date(2028, 12, 10)
