"""The cache backend: django-redis, degrading instead of raising while Redis is down.

With ``IGNORE_EXCEPTIONS`` django-redis turns a failed read into a miss and drops a failed
write (logged with ``DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS``). One call needs more: ``add``
answers ``None`` then, which allauth's rate limits read as "the lock is taken by someone else"
and answer 429 to every login. Here a failed ``add`` answers ``True`` (added), so locks and
rate limits open up while the cache is away, as every other read does.
"""

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted


class DegradingRedisCache(RedisCache):
    def add(self, *args, **kwargs):
        try:
            return self.client.add(*args, **kwargs)
        except ConnectionInterrupted as error:
            if not self._ignore_exceptions:
                raise error.__cause__ from None
            if self._log_ignored_exceptions:
                self.logger.exception("Exception ignored")
            return True
