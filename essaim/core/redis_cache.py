"""Django's Redis cache backend, keeping its ``redis.Redis`` client.

Django's backend builds a new ``redis.Redis`` object around its connection pool for every
operation (``RedisCacheClient.get_client``), and redis-py's constructor sets up its ~200 response
callbacks each time: about a tenth of a millisecond per cache operation, half a dozen
operations per request (rate limit, the topics' versions, cached fragments and rows). The client
is stateless around its pool and safe to share between threads (redis-py's documentation), so
one per pool is kept. Everything else is Django's.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _KeptClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _KeptClient
