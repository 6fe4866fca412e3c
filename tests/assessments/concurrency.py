"""Ten learners' requests at once on one attempt: answer saves racing a hand-in.

Used by ``test_concurrent_answers.py`` on PostgreSQL (in the test process) and, through
``python -m tests.assessments.concurrency <sqlite file>``, on a file-based SQLite database in a
separate process (the embedded default of ``make run``).
"""

import json
import sys
import threading

THREADS = 10


def hammer(*, attempt, user) -> list[int]:
    """Status codes of THREADS simultaneous requests: eight answer saves (htmx) and two
    hand-ins of the same attempt."""
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    barrier = threading.Barrier(THREADS)
    codes: list[int] = []
    errors: list[BaseException] = []
    entries = attempt.layout

    def request(index: int) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        try:
            barrier.wait(timeout=20)
            if index < THREADS - 2:
                entry = entries[index % len(entries)]
                response = client.post(
                    reverse("assessments:answer", args=[attempt.pk, entry["q"]]),
                    {f"q{entry['q']}": "0"},
                    HTTP_HX_REQUEST="true",
                )
            else:
                response = client.post(
                    reverse("assessments:save", args=[attempt.pk]), {"submit": "1"}
                )
            codes.append(response.status_code)
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return codes


def _sqlite_main(path: str) -> None:
    import os

    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from assessments import services
    from tests import factories
    from tests.assessments.conftest import make_quiz

    organisation = factories.OrganisationFactory()
    user = factories.MemberFactory(organisation=organisation, role="learner").user
    course = factories.CourseFactory()
    factories.LessonFactory(module__course=course)
    enrolment = factories.EnrolmentFactory(user=user, course=course, organisation=organisation)
    quiz = make_quiz(course=course, questions=8)
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)
    codes = hammer(attempt=attempt, user=user)
    attempt.refresh_from_db()
    print(json.dumps({"codes": codes, "status": attempt.status}))


if __name__ == "__main__":
    _sqlite_main(sys.argv[1])
