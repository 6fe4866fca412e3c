from datetime import timedelta

import time_machine
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


def test_it_records_the_session_once_per_interval(client, learner):
    client.force_login(learner)
    client.get("/")
    session = UserSession.objects.get(user=learner)
    first_seen = session.last_seen_at
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not any("usersessions_usersession" in q["sql"] for q in queries.captured_queries)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        client.get("/")
    session.refresh_from_db()
    assert session.last_seen_at > first_seen


def test_anonymous_visits_record_nothing(client, db):
    client.get("/")
    assert not UserSession.objects.exists()
