"""The cache backend: django-redis, with a stand-in in this process while Redis is down.

What the platform keeps in the cache is either worth recomputing (figures, loaded content) or
a guard: allauth's login and signup rate limits and its locks (``cache.add``), the record of
used TOTP codes (``cache.add``: a code counts once), the certificate lookup limit. Answering
"nothing there" while Redis is away (django-redis's ``IGNORE_EXCEPTIONS``) would open every
guard: unlimited password guessing, a TOTP code accepted twice. So the Django cache API falls
back to a local-memory cache of this process instead. The guards then hold per process (a
gunicorn worker counts its own attempts), which is weaker than one count for the site but far
from open. After a failure Redis is tried again after ``RETRY_REDIS_AFTER`` seconds, so a
Redis that does not answer costs one connect timeout per period, not one per call.

``redis_is_up`` asks Redis itself (``/healthz``), not the stand-in.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)

RETRY_REDIS_AFTER = 2.0  # seconds
STAND_IN_MAX_ENTRIES = 20_000


class DegradingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        shared = {key: params[key] for key in ("KEY_PREFIX", "VERSION", "TIMEOUT") if key in params}
        # LocMemCache keeps its entries per name and process: every thread shares them.
        self.stand_in = LocMemCache(
            f"academy-stand-in:{server}",
            {**shared, "OPTIONS": {"MAX_ENTRIES": STAND_IN_MAX_ENTRIES}},
        )
        self._retry_redis_at = 0.0

    @property
    def degraded(self) -> bool:
        """True while this cache answers from the stand-in (Redis failed a moment ago)."""
        return time.monotonic() < self._retry_redis_at

    def redis_is_up(self) -> bool:
        try:
            return bool(self.client.get_client(write=True).ping())
        except Exception:  # any failure to reach Redis means: down
            return False

    def _call(self, method: str, *args, **kwargs):
        if not self.degraded:
            try:
                return getattr(self.client, method)(*args, **kwargs)
            except ConnectionInterrupted as error:
                if not self._ignore_exceptions:
                    raise error.__cause__ from None
                self._retry_redis_at = time.monotonic() + RETRY_REDIS_AFTER
                logger.warning(
                    "Redis is unreachable (%s): the cache answers from this process's memory",
                    error.__cause__ or error,
                )
        return getattr(self.stand_in, method)(*args, **kwargs)

    # The Django cache API; django-redis's own extras (ttl, lock, keys, …) keep its behaviour.

    def get(self, key, default=None, version=None):
        return self._call("get", key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return bool(self._call("delete", key, version=version))

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta=delta, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        self.stand_in.clear()
        return self._call("clear")
