import os

from celery import Celery
from celery.signals import heartbeat_sent

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")

app = Celery("academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@heartbeat_sent.connect
def note_worker_heartbeat(sender, **kwargs) -> None:
    """Every 2 s in each worker (Celery's event heartbeat): tell /healthz this worker is alive."""
    from academy.health import worker_heartbeat

    worker_heartbeat(getattr(getattr(sender, "eventer", None), "hostname", ""))
