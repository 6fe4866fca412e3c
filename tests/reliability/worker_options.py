"""The broker options of the worker-killing test, shared by the test process and the worker it
starts (``worker_killable.py``). Importing this changes nothing: the test process keeps the
Academy's own Celery configuration for every other test."""

import os

VISIBILITY_TIMEOUT = int(os.environ.get("KILL_TEST_VISIBILITY_TIMEOUT", "3"))


def transport_options(visibility_timeout: int = VISIBILITY_TIMEOUT) -> dict:
    """The platform's broker options plus a short visibility timeout, and a look for abandoned
    messages every second."""
    from django.conf import settings

    return {
        **getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
