import pytest

from tests.reliability.outage import CACHE_OPTIONS, celery_broker
from tests.reliability.tcp_proxy import TcpProxy


@pytest.fixture
def redis_down(settings):
    """The cache and the broker point at a Redis that does not answer (a cut proxy)."""
    with TcpProxy(6379) as proxy:
        proxy.cut()
        url = f"redis://127.0.0.1:{proxy.port}/0"
        settings.CACHES = {
            "default": {
                "BACKEND": "academy.cache.DegradingRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "academy",
                "OPTIONS": CACHE_OPTIONS,
            }
        }
        settings.CELERY_TASK_ALWAYS_EAGER = False
        with celery_broker(url):
            yield proxy
