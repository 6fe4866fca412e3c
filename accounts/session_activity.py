"""Keeps allauth's list of a person's sessions current without a database write per request.

allauth's own ``UserSessionsMiddleware`` with ``USERSESSIONS_TRACK_ACTIVITY`` updates the
session row on every request (about five queries). This middleware does the same at most once
per ``SESSION_ACTIVITY_INTERVAL`` seconds per session, remembering the last update in the
session itself, so "last seen" stays accurate to a few minutes and most requests cost nothing.
"""

import time

from allauth.usersessions.models import UserSession
from django.conf import settings

SEEN_KEY = "_academy_session_seen"


class UserSessionActivityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            interval = getattr(settings, "SESSION_ACTIVITY_INTERVAL", 300)
            now = int(time.time())
            if now - int(session.get(SEEN_KEY, 0)) >= interval:
                UserSession.objects.create_from_request(request)
                session[SEEN_KEY] = now
        return self.get_response(request)
