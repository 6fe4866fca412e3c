"""The Celery app of ``test_worker_killed.py``: the Academy's app, configured for a test broker
and with a certificate rendering that stops on its first call, so the test can kill the worker
in the middle of the task. Production code is unchanged; this module only exists for
``celery -A tests.reliability.worker_killable worker``.

Environment (set by the test): ``REDIS_URL`` (broker and cache: a Redis database of the test's
own), ``DATABASE_URL`` (the test database), ``KILL_TEST_DIR`` (where the renderings are noted),
``KILL_TEST_VISIBILITY_TIMEOUT`` (seconds before an unacknowledged message is delivered again).
"""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from academy.celery import app
from tests.reliability.worker_options import transport_options

app.conf.update(broker_transport_options=transport_options(), worker_hijack_root_logger=False)


def _stopping_once(real_render):
    marks = Path(os.environ["KILL_TEST_DIR"])

    def render(certificate):
        with (marks / "renders").open("a") as log:
            log.write(f"{os.getpid()}\n")
        stopped = marks / "stopped"
        if not stopped.exists():
            stopped.write_text(str(os.getpid()))
            time.sleep(300)  # the test kills this process here
        return real_render(certificate)

    return render


@worker_process_init.connect
def _stop_the_first_rendering(**kwargs) -> None:
    """In each pool process (after the fork, Django set up): wrap the PDF rendering."""
    import django

    django.setup()
    from certificates import services

    services.render_certificate_pdf = _stopping_once(services.render_certificate_pdf)
